/* store_agent.c - see store_agent.h.  Sessions, lockout, second factor,
 * allow-lists and what the web server keeps in memory; the queue listing
 * and its search are store_queue.c. */
#include "store_agent.h"

#include "clock.h"
#include "store_int.h"

#include <stdio.h>
#include <string.h>

enum {
    ST_SESS_ADD, ST_SESS_GET, ST_SESS_TOUCH, ST_SESS_DEL, ST_SESS_DEL_USER,
    ST_LOCK_GET, ST_LOCK_PUT, ST_USER_TOUCH, ST_USER_LOGIN, ST_USER_PW,
    ST_TOTP_GET, ST_TOTP_PUT, ST_TOTP_ENABLE, ST_TOTP_STEP, ST_TOTP_DEL,
    ST_REC_CLEAR, ST_REC_ADD, ST_REC_LIST, ST_REC_USE,
    ST_IPS_GET, ST_IPS_SET, ST_IPS_DEL, ST_REVOKE, ST_HAS_TOTP,
    ST_LAST_MSG, ST_GEN, ST_QUEUE_IDS, ST_COUNT
};

static const char *const sql[ST_COUNT] = {
    [ST_SESS_ADD] = "INSERT INTO agent_session(id_hash, user_id, stage, "
                    "created_at, last_seen_at, ip) VALUES (?1, ?2, ?3, ?4, "
                    "?4, ?5)",
    [ST_SESS_GET] = "SELECT user_id, stage, created_at, last_seen_at FROM "
                    "agent_session WHERE id_hash = ?1",
    [ST_SESS_TOUCH] = "UPDATE agent_session SET last_seen_at = ?2 "
                      "WHERE id_hash = ?1",
    [ST_SESS_DEL] = "DELETE FROM agent_session WHERE id_hash = ?1",
    [ST_SESS_DEL_USER] = "DELETE FROM agent_session WHERE user_id = ?1",
    [ST_LOCK_GET] = "SELECT failures, run_start, last_failure, lockouts, "
                    "locked_until FROM auth_lockout WHERE subject = ?1",
    [ST_LOCK_PUT] = "INSERT INTO auth_lockout(subject, failures, "
                    "run_start, last_failure, lockouts, locked_until) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(subject) "
                    "DO UPDATE SET subject = excluded.subject, "
                    "failures = excluded.failures, "
                    "run_start = excluded.run_start, "
                    "last_failure = excluded.last_failure, "
                    "lockouts = excluded.lockouts, "
                    "locked_until = excluded.locked_until",
    [ST_USER_TOUCH] = "UPDATE \"user\" SET last_activity_at = ?2 WHERE id = ?1",
    [ST_USER_LOGIN] = "UPDATE \"user\" SET last_activity_at = ?2, "
                      "last_login_at = ?2 WHERE id = ?1",
    [ST_USER_PW] = "UPDATE \"user\" SET password_hash = ?2 WHERE id = ?1",
    [ST_TOTP_GET] = "SELECT secret, enabled, last_step FROM user_totp "
                    "WHERE user_id = ?1",
    [ST_TOTP_PUT] = "INSERT INTO user_totp(user_id, secret, "
                    "enabled, last_step, created_at) VALUES (?1, ?2, 0, -1, "
                    "?3) ON CONFLICT(user_id) DO UPDATE SET "
                    "secret = excluded.secret, enabled = 0, last_step = -1, "
                    "created_at = excluded.created_at",
    [ST_TOTP_ENABLE] = "UPDATE user_totp SET enabled = 1, last_step = ?2 "
                       "WHERE user_id = ?1",
    [ST_TOTP_STEP] = "UPDATE user_totp SET last_step = ?2 WHERE user_id = ?1",
    [ST_TOTP_DEL] = "DELETE FROM user_totp WHERE user_id = ?1",
    [ST_REC_CLEAR] = "DELETE FROM user_recovery_code WHERE user_id = ?1",
    [ST_REC_ADD] = "INSERT INTO user_recovery_code(user_id, hash) "
                   "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    [ST_REC_LIST] = "SELECT hash FROM user_recovery_code WHERE user_id = ?1 "
                    "LIMIT ?2",
    [ST_REC_USE] = "DELETE FROM user_recovery_code WHERE user_id = ?1 AND "
                   "hash = ?2",
    [ST_IPS_GET] = "SELECT cidrs FROM user_ip_allow WHERE user_id = ?1",
    [ST_IPS_SET] = "INSERT INTO user_ip_allow(user_id, cidrs) "
                   "VALUES (?1, ?2) ON CONFLICT(user_id) DO UPDATE SET "
                   "cidrs = excluded.cidrs",
    [ST_IPS_DEL] = "DELETE FROM user_ip_allow WHERE user_id = ?1",
    [ST_REVOKE] = "DELETE FROM user_queue WHERE user_id = ?1 AND "
                  "queue_id = ?2",
    [ST_HAS_TOTP] = "SELECT enabled FROM user_totp WHERE user_id = ?1 AND "
                    "enabled = 1",
    [ST_LAST_MSG] = "SELECT coalesce(max(id), 0) FROM message "
                    "WHERE ticket_id = ?1",
    [ST_GEN] = "SELECT auth, tickets FROM agent_generation WHERE id = 1",
    [ST_QUEUE_IDS] = "SELECT queue_id FROM user_queue WHERE user_id = ?1 "
                     "ORDER BY queue_id",
};

