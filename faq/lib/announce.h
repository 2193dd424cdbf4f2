/* announce.h - the rules for announcements on the public site:
 *   maintenance  needs a start and an end, and must be published at least
 *                FAQ_MAINT_LEAD_DAYS business days before it starts;
 *   service-end  needs the end date, at least one calendar month ahead;
 *   status       is shown at once.
 * --force overrides a lead-time rule (the caller logs it).
 *
 * Business days (Mon-Fri, not a Japanese holiday, not 12/29-1/3) are
 * decided by faq_business_day() alone, so the calendar module can take
 * its place in one spot. */
#ifndef FAQ_ANNOUNCE_H
#define FAQ_ANNOUNCE_H

#include "hd.h"
#include "store_faq.h"

#define FAQ_MAINT_LEAD_DAYS 3

/* True for a business day (local calendar date). */
bool faq_business_day(int year, int month, int mday);
/* Business days strictly after the local day of 'from' and strictly
 * before the local day of 'to' (0 when to is not later). */
int faq_business_days_between(int64_t from, int64_t to);

/* Checks an announcement about to be published at 'now'.  Returns 0, or
 * -1 with HD_E_INVAL saying which rule failed; with force, lead-time
 * rules pass and *forced_r (may be NULL) says one was overridden. */
HD_NODISCARD int faq_announce_check(const struct hd_announcement *an,
                                    int64_t now, bool force, bool *forced_r,
                                    struct hd_error *err);

#endif
