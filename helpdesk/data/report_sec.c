/* report_sec.c - checklist rows about security (report_int.h):
 * encryption and transport (30, 39, 45, 50, 51), virus scanning (48, 49),
 * utilities (52) and access (46, 56-64).  Each row states its threshold;
 * none is "ok" by text. */
#include "report_int.h"

#include "atrest.h"
#include "dburl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- stored data at rest: rows 30, 39 ---------------------------------- */

/* How attachments, raw mail and the database are protected on disk.  ok
 * only when every blob is sealed under the present data key and the data
 * directory is on dm-crypt (the one thing that covers the database).  A
 * database on PostgreSQL is not in the data directory: how its server
 * stores it cannot be seen from here, so the row cannot be ok. */
static const char *stored_data(struct report_ctx *c, bool *ok_r)
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
    bool pg = hd_store_is_pg(c->st);
    if (pg) {
        char url[256];
        hd_dburl_public(report_cfg(c, HD_CFG_STORE_URL), url, sizeof url);
        disk = PF(c, "the database is on the PostgreSQL server %s: its "
                     "encryption at rest is that server's and cannot be "
                     "checked from here",
                  "データベースは PostgreSQL サーバー %s 上。保存時の暗号化は"
                  "そのサーバー側の設定で、ここからは確認できない", url);
    }
    *ok_r = b.encrypt_on && b.key_present && b.plaintext == 0 &&
            b.sealed_other == 0 && b.missing == 0 && !pg &&
            d.state == HD_ATREST_DEV_DMCRYPT;
    return PF(c, "%s; %s", "%s。%s", blobs, disk);
}

/* ---- transport: rows 30, 39, 45, 50, 51 -------------------------------- */

/* web.listen on a loopback address: only this machine can reach it. */
static bool listen_loopback(const char *listen)
{
    return strncmp(listen, "127.", 4) == 0 ||
           strncmp(listen, "[::1]", 5) == 0 ||
           strncmp(listen, "localhost:", 10) == 0;
}

/* Is the way from the browser to the server encrypted?  TLS here, or a
 * trusted proxy in front (which then terminates TLS), or nobody else can
 * connect; anything else is plain HTTP on the network. */
static bool web_encrypted(struct report_ctx *c, const char **how_r)
{
    const char *listen = report_cfg(c, HD_CFG_WEB_LISTEN);
    if (report_cfg(c, HD_CFG_WEB_TLS_CERT)[0] != '\0') {
        *how_r = PF(c, "TLS on %s", "TLS (%s)", listen);
        return true;
    }
    if (report_cfg(c, HD_CFG_WEB_TRUSTED_PROXY)[0] != '\0') {
        *how_r = PF(c, "plain HTTP on %s behind the trusted proxy %s, which "
                       "terminates TLS", "HTTP (%s)、TLSは信頼するプロキシ %s "
                       "で終端", listen,
                    report_cfg(c, HD_CFG_WEB_TRUSTED_PROXY));
        return true;
    }
    if (listen_loopback(listen)) {
        *how_r = PF(c, "plain HTTP on loopback %s only",
                    "HTTP (ループバック %s のみ)", listen);
        return true;
    }
    *how_r = PF(c, "PLAIN HTTP on %s: no web.tls_cert and no "
                   "web.trusted_proxy", "暗号化なしのHTTP (%s): web.tls_cert "
                   "も web.trusted_proxy もない", listen);
    return false;
}

static void transport_row(struct report_ctx *c, int no, struct report_row *r)
{
    const char *how;
    bool web = web_encrypted(c, &how);
    bool smtp = strcmp(report_cfg(c, HD_CFG_SMTP_TLS), "none") != 0;
    const char *ev = PF(c, "web: %s; outbound SMTP: %s (verify %s)",
                        "Web: %s。送信SMTP: %s (証明書検証 %s)", how,
                        report_cfg(c, HD_CFG_SMTP_TLS),
                        report_cfg(c, HD_CFG_SMTP_VERIFY));
    const char *thr = TX(c, "web TLS (here or by web.trusted_proxy) unless "
                            "listening on loopback only, and SMTP not 'none'",
                         "Web は TLS (自身または web.trusted_proxy) かループ"
                         "バックのみ、かつ SMTP が none でない");
    if (no == 30 || no == 39) {
        bool rest;
        ev = PF(c, "%s; backups encrypted (HDENC1); passwords hashed with "
                   "Argon2id; %s", "%s。バックアップは暗号化 (HDENC1)。"
                "パスワードはArgon2id。%s", ev, stored_data(c, &rest));
        web = web && rest;
        thr = PF(c, "%s; every attachment and raw mail sealed and the data "
                    "directory on dm-crypt", "%s。添付とメール原文を全て暗号化"
                 "し、データディレクトリが dm-crypt 上", thr);
    }
    if (no == 50 || no == 51) {
        long long rate =
            hd_config_get_int(c->cfg, HD_CFG_WEB_RATE_LIMIT_PER_MINUTE);
        ev = PF(c, "%s; %lld requests per IP per minute, %s connections "
                   "per IP, bodies up to %s bytes",
                "%s。IPごとに毎分 %lld リクエスト、接続 %s、本文 %s バイト"
                "まで", ev, rate,
                report_cfg(c, HD_CFG_WEB_PER_IP_CONNECTIONS),
                report_cfg(c, HD_CFG_WEB_MAX_BODY_BYTES));
        web = web && rate > 0;
        thr = PF(c, "%s; a request rate limit above zero",
                 "%s。リクエスト制限が0より大きい", thr);
    }
    bool good = web && smtp;
    report_judge(c, r, good,
                 good ? TX(c, "encrypted", "暗号化されている")
                      : TX(c, "NOT fully encrypted (see evidence)",
                           "暗号化が不十分 (根拠を参照)"),
                 ev, thr);
}

