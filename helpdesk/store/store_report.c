/* store_report.c - SQL for the availability record and the checklist
 * counts (store_report.h). */
#include "store_int.h"
#include "store_report.h"

#include "clock.h"

#include <stddef.h>
#include <string.h>

enum {
    ST_BEAT_ADD,
    ST_BEAT_PRUNE,
    ST_BEAT_BEFORE,
    ST_BEAT_RANGE,
    ST_BEAT_FIRST,
    ST_BEAT_PRUNE_ALL,
    ST_OUTAGE_ADD,
    ST_OUTAGE_LIST,
    ST_WINDOWS,
    ST_TABLE_EXISTS,
    ST_BACKUP_LAST,
    ST_VERIFY_ADD,
    ST_TOTP_USERS,
    ST_API_TOKENS,
    ST_IP_RULES,
    ST_ADMIN_TOKENS,
    ST_ADMIN_TOKENS_OPEN,
    ST_TOKENS_LIMITED,
    ST_ADMINS_TOTP,
    ST_USERS_UNUSED,
    ST_AUDIT_LAST,
    ST_INCIDENT_QUEUE,
    /* scalar counts, one column one row, in the order of 'scalars' */
    ST_USERS,
    ST_USERS_ENABLED,
    ST_USERS_NEVER,
    ST_ADMINS,
    ST_LAST_LOGIN,
    ST_QUEUES,
    ST_GRANTS,
    ST_FAQ_JA,
    ST_FAQ_EN,
    ST_TERMS_JA,
    ST_TERMS_EN,
    ST_ATT,
    ST_ATT_UNSCANNED,
    ST_ATT_CLEAN,
    ST_ATT_INFECTED,
    ST_ATT_QUARANTINED,
    ST_ATT_PURGED,
    ST_AUDIT_ROWS,
    ST_AUDIT_OLDEST,
    ST_SEC_ROWS,
    ST_SEC_FAILED,
    ST_BACKUP_FAILED,
    ST_TICKETS,
    ST_INCIDENTS,
    ST_TICKETS_OPEN,
    ST_CLOSURES,
    ST_STATUS_NOTICES,
    ST_ATT_OLDEST_UNSCANNED,
    ST_ATT_LAST_SCANNED,
    ST_ONCALL,
    ST_TICKETS_UNSEEN,
    ST_AGENTS_ACTIVE,
    ST_MAINT_FUTURE,
    ST_ALERTS_NOBODY,
    ST_COUNT
};

#define FAQ_PUBLIC(lang)                                                     \
    "SELECT count(*) FROM faq_article a JOIN faq_text t ON t.article_id = " \
    "a.id AND t.lang = '" lang "' WHERE a.draft = 0 AND a.internal = 0"

static const char *const sql_pg[ST_COUNT] = {
    [ST_TABLE_EXISTS] = "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = current_schema() AND "
                        "table_name = ?1",
};

