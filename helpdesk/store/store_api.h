/* store_api.h - store verbs for the JSON API and operations: API tokens,
 * idempotency records, contacts by page, attachments by id, ticket
 * merging, the numbers /metrics and /readyz report, and outgoing webhooks
 * with their delivery queue.  Strings in returned records live in the
 * arena passed to the call. */
#ifndef HD_STORE_API_H
#define HD_STORE_API_H

#include "store.h"

/* ---- API tokens -------------------------------------------------------- */

struct hd_api_token {
    int64_t id, user_id;
    const char *user_email, *user_role; /* owner's current role */
    bool user_disabled;
    const char *scope;     /* "read", "write", "admin" */
    const char *allow_ips; /* CIDR list; "" allows any */
    int64_t created_at;
    int64_t expires_at, revoked_at, last_used_at; /* 0: never */
    const char *last_used_ip;                      /* NULL: never used */
};

HD_NODISCARD int hd_store_api_token_add(struct hd_store *st, int64_t user_id,
                                        const char *token_hash,
                                        const char *scope,
                                        const char *allow_ips,
                                        int64_t expires_at, int64_t *id_r,
                                        struct hd_error *err);
/* The token with this hash, revoked or not: 1 found / 0 absent / -1. */
HD_NODISCARD int hd_store_api_token_find(struct hd_store *st,
                                         const char *token_hash,
                                         struct hd_arena *a,
                                         struct hd_api_token *t_r,
                                         struct hd_error *err);
HD_NODISCARD int hd_store_api_token_list(struct hd_store *st,
                                         struct hd_arena *a,
                                         struct hd_api_token **ts_r,
                                         size_t *n_r, struct hd_error *err);
/* 1 revoked now / 0 no such token or already revoked / -1. */
HD_NODISCARD int hd_store_api_token_revoke(struct hd_store *st, int64_t id,
                                           int64_t at, struct hd_error *err);
/* Records the time and address of a use. */
HD_NODISCARD int hd_store_api_token_touch(struct hd_store *st, int64_t id,
                                          int64_t at, const char *ip,
                                          struct hd_error *err);

/* ---- idempotency ------------------------------------------------------- */

/* The stored answer for (token, key) made at or after 'since':
 * 1 found / 0 absent / -1. */
HD_NODISCARD int hd_store_api_idem_get(struct hd_store *st, int64_t token_id,
                                       const char *key, int64_t since,
                                       struct hd_arena *a, int *status_r,
                                       char **body_r, struct hd_error *err);
/* Drops records older than 'expire_before' and stores an answer;
 * HD_E_EXISTS when the key is already taken (a concurrent retry). */
HD_NODISCARD int hd_store_api_idem_put(struct hd_store *st, int64_t token_id,
                                       const char *key, int status,
                                       const char *body, int64_t at,
                                       int64_t expire_before,
                                       struct hd_error *err);

/* ---- directory and tickets -------------------------------------------- */

/* Contacts with id > after_id, by id, at most limit: every contact
 * (visible_to_user 0), or only the requesters of a ticket in a queue
 * granted to that user. */
HD_NODISCARD int hd_store_api_contact_list(struct hd_store *st,
                                           int64_t after_id, size_t limit,
                                           int64_t visible_to_user,
                                           struct hd_arena *a,
                                           struct hd_contact **cs_r,
                                           size_t *n_r, struct hd_error *err);
/* An attachment and the ticket of its message: 1 / 0 / -1. */
HD_NODISCARD int hd_store_api_attachment_get(struct hd_store *st, int64_t id,
                                             struct hd_arena *a,
                                             struct hd_attachment *at_r,
                                             int64_t *ticket_id_r,
                                             struct hd_error *err);
/* Moves the messages of ticket 'from' to 'into', closes 'from' with
 * merged_into set, and records events on both (inside the caller's
 * transaction). */
HD_NODISCARD int hd_store_api_ticket_merge(struct hd_store *st,
                                           int64_t from_id, int64_t into_id,
                                           const char *actor,
                                           struct hd_error *err);

/* ---- operations -------------------------------------------------------- */

struct hd_api_metrics {
    int64_t by_status[HD_STATUS_COUNT];
    int64_t by_category[HD_CAT_COUNT];
    int64_t inbound_24h;        /* inbound messages in the last 24 h */
    int64_t needs_review;       /* tickets from mail we could not parse */
    int64_t outbox_depth;       /* queued mails */
    int64_t outbox_oldest_at;   /* created_at of the oldest queued; 0 */
    int64_t outbox_failed;      /* mails given up on */
    int64_t sla_breached;       /* open tickets with a breached clock */
    int64_t backup_ok_at;       /* newest successful backup run; 0 none */
    int64_t webhook_queued, webhook_failed;
    int64_t intake_skipped;     /* derived work skipped ("skipped" events:
                                   webhook, acknowledgement, alert) */
    int64_t intake_degraded;    /* mail stored the degraded way (a
                                   "review" event, field "degraded") */
    int64_t reply_refused;      /* mail to a reply address refused (its
                                   security-log rows still kept) */
};

HD_NODISCARD int hd_store_api_metrics(struct hd_store *st, int64_t now,
                                      struct hd_api_metrics *m,
                                      struct hd_error *err);
/* Time of the last heartbeat of program: 1 / 0 never / -1. */
HD_NODISCARD int hd_store_api_heartbeat_at(struct hd_store *st,
                                           const char *program,
                                           int64_t *at_r,
                                           struct hd_error *err);

/* ---- webhooks ---------------------------------------------------------- */

struct hd_webhook {
    int64_t id;
    const char *url, *events, *secret;
    bool disabled;
    int64_t created_at;
};

HD_NODISCARD int hd_store_webhook_add(struct hd_store *st, const char *url,
                                      const char *events, const char *secret,
                                      int64_t *id_r, struct hd_error *err);
HD_NODISCARD int hd_store_webhook_list(struct hd_store *st,
                                       struct hd_arena *a,
                                       struct hd_webhook **ws_r, size_t *n_r,
                                       struct hd_error *err);
/* Queues one delivery per enabled webhook subscribed to 'event'; the
 * count in *n_r (may be NULL). */
HD_NODISCARD int hd_store_webhook_enqueue(struct hd_store *st,
                                          const char *event,
                                          int64_t ticket_number,
                                          const char *payload, int64_t now,
                                          int64_t *n_r, struct hd_error *err);

struct hd_webhook_delivery {
    int64_t id, webhook_id, ticket_number;
    const char *event, *payload, *url, *secret;
    int attempts;
};

/* Queued deliveries due at 'now', oldest first, at most max. */
HD_NODISCARD int hd_store_webhook_due(struct hd_store *st, int64_t now,
                                      size_t max, struct hd_arena *a,
                                      struct hd_webhook_delivery **ds_r,
                                      size_t *n_r, struct hd_error *err);
/* Holds a due delivery until lease_until (its next_attempt_at) before it
 * is posted, so that no other worker posts it meanwhile; the caller
 * commits before posting.  1 claimed / 0 no longer queued and due
 * (another worker took it) / -1 error. */
HD_NODISCARD int hd_store_webhook_claim(struct hd_store *st, int64_t id,
                                        int64_t now, int64_t lease_until,
                                        struct hd_error *err);
/* state "sent", "queued" (retry at next) or "failed"; http_status 0 when
 * no answer; error may be NULL. */
HD_NODISCARD int hd_store_webhook_mark(struct hd_store *st, int64_t id,
                                       const char *state, int64_t next,
                                       int http_status, const char *error,
                                       int64_t now, struct hd_error *err);

#endif
