/* ics.c - see ics.h.  One pass over the bytes: unfold a content line,
 * split name / parameters / value, feed a small component stack.  Events
 * collect in a malloc'd array that is copied into the caller's arena only
 * when the whole file has been accepted. */
#include "ics.h"

#include "buf.h"
#include "date.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistr.h>

#define NAME_MAX_LEN 64 /* property, parameter and component names */

struct event_acc {
    bool has_start, has_end, has_dur, cancelled;
    struct hd_ics_time start, end;
    int64_t dur;        /* seconds */
    const char *uid, *summary;
    char *rrule;        /* arena copy, NULL if none */
    size_t line;        /* where BEGIN:VEVENT was */
};

struct parser {
    const char *p, *end;
    size_t phys, lineno; /* physical lines read; first line of this one */
    struct hd_buf line;
    struct hd_arena *a;
    struct hd_error *err;
    char stack[HD_ICS_DEPTH_MAX][NAME_MAX_LEN];
    int depth;
    bool seen_calendar;
    struct event_acc ev;
    struct hd_ics_event *evs;
    size_t n, cap;
};

struct prop {
    char name[NAME_MAX_LEN];
    char value_type[NAME_MAX_LEN]; /* VALUE= parameter, "" if none */
    const char *tzid;              /* TZID= parameter (arena), or NULL */
    const char *value;
};

static int fail(struct parser *ps, enum hd_errcode code, const char *what)
{
    hd_error_set(ps->err, code, "iCalendar line %zu: %s", ps->lineno, what);
    return -1;
}

/* ---- lines ------------------------------------------------------------ */

/* Next unfolded line into ps->line: 1, 0 at the end, -1 error. */
static int next_line(struct parser *ps)
{
    if (ps->p >= ps->end)
        return 0;
    hd_buf_reset(&ps->line);
    ps->lineno = ps->phys + 1;
    for (;;) {
        const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
        const char *e = nl != NULL ? nl : ps->end;
        size_t n = (size_t)(e - ps->p);
        if (n > 0 && ps->p[n - 1] == '\r')
            n--;
        if (hd_buf_append(&ps->line, ps->p, n, NULL) < 0)
            return fail(ps, HD_E_TOOBIG, "content line longer than 8192 "
                                         "bytes");
        ps->phys++;
        ps->p = nl != NULL ? nl + 1 : ps->end;
        /* RFC 5545 3.1: CRLF followed by one space or tab continues. */
        if (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t')) {
            ps->p++;
            continue;
        }
        return 1;
    }
}

static void upper_copy(char *dst, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)toupper((unsigned char)s[i]);
    dst[n] = '\0';
}

static size_t name_len(const char *s)
{
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '-')
        n++;
    return n;
}

/* name *(";" param "=" value) ":" value, RFC 5545 3.1. */
static int split_line(struct parser *ps, char *s, struct prop *pr)
{
    memset(pr, 0, sizeof *pr);
    size_t n = name_len(s);
    if (n == 0 || n >= NAME_MAX_LEN)
        return fail(ps, HD_E_PARSE, "not a content line (NAME:value)");
    upper_copy(pr->name, s, n);
    s += n;
    while (*s == ';') {
        char pname[NAME_MAX_LEN];
        n = name_len(++s);
        if (n == 0 || n >= NAME_MAX_LEN || s[n] != '=')
            return fail(ps, HD_E_PARSE, "bad parameter");
        upper_copy(pname, s, n);
        s += n + 1;
        const char *v = s;
        if (*s == '"') {
            char *q = strchr(++s, '"');
            if (q == NULL)
                return fail(ps, HD_E_PARSE, "unterminated quoted parameter");
            v = s;
            n = (size_t)(q - s);
            s = q + 1;
        } else {
            n = strcspn(s, ";:,");
            s += n;
        }
        while (*s == ',') { /* further values of a list: not needed */
            s++;
            if (*s == '"') {
                char *q = strchr(s + 1, '"');
                if (q == NULL)
                    return fail(ps, HD_E_PARSE, "unterminated quoted "
                                                "parameter");
                s = q + 1;
            } else {
                s += strcspn(s, ";:,");
            }
        }
        if (strcmp(pname, "VALUE") == 0 && n < NAME_MAX_LEN)
            upper_copy(pr->value_type, v, n);
        else if (strcmp(pname, "TZID") == 0)
            pr->tzid = hd_arena_strndup(ps->a, v, n);
    }
    if (*s != ':')
        return fail(ps, HD_E_PARSE, "missing ':' after the property name");
    pr->value = s + 1;
    return 0;
}

