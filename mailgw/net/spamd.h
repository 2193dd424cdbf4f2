/* spamd.h - asks SpamAssassin's spamd for its verdict on one message
 * (the SPAMC protocol, command CHECK, version 1.5, over a UNIX socket or
 * TCP).  Owns the protocol; what a verdict does to the mail is the spam
 * step's (mailgw/route/spam.h). */
#ifndef HD_SPAMD_H
#define HD_SPAMD_H

#include "hd.h"

#define HD_SPAMD_TIMEOUT_MS 10000      /* per send/receive */
#define HD_SPAMD_REPLY_MAX 1024        /* longest reply we read */
#define HD_SPAMD_MESSAGE_MAX (512 * 1024) /* spamc's own default limit */

struct hd_spamd_result {
    bool spam;
    double score, threshold;
};

/* Sends the len bytes of a message to the spamd at addr and reads its
 * verdict into *r.  -1 when spamd cannot be reached, times out or
 * answers something else than "SPAMD/1.x 0 EX_OK" with a "Spam:" line
 * (HD_E_TEMP), or addr is malformed (HD_E_CONFIG); err says which.
 * Messages over HD_SPAMD_MESSAGE_MAX are refused (HD_E_TOOBIG) before
 * connecting: spamd would judge only their first part. */
HD_NODISCARD int hd_spamd_check(const char *addr, const char *msg, size_t len,
                                struct hd_spamd_result *r,
                                struct hd_error *err);

/* Parses a spamd reply of n bytes (exported for the unit test): 0 and *r
 * set, or -1 (HD_E_TEMP) naming what was wrong. */
HD_NODISCARD int hd_spamd_parse_reply(const char *rep, size_t n,
                                      struct hd_spamd_result *r,
                                      struct hd_error *err);

#endif
