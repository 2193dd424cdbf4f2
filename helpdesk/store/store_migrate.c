/* store_migrate.c - SQL of `helpdesk migrate`: one entry per table that
 * the copy moves (its columns, the order it reads them in, the
 * statements on each side), the check that the source has no table or
 * column outside that list, and the test for other processes holding a
 * SQLite store open.  The statements are fixed at build time like every
 * other table of the store; a migration that adds a table or a column
 * must add it here too, or the check refuses to copy (and the e2e test
 * pg_migrate fails).
 *
 * Derived tables are not copied: the search indexes (SQLite's FTS5,
 * PostgreSQL's tsvector tables), the reports' rollups (report_*) and the
 * caches' generation rows are kept by triggers, which fill the target's
 * own as the rows arrive.  On PostgreSQL the search rows come out of
 * hd_fts_tsvector() in its triggers, not from SQLite's index. */
#include "store_migrate.h"
#include "store_sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PH1 "?1"
#define PH2 PH1 ",?2"
#define PH3 PH2 ",?3"
#define PH4 PH3 ",?4"
#define PH5 PH4 ",?5"
#define PH6 PH5 ",?6"
#define PH7 PH6 ",?7"
#define PH8 PH7 ",?8"
#define PH9 PH8 ",?9"
#define PH10 PH9 ",?10"
#define PH11 PH10 ",?11"
#define PH12 PH11 ",?12"
#define PH13 PH12 ",?13"
#define PH14 PH13 ",?14"
#define PH15 PH14 ",?15"
#define PH16 PH15 ",?16"
#define PH17 PH16 ",?17"
#define PH18 PH17 ",?18"
#define PH19 PH18 ",?19"
#define PH20 PH19 ",?20"
#define PH21 PH20 ",?21"
#define PH22 PH21 ",?22"
#define PH23 PH22 ",?23"
#define PH24 PH23 ",?24"
#define PH25 PH24 ",?25"
#define PH26 PH25 ",?26"

/* One table: its columns (the check compares them with the source's),
 * the SELECT on the source in primary-key order, the INSERT and the
 * DELETE (of seeded rows) on the target, a count on either side, and for
 * a self-reference that may point forward a second pass (fix_select on
 * the source, fix_update on the target) after the rows exist. */
struct mtable {
    const char *name, *cols;
    const char *select, *insert, *clear, *count;
    const char *fix_select, *fix_update;
    unsigned blobs; /* bit c: column c holds bytes, not text */
};

#define B(c) (1u << (c))
#define MT(name, qname, cols, ph, pk, blobs)                                 \
    {#name, cols, "SELECT " cols " FROM " qname " ORDER BY " pk,            \
     "INSERT INTO " qname "(" cols ") VALUES (" ph ")",                     \
     "DELETE FROM " qname, "SELECT count(*) FROM " qname, NULL, NULL, blobs}

/* merged_into may name a later ticket: inserted as NULL, set after. */
#define TICKET_COLS(MERGED)                                                  \
    "id, number, subject, status, priority, category, queue_id, org_id, "    \
    "requester_id, assignee_id, lang, needs_review, " MERGED ", "           \
    "created_at, updated_at, first_response_due, resolution_due, "          \
    "first_response_at, resolved_at, sla_first_state, sla_resolve_state, "  \
    "sla_paused_at, sla_paused_secs, public_token_hash, spam, spam_reason"
#define MT_TICKET                                                            \
    {"ticket", TICKET_COLS("merged_into"),                                   \
     "SELECT " TICKET_COLS("NULL") " FROM ticket ORDER BY id",              \
     "INSERT INTO ticket(" TICKET_COLS("merged_into") ") VALUES (" PH26 ")",\
     "DELETE FROM ticket", "SELECT count(*) FROM ticket",                   \
     "SELECT id, merged_into FROM ticket WHERE merged_into IS NOT NULL "    \
     "ORDER BY id",                                                         \
     "UPDATE ticket SET merged_into = ?2 WHERE id = ?1", 0}