/* ---- values ----------------------------------------------------------- */

static int digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

/* DATE "20260101" or DATE-TIME "20260101T090000" with optional Z. */
static int parse_time(struct parser *ps, const struct prop *pr,
                      struct hd_ics_time *t)
{
    const char *v = pr->value;
    size_t len = strlen(v);
    bool as_date = strcmp(pr->value_type, "DATE") == 0;
    memset(t, 0, sizeof *t);
    if (digits(v, 4, &t->year) || digits(v + 4, 2, &t->mon) ||
        digits(v + 6, 2, &t->day))
        return fail(ps, HD_E_PARSE, "date must be YYYYMMDD");
    if (len == 8 && strcmp(pr->value_type, "DATE-TIME") != 0) {
        t->kind = HD_ICS_DATE;
    } else if (!as_date && (len == 15 || (len == 16 && v[15] == 'Z')) &&
               v[8] == 'T' && !digits(v + 9, 2, &t->hour) &&
               !digits(v + 11, 2, &t->min) && !digits(v + 13, 2, &t->sec)) {
        t->kind = len == 16 ? HD_ICS_UTC
                            : pr->tzid != NULL ? HD_ICS_TZID : HD_ICS_FLOATING;
        t->tzid = t->kind == HD_ICS_TZID ? pr->tzid : NULL;
    } else {
        return fail(ps, HD_E_PARSE, "want YYYYMMDD or YYYYMMDDTHHMMSS[Z] "
                                    "as the VALUE type says");
    }
    if (t->year < HD_ICS_YEAR_MIN || t->year > HD_ICS_YEAR_MAX ||
        !hd_date_valid(t->year, t->mon, t->day) || t->hour > 23 ||
        t->min > 59 || t->sec > 59)
        return fail(ps, HD_E_PARSE, "no such date or time");
    return 0;
}

static int64_t time_key(const struct hd_ics_time *t)
{
    return hd_date_to_days(t->year, t->mon, t->day) * 86400 +
           t->hour * 3600 + t->min * 60 + t->sec;
}

static void time_from_key(struct hd_ics_time *t, int64_t key)
{
    int64_t days = key / 86400, sec = key % 86400;
    struct hd_date d = hd_date_from_days(days);
    t->year = d.year;
    t->mon = d.mon;
    t->day = d.day;
    t->hour = (int)(sec / 3600);
    t->min = (int)(sec / 60 % 60);
    t->sec = (int)(sec % 60);
}

/* RFC 5545 3.3.6, positive only: P7W, P1D, PT1H30M, P1DT12H. */
static int parse_duration(struct parser *ps, const char *v, int64_t *sec_r)
{
    int64_t total = 0;
    bool in_time = false, any = false;
    if (*v == '+')
        v++;
    if (*v++ != 'P')
        return fail(ps, HD_E_PARSE, "DURATION must look like P1D or PT2H");
    while (*v != '\0') {
        if (*v == 'T' && !in_time) {
            in_time = true;
            v++;
            continue;
        }
        int64_t n = 0;
        int nd = 0;
        for (; isdigit((unsigned char)*v) && nd < 7; v++, nd++)
            n = n * 10 + (*v - '0');
        char u = *v++;
        int64_t mult = u == 'W' && !in_time   ? 7 * 86400
                       : u == 'D' && !in_time ? 86400
                       : u == 'H' && in_time  ? 3600
                       : u == 'M' && in_time  ? 60
                       : u == 'S' && in_time  ? 1
                                              : 0;
        if (nd == 0 || mult == 0)
            return fail(ps, HD_E_PARSE, "DURATION must look like P1D or "
                                        "PT2H");
        total += n * mult;
        any = true;
    }
    if (!any)
        return fail(ps, HD_E_PARSE, "empty DURATION");
    *sec_r = total;
    return 0;
}

