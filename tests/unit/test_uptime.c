/* test_uptime.c - the availability arithmetic on fixed times: heartbeat
 * gaps at and over the 5-minute threshold, gaps inside, across and
 * outside maintenance windows, outages entered by hand merged with gaps,
 * a dead tail, a gap reaching into the period, a long incident, and a
 * period that is all maintenance; plus the heartbeat log itself (one row
 * per minute, old rows pruned) on a real in-memory store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "clock.h"
#include "uptime.h"

#define T0 1767225600LL /* 2026-01-01T00:00:00Z */
#define MIN(m) (T0 + 60LL * (m))
#define RANGES 3

/* Spans in minutes after T0, [from, to); {0, 0} ends a list. */
struct span {
    int from, to;
};

static const struct {
    int start, end;               /* period, minutes */
    bool use_beats;
    struct span alive[RANGES];    /* minutes with a beat */
    struct span planned[RANGES];
    struct span unplanned[RANGES];
    int64_t down_min, maint_min;  /* expected, minutes */
    size_t incidents;
    int64_t long_incidents;
} cases[] = {
    /* 0: alive all day */
    {0, 1440, true, {{0, 1440}}, {{0}}, {{0}}, 0, 0, 0, 0},
    /* 1: 5 minutes missing is not an outage */
    {0, 1440, true, {{0, 600}, {605, 1440}}, {{0}}, {{0}}, 0, 0, 0, 0},
    /* 2: 6 minutes missing is */
    {0, 1440, true, {{0, 600}, {606, 1440}}, {{0}}, {{0}}, 6, 0, 1, 0},
    /* 3: a gap inside a maintenance window */
    {0, 1440, true, {{0, 600}, {660, 1440}}, {{590, 670}}, {{0}}, 0, 80, 0,
     0},
    /* 4: a gap running past the window's end */
    {0, 1440, true, {{0, 600}, {660, 1440}}, {{560, 630}}, {{0}}, 30, 70, 1,
     0},
    /* 5: a window in the middle of a gap splits it */
    {0, 1440, true, {{0, 600}, {700, 1440}}, {{630, 640}}, {{0}}, 90, 10, 2,
     0},
    /* 6: an outage entered over a gap counts once */
    {0, 1440, true, {{0, 600}, {620, 1440}}, {{0}}, {{610, 640}}, 40, 0, 1,
     0},
    /* 7: the worker stopped at minute 1000 */
    {0, 1440, true, {{0, 1000}}, {{0}}, {{0}}, 440, 0, 1, 0},
    /* 8: no record: outages only */
    {0, 1440, false, {{0}}, {{0}}, {{100, 200}}, 100, 0, 1, 0},
    /* 9: down from day 1 to the end of day 3 */
    {0, 4320, true, {{0, 1440}}, {{0}}, {{0}}, 2880, 0, 1, 1},
    /* 10: a gap that began before the period (beat at -10) */
    {0, 1440, true, {{-10, -9}, {3, 1440}}, {{0}}, {{0}}, 3, 0, 1, 0},
    /* 11: all maintenance: nothing planned, nothing down */
    {0, 1440, true, {{0, 10}}, {{-5, 1500}}, {{0}}, 0, 1440, 0, 0},
    /* 12: outage outside the period is ignored, one inside clipped */
    {0, 1440, true, {{0, 1440}}, {{0}}, {{-100, -50}, {1400, 1500}}, 40, 0,
     1, 0},
};

