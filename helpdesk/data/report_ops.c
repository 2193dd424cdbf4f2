/* report_ops.c - checklist rows about running the service (report_int.h):
 * availability (9, 11, 13, 19), backups (14-16, 31, 32, 38, 53), data
 * (33, 35, 37, 40-42), logs and monitoring (20, 22-25, 47) and support
 * (21, 26-29).  Each row states its threshold; none is "ok" by text. */
#include "report_int.h"

#include "calendar.h"
#include "holiday_jp.h"
#include "sla.h"

#include <stdlib.h>
#include <string.h>

/* ---- availability: rows 9, 11, 13, 19 ---------------------------------- */

static int64_t record_secs(struct report_ctx *c)
{
    return c->up.to > c->up.from ? c->up.to - c->up.from : 0;
}

static bool record_long_enough(struct report_ctx *c)
{
    return c->up.beats > 0 &&
           record_secs(c) >= (int64_t)HD_REPORT_RECORD_MIN_DAYS * 86400;
}

static const char *period(struct report_ctx *c)
{
    return PF(c, "record %s to %s (%s of the last %d days)",
              "記録 %1$s〜%2$s (直近%4$d日のうち %3$s)", report_when(c, c->up.from),
              report_when(c, c->up.to), report_span(c, record_secs(c)),
              HD_REPORT_DAYS);
}

static const char *record_threshold(struct report_ctx *c)
{
    return PF(c, "a record of at least %d days", "%d日以上の記録",
              HD_REPORT_RECORD_MIN_DAYS);
}

void report_availability_rows(struct report_ctx *c, int no,
                              struct report_row *r)
{
    const struct hd_uptime_result *u = &c->up.r;
    int64_t web_age = c->now - c->beat_web;
    switch (no) {
    case 9:
        report_judge(
            c, r, c->beat_web != 0 && web_age <= HD_REPORT_HEARTBEAT_STALE,
            PF(c, "24 h, every day, except %lld announced maintenance "
                  "window(s) ahead", "24時間毎日 (予告済みの計画停止 %lld 件を"
                  "除く)", (long long)c->f.maintenance_future),
            PF(c, "web server last seen %s, worker %s; %s",
               "Webサーバ最終稼働 %s、ワーカー %s。%s",
               report_when(c, c->beat_web), report_when(c, c->beat_worker),
               period(c)),
            PF(c, "the web server's heartbeat within %d minutes",
               "Webサーバのハートビートが%d分以内", 
               HD_REPORT_HEARTBEAT_STALE / 60));
        return;
    case 11:
        report_judge(
            c, r, record_long_enough(c),
            PF(c, "%lld in the last %d days, %lld announced ahead",
               "直近%2$d日で%1$lld回、予告済み %3$lld 回",
               (long long)c->up.maintenance_windows, HD_REPORT_DAYS,
               (long long)c->f.maintenance_future),
            PF(c, "%lld past maintenance windows (announcements and planned "
                  "outages), %lld announced and not yet started; %s",
               "過去の計画停止 %lld 回 (お知らせと計画停止記録)、予告済み未実施 "
               "%lld 回。%s", (long long)c->up.maintenance_windows,
               (long long)c->f.maintenance_future, period(c)),
            record_threshold(c));
        return;
    case 13:
        report_judge(
            c, r, record_long_enough(c) && u->percent >= strtod(
                report_cfg(c, HD_CFG_REPORT_AVAILABILITY_TARGET), NULL),
            PF(c, "%.3f%%", "%.3f%%", u->percent),
            PF(c, "%zu outage(s), %lld s down of %lld s planned; %s",
               "障害 %zu 件、停止 %lld 秒 / 計画時間 %lld 秒。%s", u->n_down,
               (long long)u->down_secs, (long long)u->planned_secs,
               period(c)),
            PF(c, "%s%% or more over %s", "%2$s で %1$s%% 以上",
               report_cfg(c, HD_CFG_REPORT_AVAILABILITY_TARGET),
               record_threshold(c)));
        return;
    default: /* 19 */
        report_judge(
            c, r, record_long_enough(c),
            PF(c, "%zu outage(s) / %lld of a day or more",
               "障害 %zu 件 / うち1日以上 %lld 件", u->n_down,
               (long long)u->long_incidents),
            PF(c, "%zu outage(s), %lld lasting a day or more, %zu recorded "
                  "by hand (helpdesk outage add); %s",
               "障害 %zu 件 (うち1日以上 %lld 件)、手入力の記録 %zu 件。%s",
               u->n_down, (long long)u->long_incidents, c->up.n_outages,
               period(c)),
            record_threshold(c));
        return;
    }
}

