/* calendar.c - see calendar.h.
 *
 * Every question is answered by walking local days forward with
 * struct span_iter, which yields each day's open intervals as UTC
 * [start, end) pairs.  Work is per day, never per minute: a due time nine
 * business days away costs about a dozen day lookups.  A walk that finds
 * HD_CALENDAR_HORIZON_DAYS closed days in a row gives up instead of
 * looping (a calendar with no hours at all, or a closure of years). */
#include "calendar.h"

#include "calendar_int.h"
#include "clock.h"
#include "holiday_jp.h"
#include "ics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
    const char *name;
    long offset;
} fixed_zones[] = {
    {"Asia/Tokyo", 9 * 3600}, {"JST-9", 9 * 3600}, {"UTC", 0},
    {"Etc/UTC", 0},           {"GMT", 0},
};

struct hd_calendar *hd_calendar_new(const char *tz, struct hd_error *err)
{
    if (tz == NULL || *tz == '\0' || strlen(tz) >= HD_CALENDAR_ZONE_MAX) {
        hd_error_set(err, HD_E_CONFIG, "calendar needs a time zone name");
        return NULL;
    }
    struct hd_calendar *cal = hd_xcalloc(1, sizeof *cal);
    snprintf(cal->zone, sizeof cal->zone, "%s", tz);
    for (size_t i = 0; i < HD_ARRAY_LEN(fixed_zones); i++) {
        if (strcmp(tz, fixed_zones[i].name) == 0) {
            cal->fixed = true;
            cal->offset = fixed_zones[i].offset;
        }
    }
    if (!cal->fixed && strcmp(tz, hd_clock_zone()) != 0) {
        hd_error_set(err, HD_E_CONFIG,
                     "calendar zone %s is not the process zone %s "
                     "(set it with hd_clock_set_zone first)",
                     tz, hd_clock_zone());
        free(cal);
        return NULL;
    }
    for (int wd = 1; wd <= 5; wd++) {
        cal->hours[wd][0] = (struct hd_calendar_range){10 * 60, 19 * 60};
        cal->nhours[wd] = 1;
    }
    cal->holidays_jp = true;
    cal->year_end = true;
    return cal;
}

struct hd_calendar *hd_calendar_new_default(struct hd_error *err)
{
    return hd_calendar_new("Asia/Tokyo", err);
}

struct hd_calendar *hd_calendar_new_always(void)
{
    struct hd_calendar *cal = hd_calendar_new("Asia/Tokyo", NULL);
    hd_assert(cal != NULL);
    cal->always = true;
    return cal;
}

void hd_calendar_free(struct hd_calendar **cal)
{
    if (cal == NULL || *cal == NULL)
        return;
    for (size_t i = 0; i < (*cal)->nclosures; i++)
        free((*cal)->closures[i].name);
    free((*cal)->closures);
    free((*cal)->open_days);
    free(*cal);
    *cal = NULL;
}

const char *hd_calendar_zone(const struct hd_calendar *cal)
{
    return cal->zone;
}

/* ---- local time ------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t local_day(const struct hd_calendar *cal, int64_t t)
{
    if (cal->fixed)
        return floor_div(t + cal->offset, 86400);
    struct tm tm;
    hd_time_local(t, &tm, NULL);
    return hd_date_to_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* UTC seconds of 'minute' (0..1440) after the start of local day 'day'. */
static int64_t local_to_utc(const struct hd_calendar *cal, int64_t day,
                            int minute)
{
    if (cal->fixed)
        return day * 86400 + minute * 60 - cal->offset;
    if (minute == 1440) {
        day++;
        minute = 0;
    }
    struct hd_date d = hd_date_from_days(day);
    return hd_time_from_local(d.year, d.mon, d.day, minute / 60,
                              minute % 60, 0);
}

struct hd_date hd_calendar_local_date(const struct hd_calendar *cal,
                                      int64_t t)
{
    return hd_date_from_days(local_day(cal, t));
}

int64_t hd_calendar_day_start(const struct hd_calendar *cal,
                              struct hd_date d)
{
    return local_to_utc(cal, hd_date_to_days(d.year, d.mon, d.day), 0);
}