static const struct mtable mtables[] = {
    MT(meta, "meta", "key, value", PH2, "key", 0),
    MT(counter, "counter", "name, value", PH2, "name", 0),
    MT(org, "org", "id, name, tier, quota_bytes, created_at", PH5, "id", 0),
    MT(org_domain, "org_domain", "domain, org_id", PH2, "domain", 0),
    MT(contact, "contact",
       "id, address, name, org_id, lang, created_at",
       PH6, "id", 0),
    MT(role, "role",
       "name, description, can_reply, can_admin, require_2fa",
       PH5, "name", 0),
    MT(user, "\"user\"",
       "id, email, name, role, password_hash, disabled, on_duty, "
       "on_call, lang, created_at, last_login_at, last_activity_at, "
       "all_queues",
       PH13, "id", 0),
    MT(queue, "queue",
       "id, name, address, description, created_at",
       PH5, "id", 0),
    MT(user_queue, "user_queue",
       "user_id, queue_id",
       PH2, "user_id, queue_id", 0),
    MT_TICKET,
    MT(ticket_tag, "ticket_tag", "ticket_id, tag", PH2, "ticket_id, tag", 0),
    MT(ticket_cc, "ticket_cc",
       "ticket_id, contact_id",
       PH2, "ticket_id, contact_id", 0),
    MT(message, "message",
       "id, ticket_id, kind, author_user_id, author_contact_id, "
       "from_addr, from_name, to_addrs, cc_addrs, subject, message_id, "
       "in_reply_to, refs, body_text, body_html, body_hash, raw_sha256, "
       "raw_size, auto_reply, bounce, lang, created_at",
       PH22, "id", 0),
    MT(blob, "blob", "sha256, size, created_at, data", PH4, "sha256", B(3)),
    MT(attachment, "attachment",
       "id, message_id, filename, content_type, size, sha256, inline, "
       "state, scan_state, created_at, detected_type, scan_note, "
       "scanned_at",
       PH13, "id", 0),
    MT(event, "event",
       "id, ticket_id, at, actor, kind, field, old_value, new_value, "
       "detail",
       PH9, "id", 0),
    MT(faq_category, "faq_category",
       "id, slug, title_ja, title_en, position",
       PH5, "id", 0),
    MT(faq_article, "faq_article",
       "id, slug, category_id, internal, draft, views, helpful_yes, "
       "helpful_no, created_at, updated_at",
       PH10, "id", 0),
    MT(faq_text, "faq_text",
       "id, article_id, lang, title, body_md, body_text, updated_at",
       PH7, "id", 0),
    MT(faq_vote, "faq_vote",
       "article_id, visitor, helpful, created_at",
       PH4, "article_id, visitor", 0),
    MT(announcement, "announcement",
       "id, kind, title_ja, title_en, body_ja, body_en, starts_at, "
       "ends_at, published_at, ended_at, forced",
       PH11, "id", 0),
    MT(site_text, "site_text",
       "key, lang, body_md, updated_at",
       PH4, "key, lang", 0),
    MT(calendar_closure, "calendar_closure",
       "id, start_date, end_date, name, source, created_at",
       PH6, "id", 0),
    MT(sla_policy, "sla_policy",
       "category, priority, first_response_m, resolution_m, "
       "business_hours",
       PH5, "category, priority", 0),
    MT(outbox, "outbox",
       "id, ticket_id, message_row, kind, mail_from, rcpts, raw, state, "
       "attempts, next_attempt_at, last_error, created_at, sent_at, "
       "attempt_at, resends",
       PH15, "id", B(6)),
    MT(heartbeat, "heartbeat", "program, at, pid", PH3, "program", 0),
    MT(audit, "audit",
       "id, at, actor, source, ip, request_id, object, action, "
       "before_json, after_json, prev_hash, hash",
       PH12, "id", 0),
    MT(audit_checkpoint, "audit_checkpoint",
       "id, at, last_id, head_hash, mac",
       PH5, "id", 0),
    MT(security_log, "security_log",
       "id, at, kind, user_id, subject, ip, detail",
       PH7, "id", 0),
    MT(backup_log, "backup_log",
       "id, at, action, generation, ok, bytes, duration_ms, detail",
       PH8, "id", 0),
    MT(fetch_imap, "fetch_imap",
       "source, uidvalidity, last_uid, updated_at",
       PH4, "source", 0),
    MT(fetch_pop3, "fetch_pop3",
       "source, uidl, seen_at",
       PH3, "source, uidl", 0),
    MT(rule, "rule",
       "id, position, name, conditions, actions, stop, enabled, "
       "created_at",
       PH8, "id", 0),
    MT(agent_session, "agent_session",
       "id_hash, user_id, stage, created_at, last_seen_at, ip",
       PH6, "id_hash", 0),
    MT(auth_lockout, "auth_lockout",
       "subject, failures, run_start, last_failure, lockouts, "
       "locked_until",
       PH6, "subject", 0),
    MT(user_totp, "user_totp",
       "user_id, secret, enabled, last_step, created_at",
       PH5, "user_id", 0),
    MT(user_recovery_code, "user_recovery_code",
       "user_id, hash",
       PH2, "user_id, hash", 0),
    MT(user_ip_allow, "user_ip_allow", "user_id, cidrs", PH2, "user_id", 0),
    MT(saved_view, "saved_view",
       "id, user_id, name, query, created_at",
       PH5, "id", 0),
    MT(ticket_view, "ticket_view",
       "ticket_id, user_id, at",
       PH3, "ticket_id, user_id", 0),
    MT(api_token, "api_token",
       "id, user_id, token_hash, scope, allow_ips, created_at, "
       "expires_at, revoked_at, last_used_at, last_used_ip",
       PH10, "id", 0),
    MT(api_idempotency, "api_idempotency",
       "token_id, key, status, body, created_at",
       PH5, "token_id, key", 0),
    MT(webhook, "webhook",
       "id, url, events, secret, disabled, created_at",
       PH6, "id", 0),
    MT(webhook_delivery, "webhook_delivery",
       "id, webhook_id, event, ticket_number, payload, state, attempts, "
       "next_attempt_at, last_status, last_error, created_at, "
       "delivered_at",
       PH12, "id", 0),
    MT(service_outage, "service_outage",
       "id, start_at, end_at, kind, cause, recorded_by, created_at",
       PH7, "id", 0),
    MT(heartbeat_log, "heartbeat_log",
       "program, minute",
       PH2, "program, minute", 0),
    MT(sender_list, "sender_list",
       "address, verdict, user_id, created_at",
       PH4, "address", 0),
    MT(canned_response, "canned_response",
       "id, name, lang, body, shortcut, category, created_by, "
       "created_at, updated_by, updated_at",
       PH10, "id", 0),
    MT(csat, "csat",
       "ticket_id, rating, comment, created_at",
       PH4, "ticket_id", 0),
    MT(notification, "notification",
       "id, user_id, ticket_id, kind, by_name, excerpt, created_at, "
       "read_at, mail",
       PH9, "id", 0),
    MT(notify_pref, "notify_pref",
       "user_id, kind, mail",
       PH3, "user_id, kind", 0),
    MT(notify_queue, "notify_queue",
       "user_id, queue_id",
       PH2, "user_id, queue_id", 0),
};

