/* store_fetch.h - mailbox progress for `helpdesk-mailgw fetch`: the last
 * IMAP UID committed per mailbox and UIDVALIDITY, and the POP3 UIDLs
 * committed.  'source' names the mailbox (its URL without password). */
#ifndef HD_STORE_FETCH_H
#define HD_STORE_FETCH_H

#include "store.h"

/* The IMAP progress of source: 1 found (*uidvalidity_r, *last_uid_r set),
 * 0 never fetched, -1 error. */
HD_NODISCARD int hd_store_fetch_imap_get(struct hd_store *st,
                                         const char *source,
                                         int64_t *uidvalidity_r,
                                         int64_t *last_uid_r,
                                         struct hd_error *err);
/* Records that every UID up to last_uid under uidvalidity is committed
 * (insert or replace).  0 or -1. */
HD_NODISCARD int hd_store_fetch_imap_set(struct hd_store *st,
                                         const char *source,
                                         int64_t uidvalidity,
                                         int64_t last_uid,
                                         struct hd_error *err);

/* Was the POP3 message with this UIDL committed?  1 yes, 0 no, -1 error. */
HD_NODISCARD int hd_store_fetch_pop3_seen(struct hd_store *st,
                                          const char *source,
                                          const char *uidl,
                                          struct hd_error *err);
/* Records a committed POP3 UIDL (idempotent).  0 or -1. */
HD_NODISCARD int hd_store_fetch_pop3_add(struct hd_store *st,
                                         const char *source,
                                         const char *uidl,
                                         struct hd_error *err);

#endif
