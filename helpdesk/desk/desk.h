/* desk.h - ticket operations: the one place where a ticket changes.
 *
 * An operation writes everything the change means, in one transaction:
 * the ticket row and its history events (store.h), the SLA clocks
 * (sla.h), an audit row (audit.h), the webhook event (webhook.h) and any
 * mail to send (outbound.h).  Every entry point -- mail intake, the
 * agents' pages and bulk actions, the JSON API, the customer's page, the
 * worker, the admin CLI -- changes a ticket through these functions and
 * nothing else; none calls the store's generic setter.
 *
 * What each operation records, whoever calls it (audit rows carry the
 * ticket as "ticket:NUMBER"; "update" rows hold status, priority,
 * category, assignee and queue before and after):
 *
 *   operation    history             audit           webhook       SLA
 *   open         created, routed     ticket.create   created       started
 *   set          field (one each)    ticket.update   updated       new
 *                                                                  targets
 *                                                                  on a new
 *                                                                  class;
 *                                                                  paused or
 *                                                                  resumed
 *   reply        field status if     ticket.update   updated if    first
 *                new -> open         if opened,      opened        response
 *                                    ticket.reply
 *   note         note                ticket.note     -             -
 *   add_inbound  field status if     ticket.update   updated if    resumed if
 *                woken               if woken        woken         woken
 *   merge        merged (both)       ticket.merge    updated       -
 *   escalate     sla, field          ticket.update   sla_breached  warned or
 *                priority if raised  if raised       (+ updated)   breached
 *
 * tests/e2e/desk.test.sh runs every operation through every entry point
 * that offers it and compares these rows.
 *
 * Transactions: an operation runs inside the caller's transaction when
 * one is open (a bulk action, mail intake, an API call that records its
 * idempotency key with the change), else in its own, committed before it
 * returns.  On failure nothing of the operation remains once the
 * transaction is rolled back (its own is rolled back here).
 *
 * Errors: HD_E_INVAL for a change the rules refuse (a status that cannot
 * follow the current one, a reply to a closed ticket or one without a
 * requester, a second merge, an assignee who may not hold the ticket),
 * with a message that says which rule; store
 * errors as the store reports them (HD_E_BUSY is temporary). */
#ifndef HD_DESK_H
#define HD_DESK_H

#include "instance.h"
#include "outbound.h"
#include "store.h"

/* Who makes the change: the history actor and the audit row's fields.
 * Strings are borrowed and must outlive the desk. */
struct hd_desk_who {
    const char *actor;      /* history and audit: "user:7", "api:3",
                               "mailgw", "worker", "cli:root",
                               "customer-web" */
    const char *source;     /* audit source: web (agents and customers),
                               api, mailgw, worker, cli */
    int64_t user_id;        /* the agent acting; 0 for programs and
                               customers */
    const char *ip;         /* audit: from where (NULL: this machine) */
    const char *request_id; /* audit: the HTTP request (NULL: none) */
};

/* The context of one unit of work (a request, a message, a worker tick):
 * the instance, its store, who acts, and the business calendar, built on
 * first use.  Lives in arena a and is released with it. */
struct hd_desk;

struct hd_desk *hd_desk_new(struct hd_instance *inst, struct hd_store *st,
                            struct hd_arena *a,
                            const struct hd_desk_who *who);

/* ---- fields ------------------------------------------------------------ */

#define HD_DESK_KEEP (-1) /* a field of hd_desk_change left as it is */

/* A change of any of the ticket's fields; HD_DESK_KEEP leaves one alone. */
struct hd_desk_change {
    int status;          /* enum hd_status */
    int priority;        /* enum hd_priority */
    int category;        /* enum hd_category */
    int64_t queue_id;    /* a queue's id */
    int64_t assignee_id; /* a user's id; 0 unassigns */
};

/* Every field HD_DESK_KEEP. */
void hd_desk_change_init(struct hd_desk_change *c);

/* Applies c to t: one history event per field that differs, the SLA
 * targets recomputed when priority or category changed, the clocks
 * paused or resumed when the status changed, one audit row
 * "ticket.update" with the five fields before and after, and the webhook
 * event "updated".  Nothing is recorded when nothing differs.  t is read
 * again afterwards (names of queue and assignee included); *changed_r
 * (may be NULL) says whether anything changed.  Whether the actor may
 * use the queue is the caller's check: grants of the actor belong to the
 * caller, rules to the desk.  One rule is about the assignee: a new
 * assignee (not 0) must be an enabled agent or admin granted the
 * ticket's queue -- the new one when c moves it -- (admins hold every
 * queue); else HD_E_INVAL naming the user and the reason. */
