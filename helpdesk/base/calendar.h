/* calendar.h - when is the help desk open?  Knows weekly hours, Japanese
 * holidays, the year-end closure, extra closures and extra open days for
 * one time zone; knows nothing about tickets.  The SLA code asks it for
 * due times and for business time between two instants.
 *
 * Times are UTC seconds (int64_t).  Days are local days of the calendar's
 * zone.  Two ways of finding local time, chosen by the zone name:
 *   - fixed offset, thread-safe and independent of the process TZ, for
 *     Asia/Tokyo and JST-9 (+09:00; Japan has had no DST since 1951) and
 *     UTC, Etc/UTC, GMT (+00:00);
 *   - any other IANA zone goes through localtime_r()/mktime(), so it must
 *     be the process zone: hd_calendar_new() refuses it unless
 *     hd_clock_set_zone() was called with the same name first.
 *
 * Precedence for one local day: an extra open day opens (with its own
 * hours); otherwise a closure, the year-end closure, a Japanese holiday or
 * a weekday without hours closes it; otherwise the weekday's hours apply.
 * Closures are whole days.  Holidays are known for HD_HOLIDAY_JP_FIRST to
 * HD_HOLIDAY_JP_LAST; days outside have none.
 *
 * A calendar is read-only after set-up: the query functions take a const
 * pointer and may be called from several threads at once (fixed-offset
 * zones; the localtime_r path shares the process zone, which is fixed at
 * start-up). */
#ifndef HD_CALENDAR_H
#define HD_CALENDAR_H

#include "date.h"
#include "hd.h"

struct hd_calendar;
struct hd_store;
struct hd_ics_event;

/* Searches give up after this many consecutive days without open time. */
#define HD_CALENDAR_HORIZON_DAYS 400
#define HD_CALENDAR_RANGES_MAX 4          /* opening ranges per weekday */
#define HD_CALENDAR_CLOSURES_MAX 20000    /* extra closures per calendar */
#define HD_CALENDAR_CLOSURE_DAYS_MAX 366  /* days in one closure */
#define HD_CALENDAR_OPEN_DAYS_MAX 1000    /* extra open days */
#define HD_CALENDAR_ADD_MAX (366 * 24 * 60) /* minutes in one addition */
#define HD_CALENDAR_ZONE_MAX 64

/* Minutes after local midnight, [start, end); 0 <= start < end <= 1440. */
struct hd_calendar_range {
    int start;
    int end;
};

/* Why a time is closed (or that it is open). */
enum hd_calendar_why {
    HD_CALENDAR_OPEN = 0,
    HD_CALENDAR_OUTSIDE_HOURS, /* an opening day, but not now */
    HD_CALENDAR_DAY_OFF,       /* weekday without hours (weekend) */
    HD_CALENDAR_HOLIDAY,       /* Japanese national holiday */
    HD_CALENDAR_YEAR_END,      /* year-end closure */
    HD_CALENDAR_CLOSURE,       /* an extra closure (added or imported) */
};

struct hd_calendar_reason {
    enum hd_calendar_why why;
    const char *name_ja; /* e.g. "元日", "年末年始休業", a closure's name */
    const char *name_en; /* e.g. "New Year's Day"; same as name_ja for
                            closures.  Both live as long as the calendar. */
};

/* A calendar for zone tz (see the top of this file) with the defaults:
 * Monday-Friday 10:00-19:00, Japanese holidays closed, year-end closure
 * 12/29-1/3.  NULL with HD_E_CONFIG when the zone cannot be used.  Free
 * with hd_calendar_free(). */
struct hd_calendar *hd_calendar_new(const char *tz, struct hd_error *err);
/* hd_calendar_new("Asia/Tokyo"). */
struct hd_calendar *hd_calendar_new_default(struct hd_error *err);
/* Open every minute of every day (incident clocks); zone Asia/Tokyo for
 * output.  Set-up calls other than closures still work but change nothing
 * about its answers. */
struct hd_calendar *hd_calendar_new_always(void);
void hd_calendar_free(struct hd_calendar **cal); /* sets *cal = NULL */

const char *hd_calendar_zone(const struct hd_calendar *cal);

/* ---- set-up (not thread-safe; before sharing the calendar) ----------- */

/* Replaces the hours of one weekday (0 = Sunday ... 6 = Saturday) with n
 * ranges (n = 0: closed that day).  Ranges must be ordered and not
 * overlap; -1 with HD_E_INVAL otherwise, the old hours kept. */
HD_NODISCARD int hd_calendar_set_hours(struct hd_calendar *cal, int weekday,
                                       const struct hd_calendar_range *r,
                                       size_t n, struct hd_error *err);
