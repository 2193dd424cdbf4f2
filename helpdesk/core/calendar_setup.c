/* calendar_setup.c - building a calendar: weekly hours (set or parsed from
 * configuration text), holiday switches, closures, open days, loading
 * stored closures, and turning iCalendar events into local days.  The
 * queries live in calendar.c. */
#include "calendar.h"

#include "arena.h"
#include "calendar_int.h"
#include "ics.h"
#include "store_calendar.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_ranges(const struct hd_calendar_range *r, size_t n,
                        struct hd_error *err)
{
    if (n > HD_CALENDAR_RANGES_MAX) {
        hd_error_set(err, HD_E_INVAL, "%zu opening ranges in a day, max %d",
                     n, HD_CALENDAR_RANGES_MAX);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (r[i].start < 0 || r[i].end > 1440 || r[i].start >= r[i].end) {
            hd_error_set(err, HD_E_INVAL,
                         "opening range %d-%d is not within 0-1440 minutes "
                         "with start before end",
                         r[i].start, r[i].end);
            return -1;
        }
        if (i > 0 && r[i].start < r[i - 1].end) {
            hd_error_set(err, HD_E_INVAL,
                         "opening ranges overlap or are out of order");
            return -1;
        }
    }
    return 0;
}

int hd_calendar_set_hours(struct hd_calendar *cal, int weekday,
                          const struct hd_calendar_range *r, size_t n,
                          struct hd_error *err)
{
    if (weekday < 0 || weekday > 6) {
        hd_error_set(err, HD_E_INVAL, "weekday %d is not 0-6", weekday);
        return -1;
    }
    if (check_ranges(r, n, err) < 0)
        return -1;
    memcpy(cal->hours[weekday], r, n * sizeof r[0]);
    cal->nhours[weekday] = n;
    return 0;
}

/* ---- "mon-fri 10:00-19:00; sat 10:00-13:00" --------------------------- */

struct week {
    struct hd_calendar_range r[7][HD_CALENDAR_RANGES_MAX];
    size_t n[7];
    bool named[7];
};

static const char *const day_names[7][2] = {
    {"sun", "sunday"},   {"mon", "monday"}, {"tue", "tuesday"},
    {"wed", "wednesday"}, {"thu", "thursday"}, {"fri", "friday"},
    {"sat", "saturday"},
};

static int parse_day(const char **p, int *wd, struct hd_error *err)
{
    char word[16];
    size_t n = 0;
    while (isalpha((unsigned char)(*p)[n]) && n + 1 < sizeof word) {
        word[n] = (char)tolower((unsigned char)(*p)[n]);
        n++;
    }
    word[n] = '\0';
    for (int i = 0; i < 7; i++) {
        if (strcmp(word, day_names[i][0]) == 0 ||
            strcmp(word, day_names[i][1]) == 0) {
            *wd = i;
            *p += n;
            return 0;
        }
    }
    hd_error_set(err, HD_E_INVAL, "hours: \"%.20s\" is not a day (sun..sat)",
                 *p);
    return -1;
}

/* Day list such as "mon-fri" or "mon,wed,fri-sun" into days[]. */
static int parse_days(const char **p, bool days[7], struct hd_error *err)
{
    for (;;) {
        int a, b;
        if (parse_day(p, &a, err) < 0)
            return -1;
        b = a;
        if (**p == '-') {
            (*p)++;
            if (parse_day(p, &b, err) < 0)
                return -1;
        }
        for (int d = a;; d = (d + 1) % 7) { /* ranges may wrap: fri-mon */
            days[d] = true;
            if (d == b)
                break;
        }
        if (**p != ',')
            return 0;
        (*p)++;
    }
}

