/* imap_fetch.h - one IMAP session of `helpdesk-mailgw fetch`.
 *
 * Connects (implicit TLS, or STARTTLS which is then required), verifies
 * the certificate before LOGIN, selects the mailbox and takes every
 * message whose UID is above the one recorded for this mailbox and
 * UIDVALIDITY.  Each message goes to intake; only after intake committed
 * it is the message marked on the server (UID MOVE to the done folder,
 * or COPY + \Deleted without MOVE, or +FLAGS \Seen without a done
 * folder) and its UID recorded.  A crash anywhere in between re-fetches
 * at most the message in hand, which intake then drops as a duplicate. */
#ifndef MG_IMAP_FETCH_H
#define MG_IMAP_FETCH_H

#include "fetch.h"

/* Runs until f->once is done, a stop is requested (both return 0) or an
 * error ends the session (-1; temporary codes for network trouble and a
 * busy database, HD_E_PERM for a refused certificate or login). */
HD_NODISCARD int mg_imap_fetch_run(struct mg_fetch *f, struct hd_error *err);

#endif