static const char *const sql[ST_COUNT] = {
    [ST_BEAT_ADD] = "INSERT INTO heartbeat_log(program, minute) "
                    "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    [ST_BEAT_PRUNE] = "DELETE FROM heartbeat_log WHERE program = ?1 AND "
                      "minute < ?2",
    [ST_BEAT_BEFORE] = "SELECT max(minute) FROM heartbeat_log WHERE "
                       "program = ?1 AND minute < ?2",
    [ST_BEAT_RANGE] = "SELECT minute FROM heartbeat_log WHERE program = ?1 "
                      "AND minute >= ?2 AND minute < ?3 ORDER BY minute",
    [ST_BEAT_FIRST] = "SELECT min(minute) FROM heartbeat_log WHERE "
                      "program = ?1",
    [ST_BEAT_PRUNE_ALL] = "DELETE FROM heartbeat_log WHERE minute < ?1",
    [ST_OUTAGE_ADD] = "INSERT INTO service_outage(start_at, end_at, kind, "
                      "cause, recorded_by, created_at) VALUES "
                      "(?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
    [ST_OUTAGE_LIST] = "SELECT id, start_at, end_at, kind, cause, "
                       "recorded_by, created_at FROM service_outage WHERE "
                       "end_at > ?1 AND start_at < ?2 ORDER BY start_at, id",
    [ST_WINDOWS] = "SELECT starts_at, ends_at FROM announcement WHERE "
                   "kind = 'maintenance' AND starts_at IS NOT NULL AND "
                   "ends_at > starts_at AND ends_at > ?1 AND starts_at < ?2 "
                   "ORDER BY starts_at, id",
    [ST_TABLE_EXISTS] = "SELECT count(*) FROM sqlite_master WHERE "
                        "type = 'table' AND name = ?1",
    [ST_BACKUP_LAST] = "SELECT at, ok, generation, detail FROM backup_log "
                       "WHERE action = ?1 ORDER BY at DESC, id DESC LIMIT 1",
    [ST_VERIFY_ADD] = "INSERT INTO backup_log(at, action, ok, duration_ms, "
                      "detail) VALUES (?1, 'instance-verify', ?2, ?3, ?4)",
    /* Prepared only after ST_TABLE_EXISTS found the table: these belong
     * to features that may not be installed in this database. */
    [ST_TOTP_USERS] = "SELECT count(*) FROM user_totp WHERE enabled <> 0",
    [ST_API_TOKENS] = "SELECT count(*) FROM api_token",
    [ST_IP_RULES] = "SELECT count(*) FROM user_ip_allow",
    /* Active admin-scope tokens: they reach the API without a second
     * factor, so row 62 counts them (and those with no IP allow-list). */
    [ST_ADMIN_TOKENS] = "SELECT count(*) FROM api_token WHERE scope = "
                        "'admin' AND revoked_at IS NULL AND (expires_at IS "
                        "NULL OR expires_at > ?1)",
    [ST_ADMIN_TOKENS_OPEN] = "SELECT count(*) FROM api_token WHERE scope = "
                             "'admin' AND allow_ips = '' AND revoked_at IS "
                             "NULL AND (expires_at IS NULL OR expires_at > ?1)",
    [ST_TOKENS_LIMITED] = "SELECT count(*) FROM api_token WHERE allow_ips "
                          "<> '' AND revoked_at IS NULL AND (expires_at IS "
                          "NULL OR expires_at > ?1)",
    [ST_ADMINS_TOTP] = "SELECT count(*) FROM \"user\" u JOIN user_totp t ON "
                       "t.user_id = u.id AND t.enabled <> 0 WHERE u.disabled = 0 "
                       "AND u.role = 'admin'",
    /* Enabled users whose last sign-in (or creation, when they never
     * signed in) is older than ?1. */
    [ST_USERS_UNUSED] = "SELECT count(*) FROM \"user\" WHERE disabled = 0 AND "
                        "coalesce(last_login_at, created_at) < ?1",
    [ST_AUDIT_LAST] = "SELECT at, actor, object, coalesce(after_json, '') "
                      "FROM audit WHERE action = ?1 ORDER BY id DESC "
                      "LIMIT ?2",
    [ST_INCIDENT_QUEUE] = "SELECT id FROM queue WHERE address = ?1",
    [ST_USERS] = "SELECT count(*) FROM \"user\"",
    [ST_USERS_ENABLED] = "SELECT count(*) FROM \"user\" WHERE disabled = 0",
    [ST_USERS_NEVER] = "SELECT count(*) FROM \"user\" WHERE disabled = 0 AND "
                       "last_login_at IS NULL",
    [ST_ADMINS] = "SELECT count(*) FROM \"user\" WHERE disabled = 0 AND "
                  "role = 'admin'",
    [ST_LAST_LOGIN] = "SELECT coalesce(max(last_login_at), 0) FROM \"user\"",
    [ST_QUEUES] = "SELECT count(*) FROM queue",
    [ST_GRANTS] = "SELECT count(*) FROM user_queue",
    [ST_FAQ_JA] = FAQ_PUBLIC("ja"),
    [ST_FAQ_EN] = FAQ_PUBLIC("en"),
    [ST_TERMS_JA] = "SELECT coalesce(sum(length(body_md)), 0) FROM "
                    "site_text WHERE key = 'terms' AND lang = 'ja'",
    [ST_TERMS_EN] = "SELECT coalesce(sum(length(body_md)), 0) FROM "
                    "site_text WHERE key = 'terms' AND lang = 'en'",
    [ST_ATT] = "SELECT count(*) FROM attachment",
    [ST_ATT_UNSCANNED] = "SELECT count(*) FROM attachment WHERE "
                         "scan_state = 'unscanned' AND state = 'stored'",
    [ST_ATT_CLEAN] = "SELECT count(*) FROM attachment WHERE "
                     "scan_state = 'clean'",
    [ST_ATT_INFECTED] = "SELECT count(*) FROM attachment WHERE "
                        "scan_state = 'infected'",
    [ST_ATT_QUARANTINED] = "SELECT count(*) FROM attachment WHERE "
                           "state = 'quarantined'",
    [ST_ATT_PURGED] = "SELECT count(*) FROM attachment WHERE "
                      "state = 'purged'",
    [ST_AUDIT_ROWS] = "SELECT count(*) FROM audit",
    [ST_AUDIT_OLDEST] = "SELECT coalesce(min(at), 0) FROM audit",
    [ST_SEC_ROWS] = "SELECT count(*) FROM security_log",
    [ST_SEC_FAILED] = "SELECT count(*) FROM security_log WHERE "
                      "kind = 'signin_failed'",
    [ST_BACKUP_FAILED] = "SELECT count(*) FROM backup_log WHERE "
                         "action = 'run' AND ok = 0",
    [ST_TICKETS] = "SELECT count(*) FROM ticket",
    [ST_INCIDENTS] = "SELECT count(*) FROM ticket WHERE "
                     "category = 'incident'",
    [ST_TICKETS_OPEN] = "SELECT count(*) FROM ticket WHERE status IN "
                        "('new', 'open', 'pending')",
    [ST_CLOSURES] = "SELECT count(*) FROM calendar_closure",
    [ST_STATUS_NOTICES] = "SELECT count(*) FROM announcement WHERE "
                          "kind = 'status' AND ended_at IS NULL AND "
                          "published_at <= ?1",
    [ST_ATT_OLDEST_UNSCANNED] = "SELECT coalesce(min(created_at), 0) FROM "
                                "attachment WHERE scan_state = 'unscanned' "
                                "AND state = 'stored'",
    [ST_ATT_LAST_SCANNED] = "SELECT coalesce(max(scanned_at), 0) FROM "
                            "attachment",
    [ST_ONCALL] = "SELECT count(*) FROM \"user\" WHERE on_call = 1 AND "
                  "disabled = 0",
    /* Open tickets that no enabled agent or viewer may see: no queue, or
     * a queue nobody but admins is granted. */
    [ST_TICKETS_UNSEEN] =
        "SELECT count(*) FROM ticket t WHERE t.status IN ('new', 'open', "
        "'pending') AND t.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM "
        "user_queue uq JOIN \"user\" u ON u.id = uq.user_id WHERE uq.queue_id = "
        "t.queue_id AND u.disabled = 0 AND u.role <> 'admin')",
    [ST_AGENTS_ACTIVE] = "SELECT count(*) FROM \"user\" WHERE disabled = 0 AND "
                         "role = 'agent'",
    [ST_MAINT_FUTURE] = "SELECT count(*) FROM announcement WHERE kind = "
                        "'maintenance' AND starts_at > ?1 AND ended_at IS "
                        "NULL",
    [ST_ALERTS_NOBODY] = "SELECT count(*) FROM event WHERE kind = 'alert' "
                         "AND field = 'recipients' AND new_value = '0'",
};

