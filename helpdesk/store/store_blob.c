/* store_blob.c - SQL of the blob table's two tiers (store_blob.h). */
#include "store_blob.h"
#include "store_int.h"

#include "clock.h"

#include <string.h>

enum { ST_STATE, ST_PUT, ST_GET, ST_RESEAL, ST_INLINE_HEADS, ST_COUNT };

static const char *const sql[ST_COUNT] = {
    [ST_STATE] = "SELECT size, data IS NOT NULL FROM blob WHERE sha256 = ?1",
    [ST_PUT] = "INSERT INTO blob(sha256, size, created_at, data) "
               "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(sha256) DO UPDATE "
               "SET data = excluded.data WHERE blob.data IS NULL",
    [ST_GET] = "SELECT data FROM blob WHERE sha256 = ?1 AND data IS NOT NULL",
    [ST_RESEAL] = "UPDATE blob SET data = ?2 WHERE sha256 = ?1 "
                  "AND data IS NOT NULL",
    /* substr() of a BLOB (bytea) counts bytes; ?3 and ?4 are the lengths
     * of ?1 and ?2. */
    [ST_INLINE_HEADS] =
        "SELECT count(*), count(*) FILTER (WHERE substr(data, 1, ?3) = ?1), "
        "count(*) FILTER (WHERE substr(data, 1, ?4) = ?2) "
        "FROM blob WHERE data IS NOT NULL",
};

int hd_store_blob_state(struct hd_store *st, const char *sha256,
                        int64_t *size_r, bool *inline_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_STATE]);
    store_bind_text(s, 1, sha256);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        *size_r = store_col_int64(s, 0);
        *inline_r = store_col_int(s, 1) != 0;
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_blob_put_inline(struct hd_store *st, const char *sha256,
                             int64_t size, const void *p, size_t n,
                             struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_PUT]);
    store_bind_text(s, 1, sha256);
    store_bind_int64(s, 2, size);
    store_bind_int64(s, 3, hd_clock_now());
    store_bind_blob(s, 4, p, n);
    return store_exec_done(st, s, err);
}

int hd_store_blob_get_inline(struct hd_store *st, const char *sha256,
                             char **data_r, size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_GET]);
    store_bind_text(s, 1, sha256);
    int rc = store_step(s);
    if (rc != STORE_ROW) {
        store_reset(s);
        return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
    }
    size_t n = (size_t)store_col_bytes(s, 0);
    const void *p = store_col_blob(s, 0);
    char *d = hd_xmalloc(n + 1);
    if (n > 0)
        memcpy(d, p, n);
    d[n] = '\0';
    store_reset(s);
    *data_r = d;
    *n_r = n;
    return 1;
}

int hd_store_blob_reseal_inline(struct hd_store *st, const char *sha256,
                                const void *p, size_t n,
                                struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_RESEAL]);
    store_bind_text(s, 1, sha256);
    store_bind_blob(s, 2, p, n);
    return store_exec_done(st, s, err);
}

int hd_store_blob_inline_heads(struct hd_store *st, const void *head,
                                size_t head_len, const void *magic,
                                size_t magic_len, int64_t *total_r,
                                int64_t *head_r, int64_t *magic_r,
                                struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_INLINE_HEADS]);
    store_bind_blob(s, 1, head, head_len);
    store_bind_blob(s, 2, magic, magic_len);
    store_bind_int64(s, 3, (int64_t)head_len);
    store_bind_int64(s, 4, (int64_t)magic_len);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        *total_r = store_col_int64(s, 0);
        *head_r = store_col_int64(s, 1);
        *magic_r = store_col_int64(s, 2);
    }
    store_reset(s);
    return rc == STORE_ROW ? 0 : store_fail(st, rc, err);
}

int hd_store_secure_delete(struct hd_store *st, bool on, struct hd_error *err)
{
    /* PostgreSQL has no such setting: a deleted row's bytes stay in its
     * page until VACUUM reuses it (docs/internals/store.md). */
    if (store_backend(st) != STORE_SQLITE)
        return 0;
    return store_exec(st,
                      on ? "PRAGMA secure_delete = ON"
                         : "PRAGMA secure_delete = OFF",
                      err);
}
