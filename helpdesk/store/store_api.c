/* store_api.c - SQL for the JSON API, operations and webhooks (see
 * store_api.h).  Policy (scopes, roles, limits) lives in the callers. */
#include "store_api.h"

#include "store_int.h"

#include "clock.h"

#include <stdio.h>

#include <string.h>

enum {
    ST_TOKEN_ADD,
    ST_TOKEN_FIND,
    ST_TOKEN_LIST,
    ST_TOKEN_REVOKE,
    ST_TOKEN_TOUCH,
    ST_IDEM_GET,
    ST_IDEM_PUT,
    ST_IDEM_EXPIRE,
    ST_CONTACT_LIST,
    ST_ATT_GET,
    ST_MERGE_MOVE,
    ST_MERGE_CLOSE,
    ST_M_STATUS,
    ST_M_CATEGORY,
    ST_M_INBOUND,
    ST_M_REVIEW,
    ST_M_OUTBOX,
    ST_M_OUTBOX_FAILED,
    ST_M_SLA,
    ST_M_BACKUP,
    ST_M_HOOK_QUEUED,
    ST_M_HOOK_FAILED,
    ST_M_DERIVED,
    ST_M_REPLY_REFUSED,
    ST_HEARTBEAT,
    ST_HOOK_ADD,
    ST_HOOK_LIST,
    ST_HOOK_ENQUEUE,
    ST_HOOK_DUE,
    ST_HOOK_MARK,
    ST_HOOK_CLAIM,
    ST_COUNT
};

#define TOKEN_COLS                                                           \
    "k.id, k.user_id, u.email, u.role, u.disabled, k.scope, k.allow_ips, "   \
    "k.created_at, coalesce(k.expires_at, 0), coalesce(k.revoked_at, 0), "   \
    "coalesce(k.last_used_at, 0), k.last_used_ip "                           \
    "FROM api_token k JOIN \"user\" u ON u.id = k.user_id "

