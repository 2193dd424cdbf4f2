/* test_stats.c - the managers' reports built from the per-slot counts
 * (0027_report_rollup.sql, kept by triggers) equal the reports built by
 * reading every ticket, cell by cell, on a generated data set: 4,000
 * tickets over 100 days (some minutes dense), every queue, category,
 * priority, status, SLA state, first-response and resolution time, spam;
 * then changed after the fact (SLA states, statuses, queues, spam both
 * ways, resolutions, erasures).  Compared for periods of 1 to 120 days
 * ending at different seconds, for an admin and for an agent granted two
 * of the three queues, in three calendars: Tokyo's default hours, hours
 * that start and end off the quarter hour (slots cut by the opening and
 * closing times), and a zone half an hour off UTC. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "instance.h"
#include "stats.h"
#include "test_instance.h"

/* The store's search tokenizer, which the ticket table's triggers use
 * (store_fts.c). */
int store_fts_register(sqlite3 *db);

static char dir[] = "/tmp/hd-test-stats-XXXXXX";
static struct hd_instance *inst;
static sqlite3 *db; /* the test's own connection, to make the data */
static int64_t agent;

/* 2026-12-09T12:00:00+09:00 */
#define NOW INT64_C(1796785200)

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t rnd(uint64_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % n;
}

static void sql(const char *q)
{
    char *msg = NULL;
    if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", q, msg);
}

static const char *pick(const char *const *v, size_t n)
{
    return v[rnd(n)];
}

static void make_tickets(int n)
{
    static const char *const status[] = {"new", "open", "pending",
                                         "resolved", "closed"};
    static const char *const prio[] = {"low", "normal", "high", "urgent"};
    static const char *const cat[] = {"incident", "general"};
    static const char *const clock[] = {"running", "warned", "met",
                                        "breached"};
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            db,
            "INSERT INTO ticket(number, subject, status, priority, category, "
            "queue_id, assignee_id, created_at, updated_at, "
            "first_response_at, resolved_at, sla_first_state, "
            "sla_resolve_state, sla_paused_secs, spam) VALUES ((SELECT "
            "coalesce(max(number), 10000) + 1 FROM ticket), 's', ?1, ?2, ?3, "
            "?4, ?5, ?6, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            -1, &s, NULL) != SQLITE_OK)
        fail_msg("prepare: %s", sqlite3_errmsg(db));
    sql("BEGIN");
    for (int i = 0; i < n; i++) {
        /* a third in a few busy minutes, the rest anywhere in 100 days
         * (a few after NOW: clocks disagree) */
        int64_t created = rnd(3) == 0
                              ? NOW - 86400 * (int64_t)rnd(5) - 3600 * 5 +
                                    (int64_t)rnd(600)
                              : NOW - (int64_t)rnd(100 * 86400) +
                                    (int64_t)rnd(3000);
        const char *st = pick(status, 5);
        bool done = st[0] == 'r' || st[0] == 'c';
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, st, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, pick(prio, 4), -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, pick(cat, 2), -1, SQLITE_STATIC);
        if (rnd(8) == 0)
            sqlite3_bind_null(s, 4);
        else
            sqlite3_bind_int64(s, 4, 1 + (int64_t)rnd(3));
        if (rnd(3) == 0)
            sqlite3_bind_null(s, 5);
        else
            sqlite3_bind_int64(s, 5, 1 + (int64_t)rnd(3));
        sqlite3_bind_int64(s, 6, created);
        if (rnd(3) == 0)
            sqlite3_bind_null(s, 7);
        else
            sqlite3_bind_int64(s, 7, created + (int64_t)rnd(9 * 86400));
        if (done || rnd(10) == 0)
            sqlite3_bind_int64(s, 8, created + (int64_t)rnd(12 * 86400));
        else
            sqlite3_bind_null(s, 8);
        sqlite3_bind_text(s, 9, pick(clock, 4), -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 10, pick(clock, 4), -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 11, rnd(4) == 0 ? (int64_t)rnd(86400) : 0);
        sqlite3_bind_int(s, 12, rnd(20) == 0 ? 1 + (int)rnd(2) : 0);
        if (sqlite3_step(s) != SQLITE_DONE)
            fail_msg("insert: %s", sqlite3_errmsg(db));
    }
    sql("COMMIT");
    sqlite3_finalize(s);
}