/* Tables the copy leaves to the target's triggers (see the top). */
static const char *const derived[] = {
    "report_created", "report_open", "report_resolved", "faq_generation",
    "agent_generation", "agent_list_generation",
};

size_t hd_store_copy_table_count(void)
{
    return HD_ARRAY_LEN(mtables);
}

const char *hd_store_copy_table_name(size_t i)
{
    hd_assert(i < HD_ARRAY_LEN(mtables));
    return mtables[i].name;
}

/* PostgreSQL keeps every version of a row updated again and again in one
 * transaction: the triggers that bump one generation row or one rollup
 * row per inserted row would make the copy quadratic (10,000 tickets took
 * 27 ms each).  They are off while the rows arrive, inside the copy's
 * transaction, and the rows they keep are made once at the end, the way
 * the triggers would have left them (hd_report_count(), 0027).  The
 * search triggers stay on: each writes a row of its own. */
#define PG_TRIGGERS(ON)                                                      \
    "ALTER TABLE ticket " ON " TRIGGER agent_gen_ticket_ai;"                \
    "ALTER TABLE ticket " ON " TRIGGER agent_gen_ticket_au;"                \
    "ALTER TABLE ticket " ON " TRIGGER report_ticket_ai;"                   \
    "ALTER TABLE ticket_tag " ON " TRIGGER agent_gen_tag_ai;"               \
    "ALTER TABLE queue " ON " TRIGGER agent_gen_queue_ai;"                  \
    "ALTER TABLE queue " ON " TRIGGER agent_list_queue_ai;"                 \
    "ALTER TABLE \"user\" " ON " TRIGGER agent_list_user_ai;"              \
    "ALTER TABLE user_queue " ON " TRIGGER agent_gen_grant_ai;"             \
    "ALTER TABLE user_ip_allow " ON " TRIGGER agent_gen_ips_ai;"            \
    "ALTER TABLE canned_response " ON " TRIGGER agent_list_canned_ai;"      \
    "ALTER TABLE csat " ON " TRIGGER agent_gen_csat_ai;"                    \
    "ALTER TABLE faq_text " ON " TRIGGER faq_gen_text_ai;"                  \
    "ALTER TABLE faq_article " ON " TRIGGER faq_gen_article_ai;"            \
    "ALTER TABLE faq_category " ON " TRIGGER faq_gen_category_ai;"          \
    "ALTER TABLE announcement " ON " TRIGGER faq_gen_announcement_ai;"

