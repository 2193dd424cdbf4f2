/* test_desk.c - the desk's rules on a real instance: which status changes
 * are refused (and leave nothing behind), that a change records exactly
 * one audit row and one webhook event while no change records none, that
 * a reply to a closed ticket and a second merge are refused, that a
 * pending ticket wakes when the customer writes and a closed one does
 * not, and that an operation inside the caller's transaction is undone
 * with it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>

#include "clock.h"
#include "desk.h"
#include "instance.h"
#include "store_api.h"
#include "test_instance.h"

static char dir[] = "/tmp/hd-test-desk-XXXXXX";
static struct hd_instance *inst;
static const struct hd_desk_who who = {.actor = "cli:test",
                                       .source = "cli"};
static int seq;

/* The rows of one table (audit, webhook_delivery), read through a
 * connection of the test's own as a reader would see them. */
static int64_t rows(const char *table)
{
    char path[300], q[100];
    sqlite3 *db;
    sqlite3_stmt *s;
    int64_t n = -1;
    snprintf(path, sizeof path, "%s/helpdesk.db", hd_instance_dir(inst));
    snprintf(q, sizeof q, "SELECT count(*) FROM %s", table);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
        fail_msg("count %s: %s", table, sqlite3_errmsg(db));
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

/* A new ticket from a customer, opened by the desk, in status 'status'. */
static void make(struct hd_desk *d, enum hd_status status,
                 struct hd_ticket *t)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(inst);
    int64_t contact;
    char addr[64], msgid[64];
    snprintf(addr, sizeof addr, "c%d@customer.test", ++seq);
    snprintf(msgid, sizeof msgid, "m%d@customer.test", seq);
    assert_int_equal(hd_store_contact_ensure(st, addr, "C", &contact, NULL,
                                             &err), 0);
    struct hd_message m = {.kind = HD_MSG_INBOUND, .from_addr = addr,
                           .author_contact_id = contact, .subject = "s",
                           .message_id = msgid, .body_text = "help",
                           .body_hash = msgid};
    struct hd_desk_open o = {.tn = {.subject = "s", .requester_id = contact},
                             .first = &m};
    assert_int_equal(hd_desk_open(d, &o, t, &err), 0);
    if (status == HD_STATUS_NEW)
        return;
    struct hd_desk_change c;
    hd_desk_change_init(&c);
    c.status = (int)status;
    assert_int_equal(hd_desk_set(d, t, &c, NULL, &err), 0);
}

static void test_status_rules(void **state)
{
    (void)state;
    static const struct {
        enum hd_status from, to;
        int rc;        /* hd_desk_set's answer */
        int audited;   /* audit rows and webhook events it adds */
    } cases[] = {
        {HD_STATUS_NEW, HD_STATUS_OPEN, 0, 1},
        {HD_STATUS_NEW, HD_STATUS_PENDING, 0, 1},
        {HD_STATUS_OPEN, HD_STATUS_OPEN, 0, 0}, /* no change, no rows */
        {HD_STATUS_OPEN, HD_STATUS_NEW, -1, 0}, /* new is only the first */
        {HD_STATUS_RESOLVED, HD_STATUS_OPEN, 0, 1},
        {HD_STATUS_CLOSED, HD_STATUS_OPEN, -1, 0}, /* closed is final */
        {HD_STATUS_CLOSED, HD_STATUS_RESOLVED, -1, 0},
        {HD_STATUS_PENDING, HD_STATUS_CLOSED, 0, 1},
    };
    struct hd_arena *a = hd_arena_new();
    struct hd_desk *d = hd_desk_new(inst, hd_instance_store(inst), a, &who);
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_error err = HD_ERROR_INIT;
        struct hd_ticket t;
        struct hd_desk_change c;
        make(d, cases[i].from, &t);
        int64_t au = rows("audit"), wh = rows("webhook_delivery");
        hd_desk_change_init(&c);
        c.status = (int)cases[i].to;
        int rc = hd_desk_set(d, &t, &c, NULL, &err);
        if (rc != cases[i].rc)
            fail_msg("case %zu: rc %d (%s), want %d", i, rc, err.msg,
                     cases[i].rc);
        if (rc < 0 && err.code != HD_E_INVAL)
            fail_msg("case %zu: error code %d, want HD_E_INVAL", i,
                     err.code);
        if (rows("audit") - au != cases[i].audited ||
            rows("webhook_delivery") - wh != cases[i].audited)
            fail_msg("case %zu: %lld audit rows, %lld webhook events, want "
                     "%d", i, (long long)(rows("audit") - au),
                     (long long)(rows("webhook_delivery") - wh),
                     cases[i].audited);
        enum hd_status want = rc == 0 ? cases[i].to : cases[i].from;
        if (t.status != want)
            fail_msg("case %zu: status %s, want %s", i,
                     hd_status_name(t.status), hd_status_name(want));
    }
    hd_arena_free(&a);
}

