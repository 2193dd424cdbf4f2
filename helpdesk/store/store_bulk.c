/* store_bulk.c - search indexing deferred to the commit on a bulk
 * connection (hd_store_set_bulk(): import).
 *
 * The triggers ticket_text_mi and ticket_text_ti index every new message
 * and ticket as it is inserted.  Each such INSERT runs in a statement
 * transaction (the trigger makes it a multi-row write), and FTS5 (SQLite
 * 3.40) writes its pending terms out as a new index segment whenever a
 * statement transaction or savepoint begins or ends; so one message
 * costs one segment and the merges that follow: ~18% of the CPU of an
 * import (bench/mail_bench.sh; the round is in the history of bench/).
 *
 * On a bulk connection, inside a transaction opened by hd_store_begin(),
 * an authorizer leaves the INSERT out of those two triggers when they are
 * compiled, and hd_store_commit() indexes every message and ticket whose
 * id is above the highest one when the transaction began, in the same
 * transaction, just before COMMIT: the index holds exactly what the
 * committed rows say, as with the triggers, but a batch is written as a
 * few large segments.  Rows undone by ROLLBACK TO are simply not there
 * any more.  Outside such a transaction a pass-through authorizer is in
 * place; setting either one expires the connection's prepared statements,
 * so no trigger program compiled for one mode is run in the other.
 * While the transaction is open its new rows are not yet searchable on
 * this connection (nothing in the intake path searches). */
#include "store_sqlite.h"

#include <string.h>

enum {
    ST_MSG_MAX,
    ST_TICKET_MAX,
    ST_MSG_INDEX,
    ST_TICKET_INDEX,
    ST_COUNT
};

static const char *const sql[ST_COUNT] = {
    [ST_MSG_MAX] = "SELECT coalesce(max(id), 0) FROM message",
    [ST_TICKET_MAX] = "SELECT coalesce(max(id), 0) FROM ticket",
    /* The same rows as ticket_text_mi and ticket_text_ti (0022). */
    [ST_MSG_INDEX] = "INSERT INTO ticket_text(rowid, body) "
                     "SELECT (ticket_id << 32) | (id & 4294967295), "
                     "body_text FROM message WHERE id > ?1 "
                     "AND NOT (kind = 'outbound' AND auto_reply) "
                     "ORDER BY 1",
    [ST_TICKET_INDEX] = "INSERT INTO ticket_text(rowid, body) "
                        "SELECT id << 32, subject FROM ticket WHERE id > ?1 "
                        "ORDER BY id",
};

/* The triggers whose INSERT is deferred; each table is caught up by
 * store_bulk_index(). */
static const char *const deferred_triggers[] = {"ticket_text_mi",
                                                "ticket_text_ti"};

static int defer_index(void *arg, int code, const char *a1, const char *a2,
                       const char *db, const char *trigger)
{
    (void)arg;
    (void)a1;
    (void)a2;
    (void)db;
    if (code != SQLITE_INSERT || trigger == NULL)
        return SQLITE_OK;
    for (size_t i = 0; i < HD_ARRAY_LEN(deferred_triggers); i++)
        if (strcmp(trigger, deferred_triggers[i]) == 0)
            return SQLITE_IGNORE; /* the INSERT is left out, no error */
    return SQLITE_OK;
}

static int allow_all(void *arg, int code, const char *a1, const char *a2,
                     const char *db, const char *trigger)
{
    (void)arg;
    (void)code;
    (void)a1;
    (void)a2;
    (void)db;
    (void)trigger;
    return SQLITE_OK;
}

/* On PostgreSQL the search rows are written as the rows are (no
 * authorizer to defer them with): begin, index and end do nothing. */
void store_bulk_end(struct hd_store *st)
{
    if (store_backend(st) != STORE_SQLITE)
        return;
    sqlite3_set_authorizer(store_db(st), allow_all, NULL);
}

int store_bulk_begin(struct hd_store *st, struct store_bulk *b,
                     struct hd_error *err)
{
    if (store_backend(st) != STORE_SQLITE)
        return 0;
    if (store_step_id(st, store_stmt(st, &sql[ST_MSG_MAX]), &b->last_message,
                      err) < 0 ||
        store_step_id(st, store_stmt(st, &sql[ST_TICKET_MAX]),
                      &b->last_ticket, err) < 0)
        return -1;
    sqlite3_set_authorizer(store_db(st), defer_index, NULL);
    return 0;
}

int store_bulk_index(struct hd_store *st, const struct store_bulk *b,
                     struct hd_error *err)
{
    if (store_backend(st) != STORE_SQLITE)
        return 0;
    struct store_q *s = store_stmt(st, &sql[ST_MSG_INDEX]);
    store_bind_int64(s, 1, b->last_message);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    s = store_stmt(st, &sql[ST_TICKET_INDEX]);
    store_bind_int64(s, 1, b->last_ticket);
    return store_exec_done(st, s, err);
}
