/* test_ics.c - the iCalendar reader: unfolding at every position, values
 * and escapes, yearly rules, and refusal of malformed or hostile files as
 * a whole; then turning events into local days of a calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "calendar.h"
#include "ics.h"

#define HEAD "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//x//EN\r\n"
#define TAIL "END:VCALENDAR\r\n"

static size_t parse_ok(const char *text, struct hd_arena *a,
                       struct hd_ics_event **evs)
{
    struct hd_error err = HD_ERROR_INIT;
    size_t n = 0;
    if (hd_ics_parse(text, strlen(text), a, evs, &n, &err) < 0)
        fail_msg("refused: %s\n%s", err.msg, text);
    return n;
}

static void test_values(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct hd_ics_event *e;
    const char *text =
        HEAD "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\n"
             "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0900\r\n"
             "TZOFFSETTO:+0900\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
             "BEGIN:VEVENT\r\nUID:a@x\r\nDTSTART;VALUE=DATE:20260812\r\n"
             "DTEND;VALUE=DATE:20260815\r\n"
             "SUMMARY:Office\\, closed\\; see\\nnotes \\\\ x\r\n"
             "BEGIN:VALARM\r\nACTION:DISPLAY\r\nSUMMARY:not me\r\n"
             "DTSTART:20000101T000000Z\r\nEND:VALARM\r\nEND:VEVENT\r\n"
             "BEGIN:VEVENT\r\nDTSTART:20261231T150000Z\r\n"
             "DTEND:20270101T150000Z\r\nSUMMARY:夏\r\n ç休業\r\nEND:VEVENT\r\n"
             "BEGIN:VEVENT\r\nDTSTART;TZID=\"Asia/Tokyo\":20260601T090000\r\n"
             "DURATION:PT3H\r\nEND:VEVENT\r\n"
             "begin:vevent\nDTSTART:20260602T100000\nDURATION:P1DT2H\n"
             "end:vevent\n"
             "BEGIN:VEVENT\r\nDTSTART:20260603\r\nEND:VEVENT\r\n"
             "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260604\r\nSTATUS:CANCELLED"
             "\r\nEND:VEVENT\r\n" TAIL;
    size_t n = parse_ok(text, a, &e);
    assert_int_equal(n, 5);
    assert_string_equal(e[0].uid, "a@x");
    assert_string_equal(e[0].summary, "Office, closed; see\nnotes \\ x");
    assert_int_equal(e[0].start.kind, HD_ICS_DATE);
    assert_int_equal(e[0].end.day, 15);
    assert_int_equal(e[1].start.kind, HD_ICS_UTC);
    assert_string_equal(e[1].summary, "夏ç休業"); /* folded mid-text */
    assert_int_equal(e[2].start.kind, HD_ICS_TZID);
    assert_string_equal(e[2].start.tzid, "Asia/Tokyo");
    assert_int_equal(e[2].end.hour, 12);
    assert_int_equal(e[3].start.kind, HD_ICS_FLOATING);
    assert_int_equal(e[3].end.day, 3);
    assert_int_equal(e[3].end.hour, 12);
    assert_int_equal(e[4].end.day, 4); /* DATE without DTEND: one day */
    assert_string_equal(e[4].summary, "");
    hd_arena_free(&a);
}

/* Folding may happen at any byte (RFC 5545 3.1 even splits UTF-8); the
 * result must not depend on where. */
static void test_fold_everywhere(void **state)
{
    (void)state;
    const char *summary = "SUMMARY:年末年始の休業 (Year-end\\, closed)";
    size_t len = strlen(summary);
    for (size_t cut = 1; cut < len; cut++) {
        for (int lf = 0; lf < 2; lf++) {
            char text[1024];
            snprintf(text, sizeof text,
                     HEAD "BEGIN:VEVENT\r\nDTSTART:20261229\r\n%.*s%s%s\r\n"
                          "END:VEVENT\r\n" TAIL,
                     (int)cut, summary, lf ? "\n\t" : "\r\n ",
                     summary + cut);
            struct hd_arena *a = hd_arena_new();
            struct hd_ics_event *e;
            if (parse_ok(text, a, &e) != 1 ||
                strcmp(e[0].summary, "年末年始の休業 (Year-end, closed)") != 0)
                fail_msg("cut %zu lf %d: %s", cut, lf, e[0].summary);
            hd_arena_free(&a);
        }
    }
}