HD_NODISCARD int hd_desk_set(struct hd_desk *d, struct hd_ticket *t,
                             const struct hd_desk_change *c,
                             bool *changed_r, struct hd_error *err);

/* The rules hd_desk_set() checks before it writes anything: 0 when it
 * would take c for t, else -1 with HD_E_INVAL and why (or a store
 * error).  For callers that skip what the rules refuse (bulk actions). */
HD_NODISCARD int hd_desk_check(struct hd_desk *d, const struct hd_ticket *t,
                               const struct hd_desk_change *c,
                               struct hd_error *err);

/* ---- messages ---------------------------------------------------------- */

/* Replies to the requester as d's user: the mail (threaded under the
 * customer's newest message) recorded on the ticket and queued in the
 * outbox, the first response on the SLA, a new ticket opened.  Refused
 * (HD_E_INVAL) for a closed ticket or one without a requester.
 * *message_id_r (may be NULL) gets our Message-ID without <>. */
HD_NODISCARD int hd_desk_reply(struct hd_desk *d, struct hd_ticket *t,
                               const char *body, const char **message_id_r,
                               struct hd_error *err);

/* A file uploaded with a message (a reply, a note, the customer's
 * answer on their page), already checked against the size and type
 * policy by the door it came through.  Its bytes wait in an unfinished
 * blob writer (blob.h) opened without a store; the operation commits it
 * in its transaction (and w becomes NULL), or leaves it for the caller
 * to abort when it fails. */
struct hd_desk_file {
    const char *filename;      /* UTF-8 */
    const char *content_type;  /* as declared */
    const char *detected_type; /* by the bytes */
    struct hd_blob_writer *w;
};

/* hd_desk_reply() with files: they go as MIME parts of the mail and as
 * the message's attachments (unscanned), and the mail waits in the
 * outbox until the virus scan finds every one clean (an infected one
 * holds it for good; the scan flags the ticket).  HD_E_TOOBIG when the
 * files would take the ticket's organisation over its attachment quota
 * (attachments.org_quota_bytes or its own); nothing is stored then. */
HD_NODISCARD int hd_desk_reply_files(struct hd_desk *d, struct hd_ticket *t,
                                     const char *body,
                                     struct hd_desk_file *files, size_t n,
                                     const char **message_id_r,
                                     struct hd_error *err);

/* hd_desk_note() with files (same quota rule, never mailed). */
HD_NODISCARD int hd_desk_note_files(struct hd_desk *d,
                                    const struct hd_ticket *t,
                                    const char *body,
                                    struct hd_desk_file *files, size_t n,
                                    int64_t *id_r, struct hd_error *err);

/* Files as attachments of message row message_id of t (the customer's
 * answer just added with hd_desk_add_inbound(), in the same
 * transaction): quota as above, a history event "attachment" each. */
HD_NODISCARD int hd_desk_attach(struct hd_desk *d, const struct hd_ticket *t,
                                int64_t message_id,
                                struct hd_desk_file *files, size_t n,
                                struct hd_error *err);

/* Adds an internal note by d's user (never mailed, never shown to the
 * customer); *id_r (may be NULL) gets the message's row id. */
HD_NODISCARD int hd_desk_note(struct hd_desk *d, const struct hd_ticket *t,
                              const char *body, int64_t *id_r,
                              struct hd_error *err);

/* A message from the customer on an existing ticket (mail threaded into
 * it, or the customer's page).  m->ticket_id is set here.  Unless
 * automatic (an auto-reply, bounce or list mail), a pending ticket opens
 * again, and a resolved one too when mail.reopen_resolved is on;
 * *reopened_r (may be NULL) says whether a resolved ticket came back.
 * HD_E_EXISTS when the same message is stored already. */
HD_NODISCARD int hd_desk_add_inbound(struct hd_desk *d, struct hd_ticket *t,
                                     struct hd_message *m, bool automatic,
                                     bool *reopened_r, struct hd_error *err);

/* ---- opening ----------------------------------------------------------- */

