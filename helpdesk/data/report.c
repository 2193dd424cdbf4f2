/* report.c - answers and live evidence for the service checklist
 * (report.h).  One function per group of rows; each reads only the facts
 * gathered once in struct ctx, so a checklist costs a fixed number of
 * queries however large the instance is. */
#include "report.h"

#include "atrest.h"
#include "backup.h"
#include "checklist.h"
#include "clock.h"
#include "holiday_jp.h"
#include "store_report.h"
#include "uptime.h"

#include <stdlib.h>
#include <string.h>

struct ctx {
    struct hd_instance *inst;
    struct hd_store *st; /* the caller's connection (this thread's) */
    const struct hd_config *cfg;
    struct hd_arena *a;
    bool ja;
    int64_t now;
    struct hd_report_facts f;
    struct hd_uptime_report up;  /* last HD_REPORT_DAYS days */
    json_t *gens;                /* backup generations, oldest first */
    const char *gens_problem;    /* why gens is NULL */
    const char *at_rest;         /* rows 30, 39: stored_data(), once */
    bool at_rest_ok;
};

struct row {
    const char *answer, *evidence, *status;
};

/* Text in the report's language; both are literals at every call. */
#define TX(c, en_, ja_) ((c)->ja ? (ja_) : (en_))
#define PF(c, en_, ja_, ...)                                                 \
    hd_arena_printf((c)->a, TX(c, en_, ja_), __VA_ARGS__)

static void ok(struct ctx *c, struct row *r, const char *evidence)
{
    r->answer = TX(c, "yes", "○");
    r->evidence = evidence;
    r->status = "ok";
}

static void attention(struct ctx *c, struct row *r, const char *evidence)
{
    r->answer = TX(c, "needs attention", "要確認");
    r->evidence = evidence;
    r->status = "attention";
}

static const char *when(struct ctx *c, int64_t t)
{
    if (t == 0)
        return TX(c, "never", "なし");
    char buf[32];
    hd_time_format_local(t, buf);
    return hd_arena_strdup(c->a, buf);
}

static const char *cfg(struct ctx *c, enum hd_cfg_key key)
{
    return hd_config_get(c->cfg, key);
}

/* ---- rows the operator answers ---------------------------------------- */

/* The setting that answers each row the operator answers. */
static const struct {
    int no;
    enum hd_cfg_key key;
} operator_keys[] = {
    {1, HD_CFG_REPORT_ROW1},   {2, HD_CFG_REPORT_ROW2},
    {3, HD_CFG_REPORT_ROW3},   {4, HD_CFG_REPORT_ROW4},
    {5, HD_CFG_REPORT_ROW5},   {6, HD_CFG_REPORT_ROW6},
    {7, HD_CFG_REPORT_ROW7},   {8, HD_CFG_REPORT_ROW8},
    {17, HD_CFG_REPORT_ROW17}, {18, HD_CFG_REPORT_ROW18},
    {36, HD_CFG_REPORT_ROW36}, {44, HD_CFG_REPORT_ROW44},
    {54, HD_CFG_REPORT_ROW54}, {55, HD_CFG_REPORT_ROW55},
};

static enum hd_cfg_key operator_key(int no)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(operator_keys); i++)
        if (operator_keys[i].no == no)
            return operator_keys[i].key;
    hd_panic(__FILE__, __LINE__, "checklist row %d has no setting", no);
}

static void operator_row(struct ctx *c, int no, struct row *r)
{
    const char *text = cfg(c, operator_key(no));
    const char *hint = PF(c, "set report.row%d in helpdesk.conf",
                          "helpdesk.conf の report.row%d に記入", no);
    if (no <= 8)
        hint = PF(c, "%s; Terms page: ja %lld characters, en %lld "
                     "(helpdesk faq terms)",
                  "%s。利用規約ページ: 日本語 %lld 文字、英語 %lld 文字 "
                  "(helpdesk faq terms)",
                  hint, (long long)c->f.terms_ja, (long long)c->f.terms_en);
    if (no == 17)
        hint = PF(c, "%s; database schema %d of %d (migrations run in order "
                     "when a program opens the instance)",
                  "%s。スキーマ %d / %d (起動時に順に移行)", hint,
                  hd_store_schema_version(c->st),
                  hd_store_schema_latest());
    if (no == 36)
        hint = PF(c, "%s; times are stored in UTC, shown in %s",
                  "%s。時刻はUTCで保存し %s で表示", hint,
                  cfg(c, HD_CFG_INSTANCE_TIMEZONE));
    r->evidence = hint;
    if (text[0] == '\0') {
        r->answer = TX(c, "not yet answered by the operator",
                       "運用者が未回答");
        r->status = "operator";
    } else {
        r->answer = text;
        r->status = "ok";
    }
}

