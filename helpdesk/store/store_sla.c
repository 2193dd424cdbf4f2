/* store_sla.c - SQL for SLA policies, the outbox and heartbeats. */
#include "store_int.h"
#include "store_sla.h"

#include "clock.h"

#include <string.h>

enum {
    ST_POLICY,
    ST_POLICY_LIST,
    ST_OUT_ADD,
    ST_OUT_DUE,
    ST_OUT_CLAIM,
    ST_OUT_MARK,
    ST_OUT_COUNT,
    ST_OUT_DEPTH,
    ST_SLA_DUE,
    ST_SLA_STEP_FIRST,
    ST_SLA_STEP_RESOLVE,
    ST_HEARTBEAT,
    ST_TOKEN_SET,
    ST_TOKEN_GET,
    ST_COUNT
};

/* A mail that carries files waits until every one is scanned clean: an
 * unscanned file holds it, an infected (quarantined) one holds it for
 * good. */
#define OUT_FILES_CLEAN                                                     \
    "NOT EXISTS (SELECT 1 FROM attachment f WHERE f.message_id = "          \
    "outbox.message_row AND NOT (f.state = 'stored' AND "                   \
    "f.scan_state = 'clean'))"

static const char *const sql[ST_COUNT] = {
    /* One primary-key lookup (hd_store_sla_policy() tries the priority,
     * then '*'): "priority IN (?2, '*') ORDER BY ..." built a temporary
     * table and a sorter for every new ticket. */
    [ST_POLICY] = "SELECT first_response_m, resolution_m, business_hours "
                  "FROM sla_policy WHERE category = ?1 AND priority = ?2",
    [ST_POLICY_LIST] = "SELECT category, priority, first_response_m, "
                       "resolution_m, business_hours FROM sla_policy "
                       "ORDER BY category, priority <> '*', priority",
    [ST_OUT_ADD] = "INSERT INTO outbox(ticket_id, message_row, kind, "
                   "mail_from, rcpts, raw, next_attempt_at, created_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) RETURNING id",
    [ST_OUT_DUE] = "SELECT id, coalesce(ticket_id, 0), "
                   "coalesce(message_row, 0), kind, mail_from, rcpts, raw, "
                   "state, attempts, next_attempt_at, created_at, "
                   "coalesce(attempt_at, 0), resends FROM outbox "
                   "WHERE state = 'queued' AND next_attempt_at <= ?1 "
                   "AND " OUT_FILES_CLEAN " "
                   "ORDER BY next_attempt_at, id LIMIT ?2",
    /* The due condition again: a second worker that read the row before
     * this claim committed finds it changed and leaves it. */
    [ST_OUT_CLAIM] = "UPDATE outbox SET attempt_at = ?2, next_attempt_at = ?3, "
                     "resends = resends + "
                     "CASE WHEN attempt_at IS NOT NULL THEN 1 ELSE 0 END "
                     "WHERE id = ?1 AND state = 'queued' AND "
                     "next_attempt_at <= ?2 AND " OUT_FILES_CLEAN,
    [ST_OUT_MARK] = "UPDATE outbox SET state = ?2, next_attempt_at = ?3, "
                    "last_error = ?4, attempts = attempts + 1, "
                    "attempt_at = NULL, "
                    "sent_at = CASE WHEN ?2 = 'sent' THEN CAST(?5 AS bigint) END "
                    "WHERE id = ?1",
    [ST_OUT_COUNT] = "SELECT count(*) FROM outbox WHERE kind = ?1 AND "
                     "rcpts = ?2 AND created_at >= ?3",
    [ST_OUT_DEPTH] = "SELECT count(*) FROM outbox WHERE state = 'queued'",
    /* One step of an SLA clock, taken only from the state the caller
     * read: a second worker (another process or node) that read the same
     * ticket changes nothing.  On PostgreSQL (READ COMMITTED) the second
     * UPDATE waits for the first and re-reads the row, so the same holds. */
    [ST_SLA_STEP_FIRST] = "UPDATE ticket SET sla_first_state = ?3 "
                          "WHERE id = ?1 AND sla_first_state = ?2",
    [ST_SLA_STEP_RESOLVE] = "UPDATE ticket SET sla_resolve_state = ?3 "
                            "WHERE id = ?1 AND sla_resolve_state = ?2",
    [ST_SLA_DUE] =
        "SELECT id FROM ticket WHERE status IN ('new', 'open') AND ("
        "(sla_first_state IN ('running', 'warned') AND "
        " first_response_due IS NOT NULL AND first_response_at IS NULL) OR "
        "(sla_resolve_state IN ('running', 'warned') AND "
        " resolution_due IS NOT NULL)) AND "
        "min(coalesce(CASE WHEN first_response_at IS NULL THEN "
        "first_response_due END, resolution_due), "
        "coalesce(resolution_due, first_response_due)) <= ?1 "
        "ORDER BY id LIMIT ?2",
    [ST_HEARTBEAT] = "INSERT INTO heartbeat(program, at, pid) VALUES "
                     "(?1, ?2, ?3) ON CONFLICT(program) DO UPDATE SET "
                     "at = excluded.at, pid = excluded.pid",
    [ST_TOKEN_SET] = "UPDATE ticket SET public_token_hash = ?2 WHERE id = ?1",
    [ST_TOKEN_GET] = "SELECT id FROM ticket WHERE public_token_hash = ?1",
};

