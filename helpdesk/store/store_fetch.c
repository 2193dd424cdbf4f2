/* store_fetch.c - SQL for mailbox fetch progress (see store_fetch.h). */
#include "store_fetch.h"
#include "store_int.h"

#include "clock.h"

enum {
    ST_IMAP_GET,
    ST_IMAP_SET,
    ST_POP3_SEEN,
    ST_POP3_ADD,
    ST_COUNT
};

static const char *const sql[ST_COUNT] = {
    [ST_IMAP_GET] = "SELECT uidvalidity, last_uid FROM fetch_imap "
                    "WHERE source = ?1",
    [ST_IMAP_SET] = "INSERT INTO fetch_imap(source, uidvalidity, last_uid, "
                    "updated_at) VALUES (?1, ?2, ?3, ?4) "
                    "ON CONFLICT(source) DO UPDATE SET "
                    "uidvalidity = excluded.uidvalidity, "
                    "last_uid = excluded.last_uid, "
                    "updated_at = excluded.updated_at",
    [ST_POP3_SEEN] = "SELECT 1 FROM fetch_pop3 WHERE source = ?1 AND "
                     "uidl = ?2",
    [ST_POP3_ADD] = "INSERT INTO fetch_pop3(source, uidl, seen_at) "
                    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
};

int hd_store_fetch_imap_get(struct hd_store *st, const char *source,
                            int64_t *uidvalidity_r, int64_t *last_uid_r,
                            struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_IMAP_GET]);
    store_bind_text(s, 1, source);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        *uidvalidity_r = store_col_int64(s, 0);
        *last_uid_r = store_col_int64(s, 1);
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_fetch_imap_set(struct hd_store *st, const char *source,
                            int64_t uidvalidity, int64_t last_uid,
                            struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_IMAP_SET]);
    store_bind_text(s, 1, source);
    store_bind_int64(s, 2, uidvalidity);
    store_bind_int64(s, 3, last_uid);
    store_bind_int64(s, 4, hd_clock_now());
    return store_exec_done(st, s, err);
}

int hd_store_fetch_pop3_seen(struct hd_store *st, const char *source,
                             const char *uidl, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_POP3_SEEN]);
    store_bind_text(s, 1, source);
    store_bind_text(s, 2, uidl);
    return store_step_id(st, s, NULL, err);
}

int hd_store_fetch_pop3_add(struct hd_store *st, const char *source,
                            const char *uidl, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_POP3_ADD]);
    store_bind_text(s, 1, source);
    store_bind_text(s, 2, uidl);
    store_bind_int64(s, 3, hd_clock_now());
    return store_exec_done(st, s, err);
}
