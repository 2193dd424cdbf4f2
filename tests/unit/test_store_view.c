/* test_store_view.c - saved views: per-user ownership (another user's id
 * reads and deletes nothing), a name saved again replaces the query, the
 * per-user cap, listing by name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "store_view.h"

struct fixture {
    struct hd_store *st;
    struct hd_arena *a;
    int64_t ann, bob;
};

static int setup(void **state)
{
    static struct fixture f;
    struct hd_error err = HD_ERROR_INIT;
    f.a = hd_arena_new();
    if (hd_store_open(":memory:", HD_STORE_CREATE, 1000, &f.st, &err) < 0 ||
        hd_store_user_add(f.st, "ann@x.test", "Ann", "agent", NULL, &f.ann,
                          &err) < 0 ||
        hd_store_user_add(f.st, "bob@x.test", "Bob", "agent", NULL, &f.bob,
                          &err) < 0)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    hd_store_close(&f->st);
    hd_arena_free(&f->a);
    return 0;
}

static void test_owner_only(void **state)
{
    struct fixture *f = *state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_saved_view v;
    int64_t id = 0, again = 0;
    assert_int_equal(hd_store_view_put(f->st, f->ann, "Mine", "view=mine",
                                       100, &id, &err), 0);
    assert_true(id > 0);
    assert_int_equal(hd_store_view_get(f->st, id, f->ann, f->a, &v, &err), 1);
    assert_string_equal(v.name, "Mine");
    assert_string_equal(v.query, "view=mine");
    assert_int_equal(hd_store_view_get(f->st, id, f->bob, f->a, &v, &err), 0);
    assert_int_equal(hd_store_view_delete(f->st, id, f->bob, &err), 0);
    /* the same name again: same row, new query */
    assert_int_equal(hd_store_view_put(f->st, f->ann, "Mine",
                                       "view=mine&status=new", 200, &again,
                                       &err), 0);
    assert_int_equal(again, id);
    assert_int_equal(hd_store_view_get(f->st, id, f->ann, f->a, &v, &err), 1);
    assert_string_equal(v.query, "view=mine&status=new");
    /* bob may use the same name for his own view */
    assert_int_equal(hd_store_view_put(f->st, f->bob, "Mine", "view=open",
                                       300, &again, &err), 0);
    assert_true(again != id);
    assert_int_equal(hd_store_view_delete(f->st, id, f->ann, &err), 1);
    assert_int_equal(hd_store_view_get(f->st, id, f->ann, f->a, &v, &err), 0);
    assert_int_equal(hd_store_view_delete(f->st, id, f->ann, &err), 0);
}

static void test_cap_and_list(void **state)
{
    struct fixture *f = *state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_saved_view *vs = NULL;
    size_t n = 0;
    int64_t id = 0;
    char name[32];
    for (int i = HD_SAVED_VIEWS_MAX; i > 0; i--) {
        snprintf(name, sizeof name, "view %02d", i);
        assert_int_equal(hd_store_view_put(f->st, f->ann, name, "view=open",
                                           i, &id, &err), 0);
    }
    assert_int_equal(hd_store_view_put(f->st, f->ann, "one too many",
                                       "view=open", 0, &id, &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    /* at the cap, an existing name can still be saved again */
    assert_int_equal(hd_store_view_put(f->st, f->ann, "view 01", "view=mine",
                                       0, &id, &err), 0);
    assert_int_equal(hd_store_view_list(f->st, f->ann, f->a, &vs, &n, &err),
                     0);
    assert_int_equal(n, HD_SAVED_VIEWS_MAX);
    assert_string_equal(vs[0].name, "view 01");
    assert_string_equal(vs[0].query, "view=mine");
    assert_string_equal(vs[n - 1].name, "view 20");
    for (size_t i = 0; i < n; i++)
        assert_int_equal(vs[i].user_id, f->ann);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_only),
        cmocka_unit_test(test_cap_and_list),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
