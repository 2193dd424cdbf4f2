/* test_sla.c - SLA due times on fixed dates (business clock and 24/7),
 * pausing while pending, met/breached, the 80 % warning, the customer
 * promise, safe template substitution, and which policy row applies (the
 * priority's own, else the category's '*'). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "instance.h"
#include "sla.h"
#include "store_sla.h"
#include "template.h"
#include "test_instance.h"

static char dir[] = "/tmp/hd-test-sla-XXXXXX";
static struct hd_instance *inst;
static struct hd_sla *sla;

static int64_t T(const char *s)
{
    int64_t t;
    struct hd_error err;
    if (hd_time_parse(s, &t, &err) < 0)
        fail_msg("bad time %s", s);
    return t;
}

/* A ticket created at 'at' with its clocks started. */
static struct hd_ticket make(const char *at, enum hd_category cat)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(inst);
    struct hd_arena *a = hd_arena_new();
    struct hd_ticket_new tn = {.subject = "s", .category = cat};
    struct hd_ticket t;
    int64_t id;
    hd_clock_freeze(T(at));
    assert_int_equal(hd_store_ticket_insert(st, &tn, "t", &id, NULL, &err), 0);
    assert_int_equal(hd_store_ticket_get(st, id, 0, a, &t, &err), 1);
    assert_int_equal(hd_sla_start(sla, st, &t, &err), 0);
    hd_arena_free(&a); /* the strings below are static */
    t.subject = "s";
    t.lang = "ja";
    return t;
}

static void assert_time(int64_t got, const char *want, size_t i)
{
    char buf[32];
    hd_time_format_local(got, buf);
    if (strcmp(buf, want) != 0)
        fail_msg("case %zu: got %s, want %s", i, buf, want);
}

static void test_due_times(void **state)
{
    (void)state;
    static const struct {
        const char *at;
        enum hd_category cat;
        const char *first, *resolve;
    } cases[] = {
        /* Friday 18:59: one minute today, the rest on Monday. */
        {"2026-12-25T18:59:00+09:00", HD_CAT_GENERAL,
         "2026-12-28T18:59:00+09:00", "2027-01-07T18:59:00+09:00"},
        /* After hours on 12/28: year-end closure until 1/4. */
        {"2026-12-28T19:30:00+09:00", HD_CAT_GENERAL,
         "2027-01-04T19:00:00+09:00", "2027-01-08T19:00:00+09:00"},
        /* Golden Week 2026: 5/2-5/6 closed (5/6 is a substitute day). */
        {"2026-05-01T18:00:00+09:00", HD_CAT_GENERAL,
         "2026-05-07T18:00:00+09:00", "2026-05-13T18:00:00+09:00"},
        /* Incidents run around the clock, New Year's Day included. */
        {"2027-01-01T03:00:00+09:00", HD_CAT_INCIDENT,
         "2027-01-01T04:00:00+09:00", "2027-01-02T03:00:00+09:00"},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_ticket t = make(cases[i].at, cases[i].cat);
        assert_time(t.first_response_due, cases[i].first, i);
        assert_time(t.resolution_due, cases[i].resolve, i);
    }
}

static void test_pause_resume(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(inst);
    struct hd_ticket t = make("2026-12-07T10:00:00+09:00", HD_CAT_GENERAL);
    assert_time(t.first_response_due, "2026-12-07T19:00:00+09:00", 0);
    /* Pending at 11:00 with 8 business hours left ... */
    assert_int_equal(hd_sla_on_status(sla, st, &t, HD_STATUS_OPEN,
                                      HD_STATUS_PENDING,
                                      T("2026-12-07T11:00:00+09:00"), &err),
                     0);
    assert_int_equal(hd_sla_level(sla, &t, T("2026-12-09T10:00:00+09:00"),
                                  NULL),
                     HD_SLA_FINE); /* paused: never breaches */
    /* ... the customer answers the next morning: 8 hours from then. */
    assert_int_equal(hd_sla_on_status(sla, st, &t, HD_STATUS_PENDING,
                                      HD_STATUS_OPEN,
                                      T("2026-12-08T10:00:00+09:00"), &err),
                     0);
    assert_time(t.first_response_due, "2026-12-08T18:00:00+09:00", 1);
    assert_int_equal(t.sla_paused_at, 0);
    /* Warning at 80 % of the (unpaused) time, breach after the due time. */
    assert_int_equal(hd_sla_level(sla, &t, T("2026-12-08T17:59:00+09:00"),
                                  NULL),
                     HD_SLA_WARNING);
    assert_int_equal(hd_sla_level(sla, &t, T("2026-12-08T18:00:00+09:00"),
                                  NULL),
                     HD_SLA_BREACHED);
    assert_int_equal(hd_sla_first_response(sla, st, &t,
                                           T("2026-12-08T17:00:00+09:00"),
                                           &err),
                     0);
    assert_string_equal(t.sla_first_state, "met");
    struct hd_ticket late = make("2026-12-07T10:00:00+09:00", HD_CAT_GENERAL);
    assert_int_equal(hd_sla_first_response(sla, st, &late,
                                           T("2026-12-08T10:01:00+09:00"),
                                           &err),
                     0);
    assert_string_equal(late.sla_first_state, "breached");
}

