/* date.c - see date.h.  Day numbers use Howard Hinnant's civil algorithms
 * (exact for the proleptic Gregorian calendar, no tables). */
#include "date.h"

#include <ctype.h>
#include <stdio.h>

int hd_date_mdays(int year, int mon)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    if (mon < 1 || mon > 12)
        return 0;
    if (mon == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
        return 29;
    return mdays[mon - 1];
}

bool hd_date_valid(int year, int mon, int day)
{
    return year >= 1 && year <= 9999 && day >= 1 &&
           day <= hd_date_mdays(year, mon);
}

int64_t hd_date_to_days(int year, int mon, int day)
{
    int64_t y = year - (mon <= 2);
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct hd_date hd_date_from_days(int64_t days)
{
    int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    struct hd_date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.mon = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.mon <= 2));
    return d;
}

int hd_date_weekday_of_days(int64_t days)
{
    /* 1970-01-01 was a Thursday (4). */
    int64_t w = (days + 4) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int hd_date_weekday(int year, int mon, int day)
{
    return hd_date_weekday_of_days(hd_date_to_days(year, mon, day));
}

int hd_date_nth_weekday(int year, int mon, int wd, int n)
{
    int first = hd_date_weekday(year, mon, 1);
    return 1 + (wd - first + 7) % 7 + 7 * (n - 1);
}

int hd_date_parse(const char *s, struct hd_date *d_r, struct hd_error *err)
{
    int v[3] = {0, 0, 0};
    static const int width[3] = {4, 2, 2};
    const char *p = s;
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < width[f]; i++, p++) {
            if (!isdigit((unsigned char)*p))
                goto bad;
            v[f] = v[f] * 10 + (*p - '0');
        }
        if (f < 2 && *p++ != '-')
            goto bad;
    }
    if (*p != '\0' || !hd_date_valid(v[0], v[1], v[2]))
        goto bad;
    d_r->year = v[0];
    d_r->mon = v[1];
    d_r->day = v[2];
    return 0;
bad:
    hd_error_set(err, HD_E_INVAL, "not a valid date (want YYYY-MM-DD)");
    return -1;
}

void hd_date_format(struct hd_date d, char out[11])
{
    snprintf(out, 11, "%04d-%02d-%02d", d.year % 10000, d.mon % 100,
             d.day % 100);
}