/* ---- backups: rows 14-16, 31, 32, 38, 53 ------------------------------- */

static const char *verified(struct report_ctx *c)
{
    if (c->f.backup_verify_at == 0)
        return TX(c, "not verified yet (helpdesk backup verify GEN)",
                  "未検証 (helpdesk backup verify GEN)");
    return PF(c, "%s verified %s: %s", "%s を %s に検証: %s",
              c->f.backup_verify_gen, report_when(c, c->f.backup_verify_at),
              c->f.backup_verify_ok ? "OK" : TX(c, "FAILED", "失敗"));
}

static const char *newest(struct report_ctx *c, const char *gen, int64_t at)
{
    return gen ? PF(c, "newest backup %s (%s)", "最新バックアップ %s (%s)",
                    report_when(c, at), gen)
               : PF(c, "no backup yet (%s)", "バックアップなし (%s)",
                    c->gens_problem ? c->gens_problem : "0");
}

static void drill_row(struct report_ctx *c, struct report_row *r,
                      bool fresh, const char *nb)
{
    bool drilled = c->f.restore_at != 0 && c->f.restore_ok &&
                   c->now - c->f.restore_at <=
                       (int64_t)HD_REPORT_DRILL_DAYS * 86400;
    const char *drill =
        c->f.restore_at == 0
            ? TX(c, "no restore drill on record", "復旧訓練の記録なし")
            : PF(c, "last restore drill %s from %s: %s",
                 "前回の復旧訓練 %s (%s から): %s",
                 report_when(c, c->f.restore_at), c->f.restore_gen,
                 c->f.restore_ok ? "OK" : TX(c, "FAILED", "失敗"));
    report_judge(c, r, fresh && drilled,
                 TX(c, "restore from encrypted backups on a new machine",
                    "暗号化バックアップから新しいマシンへ復旧"),
                 PF(c, "%s; %s (helpdesk backup restore GEN --to DIR)",
                    "%s。%s (helpdesk backup restore GEN --to DIR)", drill,
                    nb),
                 PF(c, "a successful restore drill within %d days and a "
                       "backup newer than %d hours",
                    "%d日以内に成功した復旧訓練と%d時間以内のバックアップ",
                    HD_REPORT_DRILL_DAYS, HD_REPORT_BACKUP_STALE / 3600));
}

static const char *export_evidence(struct report_ctx *c)
{
    if (c->n_exports == 0)
        return TX(c, "no export on record", "エクスポートの記録なし");
    const struct hd_report_audit *e = &c->exports[0];
    return PF(c, "last export %s by %s: %s %s", "前回のエクスポート %s (%s): "
              "%s %s", report_when(c, e->at), e->actor, e->object,
              e->after_json);
}

