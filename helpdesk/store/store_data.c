/* store_data.c - SQL of the data-safety verbs: online snapshots, integrity
 * checks, the export/import table list and erasure.  Export and import
 * use one static table of known tables and columns (below), so the SQL
 * text is fixed at build time and the two directions cannot drift. */
#include "store_data.h"
#include "store_sqlite.h"

#include <jansson.h>
#include <string.h>

/* All pages in one step: one read transaction, hence one consistent
 * snapshot; in WAL mode writers on other connections are not blocked
 * (stepping in parts would restart whenever one of them commits). */
#define HD_BACKUP_STEP_PAGES (-1)
#define HD_BACKUP_BUSY_TRIES 3000 /* 10 ms sleeps while the source is busy */

/* Relations (tables, sequences, views, ...) and functions outside the
 * catalogs: what a restore would collide with or mix into. */
static const char *const sql_pg_blank =
    "SELECT (SELECT count(*) FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_%') + "
    "(SELECT count(*) FROM pg_catalog.pg_proc p "
    "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_%')";

int hd_store_pg_is_blank(struct hd_store *st, struct hd_error *err)
{
    int64_t n = 0;
    if (store_backend(st) != STORE_PG) {
        hd_error_set(err, HD_E_INVAL, "not a PostgreSQL store");
        return -1;
    }
    if (store_step_id(st, store_stmt(st, &sql_pg_blank), &n, err) < 0)
        return -1;
    return n == 0 ? 1 : 0;
}