static struct store_q *stmt(struct hd_store *st, int which)
{
    return store_stmt(st, &sql[which]);
}

/* ---- sessions ---------------------------------------------------------- */

int hd_store_session_add(struct hd_store *st, const struct hd_agent_session *s,
                         const char *ip, struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_SESS_ADD);
    store_bind_text(q, 1, s->id_hash);
    store_bind_int64(q, 2, s->user_id);
    store_bind_text(q, 3, s->stage == HD_SESSION_FULL ? "full" : "password");
    store_bind_int64(q, 4, s->created_at);
    store_bind_text(q, 5, ip ? ip : "");
    return store_exec_done(st, q, err);
}

int hd_store_session_get(struct hd_store *st, const char *id_hash,
                         struct hd_arena *a, struct hd_agent_session *s_r,
                         struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_SESS_GET);
    store_bind_text(q, 1, id_hash);
    int rc = store_step(q);
    if (rc == STORE_ROW) {
        s_r->id_hash = hd_arena_strdup(a, id_hash);
        s_r->user_id = store_col_int64(q, 0);
        s_r->stage = strcmp(store_col_str(q, 1),
                            "full") == 0
                         ? HD_SESSION_FULL
                         : HD_SESSION_PASSWORD;
        s_r->created_at = store_col_int64(q, 2);
        s_r->last_seen_at = store_col_int64(q, 3);
    }
    store_reset(q);
    if (rc == STORE_ROW)
        return 1;
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_session_touch(struct hd_store *st, const char *id_hash,
                           int64_t now, struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_SESS_TOUCH);
    store_bind_text(q, 1, id_hash);
    store_bind_int64(q, 2, now);
    return store_exec_done(st, q, err);
}

int hd_store_session_delete(struct hd_store *st, const char *id_hash,
                            struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_SESS_DEL);
    store_bind_text(q, 1, id_hash);
    return store_exec_done(st, q, err);
}

int hd_store_session_delete_user(struct hd_store *st, int64_t user_id,
                                 int64_t *n_r, struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_SESS_DEL_USER);
    store_bind_int64(q, 1, user_id);
    if (store_exec_done(st, q, err) < 0)
        return -1;
    if (n_r != NULL)
        *n_r = store_changes(st);
    return 0;
}

/* ---- lockout, last sign-in ---------------------------------------------- */

int hd_store_lockout_get(struct hd_store *st, const char *subject,
                         struct hd_lockout_state *s_r, struct hd_error *err)
{
    memset(s_r, 0, sizeof *s_r);
    struct store_q *q = stmt(st, ST_LOCK_GET);
    store_bind_text(q, 1, subject);
    int rc = store_step(q);
    if (rc == STORE_ROW) {
        s_r->failures = store_col_int(q, 0);
        s_r->run_start = store_col_int64(q, 1);
        s_r->last_failure = store_col_int64(q, 2);
        s_r->lockouts = store_col_int(q, 3);
        s_r->locked_until = store_col_int64(q, 4);
    }
    store_reset(q);
    return rc == STORE_ROW || rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_lockout_put(struct hd_store *st, const char *subject,
                         const struct hd_lockout_state *s,
                         struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_LOCK_PUT);
    store_bind_text(q, 1, subject);
    store_bind_int(q, 2, s->failures);
    store_bind_int64(q, 3, s->run_start);
    store_bind_int64(q, 4, s->last_failure);
    store_bind_int(q, 5, s->lockouts);
    store_bind_int64(q, 6, s->locked_until);
    return store_exec_done(st, q, err);
}