void report_backup_rows(struct report_ctx *c, int no, struct report_row *r)
{
    int64_t at;
    const char *gen = report_newest_gen(c, &at);
    bool fresh = gen != NULL && c->now - at <= HD_REPORT_BACKUP_STALE;
    const char *nb = newest(c, gen, at);
    const char *stale = PF(c, "a backup newer than %d hours",
                           "%d時間以内のバックアップ",
                           HD_REPORT_BACKUP_STALE / 3600);
    long long keep = hd_config_get_int(c->cfg, HD_CFG_BACKUP_GENERATIONS);
    size_t n = c->gens ? json_array_size(c->gens) : 0;
    switch (no) {
    case 14:
        drill_row(c, r, fresh, nb);
        return;
    case 15:
        report_judge(c, r, gen != NULL,
                     TX(c, "export of any backup generation",
                        "任意の世代から書き出し"),
                     PF(c, "%s; helpdesk backup export GEN", "%s。helpdesk "
                        "backup export GEN", nb),
                     TX(c, "at least one backup generation",
                        "バックアップ1世代以上"));
        return;
    case 16:
        report_judge(c, r, c->n_exports > 0,
                     TX(c, "JSON, whole instance or per organisation "
                           "(helpdesk export --out FILE [--org ID])",
                        "JSON形式、全体または組織単位 (helpdesk export --out "
                        "FILE [--org ID])"),
                     export_evidence(c),
                     TX(c, "an export on record (audited)",
                        "エクスポートの実施記録 (監査ログ)"));
        return;
    case 31:
        report_judge(
            c, r, fresh && c->f.backup_run_ok,
            PF(c, "daily at %s:00", "毎日 %s 時",
               report_cfg(c, HD_CFG_BACKUP_HOUR)),
            PF(c, "%s; last run %s, %lld failed runs on record",
               "%s。前回 %s、失敗 %lld 回", nb,
               c->f.backup_run_at == 0 ? report_when(c, 0)
               : c->f.backup_run_ok    ? "OK"
                                       : TX(c, "FAILED", "失敗"),
               (long long)c->f.backup_runs_failed),
            PF(c, "%s and the last run succeeded", "%sかつ前回成功", stale));
        return;
    case 32:
        report_judge(
            c, r, gen != NULL && c->f.backup_verify_at != 0 &&
                      c->f.backup_verify_ok,
            PF(c, "encrypted incremental generations in %s, restored with "
                  "helpdesk backup restore", "%s に暗号化した増分世代。"
                  "helpdesk backup restore で復旧",
               report_cfg(c, HD_CFG_BACKUP_DIR)[0]
                   ? report_cfg(c, HD_CFG_BACKUP_DIR)
                   : "DIR.backups"),
            PF(c, "%s; %s", "%s。%s", nb, verified(c)),
            TX(c, "a generation exists and its last verification passed",
               "世代があり前回の検証に合格"));
        return;
    case 38:
        report_judge(
            c, r, gen != NULL && keep >= HD_REPORT_GENERATIONS_PROMISE,
            PF(c, "%lld generations kept", "%lld世代を保持", keep),
            PF(c, "backup.generations = %lld; %zu on disk; %s",
               "backup.generations = %lld。現在 %zu 世代。%s", keep, n, nb),
            PF(c, "at least %d generations kept (the promise) and one on "
                  "disk", "%d世代以上の保持 (約束値) と1世代以上",
               HD_REPORT_GENERATIONS_PROMISE));
        return;
    default: /* 53 */
        report_judge(c, r, fresh,
                     TX(c, "backups encrypted and authenticated (HDENC1); "
                           "old generations deleted by rotation",
                        "バックアップは暗号化・改ざん検知付き (HDENC1)。古い"
                        "世代はローテーションで削除"),
                     nb, stale);
        return;
    }
}

/* ---- data management: rows 33, 35, 37, 40-42 --------------------------- */

static void erasure_row(struct report_ctx *c, struct report_row *r)
{
    const char *how = TX(c, "helpdesk export --org ID --out FILE, then "
                            "helpdesk erase --org ID: records, search index "
                            "and attachments removed, a certificate issued",
                         "helpdesk export --org ID --out FILE の後 helpdesk "
                         "erase --org ID: レコード・索引・添付を消去し証明書を"
                         "発行");
    if (c->n_erasures == 0) {
        report_unknown(c, r, PF(c, "no erasure on record; %s",
                                "消去の記録なし。%s", how));
        return;
    }
    const char *ev = "";
    for (size_t i = 0; i < c->n_erasures; i++) {
        const struct hd_report_audit *e = &c->erasures[i];
        ev = PF(c, "%s%s%s by %s: %s", "%s%s%s (%s): %s", ev,
                i ? "; " : "", report_when(c, e->at), e->actor,
                e->after_json);
    }
    report_judge(c, r, true, how,
                 PF(c, "last erasure certificates: %s",
                    "直近の消去証明書: %s", ev),
                 TX(c, "erasures on record with their certificates",
                    "証明書付きの消去記録があること"));
}