/* ---- virus scanning: rows 48, 49 --------------------------------------- */

static void scan_row(struct report_ctx *c, int no, struct report_row *r)
{
    const char *sock = report_cfg(c, HD_CFG_SCAN_CLAMD_SOCKET);
    struct hd_error perr = HD_ERROR_INIT;
    bool pong = false;
    const char *clamd;
    if (sock[0] == '\0')
        clamd = TX(c, "scan.clamd_socket is not set: nothing is scanned",
                   "scan.clamd_socket 未設定: スキャンしない");
    else if (c->clamd_ping == NULL)
        clamd = PF(c, "clamd at %s was not asked", "clamd (%s) に未確認",
                   sock);
    else if (!(pong = c->clamd_ping(sock, &perr) == 0))
        clamd = PF(c, "clamd at %s does NOT answer: %s",
                   "clamd (%s) が応答しない: %s", sock, perr.msg);
    else
        clamd = PF(c, "clamd at %s answers PING", "clamd (%s) が応答", sock);
    int64_t wait = c->f.att_oldest_unscanned_at
                       ? c->now - c->f.att_oldest_unscanned_at
                       : 0;
    const char *ev = PF(
        c, "%s; the worker scans waiting files every tick, last scan %s; "
           "oldest unscanned file waits %s; %lld clean, %lld waiting, %lld "
           "infected, %lld quarantined",
        "%s。ワーカーが毎周期スキャン、前回 %s。最も古い未スキャン %s。正常 "
        "%lld、未スキャン %lld、感染 %lld、隔離 %lld", clamd,
        report_when(c, c->f.att_last_scanned_at),
        c->f.att_oldest_unscanned_at ? report_span(c, wait)
                                     : TX(c, "none", "なし"),
        (long long)c->f.att_clean, (long long)c->f.att_unscanned,
        (long long)c->f.att_infected, (long long)c->f.att_quarantined);
    report_judge(
        c, r, pong && wait <= HD_REPORT_SCAN_WAIT,
        no == 48 ? TX(c, "clamd scans every attachment before agents can "
                         "open it", "clamd が全添付を閲覧前にスキャン")
                 : TX(c, "every attachment on arrival, retried each worker "
                         "tick until scanned", "受信時に全添付、未スキャンは"
                         "ワーカーの毎周期に再試行"),
        ev,
        PF(c, "clamd answers and no file waits longer than %s",
           "clamd が応答し、%s を超えて待つファイルがない",
           report_span(c, HD_REPORT_SCAN_WAIT)));
}

/* ---- utilities: row 52 -------------------------------------------------- */

static void utility_row(struct report_ctx *c, struct report_row *r)
{
    struct stat sb;
    bool priv = stat(hd_instance_dir(c->inst), &sb) == 0 &&
                (sb.st_mode & 007) == 0;
    const char *exp =
        c->n_exports
            ? PF(c, "last export %s by %s (%s %s)", "前回のエクスポート %s "
                 "(%s、%s %s)", report_when(c, c->exports[0].at),
                 c->exports[0].actor, c->exports[0].object,
                 c->exports[0].after_json)
            : TX(c, "no export on record", "エクスポートの記録なし");
    report_judge(
        c, r, priv,
        TX(c, "backup, restore and export need the admin role on the web "
              "and the data directory's owner on the command line; each run "
              "is audited (actor, scope, size)",
           "バックアップ・復旧・エクスポートはWebでは管理者、CLIではデータ"
           "ディレクトリの所有者のみ。実行は監査ログに記録 (実行者・範囲・"
           "サイズ)"),
        PF(c, "data directory mode %03o; %s", "データディレクトリの権限 %03o。"
           "%s", (unsigned)(sb.st_mode & 0777), exp),
        TX(c, "the data directory is closed to others (the group is the "
              "mail gateway's)", "データディレクトリが他者に非公開 (グループは"
              "メールゲートウェイ用)"));
}