static const char *const sql[ST_COUNT] = {
    [ST_TOKEN_ADD] = "INSERT INTO api_token(user_id, token_hash, scope, "
                     "allow_ips, created_at, expires_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
    [ST_TOKEN_FIND] = "SELECT " TOKEN_COLS "WHERE k.token_hash = ?1",
    [ST_TOKEN_LIST] = "SELECT " TOKEN_COLS "ORDER BY k.id",
    [ST_TOKEN_REVOKE] = "UPDATE api_token SET revoked_at = ?2 "
                        "WHERE id = ?1 AND revoked_at IS NULL",
    [ST_TOKEN_TOUCH] = "UPDATE api_token SET last_used_at = ?2, "
                       "last_used_ip = ?3 WHERE id = ?1",
    [ST_IDEM_GET] = "SELECT status, body FROM api_idempotency "
                    "WHERE token_id = ?1 AND key = ?2 AND created_at >= ?3",
    [ST_IDEM_PUT] = "INSERT INTO api_idempotency(token_id, key, "
                    "status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_IDEM_EXPIRE] = "DELETE FROM api_idempotency WHERE created_at < ?1",
    /* ?3 NULL: every contact; else only the requesters of a ticket in
     * a queue granted to user ?3 (docs/security.md) */
    [ST_CONTACT_LIST] = "SELECT c.id, c.address, c.name, c.lang, "
                        "coalesce(c.org_id, 0), c.created_at FROM contact c "
                        "WHERE c.id > ?1 AND (CAST(?3 AS bigint) IS NULL OR EXISTS (SELECT 1 "
                        "FROM ticket t WHERE t.requester_id = c.id AND "
                        STORE_TICKET_GRANTED("?3") ")) ORDER BY c.id LIMIT ?2",
    [ST_ATT_GET] = "SELECT a.id, a.message_id, a.filename, a.content_type, "
                   "a.sha256, a.state, a.scan_state, a.size, a.inline, "
                   "a.created_at, m.ticket_id FROM attachment a "
                   "JOIN message m ON m.id = a.message_id WHERE a.id = ?1",
    [ST_MERGE_MOVE] = "UPDATE message SET ticket_id = ?2 WHERE ticket_id = ?1",
    [ST_MERGE_CLOSE] = "UPDATE ticket SET merged_into = ?2, status = "
                       "'closed', updated_at = ?3 WHERE id = ?1",
    [ST_M_STATUS] = "SELECT status, count(*) FROM ticket GROUP BY status",
    [ST_M_CATEGORY] = "SELECT category, count(*) FROM ticket GROUP BY "
                      "category",
    [ST_M_INBOUND] = "SELECT count(*) FROM message WHERE kind = 'inbound' "
                     "AND created_at >= ?1",
    [ST_M_REVIEW] = "SELECT count(*) FROM ticket WHERE needs_review = 1 "
                    "AND status IN ('new', 'open', 'pending')",
    [ST_M_OUTBOX] = "SELECT count(*), coalesce(min(created_at), 0) "
                    "FROM outbox WHERE state = 'queued'",
    [ST_M_OUTBOX_FAILED] = "SELECT count(*) FROM outbox WHERE state = "
                           "'failed'",
    [ST_M_SLA] = "SELECT count(*) FROM ticket WHERE status IN ('new', "
                 "'open', 'pending') AND (sla_first_state = 'breached' OR "
                 "sla_resolve_state = 'breached')",
    [ST_M_BACKUP] = "SELECT coalesce(max(at), 0) FROM backup_log "
                    "WHERE action = 'run' AND ok = 1",
    [ST_M_HOOK_QUEUED] = "SELECT count(*) FROM webhook_delivery "
                         "WHERE state = 'queued'",
    [ST_M_HOOK_FAILED] = "SELECT count(*) FROM webhook_delivery "
                         "WHERE state = 'failed'",
    [ST_M_REPLY_REFUSED] = "SELECT count(*) FROM security_log WHERE kind = "
                           "'reply_refused'",
    [ST_M_DERIVED] = "SELECT count(*) FILTER (WHERE kind = 'skipped'), "
                     "count(*) FILTER (WHERE kind = 'review' AND "
                     "field = 'degraded') FROM event WHERE kind IN ('skipped', 'review')",
    [ST_HEARTBEAT] = "SELECT at FROM heartbeat WHERE program = ?1",
    [ST_HOOK_ADD] = "INSERT INTO webhook(url, events, secret, created_at) "
                    "VALUES (?1, ?2, ?3, ?4) RETURNING id",
    [ST_HOOK_LIST] = "SELECT id, url, events, secret, disabled, created_at "
                     "FROM webhook ORDER BY id",
    [ST_HOOK_ENQUEUE] =
        "INSERT INTO webhook_delivery(webhook_id, event, ticket_number, "
        "payload, next_attempt_at, created_at) "
        "SELECT id, ?1, ?2, ?3, ?4, ?4 FROM webhook WHERE disabled = 0 "
        "AND instr(',' || events || ',', ',' || ?1 || ',') > 0",
    [ST_HOOK_DUE] = "SELECT d.id, d.webhook_id, coalesce(d.ticket_number, "
                    "0), d.event, d.payload, w.url, w.secret, d.attempts "
                    "FROM webhook_delivery d JOIN webhook w ON "
                    "w.id = d.webhook_id WHERE d.state = 'queued' AND "
                    "d.next_attempt_at <= ?1 ORDER BY d.next_attempt_at, "
                    "d.id LIMIT ?2",
    [ST_HOOK_MARK] = "UPDATE webhook_delivery SET state = ?2, attempts = "
                     "attempts + 1, next_attempt_at = ?3, last_status = ?4, "
                     "last_error = ?5, delivered_at = CASE WHEN ?2 = 'sent' "
                     "THEN CAST(?6 AS bigint) END WHERE id = ?1",
    /* The due condition again: a second worker (another process or node)
     * that read the row before this claim committed changes nothing.  On
     * PostgreSQL (READ COMMITTED) the second UPDATE waits for the first
     * and re-reads the row, so the same holds. */
    [ST_HOOK_CLAIM] = "UPDATE webhook_delivery SET next_attempt_at = ?3 "
                      "WHERE id = ?1 AND state = 'queued' AND "
                      "next_attempt_at <= ?2",
};

/* ---- tokens ------------------------------------------------------------ */

