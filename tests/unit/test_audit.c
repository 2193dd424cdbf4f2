/* test_audit.c - the audit hash chain: an intact chain verifies; an
 * edited, deleted or reordered row is found with its id; pruning leaves a
 * signed checkpoint the chain still verifies against, and a checkpoint
 * checked with another key does not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "audit.h"
#include "clock.h"
#include "store_data.h"

#define ROWS 6

static const uint8_t key[HD_KEY_LEN] = {1, 2, 3};

static struct hd_store *mem_store(void)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    if (hd_store_open(":memory:", HD_STORE_CREATE, 1000, &st, &err) < 0)
        fail_msg("open: %s", err.msg);
    return st;
}

/* Appends ROWS entries at t = 1000, 1100, ... */
static void fill(struct hd_store *st, struct hd_arena *a)
{
    struct hd_error err = HD_ERROR_INIT;
    for (int i = 0; i < ROWS; i++) {
        struct hd_audit_entry e = {
            .at = 1000 + 100 * i, .actor = "cli", .source = "cli",
            .object = hd_arena_printf(a, "ticket:%d", 10001 + i),
            .action = "status",
            .before_json = "{\"status\":\"new\"}",
            .after_json = i == 2 ? NULL : "{\"status\":\"open\"}"};
        assert_int_equal(hd_store_begin(st, &err), 0);
        if (hd_audit_append(st, &e, a, &err) < 0)
            fail_msg("append %d: %s", i, err.msg);
        assert_int_equal(hd_store_commit(st, &err), 0);
        assert_true(e.id >= i + 1);
    }
}

enum change { KEEP, EDIT_ACTION, EDIT_AT, DROP, SWAP_NEXT };

static const struct {
    int row;          /* 1-based row the change applies to (0: none) */
    enum change what;
    int64_t bad_id;   /* expected first bad row (0: intact) */
} cases[] = {
    {0, KEEP, 0},        {3, EDIT_ACTION, 3}, {1, EDIT_AT, 1},
    {3, DROP, 3},        {1, DROP, 1},        {ROWS, EDIT_ACTION, ROWS},
    {2, SWAP_NEXT, 2},
};

/* Copies the chain of src into a fresh store, applying one change, as a
 * person with write access to the database file would. */
static struct hd_store *tampered_copy(struct hd_store *src, int row,
                                      enum change what, struct hd_arena *a)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_audit_entry *es;
    size_t n;
    assert_int_equal(hd_store_audit_page(src, 0, 100, a, &es, &n, &err), 0);
    assert_int_equal(n, ROWS);
    struct hd_store *dst = mem_store();
    for (size_t i = 0; i < n; i++) {
        struct hd_audit_entry e = es[i];
        if ((int)e.id == row && what == DROP)
            continue;
        if ((int)e.id == row && what == EDIT_ACTION)
            e.action = "deleted";
        if ((int)e.id == row && what == EDIT_AT)
            e.at += 1;
        if ((int)e.id == row && what == SWAP_NEXT) {
            struct hd_audit_entry t = es[i + 1];
            e.id = t.id, t.id = es[i].id;
            assert_int_equal(hd_store_audit_insert(dst, &t, &err), 0);
            assert_int_equal(hd_store_audit_insert(dst, &e, &err), 0);
            i++;
            continue;
        }
        assert_int_equal(hd_store_audit_insert(dst, &e, &err), 0);
    }
    return dst;
}

static void test_tamper_cases(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct hd_store *src = mem_store();
    fill(src, a);
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_error err = HD_ERROR_INIT;
        struct hd_store *st = tampered_copy(src, cases[i].row, cases[i].what,
                                            a);
        struct hd_audit_report r;
        if (hd_audit_verify(st, key, &r, &err) < 0)
            fail_msg("case %zu: verify: %s", i, err.msg);
        if (r.intact != (cases[i].bad_id == 0) || r.bad_id != cases[i].bad_id)
            fail_msg("case %zu: intact=%d bad_id=%lld (want %lld): %s", i,
                     r.intact, (long long)r.bad_id,
                     (long long)cases[i].bad_id, r.problem);
        hd_store_close(&st);
    }
    hd_store_close(&src);
    hd_arena_free(&a);
}

static void test_prune_checkpoint(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_arena *a = hd_arena_new();
    struct hd_store *st = mem_store();
    fill(st, a);
    hd_clock_freeze(5000);
    int64_t pruned = 0;
    assert_int_equal(hd_audit_prune(st, key, 1250, &pruned, &err), 0);
    assert_int_equal(pruned, 3); /* at 1000, 1100, 1200 */
    struct hd_audit_report r;
    assert_int_equal(hd_audit_verify(st, key, &r, &err), 0);
    if (!r.intact)
        fail_msg("after prune: %s", r.problem);
    assert_int_equal(r.rows, ROWS - 3);
    /* Appending after a prune continues the chain; pruning everything
     * leaves the checkpoint as the whole chain. */
    fill(st, a);
    assert_int_equal(hd_audit_verify(st, key, &r, &err), 0);
    assert_true(r.intact);
    assert_int_equal(hd_audit_prune(st, key, 99999, &pruned, &err), 0);
    assert_int_equal(pruned, 2 * ROWS - 3);
    assert_int_equal(hd_audit_verify(st, key, &r, &err), 0);
    assert_true(r.intact);
    assert_int_equal(r.rows, 0);
    /* Another key cannot vouch for the checkpoint. */
    uint8_t other[HD_KEY_LEN] = {9};
    assert_int_equal(hd_audit_verify(st, other, &r, &err), 0);
    assert_false(r.intact);
    hd_store_close(&st);
    hd_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tamper_cases),
        cmocka_unit_test(test_prune_checkpoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