/* ---- access: rows 46, 56-64 -------------------------------------------- */

static void rights_row(struct report_ctx *c, struct report_row *r)
{
    report_judge(
        c, r, c->f.admins > 0 && c->f.tickets_unseen == 0,
        TX(c, "roles admin/agent/viewer and per-queue grants; every change "
              "of rights is audited; helpdesk user list shows roles and last "
              "sign-in", "ロール (admin/agent/viewer) とキュー単位の権限。権限"
              "変更は監査ログに記録。helpdesk user list で確認"),
        PF(c, "%lld users (%lld admins), %lld grants; %lld open tickets no "
              "active agent can see", "ユーザー %lld 人 (管理者 %lld)、付与 "
              "%lld 件。担当者が見られない未完了チケット %lld 件",
           (long long)c->f.users_enabled, (long long)c->f.admins,
           (long long)c->f.queue_grants, (long long)c->f.tickets_unseen),
        TX(c, "an admin exists and every open ticket is visible to an "
              "agent", "管理者がいて全ての未完了チケットが担当者に見える"));
}

static void review_row(struct report_ctx *c, struct report_row *r)
{
    long long days = hd_config_get_int(c->cfg, HD_CFG_REPORT_UNUSED_DAYS);
    long long rdays = hd_config_get_int(c->cfg, HD_CFG_REPORT_REVIEW_DAYS);
    int64_t at = c->n_reviews ? c->reviews[0].at : 0;
    bool reviewed = at != 0 && c->now - at <= rdays * 86400;
    report_judge(
        c, r, c->f.users_unused == 0 && reviewed,
        PF(c, "%lld accounts unused for %lld days", "%2$lld日以上未使用の"
           "アカウント %1$lld 件", (long long)c->f.users_unused, days),
        PF(c, "%lld enabled users; last review %s%s%s; disable with "
              "helpdesk user disable, record a review with helpdesk user "
              "review", "有効ユーザー %lld 人。前回の棚卸 %s%s%s。helpdesk "
              "user disable で無効化、helpdesk user review で棚卸を記録",
           (long long)c->f.users_enabled, report_when(c, at),
           at ? TX(c, " by ", " 実施者 ") : "",
           at ? c->reviews[0].actor : ""),
        PF(c, "no enabled account unused for report.unused_days (%lld) and "
              "a review within report.review_days (%lld)",
           "report.unused_days (%lld日) 以上未使用の有効アカウントがなく、"
           "report.review_days (%lld日) 以内に棚卸", days, rdays));
}

static void allow_row(struct report_ctx *c, int no, struct report_row *r)
{
    const char *adm = report_cfg(c, HD_CFG_AUTH_ALLOW_IPS_ADMIN);
    const char *ev = PF(
        c, "role allow-lists: admin '%s', agent '%s', viewer '%s'; %lld "
           "per-user lists (helpdesk user allow-ips); %lld API tokens with "
           "an allow-list",
        "ロール別許可: admin '%s'、agent '%s'、viewer '%s'。ユーザー別 "
        "%lld 件 (helpdesk user allow-ips)。許可リスト付きAPIトークン %lld 件",
        adm, report_cfg(c, HD_CFG_AUTH_ALLOW_IPS_AGENT),
        report_cfg(c, HD_CFG_AUTH_ALLOW_IPS_VIEWER),
        (long long)(c->f.ip_rules < 0 ? 0 : c->f.ip_rules),
        (long long)c->f.tokens_limited);
    if (no == 63)
        ev = PF(c, "%s; client certificates: not supported (limit by IP, "
                   "or by a proxy that checks certificates)",
                "%s。クライアント証明書: 非対応 (IPで制限、または証明書を確認"
                "するプロキシで制限)", ev);
    report_judge(c, r, adm[0] != '\0',
                 adm[0] ? TX(c, "limited by source IP",
                             "接続元IPで制限")
                        : TX(c, "not limited by source IP",
                             "接続元IPの制限なし"),
                 ev,
                 TX(c, "at least the admin role limited (auth.allow_ips."
                       "admin)", "少なくとも管理者ロールを制限 (auth."
                       "allow_ips.admin)"));
}