/* What happens to tickets after they arrive, straight in SQL: the
 * triggers must follow any writer. */
static void change_tickets(void)
{
    sql("BEGIN");
    sql("UPDATE ticket SET sla_first_state = 'met', first_response_at = "
        "created_at + 1800 WHERE id % 7 = 0");
    sql("UPDATE ticket SET sla_resolve_state = 'breached', status = "
        "'resolved', resolved_at = created_at + 5 * 86400 WHERE id % 11 = 0");
    sql("UPDATE ticket SET status = 'open', resolved_at = NULL WHERE "
        "id % 13 = 0");
    sql("UPDATE ticket SET queue_id = 3, assignee_id = NULL WHERE "
        "id % 17 = 0");
    sql("UPDATE ticket SET spam = 1 - spam WHERE id % 19 = 0 AND spam < 2");
    sql("UPDATE ticket SET priority = 'urgent', category = 'incident' WHERE "
        "id % 23 = 0");
    sql("UPDATE ticket SET sla_paused_secs = sla_paused_secs + 7200 WHERE "
        "id % 29 = 0");
    sql("UPDATE ticket SET status = status, updated_at = updated_at + 1");
    sql("DELETE FROM ticket WHERE id % 31 = 0");
    sql("COMMIT");
}

static int64_t build_both(const char *zone, const char *hours, int days,
                          int64_t until, int64_t uid)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_config *cfg = hd_instance_config_mut(inst);
    struct hd_arena *a = hd_arena_new();
    struct hd_stats slots, rows;
    assert_int_equal(hd_clock_set_zone(zone, &err), 0);
    assert_int_equal(hd_config_set(cfg, "instance.timezone", zone, &err), 0);
    assert_int_equal(hd_config_set(cfg, "calendar.hours", hours, &err), 0);
    struct hd_stats_opts o = {.days = days, .until = until,
                              .visible_to_user = uid};
    if (hd_stats_build(inst, hd_instance_store(inst), &o, a, &slots, &err) <
        0)
        fail_msg("build from slots: %s", err.msg);
    o.from_tickets = true;
    if (hd_stats_build(inst, hd_instance_store(inst), &o, a, &rows, &err) <
        0)
        fail_msg("build from tickets: %s", err.msg);
    assert_int_equal(slots.since, rows.since);
    int64_t total = 0;
    for (int i = 0; i < HD_ST_COUNT; i++) {
        const struct hd_stats_table *x = &slots.t[i], *y = &rows.t[i];
        assert_string_equal(x->id, y->id);
        if (x->nrows != y->nrows)
            fail_msg("%s %s days=%d until=%lld uid=%lld: %s has %zu rows "
                     "from slots, %zu from tickets",
                     zone, hours, days, (long long)until, (long long)uid,
                     x->id, x->nrows, y->nrows);
        for (size_t r = 0; r < x->nrows; r++) {
            assert_string_equal(x->rows[r].label, y->rows[r].label);
            for (size_t c = 0; c < x->ncols; c++) {
                if (x->rows[r].v[c] != y->rows[r].v[c])
                    fail_msg("%s %s days=%d until=%lld uid=%lld: %s row %s "
                             "column %s: %lld from slots, %lld from "
                             "tickets",
                             zone, hours, days, (long long)until,
                             (long long)uid, x->id, x->rows[r].label,
                             x->cols[c], (long long)x->rows[r].v[c],
                             (long long)y->rows[r].v[c]);
                if (!hd_stats_col_is_rate(x->cols[c]))
                    total += x->rows[r].v[c];
            }
        }
    }
    hd_arena_free(&a);
    return total;
}

