/* store_audit.c - SQL of the audit log, its checkpoints, the security log
 * and the backup log.  The chain itself (hashing, verifying) is audit.c's
 * business; this file only reads and writes rows. */
#include "store_data.h"
#include "store_int.h"

#include <string.h>

enum {
    ST_HEAD,
    ST_INSERT,
    ST_PAGE,
    ST_LAST_BEFORE,
    ST_DELETE_THROUGH,
    ST_CP_LAST,
    ST_CP_ADD,
    ST_SEC_INSERT,
    ST_SEC_PRUNE,
    ST_BLOG_ADD,
    ST_BLOG_LIST,
    ST_BLOG_PRUNE,
    ST_COUNT
};

#define AUDIT_COLS                                                           \
    "id, at, actor, source, ip, request_id, object, action, before_json, "   \
    "after_json, prev_hash, hash"

static const char *const sql[ST_COUNT] = {
    [ST_HEAD] = "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
    [ST_INSERT] = "INSERT INTO audit(" AUDIT_COLS ") VALUES "
                  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [ST_PAGE] = "SELECT " AUDIT_COLS " FROM audit WHERE id > ?1 "
                "ORDER BY id LIMIT ?2",
    [ST_LAST_BEFORE] = "SELECT id, hash FROM audit WHERE at < ?1 "
                       "ORDER BY id DESC LIMIT 1",
    [ST_DELETE_THROUGH] = "DELETE FROM audit WHERE id <= ?1",
    [ST_CP_LAST] = "SELECT at, last_id, head_hash, mac FROM audit_checkpoint "
                   "ORDER BY id DESC LIMIT 1",
    [ST_CP_ADD] = "INSERT INTO audit_checkpoint(at, last_id, head_hash, mac) "
                  "VALUES (?1, ?2, ?3, ?4)",
    [ST_SEC_INSERT] = "INSERT INTO security_log(at, kind, user_id, subject, "
                      "ip, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_SEC_PRUNE] = "DELETE FROM security_log WHERE at < ?1",
    [ST_BLOG_ADD] = "INSERT INTO backup_log(at, action, generation, ok, "
                    "bytes, duration_ms, detail) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_BLOG_LIST] = "SELECT id, at, action, generation, ok, bytes, "
                     "duration_ms, detail FROM backup_log "
                     "ORDER BY id DESC LIMIT ?1",
    [ST_BLOG_PRUNE] = "DELETE FROM backup_log WHERE at < ?1",
};

static int id_and_hash(struct hd_store *st, struct store_q *s,
                       struct hd_arena *a, int64_t *id_r, char **hash_r,
                       struct hd_error *err)
{
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        *id_r = store_col_int64(s, 0);
        *hash_r = store_col_text(s, 1, a);
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_audit_head(struct hd_store *st, struct hd_arena *a,
                        int64_t *id_r, char **hash_r, struct hd_error *err)
{
    return id_and_hash(st, store_stmt(st, &sql[ST_HEAD]), a, id_r, hash_r,
                       err);
}

int hd_store_audit_last_before(struct hd_store *st, int64_t before_t,
                               struct hd_arena *a, int64_t *id_r,
                               char **hash_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_LAST_BEFORE]);
    store_bind_int64(s, 1, before_t);
    return id_and_hash(st, s, a, id_r, hash_r, err);
}

int hd_store_audit_insert(struct hd_store *st, const struct hd_audit_entry *e,
                          struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_INSERT]);
    store_bind_int64(s, 1, e->id);
    store_bind_int64(s, 2, e->at);
    store_bind_text(s, 3, e->actor);
    store_bind_text(s, 4, e->source);
    store_bind_text(s, 5, e->ip);
    store_bind_text(s, 6, e->request_id);
    store_bind_text(s, 7, e->object);
    store_bind_text(s, 8, e->action);
    store_bind_text(s, 9, e->before_json);
    store_bind_text(s, 10, e->after_json);
    store_bind_text(s, 11, e->prev_hash);
    store_bind_text(s, 12, e->hash);
    return store_exec_done(st, s, err);
}