static int parse_hhmm(const char **p, int *minute)
{
    const char *s = *p;
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
        s[2] != ':' || !isdigit((unsigned char)s[3]) ||
        !isdigit((unsigned char)s[4]))
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return -1;
    *minute = h * 60 + m;
    *p += 5;
    return 0;
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* The part after the days: "closed" or ranges separated by ',' or space. */
static int parse_ranges(const char *p, const char *end,
                        struct hd_calendar_range *r, size_t *n_r,
                        struct hd_error *err)
{
    size_t n = 0;
    p = skip_space(p);
    if ((size_t)(end - p) >= 6 && strncmp(p, "closed", 6) == 0) {
        *n_r = 0;
        p = skip_space(p + 6);
        return p == end ? 0 : (hd_error_set(err, HD_E_INVAL,
                                            "hours: text after \"closed\""),
                               -1);
    }
    while (p < end) {
        struct hd_calendar_range x;
        if (n == HD_CALENDAR_RANGES_MAX) {
            hd_error_set(err, HD_E_INVAL, "hours: more than %d ranges a day",
                         HD_CALENDAR_RANGES_MAX);
            return -1;
        }
        if (parse_hhmm(&p, &x.start) < 0 || *p++ != '-' ||
            parse_hhmm(&p, &x.end) < 0) {
            hd_error_set(err, HD_E_INVAL,
                         "hours: want HH:MM-HH:MM or \"closed\" near "
                         "\"%.20s\"", p - 1);
            return -1;
        }
        r[n++] = x;
        while (p < end && (*p == ',' || *p == ' ' || *p == '\t'))
            p++;
    }
    if (n == 0) {
        hd_error_set(err, HD_E_INVAL, "hours: days without hours (say "
                                      "\"closed\")");
        return -1;
    }
    *n_r = n;
    return check_ranges(r, n, err);
}

static int parse_clause(const char *p, const char *end, struct week *w,
                        struct hd_error *err)
{
    bool days[7] = {false};
    struct hd_calendar_range r[HD_CALENDAR_RANGES_MAX];
    size_t n;
    p = skip_space(p);
    if (parse_days(&p, days, err) < 0 || parse_ranges(p, end, r, &n, err) < 0)
        return -1;
    for (int d = 0; d < 7; d++) {
        if (!days[d])
            continue;
        if (w->named[d]) {
            hd_error_set(err, HD_E_INVAL, "hours: %s given twice",
                         day_names[d][0]);
            return -1;
        }
        w->named[d] = true;
        memcpy(w->r[d], r, n * sizeof r[0]);
        w->n[d] = n;
    }
    return 0;
}

int hd_calendar_parse_hours(struct hd_calendar *cal, const char *spec,
                            struct hd_error *err)
{
    struct week w;
    memset(&w, 0, sizeof w);
    if (strlen(spec) > HD_CONFIG_LINE_MAX) {
        hd_error_set(err, HD_E_INVAL, "hours: longer than %d bytes",
                     HD_CONFIG_LINE_MAX);
        return -1;
    }
    for (const char *p = spec; *p != '\0';) {
        const char *end = strchr(p, ';');
        if (end == NULL)
            end = p + strlen(p);
        const char *q = skip_space(p);
        const char *e = end;
        while (e > q && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > q && parse_clause(q, e, &w, err) < 0)
            return -1;
        p = *end == ';' ? end + 1 : end;
    }
    memcpy(cal->hours, w.r, sizeof w.r);
    memcpy(cal->nhours, w.n, sizeof w.n);
    return 0;
}

void hd_calendar_set_holidays_jp(struct hd_calendar *cal, bool closed)
{
    cal->holidays_jp = closed;
}

void hd_calendar_set_year_end(struct hd_calendar *cal, bool closed)
{
    cal->year_end = closed;
}

/* ---- closures and open days ------------------------------------------- */

int hd_calendar_add_closure(struct hd_calendar *cal, int y, int m, int d,
                            int y2, int m2, int d2, const char *name,
                            struct hd_error *err)
{
    if (!hd_date_valid(y, m, d) || !hd_date_valid(y2, m2, d2)) {
        hd_error_set(err, HD_E_INVAL, "closure has an invalid date");
        return -1;
    }
    int64_t first = hd_date_to_days(y, m, d);
    int64_t last = hd_date_to_days(y2, m2, d2);
    if (last < first || last - first >= HD_CALENDAR_CLOSURE_DAYS_MAX) {
        hd_error_set(err, HD_E_INVAL,
                     "closure must end on or after its start and last at "
                     "most %d days",
                     HD_CALENDAR_CLOSURE_DAYS_MAX);
        return -1;
    }
    if (name == NULL || *name == '\0')
        name = "臨時休業";
    if (strlen(name) > HD_NAME_MAX) {
        hd_error_set(err, HD_E_INVAL, "closure name longer than %d bytes",
                     HD_NAME_MAX);
        return -1;
    }
    if (cal->nclosures >= HD_CALENDAR_CLOSURES_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "more than %d closures",
                     HD_CALENDAR_CLOSURES_MAX);
        return -1;
    }
    if (cal->nclosures == cal->capclosures) {
        cal->capclosures = cal->capclosures ? cal->capclosures * 2 : 16;
        cal->closures = hd_xrealloc(cal->closures, cal->capclosures *
                                                       sizeof *cal->closures);
    }
    cal->closures[cal->nclosures++] =
        (struct closure){first, last, hd_xstrdup(name)};
    return 0;
}