static size_t intervals(const struct span *s, struct hd_interval *out)
{
    size_t n = 0;
    for (; n < RANGES && (s[n].from != 0 || s[n].to != 0); n++)
        out[n] = (struct hd_interval){MIN(s[n].from), MIN(s[n].to)};
    return n;
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t c = 0; c < HD_ARRAY_LEN(cases); c++) {
        struct hd_arena *a = hd_arena_new();
        int64_t *beats = hd_arena_alloc(a, 5000 * sizeof *beats);
        size_t nb = 0;
        for (size_t k = 0; k < RANGES; k++) {
            const struct span *s = &cases[c].alive[k];
            if (s->from == 0 && s->to == 0 && k > 0)
                break;
            for (int m = s->from; m < s->to; m++)
                beats[nb++] = MIN(m);
        }
        struct hd_interval pl[RANGES], un[RANGES];
        struct hd_uptime_input in = {
            .start = MIN(cases[c].start), .end = MIN(cases[c].end),
            .beats = beats, .n_beats = nb, .use_beats = cases[c].use_beats,
            .planned = pl, .n_planned = intervals(cases[c].planned, pl),
            .unplanned = un,
            .n_unplanned = intervals(cases[c].unplanned, un)};
        struct hd_uptime_result r;
        hd_uptime_compute(&in, a, &r);
        int64_t period = 60LL * (cases[c].end - cases[c].start);
        int64_t planned = period - 60 * cases[c].maint_min;
        double want = planned > 0 ? 100.0 * (double)(planned -
                                                     60 * cases[c].down_min) /
                                        (double)planned
                                  : 100.0;
        if (r.down_secs != 60 * cases[c].down_min ||
            r.maintenance_secs != 60 * cases[c].maint_min ||
            r.planned_secs != planned || r.n_down != cases[c].incidents ||
            r.long_incidents != cases[c].long_incidents ||
            r.percent != want)
            fail_msg("case %zu: down %lld maint %lld planned %lld incidents "
                     "%zu long %lld percent %.6f (want %lld %lld %lld %zu "
                     "%lld %.6f)",
                     c, (long long)r.down_secs, (long long)r.maintenance_secs,
                     (long long)r.planned_secs, r.n_down,
                     (long long)r.long_incidents, r.percent,
                     (long long)(60 * cases[c].down_min),
                     (long long)(60 * cases[c].maint_min), (long long)planned,
                     cases[c].incidents, (long long)cases[c].long_incidents,
                     want);
        hd_arena_free(&a);
    }
}

/* Beats on a real store: repeats within a minute add nothing, rows older
 * than the keep horizon go, and the report reads them back. */
static void test_beat_log(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    assert_int_equal(hd_store_open(":memory:", HD_STORE_CREATE, 1000, &st,
                                   &err), 0);
    int64_t old = T0 - (int64_t)(HD_UPTIME_KEEP_DAYS + 1) * 86400;
    hd_clock_freeze(old);
    assert_int_equal(hd_uptime_beat(st, "worker", &err), 0);
    int64_t times[] = {T0 + 5, T0 + 30, T0 + 59, T0 + 60, T0 + 600};
    for (size_t i = 0; i < HD_ARRAY_LEN(times); i++) {
        hd_clock_freeze(times[i]);
        assert_int_equal(hd_uptime_beat(st, "worker", &err), 0);
    }
    struct hd_arena *a = hd_arena_new();
    int64_t *beats, first;
    size_t n;
    assert_int_equal(hd_store_uptime_beats(st, "worker", T0, T0 + 3600, a,
                                           &beats, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(beats[0], T0);
    assert_int_equal(beats[1], T0 + 60);
    assert_int_equal(beats[2], T0 + 600);
    assert_int_equal(hd_store_uptime_first_beat(st, "worker", &first, &err),
                     1);
    assert_int_equal(first, T0); /* the old one was pruned */
    assert_int_equal(hd_uptime_beat(st, "a-name-far-too-long-for-a-program",
                                    &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
    /* One gap of 8 minutes (T0+120 .. T0+600) in [T0, T0+660). */
    struct hd_uptime_report rep;
    assert_int_equal(hd_uptime_report(st, T0 - 86400, T0 + 660, T0 + 9999,
                                      a, &rep, &err), 0);
    assert_int_equal(rep.from, T0);
    assert_int_equal(rep.beats, 3);
    assert_int_equal(rep.r.down_secs, 480);
    hd_arena_free(&a);
    hd_store_close(&st);
    hd_clock_freeze(-1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_beat_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