int hd_store_backup_to(struct hd_store *st, const char *path,
                       struct hd_error *err)
{
    if (store_backend(st) != STORE_SQLITE)
        return store_unsupported(st, "a page-copy backup", err);
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(path, &dst,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        hd_error_set(err, HD_E_IO, "cannot create %s: %s", path,
                     dst ? sqlite3_errmsg(dst) : "out of memory");
        sqlite3_close(dst);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", store_db(st), "main");
    if (b == NULL) {
        hd_error_set(err, HD_E_INTERNAL, "backup init: %s",
                     sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return -1;
    }
    int tries = 0;
    do {
        rc = sqlite3_backup_step(b, HD_BACKUP_STEP_PAGES);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (++tries > HD_BACKUP_BUSY_TRIES)
                break;
            sqlite3_sleep(10);
        }
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != STORE_DONE) {
        hd_error_set(err, (rc & 0xff) == SQLITE_FULL ? HD_E_NOSPACE : HD_E_IO,
                     "snapshot to %s failed: %s", path, sqlite3_errstr(rc));
        sqlite3_close(dst);
        return -1;
    }
    /* A snapshot is one self-contained file: no WAL beside it. */
    rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    if (sqlite3_close(dst) != SQLITE_OK || rc != SQLITE_OK) {
        hd_error_set(err, HD_E_IO, "cannot finish snapshot %s", path);
        return -1;
    }
    return 0;
}

enum {
    ST_INTEGRITY,
    ST_FKCHECK,
    ST_BLOBS,
    ST_COUNTS,
    ST_EMPTY,
    ST_DROP_FRESH,
    ST_N1
};
static const char *const sql_chk[ST_N1] = {
    [ST_INTEGRITY] = "PRAGMA integrity_check(" "50" ")",
    [ST_FKCHECK] = "PRAGMA foreign_key_check",
    [ST_BLOBS] = "SELECT sha256, size, data IS NOT NULL FROM blob "
                 "ORDER BY sha256",
    [ST_COUNTS] = "SELECT (SELECT count(*) FROM ticket), "
                  "(SELECT count(*) FROM message), "
                  "(SELECT count(*) FROM contact), (SELECT count(*) FROM org), "
                  "(SELECT count(*) FROM attachment), "
                  "(SELECT count(*) FROM blob), (SELECT count(*) FROM audit)",
    [ST_EMPTY] = "SELECT (SELECT count(*) FROM ticket) + "
                 "(SELECT count(*) FROM contact) + (SELECT count(*) FROM org) + "
                 "(SELECT count(*) FROM \"user\") + (SELECT count(*) FROM queue) + "
                 "(SELECT count(*) FROM audit) + (SELECT count(*) FROM blob)",
    /* A new instance's only row: the default queue init made, with no
     * address, no user and no ticket yet. */
    [ST_DROP_FRESH] = "DELETE FROM queue WHERE address IS NULL AND "
                      "(SELECT count(*) FROM queue) = 1 AND NOT EXISTS "
                      "(SELECT 1 FROM ticket) AND NOT EXISTS (SELECT 1 FROM "
                      "\"user\") AND NOT EXISTS (SELECT 1 FROM audit)",
};

static int collect_problems(struct hd_store *st, struct store_q *s,
                            bool fk, struct hd_arena *a, char **out,
                            size_t *n, struct hd_error *err)
{
    int rc;
    while ((rc = store_step(s)) == STORE_ROW) {
        const char *c0 = store_col_str(s, 0);
        if (!fk && c0 != NULL && strcmp(c0, "ok") == 0)
            continue;
        if (*n < HD_CHECK_MAX_PROBLEMS)
            out[(*n)++] =
                fk ? hd_arena_printf(a, "foreign key: %s row %lld -> %s",
                                     c0 ? c0 : "?",
                                     (long long)store_col_int64(s, 1),
                                     store_col_str(s, 2))
                   : hd_arena_printf(a, "integrity: %s", c0 ? c0 : "?");
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_check(struct hd_store *st, struct hd_arena *a,
                   char ***problems_r, size_t *n_r, struct hd_error *err)
{
    char **out = hd_arena_zalloc(a, HD_CHECK_MAX_PROBLEMS * sizeof *out);
    size_t n = 0;
    /* PostgreSQL checks its pages itself (checksums, constraints); the
     * PRAGMAs are SQLite's. */
    if (store_backend(st) != STORE_SQLITE) {
        *problems_r = out;
        *n_r = 0;
        return 0;
    }
    if (collect_problems(st, store_stmt(st, &sql_chk[ST_INTEGRITY]), false,
                         a, out, &n, err) < 0 ||
        collect_problems(st, store_stmt(st, &sql_chk[ST_FKCHECK]), true, a,
                         out, &n, err) < 0)
        return -1;
    *problems_r = out;
    *n_r = n;
    return 0;
}

static void fill_blob(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_blob_row *b = out;
    b->sha256 = store_col_text(s, 0, a);
    b->size = store_col_int64(s, 1);
    b->in_row = store_col_count(s) > 2 && store_col_int(s, 2);
}

int hd_store_blob_list(struct hd_store *st, struct hd_arena *a,
                       struct hd_blob_row **bs_r, size_t *n_r,
                       struct hd_error *err)
{
    return store_collect(st, store_stmt(st, &sql_chk[ST_BLOBS]), a,
                         sizeof **bs_r, fill_blob, (void **)bs_r, n_r, err);
}

int hd_store_counts(struct hd_store *st, struct hd_store_counts *c_r,
                    struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql_chk[ST_COUNTS]);
    int rc = store_step(s);
    if (rc != STORE_ROW) {
        store_reset(s);
        return store_fail(st, rc, err);
    }
    int64_t *f[] = {&c_r->tickets,     &c_r->messages, &c_r->contacts,
                    &c_r->orgs,        &c_r->attachments, &c_r->blobs,
                    &c_r->audit};
    for (int i = 0; i < (int)HD_ARRAY_LEN(f); i++)
        *f[i] = store_col_int64(s, i);
    store_reset(s);
    return 0;
}

int hd_store_drop_fresh_queue(struct hd_store *st, struct hd_error *err)
{
    return store_exec_done(st, store_stmt(st, &sql_chk[ST_DROP_FRESH]), err);
}

int hd_store_is_empty(struct hd_store *st, struct hd_error *err)
{
    int64_t n = 0;
    if (store_step_id(st, store_stmt(st, &sql_chk[ST_EMPTY]), &n, err) < 0)
        return -1;
    return n == 0 ? 1 : 0;
}

/* ---- export / import ---------------------------------------------------
 * One entry per table: columns, the placeholders for them, and the
 * WHERE clause of an organisation-scoped export (NULL: the table is left
 * out of it).  Users are exported without password hashes.
 *
 * Rows come in the order of their first two columns compared as bytes
 * on either engine, so that the same data gives the same document on
 * SQLite and PostgreSQL: a NOCASE column (org_domain.domain) would
 * otherwise sort by ASCII folding on one and by ICU's rules on the
 * other.  Each entry has the SELECTs of both, differing only there. */
struct xtable {
    const char *name;
    const char *select_all, *select_org, *insert;
    const char *pg_all, *pg_org;
};

#define XT_SEL(cols, qname, tail) "SELECT " cols " FROM " qname tail
#define XT_INS(qname, cols, ph)                                              \
    "INSERT OR REPLACE INTO " qname "(" cols ") VALUES (" ph ")"
#define XTQ(name, qname, cols, ph, where_org, ord, pg_ord)                  \
    {#name,                                                                 \
     XT_SEL(cols, qname, " ORDER BY " ord),                                \
     XT_SEL(cols, qname, " WHERE " where_org " ORDER BY " ord),            \
     XT_INS(qname, cols, ph),                                              \
     XT_SEL(cols, qname, " ORDER BY " pg_ord),                             \
     XT_SEL(cols, qname, " WHERE " where_org " ORDER BY " pg_ord)}
#define XT(name, cols, ph, where_org)                                        \
    XTQ(name, #name, cols, ph, where_org, "1, 2", "1, 2")
#define XT0(name, cols, ph)                                                  \
    {#name, XT_SEL(cols, #name, " ORDER BY 1, 2"), NULL,                   \
     XT_INS(#name, cols, ph), XT_SEL(cols, #name, " ORDER BY 1, 2"), NULL}
#define ORG_TICKETS "(SELECT id FROM ticket WHERE org_id = ?1)"
#define ORG_MESSAGES "(SELECT id FROM message WHERE ticket_id IN " ORG_TICKETS ")"

static const struct xtable xtables[] = {
    XT0(counter, "name, value", "?,?"),
    XT(org, "id, name, tier, quota_bytes, created_at", "?,?,?,?,?", "id = ?1"),
    XTQ(org_domain, "org_domain", "domain, org_id", "?,?", "org_id = ?1",
        "domain COLLATE BINARY, org_id", "domain COLLATE \"C\", org_id"),
    XT(contact, "id, address, name, org_id, lang, created_at", "?,?,?,?,?,?",
       "org_id = ?1 OR id IN (SELECT requester_id FROM ticket "
       "WHERE org_id = ?1)"),
    XTQ(user, "\"user\"",
       "id, email, name, role, disabled, on_duty, on_call, lang, created_at, "
       "last_login_at, last_activity_at",
       "?,?,?,?,?,?,?,?,?,?,?", "1", "1, 2", "1, 2"),
    XT(queue, "id, name, address, description, created_at", "?,?,?,?,?", "1"),
    XT(user_queue, "user_id, queue_id", "?,?", "1"),
    XT(ticket,
       "id, number, subject, status, priority, category, queue_id, org_id, "
       "requester_id, assignee_id, lang, needs_review, merged_into, "
       "created_at, updated_at, first_response_due, resolution_due, "
       "first_response_at, resolved_at, sla_first_state, sla_resolve_state, "
       "sla_paused_at, sla_paused_secs",
       "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?", "org_id = ?1"),
    XT(ticket_tag, "ticket_id, tag", "?,?", "ticket_id IN " ORG_TICKETS),
    XT(ticket_cc, "ticket_id, contact_id", "?,?", "ticket_id IN " ORG_TICKETS),
    XT(message,
       "id, ticket_id, kind, author_user_id, author_contact_id, from_addr, "
       "from_name, to_addrs, cc_addrs, subject, message_id, in_reply_to, "
       "refs, body_text, body_html, body_hash, raw_sha256, raw_size, "
       "auto_reply, bounce, lang, created_at",
       "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?",
       "ticket_id IN " ORG_TICKETS),
    XT(blob, "sha256, size, created_at", "?,?,?",
       "sha256 IN (SELECT sha256 FROM attachment WHERE message_id IN "
       ORG_MESSAGES " UNION SELECT raw_sha256 FROM message WHERE id IN "
       ORG_MESSAGES ")"),
    XT(attachment,
       "id, message_id, filename, content_type, size, sha256, inline, state, "
       "scan_state, created_at",
       "?,?,?,?,?,?,?,?,?,?", "message_id IN " ORG_MESSAGES),
    XT(event,
       "id, ticket_id, at, actor, kind, field, old_value, new_value, detail",
       "?,?,?,?,?,?,?,?,?", "ticket_id IN " ORG_TICKETS),
    XT0(calendar_closure,
        "id, start_date, end_date, name, source, created_at", "?,?,?,?,?,?"),
    XT0(rule, "id, position, name, conditions, actions, stop, enabled, "
        "created_at", "?,?,?,?,?,?,?,?"),
    XT0(sla_policy, "category, priority, first_response_m, resolution_m, "
        "business_hours", "?,?,?,?,?"),
    XT0(faq_category, "id, slug, title_ja, title_en, position", "?,?,?,?,?"),
    XT0(faq_article, "id, slug, category_id, internal, draft, views, "
        "helpful_yes, helpful_no, created_at, updated_at",
        "?,?,?,?,?,?,?,?,?,?"),
    XT0(faq_text, "id, article_id, lang, title, body_md, body_text, "
        "updated_at", "?,?,?,?,?,?,?"),
    XT0(announcement, "id, kind, title_ja, title_en, body_ja, body_en, "
        "starts_at, ends_at, published_at, ended_at, forced",
        "?,?,?,?,?,?,?,?,?,?,?"),
    XT0(site_text, "key, lang, body_md, updated_at", "?,?,?,?"),
    XT0(audit,
        "id, at, actor, source, ip, request_id, object, action, before_json, "
        "after_json, prev_hash, hash",
        "?,?,?,?,?,?,?,?,?,?,?,?"),
};

size_t hd_store_export_table_count(void)
{
    return HD_ARRAY_LEN(xtables);
}

const char *hd_store_export_table_name(size_t i)
{
    hd_assert(i < HD_ARRAY_LEN(xtables));
    return xtables[i].name;
}

static json_t *column_json(struct store_q *s, int c)
{
    switch (store_col_type(s, c)) {
    case STORE_COL_INT:
        return json_integer(store_col_int64(s, c));
    case STORE_COL_REAL:
        return json_real(store_col_double(s, c));
    case STORE_COL_NULL:
        return json_null();
    default: /* text; no table above has blob columns */
        return json_stringn(store_col_str(s, c),
                            (size_t)store_col_bytes(s, c));
    }
}

int hd_store_export_table(struct hd_store *st, size_t i, int64_t org_id,
                          FILE *f, struct json_t *collect, int64_t *n_r,
                          struct hd_error *err)
{
    hd_assert(i < HD_ARRAY_LEN(xtables));
    const struct xtable *t = &xtables[i];
    *n_r = 0;
    if (org_id > 0 && t->select_org == NULL)
        return 0;
    struct store_q *s =
        org_id > 0 ? store_stmt_alt(st, &t->select_org, &t->pg_org)
                   : store_stmt_alt(st, &t->select_all, &t->pg_all);
    if (org_id > 0)
        store_bind_int64(s, 1, org_id);
    int rc, nc = store_col_count(s);
    while ((rc = store_step(s)) == STORE_ROW) {
        json_t *row = json_object();
        for (int c = 0; c < nc; c++)
            json_object_set_new(row, store_col_name(s, c),
                                column_json(s, c));
        if ((*n_r > 0 && fputs(",\n", f) == EOF) ||
            json_dumpf(row, f, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                   JSON_ENSURE_ASCII) < 0) {
            json_decref(row);
            store_reset(s);
            hd_error_set(err, HD_E_IO, "cannot write export: disk full?");
            return -1;
        }
        if (collect != NULL)
            json_array_append(collect, row);
        json_decref(row);
        (*n_r)++;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

static int bind_json(struct store_q *s, int i, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_INTEGER:
        return store_bind_int64(s, i, json_integer_value(v));
    case JSON_REAL:
        return store_bind_double(s, i, json_real_value(v));
    case JSON_STRING:
        return store_bind_textn(s, i, json_string_value(v),
                                json_string_length(v));
    case JSON_TRUE:
    case JSON_FALSE:
        return store_bind_int(s, i, json_is_true(v));
    case JSON_NULL:
        return store_bind_null(s, i);
    default:
        return STORE_ERROR;
    }
}

int hd_store_import_row(struct hd_store *st, size_t i, const json_t *row,
                        struct hd_error *err)
{
    hd_assert(i < HD_ARRAY_LEN(xtables));
    const struct xtable *t = &xtables[i];
    if (!json_is_object(row)) {
        hd_error_set(err, HD_E_PARSE, "%s: a row is not an object", t->name);
        return -1;
    }
    /* Column names come from the prepared SELECT of the same table. */
    struct store_q *names = store_stmt_alt(st, &t->select_all, &t->pg_all);
    struct store_q *s = store_stmt(st, &t->insert);
    int nc = store_col_count(names);
    size_t matched = 0;
    for (int c = 0; c < nc; c++) {
        const json_t *v = json_object_get(row, store_col_name(names, c));
        matched += v != NULL;
        if (v != NULL && bind_json(s, c + 1, v) != STORE_OK) {
            hd_error_set(err, HD_E_PARSE, "%s.%s: value of the wrong type",
                         t->name, store_col_name(names, c));
            return -1;
        }
    }
    if (matched != json_object_size(row)) {
        hd_error_set(err, HD_E_PARSE, "%s: row has columns this version does "
                     "not know", t->name);
        return -1;
    }
    return store_exec_done(st, s, err);
}

/* ---- erasure ------------------------------------------------------------
 * The plan fills temporary tables (per connection, never on disk with the
 * data) with the ids to remove; apply deletes them.  Both run inside the
 * caller's transaction, so a refused or failed erasure removes nothing. */
enum {
    ER_MK_T, ER_MK_M, ER_MK_C, ER_MK_B,
    ER_CLR_T, ER_CLR_M, ER_CLR_C, ER_CLR_B,
    ER_TICKET, ER_CONTACT, ER_ORG_CONTACTS, ER_ORG_EXISTS, ER_TICKETS_OF,
    ER_MESSAGES, ER_BLOBS, ER_COUNTS, ER_ORPHANS, ER_HAS_TABLE,
    ER_DEL_MSG, ER_DEL_TICKET, ER_DEL_CONTACT, ER_DEL_ORG, ER_DEL_BLOB,
    ER_DEL_OUTBOX, ER_DEL_FTS,
    ER_N
};

/* Unqualified: both engines look in the connection's temporary tables
 * first (SQLite's "temp." prefix means nothing to PostgreSQL). */
#define ET "erase_ticket"
#define EM "erase_message"
#define EC "erase_contact"
#define EB "erase_blob"
static const char *const sql_er[ER_N] = {
    [ER_MK_T] = "CREATE TEMP TABLE IF NOT EXISTS erase_ticket"
                "(id INTEGER PRIMARY KEY)",
    [ER_MK_M] = "CREATE TEMP TABLE IF NOT EXISTS erase_message"
                "(id INTEGER PRIMARY KEY)",
    [ER_MK_C] = "CREATE TEMP TABLE IF NOT EXISTS erase_contact"
                "(id INTEGER PRIMARY KEY)",
    [ER_MK_B] = "CREATE TEMP TABLE IF NOT EXISTS erase_blob"
                "(sha256 TEXT PRIMARY KEY)",
    [ER_CLR_T] = "DELETE FROM " ET,
    [ER_CLR_M] = "DELETE FROM " EM,
    [ER_CLR_C] = "DELETE FROM " EC,
    [ER_CLR_B] = "DELETE FROM " EB,
    [ER_TICKET] = "INSERT INTO " ET " SELECT id FROM ticket WHERE number = ?1",
    [ER_CONTACT] = "INSERT INTO " EC " SELECT id FROM contact "
                   "WHERE address = ?1",
    [ER_ORG_CONTACTS] = "INSERT INTO " EC " SELECT id FROM contact "
                        "WHERE org_id = ?1",
    [ER_ORG_EXISTS] = "SELECT id FROM org WHERE id = ?1",
    [ER_TICKETS_OF] = "INSERT INTO " ET " SELECT id FROM ticket "
                      "WHERE org_id = ?1 OR requester_id IN "
                      "(SELECT id FROM " EC ") ON CONFLICT DO NOTHING",
    [ER_MESSAGES] =
        "INSERT INTO " EM " SELECT id FROM message "
        "WHERE ticket_id IN (SELECT id FROM " ET ") "
        "OR author_contact_id IN (SELECT id FROM " EC ") "
        "OR from_addr IN (SELECT address FROM contact WHERE id IN "
        "(SELECT id FROM " EC ")) ON CONFLICT DO NOTHING",
    [ER_BLOBS] = "INSERT INTO " EB " "
                 "SELECT sha256 FROM attachment WHERE message_id IN "
                 "(SELECT id FROM " EM ") UNION SELECT raw_sha256 FROM message "
                 "WHERE id IN (SELECT id FROM " EM ") AND raw_sha256 IS NOT NULL "
                 "ON CONFLICT DO NOTHING",
    [ER_COUNTS] =
        "SELECT (SELECT count(*) FROM " ET "), (SELECT count(*) FROM " EM "), "
        "(SELECT count(*) FROM attachment WHERE message_id IN "
        "(SELECT id FROM " EM ")), (SELECT count(*) FROM event WHERE "
        "ticket_id IN (SELECT id FROM " ET ")), (SELECT count(*) FROM " EC ")",
    [ER_ORPHANS] =
        "SELECT sha256 FROM " EB " b WHERE NOT EXISTS (SELECT 1 FROM "
        "attachment a WHERE a.sha256 = b.sha256 AND a.message_id NOT IN "
        "(SELECT id FROM " EM ")) AND NOT EXISTS (SELECT 1 FROM message m "
        "WHERE m.raw_sha256 = b.sha256 AND m.id NOT IN (SELECT id FROM " EM
        ")) ORDER BY sha256",
    [ER_HAS_TABLE] = "SELECT count(*) FROM pragma_table_info(?1) "
                     "WHERE name = ?2",
    [ER_DEL_MSG] = "DELETE FROM message WHERE id IN (SELECT id FROM " EM ")",
    [ER_DEL_TICKET] = "DELETE FROM ticket WHERE id IN (SELECT id FROM " ET ")",
    [ER_DEL_CONTACT] = "DELETE FROM contact WHERE id IN "
                       "(SELECT id FROM " EC ")",
    [ER_DEL_ORG] = "DELETE FROM org WHERE id = ?1",
    [ER_DEL_BLOB] = "DELETE FROM blob WHERE sha256 = ?1",
    /* Prepared only once has_column() found the table (other modules own
     * them; an older database may not have them yet). */
    [ER_DEL_OUTBOX] = "DELETE FROM outbox WHERE ticket_id IN "
                      "(SELECT id FROM " ET ")",
    /* ticket_text (0022): the erased tickets' subjects and the erased
     * messages, before their rows go (the triggers then find nothing) */
    [ER_DEL_FTS] = "DELETE FROM ticket_text WHERE rowid IN "
                   "(SELECT id << 32 FROM " ET " UNION ALL "
                   "SELECT (m.ticket_id << 32) | (m.id & 4294967295) "
                   "FROM message m WHERE m.id IN (SELECT id FROM " EM "))",
};

static const char *const sql_er_pg[ER_N] = {
    [ER_HAS_TABLE] = "SELECT count(*) FROM information_schema.columns "
                     "WHERE table_schema = current_schema() AND "
                     "table_name = ?1 AND column_name = ?2",
};

static int run(struct hd_store *st, int which, struct hd_error *err)
{
    return store_exec_done(st, store_stmt(st, &sql_er[which]), err);
}

static int has_column(struct hd_store *st, const char *table,
                      const char *col, struct hd_error *err)
{
    struct store_q *s =
        store_stmt_alt(st, &sql_er[ER_HAS_TABLE], &sql_er_pg[ER_HAS_TABLE]);
    store_bind_text(s, 1, table);
    store_bind_text(s, 2, col);
    int64_t n = 0;
    if (store_step_id(st, s, &n, err) < 0)
        return -1;
    return n > 0;
}

static int erase_mark(struct hd_store *st, enum hd_erase_kind kind,
                      int64_t id, const char *address, struct hd_error *err)
{
    for (int i = ER_MK_T; i <= ER_CLR_B; i++)
        if (run(st, i, err) < 0)
            return -1;
    struct store_q *s;
    switch (kind) {
    case HD_ERASE_TICKET:
        s = store_stmt(st, &sql_er[ER_TICKET]);
        store_bind_int64(s, 1, id);
        return store_exec_done(st, s, err);
    case HD_ERASE_CONTACT:
        s = store_stmt(st, &sql_er[ER_CONTACT]);
        store_bind_text(s, 1, address);
        break;
    case HD_ERASE_ORG:
        s = store_stmt(st, &sql_er[ER_ORG_CONTACTS]);
        store_bind_int64(s, 1, id);
        break;
    default:
        hd_panic(__FILE__, __LINE__, "unknown erase kind %d", (int)kind);
    }
    if (store_exec_done(st, s, err) < 0)
        return -1;
    s = store_stmt(st, &sql_er[ER_TICKETS_OF]);
    store_bind_int64(s, 1, kind == HD_ERASE_ORG ? id : 0);
    return store_exec_done(st, s, err);
}

static int erase_orphans(struct hd_store *st, struct hd_arena *a,
                         struct hd_erase_counts *c, struct hd_error *err)
{
    struct hd_blob_row *rows;
    size_t n;
    if (run(st, ER_BLOBS, err) < 0 ||
        store_collect(st, store_stmt(st, &sql_er[ER_ORPHANS]), a,
                      sizeof *rows, fill_blob, (void **)&rows, &n, err) < 0)
        return -1;
    c->blobs = hd_arena_zalloc(a, (n + 1) * sizeof *c->blobs);
    for (size_t i = 0; i < n; i++)
        c->blobs[i] = rows[i].sha256;
    c->nblobs = n;
    return 0;
}

int hd_store_erase_plan(struct hd_store *st, enum hd_erase_kind kind,
                        int64_t id, const char *address, struct hd_arena *a,
                        struct hd_erase_counts *c, struct hd_error *err)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    if (erase_mark(st, kind, id, address, err) < 0 ||
        run(st, ER_MESSAGES, err) < 0)
        return -1;
    struct store_q *s = store_stmt(st, &sql_er[ER_COUNTS]);
    int rc = store_step(s);
    if (rc != STORE_ROW) {
        store_reset(s);
        return store_fail(st, rc, err);
    }
    c->tickets = store_col_int64(s, 0);
    c->messages = store_col_int64(s, 1);
    c->attachments = store_col_int64(s, 2);
    c->events = store_col_int64(s, 3);
    c->contacts = store_col_int64(s, 4);
    store_reset(s);
    if (kind == HD_ERASE_ORG) {
        s = store_stmt(st, &sql_er[ER_ORG_EXISTS]);
        store_bind_int64(s, 1, id);
        int found = store_step_id(st, s, NULL, err);
        if (found <= 0)
            return found;
        c->org_id = id;
        c->orgs = 1;
    } else if ((kind == HD_ERASE_TICKET ? c->tickets : c->contacts) == 0) {
        return 0;
    }
    return erase_orphans(st, a, c, err) < 0 ? -1 : 1;
}

/* Rows in tables other modules own: counted, deleted when present. */
static int erase_optional(struct hd_store *st, struct hd_erase_counts *c,
                          struct hd_error *err)
{
    int has = has_column(st, "outbox", "ticket_id", err);
    if (has < 0 || (has && run(st, ER_DEL_OUTBOX, err) < 0))
        return -1;
    c->outbox = has ? store_changes(st) : 0;
    has = has_column(st, "ticket_text", "body", err);
    if (has < 0 || (has && run(st, ER_DEL_FTS, err) < 0))
        return -1;
    c->fts = has ? store_changes(st) : 0;
    return 0;
}

int hd_store_erase_apply(struct hd_store *st, struct hd_erase_counts *c,
                         struct hd_error *err)
{
    if (erase_optional(st, c, err) < 0 || run(st, ER_DEL_MSG, err) < 0 ||
        run(st, ER_DEL_TICKET, err) < 0 || run(st, ER_DEL_CONTACT, err) < 0)
        return -1;
    if (c->kind == HD_ERASE_ORG) {
        struct store_q *s = store_stmt(st, &sql_er[ER_DEL_ORG]);
        store_bind_int64(s, 1, c->org_id);
        if (store_exec_done(st, s, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < c->nblobs; i++) {
        struct store_q *s = store_stmt(st, &sql_er[ER_DEL_BLOB]);
        store_bind_text(s, 1, c->blobs[i]);
        if (store_exec_done(st, s, err) < 0)
            return -1;
    }
    return 0;
}