static void test_recompute(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t = make("2026-12-07T10:00:00+09:00", HD_CAT_GENERAL);
    /* Reclassified as an incident: the 24/7 one-hour target applies. */
    t.category = HD_CAT_INCIDENT;
    assert_int_equal(hd_sla_recompute(sla, hd_instance_store(inst), &t, &err),
                     0);
    assert_time(t.first_response_due, "2026-12-07T11:00:00+09:00", 0);
    assert_time(t.resolution_due, "2026-12-08T10:00:00+09:00", 0);
}

static void test_promise(void **state)
{
    (void)state;
    char out[512];
    struct hd_ticket t = make("2026-12-28T19:30:00+09:00", HD_CAT_GENERAL);
    hd_sla_promise(sla, &t, "ja", out, sizeof out);
    assert_non_null(strstr(out, "営業時間外のため、1月4日(月) 10:00以降に"));
    hd_sla_promise(sla, &t, "en", out, sizeof out);
    assert_non_null(strstr(out, "from Monday 4 January, 10:00 JST"));
    struct hd_ticket inc = make("2027-01-01T03:00:00+09:00", HD_CAT_INCIDENT);
    hd_sla_promise(sla, &inc, "ja", out, sizeof out);
    assert_non_null(strstr(out, "1月1日(金) 04:00 までに"));
}

static void test_policy_lookup(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(inst);
    struct hd_sla_policy p;
    /* The shipped rows (0004): an urgent row and a '*' row per category. */
    assert_int_equal(hd_store_sla_policy(st, "incident", "urgent", &p, &err),
                     1);
    assert_int_equal(p.first_response_m, 30);
    assert_int_equal(p.resolution_m, 480);
    assert_false(p.business_hours);
    assert_int_equal(hd_store_sla_policy(st, "incident", "normal", &p, &err),
                     1);
    assert_int_equal(p.first_response_m, 60);
    assert_int_equal(p.resolution_m, 1440);
    assert_int_equal(hd_store_sla_policy(st, "general", "urgent", &p, &err),
                     1);
    assert_int_equal(p.first_response_m, 180);
    assert_true(p.business_hours);
    assert_int_equal(hd_store_sla_policy(st, "general", "low", &p, &err), 1);
    assert_int_equal(p.first_response_m, 540);
    assert_int_equal(p.resolution_m, 2700);
    assert_int_equal(hd_store_sla_policy(st, "nosuch", "low", &p, &err), 0);
}

static void test_template_injection(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_buf out;
    hd_buf_init(&out, 4096);
    struct hd_tvar vars[] = {
        {"subject", "Hi\r\nBcc: victim@example.com", false},
        {"body", "line 1\nline 2", true},
        {"name", "<b>&</b>", false},
    };
    assert_int_equal(hd_template_expand("Subject: {{subject}}\n\n{{name}}\n"
                                        "{{body}}{{unknown}}\n",
                                        vars, HD_ARRAY_LEN(vars), &out, &err),
                     0);
    assert_string_equal(hd_buf_cstr(&out),
                        "Subject: Hi  Bcc: victim@example.com\n\n<b>&</b>\n"
                        "line 1\nline 2\n");
    hd_buf_deinit(&out);
}

static int setup(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    if (test_instance_new(dir, &inst) < 0)
        return -1;
    if (hd_sla_new(inst, hd_instance_store(inst), &sla, &err) < 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hd_sla_free(&sla);
    return test_instance_free(dir, &inst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_due_times),
        cmocka_unit_test(test_pause_resume),
        cmocka_unit_test(test_recompute),
        cmocka_unit_test(test_promise),
        cmocka_unit_test(test_policy_lookup),
        cmocka_unit_test(test_template_injection),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