void hd_calendar_format(const struct hd_calendar *cal, int64_t t,
                        char out[32])
{
    if (!cal->fixed) {
        hd_time_format_local(t, out);
        return;
    }
    int64_t day = local_day(cal, t);
    int64_t sec = t + cal->offset - day * 86400;
    struct hd_date d = hd_date_from_days(day);
    long off = cal->offset < 0 ? -cal->offset : cal->offset;
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
             d.year % 10000, d.mon, d.day, (int)(sec / 3600),
             (int)(sec / 60 % 60), (int)(sec % 60),
             cal->offset < 0 ? '-' : '+', off / 3600, off / 60 % 60);
}

/* ---- the rules for one day -------------------------------------------- */

/* Holidays of one year, kept while a walk stays in that year. */
struct year_cache {
    int year;
    int n;
    struct hd_holiday h[HD_HOLIDAY_JP_YEAR_MAX];
};

static const struct hd_holiday *holiday_on(struct year_cache *yc,
                                           struct hd_date d)
{
    if (yc->year != d.year) {
        yc->year = d.year;
        yc->n = hd_holiday_jp_list(d.year, yc->h, HD_ARRAY_LEN(yc->h));
    }
    for (int i = 0; i < yc->n; i++)
        if (yc->h[i].date.mon == d.mon && yc->h[i].date.day == d.day)
            return &yc->h[i];
    return NULL;
}

static bool in_year_end(struct hd_date d)
{
    return (d.mon == 12 && d.day >= 29) || (d.mon == 1 && d.day <= 3);
}

/* Fills r[] with the open ranges of local day 'day' and returns their
 * number; when it returns 0, *why says what closed the day. */
static size_t day_ranges(const struct hd_calendar *cal, struct year_cache *yc,
                         int64_t day,
                         struct hd_calendar_range r[HD_CALENDAR_RANGES_MAX],
                         struct hd_calendar_reason *why)
{
    struct hd_date d = hd_date_from_days(day);
    if (cal->always) {
        r[0] = (struct hd_calendar_range){0, 1440};
        return 1;
    }
    for (size_t i = 0; i < cal->nopen_days; i++) {
        if (cal->open_days[i].day == day) {
            r[0] = cal->open_days[i].r;
            return 1;
        }
    }
    for (size_t i = 0; i < cal->nclosures; i++) {
        const struct closure *c = &cal->closures[i];
        if (day >= c->first && day <= c->last) {
            *why = (struct hd_calendar_reason){HD_CALENDAR_CLOSURE, c->name,
                                               c->name};
            return 0;
        }
    }
    if (cal->year_end && in_year_end(d)) {
        *why = (struct hd_calendar_reason){HD_CALENDAR_YEAR_END,
                                           "年末年始休業",
                                           "Year-end holidays"};
        return 0;
    }
    const struct hd_holiday *h = cal->holidays_jp ? holiday_on(yc, d) : NULL;
    if (h != NULL) {
        *why = (struct hd_calendar_reason){HD_CALENDAR_HOLIDAY, h->name_ja,
                                           h->name_en};
        return 0;
    }
    int wd = hd_date_weekday_of_days(day);
    size_t n = cal->nhours[wd];
    memcpy(r, cal->hours[wd], n * sizeof r[0]);
    if (n == 0)
        *why = (struct hd_calendar_reason){HD_CALENDAR_DAY_OFF, "休業日",
                                           wd == 0 || wd == 6 ? "weekend"
                                                              : "day off"};
    return n;
}

/* ---- walking open intervals ------------------------------------------- */

struct span_iter {
    const struct hd_calendar *cal;
    struct year_cache yc;
    int64_t day;      /* local day being read */
    int64_t last_day; /* stop after this day (INT64_MAX: use the horizon) */
    int closed_run;   /* consecutive days without open time */
    struct hd_calendar_range r[HD_CALENDAR_RANGES_MAX];
    size_t n, i;
};

static void span_init(struct span_iter *it, const struct hd_calendar *cal,
                      int64_t t, int64_t last_day)
{
    memset(it, 0, sizeof *it);
    it->cal = cal;
    it->day = local_day(cal, t) - 1; /* span_next starts on the next day */
    it->last_day = last_day;
}

/* Next open interval as UTC [*s, *e): 1, or 0 when the walk is over. */
static int span_next(struct span_iter *it, int64_t *s, int64_t *e)
{
    while (it->i >= it->n) {
        struct hd_calendar_reason why;
        if (it->day >= it->last_day ||
            (it->last_day == INT64_MAX &&
             it->closed_run >= HD_CALENDAR_HORIZON_DAYS))
            return 0;
        it->day++;
        it->n = day_ranges(it->cal, &it->yc, it->day, it->r, &why);
        it->i = 0;
        it->closed_run = it->n == 0 ? it->closed_run + 1 : 0;
    }
    *s = local_to_utc(it->cal, it->day, it->r[it->i].start);
    *e = local_to_utc(it->cal, it->day, it->r[it->i].end);
    it->i++;
    return 1;
}