static void compare_all(void)
{
    static const struct {
        const char *zone, *hours;
    } cals[] = {
        {"Asia/Tokyo", "mon-fri 10:00-19:00"},
        {"Asia/Tokyo", "mon-fri 09:10-17:35; sat 10:05-12:50"},
        {"Asia/Kolkata", "mon-sat 09:00-18:00"},
    };
    static const int days[] = {1, 7, 28, 120};
    static const int64_t untils[] = {NOW, NOW - 12345, NOW - 40 * 86400 + 7};
    for (size_t k = 0; k < sizeof cals / sizeof cals[0]; k++)
        for (size_t d = 0; d < sizeof days / sizeof days[0]; d++)
            for (size_t u = 0; u < sizeof untils / sizeof untils[0]; u++) {
                int64_t all = build_both(cals[k].zone, cals[k].hours,
                                         days[d], untils[u], 0);
                int64_t some = build_both(cals[k].zone, cals[k].hours,
                                          days[d], untils[u], agent);
                assert_true(all > 0);
                assert_true(some < all); /* the agent sees less */
            }
}

static void slots_equal_tickets(void **state)
{
    (void)state;
    make_tickets(4000);
    compare_all();
}

static void slots_follow_changes(void **state)
{
    (void)state;
    change_tickets();
    compare_all();
}

/* The counts added up again from the tickets equal the triggers' ones
 * (no slot row drifts, none goes negative). */
static void slots_match_a_recount(void **state)
{
    (void)state;
    sqlite3_stmt *s;
    static const char *const q[] = {
        "SELECT count(*) FROM report_created WHERE n < 0",
        "SELECT count(*) FROM report_open WHERE n < 0",
        "SELECT count(*) FROM report_resolved WHERE n < 0",
        "SELECT (SELECT sum(n) FROM report_created) - (SELECT count(*) FROM "
        "ticket WHERE spam = 0)",
        "SELECT (SELECT sum(n) FROM report_open) - (SELECT count(*) FROM "
        "ticket WHERE spam = 0 AND status IN ('new', 'open', 'pending'))",
        "SELECT (SELECT sum(n) FROM report_resolved) - (SELECT count(*) FROM "
        "ticket WHERE spam = 0 AND resolved_at IS NOT NULL)",
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        assert_int_equal(sqlite3_prepare_v2(db, q[i], -1, &s, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        if (sqlite3_column_int64(s, 0) != 0)
            fail_msg("%s: %lld", q[i], (long long)sqlite3_column_int64(s, 0));
        sqlite3_finalize(s);
    }
}

static int setup(void **state)
{
    (void)state;
    char path[300];
    if (test_instance_new(dir, &inst) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/helpdesk.db", hd_instance_dir(inst));
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    sqlite3_busy_timeout(db, 5000);
    if (store_fts_register(db) != SQLITE_OK)
        return -1;
    sql("INSERT INTO queue(id, name, created_at) VALUES (1, 'support', 0), "
        "(2, 'billing', 0), (3, 'ops', 0)");
    sql("INSERT INTO user(id, email, name, role, created_at) VALUES "
        "(1, 'a@x.test', 'Ann', 'agent', 0), (2, 'b@x.test', 'Bob', "
        "'agent', 0), (3, 'c@x.test', 'Cy', 'admin', 0)");
    sql("DELETE FROM user_queue WHERE user_id = 1");
    sql("INSERT INTO user_queue(user_id, queue_id) VALUES (1, 1), (1, 2)");
    agent = 1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sqlite3_close(db);
    return test_instance_free(dir, &inst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slots_equal_tickets),
        cmocka_unit_test(slots_follow_changes),
        cmocka_unit_test(slots_match_a_recount),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