static void verify_row(struct report_ctx *c, struct report_row *r)
{
    const char *ev =
        c->f.verify_at == 0
            ? TX(c, "no verification on record: run helpdesk verify (blobs "
                    "re-hashed, audit chain, database integrity)",
                 "検証記録なし: helpdesk verify を実行 (添付の再ハッシュ、"
                 "監査ログの連鎖、DB整合性)")
            : PF(c, "last helpdesk verify %s: %s%s%s",
                 "前回の helpdesk verify %s: %s%s%s",
                 report_when(c, c->f.verify_at),
                 c->f.verify_ok ? TX(c, "intact", "正常")
                                : TX(c, "DAMAGED", "異常"),
                 c->f.verify_detail[0] ? "; " : "", c->f.verify_detail);
    report_judge(c, r, c->f.verify_at != 0 && c->f.verify_ok,
                 TX(c, "helpdesk verify re-hashes every file and checks the "
                       "audit chain", "helpdesk verify で全ファイルの再ハッ"
                       "シュと監査ログの連鎖を検証"),
                 ev, TX(c, "the last verification found the data intact",
                        "前回の検証で異常なし"));
}

void report_data_rows(struct report_ctx *c, int no, struct report_row *r)
{
    switch (no) {
    case 33:
    case 40:
        erasure_row(c, r);
        return;
    case 35:
        report_judge(
            c, r, c->clock.synced,
            c->clock.synced ? TX(c, "this server's clock is synchronised",
                                 "このサーバの時計は同期済み")
                            : TX(c, "this server's clock is NOT "
                                    "synchronised", "このサーバの時計は"
                                    "未同期"),
            PF(c, "kernel clock state (%s): %s, maximum error %ld us; times "
                  "stored in UTC, shown in %s",
               "カーネルの時計状態 (%s): %s、最大誤差 %ld us。時刻はUTCで保存"
               "し %s で表示", c->clock.source,
               c->clock.synced ? TX(c, "synchronised", "同期")
                               : TX(c, "unsynchronised", "未同期"),
               c->clock.max_error_us,
               report_cfg(c, HD_CFG_INSTANCE_TIMEZONE)),
            TX(c, "the kernel reports the clock synchronised (NTP)",
               "カーネルが時刻同期済み (NTP) と報告"));
        return;
    case 37: {
        long long q =
            hd_config_get_int(c->cfg, HD_CFG_ATTACHMENTS_ORG_QUOTA_BYTES);
        report_judge(c, r, q > 0,
                     PF(c, "attachment quota %lld bytes per organisation",
                        "組織ごとの添付上限 %lld バイト", q),
                     PF(c, "helpdesk attachments purge removes the oldest; "
                           "%lld purged so far", "helpdesk attachments "
                           "purge で古い順に削除 (これまで %lld 件)",
                        (long long)c->f.att_purged),
                     TX(c, "a quota above zero", "上限が0より大きい"));
        return;
    }
    case 41:
        verify_row(c, r);
        return;
    default: /* 42 */
        report_judge(
            c, r, report_cfg(c, HD_CFG_MAIL_ATTACHMENT_DENY_TYPES)[0] ||
                      report_cfg(c, HD_CFG_MAIL_ATTACHMENT_ALLOW_TYPES)[0],
            PF(c, "mail up to %s bytes, attachments up to %s bytes",
               "メール %s バイト、添付 %s バイトまで",
               report_cfg(c, HD_CFG_MAIL_MAX_MESSAGE_BYTES),
               report_cfg(c, HD_CFG_MAIL_MAX_ATTACHMENT_BYTES)),
            PF(c, "refused types: %s; only these: %s; request bodies up to "
                  "%s bytes", "拒否する形式: %s。許可のみ: %s。リクエスト本文 "
                  "%s バイトまで",
               report_cfg(c, HD_CFG_MAIL_ATTACHMENT_DENY_TYPES),
               report_cfg(c, HD_CFG_MAIL_ATTACHMENT_ALLOW_TYPES)[0]
                   ? report_cfg(c, HD_CFG_MAIL_ATTACHMENT_ALLOW_TYPES)
                   : "-",
               report_cfg(c, HD_CFG_WEB_MAX_BODY_BYTES)),
            TX(c, "a list of refused or allowed attachment types",
               "添付形式の拒否または許可リスト"));
        return;
    }
}