/* The policy row (category, priority) exactly: 1 / 0 / -1. */
static int policy_row(struct hd_store *st, const char *category,
                      const char *priority, struct hd_sla_policy *p,
                      struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_POLICY]);
    store_bind_text(s, 1, category);
    store_bind_text(s, 2, priority);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        p->first_response_m = store_col_int(s, 0);
        p->resolution_m = store_col_int(s, 1);
        p->business_hours = store_col_int(s, 2) != 0;
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_sla_policy(struct hd_store *st, const char *category,
                        const char *priority, struct hd_sla_policy *p,
                        struct hd_error *err)
{
    int f = policy_row(st, category, priority, p, err);
    if (f != 0)
        return f;
    return policy_row(st, category, "*", p, err);
}

static void policy_fill(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_sla_policy_row *p = out;
    p->category = store_col_text(s, 0, a);
    p->priority = store_col_text(s, 1, a);
    p->p.first_response_m = store_col_int(s, 2);
    p->p.resolution_m = store_col_int(s, 3);
    p->p.business_hours = store_col_int(s, 4) != 0;
}

int hd_store_sla_policy_list(struct hd_store *st, struct hd_arena *a,
                             struct hd_sla_policy_row **ps_r, size_t *n_r,
                             struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_POLICY_LIST]);
    return store_collect(st, s, a, sizeof **ps_r, policy_fill, (void **)ps_r,
                         n_r, err);
}

int hd_store_outbox_add(struct hd_store *st, const struct hd_outbox_item *it,
                        int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_OUT_ADD]);
    store_bind_id(s, 1, it->ticket_id);
    store_bind_id(s, 2, it->message_row);
    store_bind_text(s, 3, it->kind);
    store_bind_text(s, 4, it->mail_from);
    store_bind_text(s, 5, it->rcpts);
    store_bind_blob(s, 6, it->raw, it->raw_len);
    store_bind_int64(s, 7, hd_clock_now());
    return store_insert(st, s, id_r, err);
}

static void out_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_outbox_item *it = p;
    it->id = store_col_int64(s, 0);
    it->ticket_id = store_col_int64(s, 1);
    it->message_row = store_col_int64(s, 2);
    it->kind = store_col_text(s, 3, a);
    it->mail_from = store_col_text(s, 4, a);
    it->rcpts = store_col_text(s, 5, a);
    it->raw_len = (size_t)store_col_bytes(s, 6);
    it->raw = hd_arena_strndup(a, store_col_blob(s, 6), it->raw_len);
    it->state = store_col_text(s, 7, a);
    it->attempts = store_col_int(s, 8);
    it->next_attempt_at = store_col_int64(s, 9);
    it->created_at = store_col_int64(s, 10);
    it->attempt_at = store_col_int64(s, 11);
    it->resends = store_col_int(s, 12);
}