static void session_row(struct report_ctx *c, struct report_row *r)
{
    long long fails = hd_config_get_int(c->cfg, HD_CFG_AUTH_LOCKOUT_FAILURES);
    long long idle =
        hd_config_get_int(c->cfg, HD_CFG_AUTH_SESSION_IDLE_MINUTES);
    long long max = hd_config_get_int(c->cfg, HD_CFG_AUTH_SESSION_MAX_HOURS);
    report_judge(
        c, r, fails >= 1 && fails <= HD_REPORT_LOCKOUT_MAX &&
                  idle <= HD_REPORT_IDLE_MAX && max <= HD_REPORT_SESSION_MAX,
        PF(c, "sessions end after %lld idle minutes, at most %lld hours",
           "無操作 %lld 分、最長 %lld 時間でセッション終了", idle, max),
        PF(c, "lockout after %lld failures in %s minutes, growing with each "
              "lockout", "%2$s 分以内に %1$lld 回失敗でロック (繰り返すと"
              "延長)", fails, report_cfg(c, HD_CFG_AUTH_LOCKOUT_WINDOW_MINUTES)),
        PF(c, "lockout within %d failures, idle timeout at most %d minutes, "
              "sessions at most %d hours", "%d回以内でロック、無操作 %d 分"
              "以内、最長 %d 時間以内", HD_REPORT_LOCKOUT_MAX,
           HD_REPORT_IDLE_MAX, HD_REPORT_SESSION_MAX));
}

static void admin_2fa_row(struct report_ctx *c, struct report_row *r)
{
    const char *roles = report_cfg(c, HD_CFG_AUTH_REQUIRE_2FA_ROLES);
    struct stat sb;
    const char *owner = stat(hd_instance_dir(c->inst), &sb) == 0
                            ? PF(c, "uid %lu", "uid %lu",
                                 (unsigned long)sb.st_uid)
                            : "?";
    bool enrolled = c->f.users_totp >= 0 && c->f.admins_totp == c->f.admins;
    report_judge(
        c, r, strstr(roles, "admin") != NULL && enrolled &&
                  c->f.admin_tokens_open == 0,
        TX(c, "web admins: password and TOTP; CLI: only the data "
              "directory's owner, behind the server's own login",
           "Web管理者: パスワードとTOTP。CLI: データディレクトリの所有者のみ "
           "(サーバ自体のログインで保護)"),
        PF(c, "auth.require_2fa_roles = %s; %lld of %lld admins enrolled; "
              "%lld admin-scope API tokens (no second factor), %lld of them "
              "without an IP allow-list; CLI as %s",
           "auth.require_2fa_roles = %1$s。管理者 %2$lld / %3$lld 人が登録済"
           "み。管理者権限のAPIトークン %4$lld 件 (二要素なし)、うちIP制限"
           "なし %5$lld 件。CLI は %6$s", roles,
           (long long)(c->f.admins_totp < 0 ? 0 : c->f.admins_totp),
           (long long)c->f.admins, (long long)c->f.admin_tokens,
           (long long)c->f.admin_tokens_open, owner),
        TX(c, "TOTP required of and enrolled by every admin, and every "
              "admin-scope token limited by IP",
           "全管理者にTOTPを必須とし登録済み、管理者権限トークンは全てIP制限"
           "付き"));
}

static void user_2fa_row(struct report_ctx *c, struct report_row *r)
{
    const char *roles = report_cfg(c, HD_CFG_AUTH_REQUIRE_2FA_ROLES);
    report_judge(
        c, r, roles[0] != '\0' && c->f.users_totp >= 0,
        PF(c, "TOTP required of roles: %s", "TOTP必須のロール: %s",
           roles[0] ? roles : "-"),
        PF(c, "%lld of %lld users enrolled", "登録済み %lld / %lld 人",
           (long long)(c->f.users_totp < 0 ? 0 : c->f.users_totp),
           (long long)c->f.users_enabled),
        TX(c, "at least one role must use TOTP (auth.require_2fa_roles)",
           "少なくとも1つのロールでTOTP必須 (auth.require_2fa_roles)"));
}

void report_security_rows(struct report_ctx *c, int no, struct report_row *r)
{
    switch (no) {
    case 30:
    case 39:
    case 45:
    case 50:
    case 51:
        transport_row(c, no, r);
        return;
    case 48:
    case 49:
        scan_row(c, no, r);
        return;
    case 52:
        utility_row(c, r);
        return;
    case 59:
        review_row(c, r);
        return;
    case 60:
    case 63:
        allow_row(c, no, r);
        return;
    case 61:
        session_row(c, r);
        return;
    case 62:
        admin_2fa_row(c, r);
        return;
    case 64:
        user_2fa_row(c, r);
        return;
    default: /* 46, 56, 57, 58 */
        rights_row(c, r);
        return;
    }
}