/* ---- availability: rows 9-13, 19, 21 ---------------------------------- */

static double target(struct ctx *c)
{
    return strtod(cfg(c, HD_CFG_REPORT_AVAILABILITY_TARGET), NULL);
}

static const char *period(struct ctx *c)
{
    return PF(c, "%s to %s", "%s〜%s", when(c, c->up.from),
              when(c, c->up.to));
}

static void availability_rows(struct ctx *c, int no, struct row *r)
{
    const struct hd_uptime_result *u = &c->up.r;
    switch (no) {
    case 9:
        r->answer = TX(c, "24 h, 366 days (except planned maintenance)",
                       "24時間366日(計画停止を除く)");
        r->evidence = PF(c, "worker alive %lld minutes in %s; maintenance "
                            "windows are announcements with start and end",
                         "ワーカー稼働記録 %lld 分 (%s)。計画停止は開始・終了"
                         "付きのお知らせ",
                         (long long)c->up.beats, period(c));
        r->status = c->up.beats > 0 ? "ok" : "attention";
        return;
    case 10:
        ok(c, r, TX(c, "maintenance announcements on the top page need 3 "
                       "business days' lead; a forced one is logged",
                    "計画停止のお知らせはトップページに3営業日前までに掲載"
                    "(期限を破る場合は強制指定し記録)"));
        return;
    case 11:
        r->answer = PF(c, "%lld in the last %d days", "直近%2$d日で%1$lld回",
                       (long long)c->up.maintenance_windows, HD_REPORT_DAYS);
        r->evidence = PF(c, "%lld maintenance windows (announcements and "
                            "planned outages) in %s",
                         "計画停止 %lld 回 (お知らせと計画停止記録, %s)",
                         (long long)c->up.maintenance_windows, period(c));
        r->status = "ok";
        return;
    case 12:
        ok(c, r, TX(c, "service-end announcements need at least 1 month's "
                       "lead, shown on the top page",
                    "サービス終了のお知らせは1ヶ月以上前にトップページで通知"));
        return;
    case 13:
        r->answer = PF(c, "%.3f%%", "%.3f%%", u->percent);
        r->evidence = PF(c, "%.3f%% over the last %d days (%s), %zu "
                            "outage(s), %lld s down of %lld s planned; "
                            "target %s%%",
                         "直近%2$d日 (%3$s) で %1$.3f%%、障害 %4$zu 件、"
                         "停止 %5$lld 秒 / 計画時間 %6$lld 秒。目標 %7$s%%",
                         u->percent, HD_REPORT_DAYS, period(c), u->n_down,
                         (long long)u->down_secs, (long long)u->planned_secs,
                         cfg(c, HD_CFG_REPORT_AVAILABILITY_TARGET));
        r->status = c->up.beats > 0 && u->percent >= target(c) ? "ok"
                                                                : "attention";
        return;
    case 19:
        r->answer = PF(c, "%zu in the last %d days", "直近%2$d日で%1$zu回",
                       u->n_down, HD_REPORT_DAYS);
        r->evidence = PF(c, "%zu outage(s), %lld lasting a day or more, %zu "
                            "recorded by hand (helpdesk outage add), in %s",
                         "障害 %zu 件 (うち1日以上 %lld 件)、手入力の記録 "
                         "%zu 件 (%s)",
                         u->n_down, (long long)u->long_incidents,
                         c->up.n_outages, period(c));
        r->status = "ok";
        return;
    default: /* 21 */
        ok(c, r, PF(c, "status notices on the top page: %lld shown now",
                    "トップページの障害・稼働状況のお知らせ: 現在 %lld 件",
                    (long long)c->f.status_notices));
        return;
    }
}

/* ---- stored data at rest: rows 30, 39 ---------------------------------- */

/* How attachments, raw mail and the database are protected on disk.  ok
 * only when every blob is sealed under the present data key and the data
 * directory is on dm-crypt (the one thing that covers the database). */