int hd_store_user_touch(struct hd_store *st, int64_t user_id, bool login,
                        int64_t now, struct hd_error *err)
{
    struct store_q *q = stmt(st, login ? ST_USER_LOGIN : ST_USER_TOUCH);
    store_bind_int64(q, 1, user_id);
    store_bind_int64(q, 2, now);
    return store_exec_done(st, q, err);
}

int hd_store_user_set_password(struct hd_store *st, int64_t user_id,
                               const char *hash, struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_USER_PW);
    store_bind_int64(q, 1, user_id);
    store_bind_text(q, 2, hash);
    return store_exec_done(st, q, err);
}

/* ---- second factor ---------------------------------------------------------- */

int hd_store_totp_get(struct hd_store *st, int64_t user_id, struct hd_arena *a,
                      struct hd_user_totp *t_r, struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_TOTP_GET);
    store_bind_int64(q, 1, user_id);
    int rc = store_step(q);
    if (rc == STORE_ROW) {
        t_r->secret = store_col_text(q, 0, a);
        t_r->enabled = store_col_int(q, 1) != 0;
        t_r->last_step = store_col_int64(q, 2);
    }
    store_reset(q);
    if (rc == STORE_ROW)
        return 1;
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_totp_put(struct hd_store *st, int64_t user_id, const char *secret,
                      struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_TOTP_PUT);
    store_bind_int64(q, 1, user_id);
    store_bind_text(q, 2, secret);
    store_bind_int64(q, 3, hd_clock_now());
    return store_exec_done(st, q, err);
}

static int user_step(struct hd_store *st, int which, int64_t user_id,
                     int64_t step, struct hd_error *err)
{
    struct store_q *q = stmt(st, which);
    store_bind_int64(q, 1, user_id);
    store_bind_int64(q, 2, step);
    return store_exec_done(st, q, err);
}

int hd_store_totp_enable(struct hd_store *st, int64_t user_id, int64_t step,
                         struct hd_error *err)
{
    return user_step(st, ST_TOTP_ENABLE, user_id, step, err);
}

int hd_store_totp_set_step(struct hd_store *st, int64_t user_id, int64_t step,
                           struct hd_error *err)
{
    return user_step(st, ST_TOTP_STEP, user_id, step, err);
}

static int user_only(struct hd_store *st, int which, int64_t user_id,
                     struct hd_error *err)
{
    struct store_q *q = stmt(st, which);
    store_bind_int64(q, 1, user_id);
    return store_exec_done(st, q, err);
}

int hd_store_totp_delete(struct hd_store *st, int64_t user_id,
                         struct hd_error *err)
{
    if (user_only(st, ST_TOTP_DEL, user_id, err) < 0)
        return -1;
    return user_only(st, ST_REC_CLEAR, user_id, err);
}

