/* store_attach.c - SQL for attachment usage, quotas, scanning and
 * purging (see store_attach.h). */
#include "store_attach.h"
#include "store_int.h"

#include "clock.h"

enum {
    ST_USAGE,
    ST_SET_QUOTA,
    ST_UNSCANNED,
    ST_PURGEABLE,
    ST_BY_HASH,
    ST_SET_SCAN,
    ST_SET_STATE,
    ST_BLOB_NEEDED,
    ST_BLOB_DEL,
    ST_REVIEW,
    ST_COUNT
};

#define ITEM_COLS                                                            \
    "a.id, a.message_id, a.filename, a.content_type, a.sha256, a.state, "    \
    "a.scan_state, a.size, a.inline, a.created_at, a.detected_type, "        \
    "m.ticket_id, t.number, coalesce(t.org_id, 0), a.scan_note "             \
    "FROM attachment a JOIN message m ON m.id = a.message_id "               \
    "JOIN ticket t ON t.id = m.ticket_id "

static const char *const sql[ST_COUNT] = {
    [ST_USAGE] =
        "SELECT o.id, o.name, coalesce(o.quota_bytes, -1), "
        "coalesce(sum(CASE WHEN a.state = 'stored' THEN a.size END), 0), "
        "count(CASE WHEN a.state = 'stored' THEN 1 END), "
        "count(CASE WHEN a.state = 'held' THEN 1 END) "
        "FROM org o LEFT JOIN ticket t ON t.org_id = o.id "
        "LEFT JOIN message m ON m.ticket_id = t.id "
        "LEFT JOIN attachment a ON a.message_id = m.id "
        "WHERE CAST(?1 AS bigint) IS NULL OR o.id = ?1 GROUP BY o.id ORDER BY o.id",
    [ST_SET_QUOTA] = "UPDATE org SET quota_bytes = ?2 WHERE id = ?1",
    [ST_UNSCANNED] = "SELECT " ITEM_COLS
                     "WHERE a.scan_state = 'unscanned' AND a.state = "
                     "'stored' AND (?2 OR a.scan_note IS NULL) "
                     "ORDER BY a.id LIMIT ?1",
    [ST_PURGEABLE] = "SELECT " ITEM_COLS
                     "WHERE t.org_id = ?1 AND a.state = 'stored' AND "
                     "a.created_at <= ?2 ORDER BY a.created_at, a.id",
    [ST_BY_HASH] = "SELECT " ITEM_COLS
                   "WHERE a.sha256 = ?1 AND a.state = 'stored' "
                   "ORDER BY a.id",
    [ST_SET_SCAN] = "UPDATE attachment SET scan_state = ?2, "
                    "state = coalesce(?3, state), scan_note = ?4, "
                    "scanned_at = ?5 WHERE id = ?1 AND state = 'stored'",
    [ST_SET_STATE] = "UPDATE attachment SET state = ?2 WHERE id = ?1",
    [ST_BLOB_NEEDED] =
        "SELECT EXISTS (SELECT 1 FROM attachment WHERE sha256 = ?1 AND "
        "state = 'stored') OR EXISTS (SELECT 1 FROM message WHERE "
        "raw_sha256 = ?1)",
    [ST_BLOB_DEL] = "DELETE FROM blob WHERE sha256 = ?1",
    [ST_REVIEW] = "UPDATE ticket SET needs_review = 1, updated_at = ?2 "
                  "WHERE id = ?1",
};

static void usage_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_org_usage *u = p;
    u->org_id = store_col_int64(s, 0);
    u->name = store_col_text(s, 1, a);
    u->quota_bytes = store_col_int64(s, 2);
    u->used_bytes = store_col_int64(s, 3);
    u->stored = store_col_int64(s, 4);
    u->held = store_col_int64(s, 5);
}