int hd_store_api_token_add(struct hd_store *st, int64_t user_id,
                           const char *token_hash, const char *scope,
                           const char *allow_ips, int64_t expires_at,
                           int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TOKEN_ADD]);
    store_bind_int64(s, 1, user_id);
    store_bind_text(s, 2, token_hash);
    store_bind_text(s, 3, scope);
    store_bind_text(s, 4, allow_ips ? allow_ips : "");
    store_bind_int64(s, 5, hd_clock_now());
    store_bind_id(s, 6, expires_at);
    return store_insert(st, s, id_r, err);
}

static void token_fill(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_api_token *t = out;
    t->id = store_col_int64(s, 0);
    t->user_id = store_col_int64(s, 1);
    t->user_email = store_col_text(s, 2, a);
    t->user_role = store_col_text(s, 3, a);
    t->user_disabled = store_col_int(s, 4) != 0;
    t->scope = store_col_text(s, 5, a);
    t->allow_ips = store_col_text(s, 6, a);
    t->created_at = store_col_int64(s, 7);
    t->expires_at = store_col_int64(s, 8);
    t->revoked_at = store_col_int64(s, 9);
    t->last_used_at = store_col_int64(s, 10);
    t->last_used_ip = store_col_text(s, 11, a);
}

/* Steps s once into out with fill: 1 row / 0 none / -1; s is reset. */
static int step_one(struct hd_store *st, struct store_q *s, struct hd_arena *a,
                    void (*fill)(struct store_q *, struct hd_arena *, void *),
                    void *out, struct hd_error *err)
{
    int rc = store_step(s);
    if (rc == STORE_ROW)
        fill(s, a, out);
    store_reset(s);
    if (rc == STORE_ROW)
        return 1;
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_api_token_find(struct hd_store *st, const char *token_hash,
                            struct hd_arena *a, struct hd_api_token *t_r,
                            struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TOKEN_FIND]);
    store_bind_text(s, 1, token_hash);
    return step_one(st, s, a, token_fill, t_r, err);
}

int hd_store_api_token_list(struct hd_store *st, struct hd_arena *a,
                            struct hd_api_token **ts_r, size_t *n_r,
                            struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TOKEN_LIST]);
    return store_collect(st, s, a, sizeof **ts_r, token_fill, (void **)ts_r,
                         n_r, err);
}

int hd_store_api_token_revoke(struct hd_store *st, int64_t id, int64_t at,
                              struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TOKEN_REVOKE]);
    store_bind_int64(s, 1, id);
    store_bind_int64(s, 2, at);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0 ? 1 : 0;
}

int hd_store_api_token_touch(struct hd_store *st, int64_t id, int64_t at,
                             const char *ip, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TOKEN_TOUCH]);
    store_bind_int64(s, 1, id);
    store_bind_int64(s, 2, at);
    store_bind_text(s, 3, ip);
    return store_exec_done(st, s, err);
}

/* ---- idempotency ------------------------------------------------------- */

int hd_store_api_idem_get(struct hd_store *st, int64_t token_id,
                          const char *key, int64_t since, struct hd_arena *a,
                          int *status_r, char **body_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_IDEM_GET]);
    store_bind_int64(s, 1, token_id);
    store_bind_text(s, 2, key);
    store_bind_int64(s, 3, since);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        *status_r = store_col_int(s, 0);
        *body_r = store_col_text(s, 1, a);
    }
    store_reset(s);
    if (rc == STORE_ROW)
        return 1;
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_api_idem_put(struct hd_store *st, int64_t token_id,
                          const char *key, int status, const char *body,
                          int64_t at, int64_t expire_before,
                          struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_IDEM_EXPIRE]);
    store_bind_int64(s, 1, expire_before);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    s = store_stmt(st, &sql[ST_IDEM_PUT]);
    store_bind_int64(s, 1, token_id);
    store_bind_text(s, 2, key);
    store_bind_int(s, 3, status);
    store_bind_text(s, 4, body);
    store_bind_int64(s, 5, at);
    return store_exec_done(st, s, err);
}

/* ---- directory and tickets -------------------------------------------- */

static void contact_fill(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_contact *c = out;
    c->id = store_col_int64(s, 0);
    c->address = store_col_text(s, 1, a);
    c->name = store_col_text(s, 2, a);
    c->lang = store_col_text(s, 3, a);
    c->org_id = store_col_int64(s, 4);
    c->created_at = store_col_int64(s, 5);
}