int hd_store_recovery_set(struct hd_store *st, int64_t user_id,
                          char hashes[][HD_SHA256_HEX_SIZE], size_t n,
                          struct hd_error *err)
{
    if (user_only(st, ST_REC_CLEAR, user_id, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct store_q *q = stmt(st, ST_REC_ADD);
        store_bind_int64(q, 1, user_id);
        store_bind_text(q, 2, hashes[i]);
        if (store_exec_done(st, q, err) < 0)
            return -1;
    }
    return 0;
}

int hd_store_recovery_list(struct hd_store *st, int64_t user_id,
                           struct hd_arena *a,
                           char (**hashes_r)[HD_SHA256_HEX_SIZE], size_t *n_r,
                           struct hd_error *err)
{
    char(*hs)[HD_SHA256_HEX_SIZE] =
        hd_arena_alloc(a, HD_RECOVERY_CODES_MAX * sizeof *hs);
    size_t n = 0;
    struct store_q *q = stmt(st, ST_REC_LIST);
    store_bind_int64(q, 1, user_id);
    store_bind_int(q, 2, HD_RECOVERY_CODES_MAX);
    int rc;
    while ((rc = store_step(q)) == STORE_ROW && n < HD_RECOVERY_CODES_MAX) {
        const char *h = store_col_str(q, 0);
        snprintf(hs[n++], HD_SHA256_HEX_SIZE, "%s", h ? h : "");
    }
    store_reset(q);
    if (rc != STORE_DONE && rc != STORE_ROW)
        return store_fail(st, rc, err);
    *hashes_r = hs;
    *n_r = n;
    return 0;
}

int hd_store_recovery_use(struct hd_store *st, int64_t user_id,
                          const char *hash, struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_REC_USE);
    store_bind_int64(q, 1, user_id);
    store_bind_text(q, 2, hash);
    return store_exec_done(st, q, err);
}

/* ---- IP allow-lists, users page ----------------------------------------------- */

int hd_store_user_ips_get(struct hd_store *st, int64_t user_id,
                          struct hd_arena *a, char **cidrs_r,
                          struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_IPS_GET);
    store_bind_int64(q, 1, user_id);
    int rc = store_step(q);
    *cidrs_r = rc == STORE_ROW ? store_col_text(q, 0, a)
                                : hd_arena_strdup(a, "");
    store_reset(q);
    return rc == STORE_ROW || rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_user_ips_set(struct hd_store *st, int64_t user_id,
                          const char *cidrs, struct hd_error *err)
{
    if (cidrs == NULL || *cidrs == '\0')
        return user_only(st, ST_IPS_DEL, user_id, err);
    struct store_q *q = stmt(st, ST_IPS_SET);
    store_bind_int64(q, 1, user_id);
    store_bind_text(q, 2, cidrs);
    return store_exec_done(st, q, err);
}

int hd_store_user_revoke_queue(struct hd_store *st, int64_t user_id,
                               int64_t queue_id, struct hd_error *err)
{
    int rc = user_step(st, ST_REVOKE, user_id, queue_id, err);
    store_count_changed(st); /* user_queue is WITHOUT ROWID */
    return rc;
}

int hd_store_user_has_totp(struct hd_store *st, int64_t user_id,
                           struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_HAS_TOTP);
    store_bind_int64(q, 1, user_id);
    return store_step_id(st, q, NULL, err);
}

/* ---- collision warning ------------------------------------------------------- */

int hd_store_ticket_last_message(struct hd_store *st, int64_t ticket_id,
                                 int64_t *id_r, struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_LAST_MSG);
    store_bind_int64(q, 1, ticket_id);
    *id_r = 0;
    return store_step_id(st, q, id_r, err) < 0 ? -1 : 0;
}

/* ---- what the web server keeps in memory ------------------------------------ */

int hd_store_agent_generation(struct hd_store *st, struct hd_agent_gen *g_r,
                              struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_GEN);
    int rc = store_step(q);
    if (rc == STORE_ROW) {
        g_r->auth = store_col_int64(q, 0);
        g_r->tickets = store_col_int64(q, 1);
    }
    store_reset(q);
    if (rc == STORE_ROW)
        return 0;
    if (rc == STORE_DONE) {
        hd_error_set(err, HD_E_INTERNAL, "agent_generation has no row");
        return -1;
    }
    return store_fail(st, rc, err);
}

int hd_store_user_queue_ids(struct hd_store *st, int64_t user_id,
                            int64_t *ids, size_t max, size_t *n_r,
                            struct hd_error *err)
{
    struct store_q *q = stmt(st, ST_QUEUE_IDS);
    store_bind_int64(q, 1, user_id);
    size_t n = 0;
    int rc;
    while ((rc = store_step(q)) == STORE_ROW && n < max)
        ids[n++] = store_col_int64(q, 0);
    store_reset(q);
    if (rc != STORE_ROW && rc != STORE_DONE)
        return store_fail(st, rc, err);
    *n_r = n;
    return rc == STORE_DONE ? 1 : 0;
}
