/* contact.c - when the general address is answered.  The hours are the
 * instance's business days (faq_business_day) from WEB_OPEN_HOUR to
 * WEB_CLOSE_HOUR local time; this is the one place to swap for the
 * calendar module. */
#include "announce.h"
#include "clock.h"
#include "web_int.h"

#include <time.h>

#define WEB_OPEN_HOUR 10
#define WEB_CLOSE_HOUR 19
#define WEB_HOURS_SCAN_DAYS 30

void web_contact_hours(int64_t now, struct web_hours *h)
{
    struct tm tm;
    long off;
    hd_time_local(now, &tm, &off);
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
    h->open_now = faq_business_day(y, m, d) && tm.tm_hour >= WEB_OPEN_HOUR &&
                  tm.tm_hour < WEB_CLOSE_HOUR;
    h->next_open = 0;
    if (h->open_now)
        return;
    bool today_later = tm.tm_hour < WEB_OPEN_HOUR;
    for (int i = today_later ? 0 : 1; i < WEB_HOURS_SCAN_DAYS; i++) {
        struct tm day = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon,
                         .tm_mday = tm.tm_mday + i, .tm_hour = 12};
        timegm(&day);
        if (faq_business_day(day.tm_year + 1900, day.tm_mon + 1,
                             day.tm_mday)) {
            h->next_open = hd_time_from_local(day.tm_year + 1900,
                                              day.tm_mon + 1, day.tm_mday,
                                              WEB_OPEN_HOUR, 0, 0);
            return;
        }
    }
}
