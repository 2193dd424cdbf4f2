/* test_store_bulk.c - a bulk connection (import) writes the search rows of
 * new messages and tickets at the commit: after it, every committed
 * subject and body is found exactly as with the triggers, what a
 * ROLLBACK TO or ROLLBACK undid is not, and writes outside a transaction
 * are indexed by the triggers again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_agent.h"

static char dir[] = "/tmp/hd-test-bulk-XXXXXX";

static struct hd_store *open_db(void)
{
    char path[256];
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    snprintf(path, sizeof path, "%s/bulk.db", dir);
    if (hd_store_open(path, HD_STORE_CREATE, 10000, &st, &err) < 0)
        fail_msg("open %s: %s", path, err.msg);
    return st;
}

/* How many tickets the queue's full-text search finds for text. */
static int64_t found(struct hd_store *st, const char *text)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_queue_query q;
    int64_t n = -1;
    hd_queue_query_init(&q);
    q.text = text;
    if (hd_store_queue_count(st, &q, &n, &err) < 0)
        fail_msg("search %s: %s", text, err.msg);
    return n;
}

static int64_t add(struct hd_store *st, const char *subject, const char *body)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t tid, number, mid;
    struct hd_ticket_new tn = {.subject = subject};
    assert_int_equal(hd_store_ticket_insert(st, &tn, "t", &tid, &number, &err),
                     0);
    struct hd_message m = {.ticket_id = tid, .kind = HD_MSG_INBOUND,
                           .message_id = body, .body_hash = body,
                           .body_text = body};
    assert_int_equal(hd_store_message_insert(st, &m, &mid, &err), 0);
    return tid;
}

static void test_bulk_indexes_at_commit(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = open_db();
    struct hd_store *reader = open_db();
    add(st, "before bulk", "plainkeyword"); /* triggers, not bulk */
    hd_store_set_bulk(st);
    assert_int_equal(hd_store_begin(st, &err), 0);
    add(st, "printer jammed", "the 障害 report");
    assert_int_equal(hd_store_savepoint(st, &err), 0);
    add(st, "undone subject", "vanishedword");
    hd_store_rollback_to(st);
    assert_int_equal(hd_store_savepoint(st, &err), 0);
    add(st, "kept subject", "keptword");
    assert_int_equal(hd_store_release(st, &err), 0);
    assert_int_equal(hd_store_commit(st, &err), 0);

    assert_int_equal(found(reader, "plainkeyword"), 1);
    assert_int_equal(found(reader, "printer"), 1);
    assert_int_equal(found(reader, "障害"), 1);
    assert_int_equal(found(reader, "keptword"), 1);
    assert_int_equal(found(reader, "kept"), 1);
    assert_int_equal(found(reader, "vanishedword"), 0);
    assert_int_equal(found(reader, "undone"), 0);

    /* A rolled-back batch leaves nothing in the index. */
    assert_int_equal(hd_store_begin(st, &err), 0);
    add(st, "rolled back", "rolledword");
    hd_store_rollback(st);
    assert_int_equal(found(reader, "rolledword"), 0);

    /* Outside a transaction the triggers index as before, also on the
     * bulk connection (statements compiled in the batch are not reused
     * with the indexing left out). */
    add(st, "autocommit subject", "autoword");
    assert_int_equal(found(reader, "autoword"), 1);
    assert_int_equal(found(st, "autocommit"), 1);

    /* The next batch starts from the new highest ids. */
    assert_int_equal(hd_store_begin(st, &err), 0);
    add(st, "second batch", "secondword");
    assert_int_equal(hd_store_commit(st, &err), 0);
    assert_int_equal(found(reader, "secondword"), 1);
    assert_int_equal(found(reader, "subject"), 2); /* kept, autocommit */
    hd_store_close(&reader);
    hd_store_close(&st);
}

/* One more message on ticket tid: kind and auto_reply as given. */
static void add_msg(struct hd_store *st, int64_t tid, enum hd_msg_kind kind,
                    bool automatic, const char *body)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t mid;
    struct hd_message m = {.ticket_id = tid, .kind = kind,
                           .message_id = body, .body_hash = body,
                           .body_text = body, .auto_reply = automatic};
    assert_int_equal(hd_store_message_insert(st, &m, &mid, &err), 0);
}

/* Mail the help desk sends by itself (acknowledgements, alerts) is not
 * searchable, by the triggers nor by a bulk commit; agents' replies and
 * customers' automatic replies (vacation notices) are. */
static void test_automatic_outbound_not_indexed(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = open_db();
    struct hd_store *reader = open_db();
    int64_t t = add(st, "ack test", "ackfirstword");
    add_msg(st, t, HD_MSG_OUTBOUND, true, "ackboilerplate");
    add_msg(st, t, HD_MSG_OUTBOUND, false, "agentreplyword");
    add_msg(st, t, HD_MSG_INBOUND, true, "vacationword");
    assert_int_equal(found(reader, "ackboilerplate"), 0);
    assert_int_equal(found(reader, "agentreplyword"), 1);
    assert_int_equal(found(reader, "vacationword"), 1);

    hd_store_set_bulk(st);
    assert_int_equal(hd_store_begin(st, &err), 0);
    int64_t t2 = add(st, "bulk ack test", "bulkfirstword");
    add_msg(st, t2, HD_MSG_OUTBOUND, true, "bulkackboilerplate");
    add_msg(st, t2, HD_MSG_OUTBOUND, false, "bulkagentword");
    assert_int_equal(hd_store_commit(st, &err), 0);
    assert_int_equal(found(reader, "bulkackboilerplate"), 0);
    assert_int_equal(found(reader, "bulkagentword"), 1);
    assert_int_equal(found(reader, "bulkfirstword"), 1);
    hd_store_close(&reader);
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
        cmocka_unit_test(test_bulk_indexes_at_commit),
        cmocka_unit_test(test_automatic_outbound_not_indexed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