/* ---- heartbeat log --------------------------------------------------- */

int hd_store_uptime_beat(struct hd_store *st, const char *program,
                         int64_t minute, int64_t keep_since,
                         struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BEAT_ADD]);
    store_bind_text(s, 1, program);
    store_bind_int64(s, 2, minute);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    s = store_stmt(st, &sql[ST_BEAT_PRUNE]);
    store_bind_text(s, 1, program);
    store_bind_int64(s, 2, keep_since);
    return store_exec_done(st, s, err);
}

int hd_store_heartbeat_log_prune(struct hd_store *st, int64_t before_t,
                                 int64_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BEAT_PRUNE_ALL]);
    store_bind_int64(s, 1, before_t);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    *n_r = store_changes(st);
    return 0;
}

/* Steps a statement with one integer column that may be NULL (max/min
 * of nothing): 1 with a value, 0 for NULL, -1 error. */
static int step_opt_int(struct hd_store *st, struct store_q *s, int64_t *v_r,
                        struct hd_error *err)
{
    int rc = store_step(s);
    int found = 0;
    if (rc == STORE_ROW && !store_col_null(s, 0)) {
        *v_r = store_col_int64(s, 0);
        found = 1;
    }
    store_reset(s);
    if (rc != STORE_ROW && rc != STORE_DONE)
        return store_fail(st, rc, err);
    return found;
}

