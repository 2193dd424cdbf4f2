/* spam.h - intake's spam step: whether a new ticket is held as spam, and
 * whether its sender may be acknowledged.
 *
 * Two halves, because one talks to the network and the other to the
 * store: mg_spam_assess() runs before intake's transaction (the MTA's
 * headers, then spamd when scan.spamd_socket is set); mg_spam_decide()
 * runs inside it, lets the sender list (what agents taught by releasing
 * or confirming) override, and writes the verdict into the ticket about
 * to open.  Mail threaded into an existing ticket is not judged: it
 * answers something we sent.
 *
 * Which headers are believed (docs/mail.md has the MTA side): only the
 * topmost X-Spam-Flag, X-Spam-Status and X-Spamd-Result, which a filter
 * on our own MTA adds above anything the sender wrote (SpamAssassin
 * also removes the sender's own), and only the Authentication-Results
 * whose authserv-id is mail.authserv_id (or the topmost one when that is
 * empty).  With mail.spam_headers off the X-Spam headers are ignored. */
#ifndef MG_SPAM_H
#define MG_SPAM_H

#include "desk.h"
#include "instance.h"
#include "parse.h"

struct mg_spam_verdict {
    bool spam;             /* hold the new ticket as spam */
    const char *why;       /* the rule that said so (arena; NULL: none) */
    bool no_ack;           /* do not acknowledge: the sender is forged */
    const char *no_ack_why; /* e.g. "DMARC fail" */
};

/* The verdict of the headers of m under the instance's configuration,
 * then of spamd on the raw message when it is configured and the headers
 * found no spam.  Never fails: a spamd that cannot be reached is logged
 * and the mail goes on unjudged (held mail waits for an agent; lost
 * mail is worse).  Strings live in a. */
void mg_spam_assess(struct hd_instance *inst, const struct mg_mail *m,
                    const char *raw, size_t len, struct hd_arena *a,
                    struct mg_spam_verdict *v);

/* The header rules alone (no configuration file, no network), for the
 * unit test and mg_spam_assess(): trust_spam_headers is
 * mail.spam_headers, authserv_id mail.authserv_id ("" or NULL: the
 * topmost Authentication-Results). */
void mg_spam_headers(const struct mg_header *h, size_t n,
                     bool trust_spam_headers, const char *authserv_id,
                     struct hd_arena *a, struct mg_spam_verdict *v);

/* Inside the transaction, for a new ticket from 'sender': the sender
 * list overrides v (blocked: held; allowed: not held, but a forged
 * sender is still not acknowledged), then v goes into o (tn.spam and
 * its reason, no acknowledgement or alert; a 'routed' line saying why
 * an acknowledgement is not sent).  0 or -1 (store error). */
HD_NODISCARD int mg_spam_decide(struct hd_store *st, const char *sender,
                                struct mg_spam_verdict *v,
                                struct hd_desk_open *o, struct hd_arena *a,
                                struct hd_error *err);

#endif
