/* store_canned.c - SQL for canned responses. */
#include "store_canned.h"
#include "store_int.h"

#include "clock.h"

enum { ST_LIST, ST_GET, ST_ADD, ST_UPDATE, ST_DELETE, ST_COUNT };

#define CANNED_COLS                                                        \
    "id, name, lang, body, shortcut, category, created_by, created_at, "   \
    "updated_by, updated_at FROM canned_response "

static const char *const sql[ST_COUNT] = {
    [ST_LIST] = "SELECT " CANNED_COLS
                "ORDER BY lang IS DISTINCT FROM ?1, lang, name, id",
    [ST_GET] = "SELECT " CANNED_COLS "WHERE id = ?1",
    [ST_ADD] = "INSERT INTO canned_response(name, lang, body, shortcut, "
               "category, created_by, created_at, updated_by, updated_at) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7) RETURNING id",
    [ST_UPDATE] = "UPDATE canned_response SET name = ?2, lang = ?3, "
                  "body = ?4, shortcut = ?5, category = ?6, "
                  "updated_by = ?7, updated_at = ?8 WHERE id = ?1",
    [ST_DELETE] = "DELETE FROM canned_response WHERE id = ?1",
};

static void canned_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_canned_row *r = p;
    r->id = store_col_int64(s, 0);
    r->name = store_col_text(s, 1, a);
    r->lang = store_col_text(s, 2, a);
    r->body = store_col_text(s, 3, a);
    r->shortcut = store_col_text(s, 4, a);
    r->category = store_col_text(s, 5, a);
    r->created_by = store_col_text(s, 6, a);
    r->created_at = store_col_int64(s, 7);
    r->updated_by = store_col_text(s, 8, a);
    r->updated_at = store_col_int64(s, 9);
}

int hd_store_canned_list(struct hd_store *st, const char *lang_first,
                         struct hd_arena *a, struct hd_canned_row **rs_r,
                         size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_LIST]);
    store_bind_text(s, 1, lang_first);
    return store_collect(st, s, a, sizeof **rs_r, canned_fill, (void **)rs_r,
                         n_r, err);
}

int hd_store_canned_get(struct hd_store *st, int64_t id, struct hd_arena *a,
                        struct hd_canned_row *r_, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_GET]);
    store_bind_int64(s, 1, id);
    struct hd_canned_row *rs = NULL;
    size_t n = 0;
    if (store_collect(st, s, a, sizeof *rs, canned_fill, (void **)&rs, &n,
                      err) < 0)
        return -1;
    if (n == 0)
        return 0;
    *r_ = rs[0];
    return 1;
}

/* Binds ?2..?6 (update) or ?1..?5 (add): name, lang, body, shortcut,
 * category from 'first' on. */
static void bind_fields(struct store_q *s, int first,
                        const struct hd_canned_row *r)
{
    store_bind_text(s, first, r->name);
    store_bind_text(s, first + 1, r->lang);
    store_bind_text(s, first + 2, r->body);
    store_bind_text(s, first + 3,
                    r->shortcut && *r->shortcut ? r->shortcut : NULL);
    store_bind_text(s, first + 4,
                    r->category && *r->category ? r->category : NULL);
}

int hd_store_canned_add(struct hd_store *st, const struct hd_canned_row *r,
                        int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ADD]);
    bind_fields(s, 1, r);
    store_bind_text(s, 6, r->created_by);
    store_bind_int64(s, 7, hd_clock_now());
    return store_insert(st, s, id_r, err);
}

int hd_store_canned_update(struct hd_store *st, const struct hd_canned_row *r,
                           struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_UPDATE]);
    store_bind_int64(s, 1, r->id);
    bind_fields(s, 2, r);
    store_bind_text(s, 7, r->updated_by);
    store_bind_int64(s, 8, hd_clock_now());
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0;
}

int hd_store_canned_delete(struct hd_store *st, int64_t id,
                           struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_DELETE]);
    store_bind_int64(s, 1, id);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0;
}