/* ---- logs and monitoring: rows 20, 22-25, 47 --------------------------- */

static bool fresh_beat(struct report_ctx *c, int64_t at)
{
    return at != 0 && c->now - at <= HD_REPORT_HEARTBEAT_STALE;
}

static void monitor_row(struct report_ctx *c, struct report_row *r)
{
    /* The mail gateway beats only where LMTP or deliver carry the mail;
     * an instance that fetches by IMAP never sees it, so it counts once
     * it has been seen. */
    bool good = fresh_beat(c, c->beat_worker) && fresh_beat(c, c->beat_web) &&
                (c->beat_mailgw == 0 || fresh_beat(c, c->beat_mailgw));
    report_judge(
        c, r, good,
        TX(c, "heartbeats of the worker, the web server and the mail "
              "gateway; /readyz and /metrics for outside monitoring",
           "ワーカー・Webサーバ・メールゲートウェイのハートビート。外部監視"
           "用に /readyz と /metrics"),
        PF(c, "worker last seen %s, web server %s, mail gateway %s",
           "ワーカー最終稼働 %s、Webサーバ %s、メールゲートウェイ %s",
           report_when(c, c->beat_worker), report_when(c, c->beat_web),
           report_when(c, c->beat_mailgw)),
        PF(c, "every program seen within %d minutes",
           "全プログラムが%d分以内に稼働", HD_REPORT_HEARTBEAT_STALE / 60));
}

void report_log_rows(struct report_ctx *c, int no, struct report_row *r)
{
    long long keep = hd_config_get_int(c->cfg, HD_CFG_LOG_RETENTION_DAYS);
    const char *kept = PF(c, "log.retention_days %lld or more",
                          "log.retention_days が %lld 以上",
                          (long long)HD_REPORT_RETENTION_MIN);
    switch (no) {
    case 20:
        monitor_row(c, r);
        return;
    case 22:
        report_judge(c, r, c->f.security_rows > 0,
                     TX(c, "security log and backup log, downloadable by "
                           "admins", "セキュリティログとバックアップログ (管理者"
                           "がダウンロード可能)"),
                     PF(c, "security log %lld events (%lld failed "
                           "sign-ins); backup log: last run %s",
                        "セキュリティログ %lld 件 (ログイン失敗 %lld 件)。"
                        "バックアップログ: 前回 %s",
                        (long long)c->f.security_rows,
                        (long long)c->f.security_failed,
                        report_when(c, c->f.backup_run_at)),
                     TX(c, "the security log records events",
                        "セキュリティログに記録があること"));
        return;
    case 23:
        report_judge(c, r, c->f.audit_rows > 0 &&
                               (c->f.verify_at == 0 || c->f.verify_ok),
                     TX(c, "audit log of every change, hash-chained",
                        "全変更の監査ログ (ハッシュ連鎖)"),
                     PF(c, "%lld rows since %s", "%lld 件 (%s から)",
                        (long long)c->f.audit_rows,
                        report_when(c, c->f.audit_oldest_at)),
                     TX(c, "rows recorded and no broken chain at the last "
                           "verify", "記録があり前回の検証で連鎖が正常"));
        return;
    case 24:
        report_judge(c, r, keep >= HD_REPORT_RETENTION_MIN,
                     PF(c, "%lld days", "%lld日", keep),
                     PF(c, "log.retention_days = %lld; older audit and "
                           "security rows are pruned automatically",
                        "log.retention_days = %lld。古い監査・セキュリティ"
                        "ログは自動で削除", keep),
                     kept);
        return;
    case 25:
        report_judge(c, r, c->f.api_tokens >= 0,
                     TX(c, "JSON API with tokens (docs/api.md)",
                        "トークン認証のJSON API (docs/api.md)"),
                     c->f.api_tokens < 0
                         ? TX(c, "API tokens are not installed in this "
                                 "database", "APIトークン機能がこのDBに未導入")
                         : PF(c, "%lld tokens issued", "発行 %lld 件",
                              (long long)c->f.api_tokens),
                     TX(c, "the API is installed", "APIが導入済み"));
        return;
    default: /* 47 */
        report_judge(
            c, r, keep >= HD_REPORT_RETENTION_MIN && c->f.audit_rows > 0,
            TX(c, "one ID per person (user:N, cli:UNIX-USER, token); the "
                  "audit and security logs are searched by it and "
                  "downloaded by admins",
               "利用者ごとのID (user:N、cli:Unixユーザー、トークン)。監査・"
               "セキュリティログをIDで検索し管理者がダウンロード"),
            PF(c, "audit log %lld rows since %s, request ids kept; "
                  "retention %lld days",
               "監査ログ %lld 件 (%s から)、リクエストID付き。保存 %lld 日",
               (long long)c->f.audit_rows,
               report_when(c, c->f.audit_oldest_at), keep),
            kept);
        return;
    }
}

