/* store_logsearch.c - SQL of the log searches (store_logsearch.h).  One
 * statement per log; every filter is a bound parameter that is NULL for
 * "any", so the statements never change shape. */
#include "store_logsearch.h"
#include "store_int.h"

enum { ST_AUDIT, ST_SECURITY, ST_BACKUP, ST_COUNT };

/* ?1 user, ?2 ticket, ?3 request id, ?4 ip, ?5 from, ?6 until,
 * ?7 limit, ?8 offset */
#define TIME_AND_PAGE(col)                                                  \
    " AND (CAST(?5 AS bigint) IS NULL OR " col " >= ?5) AND (CAST(?6 AS bigint) IS NULL OR " col " < ?6)"  \
    " ORDER BY 1 DESC LIMIT ?7 OFFSET ?8"

static const char *const sql[ST_COUNT] = {
    [ST_AUDIT] =
        "SELECT a.id, a.at, coalesce(u.email, a.actor), a.ip, a.request_id, "
        "a.object, a.action, coalesce(a.after_json, ''), 1 FROM audit a "
        "LEFT JOIN \"user\" u ON a.actor = 'user:' || u.id "
        "WHERE (CAST(?1 AS text) IS NULL OR a.actor = ?1 OR u.email = ?1 "
        "OR a.actor = 'user:' || ?1) "
        "AND (CAST(?2 AS text) IS NULL OR a.object = 'ticket:' || ?2) "
        "AND (CAST(?3 AS text) IS NULL OR a.request_id = ?3) "
        "AND (CAST(?4 AS text) IS NULL OR a.ip = ?4)" TIME_AND_PAGE("a.at"),
    [ST_SECURITY] =
        "SELECT s.id, s.at, coalesce(u.email, s.subject), s.ip, NULL, "
        "s.subject, s.kind, s.detail, 1 FROM security_log s "
        "LEFT JOIN \"user\" u ON u.id = s.user_id "
        "WHERE (CAST(?1 AS text) IS NULL OR s.subject = ?1 OR u.email = ?1 "
        "OR CAST(s.user_id AS TEXT) = ?1) "
        "AND CAST(?2 AS text) IS NULL "
        "AND (CAST(?3 AS text) IS NULL OR instr(s.detail, 'request_id=' || ?3) > 0) "
        "AND (CAST(?4 AS text) IS NULL OR s.ip = ?4)" TIME_AND_PAGE("s.at"),
    [ST_BACKUP] =
        "SELECT id, at, '', NULL, NULL, generation, action, detail, ok "
        "FROM backup_log WHERE CAST(?1 AS text) IS NULL AND CAST(?2 AS text) IS NULL AND CAST(?3 AS text) IS NULL "
        "AND CAST(?4 AS text) IS NULL" TIME_AND_PAGE("at"),
};

static void fill_row(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_log_row *r = out;
    r->id = store_col_int64(s, 0);
    r->at = store_col_int64(s, 1);
    r->who = store_col_text(s, 2, a);
    r->ip = store_col_text(s, 3, a);
    r->request_id = store_col_text(s, 4, a);
    r->object = store_col_text(s, 5, a);
    r->action = store_col_text(s, 6, a);
    r->detail = store_col_text(s, 7, a);
    r->ok = store_col_int(s, 8) != 0;
}

/* NULL for an empty filter string, so "" means "any" too. */
static const char *opt(const char *s)
{
    return s != NULL && *s != '\0' ? s : NULL;
}

int hd_store_log_search(struct hd_store *st, enum hd_log_kind kind,
                        const struct hd_log_filter *f, size_t limit,
                        int64_t offset, struct hd_arena *a,
                        struct hd_log_row **rows_r, size_t *n_r,
                        struct hd_error *err)
{
    hd_assert(kind == HD_LOG_AUDIT || kind == HD_LOG_SECURITY ||
              kind == HD_LOG_BACKUP);
    struct store_q *s = store_stmt(st, &sql[kind]);
    store_bind_text(s, 1, opt(f->user));
    store_bind_text(s, 2, opt(f->ticket));
    store_bind_text(s, 3, opt(f->request_id));
    store_bind_text(s, 4, opt(f->ip));
    store_bind_id(s, 5, f->from);
    store_bind_id(s, 6, f->until);
    store_bind_int64(s, 7, (limit < HD_LOG_PAGE_MAX
                                                 ? limit
                                                 : HD_LOG_PAGE_MAX));
    store_bind_int64(s, 8, offset > 0 ? offset : 0);
    return store_collect(st, s, a, sizeof **rows_r, fill_row, (void **)rows_r,
                         n_r, err);
}