/* A new ticket and its first message. */
struct hd_desk_open {
    struct hd_ticket_new tn;   /* requester_id and org_id must be set */
    struct hd_message *first;  /* its first message (ticket_id set here) */
    const int64_t *cc_ids;     /* contacts copied on the first message */
    size_t n_cc;
    const char *const *tags;   /* from routing rules */
    size_t n_tags;
    const char *const *reasons; /* why routing chose so: one 'routed'
                                   history line each */
    size_t n_reasons;
    bool acknowledge;          /* mail the requester the promised time */
    bool alert;                /* incidents: alert the on-call staff */
    const char *ack_in_reply_to, *ack_refs; /* threading of the ack */
    const struct hd_refused_file *refused;  /* attachments not kept: the */
    size_t n_refused;                       /* ack tells the customer */
};

/* Opens the ticket: its number, the first message, cc contacts, tags,
 * (an assignee who may not hold it -- hd_desk_set()'s rule -- is dropped:
 * the ticket opens unassigned with a 'routed' history line saying why),
 * the SLA clocks, audit "ticket.create" with the ticket as the API shows
 * it, the webhook event "created", then the acknowledgement (at most
 * HD_ACK_PER_HOUR_MAX per sender and hour) and, for an incident, the
 * on-call alert, when asked.  t_r gets the ticket as stored.  The
 * webhook event, acknowledgement and alert are derived work: one that
 * cannot be built for good (HD_E_TOOBIG, HD_E_INVAL: a Subject too long
 * for a header, a payload over its limit, an address no mail can go to)
 * is undone alone and skipped, with a "skipped" history event (field:
 * "webhook", "acknowledgement" or "alert"; detail: why), and the ticket
 * still opens; only a temporary failure (busy, disk full, I/O) fails the
 * whole operation. */
HD_NODISCARD int hd_desk_open(struct hd_desk *d, struct hd_desk_open *o,
                              struct hd_ticket *t_r, struct hd_error *err);

/* ---- spam -------------------------------------------------------------- */

/* Opening with o->tn.spam = HD_SPAM_HELD (mail intake's spam step) stores
 * the ticket closed, with a history event "spam" giving tn.spam_reason,
 * and nothing else: no SLA clock, no webhook, no acknowledgement, no
 * alert.  The agent's verdict on such a ticket:
 *   release  -> spam "no", status new, the SLA clocks started from the
 *               ticket's creation, webhook "created", audit
 *               "ticket.spam_release", the requester's address allowed
 *               (never held again);
 *   confirm  -> spam "confirmed" (listed nowhere), audit
 *               "ticket.spam_confirm", the address blocked (always held).
 * Neither mails anyone.  HD_E_INVAL when t is not held. */
HD_NODISCARD int hd_desk_spam(struct hd_desk *d, struct hd_ticket *t,
                              bool release, struct hd_error *err);

/* ---- customer satisfaction --------------------------------------------- */

/* The customer's rating of a solved (resolved or closed) ticket, good or
 * bad with a comment (NULL: none, at most HD_CSAT_COMMENT_MAX bytes): the
 * rating kept (a later one replaces it), a history event "csat", audit
 * "ticket.rate".  Setting a ticket resolved mails the requester the
 * rating link (csat.h).  HD_E_INVAL for a ticket not solved, or spam. */
HD_NODISCARD int hd_desk_rate(struct hd_desk *d, const struct hd_ticket *t,
                              bool good, const char *comment,
                              struct hd_error *err);

/* ---- merging ----------------------------------------------------------- */

/* Moves every message of 'from' into 'into' and closes 'from' as merged.
 * Refused (HD_E_INVAL) when they are the same ticket or either is merged
 * already.  Both are read again afterwards. */
HD_NODISCARD int hd_desk_merge(struct hd_desk *d, struct hd_ticket *from,
                               struct hd_ticket *into, struct hd_error *err);

/* ---- the SLA clock ----------------------------------------------------- */

/* The worker's look at t at 'now': the running clock's state moves to
 * "warned" at 80 % of its target and to "breached" past it (history line
 * "sla"); a breach fires "sla_breached", raises the priority one step
 * (without new targets: the raise tells agents, it promises nothing) and
 * mails the assignee.  *changed_r says whether anything moved. */
HD_NODISCARD int hd_desk_escalate(struct hd_desk *d, struct hd_ticket *t,
                                  int64_t now, bool *changed_r,
                                  struct hd_error *err);

#endif
