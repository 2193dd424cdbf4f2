/* user_access.h - who gets incident alerts (on call) and where a user may
 * sign in from (their own IP allow-list): the checks, the change and its
 * audit row in one transaction, for every door that offers them
 * (`helpdesk user oncall|allow-ips`, the admin users page).  The
 * checklist (rows 21, 27, 63) reads the audit rows written here. */
#ifndef HD_USER_ACCESS_H
#define HD_USER_ACCESS_H

#include "arena.h"
#include "hd.h"
#include "store.h"
#include "store_data.h" /* struct hd_audit_entry */

#define HD_ALLOW_IPS_MAX 1000 /* bytes of one user's CIDR list */

/* Checks a user's CIDR list text ("" removes the list): -1 with HD_E_INVAL
 * (too long) or HD_E_PARSE (which network is wrong) when it is refused. */
HD_NODISCARD int hd_user_allow_ips_check(const char *cidrs,
                                         struct hd_error *err);

/* Sets u on or off call.  who gives actor, source, ip and request_id of
 * the audit row ("user.oncall", before and after {"on_call":...});
 * the rest is filled here.  A disabled user cannot be put on call
 * (HD_E_INVAL).  Begins and commits its own transaction. */
HD_NODISCARD int hd_user_set_on_call(struct hd_store *st, struct hd_arena *a,
                                     const struct hd_user *u, bool on,
                                     const struct hd_audit_entry *who,
                                     struct hd_error *err);

/* Replaces u's own allow-list ("" removes it) after
 * hd_user_allow_ips_check(); audited as "user.allow_ips" with the old and
 * the new text.  who as above.  Begins and commits its own transaction. */
HD_NODISCARD int hd_user_set_allow_ips(struct hd_store *st, struct hd_arena *a,
                                       const struct hd_user *u,
                                       const char *cidrs,
                                       const struct hd_audit_entry *who,
                                       struct hd_error *err);

#endif