static const char *stored_data_build(struct ctx *c, bool *ok_r)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_atrest_blobs b;
    struct hd_atrest_device d;
    const char *dir = hd_instance_dir(c->inst);
    *ok_r = false;
    if (hd_atrest_blobs(c->st, hd_arena_printf(c->a, "%s/blobs", dir), &b,
                        &err) < 0 ||
        hd_atrest_device(dir, "", &d, &err) < 0)
        return PF(c, "stored data: cannot tell (%s)",
                  "保存データ: 判定不能 (%s)", err.msg);
    const char *blobs =
        PF(c, "stored data: attachments and raw mail %s, data key %s; %lld "
              "of %lld blobs sealed (AES-256-GCM), %lld still plaintext, "
              "%lld under another key",
           "保存データ: 添付ファイルと受信メール原文は%s、データ鍵 %s。"
           "%lld / %lld 件を暗号化済み (AES-256-GCM)、平文のまま %lld 件、"
           "別の鍵 %lld 件",
           b.encrypt_on ? TX(c, "sealed on arrival", "受信時に暗号化")
                        : TX(c, "stored in PLAINTEXT (blob.encrypt = false)",
                             "平文で保存 (blob.encrypt = false)"),
           b.key_present ? b.key_id : TX(c, "missing", "なし"),
           (long long)b.sealed, (long long)b.total, (long long)b.plaintext,
           (long long)b.sealed_other);
    const char *disk =
        d.state == HD_ATREST_DEV_DMCRYPT
            ? PF(c, "the data directory is on dm-crypt (%s, %s on %s), "
                    "which also covers the database",
                 "データディレクトリは dm-crypt 上 (%s、%s %s)。"
                 "データベースも暗号化される",
                 d.crypt_uuid, d.fs_type, d.mount_point)
        : d.state == HD_ATREST_DEV_PLAIN
            ? PF(c, "the data directory is not on an encrypted block device "
                    "(%s %s on %s, device %s): the database (tickets, "
                    "messages, addresses) is plaintext on disk",
                 "データディレクトリは暗号化ブロックデバイス上にない (%s %s "
                 "%s、デバイス %s)。データベース (チケット・本文・アドレス) "
                 "はディスク上で平文",
                 d.fs_type, d.source, d.mount_point, d.dev)
            : TX(c, "the data directory's device is unknown: the database "
                    "may be plaintext on disk",
                 "データディレクトリのデバイスが不明。データベースは平文の"
                 "可能性");
    *ok_r = b.encrypt_on && b.key_present && b.plaintext == 0 &&
            b.sealed_other == 0 && b.missing == 0 &&
            d.state == HD_ATREST_DEV_DMCRYPT;
    return PF(c, "%s; %s (ok needs every blob sealed and dm-crypt)",
              "%s。%s (全件暗号化かつ dm-crypt 上で ok)", blobs, disk);
}

/* The same answer for both rows, counted once (one open per file blob). */
static const char *stored_data(struct ctx *c, bool *ok_r)
{
    if (c->at_rest == NULL)
        c->at_rest = stored_data_build(c, &c->at_rest_ok);
    *ok_r = c->at_rest_ok;
    return c->at_rest;
}

/* ---- backups: rows 14-16, 31, 32, 38, 39, 40, 41, 53 ------------------ */

static const char *newest_gen(struct ctx *c, int64_t *at_r)
{
    size_t n = c->gens ? json_array_size(c->gens) : 0;
    *at_r = 0;
    if (n == 0)
        return NULL;
    json_t *g = json_array_get(c->gens, n - 1);
    const char *at = json_string_value(json_object_get(g, "created_at"));
    struct hd_error ignored = HD_ERROR_INIT;
    if (at != NULL && hd_time_parse(at, at_r, &ignored) < 0)
        *at_r = 0;
    return json_string_value(json_object_get(g, "name"));
}

static const char *verified(struct ctx *c)
{
    if (c->f.backup_verify_at == 0)
        return TX(c, "not verified yet (helpdesk backup verify GEN)",
                  "未検証 (helpdesk backup verify GEN)");
    return PF(c, "%s verified %s at %s", "%s を %s に検証: %s",
              c->f.backup_verify_gen, when(c, c->f.backup_verify_at),
              c->f.backup_verify_ok ? "OK" : TX(c, "FAILED", "失敗"));
}

static void generations_row(struct ctx *c, struct row *r)
{
    int64_t at;
    size_t n = c->gens ? json_array_size(c->gens) : 0;
    const char *gen = newest_gen(c, &at);
    long long keep = hd_config_get_int(c->cfg, HD_CFG_BACKUP_GENERATIONS);
    r->answer = PF(c, "%lld generations", "%lld世代", keep);
    if (gen == NULL) {
        r->evidence = PF(c, "no generation yet (%s); the worker backs up "
                            "daily at %s:00",
                         "世代なし (%s)。ワーカーが毎日 %s 時に取得",
                         c->gens_problem ? c->gens_problem : "0",
                         cfg(c, HD_CFG_BACKUP_HOUR));
        r->status = "attention";
        return;
    }
    r->evidence = PF(c, "%zu of %lld generations kept, newest %s (%s), %s",
                     "%zu / %lld 世代を保持、最新 %s (%s)、%s", n, keep,
                     when(c, at), gen, verified(c));
    r->status = "ok";
}