static const struct {
    const char *rule;
    const char *dtstart;
    size_t n;
    int last_year;
} rules[] = {
    {"FREQ=YEARLY;COUNT=3", "20260101", 3, 2028},
    {"FREQ=YEARLY;UNTIL=20281231", "20260101", 3, 2028},
    {"FREQ=YEARLY;UNTIL=20280101T000000Z", "20260101", 3, 2028},
    {"FREQ=YEARLY", "20260101", HD_ICS_OPEN_RULE_YEARS, 2035},
    {"FREQ=YEARLY;INTERVAL=2;COUNT=3", "20260101", 3, 2030},
    {"FREQ=YEARLY;COUNT=2", "20240229", 2, 2028}, /* leap days only */
    {"freq=yearly;bymonth=8;bymonthday=11;count=2", "20260811", 2, 2027},
    {"FREQ=YEARLY;COUNT=200", "20000101", 200, 2199},
    {"FREQ=YEARLY;UNTIL=21991231", "20000101", 200, 2199},
};

static void test_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(rules); i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:%s\r\n"
                      "SUMMARY:r\r\nRRULE:%s\r\nEND:VEVENT\r\n" TAIL,
                 rules[i].dtstart, rules[i].rule);
        struct hd_arena *a = hd_arena_new();
        struct hd_ics_event *e;
        size_t n = parse_ok(text, a, &e);
        if (n != rules[i].n || e[n - 1].start.year != rules[i].last_year)
            fail_msg("case %zu (%s): %zu events to %d, want %zu to %d", i,
                     rules[i].rule, n, e[n - 1].start.year, rules[i].n,
                     rules[i].last_year);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(e[k].end.year, e[k].start.year +
                                                (e[k].start.mon == 12 &&
                                                 e[k].start.day == 31));
        hd_arena_free(&a);
    }
}

/* Each of these refuses the whole file with the given code. */
static const struct {
    const char *body; /* between HEAD and TAIL; "!" prefix: whole text */
    enum hd_errcode code;
    const char *msg; /* part of the message */
} bad[] = {
    {"BEGIN:VEVENT\r\nDTSTART:20260230\r\nEND:VEVENT\r\n", HD_E_PARSE,
     "no such date"},
    {"BEGIN:VEVENT\r\nDTSTART:20261301\r\nEND:VEVENT\r\n", HD_E_PARSE,
     "no such date"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101T250000Z\r\nEND:VEVENT\r\n",
     HD_E_PARSE, "no such date"},
    {"BEGIN:VEVENT\r\nDTSTART:2026-01-01\r\nEND:VEVENT\r\n", HD_E_PARSE,
     "YYYYMMDD"},
    {"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101T000000\r\nEND:VEVENT\r\n",
     HD_E_PARSE, "YYYYMMDD"},
    {"BEGIN:VEVENT\r\nDTSTART:18000101\r\nEND:VEVENT\r\n", HD_E_PARSE,
     "no such date"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\n", HD_E_PARSE,
     "does not close VEVENT"},
    {"!" HEAD "BEGIN:VEVENT\r\nDTSTART:20260101\r\n", HD_E_PARSE,
     "missing END:VEVENT"},
    {"!" HEAD, HD_E_PARSE, "missing END:VCALENDAR"},
    {"!", HD_E_PARSE, "no BEGIN:VCALENDAR"},
    {"!SUMMARY:x\r\n", HD_E_PARSE, "outside"},
    {"!BEGIN:VEVENT\r\n", HD_E_PARSE, "expected BEGIN:VCALENDAR"},
    {"BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n", HD_E_PARSE,
     "without DTSTART"},
    {"BEGIN:VEVENT\r\nDTSTART:20260102\r\nDTEND:20260101\r\nEND:VEVENT\r\n",
     HD_E_PARSE, "ends before"},
    {"BEGIN:VEVENT\r\nDTSTART:20260102\r\nDTEND:20260102\r\nEND:VEVENT\r\n",
     HD_E_PARSE, "ends before"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nDTEND:20260102T000000Z\r\n"
     "END:VEVENT\r\n",
     HD_E_PARSE, "mix"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nDTEND:20270201\r\nEND:VEVENT\r\n",
     HD_E_TOOBIG, "366"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nDURATION:P400D\r\nEND:VEVENT\r\n",
     HD_E_TOOBIG, "366"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nDURATION:PT1H\r\nEND:VEVENT\r\n",
     HD_E_PARSE, "part of a day"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nDURATION:1D\r\nEND:VEVENT\r\n",
     HD_E_PARSE, "DURATION"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nDTSTART:20260102\r\nEND:VEVENT"
     "\r\n",
     HD_E_PARSE, "twice"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nRRULE:FREQ=MONTHLY;COUNT=2\r\n"
     "END:VEVENT\r\n",
     HD_E_PARSE, "FREQ=YEARLY"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nRRULE:FREQ=YEARLY;BYDAY=MO\r\n"
     "END:VEVENT\r\n",
     HD_E_PARSE, "BYDAY=MO is not supported"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nRRULE:FREQ=YEARLY;BYMONTH=2\r\n"
     "END:VEVENT\r\n",
     HD_E_PARSE, "BYMONTH=2"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nRRULE:FREQ=YEARLY;COUNT=201\r\n"
     "END:VEVENT\r\n",
     HD_E_TOOBIG, "COUNT"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\n"
     "RRULE:FREQ=YEARLY;COUNT=99999999999999999999\r\nEND:VEVENT\r\n",
     HD_E_TOOBIG, "COUNT"},
    {"BEGIN:VEVENT\r\nDTSTART:19000101\r\nRRULE:FREQ=YEARLY;UNTIL=22001231"
     "\r\nEND:VEVENT\r\n",
     HD_E_TOOBIG, "more than 200"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nRRULE:FREQ=YEARLY;COUNT=2;"
     "UNTIL=20300101\r\nEND:VEVENT\r\n",
     HD_E_PARSE, "both"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nRRULE:COUNT=2\r\nEND:VEVENT\r\n",
     HD_E_PARSE, "without FREQ"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nEXDATE:20270101\r\nEND:VEVENT\r\n",
     HD_E_PARSE, "EXDATE is not supported"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nRECURRENCE-ID:20270101\r\n"
     "END:VEVENT\r\n",
     HD_E_PARSE, "RECURRENCE-ID"},
    {"BEGIN:VEVENT\r\nBEGIN:VEVENT\r\n", HD_E_PARSE, "not directly"},
    {"BEGIN:VEVENT\r\nDTSTART:20260101\r\nEND:VTODO\r\n", HD_E_PARSE,
     "does not close"},
    {"BEGIN:VEVENT\r\nDTSTART;TZID=\"Asia/Tokyo:20260101T000000\r\n"
     "END:VEVENT\r\n",
     HD_E_PARSE, "unterminated"},
    {"BEGIN:VEVENT\r\nno colon here\r\nEND:VEVENT\r\n", HD_E_PARSE,
     "missing ':'"},
    {"BEGIN:VEVENT\r\n:no name\r\nEND:VEVENT\r\n", HD_E_PARSE,
     "content line"},
    {"BEGIN:A\r\nBEGIN:B\r\nBEGIN:C\r\nBEGIN:D\r\nBEGIN:E\r\nBEGIN:F\r\n"
     "BEGIN:G\r\nBEGIN:H\r\n",
     HD_E_TOOBIG, "nested"},
};