static const char pg_quiet[] = PG_TRIGGERS("DISABLE");
static const char pg_loud[] =
    PG_TRIGGERS("ENABLE")
    "DELETE FROM report_created; DELETE FROM report_open;"
    "DELETE FROM report_resolved;"
    "INSERT INTO report_created SELECT created_at / 900, "
    "coalesce(queue_id, 0), category, priority, sla_first_state, "
    "sla_resolve_state, hd_report_frt(created_at, first_response_at), "
    "count(*) FROM ticket WHERE spam = 0 GROUP BY 1, 2, 3, 4, 5, 6, 7;"
    "INSERT INTO report_open SELECT created_at / 86400, coalesce(queue_id, 0),"
    " coalesce(assignee_id, 0), category, count(*) FROM ticket WHERE "
    "spam = 0 AND status IN ('new', 'open', 'pending') GROUP BY 1, 2, 3, 4;"
    "INSERT INTO report_resolved SELECT resolved_at / 86400, "
    "coalesce(queue_id, 0), coalesce(assignee_id, 0), "
    "hd_report_bucket(resolved_at - created_at - sla_paused_secs), count(*) "
    "FROM ticket WHERE spam = 0 AND resolved_at IS NOT NULL "
    "GROUP BY 1, 2, 3, 4;"
    "UPDATE agent_generation SET auth = auth + 1, tickets = tickets + 1;"
    "UPDATE agent_list_generation SET gen = gen + 1;"
    "UPDATE faq_generation SET gen = gen + 1;";