static void fill_beat(struct store_q *s, struct hd_arena *a, void *out)
{
    (void)a;
    *(int64_t *)out = store_col_int64(s, 0);
}

int hd_store_uptime_beats(struct hd_store *st, const char *program,
                          int64_t from, int64_t to, struct hd_arena *a,
                          int64_t **beats_r, size_t *n_r,
                          struct hd_error *err)
{
    int64_t before = 0;
    struct store_q *s = store_stmt(st, &sql[ST_BEAT_BEFORE]);
    store_bind_text(s, 1, program);
    store_bind_int64(s, 2, from);
    int found = step_opt_int(st, s, &before, err);
    if (found < 0)
        return -1;
    s = store_stmt(st, &sql[ST_BEAT_RANGE]);
    store_bind_text(s, 1, program);
    store_bind_int64(s, 2, from);
    store_bind_int64(s, 3, to);
    void *arr;
    size_t n;
    if (store_collect(st, s, a, sizeof(int64_t), fill_beat, &arr, &n, err) <
        0)
        return -1;
    int64_t *beats = arr;
    if (found) {
        int64_t *with = hd_arena_alloc(a, (n + 1) * sizeof *with);
        with[0] = before;
        memcpy(with + 1, beats, n * sizeof *with);
        beats = with;
        n++;
    }
    *beats_r = beats;
    *n_r = n;
    return 0;
}

int hd_store_uptime_first_beat(struct hd_store *st, const char *program,
                               int64_t *minute_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BEAT_FIRST]);
    store_bind_text(s, 1, program);
    return step_opt_int(st, s, minute_r, err);
}

/* ---- outages ---------------------------------------------------------- */

int hd_store_outage_add(struct hd_store *st, const struct hd_outage *o,
                        int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_OUTAGE_ADD]);
    store_bind_int64(s, 1, o->start_at);
    store_bind_int64(s, 2, o->end_at);
    store_bind_text(s, 3, o->kind);
    store_bind_text(s, 4, o->cause);
    store_bind_text(s, 5, o->recorded_by);
    store_bind_int64(s, 6, hd_clock_now());
    return store_insert(st, s, id_r, err);
}

static void fill_outage(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_outage *o = out;
    o->id = store_col_int64(s, 0);
    o->start_at = store_col_int64(s, 1);
    o->end_at = store_col_int64(s, 2);
    o->kind = store_col_text(s, 3, a);
    o->cause = store_col_text(s, 4, a);
    o->recorded_by = store_col_text(s, 5, a);
    o->created_at = store_col_int64(s, 6);
}

int hd_store_outage_list(struct hd_store *st, int64_t from, int64_t to,
                         struct hd_arena *a, struct hd_outage **os_r,
                         size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_OUTAGE_LIST]);
    store_bind_int64(s, 1, from);
    store_bind_int64(s, 2, to);
    return store_collect(st, s, a, sizeof(struct hd_outage), fill_outage,
                         (void **)os_r, n_r, err);
}

static void fill_window(struct store_q *s, struct hd_arena *a, void *out)
{
    (void)a;
    struct hd_interval *w = out;
    w->start = store_col_int64(s, 0);
    w->end = store_col_int64(s, 1);
}