int hd_store_attach_org_usage(struct hd_store *st, int64_t org_id,
                              struct hd_arena *a, struct hd_org_usage *u_r,
                              struct hd_error *err)
{
    struct hd_org_usage *us;
    size_t n;
    hd_assert(org_id > 0);
    struct store_q *s = store_stmt(st, &sql[ST_USAGE]);
    store_bind_int64(s, 1, org_id);
    if (store_collect(st, s, a, sizeof *us, usage_fill, (void **)&us, &n,
                      err) < 0)
        return -1;
    if (n == 0)
        return 0;
    *u_r = us[0];
    return 1;
}

int hd_store_attach_usage(struct hd_store *st, struct hd_arena *a,
                          struct hd_org_usage **us_r, size_t *n_r,
                          struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_USAGE]);
    return store_collect(st, s, a, sizeof **us_r, usage_fill, (void **)us_r,
                         n_r, err);
}

int hd_store_org_set_quota(struct hd_store *st, int64_t org_id, int64_t bytes,
                           struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_SET_QUOTA]);
    store_bind_int64(s, 1, org_id);
    if (bytes >= 0)
        store_bind_int64(s, 2, bytes);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0;
}

static void item_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_attach_item *it = p;
    store_attachment_fill(s, a, &it->at);
    it->ticket_id = store_col_int64(s, 11);
    it->ticket_number = store_col_int64(s, 12);
    it->org_id = store_col_int64(s, 13);
    it->scan_note = store_col_text(s, 14, a);
}

int hd_store_attach_unscanned(struct hd_store *st, size_t limit, bool noted,
                              struct hd_arena *a,
                              struct hd_attach_item **its_r, size_t *n_r,
                              struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_UNSCANNED]);
    store_bind_int64(s, 1, (int64_t)limit);
    store_bind_int(s, 2, noted);
    return store_collect(st, s, a, sizeof **its_r, item_fill, (void **)its_r,
                         n_r, err);
}

int hd_store_attach_purgeable(struct hd_store *st, int64_t org_id,
                              int64_t before, struct hd_arena *a,
                              struct hd_attach_item **its_r, size_t *n_r,
                              struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_PURGEABLE]);
    store_bind_int64(s, 1, org_id);
    store_bind_int64(s, 2, before);
    return store_collect(st, s, a, sizeof **its_r, item_fill, (void **)its_r,
                         n_r, err);
}

int hd_store_attach_stored_by_hash(struct hd_store *st, const char *sha256,
                                   struct hd_arena *a,
                                   struct hd_attach_item **its_r, size_t *n_r,
                                   struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BY_HASH]);
    store_bind_text(s, 1, sha256);
    return store_collect(st, s, a, sizeof **its_r, item_fill, (void **)its_r,
                         n_r, err);
}

int hd_store_attach_set_scan(struct hd_store *st, int64_t id,
                             const char *scan_state, const char *state,
                             const char *note, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_SET_SCAN]);
    store_bind_int64(s, 1, id);
    store_bind_text(s, 2, scan_state);
    store_bind_text(s, 3, state);
    store_bind_text(s, 4, note);
    store_bind_int64(s, 5, hd_clock_now());
    return store_exec_done(st, s, err);
}

int hd_store_attach_set_state(struct hd_store *st, int64_t id,
                              const char *state, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_SET_STATE]);
    store_bind_int64(s, 1, id);
    store_bind_text(s, 2, state);
    return store_exec_done(st, s, err);
}

int hd_store_blob_release(struct hd_store *st, const char *sha256,
                          struct hd_error *err)
{
    int64_t needed = 0;
    struct store_q *s = store_stmt(st, &sql[ST_BLOB_NEEDED]);
    store_bind_text(s, 1, sha256);
    if (store_step_id(st, s, &needed, err) < 0)
        return -1;
    if (needed)
        return 0;
    s = store_stmt(st, &sql[ST_BLOB_DEL]);
    store_bind_text(s, 1, sha256);
    return store_exec_done(st, s, err) < 0 ? -1 : 1;
}

int hd_store_ticket_flag_review(struct hd_store *st, int64_t ticket_id,
                                struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_REVIEW]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_int64(s, 2, hd_clock_now());
    return store_exec_done(st, s, err);
}