enum { MG_COLUMNS, MG_SYNC, MG_N };
static const char *const sql_mg[MG_N] = {
    /* Every column of every ordinary table; FTS5 tables and their shadow
     * tables are the search index, rebuilt on the other side. */
    [MG_COLUMNS] =
        "SELECT m.name, p.name FROM sqlite_schema m, "
        "pragma_table_info(m.name) p WHERE m.type = 'table' "
        "AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%' "
        "AND NOT EXISTS (SELECT 1 FROM sqlite_schema v WHERE v.type = "
        "'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%' "
        "AND m.name LIKE v.name || '\\_%' ESCAPE '\\') "
        "ORDER BY m.name, p.cid",
    [MG_SYNC] = "SELECT hd_identity_sync()",
};

static const struct mtable *find_table(const char *name)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(mtables); i++)
        if (strcmp(mtables[i].name, name) == 0)
            return &mtables[i];
    return NULL;
}

/* Whether col is one of the ", "-separated names in cols. */
static bool col_listed(const char *cols, const char *col)
{
    size_t n = strlen(col);
    for (const char *p = cols; (p = strstr(p, col)) != NULL; p += n)
        if ((p == cols || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

static bool is_derived(const char *name)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(derived); i++)
        if (strcmp(derived[i], name) == 0)
            return true;
    return false;
}

int hd_store_copy_check(struct hd_store *src, struct hd_error *err)
{
    if (store_backend(src) != STORE_SQLITE)
        return store_unsupported(src, "migrating from this store", err);
    struct store_q *s = store_stmt(src, &sql_mg[MG_COLUMNS]);
    int rc;
    int64_t seen = 0;
    while ((rc = store_step(s)) == STORE_ROW) {
        const char *table = store_col_str(s, 0), *col = store_col_str(s, 1);
        const struct mtable *t = find_table(table);
        seen++;
        if (t == NULL && is_derived(table))
            continue;
        if (t == NULL || !col_listed(t->cols, col)) {
            hd_error_set(err, HD_E_INVAL, "%s.%s: this version does not "
                         "know how to copy it (a newer schema?)", table, col);
            store_reset(s);
            return -1;
        }
    }
    store_reset(s);
    if (rc != STORE_DONE)
        return store_fail(src, rc, err);
    hd_assert(seen > 0);
    return 0;
}

/* Binds column c of the source row to parameter c + 1 of ins. */
static int bind_col(struct store_q *row, struct store_q *ins, int c,
                    bool bytes)
{
    switch (store_col_type(row, c)) {
    case STORE_COL_NULL:
        return store_bind_null(ins, c + 1);
    case STORE_COL_INT:
        return store_bind_int64(ins, c + 1, store_col_int64(row, c));
    case STORE_COL_REAL:
        return store_bind_double(ins, c + 1, store_col_double(row, c));
    default:
        if (bytes) {
            const void *p = store_col_blob(row, c);
            return store_bind_blob(ins, c + 1, p, store_col_bytes(row, c));
        }
        const char *v = store_col_str(row, c);
        return store_bind_textn(ins, c + 1, v, store_col_bytes(row, c));
    }
}

/* err's message with the table and row in front. */
static int row_failed(const char *table, int64_t row, struct hd_error *err)
{
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    hd_error_set(err, err->code == HD_OK ? HD_E_INTERNAL : err->code,
                 "%s, row %lld: %s", table, (long long)row, msg);
    return -1;
}

static int copy_rows(struct hd_store *src, struct hd_store *dst,
                     const char *name, const char *const *select,
                     const char *const *insert, unsigned blobs,
                     int64_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(src, select);
    int rc, nc = store_col_count(s);
    *n_r = 0;
    while ((rc = store_step(s)) == STORE_ROW) {
        struct store_q *ins = store_stmt(dst, insert);
        for (int c = 0; c < nc; c++)
            if (bind_col(s, ins, c, (blobs & B(c)) != 0) != STORE_OK) {
                store_reset(s);
                hd_error_set(err, HD_E_INTERNAL, "cannot bind column %d", c);
                return row_failed(name, *n_r + 1, err);
            }
        if (store_exec_done(dst, ins, err) < 0) {
            store_reset(s);
            return row_failed(name, *n_r + 1, err);
        }
        (*n_r)++;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(src, rc, err);
}

int hd_store_copy_table(struct hd_store *src, struct hd_store *dst, size_t i,
                        int64_t *n_r, struct hd_error *err)
{
    hd_assert(i < HD_ARRAY_LEN(mtables));
    const struct mtable *t = &mtables[i];
    int64_t fixed;
    if (store_exec_done(dst, store_stmt(dst, &t->clear), err) < 0 ||
        copy_rows(src, dst, t->name, &t->select, &t->insert, t->blobs, n_r,
                  err) < 0)
        return -1;
    if (t->fix_select == NULL)
        return 0;
    return copy_rows(src, dst, t->name, &t->fix_select, &t->fix_update, 0,
                     &fixed, err);
}

int hd_store_copy_count(struct hd_store *st, size_t i, int64_t *n_r,
                        struct hd_error *err)
{
    hd_assert(i < HD_ARRAY_LEN(mtables));
    *n_r = 0;
    return store_step_id(st, store_stmt(st, &mtables[i].count), n_r, err) < 0
               ? -1
               : 0;
}

int hd_store_copy_start(struct hd_store *dst, struct hd_error *err)
{
    return store_backend(dst) == STORE_PG ? store_exec(dst, pg_quiet, err)
                                          : 0;
}

int hd_store_copy_finish(struct hd_store *dst, struct hd_error *err)
{
    if (store_backend(dst) != STORE_PG)
        return 0;
    if (store_step_id(dst, store_stmt(dst, &sql_mg[MG_SYNC]), NULL, err) <
        0)
        return -1;
    return store_exec(dst, pg_loud, err);
}

/* One line of /proc/locks ("3: POSIX  ADVISORY  READ 30766 fe:00:10953018
 * 128 128"): 1 when it is another process's lock on byte 128 of the
 * file (dev, ino). */
static int other_dms_lock(const char *line, dev_t dev, ino_t ino, long *pid_r)
{
    char kind[16];
    long pid;
    unsigned maj, min;
    unsigned long long lino;
    char start[24], end[24];
    if (sscanf(line, "%*[^:]: %15s %*s %*s %ld %x:%x:%llu %23s %23s", kind,
               &pid, &maj, &min, &lino, start, end) != 7)
        return 0;
    if (strcmp(kind, "POSIX") != 0 || pid == (long)getpid() ||
        maj != major(dev) || min != minor(dev) || lino != (uint64_t)ino)
        return 0;
    long long s = atoll(start);
    if (s > 128 || (strcmp(end, "EOF") != 0 && atoll(end) < 128))
        return 0;
    *pid_r = pid;
    return 1;
}

int hd_store_other_users(struct hd_store *st, long *pid_r,
                         struct hd_error *err)
{
    *pid_r = 0;
    if (store_backend(st) != STORE_SQLITE)
        return 0;
    const char *db = sqlite3_db_filename(store_db(st), "main");
    if (db == NULL || *db == '\0')
        return 0; /* :memory: */
    size_t n = strlen(db) + 8;
    char *shm = hd_xmalloc(n);
    snprintf(shm, n, "%s-shm", db);
    struct stat sb;
    int found = 0;
    if (stat(shm, &sb) < 0) {
        free(shm);
        return 0; /* no connection in WAL mode since the last close */
    }
    free(shm);
    /* Only read: opening and closing the -shm file here would drop the
     * POSIX locks this process's own connection holds on it. */
    FILE *f = fopen("/proc/locks", "r");
    if (f == NULL) {
        hd_error_set(err, HD_E_IO, "cannot read /proc/locks to see who "
                     "has the database open");
        return -1;
    }
    char line[256];
    while (found == 0 && fgets(line, sizeof line, f) != NULL)
        found = other_dms_lock(line, sb.st_dev, sb.st_ino, pid_r);
    fclose(f);
    return found;
}