static void backup_rows(struct ctx *c, int no, struct row *r)
{
    int64_t at;
    const char *gen = newest_gen(c, &at);
    bool fresh = gen != NULL && c->now - at <= HD_REPORT_BACKUP_STALE;
    const char *newest =
        gen ? PF(c, "newest backup %s (%s)", "最新バックアップ %s (%s)",
                 when(c, at), gen)
            : TX(c, "no backup yet", "バックアップなし");
    switch (no) {
    case 14:
        (fresh ? ok : attention)(
            c, r, PF(c, "%s; restore on a fresh machine: helpdesk backup "
                        "restore GEN --to DIR (with the backup key)",
                     "%s。新しいマシンへの復旧: helpdesk backup restore GEN "
                     "--to DIR (バックアップ鍵が必要)", newest));
        return;
    case 15:
        (gen ? ok : attention)(
            c, r, PF(c, "%s; any generation can be exported: helpdesk "
                        "backup export GEN", "%s。任意の世代から書き出し可能: "
                        "helpdesk backup export GEN", newest));
        return;
    case 16:
        ok(c, r, TX(c, "full JSON export at any time (helpdesk export, "
                       "admin UI), importable again (helpdesk import)",
                    "JSON形式の全件エクスポートを随時取得可能 (helpdesk "
                    "export、管理画面)。再インポート可能"));
        return;
    case 31:
        (fresh ? ok : attention)(
            c, r, PF(c, "daily at %s:00; %s; last run %s, %lld failed "
                        "runs on record", "毎日 %s 時に自動取得。%s。"
                        "前回 %s、失敗 %lld 回",
                     cfg(c, HD_CFG_BACKUP_HOUR), newest,
                     c->f.backup_run_at == 0 ? when(c, 0)
                     : c->f.backup_run_ok   ? "OK"
                                            : TX(c, "FAILED", "失敗"),
                     (long long)c->f.backup_runs_failed));
        return;
    case 32:
        ok(c, r, PF(c, "encrypted incremental generations in %s: database "
                       "snapshot, config, audit key, attachments; restore "
                       "with helpdesk backup restore; only the data "
                       "directory's owner can run it",
                    "%s に暗号化した増分世代 (DBスナップショット・設定・監査"
                    "鍵・添付) を保存。helpdesk backup restore で復旧。実行"
                    "はデータディレクトリの所有者のみ",
                    cfg(c, HD_CFG_BACKUP_DIR)[0] ? cfg(c, HD_CFG_BACKUP_DIR)
                                            : "DIR.backups"));
        return;
    case 38:
        generations_row(c, r);
        return;
    default: { /* 39, 53 */
        bool rest_ok = true;
        const char *rest = no == 39 ? stored_data(c, &rest_ok) : "";
        (rest_ok ? ok : attention)(
            c, r, PF(c, "backups encrypted and authenticated (HDENC1, key "
                        "file 0600 beside the instance); passwords hashed "
                        "with Argon2id; %s%s%s",
                     "バックアップは暗号化・改ざん検知付き (HDENC1、鍵は0600"
                     ")。パスワードはArgon2idでハッシュ化。%s%s%s", newest,
                     no == 39 ? TX(c, "; ", "。") : "", rest));
        return;
    }
    }
}

/* ---- data management: rows 33-35, 37, 40-43 --------------------------- */

static void verify_row(struct ctx *c, struct row *r)
{
    if (c->f.verify_at == 0) {
        attention(c, r, TX(c, "no verification on record: run helpdesk "
                              "verify (blobs re-hashed, audit chain, "
                              "database integrity)",
                           "検証記録なし: helpdesk verify を実行 (添付の再"
                           "ハッシュ、監査ログの連鎖、DB整合性)"));
        return;
    }
    const char *ev = PF(c, "last helpdesk verify %s: %s%s%s",
                        "前回の helpdesk verify %s: %s%s%s",
                        when(c, c->f.verify_at),
                        c->f.verify_ok ? TX(c, "intact", "正常")
                                       : TX(c, "DAMAGED", "異常"),
                        c->f.verify_detail[0] ? "; " : "",
                        c->f.verify_detail);
    (c->f.verify_ok ? ok : attention)(c, r, ev);
}

