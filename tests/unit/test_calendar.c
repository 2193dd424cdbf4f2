/* test_calendar.c - business hours, holidays, year-end and closures:
 * due times, next openings, reasons, business time between instants, the
 * hours syntax, stored closures, and a zone with daylight saving time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "calendar.h"
#include "clock.h"
#include "store.h"
#include "store_calendar.h"

static int64_t at(const char *s)
{
    int64_t t;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_time_parse(s, &t, &err) < 0)
        fail_msg("bad time in test: %s", s);
    return t;
}

static const struct {
    const char *from;
    int minutes;
    const char *due;
} add_cases[] = {
    /* Closing time is reached, not skipped past. */
    {"2026-12-25T18:59:00+09:00", 1, "2026-12-25T19:00:00+09:00"},
    /* 9 business hours = one business day; 12/28 is still open. */
    {"2026-12-25T18:59:00+09:00", 540, "2026-12-28T18:59:00+09:00"},
    {"2026-12-25T18:59:00+09:00", 541, "2026-12-28T19:00:00+09:00"},
    {"2026-12-25T18:59:00+09:00", 542, "2027-01-04T10:01:00+09:00"},
    {"2026-12-28T18:30:00+09:00", 60, "2027-01-04T10:30:00+09:00"},
    {"2025-12-26T18:30:00+09:00", 60, "2026-01-05T10:30:00+09:00"},
    /* Golden Week 2025 and 2026 (5/6 振替休日 in both). */
    {"2025-05-02T18:59:00+09:00", 2, "2025-05-07T10:01:00+09:00"},
    {"2026-04-28T18:00:00+09:00", 120, "2026-04-30T11:00:00+09:00"},
    {"2026-05-01T18:00:00+09:00", 120, "2026-05-07T11:00:00+09:00"},
    /* Silver Week 2026: 9/19 Sat .. 9/23 秋分の日. */
    {"2026-09-18T17:30:00+09:00", 90, "2026-09-18T19:00:00+09:00"},
    {"2026-09-18T17:30:00+09:00", 91, "2026-09-24T10:01:00+09:00"},
    /* 2025-11-24 振替休日: the clock starts on the 25th. */
    {"2025-11-24T10:00:00+09:00", 30, "2025-11-25T10:30:00+09:00"},
    /* From closed time the count starts at the next opening. */
    {"2026-03-01T08:00:00+09:00", 0, "2026-03-02T10:00:00+09:00"},
    {"2026-03-02T07:00:00+09:00", 30, "2026-03-02T10:30:00+09:00"},
    {"2026-03-02T19:00:00+09:00", 0, "2026-03-03T10:00:00+09:00"},
    {"2026-03-06T18:00:00+09:00", 60, "2026-03-06T19:00:00+09:00"},
    {"2026-03-06T18:00:00+09:00", 61, "2026-03-09T10:01:00+09:00"},
    {"2026-03-02T10:00:00+09:00", 600, "2026-03-03T11:00:00+09:00"},
    /* UTC input, seconds kept. */
    {"2026-03-02T01:00:30Z", 60, "2026-03-02T11:00:30+09:00"},
    /* Two business weeks: 2026-03-20 春分の日 costs a day. */
    {"2026-03-09T10:00:00+09:00", 9 * 60 * 10, "2026-03-23T19:00:00+09:00"},
};