/* Replaces the whole week from text such as
 *     "mon-fri 10:00-19:00; sat 10:00-13:00"
 *     "mon,wed,fri 09:00-12:00,13:00-18:00; sat closed"
 * Days are sun..sat (or full names, any case); a range of days may wrap
 * (fri-mon); 24:00 may end a range.  Days not named are closed.  All or
 * nothing: on -1 (HD_E_INVAL, message says where) nothing changed. */
HD_NODISCARD int hd_calendar_parse_hours(struct hd_calendar *cal,
                                         const char *spec,
                                         struct hd_error *err);
/* Japanese holidays closed (default true) or business as usual. */
void hd_calendar_set_holidays_jp(struct hd_calendar *cal, bool closed);
/* Year-end closure 12/29-1/3 on (default) or off. */
void hd_calendar_set_year_end(struct hd_calendar *cal, bool closed);
/* Closes the local days y-m-d .. y2-m2-d2 (inclusive).  name (copied,
 * at most HD_NAME_MAX bytes) is what customers are told.  -1 with
 * HD_E_INVAL for bad or reversed dates, HD_E_TOOBIG past the caps. */
HD_NODISCARD int hd_calendar_add_closure(struct hd_calendar *cal, int y,
                                         int m, int d, int y2, int m2,
                                         int d2, const char *name,
                                         struct hd_error *err);
/* Opens a day that would be closed (or changes its hours) with one
 * range, e.g. a Saturday before a release. */
HD_NODISCARD int hd_calendar_add_open_day(struct hd_calendar *cal, int y,
                                          int m, int d,
                                          struct hd_calendar_range r,
                                          struct hd_error *err);
/* Adds every closure stored in the database (store_calendar.h); call it
 * once per calendar (a second call adds them again). */
HD_NODISCARD int hd_calendar_load(struct hd_calendar *cal,
                                  struct hd_store *st, struct hd_error *err);

/* ---- queries (const, thread-safe) ------------------------------------ */

bool hd_calendar_is_open(const struct hd_calendar *cal, int64_t t);
/* Why t is closed, or HD_CALENDAR_OPEN. */
void hd_calendar_closed_reason(const struct hd_calendar *cal, int64_t t,
                               struct hd_calendar_reason *r);
/* Short English label of a reason kind: "open", "outside hours",
 * "day off", "holiday", "year-end", "closure". */
const char *hd_calendar_why_name(enum hd_calendar_why why);

/* The first open instant at or after t (t itself when open).  -1 with
 * HD_E_NOTFOUND when no open time comes within HD_CALENDAR_HORIZON_DAYS. */
HD_NODISCARD int hd_calendar_next_open(const struct hd_calendar *cal,
                                       int64_t t, int64_t *open_r,
                                       struct hd_error *err);
/* Adds 'minutes' of business time to 'from'.  From closed time the count
 * starts at the next opening.  A result that lands exactly on a closing
 * time is that closing time (Fri 18:00 + 60 min = Fri 19:00), so "due by
 * close of business" reads as such.  -1 with HD_E_INVAL for minutes < 0,
 * HD_E_TOOBIG above HD_CALENDAR_ADD_MAX, HD_E_NOTFOUND when the rules
 * leave no open time within HD_CALENDAR_HORIZON_DAYS. */
HD_NODISCARD int hd_calendar_add_minutes(const struct hd_calendar *cal,
                                         int64_t from, int minutes,
                                         int64_t *due_r,
                                         struct hd_error *err);
/* Open seconds in [a, b) (0 when b <= a), for pausing SLA clocks. */
int64_t hd_calendar_business_seconds_between(const struct hd_calendar *cal,
                                             int64_t a, int64_t b);
/* The same in whole minutes (rounded down). */
int64_t hd_calendar_business_minutes_between(const struct hd_calendar *cal,
                                             int64_t a, int64_t b);

/* ---- local time of the calendar's zone -------------------------------- */

/* Local date of t. */
struct hd_date hd_calendar_local_date(const struct hd_calendar *cal,
                                      int64_t t);
/* UTC seconds of local midnight starting day d. */
int64_t hd_calendar_day_start(const struct hd_calendar *cal,
                              struct hd_date d);
/* RFC 3339 with the zone's offset, "2027-01-04T10:00:00+09:00"; out needs
 * 32 bytes. */
void hd_calendar_format(const struct hd_calendar *cal, int64_t t,
                        char out[32]);
/* Local days an iCalendar event covers (all of them, even a partly
 * covered one): DATE values as written, DATE-TIME values in UTC, floating
 * or with a TZID equal to the calendar's zone.  -1 with HD_E_INVAL for
 * another TZID or an end before the start. */
HD_NODISCARD int hd_calendar_ics_days(const struct hd_calendar *cal,
                                      const struct hd_ics_event *ev,
                                      struct hd_date *first_r,
                                      struct hd_date *last_r,
                                      struct hd_error *err);

#endif