static void data_rows(struct ctx *c, int no, struct row *r)
{
    switch (no) {
    case 33:
    case 40:
        ok(c, r, TX(c, "helpdesk export --org ID, then helpdesk erase org "
                       "ID: records, search index and attachments removed, "
                       "a certificate issued, backups age out",
                    "helpdesk export --org ID の後 helpdesk erase org ID: "
                    "レコード・検索索引・添付を消去し証明書を発行。バックアップ"
                    "は世代の期限で消滅"));
        return;
    case 34:
        ok(c, r, TX(c, "one database: the search index follows every write "
                       "by trigger; attachments are content-addressed and "
                       "removed with their last reference",
                    "単一DB: 検索索引はトリガで全更新に追従。添付は内容アドレス"
                    "で、最後の参照とともに削除"));
        return;
    case 35:
        ok(c, r, PF(c, "all times stored as UTC seconds from one clock, "
                       "shown in %s", "全時刻を単一の時計からUTCで保存し %s "
                       "で表示", cfg(c, HD_CFG_INSTANCE_TIMEZONE)));
        return;
    case 37:
        ok(c, r, PF(c, "attachment quota %s bytes per organisation; "
                       "helpdesk attachments purge removes the oldest; %lld "
                       "purged so far", "組織ごとの添付上限 %s バイト。"
                       "helpdesk attachments purge で古い順に削除 (これまで "
                       "%lld 件)", cfg(c, HD_CFG_ATTACHMENTS_ORG_QUOTA_BYTES),
                    (long long)c->f.att_purged));
        return;
    case 41:
        verify_row(c, r);
        return;
    case 42:
        ok(c, r, PF(c, "mail up to %s bytes, attachments up to %s bytes, "
                       "refused types: %s; request bodies up to %s bytes",
                    "メール %s バイト、添付 %s バイトまで。拒否する形式: %s。"
                    "リクエスト本文 %s バイトまで",
                    cfg(c, HD_CFG_MAIL_MAX_MESSAGE_BYTES),
                    cfg(c, HD_CFG_MAIL_MAX_ATTACHMENT_BYTES),
                    cfg(c, HD_CFG_MAIL_ATTACHMENT_DENY_TYPES),
                    cfg(c, HD_CFG_WEB_MAX_BODY_BYTES)));
        return;
    default: /* 43 */
        ok(c, r, PF(c, "this instance's profile is %s; programs refuse a "
                       "database stamped with another profile",
                    "このインスタンスのプロファイルは %s。別プロファイルの"
                    "DBは開けない", hd_instance_profile(c->inst)));
        return;
    }
}

/* ---- logs and monitoring: rows 20, 22-25, 47 -------------------------- */

static void log_rows(struct ctx *c, int no, struct row *r)
{
    long long keep = hd_config_get_int(c->cfg, HD_CFG_LOG_RETENTION_DAYS);
    switch (no) {
    case 20:
        ok(c, r, PF(c, "%lld users, %lld never signed in, newest sign-in "
                       "%s; worker last seen %s",
                    "ユーザー %lld 人 (未ログイン %lld 人)、最新ログイン %s。"
                    "ワーカー最終稼働 %s",
                    (long long)c->f.users_enabled,
                    (long long)c->f.users_never_signed_in,
                    when(c, c->f.last_login_at),
                    when(c, c->up.last_beat)));
        return;
    case 22:
        ok(c, r, PF(c, "security log %lld events (%lld failed sign-ins); "
                       "backup log: last run %s; both downloadable by admins",
                    "セキュリティログ %lld 件 (ログイン失敗 %lld 件)。"
                    "バックアップログ: 前回 %s。管理者がダウンロード可能",
                    (long long)c->f.security_rows,
                    (long long)c->f.security_failed,
                    when(c, c->f.backup_run_at)));
        return;
    case 23:
    case 47:
        ok(c, r, PF(c, "audit log of every change (who, source, IP, request "
                       "id, before/after), hash-chained: %lld rows since %s",
                    "全変更の監査ログ (誰が・経路・IP・リクエストID・変更前後)"
                    "、ハッシュ連鎖: %lld 件 (%s から)",
                    (long long)c->f.audit_rows,
                    when(c, c->f.audit_oldest_at)));
        return;
    case 24:
        r->answer = PF(c, "%lld days", "%lld日", keep);
        r->evidence = PF(c, "log.retention_days = %lld; older audit and "
                            "security rows are pruned automatically",
                         "log.retention_days = %lld。古い監査・セキュリティ"
                         "ログは自動で削除", keep);
        r->status = keep >= HD_REPORT_RETENTION_MIN ? "ok" : "attention";
        return;
    default: /* 25 */
        if (c->f.api_tokens < 0)
            attention(c, r, TX(c, "API tokens are not installed in this "
                                  "database", "APIトークン機能がこのDBに"
                                  "未導入"));
        else
            ok(c, r, PF(c, "JSON API with tokens: %lld issued",
                        "トークン認証のJSON API: 発行 %lld 件",
                        (long long)c->f.api_tokens));
        return;
    }
}

