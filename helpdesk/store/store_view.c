/* store_view.c - see store_view.h.  The saved_view table (0009_agent.sql). */
#include "store_view.h"

#include "store_int.h"

enum { ST_SV_PUT, ST_SV_COUNT, ST_SV_LIST, ST_SV_GET, ST_SV_DEL, ST_COUNT };

static const char *const sql[ST_COUNT] = {
    [ST_SV_PUT] = "INSERT INTO saved_view(user_id, name, query, created_at) "
                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(user_id, name) DO "
                  "UPDATE SET query = excluded.query RETURNING id",
    [ST_SV_COUNT] = "SELECT count(*) FROM saved_view WHERE user_id = ?1 "
                    "AND name <> ?2",
    [ST_SV_LIST] = "SELECT id, user_id, name, query, created_at FROM "
                   "saved_view WHERE user_id = ?1 ORDER BY name, id "
                   "LIMIT ?2",
    [ST_SV_GET] = "SELECT id, user_id, name, query, created_at FROM "
                  "saved_view WHERE id = ?1 AND user_id = ?2",
    [ST_SV_DEL] = "DELETE FROM saved_view WHERE id = ?1 AND user_id = ?2 "
                  "RETURNING id",
};

static struct store_q *stmt(struct hd_store *st, int which)
{
    return store_stmt(st, &sql[which]);
}

int hd_store_view_put(struct hd_store *st, int64_t user_id, const char *name,
                      const char *query, int64_t now, int64_t *id_r,
                      struct hd_error *err)
{
    struct store_q *s = stmt(st, ST_SV_COUNT);
    store_bind_int64(s, 1, user_id);
    store_bind_text(s, 2, name);
    int64_t others = 0;
    if (store_step_id(st, s, &others, err) < 0)
        return -1;
    if (others >= HD_SAVED_VIEWS_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "%lld saved views, max %d",
                     (long long)others, HD_SAVED_VIEWS_MAX);
        return -1;
    }
    s = stmt(st, ST_SV_PUT);
    store_bind_int64(s, 1, user_id);
    store_bind_text(s, 2, name);
    store_bind_text(s, 3, query);
    store_bind_int64(s, 4, now);
    int found = store_step_id(st, s, id_r, err);
    if (found == 0)
        hd_error_set(err, HD_E_INTERNAL, "saved view not stored");
    return found == 1 ? 0 : -1;
}

static void view_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_saved_view *v = p;
    v->id = store_col_int64(s, 0);
    v->user_id = store_col_int64(s, 1);
    v->name = store_col_text(s, 2, a);
    v->query = store_col_text(s, 3, a);
    v->created_at = store_col_int64(s, 4);
}

int hd_store_view_list(struct hd_store *st, int64_t user_id,
                       struct hd_arena *a, struct hd_saved_view **vs_r,
                       size_t *n_r, struct hd_error *err)
{
    struct store_q *s = stmt(st, ST_SV_LIST);
    store_bind_int64(s, 1, user_id);
    store_bind_int64(s, 2, HD_SAVED_VIEWS_MAX);
    void *out = NULL;
    int rc = store_collect(st, s, a, sizeof **vs_r, view_fill, &out, n_r,
                           err);
    *vs_r = out;
    return rc;
}

int hd_store_view_get(struct hd_store *st, int64_t id, int64_t user_id,
                      struct hd_arena *a, struct hd_saved_view *v_r,
                      struct hd_error *err)
{
    struct store_q *s = stmt(st, ST_SV_GET);
    store_bind_int64(s, 1, id);
    store_bind_int64(s, 2, user_id);
    int rc = store_step(s);
    if (rc == STORE_ROW)
        view_fill(s, a, v_r);
    store_reset(s);
    if (rc == STORE_ROW)
        return 1;
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_view_delete(struct hd_store *st, int64_t id, int64_t user_id,
                         struct hd_error *err)
{
    struct store_q *s = stmt(st, ST_SV_DEL);
    store_bind_int64(s, 1, id);
    store_bind_int64(s, 2, user_id);
    return store_step_id(st, s, NULL, err);
}