/* ---- support: rows 21, 26-29 ------------------------------------------- */

static const char *hours_in_words(struct report_ctx *c, const char *hours)
{
    static const char *const days[][3] = {
        {"mon", "Monday", "月曜"},   {"tue", "Tuesday", "火曜"},
        {"wed", "Wednesday", "水曜"}, {"thu", "Thursday", "木曜"},
        {"fri", "Friday", "金曜"},   {"sat", "Saturday", "土曜"},
        {"sun", "Sunday", "日曜"},
    };
    const char *out = "";
    const char *p = hours;
    while (*p) {
        size_t k;
        for (k = 0; k < HD_ARRAY_LEN(days); k++)
            if (strncmp(p, days[k][0], 3) == 0)
                break;
        if (k < HD_ARRAY_LEN(days)) {
            out = hd_arena_printf(c->a, "%s%s", out, days[k][c->ja ? 2 : 1]);
            p += 3;
        } else if (*p == '-' && p[1] >= 'a' && p[1] <= 'z') {
            out = hd_arena_printf(c->a, "%s%s", out, TX(c, " to ", "〜"));
            p++;
        } else if (*p == ',') {
            out = hd_arena_printf(c->a, "%s%s", out, TX(c, ", ", "、"));
            p++;
        } else {
            out = hd_arena_printf(c->a, "%s%c", out, *p);
            p++;
        }
    }
    return out;
}

static int holidays_this_year(struct report_ctx *c)
{
    struct tm tm;
    long off;
    hd_time_local(c->now, &tm, &off);
    struct hd_holiday hs[HD_HOLIDAY_JP_YEAR_MAX];
    int n = hd_holiday_jp_list(tm.tm_year + 1900, hs, HD_ARRAY_LEN(hs));
    return n < 0 ? 0 : n;
}

static void hours_row(struct report_ctx *c, struct report_row *r)
{
    struct hd_calendar *cal = NULL;
    struct hd_error err = HD_ERROR_INIT;
    bool good = hd_business_calendar(c->inst, c->st, &cal, &err) == 0;
    const char *year_end = report_cfg(c, HD_CFG_CALENDAR_YEAR_END);
    bool hol = hd_config_get_bool(c->cfg, HD_CFG_CALENDAR_JP_HOLIDAYS);
    const char *closed =
        hol ? PF(c, "closed on Japanese public holidays (%d this year)",
                 "祝日休業 (今年 %d 日)", holidays_this_year(c))
            : TX(c, "open on public holidays", "祝日も営業");
    const char *ye =
        year_end[0] && strcmp(year_end, "none") != 0
            ? PF(c, "closed over the year end (%s)", "年末年始休業 (%s)",
                 year_end)
            : TX(c, "open over the year end", "年末年始も営業");
    report_judge(
        c, r, good,
        PF(c, "%s (mail and web); %s; %s", "%s (メール・Web)。%s。%s",
           hours_in_words(c, report_cfg(c, HD_CFG_CALENDAR_HOURS)), closed,
           ye),
        good ? PF(c, "calendar.hours = %s in %s; %lld extra closures; the "
                     "customer is told when to expect an answer",
                  "calendar.hours = %s (%s)。臨時休業 %lld 件。回答予定を"
                  "顧客に通知", report_cfg(c, HD_CFG_CALENDAR_HOURS),
                  report_cfg(c, HD_CFG_INSTANCE_TIMEZONE),
                  (long long)c->f.closures)
             : err.msg,
        TX(c, "the calendar is valid and opens within its horizon",
           "営業カレンダーが有効で営業時間がある"));
    hd_calendar_free(&cal);
}

