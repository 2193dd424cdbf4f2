/* test_desk.c - the desk's rules on a real instance: which status changes
 * are refused (and leave nothing behind), that a change records exactly
 * one audit row and one webhook event while no change records none, that
 * a reply to a closed ticket and a second merge are refused, that a
 * pending ticket wakes when the customer writes and a closed one does
 * not, that an operation inside the caller's transaction is undone
 * with it, and that two workers escalating the same SLA clock from what
 * each read record and mail it once. */
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
    char path[300], q[120];
    sqlite3 *db;
    sqlite3_stmt *s;
    int64_t n = -1;
    snprintf(path, sizeof path, "%s/helpdesk.db", hd_instance_dir(inst));
    snprintf(q, sizeof q, "SELECT count(*) FROM %.80s", table);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
        fail_msg("count %s: %s", table, sqlite3_errmsg(db));
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

/* A new ticket from a customer, opened by the desk in queue_id (0: none)
 * for assignee_id (0: none); *t as stored. */
static void open_in(struct hd_desk *d, int64_t queue_id, int64_t assignee_id,
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
    struct hd_desk_open o = {.tn = {.subject = "s", .requester_id = contact,
                                    .queue_id = queue_id,
                                    .assignee_id = assignee_id},
                             .first = &m};
    if (hd_desk_open(d, &o, t, &err) < 0)
        fail_msg("open: %s", err.msg);
}

/* A new ticket from a customer, opened by the desk, in status 'status'. */
static void make(struct hd_desk *d, enum hd_status status,
                 struct hd_ticket *t)
{
    struct hd_error err = HD_ERROR_INIT;
    open_in(d, 0, 0, t);
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

/* A user of role 'role' (disabled when asked) granted queue_id (0:
 * none); its id. */
static int64_t user(const char *email, const char *role, bool disabled,
                    int64_t queue_id)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(inst);
    int64_t id;
    if (hd_store_user_add(st, email, email, role, NULL, &id, &err) < 0 ||
        (disabled && hd_store_user_set_disabled(st, id, true, &err) < 0) ||
        (queue_id > 0 &&
         hd_store_user_grant_queue(st, id, queue_id, &err) < 0))
        fail_msg("user %s: %s", email, err.msg);
    return id;
}

/* Who may hold a ticket: an enabled agent granted its queue, or an
 * admin; whoever assigns, by hd_desk_set() (refused, nothing written) or
 * by a rule at hd_desk_open() (opened unassigned, with a line saying
 * why). */
static void test_assignee_rule(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(inst);
    int64_t qa, qb;
    assert_int_equal(hd_store_queue_add(st, "qa", "qa@support.test", NULL,
                                        &qa, &err), 0);
    assert_int_equal(hd_store_queue_add(st, "qb", "qb@support.test", NULL,
                                        &qb, &err), 0);
    const struct {
        const char *who;
        int64_t id;
        int64_t move_to; /* the change also moves the ticket (0: no) */
        int rc;
    } cases[] = {
        {"viewer granted qa", user("v@s.test", "viewer", false, qa), 0, -1},
        {"disabled agent", user("d@s.test", "agent", true, qa), 0, -1},
        {"agent without qa", user("b@s.test", "agent", false, qb), 0, -1},
        {"agent with qa", user("a@s.test", "agent", false, qa), 0, 0},
        {"admin without grants", user("r@s.test", "admin", false, 0), 0, 0},
        {"unassign", 0, 0, 0},
        {"no such user", 9999, 0, -1},
        {"agent of qb, moved to qb", user("m@s.test", "agent", false, qb),
         qb, 0},
        {"agent of qa, moved to qb", user("n@s.test", "agent", false, qa),
         qb, -1},
    };
    struct hd_arena *a = hd_arena_new();
    struct hd_desk *d = hd_desk_new(inst, st, a, &who);
    int64_t holder = user("h@s.test", "agent", false, qa);
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_ticket t;
        struct hd_desk_change c;
        err = (struct hd_error)HD_ERROR_INIT;
        open_in(d, qa, holder, &t);
        int64_t au = rows("audit");
        hd_desk_change_init(&c);
        c.assignee_id = cases[i].id;
        if (cases[i].move_to)
            c.queue_id = cases[i].move_to;
        int chk = hd_desk_check(d, &t, &c, &err);
        int rc = hd_desk_set(d, &t, &c, NULL, &err);
        if (rc != cases[i].rc || chk != rc)
            fail_msg("case %zu (%s): set %d check %d (%s), want %d", i,
                     cases[i].who, rc, chk, err.msg, cases[i].rc);
        if (rc < 0 && (err.code != HD_E_INVAL || !strstr(err.msg, "assign")))
            fail_msg("case %zu (%s): error %d '%s'", i, cases[i].who,
                     err.code, err.msg);
        int64_t want = rc == 0 ? cases[i].id : holder;
        if (t.assignee_id != want || rows("audit") - au != (rc == 0))
            fail_msg("case %zu (%s): assignee %lld, want %lld", i,
                     cases[i].who, (long long)t.assignee_id,
                     (long long)want);

        /* the same assignee named by a rule when the ticket opens */
        struct hd_event *es;
        size_t ne;
        int64_t q = cases[i].move_to ? cases[i].move_to : qa;
        open_in(d, q, cases[i].id, &t);
        assert_int_equal(hd_store_event_list(st, t.id, a, &es, &ne, &err), 0);
        bool said = false;
        for (size_t k = 0; k < ne; k++)
            said |= strcmp(es[k].kind, "routed") == 0 && es[k].detail &&
                    strstr(es[k].detail, "left unassigned") != NULL;
        want = cases[i].rc == 0 ? cases[i].id : 0;
        if (t.assignee_id != want || said != (cases[i].rc != 0))
            fail_msg("case %zu (%s): opened for %lld (want %lld), history "
                     "says why: %d", i, cases[i].who,
                     (long long)t.assignee_id, (long long)want, said);
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

/* Two workers (as on two nodes) read the same due ticket before either
 * escalates it: the step is taken once, one history row, one outbox mail
 * to the assignee at most; the second worker reports no change. */
static void test_escalate_once(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(inst);
    struct hd_arena *a = hd_arena_new();
    struct hd_desk *d = hd_desk_new(inst, st, a, &who);
    struct hd_ticket t, w1, w2;
    char sla_rows[80];
    make(d, HD_STATUS_NEW, &t);
    assert_true(t.first_response_due > 0);
    assert_string_equal(t.sla_first_state, "running");
    snprintf(sla_rows, sizeof sla_rows,
             "event WHERE ticket_id = %lld AND kind = 'sla'",
             (long long)t.id);
    assert_int_equal(hd_store_ticket_get(st, t.id, 0, a, &w1, &err), 1);
    assert_int_equal(hd_store_ticket_get(st, t.id, 0, a, &w2, &err), 1);
    int64_t now = t.first_response_due + 60, ev = rows(sla_rows),
            out = rows("outbox");
    bool changed = false;
    assert_int_equal(hd_desk_escalate(d, &w1, now, &changed, &err), 0);
    assert_true(changed);
    assert_int_equal(rows(sla_rows), ev + 1);
    int64_t out1 = rows("outbox");
    assert_int_equal(hd_desk_escalate(d, &w2, now, &changed, &err), 0);
    assert_false(changed);
    assert_int_equal(rows(sla_rows), ev + 1);
    assert_int_equal(rows("outbox"), out1);
    assert_true(out1 >= out);
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
        cmocka_unit_test(test_assignee_rule),
        cmocka_unit_test(test_escalate_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
