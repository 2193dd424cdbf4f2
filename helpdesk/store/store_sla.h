/* store_sla.h - SLA policies, the outbox and heartbeats. */
#ifndef HD_STORE_SLA_H
#define HD_STORE_SLA_H

#include "store.h"

struct hd_sla_policy {
    int first_response_m, resolution_m;
    bool business_hours;
};

/* The policy for category/priority (exact priority first, then '*'):
 * 1 found / 0 none / -1 error. */
HD_NODISCARD int hd_store_sla_policy(struct hd_store *st, const char *category,
                                     const char *priority,
                                     struct hd_sla_policy *p_r,
                                     struct hd_error *err);

/* One row of sla_policy as stored ('*' priority matches any). */
struct hd_sla_policy_row {
    const char *category, *priority;
    struct hd_sla_policy p;
};

/* Every policy, by category then priority ('*' first); strings in a. */
HD_NODISCARD int hd_store_sla_policy_list(struct hd_store *st,
                                          struct hd_arena *a,
                                          struct hd_sla_policy_row **ps_r,
                                          size_t *n_r, struct hd_error *err);

struct hd_outbox_item {
    int64_t id, ticket_id, message_row;
    const char *kind, *mail_from, *rcpts;
    const char *raw;
    size_t raw_len;
    const char *state;
    int attempts;
    int64_t next_attempt_at, created_at;
    int64_t attempt_at; /* an attempt started then and was never recorded
                           (it may have reached the server); 0: none */
    int resends;        /* times sent again after such an attempt */
};

HD_NODISCARD int hd_store_outbox_add(struct hd_store *st,
                                     const struct hd_outbox_item *it,
                                     int64_t *id_r, struct hd_error *err);
/* Queued items due at 'now', oldest first, at most 'max'; a mail whose
 * message carries a file not (yet) scanned clean is not due. */
HD_NODISCARD int hd_store_outbox_due(struct hd_store *st, int64_t now,
                                     size_t max, struct hd_arena *a,
                                     struct hd_outbox_item **its_r,
                                     size_t *n_r, struct hd_error *err);
/* Marks the start of an attempt (attempt_at = now) and holds the row until
 * lease_until (next_attempt_at), before any SMTP; the caller commits it
 * before sending.  Counts a resend when an earlier attempt was never
 * recorded.  1 claimed / 0 no longer queued and due (another worker took
 * it) / -1 error. */
HD_NODISCARD int hd_store_outbox_claim(struct hd_store *st, int64_t id,
                                       int64_t now, int64_t lease_until,
                                       struct hd_error *err);
/* The outcome of an attempt; clears attempt_at.
 * state: "sent" (sets sent_at), "queued" (retry at next) or "failed". */
HD_NODISCARD int hd_store_outbox_mark(struct hd_store *st, int64_t id,
                                      const char *state, int64_t next,
                                      const char *error,
                                      struct hd_error *err);
/* Items of 'kind' to rcpt created since t (rate limits). */
HD_NODISCARD int hd_store_outbox_count_since(struct hd_store *st,
                                             const char *kind,
                                             const char *rcpt, int64_t since,
                                             int64_t *n_r,
                                             struct hd_error *err);
HD_NODISCARD int hd_store_outbox_depth(struct hd_store *st, int64_t *n_r,
                                       struct hd_error *err);

/* Open tickets whose first response or resolution clock is running and
 * due before 'before' (SLA escalation), at most max. */
HD_NODISCARD int hd_store_ticket_sla_due(struct hd_store *st, int64_t before,
                                         size_t max, struct hd_arena *a,
                                         struct hd_ticket **ts_r, size_t *n_r,
                                         struct hd_error *err);

/* Moves the first response (first) or resolution SLA state of ticket id
 * from 'from' to 'to', only if it is still 'from'.  Inside the caller's
 * transaction.  1 moved / 0 someone else moved it already / -1 error. */
HD_NODISCARD int hd_store_ticket_sla_step(struct hd_store *st, int64_t id,
                                          bool first, const char *from,
                                          const char *to,
                                          struct hd_error *err);

/* The customer link token of a ticket (hash only). */
HD_NODISCARD int hd_store_ticket_set_token(struct hd_store *st,
                                           int64_t ticket_id,
                                           const char *token_hash,
                                           struct hd_error *err);
/* Ticket of a token hash: 1 / 0 / -1. */
HD_NODISCARD int hd_store_ticket_by_token(struct hd_store *st,
                                          const char *token_hash,
                                          int64_t *ticket_id_r,
                                          struct hd_error *err);

HD_NODISCARD int hd_store_heartbeat(struct hd_store *st, const char *program,
                                    int pid, struct hd_error *err);

#endif
