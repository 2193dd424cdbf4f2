/* store_calendar.c - the calendar_closure table (see store_calendar.h).
 * Dates travel as 'YYYY-MM-DD' text, which sorts by date. */
#include "store_calendar.h"

#include "clock.h"
#include "store_int.h"

#include <stdlib.h>

enum {
    ST_CLOSURE_ADD,
    ST_CLOSURE_LIST,
    ST_CLOSURE_COUNT,
    ST_CLOSURE_DELETE,
    ST_CALENDAR_COUNT,
};

static const char *const sql[ST_CALENDAR_COUNT] = {
    [ST_CLOSURE_ADD] =
        "INSERT INTO calendar_closure(start_date, end_date, name, source, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    [ST_CLOSURE_LIST] =
        "SELECT id, start_date, end_date, name, source, created_at "
        "FROM calendar_closure ORDER BY start_date, id",
    [ST_CLOSURE_COUNT] = "SELECT count(*) FROM calendar_closure",
    [ST_CLOSURE_DELETE] = "DELETE FROM calendar_closure WHERE id = ?1",
};

int hd_store_closure_add(struct hd_store *st, const struct hd_closure *c,
                         int64_t *id_r, struct hd_error *err)
{
    struct hd_date f = c->first, l = c->last;
    if (!hd_date_valid(f.year, f.mon, f.day) ||
        !hd_date_valid(l.year, l.mon, l.day) ||
        hd_date_to_days(l.year, l.mon, l.day) <
            hd_date_to_days(f.year, f.mon, f.day)) {
        hd_error_set(err, HD_E_INVAL, "closure dates invalid or reversed");
        return -1;
    }
    char first[11], last[11];
    hd_date_format(f, first);
    hd_date_format(l, last);
    struct store_q *s = store_stmt(st, &sql[ST_CLOSURE_ADD]);
    store_bind_text(s, 1, first);
    store_bind_text(s, 2, last);
    store_bind_text(s, 3, c->name != NULL ? c->name : "");
    store_bind_text(s, 4, c->source != NULL ? c->source : "manual");
    store_bind_int64(s, 5, hd_clock_now());
    return store_insert(st, s, id_r, err);
}

static int col_date(struct store_q *s, int i, struct hd_date *d_r)
{
    const char *t = store_col_str(s, i);
    return t != NULL ? hd_date_parse(t, d_r, NULL) : -1;
}

static int count_rows(struct hd_store *st, size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CLOSURE_COUNT]);
    int rc = store_step(s);
    if (rc != STORE_ROW) {
        store_reset(s);
        return store_fail(st, rc, err);
    }
    *n_r = (size_t)store_col_int64(s, 0);
    store_reset(s);
    return 0;
}

int hd_store_closure_list(struct hd_store *st, struct hd_arena *a,
                          struct hd_closure **cs_r, size_t *n_r,
                          struct hd_error *err)
{
    size_t cap = 0, n = 0;
    /* Counted first so the array is one arena block; the two statements
     * run under the caller's transaction or see one snapshot each. */
    if (count_rows(st, &cap, err) < 0)
        return -1;
    struct hd_closure *cs = hd_arena_zalloc(a, (cap + 1) * sizeof *cs);
    struct store_q *s = store_stmt(st, &sql[ST_CLOSURE_LIST]);
    int rc;
    while ((rc = store_step(s)) == STORE_ROW && n < cap) {
        struct hd_closure *c = &cs[n];
        c->id = store_col_int64(s, 0);
        if (col_date(s, 1, &c->first) < 0 || col_date(s, 2, &c->last) < 0) {
            store_reset(s);
            hd_error_set(err, HD_E_INTERNAL,
                         "calendar_closure %lld has a bad date",
                         (long long)c->id);
            return -1;
        }
        c->name = store_col_text(s, 3, a);
        c->source = store_col_text(s, 4, a);
        c->created_at = store_col_int64(s, 5);
        n++;
    }
    store_reset(s);
    if (rc != STORE_ROW && rc != STORE_DONE)
        return store_fail(st, rc, err);
    *cs_r = cs;
    *n_r = n;
    return 0;
}

int hd_store_closure_delete(struct hd_store *st, int64_t id,
                            struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CLOSURE_DELETE]);
    store_bind_int64(s, 1, id);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0 ? 1 : 0;
}