/* ---- support: rows 26-29 ---------------------------------------------- */

static int holidays_this_year(struct ctx *c)
{
    struct tm tm;
    long off;
    hd_time_local(c->now, &tm, &off);
    struct hd_holiday hs[HD_HOLIDAY_JP_YEAR_MAX];
    int n = hd_holiday_jp_list(tm.tm_year + 1900, hs, HD_ARRAY_LEN(hs));
    return n < 0 ? 0 : n;
}

static void support_rows(struct ctx *c, int no, struct row *r)
{
    switch (no) {
    case 26:
        ok(c, r, PF(c, "%lld tickets (%lld open) in %lld queues",
                    "チケット %lld 件 (未完了 %lld 件)、キュー %lld",
                    (long long)c->f.tickets, (long long)c->f.tickets_open,
                    (long long)c->f.queues));
        return;
    case 27:
        r->answer = TX(c, "24 h, 366 days (mail)", "24時間366日(メール)");
        r->evidence = PF(c, "incidents to %s are worked at any hour; alerts "
                            "go to: %s; %lld incident tickets so far",
                         "%s 宛の障害は時間を問わず対応。即時通知先: %s。"
                         "障害チケット %lld 件",
                         cfg(c, HD_CFG_SUPPORT_INCIDENT_ADDRESS),
                         cfg(c, HD_CFG_SUPPORT_ONCALL_ADDRESSES)[0]
                             ? cfg(c, HD_CFG_SUPPORT_ONCALL_ADDRESSES)
                             : TX(c, "agents on call", "当番の担当者"),
                         (long long)c->f.incidents);
        r->status = "ok";
        return;
    case 28:
        r->answer = PF(c, "%s (mail; closed on %s)", "%s (メール。%s は休業)",
                       cfg(c, HD_CFG_CALENDAR_HOURS),
                       TX(c, "holidays and year end", "祝日・年末年始"));
        r->evidence = PF(c, "calendar.hours %s, Japanese holidays %s (%d this "
                            "year), year-end closure %s, %lld extra "
                            "closures; the customer is told when to expect "
                            "an answer",
                         "営業時間 %s、祝日休業 %s (今年 %d 日)、年末年始 %s、"
                         "臨時休業 %lld 件。回答予定を顧客に通知",
                         cfg(c, HD_CFG_CALENDAR_HOURS),
                         cfg(c, HD_CFG_CALENDAR_JP_HOLIDAYS),
                         holidays_this_year(c),
                         cfg(c, HD_CFG_CALENDAR_YEAR_END),
                         (long long)c->f.closures);
        r->status = "ok";
        return;
    default: /* 29 */
        (c->f.faq_ja + c->f.faq_en > 0 ? ok : attention)(
            c, r, PF(c, "published FAQ articles: ja %lld, en %lld",
                     "公開FAQ記事: 日本語 %lld、英語 %lld",
                     (long long)c->f.faq_ja, (long long)c->f.faq_en));
        return;
    }
}

/* ---- security: rows 30, 45, 46, 48-52, 56-65 -------------------------- */

static void scan_rows(struct ctx *c, struct row *r)
{
    const char *sock = cfg(c, HD_CFG_SCAN_CLAMD_SOCKET);
    const char *counts = PF(c, "attachments: %lld clean, %lld waiting, %lld "
                               "infected, %lld quarantined",
                            "添付: 正常 %lld、未スキャン %lld、感染 %lld、"
                            "隔離 %lld", (long long)c->f.att_clean,
                            (long long)c->f.att_unscanned,
                            (long long)c->f.att_infected,
                            (long long)c->f.att_quarantined);
    if (sock[0] == '\0') {
        attention(c, r, PF(c, "scan.clamd_socket is not set: attachments "
                              "are not scanned; %s",
                           "scan.clamd_socket 未設定: 添付はスキャンされない。"
                           "%s", counts));
        return;
    }
    ok(c, r, PF(c, "clamd at %s scans every attachment before agents can "
                   "open it (definitions by freshclam); %s",
                "clamd (%s) が全添付を担当者の閲覧前にスキャン (定義は "
                "freshclam で自動更新)。%s", sock, counts));
}