/* TEXT escapes, RFC 5545 3.3.11. */
static const char *unescape(struct hd_arena *a, const char *v)
{
    size_t n = strlen(v);
    char *out = hd_arena_alloc(a, n + 1), *o = out;
    for (const char *s = v; *s != '\0'; s++) {
        if (*s == '\\' && s[1] != '\0') {
            s++;
            *o++ = (*s == 'n' || *s == 'N') ? '\n' : *s;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

/* ---- events and rules ------------------------------------------------- */

static int push_event(struct parser *ps, const struct hd_ics_event *e)
{
    if (ps->n >= HD_ICS_EVENTS_MAX)
        return fail(ps, HD_E_TOOBIG, "more than 5000 events (after "
                                     "expanding rules)");
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 64;
        ps->evs = hd_xrealloc(ps->evs, ps->cap * sizeof *ps->evs);
    }
    ps->evs[ps->n++] = *e;
    return 0;
}

struct rrule {
    int interval, count; /* count 0: none */
    bool has_until;
    int64_t until;       /* time_key, inclusive */
};

static int rrule_part(struct parser *ps, const char *name, const char *val,
                      const struct hd_ics_time *start, struct rrule *r)
{
    int v = 0;
    size_t vl = strlen(val);
    bool num = vl > 0 && vl < 7 && digits(val, (int)vl, &v) == 0;
    if (vl >= 7 && strspn(val, "0123456789") == vl) {
        num = true; /* far above every cap below */
        v = 1000000;
    }
    if (strcmp(name, "FREQ") == 0) {
        if (strcasecmp(val, "YEARLY") != 0)
            return fail(ps, HD_E_PARSE, "RRULE: only FREQ=YEARLY is "
                                        "supported");
    } else if (strcmp(name, "INTERVAL") == 0 && num && v >= 1) {
        r->interval = v > 1000 ? 1000 : v; /* 1000 years: one occurrence */
    } else if (strcmp(name, "COUNT") == 0 && num && v >= 1) {
        if (v > HD_ICS_RRULE_MAX)
            return fail(ps, HD_E_TOOBIG, "RRULE: COUNT above 200");
        r->count = v;
    } else if (strcmp(name, "UNTIL") == 0) {
        struct hd_ics_time u;
        struct prop pr = {.value = val};
        if (parse_time(ps, &pr, &u) < 0)
            return -1;
        r->has_until = true;
        r->until = time_key(&u) + (u.kind == HD_ICS_DATE ? 86399 : 0);
    } else if ((strcmp(name, "BYMONTH") == 0 && num && v == start->mon) ||
               (strcmp(name, "BYMONTHDAY") == 0 && num && v == start->day)) {
        /* repeats DTSTART: harmless */
    } else {
        hd_error_set(ps->err, HD_E_PARSE,
                     "iCalendar line %zu: RRULE part %.40s=%.40s is not "
                     "supported (only FREQ=YEARLY with INTERVAL, COUNT, "
                     "UNTIL)",
                     ps->lineno, name, val);
        return -1;
    }
    return 0;
}

static int parse_rrule(struct parser *ps, char *s,
                       const struct hd_ics_time *start, struct rrule *r)
{
    bool freq = false;
    *r = (struct rrule){.interval = 1};
    for (char *part = s; part != NULL && *part != '\0';) {
        char *next = strchr(part, ';');
        if (next != NULL)
            *next++ = '\0';
        char *eq = strchr(part, '=');
        if (eq == NULL || eq - part >= NAME_MAX_LEN)
            return fail(ps, HD_E_PARSE, "RRULE: want NAME=VALUE parts");
        char name[NAME_MAX_LEN];
        upper_copy(name, part, (size_t)(eq - part));
        freq |= strcmp(name, "FREQ") == 0;
        if (rrule_part(ps, name, eq + 1, start, r) < 0)
            return -1;
        part = next;
    }
    if (!freq)
        return fail(ps, HD_E_PARSE, "RRULE without FREQ");
    if (r->count > 0 && r->has_until)
        return fail(ps, HD_E_PARSE, "RRULE with both COUNT and UNTIL");
    return 0;
}

/* Occurrences of a yearly rule.  A 29 February start skips other years
 * (RFC 5545 3.3.10: invalid dates are ignored, not counted). */
static int expand(struct parser *ps, const struct hd_ics_event *e,
                  const struct rrule *r)
{
    int64_t span = time_key(&e->end) - time_key(&e->start);
    int made = 0;
    for (int k = 0;; k += r->interval) {
        int y = e->start.year + k;
        if (y > HD_ICS_YEAR_MAX || (r->count > 0 && made == r->count) ||
            (r->count == 0 && !r->has_until && k >= HD_ICS_OPEN_RULE_YEARS))
            return 0;
        if (!hd_date_valid(y, e->start.mon, e->start.day))
            continue;
        struct hd_ics_event o = *e;
        o.start.year = y;
        if (r->has_until && time_key(&o.start) > r->until)
            return 0;
        if (made == HD_ICS_RRULE_MAX)
            return fail(ps, HD_E_TOOBIG, "RRULE expands to more than 200 "
                                         "occurrences");
        time_from_key(&o.end, time_key(&o.start) + span);
        if (push_event(ps, &o) < 0)
            return -1;
        made++;
    }
}

static int finish_event(struct parser *ps)
{
    struct event_acc *ev = &ps->ev;
    if (!ev->has_start)
        return fail(ps, HD_E_PARSE, "VEVENT without DTSTART");
    if (ev->has_end && ev->has_dur)
        return fail(ps, HD_E_PARSE, "VEVENT with both DTEND and DURATION");
    struct hd_ics_event e = {ev->uid ? ev->uid : "",
                             ev->summary ? ev->summary : "", ev->start,
                             ev->end};
    bool date = e.start.kind == HD_ICS_DATE;
    if (ev->has_dur && date && ev->dur % 86400 != 0)
        return fail(ps, HD_E_PARSE, "all-day event with a DURATION of part "
                                    "of a day");
    if (!ev->has_end) {
        e.end = e.start;
        int64_t len = ev->has_dur ? ev->dur : date ? 86400 : 0;
        if (len > (int64_t)HD_ICS_SPAN_DAYS_MAX * 86400)
            return fail(ps, HD_E_TOOBIG, "event longer than 366 days");
        time_from_key(&e.end, time_key(&e.start) + len);
    }
    if ((e.end.kind == HD_ICS_DATE) != date)
        return fail(ps, HD_E_PARSE, "DTSTART and DTEND mix DATE and "
                                    "DATE-TIME");
    /* Times of different kinds (UTC and a TZID) are only comparable once
     * placed in a zone: hd_calendar_ics_days() checks those. */
    bool same = e.start.kind == e.end.kind &&
                (e.start.kind != HD_ICS_TZID ||
                 strcmp(e.start.tzid, e.end.tzid) == 0);
    int64_t len = time_key(&e.end) - time_key(&e.start);
    if (same && (len < 0 || (date && len == 0)))
        return fail(ps, HD_E_PARSE, "event ends before it starts");
    if (len > (int64_t)HD_ICS_SPAN_DAYS_MAX * 86400)
        return fail(ps, HD_E_TOOBIG, "event longer than 366 days");
    if (ev->rrule != NULL) {
        struct rrule r;
        if (parse_rrule(ps, ev->rrule, &e.start, &r) < 0)
            return -1;
        return ev->cancelled ? 0 : expand(ps, &e, &r);
    }
    return ev->cancelled ? 0 : push_event(ps, &e);
}

static int event_prop(struct parser *ps, const struct prop *pr)
{
    struct event_acc *ev = &ps->ev;
    const char *n = pr->name;
    if (strcmp(n, "DTSTART") == 0 || strcmp(n, "DTEND") == 0) {
        bool start = n[2] == 'S';
        if (start ? ev->has_start : ev->has_end)
            return fail(ps, HD_E_PARSE, "DTSTART or DTEND given twice");
        *(start ? &ev->has_start : &ev->has_end) = true;
        return parse_time(ps, pr, start ? &ev->start : &ev->end);
    }
    if (strcmp(n, "DURATION") == 0) {
        ev->has_dur = true;
        return parse_duration(ps, pr->value, &ev->dur);
    }
    if (strcmp(n, "SUMMARY") == 0)
        ev->summary = unescape(ps->a, pr->value);
    else if (strcmp(n, "UID") == 0)
        ev->uid = unescape(ps->a, pr->value);
    else if (strcmp(n, "STATUS") == 0)
        ev->cancelled = strcasecmp(pr->value, "CANCELLED") == 0;
    else if (strcmp(n, "RRULE") == 0) {
        if (ev->rrule != NULL)
            return fail(ps, HD_E_PARSE, "more than one RRULE");
        ev->rrule = hd_arena_strdup(ps->a, pr->value);
    } else if (strcmp(n, "RDATE") == 0 || strcmp(n, "EXDATE") == 0 ||
               strcmp(n, "EXRULE") == 0 || strcmp(n, "RECURRENCE-ID") == 0) {
        hd_error_set(ps->err, HD_E_PARSE,
                     "iCalendar line %zu: %s is not supported", ps->lineno,
                     n);
        return -1;
    }
    return 0;
}

/* ---- components ------------------------------------------------------- */

static int begin(struct parser *ps, const char *value)
{
    char name[NAME_MAX_LEN];
    size_t n = strlen(value);
    if (n == 0 || n >= NAME_MAX_LEN)
        return fail(ps, HD_E_PARSE, "bad BEGIN");
    upper_copy(name, value, n);
    if (ps->depth == 0 && strcmp(name, "VCALENDAR") != 0)
        return fail(ps, HD_E_PARSE, "expected BEGIN:VCALENDAR");
    if (strcmp(name, "VEVENT") == 0) {
        if (ps->depth != 1)
            return fail(ps, HD_E_PARSE, "VEVENT not directly in VCALENDAR");
        memset(&ps->ev, 0, sizeof ps->ev);
        ps->ev.line = ps->lineno;
    }
    if (ps->depth == HD_ICS_DEPTH_MAX)
        return fail(ps, HD_E_TOOBIG, "components nested too deep");
    memcpy(ps->stack[ps->depth++], name, n + 1);
    ps->seen_calendar = true;
    return 0;
}

static int end(struct parser *ps, const char *value)
{
    char name[NAME_MAX_LEN];
    size_t n = strlen(value);
    if (n >= NAME_MAX_LEN)
        return fail(ps, HD_E_PARSE, "bad END");
    upper_copy(name, value, n);
    if (ps->depth == 0 || strcmp(ps->stack[ps->depth - 1], name) != 0) {
        hd_error_set(ps->err, HD_E_PARSE,
                     "iCalendar line %zu: END:%s does not close %s",
                     ps->lineno, name,
                     ps->depth ? ps->stack[ps->depth - 1] : "anything");
        return -1;
    }
    ps->depth--;
    return strcmp(name, "VEVENT") == 0 ? finish_event(ps) : 0;
}

static int content_line(struct parser *ps)
{
    struct prop pr;
    char *s = ps->line.data;
    if (ps->line.len == 0)
        return 0; /* blank lines: tolerated */
    /* Checked after unfolding: a fold may split a UTF-8 sequence. */
    if (u8_check((const uint8_t *)s, ps->line.len) != NULL)
        return fail(ps, HD_E_PARSE, "text is not UTF-8");
    if (split_line(ps, s, &pr) < 0)
        return -1;
    if (strcmp(pr.name, "BEGIN") == 0)
        return begin(ps, pr.value);
    if (strcmp(pr.name, "END") == 0)
        return end(ps, pr.value);
    if (ps->depth == 0)
        return fail(ps, HD_E_PARSE, "content outside BEGIN:VCALENDAR");
    if (ps->depth == 2 && strcmp(ps->stack[1], "VEVENT") == 0)
        return event_prop(ps, &pr);
    return 0; /* calendar properties, VTIMEZONE, VALARM...: not needed */
}

static int check_bytes(const char *data, size_t len, struct hd_error *err)
{
    if (len > HD_ICS_MAX_BYTES) {
        hd_error_set(err, HD_E_TOOBIG, "iCalendar file is %zu bytes, max %u",
                     len, HD_ICS_MAX_BYTES);
        return -1;
    }
    if (memchr(data, '\0', len) != NULL) {
        hd_error_set(err, HD_E_PARSE, "iCalendar file contains a NUL byte");
        return -1;
    }
    return 0;
}

int hd_ics_parse(const char *data, size_t len, struct hd_arena *a,
                 struct hd_ics_event **evs_r, size_t *n_r,
                 struct hd_error *err)
{
    if (check_bytes(data, len, err) < 0)
        return -1;
    struct parser ps;
    memset(&ps, 0, sizeof ps);
    ps.p = data;
    ps.end = data + len;
    ps.a = a;
    ps.err = err;
    hd_buf_init(&ps.line, HD_ICS_LINE_MAX);
    int rc;
    while ((rc = next_line(&ps)) == 1)
        if (content_line(&ps) < 0)
            break;
    if (rc == 0 && ps.depth > 0) {
        hd_error_set(err, HD_E_PARSE,
                     "iCalendar file ends inside %s (missing END:%s)",
                     ps.stack[ps.depth - 1], ps.stack[ps.depth - 1]);
        rc = -1;
    } else if (rc == 0 && !ps.seen_calendar) {
        hd_error_set(err, HD_E_PARSE, "not an iCalendar file (no "
                                      "BEGIN:VCALENDAR)");
        rc = -1;
    } else if (rc == 1) {
        rc = -1; /* content_line failed, err is set */
    }
    if (rc == 0) {
        *evs_r = hd_arena_alloc(a, (ps.n + 1) * sizeof *ps.evs);
        if (ps.n > 0)
            memcpy(*evs_r, ps.evs, ps.n * sizeof *ps.evs);
        *n_r = ps.n;
    }
    free(ps.evs);
    hd_buf_deinit(&ps.line);
    return rc;
}