static void test_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(bad); i++) {
        char text[2048];
        if (bad[i].body[0] == '!')
            snprintf(text, sizeof text, "%s", bad[i].body + 1);
        else
            snprintf(text, sizeof text, HEAD "%s" TAIL, bad[i].body);
        struct hd_arena *a = hd_arena_new();
        struct hd_error err = HD_ERROR_INIT;
        struct hd_ics_event *e = (struct hd_ics_event *)&err; /* sentinel */
        size_t n = 12345;
        int rc = hd_ics_parse(text, strlen(text), a, &e, &n, &err);
        if (rc != -1 || err.code != bad[i].code ||
            strstr(err.msg, bad[i].msg) == NULL)
            fail_msg("case %zu: rc %d code %s msg \"%s\", want %s \"%s\"", i,
                     rc, hd_errcode_name(err.code), err.msg,
                     hd_errcode_name(bad[i].code), bad[i].msg);
        assert_ptr_equal(e, (struct hd_ics_event *)&err); /* untouched */
        assert_int_equal(n, 12345);
        hd_arena_free(&a);
    }
}

static int parse_buf(struct hd_buf *b, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    struct hd_ics_event *e;
    size_t n;
    int rc = hd_ics_parse(b->data, b->len, a, &e, &n, err);
    hd_arena_free(&a);
    return rc;
}

