/* ics.h - iCalendar (RFC 5545) reader for closures and other countries'
 * holidays.  Takes the bytes of one file and returns its events, or
 * refuses the whole file: a half-read holiday file would silently leave
 * days open, so there is no partial result.
 *
 * Understood: line unfolding (CRLF or LF), VCALENDAR with VEVENTs (other
 * components are skipped), DTSTART/DTEND as DATE or DATE-TIME (UTC "Z",
 * TZID=, or floating), DURATION in weeks/days/hours/minutes/seconds,
 * SUMMARY and UID with RFC 5545 escapes, STATUS:CANCELLED events dropped,
 * and RRULE with FREQ=YEARLY (INTERVAL, COUNT, UNTIL, and BYMONTH /
 * BYMONTHDAY only when they repeat DTSTART), expanded into separate
 * events.  Refused with an error naming the line: anything else in an
 * RRULE, RDATE, EXDATE, RECURRENCE-ID, bad dates, an end before the
 * start, missing END lines, text that is not UTF-8, NUL bytes, and input
 * past the caps below.  TZIDs are returned as written; turning them into
 * days is the calendar's job (hd_calendar_ics_days). */
#ifndef HD_ICS_H
#define HD_ICS_H

#include "arena.h"
#include "hd.h"

#define HD_ICS_MAX_BYTES (2u * 1024 * 1024) /* whole file */
#define HD_ICS_LINE_MAX 8192       /* one unfolded content line */
#define HD_ICS_EVENTS_MAX 5000     /* events after expanding rules */
#define HD_ICS_RRULE_MAX 200       /* occurrences of one rule */
#define HD_ICS_OPEN_RULE_YEARS 10  /* a rule without COUNT/UNTIL: years */
#define HD_ICS_DEPTH_MAX 8         /* nested components */
#define HD_ICS_SPAN_DAYS_MAX 366   /* length of one event */
#define HD_ICS_YEAR_MIN 1900
#define HD_ICS_YEAR_MAX 2200

enum hd_ics_kind {
    HD_ICS_DATE,     /* VALUE=DATE: a whole day, no time */
    HD_ICS_UTC,      /* DATE-TIME ending in Z */
    HD_ICS_FLOATING, /* DATE-TIME without zone: "local wherever you are" */
    HD_ICS_TZID,     /* DATE-TIME with TZID= */
};

struct hd_ics_time {
    enum hd_ics_kind kind;
    int year, mon, day;   /* always valid */
    int hour, min, sec;   /* 0 for HD_ICS_DATE */
    const char *tzid;     /* HD_ICS_TZID only, else NULL */
};

struct hd_ics_event {
    const char *uid;     /* "" when absent */
    const char *summary; /* unescaped UTF-8, may hold newlines; "" if none */
    struct hd_ics_time start;
    struct hd_ics_time end; /* exclusive; filled in when DTEND was absent
                               (a DATE event lasts one day, a DATE-TIME
                               event no time) */
};

/* Parses data[0..len).  On 0, *evs_r (in arena a) holds *n_r events, in
 * file order with each rule's occurrences together.  On -1 nothing is
 * returned: HD_E_TOOBIG past a cap, HD_E_PARSE for anything malformed or
 * unsupported; err->msg names the line. */
HD_NODISCARD int hd_ics_parse(const char *data, size_t len,
                              struct hd_arena *a,
                              struct hd_ics_event **evs_r, size_t *n_r,
                              struct hd_error *err);

#endif