static void totp_row(struct ctx *c, int no, struct row *r)
{
    const char *roles = cfg(c, HD_CFG_AUTH_REQUIRE_2FA_ROLES);
    if (c->f.users_totp < 0) {
        attention(c, r, PF(c, "roles required to use TOTP: %s; TOTP "
                              "enrolment is not installed in this database",
                           "TOTP必須のロール: %s。TOTP登録機能がこのDBに未導入",
                           roles));
        return;
    }
    const char *ev = PF(c, "roles required to use TOTP: %s; %lld of %lld "
                           "users enrolled (%lld admins)",
                        "TOTP必須のロール: %s。登録済み %lld / %lld 人 "
                        "(管理者 %lld 人)", roles,
                        (long long)c->f.users_totp,
                        (long long)c->f.users_enabled,
                        (long long)c->f.admins);
    bool good = no == 62 ? strstr(roles, "admin") != NULL : roles[0] != '\0';
    (good ? ok : attention)(c, r, ev);
}

static void access_rows(struct ctx *c, int no, struct row *r)
{
    switch (no) {
    case 46:
    case 56:
    case 57:
    case 58:
        ok(c, r, PF(c, "roles admin/agent/viewer and per-queue grants: %lld "
                       "users (%lld admins), %lld grants; every change of "
                       "rights is in the audit log; helpdesk user list "
                       "shows roles and last sign-in",
                    "ロール (admin/agent/viewer) とキュー単位の権限: ユーザー "
                    "%lld 人 (管理者 %lld)、付与 %lld 件。権限変更は監査ログ"
                    "に記録。helpdesk user list で権限と最終ログインを確認",
                    (long long)c->f.users_enabled, (long long)c->f.admins,
                    (long long)c->f.queue_grants));
        return;
    case 59:
        (c->f.users_never_signed_in == 0 ? ok : attention)(
            c, r, PF(c, "%lld enabled users, %lld never signed in; disable "
                        "with helpdesk user disable",
                     "有効ユーザー %lld 人、未ログイン %lld 人。helpdesk user "
                     "disable で無効化", (long long)c->f.users_enabled,
                     (long long)c->f.users_never_signed_in));
        return;
    case 60:
    case 63:
        if (c->f.ip_rules < 0)
            attention(c, r, TX(c, "IP allow-lists are not installed in this "
                                  "database", "IP許可リスト機能がこのDBに"
                                  "未導入"));
        else
            ok(c, r, PF(c, "%lld IP allow-list entries", "IP許可リスト %lld 件",
                        (long long)c->f.ip_rules));
        return;
    default: /* 61 */
        ok(c, r, PF(c, "lockout after %s failures in %s minutes, growing "
                       "with each lockout; sessions end after %s idle "
                       "minutes",
                    "%2$s 分以内に %1$s 回失敗でアカウントロック (繰り返すと"
                    "延長)。無操作 %3$s 分でセッション終了",
                    cfg(c, HD_CFG_AUTH_LOCKOUT_FAILURES),
                    cfg(c, HD_CFG_AUTH_LOCKOUT_WINDOW_MINUTES),
                    cfg(c, HD_CFG_AUTH_SESSION_IDLE_MINUTES)));
        return;
    }
}

static void transport_rows(struct ctx *c, int no, struct row *r)
{
    bool web_tls = cfg(c, HD_CFG_WEB_TLS_CERT)[0] != '\0';
    const char *ev = PF(c, "web: %s; outbound SMTP: %s (verify %s); "
                           "listening on %s",
                        "Web: %s。送信SMTP: %s (証明書検証 %s)。待受 %s",
                        web_tls ? "TLS"
                                : TX(c, "plain HTTP, TLS by a proxy",
                                     "HTTP (TLSはプロキシで終端)"),
                        cfg(c, HD_CFG_SMTP_TLS), cfg(c, HD_CFG_SMTP_VERIFY),
                        cfg(c, HD_CFG_WEB_LISTEN));
    if (no == 50 || no == 51)
        ev = PF(c, "%s; %s requests per IP per minute, %s connections per "
                   "IP, bodies up to %s bytes",
                "%s。IPごとに毎分 %s リクエスト、接続 %s、本文 %s バイトまで",
                ev, cfg(c, HD_CFG_WEB_RATE_LIMIT_PER_MINUTE),
                cfg(c, HD_CFG_WEB_PER_IP_CONNECTIONS),
                cfg(c, HD_CFG_WEB_MAX_BODY_BYTES));
    if (no == 52)
        ev = TX(c, "backup, restore and export need the admin role in the "
                   "web UI and the data directory's owner on the command "
                   "line; every run is audited",
                "バックアップ・復旧・エクスポートはWebでは管理者ロール、"
                "CLIではデータディレクトリの所有者のみ。全実行を監査ログに記録");
    bool plain_smtp = strcmp(cfg(c, HD_CFG_SMTP_TLS), "none") == 0;
    bool rest_ok = true;
    if (no == 30)
        ev = PF(c, "%s; %s", "%s。%s", ev, stored_data(c, &rest_ok));
    ((no == 45 || no == 30) && plain_smtp) || !rest_ok
        ? attention(c, r, ev)
        : ok(c, r, ev);
}