int hd_store_maintenance_windows(struct hd_store *st, int64_t from,
                                 int64_t to, struct hd_arena *a,
                                 struct hd_interval **ws_r, size_t *n_r,
                                 struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_WINDOWS]);
    store_bind_int64(s, 1, from);
    store_bind_int64(s, 2, to);
    return store_collect(st, s, a, sizeof(struct hd_interval), fill_window,
                         (void **)ws_r, n_r, err);
}

/* ---- checklist facts -------------------------------------------------- */

static const struct {
    int stmt;
    size_t off;
} scalars[] = {
#define F(st_, field) {st_, offsetof(struct hd_report_facts, field)}
    F(ST_USERS, users),
    F(ST_USERS_ENABLED, users_enabled),
    F(ST_USERS_NEVER, users_never_signed_in),
    F(ST_ADMINS, admins),
    F(ST_LAST_LOGIN, last_login_at),
    F(ST_QUEUES, queues),
    F(ST_GRANTS, queue_grants),
    F(ST_FAQ_JA, faq_ja),
    F(ST_FAQ_EN, faq_en),
    F(ST_TERMS_JA, terms_ja),
    F(ST_TERMS_EN, terms_en),
    F(ST_ATT, attachments),
    F(ST_ATT_UNSCANNED, att_unscanned),
    F(ST_ATT_CLEAN, att_clean),
    F(ST_ATT_INFECTED, att_infected),
    F(ST_ATT_QUARANTINED, att_quarantined),
    F(ST_ATT_PURGED, att_purged),
    F(ST_AUDIT_ROWS, audit_rows),
    F(ST_AUDIT_OLDEST, audit_oldest_at),
    F(ST_SEC_ROWS, security_rows),
    F(ST_SEC_FAILED, security_failed),
    F(ST_BACKUP_FAILED, backup_runs_failed),
    F(ST_TICKETS, tickets),
    F(ST_INCIDENTS, incidents),
    F(ST_TICKETS_OPEN, tickets_open),
    F(ST_CLOSURES, closures),
    F(ST_STATUS_NOTICES, status_notices),
    F(ST_ATT_OLDEST_UNSCANNED, att_oldest_unscanned_at),
    F(ST_ATT_LAST_SCANNED, att_last_scanned_at),
    F(ST_ONCALL, users_oncall),
    F(ST_TICKETS_UNSEEN, tickets_unseen),
    F(ST_AGENTS_ACTIVE, agents_active),
    F(ST_MAINT_FUTURE, maintenance_future),
    F(ST_ALERTS_NOBODY, alerts_nobody),
#undef F
};

/* Runs a one-value statement, binding 'now' when it takes a parameter. */
static int scalar(struct hd_store *st, int stmt, int64_t now, int64_t *v_r,
                  struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[stmt]);
    if (store_bind_count(s) > 0)
        store_bind_int64(s, 1, now);
    *v_r = 0;
    return step_opt_int(st, s, v_r, err) < 0 ? -1 : 0;
}

/* The count of an optional feature's table, -1 when it is absent. */
static int optional_count(struct hd_store *st, const char *table, int stmt,
                          int64_t *v_r, struct hd_error *err)
{
    int64_t exists = 0;
    struct store_q *s =
        store_stmt_alt(st, &sql[ST_TABLE_EXISTS], &sql_pg[ST_TABLE_EXISTS]);
    store_bind_text(s, 1, table);
    if (step_opt_int(st, s, &exists, err) < 0)
        return -1;
    if (exists == 0) {
        *v_r = -1;
        return 0;
    }
    return scalar(st, stmt, 0, v_r, err);
}