/* Caps: many events, huge files, long lines, bytes that are not text. */
static void test_hostile(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_buf b;
    hd_buf_init(&b, 16u << 20);
    assert_int_equal(hd_buf_puts(&b, HEAD, &err), 0);
    for (int i = 0; i < HD_ICS_EVENTS_MAX; i++)
        assert_int_equal(hd_buf_printf(&b, &err,
                                       "BEGIN:VEVENT\r\nDTSTART:%04d0101\r\n"
                                       "END:VEVENT\r\n",
                                       1900 + i % 300),
                         0);
    size_t before_tail = b.len;
    assert_int_equal(hd_buf_puts(&b, TAIL, &err), 0);
    assert_int_equal(parse_buf(&b, &err), 0); /* exactly the cap */
    b.len = before_tail;
    assert_int_equal(hd_buf_puts(&b,
                                 "BEGIN:VEVENT\r\nDTSTART:20260101\r\n"
                                 "END:VEVENT\r\n" TAIL,
                                 &err),
                     0);
    assert_int_equal(parse_buf(&b, &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    /* 10 MB of events: refused before reading. */
    while (b.len < 10u << 20)
        assert_int_equal(hd_buf_puts(&b,
                                     "BEGIN:VEVENT\r\nDTSTART:20260101\r\n"
                                     "END:VEVENT\r\n",
                                     &err),
                         0);
    assert_int_equal(parse_buf(&b, &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    assert_non_null(strstr(err.msg, "max"));
    /* A line of 9000 bytes, folded or not. */
    hd_buf_reset(&b);
    assert_int_equal(hd_buf_puts(&b, HEAD "BEGIN:VEVENT\r\nSUMMARY:", &err),
                     0);
    for (int i = 0; i < 900; i++)
        assert_int_equal(hd_buf_puts(&b, "0123456789\r\n ", &err), 0);
    assert_int_equal(hd_buf_puts(&b, "\r\nEND:VEVENT\r\n" TAIL, &err), 0);
    assert_int_equal(parse_buf(&b, &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    /* NUL and invalid UTF-8. */
    static const char nul[] = HEAD "X-A:a\0b\r\n" TAIL;
    struct hd_arena *a = hd_arena_new();
    struct hd_ics_event *e;
    size_t n;
    assert_int_equal(hd_ics_parse(nul, sizeof nul - 1, a, &e, &n, &err), -1);
    assert_non_null(strstr(err.msg, "NUL"));
    static const char latin1[] = HEAD "X-A:caf\xe9\r\n" TAIL;
    assert_int_equal(hd_ics_parse(latin1, sizeof latin1 - 1, a, &e, &n, &err),
                     -1);
    assert_non_null(strstr(err.msg, "UTF-8"));
    hd_arena_free(&a);
    hd_buf_deinit(&b);
}

static const struct {
    const char *dtstart, *dtend;
    const char *first, *last; /* NULL: refused */
} days_cases[] = {
    {";VALUE=DATE:20260812", ";VALUE=DATE:20260815", "2026-08-12",
     "2026-08-14"},
    {":20260811T150000Z", ":20260812T150000Z", "2026-08-12", "2026-08-12"},
    {":20260811T145959Z", ":20260812T150001Z", "2026-08-11", "2026-08-13"},
    {";TZID=Asia/Tokyo:20260812T090000", ";TZID=Asia/Tokyo:20260812T120000",
     "2026-08-12", "2026-08-12"},
    {":20261231T230000", ":20270101T010000", "2026-12-31", "2027-01-01"},
    {":20260812T090000", ":20260812T090000", "2026-08-12", "2026-08-12"},
    {";TZID=Europe/Berlin:20260812T090000",
     ";TZID=Europe/Berlin:20260812T100000", NULL, NULL},
    /* 10:00 Tokyo is 01:00Z: ends before it starts once placed. */
    {";TZID=Asia/Tokyo:20260812T100000", ":20260812T020000Z", "2026-08-12",
     "2026-08-12"},
    {";TZID=Asia/Tokyo:20260812T100000", ":20260812T000000Z", NULL, NULL},
};

static void test_days(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *cal = hd_calendar_new_default(&err);
    for (size_t i = 0; i < HD_ARRAY_LEN(days_cases); i++) {
        char text[512];
        snprintf(text, sizeof text,
                 HEAD "BEGIN:VEVENT\r\nDTSTART%s\r\nDTEND%s\r\nEND:VEVENT\r\n"
                      TAIL,
                 days_cases[i].dtstart, days_cases[i].dtend);
        struct hd_arena *a = hd_arena_new();
        struct hd_ics_event *e;
        struct hd_date f, l;
        char fs[11], ls[11];
        assert_int_equal(parse_ok(text, a, &e), 1);
        int rc = hd_calendar_ics_days(cal, &e[0], &f, &l, &err);
        if (days_cases[i].first == NULL) {
            if (rc != -1 || err.code != HD_E_INVAL)
                fail_msg("case %zu accepted", i);
        } else {
            if (rc < 0)
                fail_msg("case %zu: %s", i, err.msg);
            hd_date_format(f, fs);
            hd_date_format(l, ls);
            if (strcmp(fs, days_cases[i].first) != 0 ||
                strcmp(ls, days_cases[i].last) != 0)
                fail_msg("case %zu: %s..%s, want %s..%s", i, fs, ls,
                         days_cases[i].first, days_cases[i].last);
        }
        hd_arena_free(&a);
    }
    hd_calendar_free(&cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_fold_everywhere),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_days),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