static void security_rows(struct ctx *c, int no, struct row *r)
{
    switch (no) {
    case 30:
    case 45:
    case 50:
    case 51:
    case 52:
        transport_rows(c, no, r);
        return;
    case 48:
    case 49:
        scan_rows(c, r);
        return;
    case 62:
    case 64:
        totp_row(c, no, r);
        return;
    case 65:
        ok(c, r, PF(c, "helpdesk %s, schema %d: every change passes the "
                       "unit, end-to-end and sanitizer test suites",
                    "helpdesk %s (スキーマ %d): 変更ごとに単体・E2E・"
                    "サニタイザのテストを実施", HD_VERSION,
                    hd_store_schema_latest()));
        return;
    default:
        access_rows(c, no, r);
        return;
    }
}

/* ---- the table ---------------------------------------------------------- */

typedef void (*row_fn)(struct ctx *c, int no, struct row *r);

static void backup_rows_(struct ctx *c, int no, struct row *r)
{
    backup_rows(c, no, r);
}

/* Which function answers each row, by number - 1. */
static row_fn row_function(int no)
{
    static const struct {
        int from, to;
        row_fn fn;
    } ranges[] = {
        {1, 8, operator_row},       {9, 13, availability_rows},
        {14, 16, backup_rows_},     {17, 18, operator_row},
        {19, 19, availability_rows}, {20, 20, log_rows},
        {21, 21, availability_rows}, {22, 25, log_rows},
        {26, 29, support_rows},     {30, 30, security_rows},
        {31, 32, backup_rows_},     {33, 35, data_rows},
        {36, 36, operator_row},     {37, 37, data_rows},
        {38, 39, backup_rows_},     {40, 43, data_rows},
        {44, 44, operator_row},     {45, 52, security_rows},
        {53, 53, backup_rows_},     {54, 55, operator_row},
        {56, 65, security_rows},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(ranges); i++)
        if (no >= ranges[i].from && no <= ranges[i].to)
            return ranges[i].fn;
    hd_assert(!"every checklist row has a function");
    return NULL;
}

static int gather(struct ctx *c, struct hd_store *st, struct hd_error *err)
{
    int64_t from = c->now - (int64_t)HD_REPORT_DAYS * 86400;
    if (hd_store_report_facts(st, c->now, c->a, &c->f, err) < 0 ||
        hd_uptime_report(st, from, c->now, c->now, c->a, &c->up, err) < 0)
        return -1;
    struct hd_error e2 = HD_ERROR_INIT;
    c->gens = hd_backup_list(c->inst, &e2);
    if (c->gens == NULL)
        c->gens_problem = hd_arena_strdup(c->a, e2.msg);
    return 0;
}

int hd_report_checklist(struct hd_instance *inst, struct hd_store *st,
                        const char *lang, json_t **out, struct hd_error *err)
{
    struct ctx c = {.inst = inst, .st = st, .cfg = hd_instance_config(inst),
                    .a = hd_arena_new(), .now = hd_clock_now(),
                    .ja = lang != NULL && strcmp(lang, "ja") == 0};
    int rc = -1;
    if (gather(&c, st, err) < 0)
        goto out;
    json_t *rows = json_array();
    for (int no = 1; no <= HD_CHECKLIST_ROWS; no++) {
        struct row r = {0};
        row_function(no)(&c, no, &r);
        hd_assert(r.answer && r.evidence && r.status);
        json_array_append_new(
            rows, json_pack("{s:i, s:s, s:s, s:s, s:s}", "no", no, "item",
                            hd_checklist_item(no, c.ja ? "ja" : "en"),
                            "answer", r.answer, "evidence", r.evidence,
                            "status", r.status));
    }
    *out = rows;
    rc = 0;
out:
    json_decref(c.gens);
    hd_arena_free(&c.a);
    return rc;
}
