/* replymail.h - an agent's answer by mail: a message to a reply address
 * (reply_addr.h) becomes that agent's reply to the customer, or an
 * internal note, through the desk; anything else reaching a reply
 * address is refused.  Owns the checks and the cutting of the new text
 * out of the mail; the address and its MAC are reply_addr.c's, the
 * ticket operations the desk's.
 *
 * Taken (posted), only when all hold:
 *   - the envelope recipient is a reply address whose MAC is good;
 *   - the sender (From) is that user's own address;
 *   - the user exists, is enabled, is an agent or admin, and (agents)
 *     is still granted the ticket's queue;
 *   - the mail is not automatic (auto-reply, bounce, list, our loop
 *     marker), not spam and does not fail DMARC (spam.h's verdicts);
 *   - the ticket exists, is not closed or merged, and the new text is
 *     not empty.
 * The new text is the mail's text without quoted parts ("> " lines,
 * "On ... wrote:", "-----Original Message-----", Outlook's From:/Sent:,
 * "...さんは書きました:") and without the signature ("-- " line).  When
 * its first line starts with MG_NOTE_MARKER or MG_NOTE_MARKER_JA the
 * marker is removed and the rest becomes an internal note; otherwise a
 * reply mailed to the requester.
 *
 * Refused: nothing of the mail is stored, no ticket, no acknowledgement,
 * and the caller accepts it all the same (deliver exits 0, LMTP answers
 * 250): a refusal the MTA sees turns into a bounce to the envelope
 * sender, who may be forged (backscatter), and a deferral only delays
 * that bounce.  It is logged at warning ("replymail refused", with the
 * reason, ticket, user and sender, never the address's MAC) and as a
 * security-log row of kind "reply_refused", which /metrics counts
 * (helpdesk_reply_refused_total) and the admin log page lists. */
#ifndef MG_REPLYMAIL_H
#define MG_REPLYMAIL_H

#include "instance.h"
#include "intake.h"

#define MG_NOTE_MARKER "#note"
#define MG_NOTE_MARKER_JA "#メモ"

/* If opts->envelope_rcpt claims to be a reply address: takes the mail
 * (posted or refused; r->how says which: "agent reply", "agent note",
 * "reply refused") and returns 1.  0 when it is not one (ordinary mail:
 * intake goes on), -1 only for what may pass with time (intake.h). */
HD_NODISCARD int mg_replymail_take(struct hd_instance *inst,
                                   struct hd_store *st, const char *raw,
                                   size_t len,
                                   const struct mg_intake_opts *opts,
                                   struct mg_intake_result *r,
                                   struct hd_error *err);

/* The new text of an agent's mail (text[0..len)), in the arena; *note_r
 * says whether it started with a note marker (removed).  "" when nothing
 * new is left. */
const char *mg_replymail_new_text(const char *text, size_t len,
                                  struct hd_arena *a, bool *note_r);

#endif