static void fill_audit(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_audit_entry *e = out;
    e->id = store_col_int64(s, 0);
    e->at = store_col_int64(s, 1);
    e->actor = store_col_text(s, 2, a);
    e->source = store_col_text(s, 3, a);
    e->ip = store_col_text(s, 4, a);
    e->request_id = store_col_text(s, 5, a);
    e->object = store_col_text(s, 6, a);
    e->action = store_col_text(s, 7, a);
    e->before_json = store_col_text(s, 8, a);
    e->after_json = store_col_text(s, 9, a);
    e->prev_hash = store_col_text(s, 10, a);
    e->hash = store_col_text(s, 11, a);
}

int hd_store_audit_page(struct hd_store *st, int64_t after_id, size_t limit,
                        struct hd_arena *a, struct hd_audit_entry **es_r,
                        size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_PAGE]);
    store_bind_int64(s, 1, after_id);
    store_bind_int64(s, 2, limit);
    return store_collect(st, s, a, sizeof **es_r, fill_audit, (void **)es_r,
                         n_r, err);
}

int hd_store_audit_delete_through(struct hd_store *st, int64_t last_id,
                                  int64_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_DELETE_THROUGH]);
    store_bind_int64(s, 1, last_id);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    *n_r = store_changes(st);
    return 0;
}

int hd_store_audit_checkpoint_last(struct hd_store *st, struct hd_arena *a,
                                   struct hd_audit_checkpoint *c_r,
                                   struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CP_LAST]);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        c_r->at = store_col_int64(s, 0);
        c_r->last_id = store_col_int64(s, 1);
        c_r->head_hash = store_col_text(s, 2, a);
        c_r->mac = store_col_text(s, 3, a);
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_audit_checkpoint_add(struct hd_store *st,
                                  const struct hd_audit_checkpoint *c,
                                  struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CP_ADD]);
    store_bind_int64(s, 1, c->at);
    store_bind_int64(s, 2, c->last_id);
    store_bind_text(s, 3, c->head_hash);
    store_bind_text(s, 4, c->mac);
    return store_exec_done(st, s, err);
}

int hd_store_security_insert(struct hd_store *st,
                             const struct hd_security_event *ev,
                             struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_SEC_INSERT]);
    store_bind_int64(s, 1, ev->at);
    store_bind_text(s, 2, ev->kind);
    store_bind_id(s, 3, ev->user_id);
    store_bind_text(s, 4, ev->subject ? ev->subject : "");
    store_bind_text(s, 5, ev->ip);
    store_bind_text(s, 6, ev->detail ? ev->detail : "");
    return store_exec_done(st, s, err);
}

int hd_store_security_prune(struct hd_store *st, int64_t before_t,
                            int64_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_SEC_PRUNE]);
    store_bind_int64(s, 1, before_t);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    *n_r = store_changes(st);
    return 0;
}

int hd_store_backup_log_prune(struct hd_store *st, int64_t before_t,
                              int64_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BLOG_PRUNE]);
    store_bind_int64(s, 1, before_t);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    *n_r = store_changes(st);
    return 0;
}

int hd_store_backup_log_add(struct hd_store *st,
                            const struct hd_backup_log_row *r,
                            struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BLOG_ADD]);
    store_bind_int64(s, 1, r->at);
    store_bind_text(s, 2, r->action);
    store_bind_text(s, 3, r->generation ? r->generation : "");
    store_bind_int(s, 4, r->ok ? 1 : 0);
    store_bind_int64(s, 5, r->bytes);
    store_bind_int64(s, 6, r->duration_ms);
    store_bind_text(s, 7, r->detail ? r->detail : "");
    return store_exec_done(st, s, err);
}

static void fill_blog(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_backup_log_row *r = out;
    r->id = store_col_int64(s, 0);
    r->at = store_col_int64(s, 1);
    r->action = store_col_text(s, 2, a);
    r->generation = store_col_text(s, 3, a);
    r->ok = store_col_int(s, 4) != 0;
    r->bytes = store_col_int64(s, 5);
    r->duration_ms = store_col_int64(s, 6);
    r->detail = store_col_text(s, 7, a);
}

int hd_store_backup_log_list(struct hd_store *st, size_t limit,
                             struct hd_arena *a,
                             struct hd_backup_log_row **rs_r, size_t *n_r,
                             struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BLOG_LIST]);
    store_bind_int64(s, 1, limit);
    return store_collect(st, s, a, sizeof **rs_r, fill_blog, (void **)rs_r,
                         n_r, err);
}