/* Who gets an incident alert now: on-call agents and fixed addresses. */
static const char *recipients(struct report_ctx *c, int64_t *n_r)
{
    const char *addrs = report_cfg(c, HD_CFG_SUPPORT_ONCALL_ADDRESSES);
    *n_r = c->f.users_oncall + (addrs[0] != '\0');
    const char *set =
        c->n_oncall_set
            ? PF(c, "; last on-call change %s by %s (%s)",
                 "。当番の最終変更 %s (%s、%s)",
                 report_when(c, c->oncall_set[0].at), c->oncall_set[0].actor,
                 c->oncall_set[0].object)
            : "";
    return PF(c, "%lld agents on call, support.oncall_addresses = '%s'%s",
              "当番の担当者 %lld 人、support.oncall_addresses = '%s'%s",
              (long long)c->f.users_oncall, addrs, set);
}

void report_support_rows(struct report_ctx *c, int no, struct report_row *r)
{
    int64_t n;
    const char *who = recipients(c, &n);
    const char *inc = report_cfg(c, HD_CFG_SUPPORT_INCIDENT_ADDRESS);
    switch (no) {
    case 21:
        report_judge(
            c, r, n > 0 && c->f.alerts_nobody == 0,
            TX(c, "incident alerts to on-call agents; status notices on the "
                  "top page", "障害は当番へ即時通知。トップページに障害情報"),
            PF(c, "%s; %lld alerts reached nobody; %lld status notices "
                  "shown now", "%s。誰にも届かなかった通知 %lld 件。掲示中の"
                  "障害情報 %lld 件", who, (long long)c->f.alerts_nobody,
               (long long)c->f.status_notices),
            TX(c, "an alert recipient exists and no alert reached nobody",
               "通知先があり、誰にも届かなかった通知がないこと"));
        return;
    case 26:
        report_judge(
            c, r, c->f.queues > 0 && c->f.agents_active > 0 &&
                      c->f.tickets_unseen == 0,
            PF(c, "%lld queues, %lld active agents", "キュー %lld、担当者 "
               "%lld 人", (long long)c->f.queues,
               (long long)c->f.agents_active),
            PF(c, "%lld tickets (%lld open), %lld open tickets no active "
                  "agent can see", "チケット %lld 件 (未完了 %lld 件)、担当者"
                  "が見られない未完了チケット %lld 件",
               (long long)c->f.tickets, (long long)c->f.tickets_open,
               (long long)c->f.tickets_unseen),
            TX(c, "a queue, an active agent, and no open ticket only admins "
                  "can see", "キューと担当者があり、管理者しか見られない"
                  "未完了チケットがないこと"));
        return;
    case 27:
        report_judge(
            c, r, c->incident_queue && n > 0,
            PF(c, "24 h, every day, by mail to %s", "24時間毎日 (メール: %s)",
               inc),
            PF(c, "%s routes to %s; %s; %lld incident tickets so far",
               "%s の振り分け先: %s。%s。障害チケット %lld 件", inc,
               c->incident_queue ? TX(c, "a queue", "キューあり")
                                 : TX(c, "NO queue", "キューなし"),
               who, (long long)c->f.incidents),
            TX(c, "the incident address routes to a queue and at least one "
                  "alert recipient exists",
               "障害窓口がキューに振り分けられ、通知先が1人以上"));
        return;
    case 28:
        hours_row(c, r);
        return;
    default: /* 29 */
        report_judge(c, r, c->f.faq_ja + c->f.faq_en > 0,
                     TX(c, "FAQ on the public site", "公開サイトにFAQ"),
                     PF(c, "published FAQ articles: ja %lld, en %lld",
                        "公開FAQ記事: 日本語 %lld、英語 %lld",
                        (long long)c->f.faq_ja, (long long)c->f.faq_en),
                     TX(c, "at least one published article",
                        "公開記事が1件以上"));
        return;
    }
}
