/* store_agent.h - what the agents' workplace keeps: sign-in sessions,
 * lockout state, TOTP secrets and recovery codes, per-user IP
 * allow-lists, who viewed a ticket when, and the queue listing with its
 * SLA order, keyset pages and full-text search.  Policy (timeouts, what
 * a role may do) is the caller's; this file only stores and finds. */
#ifndef HD_STORE_AGENT_H
#define HD_STORE_AGENT_H

#include "auth.h"
#include "totp.h"
#include "store.h"

/* ---- sessions ---------------------------------------------------------- */

enum hd_session_stage { HD_SESSION_PASSWORD, HD_SESSION_FULL };

struct hd_agent_session {
    const char *id_hash; /* SHA-256 hex of the cookie token */
    int64_t user_id;
    enum hd_session_stage stage;
    int64_t created_at, last_seen_at;
};

HD_NODISCARD int hd_store_session_add(struct hd_store *st,
                                      const struct hd_agent_session *s,
                                      const char *ip, struct hd_error *err);
/* 1 found (fills *s_r, strings in a) / 0 absent / -1 error. */
HD_NODISCARD int hd_store_session_get(struct hd_store *st,
                                      const char *id_hash, struct hd_arena *a,
                                      struct hd_agent_session *s_r,
                                      struct hd_error *err);
HD_NODISCARD int hd_store_session_touch(struct hd_store *st,
                                        const char *id_hash, int64_t now,
                                        struct hd_error *err);
HD_NODISCARD int hd_store_session_delete(struct hd_store *st,
                                         const char *id_hash,
                                         struct hd_error *err);
/* Ends every session of the user; *n_r (may be NULL) gets the count. */
HD_NODISCARD int hd_store_session_delete_user(struct hd_store *st,
                                              int64_t user_id, int64_t *n_r,
                                              struct hd_error *err);

/* ---- lockout, last sign-in ---------------------------------------------- */

/* The state for an address tried (zeroed when none is stored). */
HD_NODISCARD int hd_store_lockout_get(struct hd_store *st,
                                      const char *subject,
                                      struct hd_lockout_state *s_r,
                                      struct hd_error *err);
HD_NODISCARD int hd_store_lockout_put(struct hd_store *st,
                                      const char *subject,
                                      const struct hd_lockout_state *s,
                                      struct hd_error *err);
/* Sets last_activity_at (and last_login_at when login) to now. */
HD_NODISCARD int hd_store_user_touch(struct hd_store *st, int64_t user_id,
                                     bool login, int64_t now,
                                     struct hd_error *err);
HD_NODISCARD int hd_store_user_set_password(struct hd_store *st,
                                            int64_t user_id,
                                            const char *hash,
                                            struct hd_error *err);

/* ---- second factor ---------------------------------------------------------- */

struct hd_user_totp {
    const char *secret; /* base32 */
    bool enabled;
    int64_t last_step; /* -1: no code used yet */
};

/* 1 found / 0 none / -1 error. */
HD_NODISCARD int hd_store_totp_get(struct hd_store *st, int64_t user_id,
                                   struct hd_arena *a,
                                   struct hd_user_totp *t_r,
                                   struct hd_error *err);
/* Replaces the user's secret (not enabled, no step used). */
HD_NODISCARD int hd_store_totp_put(struct hd_store *st, int64_t user_id,
                                   const char *secret, struct hd_error *err);
/* Enables the secret and records the step of the code that proved it. */
HD_NODISCARD int hd_store_totp_enable(struct hd_store *st, int64_t user_id,
                                      int64_t step, struct hd_error *err);
HD_NODISCARD int hd_store_totp_set_step(struct hd_store *st, int64_t user_id,
                                        int64_t step, struct hd_error *err);
/* Removes the secret and the recovery codes. */
HD_NODISCARD int hd_store_totp_delete(struct hd_store *st, int64_t user_id,
                                      struct hd_error *err);

/* Replaces the user's recovery codes by hashes[0..n). */
HD_NODISCARD int hd_store_recovery_set(struct hd_store *st, int64_t user_id,
                                       char hashes[][HD_SHA256_HEX_SIZE],
                                       size_t n, struct hd_error *err);
/* The unused hashes (at most HD_RECOVERY_CODES_MAX) into the arena. */
HD_NODISCARD int hd_store_recovery_list(struct hd_store *st, int64_t user_id,
                                        struct hd_arena *a,
                                        char (**hashes_r)[HD_SHA256_HEX_SIZE],
                                        size_t *n_r, struct hd_error *err);
HD_NODISCARD int hd_store_recovery_use(struct hd_store *st, int64_t user_id,
                                       const char *hash,
                                       struct hd_error *err);

/* ---- IP allow-lists ------------------------------------------------------ */

/* The user's list text ("" when none) in the arena. */
HD_NODISCARD int hd_store_user_ips_get(struct hd_store *st, int64_t user_id,
                                       struct hd_arena *a, char **cidrs_r,
                                       struct hd_error *err);
