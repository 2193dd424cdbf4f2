/* store_lease.c - leases of jobs that run once across nodes
 * (store_lease.h). */
#include "store_lease.h"
#include "store_int.h"

#include <stdio.h>

enum { ST_LEASE_TAKE, ST_LEASE_DROP, ST_BACKUP_LAST_OK, ST_AUDIT_LOCK,
       ST_ONCE, ST_COUNT };

static const char *const sql[ST_COUNT] = {
    /* The same text on both backends: an upsert whose update happens only
     * when the lease has ended. */
    [ST_LEASE_TAKE] = "INSERT INTO meta(key, value) VALUES (?1, ?3) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value "
                      "WHERE CAST(meta.value AS BIGINT) <= ?2",
    [ST_LEASE_DROP] = "DELETE FROM meta WHERE key = ?1",
    [ST_BACKUP_LAST_OK] = "SELECT coalesce(max(at), 0) FROM backup_log "
                          "WHERE action = 'run' AND ok = 1",
    /* A row lock held to the end of the transaction: appends to the audit
     * chain queue up here, and each then reads the head the previous one
     * committed (PostgreSQL, READ COMMITTED: every statement sees what
     * was committed before it started).  SQLite's single writer already
     * orders them; there this is one more small write. */
    [ST_AUDIT_LOCK] = "INSERT INTO counter(name, value) VALUES "
                      "('audit_append', 1) ON CONFLICT(name) DO UPDATE "
                      "SET value = counter.value + 1",
    [ST_ONCE] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                "ON CONFLICT(key) DO NOTHING",
};

static void lease_key(const char *name, char out[96])
{
    snprintf(out, 96, "lease:%.80s", name);
}

int hd_store_lease_take(struct hd_store *st, const char *name, int64_t now,
                        int64_t until, struct hd_error *err)
{
    char key[96], val[24];
    lease_key(name, key);
    snprintf(val, sizeof val, "%lld", (long long)until);
    if (hd_store_begin(st, err) < 0)
        return -1;
    struct store_q *s = store_stmt(st, &sql[ST_LEASE_TAKE]);
    store_bind_text(s, 1, key);
    store_bind_int64(s, 2, now);
    store_bind_text(s, 3, val);
    if (store_exec_done(st, s, err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    int taken = store_changes(st) > 0;
    if (hd_store_commit(st, err) < 0)
        return -1;
    return taken;
}

int hd_store_lease_drop(struct hd_store *st, const char *name,
                        struct hd_error *err)
{
    char key[96];
    lease_key(name, key);
    struct store_q *s = store_stmt(st, &sql[ST_LEASE_DROP]);
    store_bind_text(s, 1, key);
    return store_exec_done(st, s, err);
}

int hd_store_backup_last_ok(struct hd_store *st, int64_t *at_r,
                            struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BACKUP_LAST_OK]);
    *at_r = 0;
    return store_step_id(st, s, at_r, err) < 0 ? -1 : 0;
}

int hd_store_audit_lock(struct hd_store *st, struct hd_error *err)
{
    return store_exec_done(st, store_stmt(st, &sql[ST_AUDIT_LOCK]), err);
}

int hd_store_once(struct hd_store *st, const char *key, int64_t at,
                  struct hd_error *err)
{
    char val[24];
    snprintf(val, sizeof val, "%lld", (long long)at);
    struct store_q *s = store_stmt(st, &sql[ST_ONCE]);
    store_bind_text(s, 1, key);
    store_bind_text(s, 2, val);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0 ? 1 : 0;
}