static void test_reply_and_merge_rules(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_arena *a = hd_arena_new();
    struct hd_desk *d = hd_desk_new(inst, hd_instance_store(inst), a, &who);
    struct hd_ticket closed, x, y;
    make(d, HD_STATUS_CLOSED, &closed);
    int64_t au = rows("audit");
    assert_int_equal(hd_desk_reply(d, &closed, "hello", NULL, &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
    assert_int_equal(rows("audit"), au);

    make(d, HD_STATUS_NEW, &x);
    make(d, HD_STATUS_NEW, &y);
    err = (struct hd_error)HD_ERROR_INIT;
    assert_int_equal(hd_desk_merge(d, &x, &x, &err), -1);
    assert_int_equal(hd_desk_merge(d, &x, &y, &err), 0);
    assert_true(x.merged_into == y.id);
    assert_int_equal(hd_desk_merge(d, &x, &y, &err), -1); /* once only */
    assert_int_equal(err.code, HD_E_INVAL);
    hd_arena_free(&a);
}

static void test_customer_wakes(void **state)
{
    (void)state;
    static const struct {
        enum hd_status from;
        bool automatic;
        enum hd_status after;
    } cases[] = {
        {HD_STATUS_PENDING, false, HD_STATUS_OPEN},
        {HD_STATUS_PENDING, true, HD_STATUS_PENDING}, /* an auto-reply */
        {HD_STATUS_RESOLVED, false, HD_STATUS_OPEN},  /* reopen_resolved */
        {HD_STATUS_CLOSED, false, HD_STATUS_CLOSED},
        {HD_STATUS_OPEN, false, HD_STATUS_OPEN},
    };
    struct hd_arena *a = hd_arena_new();
    struct hd_desk *d = hd_desk_new(inst, hd_instance_store(inst), a, &who);
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_error err = HD_ERROR_INIT;
        struct hd_ticket t;
        char msgid[64];
        make(d, cases[i].from, &t);
        snprintf(msgid, sizeof msgid, "again%zu@customer.test", i);
        struct hd_message m = {.kind = HD_MSG_INBOUND, .subject = "Re: s",
                               .from_addr = t.requester_address,
                               .author_contact_id = t.requester_id,
                               .message_id = msgid, .body_text = "again",
                               .body_hash = msgid};
        bool reopened;
        if (hd_desk_add_inbound(d, &t, &m, cases[i].automatic, &reopened,
                                &err) < 0)
            fail_msg("case %zu: %s", i, err.msg);
        if (t.status != cases[i].after)
            fail_msg("case %zu: status %s, want %s", i,
                     hd_status_name(t.status),
                     hd_status_name(cases[i].after));
        if (reopened != (cases[i].from == HD_STATUS_RESOLVED))
            fail_msg("case %zu: reopened %d", i, reopened);
        if (m.ticket_id != t.id || m.id <= 0)
            fail_msg("case %zu: message not stored on the ticket", i);
    }
    hd_arena_free(&a);
}

/* Inside the caller's transaction the desk opens none of its own: the
 * caller's rollback undoes the change, its audit row and its webhook. */
static void test_callers_transaction(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(inst);
    struct hd_arena *a = hd_arena_new();
    struct hd_desk *d = hd_desk_new(inst, st, a, &who);
    struct hd_ticket t, again;
    struct hd_desk_change c;
    make(d, HD_STATUS_NEW, &t);
    enum hd_priority before = t.priority;
    int64_t au = rows("audit"), wh = rows("webhook_delivery");
    hd_desk_change_init(&c);
    c.priority = HD_PRIO_URGENT;
    assert_int_equal(hd_store_begin(st, &err), 0);
    assert_int_equal(hd_desk_set(d, &t, &c, NULL, &err), 0);
    assert_true(hd_store_in_transaction(st));
    hd_store_rollback(st);
    assert_int_equal(rows("audit"), au);
    assert_int_equal(rows("webhook_delivery"), wh);
    assert_int_equal(hd_store_ticket_get(st, t.id, 0, a, &again, &err), 1);
    assert_int_equal(again.priority, before);
    assert_true(before != HD_PRIO_URGENT);
    hd_arena_free(&a);
}

static int setup(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    hd_clock_freeze(1796690400); /* 2026-12-08T11:00:00+09:00 */
    if (test_instance_new(dir, &inst) < 0)
        return -1;
    int64_t id;
    if (hd_store_webhook_add(hd_instance_store(inst), "http://127.0.0.1:1/h",
                             "created,updated", "hook-secret-0123456789",
                             &id, &err) < 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return test_instance_free(dir, &inst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_rules),
        cmocka_unit_test(test_reply_and_merge_rules),
        cmocka_unit_test(test_customer_wakes),
        cmocka_unit_test(test_callers_transaction),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