/* Sets ("" removes) the user's list. */
HD_NODISCARD int hd_store_user_ips_set(struct hd_store *st, int64_t user_id,
                                       const char *cidrs,
                                       struct hd_error *err);

/* ---- users page ------------------------------------------------------------- */

HD_NODISCARD int hd_store_user_revoke_queue(struct hd_store *st,
                                            int64_t user_id, int64_t queue_id,
                                            struct hd_error *err);
/* 1 when the user has an enabled second factor, 0 not, -1 error. */
HD_NODISCARD int hd_store_user_has_totp(struct hd_store *st, int64_t user_id,
                                        struct hd_error *err);

/* ---- collision warning ------------------------------------------------------- */

/* Least time between two writes of one agent's view of a ticket: a
 * write per page view would put every ticket view in the queue for the
 * database write lock, while the collision window is minutes. */
#define HD_VIEW_WRITE_SECS 30

/* Id of the newest message of the ticket (0: none). */
HD_NODISCARD int hd_store_ticket_last_message(struct hd_store *st,
                                              int64_t ticket_id,
                                              int64_t *id_r,
                                              struct hd_error *err);

/* ---- the queue --------------------------------------------------------------- */

enum hd_queue_sort { HD_SORT_DUE, HD_SORT_NEWEST };

/* The running SLA clock's due time used for sorting: first response until
 * it happened, then resolution; HD_DUE_NONE when neither is set. */
#define HD_DUE_NONE INT64_MAX
#define HD_SEARCH_TERMS_MAX 16 /* words of a search kept */
#define HD_SEARCH_MAX 400      /* bytes of a search kept */

struct hd_queue_query {
    struct hd_ticket_filter f; /* f.limit rows; f.after_number unused */
    const char *text;          /* full-text search, NULL: none */
    int64_t due_before;        /* 0: any; else running clock due < this */
    enum hd_queue_sort sort;
    /* keyset: rows after this one in the sort order (number 0: top) */
    int64_t after_due, after_number;
};
void hd_queue_query_init(struct hd_queue_query *q);

/* One page of tickets; ts[i] sorted by q->sort.  Only what a queue row
 * shows is joined: org_name and requester_name are NULL. */
HD_NODISCARD int hd_store_queue_page(struct hd_store *st,
                                     const struct hd_queue_query *q,
                                     struct hd_arena *a,
                                     struct hd_ticket **ts_r, size_t *n_r,
                                     struct hd_error *err);
/* Rows matching q (keyset and limit ignored); with a search that many
 * tickets match, an estimate (hd_store_queue_search_count). */
HD_NODISCARD int hd_store_queue_count(struct hd_store *st,
                                      const struct hd_queue_query *q,
                                      int64_t *n_r, struct hd_error *err);
/* The same, and whether *n_r is exact: a search matching more than a few
 * thousand tickets is counted from a sample of the index, rounded to two
 * significant digits ("about 8,100"); nothing is read per match. */
HD_NODISCARD int hd_store_queue_search_count(struct hd_store *st,
                                             const struct hd_queue_query *q,
                                             int64_t *n_r, bool *exact_r,
                                             struct hd_error *err);
/* Reads what the queue search reads (the search index, the tickets, the
 * due index) once, so that after a restart with a cold page cache the
 * first searches do not pay a random read per probe: about 80 MB at
 * 100,000 tickets, read mostly in file order (helpdesk-web at start). */
HD_NODISCARD int hd_store_search_warm(struct hd_store *st,
                                      struct hd_error *err);
/* For tests, which need both plans of the queue search on a few
 * tickets: the index entries a search samples to size its match (0: the
 * default), and the plan it takes (HD_SEARCH_AUTO, or always collect the
 * matches, or always walk the page's order probing each ticket, or always
 * walk it testing each ticket against the set of matching ids). */
enum { HD_SEARCH_AUTO, HD_SEARCH_COLLECT = 2, HD_SEARCH_WALK = 3,
       HD_SEARCH_SET = 4 };
void hd_store_search_tune(struct hd_store *st, int sample, int force);
/* Sort key of a ticket under HD_SORT_DUE. */
int64_t hd_ticket_due(const struct hd_ticket *t);

/* ---- what the web server keeps in memory ------------------------------------ */

/* The counters of agent_generation (schema 0018): auth moves with every
 * end of a session, change of a user's role, name, address, password,
 * language or disabled flag, queue grant and IP allow-list; tickets with
 * every change to what the queue page shows (tickets, tags, queues,
 * assignees' names, requesters' addresses).  Any process, at its commit. */
struct hd_agent_gen {
    int64_t auth, tickets;
};
HD_NODISCARD int hd_store_agent_generation(struct hd_store *st,
                                           struct hd_agent_gen *g_r,
                                           struct hd_error *err);
/* The ids of the queues granted to user_id, ascending, at most max into
 * ids; 1 all read (*n_r of them), 0 more than max, -1 error. */
HD_NODISCARD int hd_store_user_queue_ids(struct hd_store *st,
                                         int64_t user_id, int64_t *ids,
                                         size_t max, size_t *n_r,
                                         struct hd_error *err);

#endif
