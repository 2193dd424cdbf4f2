/* test_store.c - migrations, ticket numbering under two concurrent
 * writer processes, field changes and the append-only history. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"

static char dir[] = "/tmp/hd-test-store-XXXXXX";

static struct hd_store *open_file(const char *name, unsigned flags)
{
    char path[256];
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (hd_store_open(path, HD_STORE_CREATE | flags, 10000, &st, &err) < 0)
        fail_msg("open %s: %s", path, err.msg);
    return st;
}

static void test_migrate_from_empty(void **state)
{
    (void)state;
    struct hd_store *st = open_file("empty.db", 0);
    assert_int_equal(hd_store_schema_version(st), hd_store_schema_latest());
    assert_true(hd_store_schema_latest() >= 1);
    hd_store_close(&st);
    /* Opening again is a no-op migration. */
    st = open_file("empty.db", 0);
    assert_int_equal(hd_store_schema_version(st), hd_store_schema_latest());
    hd_store_close(&st);
}

static void test_migrate_from_older(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_arena *a = hd_arena_new();
    struct hd_store *st = open_file("old.db", HD_STORE_NO_MIGRATE);
    /* Build the oldest schema and put data in it. */
    assert_int_equal(hd_store_migrate(st, 1, &err), 0);
    assert_int_equal(hd_store_schema_version(st), 1);
    int64_t qid, tid, number;
    assert_int_equal(hd_store_begin(st, &err), 0);
    assert_int_equal(hd_store_queue_add(st, "support", "s@x.test", "", &qid,
                                        &err), 0);
    struct hd_ticket_new tn = {.subject = "古い件名", .queue_id = qid};
    assert_int_equal(hd_store_ticket_insert(st, &tn, "test", &tid, &number,
                                            &err), 0);
    assert_int_equal(hd_store_commit(st, &err), 0);
    hd_store_close(&st);
    /* A normal open upgrades in place and keeps the data. */
    st = open_file("old.db", 0);
    assert_int_equal(hd_store_schema_version(st), hd_store_schema_latest());
    struct hd_ticket t;
    assert_int_equal(hd_store_ticket_get(st, 0, number, a, &t, &err), 1);
    assert_string_equal(t.subject, "古い件名");
    assert_string_equal(t.queue_name, "support");
    hd_store_close(&st);
    hd_arena_free(&a);
}

#define PER_WRITER 150

static void writer(const char *name, int id)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = open_file(name, 0);
    for (int i = 0; i < PER_WRITER; i++) {
        struct hd_ticket_new tn = {.subject = id ? "b" : "a"};
        int64_t tid, number;
        if (hd_store_begin(st, &err) < 0 ||
            hd_store_ticket_insert(st, &tn, "test", &tid, &number, &err) < 0 ||
            hd_store_commit(st, &err) < 0) {
            fprintf(stderr, "writer %d: %s\n", id, err.msg);
            _exit(1);
        }
    }
    hd_store_close(&st);
    _exit(0);
}

static void test_concurrent_numbering(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = open_file("conc.db", 0); /* create + migrate */
    hd_store_close(&st);
    pid_t pids[2];
    for (int w = 0; w < 2; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0)
            writer("conc.db", w);
    }
    for (int w = 0; w < 2; w++) {
        int status;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    st = open_file("conc.db", 0);
    struct hd_arena *a = hd_arena_new();
    struct hd_ticket_filter f;
    hd_ticket_filter_init(&f);
    struct hd_ticket *ts;
    size_t n;
    assert_int_equal(hd_store_ticket_list(st, &f, a, &ts, &n, &err), 0);
    assert_int_equal(n, 2 * PER_WRITER);
    /* Newest first, no gaps, no duplicates. */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ts[i].number, 10000 + 2 * PER_WRITER - (int64_t)i);
    int64_t count;
    f.status = HD_STATUS_NEW;
    assert_int_equal(hd_store_ticket_count(st, &f, &count, &err), 0);
    assert_int_equal(count, 2 * PER_WRITER);
    hd_arena_free(&a);
    hd_store_close(&st);
}

static void test_history(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_arena *a = hd_arena_new();
    struct hd_store *st = NULL;
    assert_int_equal(hd_store_open(":memory:", HD_STORE_CREATE, 1000, &st,
                                   &err), 0);
    int64_t tid, number, qid;
    assert_int_equal(hd_store_queue_add(st, "billing", NULL, "", &qid, &err),
                     0);
    struct hd_ticket_new tn = {.subject = "Invoice"};
    assert_int_equal(hd_store_ticket_insert(st, &tn, "cli", &tid, &number,
                                            &err), 0);
    assert_int_equal(hd_store_ticket_set(st, tid, "status", "open", "user:1",
                                         &err), 0);
    char qs[24];
    snprintf(qs, sizeof qs, "%lld", (long long)qid);
    assert_int_equal(hd_store_ticket_set(st, tid, "queue", qs, "user:1",
                                         &err), 0);
    /* Unknown fields and bad values are refused, nothing recorded. */
    assert_int_equal(hd_store_ticket_set(st, tid, "colour", "red", "x",
                                         &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
    assert_int_equal(hd_store_ticket_set(st, tid, "status", "bogus", "x",
                                         &err), -1);
    struct hd_event *es;
    size_t n;
    assert_int_equal(hd_store_event_list(st, tid, a, &es, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(es[0].kind, "created");
    assert_string_equal(es[1].field, "status");
    assert_string_equal(es[1].old_value, "new");
    assert_string_equal(es[1].new_value, "open");
    assert_string_equal(es[1].actor, "user:1");
    assert_null(es[2].old_value);
    assert_string_equal(es[2].field, "queue");
    struct hd_ticket t;
    assert_int_equal(hd_store_ticket_get(st, tid, 0, a, &t, &err), 1);
    assert_int_equal(t.status, HD_STATUS_OPEN);
    assert_string_equal(t.queue_name, "billing");
    assert_int_equal(hd_store_ticket_get(st, 0, 99999, a, &t, &err), 0);
    hd_store_close(&st);
    hd_arena_free(&a);
}

static void test_message_idempotent(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    assert_int_equal(hd_store_open(":memory:", HD_STORE_CREATE, 1000, &st,
                                   &err), 0);
    int64_t tid, number, mid, found;
    struct hd_ticket_new tn = {.subject = "x"};
    assert_int_equal(hd_store_ticket_insert(st, &tn, "t", &tid, &number, &err),
                     0);
    struct hd_message m = {.ticket_id = tid, .kind = HD_MSG_INBOUND,
                           .message_id = "a1@example.org",
                           .body_hash = "h1"};
    assert_int_equal(hd_store_message_insert(st, &m, &mid, &err), 0);
    assert_int_equal(hd_store_message_insert(st, &m, &mid, &err), -1);
    assert_int_equal(err.code, HD_E_EXISTS);
    assert_int_equal(hd_store_message_exists(st, "a1@example.org", "h1",
                                             &found, &err), 1);
    assert_int_equal(found, tid);
    assert_int_equal(hd_store_message_find_ticket(st, "a1@example.org",
                                                  &found, &err), 1);
    assert_int_equal(hd_store_message_find_ticket(st, "zz@example.org",
                                                  &found, &err), 0);
    hd_store_close(&st);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_from_empty),
        cmocka_unit_test(test_migrate_from_older),
        cmocka_unit_test(test_concurrent_numbering),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_message_idempotent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
