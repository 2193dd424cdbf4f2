/* holiday_jp.h - Japanese national holidays computed from the law
 * (国民の祝日に関する法律 and its amendments, plus the one-off days set by
 * special laws) for the years HD_HOLIDAY_JP_FIRST..HD_HOLIDAY_JP_LAST.
 *
 * Knows dates and names only; whether the help desk is open on them is the
 * calendar's business (calendar.h).  The equinoxes come from the usual
 * approximation, which matches every date the National Astronomical
 * Observatory has announced in the range; an official announcement that
 * ever differed would be entered as a closure or open day by an admin. */
#ifndef HD_HOLIDAY_JP_H
#define HD_HOLIDAY_JP_H

#include "date.h"
#include "hd.h"

#define HD_HOLIDAY_JP_FIRST 1980
#define HD_HOLIDAY_JP_LAST 2099
/* More than any year has had (2019: 22); enough for any out[] array. */
#define HD_HOLIDAY_JP_YEAR_MAX 32

struct hd_holiday {
    struct hd_date date;
    const char *name_ja; /* static, e.g. "元日", "振替休日" */
    const char *name_en; /* static, e.g. "New Year's Day" */
};

/* Fills out[] with the holidays of 'year' in date order and returns their
 * number, or -1 when the year is outside HD_HOLIDAY_JP_FIRST..LAST or max
 * is too small (HD_HOLIDAY_JP_YEAR_MAX is always enough).  Substitute
 * holidays are named "振替休日", sandwiched days "国民の休日". */
HD_NODISCARD int hd_holiday_jp_list(int year, struct hd_holiday *out,
                                    size_t max);

/* Japanese name of the holiday on that date, or NULL when it is none (or
 * the year is outside the supported range).  Static storage. */
const char *hd_holiday_jp_name(int year, int mon, int day);
/* Same lookup, the whole record: 1 found, 0 not a holiday. */
int hd_holiday_jp_get(int year, int mon, int day, struct hd_holiday *h_r);

#endif