/* Newest backup_log row of 'action'; leaves zeros when there is none. */
static int last_backup(struct hd_store *st, const char *action,
                       struct hd_arena *a, int64_t *at_r, int64_t *ok_r,
                       const char **gen_r, const char **detail_r,
                       struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BACKUP_LAST]);
    store_bind_text(s, 1, action);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        *at_r = store_col_int64(s, 0);
        *ok_r = store_col_int64(s, 1);
        *gen_r = store_col_text(s, 2, a);
        *detail_r = store_col_text(s, 3, a);
    }
    store_reset(s);
    if (rc != STORE_ROW && rc != STORE_DONE)
        return store_fail(st, rc, err);
    return 0;
}

int hd_store_report_facts(struct hd_store *st, int64_t now,
                          int64_t unused_before,
                          struct hd_arena *a, struct hd_report_facts *f,
                          struct hd_error *err)
{
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < HD_ARRAY_LEN(scalars); i++)
        if (scalar(st, scalars[i].stmt, now,
                   (int64_t *)((char *)f + scalars[i].off), err) < 0)
            return -1;
    const char *unused = NULL;
    if (optional_count(st, "user_totp", ST_TOTP_USERS, &f->users_totp,
                       err) < 0 ||
        optional_count(st, "api_token", ST_API_TOKENS, &f->api_tokens,
                       err) < 0 ||
        optional_count(st, "user_ip_allow", ST_IP_RULES, &f->ip_rules,
                       err) < 0)
        return -1;
    if (f->api_tokens >= 0 &&
        (scalar(st, ST_ADMIN_TOKENS, now, &f->admin_tokens, err) < 0 ||
         scalar(st, ST_ADMIN_TOKENS_OPEN, now, &f->admin_tokens_open,
                err) < 0 ||
         scalar(st, ST_TOKENS_LIMITED, now, &f->tokens_limited, err) < 0))
        return -1;
    if (f->users_totp >= 0 &&
        scalar(st, ST_ADMINS_TOTP, now, &f->admins_totp, err) < 0)
        return -1;
    if (scalar(st, ST_USERS_UNUSED, unused_before, &f->users_unused, err) < 0)
        return -1;
    if (last_backup(st, "restore", a, &f->restore_at, &f->restore_ok,
                    &f->restore_gen, &unused, err) < 0)
        return -1;
    if (last_backup(st, "run", a, &f->backup_run_at, &f->backup_run_ok,
                    &f->backup_run_gen, &f->backup_run_detail, err) < 0 ||
        last_backup(st, "verify", a, &f->backup_verify_at,
                    &f->backup_verify_ok, &f->backup_verify_gen, &unused,
                    err) < 0 ||
        last_backup(st, "instance-verify", a, &f->verify_at, &f->verify_ok,
                    &unused, &f->verify_detail, err) < 0)
        return -1;
    return 0;
}

int hd_store_report_verify_record(struct hd_store *st, bool ok,
                                  int64_t duration_ms, const char *detail,
                                  struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_VERIFY_ADD]);
    store_bind_int64(s, 1, hd_clock_now());
    store_bind_int(s, 2, ok ? 1 : 0);
    store_bind_int64(s, 3, duration_ms);
    store_bind_text(s, 4, detail);
    return store_exec_done(st, s, err);
}

static void fill_audit(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_report_audit *r = out;
    r->at = store_col_int64(s, 0);
    r->actor = store_col_text(s, 1, a);
    r->object = store_col_text(s, 2, a);
    r->after_json = store_col_text(s, 3, a);
}

int hd_store_report_audit_last(struct hd_store *st, const char *action,
                               int limit, struct hd_arena *a,
                               struct hd_report_audit **rows_r, size_t *n_r,
                               struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_AUDIT_LAST]);
    store_bind_text(s, 1, action);
    store_bind_int(s, 2, limit);
    return store_collect(st, s, a, sizeof(struct hd_report_audit),
                         fill_audit, (void **)rows_r, n_r, err);
}

int hd_store_report_queue_at(struct hd_store *st, const char *address,
                             int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_INCIDENT_QUEUE]);
    store_bind_text(s, 1, address);
    return store_step_id(st, s, id_r, err);
}

int hd_store_report_tickets_unseen(struct hd_store *st, int64_t *n_r,
                                   struct hd_error *err)
{
    return scalar(st, ST_TICKETS_UNSEEN, 0, n_r, err);
}
