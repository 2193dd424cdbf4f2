/* test_count.c - the queue view counts of store_count.c against the real
 * SQLite store: every cached count equals the general uncached count for
 * a table of views; a change made through another connection of this
 * process shows at once (commits, transactions, queue grants); a change
 * made by another process shows once HD_COUNT_CACHE_SECS have passed on
 * the (frozen) clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "store.h"
#include "store_agent.h"
#include "store_count.h"

#define T0 1795000000 /* 2026-11-18, a frozen "now" */

static char dir[] = "/tmp/hd-test-count-XXXXXX";
static int64_t queues[2], users[2];

static struct hd_store *open_db(const char *name)
{
    char path[256];
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (hd_store_open(path, HD_STORE_CREATE, 10000, &st, &err) < 0)
        fail_msg("open %s: %s", path, err.msg);
    return st;
}

/* Tickets: queue index (-1 none), assignee index (-1 none), incident,
 * status, running due time relative to T0 (0: none). */
static const struct {
    int queue, assignee;
    bool incident;
    const char *status;
    int64_t due;
} tickets[] = {
    {0, 0, false, "new", 0},        {0, 0, true, "open", 600},
    {0, -1, false, "pending", 0},   {0, -1, true, "new", 3 * 3600},
    {1, 0, false, "open", 60},      {1, 1, false, "new", 0},
    {1, -1, true, "open", 0},       {-1, -1, false, "new", 0},
    {0, 1, false, "closed", 30},    {1, 0, true, "resolved", 0},
    {0, -1, false, "closed", 0},    {1, 1, true, "pending", 7200 - 1},
};

static void add_ticket(struct hd_store *st, size_t i)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_arena *a = hd_arena_new();
    struct hd_ticket_new tn = {
        .subject = "count me",
        .category = tickets[i].incident ? HD_CAT_INCIDENT : HD_CAT_GENERAL,
        .queue_id = tickets[i].queue < 0 ? 0 : queues[tickets[i].queue],
        .assignee_id = tickets[i].assignee < 0 ? 0
                                               : users[tickets[i].assignee],
    };
    int64_t id, number;
    struct hd_ticket t;
    if (hd_store_ticket_insert(st, &tn, "test", &id, &number, &err) < 0 ||
        hd_store_ticket_set(st, id, "status", tickets[i].status, "test",
                            &err) < 0 ||
        hd_store_ticket_get(st, id, 0, a, &t, &err) != 1)
        fail_msg("ticket %zu: %s", i, err.msg);
    if (tickets[i].due != 0) {
        t.first_response_due = T0 + tickets[i].due;
        if (hd_store_ticket_set_sla(st, &t, &err) < 0)
            fail_msg("ticket %zu due: %s", i, err.msg);
    }
    hd_arena_free(&a);
}

static int setup(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    if (mkdtemp(dir) == NULL)
        return -1;
    hd_clock_freeze(T0);
    struct hd_store *st = open_db("count.db");
    if (hd_store_begin(st, &err) < 0 ||
        hd_store_queue_add(st, "q0", "q0@x.test", "", &queues[0], &err) < 0 ||
        hd_store_queue_add(st, "q1", "q1@x.test", "", &queues[1], &err) < 0 ||
        hd_store_user_add(st, "a@x.test", "A", "agent", NULL, &users[0],
                          &err) < 0 ||
        hd_store_user_add(st, "b@x.test", "B", "agent", NULL, &users[1],
                          &err) < 0 ||
        hd_store_user_grant_queue(st, users[0], queues[0], &err) < 0)
        fail_msg("setup: %s", err.msg);
    for (size_t i = 0; i < HD_ARRAY_LEN(tickets); i++)
        add_ticket(st, i);
    if (hd_store_commit(st, &err) < 0)
        fail_msg("commit: %s", err.msg);
    hd_store_close(&st);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* One view: the filter and the count the tickets above give. */
enum who { ANY, U0, U1 };
static const struct {
    int status;     /* -1 any, HD_STATUS_COUNT open states */
    int queue;      /* -1 any */
    enum who assignee, visible;
    bool unassigned, incident;
    int64_t due_before; /* relative to T0, 0 none */
    int64_t want;
} views[] = {
    {HD_STATUS_COUNT, -1, ANY, ANY, false, false, 0, 9},   /* all open */
    {HD_STATUS_COUNT, -1, ANY, U0, false, false, 0, 4},    /* granted q0 */
    {HD_STATUS_COUNT, -1, ANY, U1, false, false, 0, 0},    /* none granted */
    {HD_STATUS_COUNT, -1, U0, ANY, false, false, 0, 3},    /* mine */
    {HD_STATUS_COUNT, -1, U0, U0, false, false, 0, 2},     /* mine, visible */
    {HD_STATUS_COUNT, -1, ANY, ANY, true, false, 0, 4},    /* unassigned */
    {HD_STATUS_COUNT, -1, ANY, U0, true, false, 0, 2},
    {HD_STATUS_COUNT, -1, ANY, ANY, false, true, 0, 4},    /* incidents */
    {HD_STATUS_COUNT, 1, ANY, ANY, false, false, 0, 4},    /* queue q1 */
    {HD_STATUS_COUNT, 1, ANY, U0, false, false, 0, 0},
    {HD_STATUS_COUNT, 0, ANY, ANY, true, true, 0, 1},
    {HD_STATUS_COUNT, -1, ANY, ANY, false, false, 7200, 3}, /* breaching */
    {HD_STATUS_COUNT, -1, ANY, U0, false, false, 7200, 1},
    {HD_STATUS_COUNT, -1, ANY, ANY, false, false, 60, 0},
    {HD_STATUS_COUNT, 0, ANY, ANY, false, false, 7200, 1}, /* general */
    {HD_STATUS_CLOSED, -1, ANY, ANY, false, false, 0, 2},  /* general */
    {-1, -1, ANY, ANY, false, false, 0, 12},
};

static void view_query(size_t i, struct hd_queue_query *q)
{
    hd_queue_query_init(q);
    q->f.status = views[i].status;
    q->f.queue_id = views[i].queue < 0 ? 0 : queues[views[i].queue];
    q->f.assignee_id = views[i].assignee == ANY ? 0
                                                : users[views[i].assignee - 1];
    q->f.visible_to_user =
        views[i].visible == ANY ? 0 : users[views[i].visible - 1];
    q->f.unassigned = views[i].unassigned;
    q->f.category = views[i].incident ? HD_CAT_INCIDENT : -1;
    q->due_before = views[i].due_before ? T0 + views[i].due_before : 0;
}

static int64_t cached(struct hd_store *st, const struct hd_queue_query *q)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t n = -1;
    if (hd_store_queue_count_cached(st, q, &n, &err) < 0)
        fail_msg("count: %s", err.msg);
    return n;
}

