/* intake.h - one raw inbound message into the store: kept raw first,
 * parsed, de-duplicated, threaded into the ticket it answers or opened
 * as a new ticket, its attachments stored content-addressed; all in one
 * transaction, committed durably before returning 0.
 *
 * Never loses a message: a message the parser cannot make sense of is
 * kept raw and opens a ticket flagged for review.  Work derived from a
 * new ticket (webhook event, acknowledgement, alert) that cannot be
 * built is skipped by the desk with the reason on the ticket's history.
 * Any other failure that would not pass with time is met by storing the
 * message again in a degraded way (no threading, routing,
 * acknowledgement or attachment rows; the raw message is kept) on a
 * ticket flagged for review that says why.  So -1 means only what may
 * pass (mg_intake_must_retry(): database busy, disk full, I/O errors):
 * the caller (an MTA pipe, the LMTP server) defers and the MTA retries.
 *
 * Called inside an open transaction (bulk import), the message becomes a
 * savepoint of it and nothing is durable until the caller commits. */
#ifndef MG_INTAKE_H
#define MG_INTAKE_H

#include "instance.h"

struct mg_intake_result {
    int64_t ticket_id, number, message_id;
    bool created;    /* a new ticket was opened */
    bool duplicate;  /* already stored: nothing changed */
    bool reopened;   /* a resolved/closed ticket came back */
    bool automatic;  /* auto-reply, bounce, list or our own loop */
    bool spam;       /* the new ticket is held as spam (spam.h) */
    bool refused;    /* sent to a reply address and refused, dropped
                        (replymail.h): nothing stored, no ticket */
    const char *how; /* "new", "in-reply-to", "references", "subject tag",
                        "bounce", "duplicate", "degraded" (stored the
                        second way, flagged for review), "agent reply",
                        "agent note", "reply refused" (replymail.h)
                        (static string) */
};

struct mg_intake_opts {
    const char *envelope_rcpt; /* decides the channel (queue); may be NULL */
    const char *actor;         /* history actor, e.g. "mailgw" */
    const char *source;        /* audit source (NULL: "mailgw") */
    /* raw is a read-only mapping of a file (deliver's spool of a big
     * message): every pass over it (raw blob, parser, attachment store)
     * drops the pages behind it, so the message is never resident
     * whole. */
    bool raw_mapped;
};

/* True for failures a retry may cure: the only ones intake returns. */
bool mg_intake_must_retry(const struct hd_error *err);

HD_NODISCARD int mg_intake_message(struct hd_instance *inst,
                                   struct hd_store *st, const char *raw,
                                   size_t len,
                                   const struct mg_intake_opts *opts,
                                   struct mg_intake_result *r,
                                   struct hd_error *err);

#endif