int hd_store_api_contact_list(struct hd_store *st, int64_t after_id,
                              size_t limit, int64_t visible_to_user,
                              struct hd_arena *a, struct hd_contact **cs_r,
                              size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CONTACT_LIST]);
    store_bind_int64(s, 1, after_id);
    store_bind_int64(s, 2, (int64_t)limit);
    store_bind_id(s, 3, visible_to_user);
    return store_collect(st, s, a, sizeof **cs_r, contact_fill, (void **)cs_r,
                         n_r, err);
}

int hd_store_api_attachment_get(struct hd_store *st, int64_t id,
                                struct hd_arena *a, struct hd_attachment *at_r,
                                int64_t *ticket_id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ATT_GET]);
    store_bind_int64(s, 1, id);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        at_r->id = store_col_int64(s, 0);
        at_r->message_id = store_col_int64(s, 1);
        at_r->filename = store_col_text(s, 2, a);
        at_r->content_type = store_col_text(s, 3, a);
        at_r->sha256 = store_col_text(s, 4, a);
        at_r->state = store_col_text(s, 5, a);
        at_r->scan_state = store_col_text(s, 6, a);
        at_r->size = store_col_int64(s, 7);
        at_r->inline_ = store_col_int(s, 8) != 0;
        at_r->created_at = store_col_int64(s, 9);
        *ticket_id_r = store_col_int64(s, 10);
    }
    store_reset(s);
    if (rc == STORE_ROW)
        return 1;
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_api_ticket_merge(struct hd_store *st, int64_t from_id,
                              int64_t into_id, const char *actor,
                              struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_MERGE_MOVE]);
    store_bind_int64(s, 1, from_id);
    store_bind_int64(s, 2, into_id);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    s = store_stmt(st, &sql[ST_MERGE_CLOSE]);
    store_bind_int64(s, 1, from_id);
    store_bind_int64(s, 2, into_id);
    store_bind_int64(s, 3, hd_clock_now());
    if (store_exec_done(st, s, err) < 0)
        return -1;
    char from_txt[24], into_txt[24];
    snprintf(from_txt, sizeof from_txt, "%lld", (long long)from_id);
    snprintf(into_txt, sizeof into_txt, "%lld", (long long)into_id);
    if (hd_store_event_add(st, from_id, actor, "merged", "merged_into", NULL,
                           into_txt, "messages moved", err) < 0)
        return -1;
    return hd_store_event_add(st, into_id, actor, "merged", "merged_from",
                              NULL, from_txt, "", err);
}

/* ---- operations -------------------------------------------------------- */

/* Runs a one-row statement of up to two integer columns. */
static int one_row(struct hd_store *st, int which, int64_t bind1,
                   int64_t *c0, int64_t *c1, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[which]);
    if (store_bind_count(s) > 0)
        store_bind_int64(s, 1, bind1);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        *c0 = store_col_int64(s, 0);
        if (c1 != NULL)
            *c1 = store_col_int64(s, 1);
    }
    store_reset(s);
    return rc == STORE_ROW ? 0 : store_fail(st, rc, err);
}

static int count_by_name(struct hd_store *st, int which, bool status,
                         int64_t *out, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[which]);
    int rc;
    while ((rc = store_step(s)) == STORE_ROW) {
        const char *name = store_col_str(s, 0);
        int64_t n = store_col_int64(s, 1);
        enum hd_status su;
        enum hd_category ca;
        if (status && hd_status_parse(name, &su, NULL) == 0)
            out[su] = n;
        else if (!status && hd_category_parse(name, &ca, NULL) == 0)
            out[ca] = n;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_api_metrics(struct hd_store *st, int64_t now,
                         struct hd_api_metrics *m, struct hd_error *err)
{
    memset(m, 0, sizeof *m);
    if (count_by_name(st, ST_M_STATUS, true, m->by_status, err) < 0 ||
        count_by_name(st, ST_M_CATEGORY, false, m->by_category, err) < 0 ||
        one_row(st, ST_M_INBOUND, now - 86400, &m->inbound_24h, NULL,
                err) < 0 ||
        one_row(st, ST_M_REVIEW, 0, &m->needs_review, NULL, err) < 0 ||
        one_row(st, ST_M_OUTBOX, 0, &m->outbox_depth, &m->outbox_oldest_at,
                err) < 0 ||
        one_row(st, ST_M_OUTBOX_FAILED, 0, &m->outbox_failed, NULL,
                err) < 0 ||
        one_row(st, ST_M_SLA, 0, &m->sla_breached, NULL, err) < 0 ||
        one_row(st, ST_M_BACKUP, 0, &m->backup_ok_at, NULL, err) < 0 ||
        one_row(st, ST_M_HOOK_QUEUED, 0, &m->webhook_queued, NULL, err) < 0 ||
        one_row(st, ST_M_REPLY_REFUSED, 0, &m->reply_refused, NULL, err) < 0 ||
        one_row(st, ST_M_DERIVED, 0, &m->intake_skipped, &m->intake_degraded,
                err) < 0)
        return -1;
    return one_row(st, ST_M_HOOK_FAILED, 0, &m->webhook_failed, NULL, err);
}

int hd_store_api_heartbeat_at(struct hd_store *st, const char *program,
                              int64_t *at_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_HEARTBEAT]);
    store_bind_text(s, 1, program);
    return store_step_id(st, s, at_r, err);
}

