/* announce.c - see announce.h.  Holidays come from holiday_jp.c. */
#include "announce.h"

#include "clock.h"
#include "holiday_jp.h"

#include <string.h>
#include <time.h>

#define FAQ_DAYS_SCAN_MAX 3660 /* ten years of days, at most */

static int weekday(int y, int m, int d) /* 0 = Sunday (Sakamoto) */
{
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3)
        y -= 1;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

bool faq_business_day(int year, int month, int mday)
{
    int wd = weekday(year, month, mday);
    if (wd == 0 || wd == 6)
        return false;
    if ((month == 12 && mday >= 29) || (month == 1 && mday <= 3))
        return false;
    return hd_holiday_jp_name(year, month, mday) == NULL;
}

int faq_business_days_between(int64_t from, int64_t to)
{
    struct tm a, b;
    long off;
    hd_time_local(from, &a, &off);
    hd_time_local(to, &b, &off);
    struct tm day = {.tm_year = a.tm_year, .tm_mon = a.tm_mon,
                     .tm_mday = a.tm_mday + 1, .tm_hour = 12};
    int n = 0;
    for (int i = 0; i < FAQ_DAYS_SCAN_MAX; i++, day.tm_mday++) {
        timegm(&day);
        if (day.tm_year > b.tm_year ||
            (day.tm_year == b.tm_year && day.tm_yday >= b.tm_yday))
            break;
        n += faq_business_day(day.tm_year + 1900, day.tm_mon + 1,
                              day.tm_mday);
    }
    return n;
}

static int64_t plus_one_month(int64_t t)
{
    struct tm tm;
    long off;
    hd_time_local(t, &tm, &off);
    return hd_time_from_local(tm.tm_year + 1900, tm.tm_mon + 2, tm.tm_mday,
                              tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int faq_announce_check(const struct hd_announcement *an, int64_t now,
                       bool force, bool *forced_r, struct hd_error *err)
{
    bool late = false;
    if (forced_r != NULL)
        *forced_r = false;
    if (strcmp(an->kind, "maintenance") == 0) {
        if (an->starts_at == 0 || an->ends_at <= an->starts_at) {
            hd_error_set(err, HD_E_INVAL, "maintenance needs --start and an "
                         "--end after it");
            return -1;
        }
        int days = faq_business_days_between(now, an->starts_at);
        late = days < FAQ_MAINT_LEAD_DAYS;
        if (late && !force) {
            hd_error_set(err, HD_E_INVAL,
                         "maintenance must be announced at least %d business "
                         "days before it starts (only %d left); use --force "
                         "to publish anyway", FAQ_MAINT_LEAD_DAYS, days);
            return -1;
        }
    } else if (strcmp(an->kind, "service-end") == 0) {
        if (an->starts_at == 0) {
            hd_error_set(err, HD_E_INVAL, "service-end needs --start (the "
                         "date the service ends)");
            return -1;
        }
        late = an->starts_at < plus_one_month(now);
        if (late && !force) {
            hd_error_set(err, HD_E_INVAL, "the end of a service must be "
                         "announced at least one month ahead; use --force "
                         "to publish anyway");
            return -1;
        }
    } else if (strcmp(an->kind, "status") != 0) {
        hd_error_set(err, HD_E_INVAL, "kind must be maintenance, service-end "
                     "or status");
        return -1;
    }
    if (forced_r != NULL)
        *forced_r = late;
    return 0;
}