int hd_calendar_add_open_day(struct hd_calendar *cal, int y, int m, int d,
                             struct hd_calendar_range r,
                             struct hd_error *err)
{
    if (!hd_date_valid(y, m, d)) {
        hd_error_set(err, HD_E_INVAL, "open day has an invalid date");
        return -1;
    }
    if (check_ranges(&r, 1, err) < 0)
        return -1;
    if (cal->nopen_days >= HD_CALENDAR_OPEN_DAYS_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "more than %d open days",
                     HD_CALENDAR_OPEN_DAYS_MAX);
        return -1;
    }
    if (cal->nopen_days == cal->capopen_days) {
        cal->capopen_days = cal->capopen_days ? cal->capopen_days * 2 : 8;
        cal->open_days = hd_xrealloc(
            cal->open_days, cal->capopen_days * sizeof *cal->open_days);
    }
    cal->open_days[cal->nopen_days++] =
        (struct open_day){hd_date_to_days(y, m, d), r};
    return 0;
}

int hd_calendar_load(struct hd_calendar *cal, struct hd_store *st,
                     struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    struct hd_closure *cs;
    size_t n;
    int rc = hd_store_closure_list(st, a, &cs, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = hd_calendar_add_closure(cal, cs[i].first.year, cs[i].first.mon,
                                     cs[i].first.day, cs[i].last.year,
                                     cs[i].last.mon, cs[i].last.day,
                                     cs[i].name, err);
    hd_arena_free(&a);
    return rc;
}

/* ---- iCalendar events to local days ----------------------------------- */

static int ics_instant(const struct hd_calendar *cal,
                       const struct hd_ics_time *t, int64_t *utc_r,
                       struct hd_error *err)
{
    int64_t day = hd_date_to_days(t->year, t->mon, t->day);
    int64_t sec = t->hour * 3600 + t->min * 60 + t->sec;
    if (t->kind == HD_ICS_UTC) {
        *utc_r = day * 86400 + sec;
        return 0;
    }
    if (t->kind == HD_ICS_TZID && strcmp(t->tzid, cal->zone) != 0) {
        hd_error_set(err, HD_E_INVAL,
                     "TZID %.64s is not the calendar zone %s (use UTC, "
                     "dates, or %s)",
                     t->tzid, cal->zone, cal->zone);
        return -1;
    }
    /* DATE, floating, or a TZID naming the calendar's own zone. */
    *utc_r = hd_calendar_day_start(cal, hd_date_from_days(day)) + sec;
    return 0;
}

int hd_calendar_ics_days(const struct hd_calendar *cal,
                         const struct hd_ics_event *ev,
                         struct hd_date *first_r, struct hd_date *last_r,
                         struct hd_error *err)
{
    if (ev->start.kind == HD_ICS_DATE && ev->end.kind == HD_ICS_DATE) {
        int64_t a = hd_date_to_days(ev->start.year, ev->start.mon,
                                    ev->start.day);
        int64_t b = hd_date_to_days(ev->end.year, ev->end.mon, ev->end.day);
        if (b <= a) {
            hd_error_set(err, HD_E_INVAL, "event ends before it starts");
            return -1;
        }
        *first_r = hd_date_from_days(a);
        *last_r = hd_date_from_days(b - 1);
        return 0;
    }
    int64_t s, e;
    if (ics_instant(cal, &ev->start, &s, err) < 0 ||
        ics_instant(cal, &ev->end, &e, err) < 0)
        return -1;
    if (e < s) {
        hd_error_set(err, HD_E_INVAL, "event ends before it starts");
        return -1;
    }
    *first_r = hd_calendar_local_date(cal, s);
    /* End is exclusive: an event to 00:00 does not close the next day. */
    *last_r = hd_calendar_local_date(cal, e > s ? e - 1 : s);
    return 0;
}