/* ---- webhooks ---------------------------------------------------------- */

int hd_store_webhook_add(struct hd_store *st, const char *url,
                         const char *events, const char *secret,
                         int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_HOOK_ADD]);
    store_bind_text(s, 1, url);
    store_bind_text(s, 2, events);
    store_bind_text(s, 3, secret);
    store_bind_int64(s, 4, hd_clock_now());
    return store_insert(st, s, id_r, err);
}

static void hook_fill(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_webhook *w = out;
    w->id = store_col_int64(s, 0);
    w->url = store_col_text(s, 1, a);
    w->events = store_col_text(s, 2, a);
    w->secret = store_col_text(s, 3, a);
    w->disabled = store_col_int(s, 4) != 0;
    w->created_at = store_col_int64(s, 5);
}

int hd_store_webhook_list(struct hd_store *st, struct hd_arena *a,
                          struct hd_webhook **ws_r, size_t *n_r,
                          struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_HOOK_LIST]);
    return store_collect(st, s, a, sizeof **ws_r, hook_fill, (void **)ws_r,
                         n_r, err);
}

int hd_store_webhook_enqueue(struct hd_store *st, const char *event,
                             int64_t ticket_number, const char *payload,
                             int64_t now, int64_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_HOOK_ENQUEUE]);
    store_bind_text(s, 1, event);
    store_bind_id(s, 2, ticket_number);
    store_bind_text(s, 3, payload);
    store_bind_int64(s, 4, now);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    if (n_r != NULL)
        *n_r = store_changes(st);
    return 0;
}

static void delivery_fill(struct store_q *s, struct hd_arena *a, void *out)
{
    struct hd_webhook_delivery *d = out;
    d->id = store_col_int64(s, 0);
    d->webhook_id = store_col_int64(s, 1);
    d->ticket_number = store_col_int64(s, 2);
    d->event = store_col_text(s, 3, a);
    d->payload = store_col_text(s, 4, a);
    d->url = store_col_text(s, 5, a);
    d->secret = store_col_text(s, 6, a);
    d->attempts = store_col_int(s, 7);
}

int hd_store_webhook_due(struct hd_store *st, int64_t now, size_t max,
                         struct hd_arena *a, struct hd_webhook_delivery **ds_r,
                         size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_HOOK_DUE]);
    store_bind_int64(s, 1, now);
    store_bind_int64(s, 2, (int64_t)max);
    return store_collect(st, s, a, sizeof **ds_r, delivery_fill,
                         (void **)ds_r, n_r, err);
}

int hd_store_webhook_claim(struct hd_store *st, int64_t id, int64_t now,
                           int64_t lease_until, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_HOOK_CLAIM]);
    store_bind_int64(s, 1, id);
    store_bind_int64(s, 2, now);
    store_bind_int64(s, 3, lease_until);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0 ? 1 : 0;
}

int hd_store_webhook_mark(struct hd_store *st, int64_t id, const char *state,
                          int64_t next, int http_status, const char *error,
                          int64_t now, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_HOOK_MARK]);
    store_bind_int64(s, 1, id);
    store_bind_text(s, 2, state);
    store_bind_int64(s, 3, next);
    store_bind_id(s, 4, http_status);
    store_bind_text(s, 5, error);
    store_bind_int64(s, 6, now);
    return store_exec_done(st, s, err);
}
