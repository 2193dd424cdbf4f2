/* date.h - civil dates without a time zone: validation, day numbers and
 * weekdays in the proleptic Gregorian calendar.  The calendar, the holiday
 * rules and the iCalendar importer share these; none of them needs the
 * process time zone for date arithmetic. */
#ifndef HD_DATE_H
#define HD_DATE_H

#include "hd.h"

struct hd_date {
    int year; /* e.g. 2026 */
    int mon;  /* 1-12 */
    int day;  /* 1-31 */
};

/* Days in a month, 0 for a month outside 1-12. */
int hd_date_mdays(int year, int mon);
/* True when the date exists (years 1-9999). */
bool hd_date_valid(int year, int mon, int day);
/* Days since 1970-01-01 (negative before). */
int64_t hd_date_to_days(int year, int mon, int day);
/* Inverse of hd_date_to_days. */
struct hd_date hd_date_from_days(int64_t days);
/* 0 = Sunday ... 6 = Saturday. */
int hd_date_weekday_of_days(int64_t days);
int hd_date_weekday(int year, int mon, int day);
/* Day of the month of the n-th (1-based) weekday wd in a month. */
int hd_date_nth_weekday(int year, int mon, int wd, int n);
/* Parses exactly "YYYY-MM-DD" into a valid date; 0 or -1 (HD_E_INVAL). */
HD_NODISCARD int hd_date_parse(const char *s, struct hd_date *d_r,
                               struct hd_error *err);
/* Formats "YYYY-MM-DD"; out needs 11 bytes. */
void hd_date_format(struct hd_date d, char out[11]);

#endif
