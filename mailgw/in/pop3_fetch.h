/* pop3_fetch.h - one POP3 session of `helpdesk-mailgw fetch`.
 *
 * Connects (pop3s, or STLS which is then required), verifies the
 * certificate before USER/PASS, lists the messages with their UIDLs and
 * RETRieves those whose UIDL is not yet recorded.  After intake committed
 * a message its UIDL is recorded, then the message is DELEted; QUIT makes
 * the deletions happen.  A session that dies before QUIT leaves the
 * messages on the server; the next session skips (and deletes) them by
 * their recorded UIDL. */
#ifndef MG_POP3_FETCH_H
#define MG_POP3_FETCH_H

#include "fetch.h"

/* Like mg_imap_fetch_run(): one session per round, waiting
 * f->poll_seconds between rounds unless f->once. */
HD_NODISCARD int mg_pop3_fetch_run(struct mg_fetch *f, struct hd_error *err);

#endif
