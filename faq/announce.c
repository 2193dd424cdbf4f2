/* announce.c - see announce.h.  The holiday rules here (fixed dates,
 * Happy Mondays, equinoxes, substitute holidays) are a stand-in for the
 * instance calendar. */
#include "announce.h"

#include "clock.h"

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

static int nth_monday(int y, int m, int n)
{
    int first = weekday(y, m, 1);
    int d = 1 + (8 - first) % 7;
    return d + 7 * (n - 1);
}

static bool holiday_base(int y, int m, int d)
{
    static const struct { int m, d; } fixed[] = {
        {1, 1}, {2, 11}, {2, 23}, {4, 29}, {5, 3}, {5, 4}, {5, 5},
        {8, 11}, {11, 3}, {11, 23},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(fixed); i++)
        if (fixed[i].m == m && fixed[i].d == d)
            return true;
    int k = y - 1980;
    if (m == 3 && d == (int)(20.8431 + 0.242194 * k) - k / 4)
        return true;
    if (m == 9 && d == (int)(23.2488 + 0.242194 * k) - k / 4)
        return true;
    return (m == 1 && d == nth_monday(y, 1, 2)) ||
           (m == 7 && d == nth_monday(y, 7, 3)) ||
           (m == 9 && d == nth_monday(y, 9, 3)) ||
           (m == 10 && d == nth_monday(y, 10, 2));
}

static bool holiday(int y, int m, int d)
{
    if (holiday_base(y, m, d))
        return true;
    /* 振替休日: the day after a Sunday holiday (and after a chain of
     * holidays that started on a Sunday) */
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d - 1,
                    .tm_hour = 12};
    for (int back = 1; back < 7; back++) {
        timegm(&tm);
        if (!holiday_base(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday))
            return false;
        if (tm.tm_wday == 0)
            return true;
        tm.tm_mday -= 1;
    }
    return false;
}

bool faq_business_day(int year, int month, int mday)
{
    int wd = weekday(year, month, mday);
    if (wd == 0 || wd == 6)
        return false;
    if ((month == 12 && mday >= 29) || (month == 1 && mday <= 3))
        return false;
    return !holiday(year, month, mday);
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
