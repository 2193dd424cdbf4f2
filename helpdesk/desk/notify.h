/* notify.h - agents hear about their tickets: who is told what, and the
 * mail that tells them.
 *
 * The desk calls hd_notify_event() and hd_notify_mentions() inside the
 * transaction of the change that causes them (desk.c), so nothing is
 * told that did not happen and nothing that happened is lost:
 *
 *   assigned    a ticket is given to me by someone else or a routing rule
 *   answered    the customer writes again on a ticket assigned to me
 *               (never for automatic mail: auto-replies, bounces, lists,
 *               our own mail coming back, held spam)
 *   mentioned   an internal note names me as @login, login being the
 *               part of my address before '@' (any case)
 *   new_ticket  a ticket opens in a queue I opted in to (held spam never)
 *
 * Never to the agent who acted, never about a ticket the agent may not
 * see (admin, or granted its queue), never to a disabled user.
 *
 * Mail goes through the outbox (retries, once only).  The digest rule:
 * the worker mails an agent once the oldest unmailed notification is
 * support.notify_digest_seconds old; everything that arrived for that
 * agent meanwhile goes in the same mail (one notification: a mail about
 * that ticket; several: one digest listing them, at most
 * HD_NOTIFY_DIGEST_MAX, the rest in the next). */
#ifndef HD_NOTIFY_H
#define HD_NOTIFY_H

#include "compose.h"
#include "instance.h"
#include "store_notify.h"

#define HD_NOTIFY_EXCERPT 200     /* bytes of what was said, in a row */
#define HD_NOTIFY_MENTIONS_MAX 20 /* distinct @names read from one note */
#define HD_NOTIFY_DIGEST_MAX 50   /* notifications in one mail */
#define HD_NOTIFY_USERS_MAX 200   /* agents mailed per worker tick */

/* One event for one agent. */
struct hd_notify_event {
    const struct hd_ticket *t;
    const char *kind;       /* "assigned", "answered", "mentioned",
                               "new_ticket" */
    int64_t user_id;        /* who is told */
    int64_t actor_user_id;  /* who acted (0: the customer, a rule) */
    const char *by_name;    /* who acted, as shown */
    const char *excerpt;    /* what was said (cut here), or NULL */
};

/* Records e unless its agent is the actor or may not see the ticket. */
HD_NODISCARD int hd_notify_event(struct hd_store *st,
                                 const struct hd_notify_event *e,
                                 struct hd_arena *a, struct hd_error *err);

/* Every distinct @login in body (see above), as "mentioned" events. */
HD_NODISCARD int hd_notify_mentions(struct hd_store *st,
                                    const struct hd_ticket *t,
                                    const char *body, int64_t actor_user_id,
                                    const char *by_name, struct hd_arena *a,
                                    struct hd_error *err);

/* Every agent opted in to t's queue, as "new_ticket" events. */
HD_NODISCARD int hd_notify_new_ticket(struct hd_store *st,
                                      const struct hd_ticket *t,
                                      int64_t actor_user_id,
                                      const char *by_name,
                                      const char *excerpt,
                                      struct hd_arena *a,
                                      struct hd_error *err);

/* The headers of the mail telling u about ns[0..n) (n >= 1): from, to,
 * subject (the ticket's tag for one, a count for a digest), Message-ID,
 * Auto-Submitted, X-Loop, X-Helpdesk-Notify (the kind, or "digest") and,
 * when reply_to is not NULL, Reply-To: the agent's reply address of the
 * ticket (reply_addr.h), so answering the mail answers the customer.
 * The one place they are decided: the body
 * is the caller's.  Strings live in arena a. */
void hd_notify_headers(const struct hd_config *cfg, const struct hd_user *u,
                       const struct hd_notification *ns, size_t n,
                       const char *reply_to, struct hd_arena *a,
                       struct hd_out_msg *m_r);

/* The worker: mails every agent whose digest window is over, one
 * transaction per agent (the outbox row and the rows marked mailed
 * together).  *mails_r counts the mails queued. */
HD_NODISCARD int hd_notify_mail_run(struct hd_instance *inst,
                                    struct hd_store *st, int64_t now,
                                    size_t *mails_r, struct hd_error *err);

#endif