int hd_store_outbox_due(struct hd_store *st, int64_t now, size_t max,
                        struct hd_arena *a, struct hd_outbox_item **its_r,
                        size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_OUT_DUE]);
    store_bind_int64(s, 1, now);
    store_bind_int64(s, 2, (int64_t)max);
    return store_collect(st, s, a, sizeof **its_r, out_fill, (void **)its_r,
                         n_r, err);
}

int hd_store_outbox_claim(struct hd_store *st, int64_t id, int64_t now,
                          int64_t lease_until, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_OUT_CLAIM]);
    store_bind_int64(s, 1, id);
    store_bind_int64(s, 2, now);
    store_bind_int64(s, 3, lease_until);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0 ? 1 : 0;
}

int hd_store_outbox_mark(struct hd_store *st, int64_t id, const char *state,
                         int64_t next, const char *error,
                         struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_OUT_MARK]);
    store_bind_int64(s, 1, id);
    store_bind_text(s, 2, state);
    store_bind_int64(s, 3, next);
    store_bind_text(s, 4, error);
    store_bind_int64(s, 5, hd_clock_now());
    return store_exec_done(st, s, err);
}

int hd_store_outbox_count_since(struct hd_store *st, const char *kind,
                                const char *rcpt, int64_t since,
                                int64_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_OUT_COUNT]);
    store_bind_text(s, 1, kind);
    store_bind_text(s, 2, rcpt);
    store_bind_int64(s, 3, since);
    return store_step_id(st, s, n_r, err) < 0 ? -1 : 0;
}

int hd_store_outbox_depth(struct hd_store *st, int64_t *n_r,
                          struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_OUT_DEPTH]);
    return store_step_id(st, s, n_r, err) < 0 ? -1 : 0;
}

static void id_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    (void)a;
    *(int64_t *)p = store_col_int64(s, 0);
}

int hd_store_ticket_sla_step(struct hd_store *st, int64_t id, bool first,
                             const char *from, const char *to,
                             struct hd_error *err)
{
    struct store_q *s = store_stmt(
        st, &sql[first ? ST_SLA_STEP_FIRST : ST_SLA_STEP_RESOLVE]);
    store_bind_int64(s, 1, id);
    store_bind_text(s, 2, from);
    store_bind_text(s, 3, to);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0 ? 1 : 0;
}

int hd_store_ticket_sla_due(struct hd_store *st, int64_t before, size_t max,
                            struct hd_arena *a, struct hd_ticket **ts_r,
                            size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_SLA_DUE]);
    int64_t *ids;
    size_t n;
    store_bind_int64(s, 1, before);
    store_bind_int64(s, 2, (int64_t)max);
    if (store_collect(st, s, a, sizeof *ids, id_fill, (void **)&ids, &n,
                      err) < 0)
        return -1;
    struct hd_ticket *ts = hd_arena_alloc(a, (n ? n : 1) * sizeof *ts);
    for (size_t i = 0; i < n; i++)
        if (hd_store_ticket_get(st, ids[i], 0, a, &ts[i], err) < 0)
            return -1;
    *ts_r = ts;
    *n_r = n;
    return 0;
}

int hd_store_heartbeat(struct hd_store *st, const char *program, int pid,
                       struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_HEARTBEAT]);
    store_bind_text(s, 1, program);
    store_bind_int64(s, 2, hd_clock_now());
    store_bind_int(s, 3, pid);
    return store_exec_done(st, s, err);
}

int hd_store_ticket_set_token(struct hd_store *st, int64_t ticket_id,
                              const char *token_hash, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TOKEN_SET]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_text(s, 2, token_hash);
    return store_exec_done(st, s, err);
}

int hd_store_ticket_by_token(struct hd_store *st, const char *token_hash,
                             int64_t *ticket_id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TOKEN_GET]);
    store_bind_text(s, 1, token_hash);
    return store_step_id(st, s, ticket_id_r, err);
}