static int64_t open_count(struct hd_store *st, int64_t visible_to)
{
    struct hd_queue_query q;
    hd_queue_query_init(&q);
    q.f.status = HD_STATUS_COUNT;
    q.f.visible_to_user = visible_to;
    return cached(st, &q);
}

static void test_views(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    hd_clock_freeze(T0);
    struct hd_store *st = open_db("count.db");
    for (int round = 0; round < 2; round++) /* counted, then cached */
        for (size_t i = 0; i < HD_ARRAY_LEN(views); i++) {
            struct hd_queue_query q;
            view_query(i, &q);
            int64_t plain = -1;
            assert_int_equal(hd_store_queue_count(st, &q, &plain, &err), 0);
            if (plain != views[i].want || cached(st, &q) != views[i].want)
                fail_msg("view %zu round %d: want %lld, general %lld, "
                         "cached %lld", i, round,
                         (long long)views[i].want, (long long)plain,
                         (long long)cached(st, &q));
        }
    hd_store_close(&st);
}

/* Another connection of this process (another web thread) changes. */
static void test_same_process(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    hd_clock_freeze(T0 + 100);
    struct hd_store *a = open_db("count.db"), *b = open_db("count.db");
    int64_t n = open_count(a, 0), vis = open_count(a, users[0]);
    struct hd_ticket_new tn = {.subject = "new", .queue_id = queues[0]};
    int64_t id, number;
    /* an autocommit change */
    assert_int_equal(hd_store_ticket_insert(b, &tn, "t", &id, &number, &err),
                     0);
    assert_int_equal(open_count(a, 0), n + 1);
    assert_int_equal(open_count(a, users[0]), vis + 1);
    /* in a transaction: unseen until the commit, seen right after it */
    assert_int_equal(hd_store_begin(b, &err), 0);
    assert_int_equal(hd_store_ticket_set(b, id, "status", "closed", "t",
                                         &err), 0);
    assert_int_equal(open_count(a, 0), n + 1);
    assert_int_equal(hd_store_commit(b, &err), 0);
    assert_int_equal(open_count(a, 0), n);
    /* a rolled-back change leaves the count as it was */
    assert_int_equal(hd_store_begin(b, &err), 0);
    assert_int_equal(hd_store_ticket_set(b, id, "status", "open", "t", &err),
                     0);
    hd_store_rollback(b);
    assert_int_equal(open_count(a, 0), n);
    /* queue grants (a table the update hook does not see) */
    assert_int_equal(open_count(a, users[1]), 0);
    assert_int_equal(hd_store_user_grant_queue(b, users[1], queues[1], &err),
                     0);
    assert_int_equal(open_count(a, users[1]), 4);
    assert_int_equal(hd_store_user_revoke_queue(b, users[1], queues[1], &err),
                     0);
    assert_int_equal(open_count(a, users[1]), 0);
    hd_store_close(&a);
    hd_store_close(&b);
}

/* Another process (mail intake) changes: seen within the stated age. */
static void test_other_process(void **state)
{
    (void)state;
    hd_clock_freeze(T0 + 200);
    struct hd_store *st = open_db("count.db");
    struct hd_queue_query q;
    view_query(0, &q);
    int64_t n = cached(st, &q), breaching = -1;
    view_query(11, &q);
    breaching = cached(st, &q);
    hd_store_close(&st); /* no connection crosses the fork */
    pid_t pid = fork();
    if (pid == 0) {
        struct hd_error err = HD_ERROR_INIT;
        struct hd_store *c = open_db("count.db");
        struct hd_ticket_new tn = {.subject = "by mail",
                                   .queue_id = queues[1]};
        int64_t id, number;
        int rc = hd_store_ticket_insert(c, &tn, "mail", &id, &number, &err);
        hd_store_close(&c);
        _exit(rc == 0 ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    st = open_db("count.db");
    view_query(0, &q);
    /* Within the age the cached number may be handed out (here it is:
     * nothing in this process changed, the clock did not move). */
    assert_int_equal(cached(st, &q), n);
    hd_clock_freeze(T0 + 200 + HD_COUNT_CACHE_SECS);
    assert_int_equal(cached(st, &q), n + 1);
    view_query(11, &q); /* unchanged: the new ticket has no due time */
    assert_int_equal(cached(st, &q), breaching);
    hd_store_close(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_views),
        cmocka_unit_test(test_same_process),
        cmocka_unit_test(test_other_process),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
