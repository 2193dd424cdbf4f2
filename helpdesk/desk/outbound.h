/* outbound.h - mail we send: acknowledgements of new tickets, incident
 * alerts to the on-call list, SLA escalations and agents' replies.  Each
 * is built here (compose.c does the encoding), recorded on the ticket as
 * an outbound message with our own Message-ID (so the customer's answer
 * threads back), and queued in the durable outbox inside the caller's
 * transaction.  The worker delivers the outbox (mg_outbox_run). */
#ifndef HD_OUTBOUND_H
#define HD_OUTBOUND_H

#include "instance.h"
#include "sla.h"

#define HD_ACK_PER_HOUR_MAX 5 /* acknowledgements to one sender per hour */
#define HD_ALERT_EXCERPT 400  /* bytes of the message in an alert */

/* A file an agent sends with a reply: its bytes already in the blob
 * store (blob.h) under sha256. */
struct hd_outbound_file {
    const char *filename;      /* UTF-8, as the agent's browser named it */
    const char *content_type;  /* as declared by the upload */
    const char *detected_type; /* by the bytes: what the part is sent as */
    const char *sha256;
    int64_t size;
};

/* What one outbound mail is. */
struct hd_outbound {
    const struct hd_ticket *t;
    const char *kind;       /* "ack", "reply", "alert", "escalation" */
    const char *to_addr;    /* one recipient */
    const char *to_name;
    const char *subject;    /* without the ticket tag: it is added */
    const char *body;       /* UTF-8 text */
    const char *in_reply_to; /* without <>, or NULL */
    const char *refs;       /* space-separated ids without <>, or NULL */
    bool automatic;         /* Auto-Submitted: auto-replied + X-Loop */
    bool record;            /* store as an outbound message on the ticket */
    int64_t author_user_id;
    int64_t reply_user_id;  /* mail to this agent: Reply-To is their reply
                               address for the ticket (reply_addr.h);
                               0: none */
    /* files sent as MIME parts (needs record: each becomes an attachment
     * row of the message, unscanned; the worker sends the mail only once
     * every one is scanned clean, see hd_store_outbox_due) */
    const struct hd_outbound_file *files;
    size_t nfiles;
};

/* An attachment of the customer's mail that was not kept, and why: the
 * acknowledgement lists them so a refusal is never silent. */
enum hd_refusal {
    HD_REFUSED_TYPE, /* a type we do not accept (a program) */
    HD_REFUSED_SIZE, /* over mail.max_attachment_bytes */
};

struct hd_refused_file {
    const char *filename; /* UTF-8, one line */
    enum hd_refusal why;
};

/* Builds, records (when o->record) and queues one mail; *message_id_r
 * (may be NULL) gets our Message-ID without <>. */
HD_NODISCARD int hd_outbound_queue(struct hd_instance *inst,
                                   struct hd_store *st,
                                   const struct hd_outbound *o,
                                   struct hd_arena *a,
                                   const char **message_id_r,
                                   struct hd_error *err);

/* The acknowledgement of a new ticket to its requester, in their
 * language, with the promised answer time, the customer link and the
 * n_refused attachments we did not keep ({{refused}}; appended when the
 * instance's template has no such line); skipped (returns 0, *sent_r
 * false) past HD_ACK_PER_HOUR_MAX. */
HD_NODISCARD int hd_outbound_ack(struct hd_instance *inst,
                                 struct hd_store *st,
                                 const struct hd_sla *sla,
                                 const struct hd_ticket *t,
                                 const char *customer_msgid,
                                 const char *customer_refs,
                                 const struct hd_refused_file *refused,
                                 size_t n_refused, bool *sent_r,
                                 struct hd_error *err);

/* Incident alert to support.oncall_addresses and on-call agents. */
HD_NODISCARD int hd_outbound_alert(struct hd_instance *inst,
                                   struct hd_store *st,
                                   const struct hd_ticket *t,
                                   const char *excerpt,
                                   struct hd_error *err);

/* Ticket number from a subject tag "[TAG #12345]" or "[#12345]"; 0 when
 * there is none.  tag may be NULL or "" (only "[#N]" then). */
int64_t hd_subject_ticket_number(const char *subject, const char *tag);

/* "[Support #10001] subject" with any earlier tag and Re:/Fwd: removed. */
const char *hd_outbound_subject(struct hd_arena *a, const char *tag,
                                int64_t number, const char *subject);

#endif