static void test_add_minutes(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *cal = hd_calendar_new_default(&err);
    assert_non_null(cal);
    for (size_t i = 0; i < HD_ARRAY_LEN(add_cases); i++) {
        int64_t due;
        char got[32];
        if (hd_calendar_add_minutes(cal, at(add_cases[i].from),
                                    add_cases[i].minutes, &due, &err) < 0)
            fail_msg("case %zu: %s", i, err.msg);
        hd_calendar_format(cal, due, got);
        if (strcmp(got, add_cases[i].due) != 0)
            fail_msg("case %zu: %s + %d min = %s, want %s", i,
                     add_cases[i].from, add_cases[i].minutes, got,
                     add_cases[i].due);
    }
    int64_t due;
    assert_int_equal(hd_calendar_add_minutes(cal, 0, -1, &due, &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
    assert_int_equal(hd_calendar_add_minutes(cal, 0, HD_CALENDAR_ADD_MAX + 1,
                                             &due, &err),
                     -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    hd_calendar_free(&cal);
    assert_null(cal);
}

static const struct {
    const char *t;
    const char *open;
} next_cases[] = {
    {"2026-12-28T19:30:00+09:00", "2027-01-04T10:00:00+09:00"},
    {"2026-03-02T12:34:56+09:00", "2026-03-02T12:34:56+09:00"},
    {"2026-05-02T09:00:00+09:00", "2026-05-07T10:00:00+09:00"},
    {"2026-09-19T00:00:00+09:00", "2026-09-24T10:00:00+09:00"},
    {"2026-03-02T19:00:00+09:00", "2026-03-03T10:00:00+09:00"},
    {"2026-03-02T18:59:59+09:00", "2026-03-02T18:59:59+09:00"},
    {"2027-01-01T03:00:00+09:00", "2027-01-04T10:00:00+09:00"},
};

static void test_next_open(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *cal = hd_calendar_new_default(&err);
    for (size_t i = 0; i < HD_ARRAY_LEN(next_cases); i++) {
        int64_t r;
        char got[32];
        if (hd_calendar_next_open(cal, at(next_cases[i].t), &r, &err) < 0)
            fail_msg("case %zu: %s", i, err.msg);
        hd_calendar_format(cal, r, got);
        if (strcmp(got, next_cases[i].open) != 0)
            fail_msg("case %zu: next open after %s = %s, want %s", i,
                     next_cases[i].t, got, next_cases[i].open);
    }
    hd_calendar_free(&cal);
}

static const struct {
    const char *t;
    enum hd_calendar_why why;
    const char *name_ja;
} reason_cases[] = {
    {"2026-01-01T12:00:00+09:00", HD_CALENDAR_YEAR_END, "年末年始休業"},
    {"2026-12-29T10:00:00+09:00", HD_CALENDAR_YEAR_END, "年末年始休業"},
    {"2026-05-04T12:00:00+09:00", HD_CALENDAR_HOLIDAY, "みどりの日"},
    {"2026-05-06T12:00:00+09:00", HD_CALENDAR_HOLIDAY, "振替休日"},
    {"2026-09-22T12:00:00+09:00", HD_CALENDAR_HOLIDAY, "国民の休日"},
    {"2025-11-24T12:00:00+09:00", HD_CALENDAR_HOLIDAY, "振替休日"},
    {"2025-02-24T12:00:00+09:00", HD_CALENDAR_HOLIDAY, "振替休日"},
    {"2026-03-07T12:00:00+09:00", HD_CALENDAR_DAY_OFF, "休業日"},
    {"2026-03-02T09:59:59+09:00", HD_CALENDAR_OUTSIDE_HOURS, "営業時間外"},
    {"2026-03-02T10:00:00+09:00", HD_CALENDAR_OPEN, "営業中"},
    {"2026-03-02T18:59:59+09:00", HD_CALENDAR_OPEN, "営業中"},
    {"2026-03-02T19:00:00+09:00", HD_CALENDAR_OUTSIDE_HOURS, "営業時間外"},
    /* 00:30 JST Monday is Sunday 15:30 UTC: local days decide. */
    {"2026-03-01T15:30:00Z", HD_CALENDAR_OUTSIDE_HOURS, "営業時間外"},
    {"2026-03-01T14:59:59Z", HD_CALENDAR_DAY_OFF, "休業日"},
};

static void test_reasons(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *cal = hd_calendar_new_default(&err);
    for (size_t i = 0; i < HD_ARRAY_LEN(reason_cases); i++) {
        struct hd_calendar_reason r;
        int64_t t = at(reason_cases[i].t);
        hd_calendar_closed_reason(cal, t, &r);
        if (r.why != reason_cases[i].why ||
            strcmp(r.name_ja, reason_cases[i].name_ja) != 0)
            fail_msg("case %zu %s: %s %s, want %s %s", i, reason_cases[i].t,
                     hd_calendar_why_name(r.why), r.name_ja,
                     hd_calendar_why_name(reason_cases[i].why),
                     reason_cases[i].name_ja);
        assert_int_equal(hd_calendar_is_open(cal, t),
                         reason_cases[i].why == HD_CALENDAR_OPEN);
    }
    struct hd_calendar_reason r;
    hd_calendar_closed_reason(cal, at("2026-03-07T12:00:00+09:00"), &r);
    assert_string_equal(r.name_en, "weekend");
    hd_calendar_closed_reason(cal, at("2027-01-11T12:00:00+09:00"), &r);
    assert_string_equal(r.name_en, "Coming of Age Day");
    hd_calendar_free(&cal);
}

static void test_always(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *cal = hd_calendar_new_always();
    int64_t t = at("2027-01-01T03:00:00+09:00"), r;
    assert_true(hd_calendar_is_open(cal, t));
    assert_int_equal(hd_calendar_next_open(cal, t, &r, &err), 0);
    assert_int_equal(r, t);
    assert_int_equal(hd_calendar_add_minutes(cal, t, 30, &r, &err), 0);
    assert_int_equal(r, t + 1800);
    assert_int_equal(hd_calendar_add_minutes(cal, t, 3 * 1440, &r, &err), 0);
    assert_int_equal(r, t + 3 * 86400);
    assert_int_equal(hd_calendar_business_minutes_between(cal, t, t + 86400),
                     1440);
    hd_calendar_free(&cal);
}

static void test_between(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *cal = hd_calendar_new_default(&err);
    assert_int_equal(hd_calendar_business_minutes_between(
                         cal, at("2026-12-25T18:00:00+09:00"),
                         at("2026-12-28T11:00:00+09:00")),
                     120);
    assert_int_equal(hd_calendar_business_minutes_between(
                         cal, at("2026-12-28T18:00:00+09:00"),
                         at("2027-01-04T10:30:00+09:00")),
                     90);
    assert_int_equal(hd_calendar_business_minutes_between(
                         cal, at("2026-03-03T00:00:00+09:00"),
                         at("2026-03-02T00:00:00+09:00")),
                     0);
    assert_int_equal(hd_calendar_business_seconds_between(
                         cal, at("2026-03-02T10:00:00+09:00"),
                         at("2026-03-02T10:00:59+09:00")),
                     59);
    /* Property: between(next_open(from), add(from, m)) == m, over a
     * deterministic spread of starts through 2026 and 2027. */
    uint64_t x = 88172645463325252ull;
    int64_t base = at("2026-01-01T00:00:00+09:00");
    for (int i = 0; i < 2000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t from = base + (int64_t)(x % (730u * 86400u));
        int minutes = (int)((x >> 32) % 6000);
        int64_t due, open;
        assert_int_equal(hd_calendar_add_minutes(cal, from, minutes, &due,
                                                 &err),
                         0);
        assert_int_equal(hd_calendar_next_open(cal, from, &open, &err), 0);
        if (hd_calendar_business_seconds_between(cal, open, due) !=
                (int64_t)minutes * 60 ||
            !(hd_calendar_is_open(cal, open)))
            fail_msg("case %d: from %lld + %d", i, (long long)from, minutes);
    }
    hd_calendar_free(&cal);
}

static void test_parse_hours(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *cal = hd_calendar_new_default(&err);
    assert_int_equal(hd_calendar_parse_hours(
                         cal, "mon-fri 10:00-19:00; sat 10:00-13:00", &err),
                     0);
    assert_true(hd_calendar_is_open(cal, at("2026-03-07T12:59:00+09:00")));
    assert_false(hd_calendar_is_open(cal, at("2026-03-07T13:00:00+09:00")));
    assert_false(hd_calendar_is_open(cal, at("2026-03-08T12:00:00+09:00")));
    assert_int_equal(hd_calendar_parse_hours(
                         cal, " Monday,wed 09:00-12:00 13:00-18:00 ;"
                              "FRI-sun 00:00-24:00;tue closed;",
                         &err),
                     0);
    assert_true(hd_calendar_is_open(cal, at("2026-03-02T11:00:00+09:00")));
    assert_false(hd_calendar_is_open(cal, at("2026-03-02T12:30:00+09:00")));
    assert_false(hd_calendar_is_open(cal, at("2026-03-03T12:00:00+09:00")));
    assert_false(hd_calendar_is_open(cal, at("2026-03-05T12:00:00+09:00")));
    assert_true(hd_calendar_is_open(cal, at("2026-03-08T23:59:59+09:00")));
    static const char *const bad[] = {
        "mon-fri 19:00-10:00",       "mon 10:00-12:00; mon 13:00-14:00",
        "xyz 10:00-11:00",           "mon 10:00-11:00,10:30-12:00",
        "mon 25:00-26:00",           "mon",
        "mon 10:00-11:00 junk",      "mon 24:30-24:45",
        "mon 1:00-2:00",             "mon 10:00-11:00 closed",
        "mon 1-2 3-4 5-6 7-8 9-10",  "mon closed x",
        "mon 00:00-01:00,02:00-03:00,04:00-05:00,06:00-07:00,08:00-09:00",
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(bad); i++) {
        hd_error_clear(&err);
        if (hd_calendar_parse_hours(cal, bad[i], &err) != -1 ||
            err.code != HD_E_INVAL)
            fail_msg("case %zu: \"%s\" accepted", i, bad[i]);
    }
    /* Refusals changed nothing. */
    assert_true(hd_calendar_is_open(cal, at("2026-03-08T23:59:59+09:00")));
    struct hd_calendar_range r[2] = {{600, 700}, {650, 800}};
    assert_int_equal(hd_calendar_set_hours(cal, 1, r, 2, &err), -1);
    assert_int_equal(hd_calendar_set_hours(cal, 7, r, 1, &err), -1);
    assert_int_equal(hd_calendar_set_hours(cal, 1, r, 1, &err), 0);
    assert_true(hd_calendar_is_open(cal, at("2026-03-02T11:30:00+09:00")));
    assert_false(hd_calendar_is_open(cal, at("2026-03-02T11:40:00+09:00")));
    hd_calendar_free(&cal);
}

static void test_closures_and_switches(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *cal = hd_calendar_new_default(&err);
    int64_t r;
    char got[32];
    assert_int_equal(hd_calendar_add_closure(cal, 2026, 8, 12, 2026, 8, 14,
                                             "夏季休業", &err),
                     0);
    struct hd_calendar_reason why;
    hd_calendar_closed_reason(cal, at("2026-08-13T12:00:00+09:00"), &why);
    assert_int_equal(why.why, HD_CALENDAR_CLOSURE);
    assert_string_equal(why.name_ja, "夏季休業");
    assert_int_equal(hd_calendar_next_open(cal, at("2026-08-12T09:00+09:00"),
                                           &r, &err),
                     0);
    hd_calendar_format(cal, r, got);
    assert_string_equal(got, "2026-08-17T10:00:00+09:00");
    assert_int_equal(hd_calendar_add_closure(cal, 2026, 8, 14, 2026, 8, 12,
                                             "x", &err),
                     -1);
    assert_int_equal(hd_calendar_add_closure(cal, 2026, 2, 30, 2026, 3, 1,
                                             "x", &err),
                     -1);
    assert_int_equal(hd_calendar_add_closure(cal, 2026, 1, 1, 2027, 1, 2,
                                             "x", &err),
                     -1);
    /* An open day beats the weekend. */
    assert_int_equal(hd_calendar_add_open_day(cal, 2026, 3, 7,
                                              (struct hd_calendar_range){
                                                  600, 900},
                                              &err),
                     0);
    assert_true(hd_calendar_is_open(cal, at("2026-03-07T12:00:00+09:00")));
    assert_false(hd_calendar_is_open(cal, at("2026-03-07T15:00:00+09:00")));
    /* Switches. */
    assert_false(hd_calendar_is_open(cal, at("2026-05-04T12:00:00+09:00")));
    hd_calendar_set_holidays_jp(cal, false);
    assert_true(hd_calendar_is_open(cal, at("2026-05-04T12:00:00+09:00")));
    assert_false(hd_calendar_is_open(cal, at("2026-12-29T12:00:00+09:00")));
    hd_calendar_set_year_end(cal, false);
    assert_true(hd_calendar_is_open(cal, at("2026-12-29T12:00:00+09:00")));
    /* No hours at all: searches stop at the horizon. */
    assert_int_equal(hd_calendar_parse_hours(cal, "mon closed", &err), 0);
    assert_int_equal(hd_calendar_next_open(cal, at("2026-04-01T00:00Z"), &r,
                                           &err),
                     -1);
    assert_int_equal(err.code, HD_E_NOTFOUND);
    assert_int_equal(hd_calendar_add_minutes(cal, at("2026-04-01T00:00Z"), 1,
                                             &r, &err),
                     -1);
    /* The open day (2026-03-07) is still found from before it. */
    assert_int_equal(hd_calendar_next_open(cal, at("2026-03-01T00:00Z"), &r,
                                           &err),
                     0);
    hd_calendar_format(cal, r, got);
    assert_string_equal(got, "2026-03-07T10:00:00+09:00");
    hd_calendar_free(&cal);
}

static void test_store(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    if (hd_store_open(":memory:", HD_STORE_CREATE, 1000, &st, &err) < 0)
        fail_msg("%s", err.msg);
    struct hd_closure c = {0, {2026, 8, 12}, {2026, 8, 14}, "夏季休業",
                           "manual", 0};
    int64_t id1, id2;
    hd_clock_freeze(at("2026-07-01T00:00:00Z"));
    assert_int_equal(hd_store_closure_add(st, &c, &id1, &err), 0);
    c = (struct hd_closure){0, {2026, 6, 1}, {2026, 6, 1}, "創立記念日",
                            "ics:x.ics", 0};
    assert_int_equal(hd_store_closure_add(st, &c, &id2, &err), 0);
    c.last = (struct hd_date){2026, 5, 31};
    assert_int_equal(hd_store_closure_add(st, &c, NULL, &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);

    struct hd_arena *a = hd_arena_new();
    struct hd_closure *cs;
    size_t n;
    assert_int_equal(hd_store_closure_list(st, a, &cs, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(cs[0].name, "創立記念日"); /* ordered by date */
    assert_string_equal(cs[0].source, "ics:x.ics");
    assert_int_equal(cs[1].last.day, 14);
    assert_int_equal(cs[1].created_at, at("2026-07-01T00:00:00Z"));

    struct hd_calendar *cal = hd_calendar_new_default(&err);
    assert_int_equal(hd_calendar_load(cal, st, &err), 0);
    assert_false(hd_calendar_is_open(cal, at("2026-06-01T12:00:00+09:00")));
    assert_false(hd_calendar_is_open(cal, at("2026-08-14T12:00:00+09:00")));
    assert_true(hd_calendar_is_open(cal, at("2026-08-17T12:00:00+09:00")));

    assert_int_equal(hd_store_closure_delete(st, id2, &err), 1);
    assert_int_equal(hd_store_closure_delete(st, id2, &err), 0);
    assert_int_equal(hd_store_closure_list(st, a, &cs, &n, &err), 0);
    assert_int_equal(n, 1);
    hd_clock_freeze(-1);
    hd_calendar_free(&cal);
    hd_arena_free(&a);
    hd_store_close(&st);
}

/* A zone with daylight saving time goes through the process zone. */
static void test_dst_zone(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    assert_null(hd_calendar_new("America/New_York", &err));
    assert_int_equal(err.code, HD_E_CONFIG);
    assert_int_equal(hd_clock_set_zone("America/New_York", &err), 0);
    struct hd_calendar *cal = hd_calendar_new("America/New_York", &err);
    assert_non_null(cal);
    hd_calendar_set_holidays_jp(cal, false);
    /* 10:00 is 15:00Z before the switch (3/8) and 14:00Z after. */
    assert_true(hd_calendar_is_open(cal, at("2026-03-06T15:00:00Z")));
    assert_false(hd_calendar_is_open(cal, at("2026-03-06T14:30:00Z")));
    assert_true(hd_calendar_is_open(cal, at("2026-03-09T14:00:00Z")));
    int64_t due;
    char got[32];
    assert_int_equal(hd_calendar_add_minutes(
                         cal, at("2026-03-06T18:30:00-05:00"), 60, &due,
                         &err),
                     0);
    hd_calendar_format(cal, due, got);
    assert_string_equal(got, "2026-03-09T10:30:00-04:00");
    assert_int_equal(hd_calendar_business_minutes_between(
                         cal, at("2026-03-06T18:30:00-05:00"), due),
                     60);
    hd_calendar_free(&cal);
    assert_int_equal(hd_clock_set_zone("UTC", &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_minutes),
        cmocka_unit_test(test_next_open),
        cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_always),
        cmocka_unit_test(test_between),
        cmocka_unit_test(test_parse_hours),
        cmocka_unit_test(test_closures_and_switches),
        cmocka_unit_test(test_store),
        cmocka_unit_test(test_dst_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