bool hd_calendar_is_open(const struct hd_calendar *cal, int64_t t)
{
    struct hd_calendar_reason r;
    hd_calendar_closed_reason(cal, t, &r);
    return r.why == HD_CALENDAR_OPEN;
}

void hd_calendar_closed_reason(const struct hd_calendar *cal, int64_t t,
                               struct hd_calendar_reason *r)
{
    struct year_cache yc = {0};
    struct hd_calendar_range rr[HD_CALENDAR_RANGES_MAX];
    int64_t day = local_day(cal, t);
    size_t n = day_ranges(cal, &yc, day, rr, r);
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (t >= local_to_utc(cal, day, rr[i].start) &&
            t < local_to_utc(cal, day, rr[i].end)) {
            *r = (struct hd_calendar_reason){HD_CALENDAR_OPEN, "営業中",
                                             "open"};
            return;
        }
    }
    *r = (struct hd_calendar_reason){HD_CALENDAR_OUTSIDE_HOURS, "営業時間外",
                                     "outside business hours"};
}

const char *hd_calendar_why_name(enum hd_calendar_why why)
{
    switch (why) {
    case HD_CALENDAR_OPEN:
        return "open";
    case HD_CALENDAR_OUTSIDE_HOURS:
        return "outside hours";
    case HD_CALENDAR_DAY_OFF:
        return "day off";
    case HD_CALENDAR_HOLIDAY:
        return "holiday";
    case HD_CALENDAR_YEAR_END:
        return "year-end";
    case HD_CALENDAR_CLOSURE:
        return "closure";
    }
    return "?";
}

static int no_open_time(struct hd_error *err)
{
    hd_error_set(err, HD_E_NOTFOUND,
                 "the calendar has no open time within %d days",
                 HD_CALENDAR_HORIZON_DAYS);
    return -1;
}

int hd_calendar_next_open(const struct hd_calendar *cal, int64_t t,
                          int64_t *open_r, struct hd_error *err)
{
    struct span_iter it;
    int64_t s, e;
    span_init(&it, cal, t, INT64_MAX);
    while (span_next(&it, &s, &e)) {
        if (e > t) {
            *open_r = s > t ? s : t;
            return 0;
        }
    }
    return no_open_time(err);
}

int hd_calendar_add_minutes(const struct hd_calendar *cal, int64_t from,
                            int minutes, int64_t *due_r,
                            struct hd_error *err)
{
    if (minutes < 0) {
        hd_error_set(err, HD_E_INVAL, "cannot add %d minutes", minutes);
        return -1;
    }
    if (minutes > HD_CALENDAR_ADD_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "%d minutes is more than %d",
                     minutes, HD_CALENDAR_ADD_MAX);
        return -1;
    }
    int64_t left = (int64_t)minutes * 60, cursor = from, s, e;
    struct span_iter it;
    span_init(&it, cal, from, INT64_MAX);
    while (span_next(&it, &s, &e)) {
        if (e <= cursor)
            continue;
        if (s < cursor)
            s = cursor;
        /* <=, not <: ending exactly at closing time is due at closing. */
        if (left <= e - s) {
            *due_r = s + left;
            return 0;
        }
        left -= e - s;
        cursor = e;
    }
    return no_open_time(err);
}

int64_t hd_calendar_business_seconds_between(const struct hd_calendar *cal,
                                             int64_t a, int64_t b)
{
    if (b <= a)
        return 0;
    int64_t total = 0, s, e;
    struct span_iter it;
    span_init(&it, cal, a, local_day(cal, b)); /* bounded, no horizon */
    while (span_next(&it, &s, &e)) {
        if (s >= b)
            break;
        s = s > a ? s : a;
        e = e < b ? e : b;
        if (e > s)
            total += e - s;
    }
    return total;
}

int64_t hd_calendar_business_minutes_between(const struct hd_calendar *cal,
                                             int64_t a, int64_t b)
{
    return hd_calendar_business_seconds_between(cal, a, b) / 60;
}
