/* test_buf.c - struct hd_buf ceilings and arena lifetimes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "arena.h"
#include "buf.h"

static void test_buf_ceiling(void **state)
{
    (void)state;
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, 10);
    assert_int_equal(hd_buf_puts(&b, "0123456789", &err), 0);
    assert_string_equal(hd_buf_cstr(&b), "0123456789");
    assert_int_equal(hd_buf_puts(&b, "x", &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    assert_int_equal(b.len, 10); /* unchanged after the refusal */
    hd_buf_reset(&b);
    assert_int_equal(hd_buf_printf(&b, &err, "%d-%s", 42, "ab"), 0);
    assert_string_equal(hd_buf_cstr(&b), "42-ab");
    hd_buf_deinit(&b);
}

static int cleaned;
static void on_cleanup(void *p)
{
    cleaned += *(int *)p;
}

static void test_arena(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    static int one = 1;
    char *big = hd_arena_alloc(a, 1 << 20); /* own block */
    memset(big, 'x', 1 << 20);
    for (int i = 0; i < 1000; i++) {
        char *s = hd_arena_printf(a, "item-%d", i);
        assert_true(((uintptr_t)s & 15) == 0);
        assert_int_equal(strncmp(s, "item-", 5), 0);
    }
    hd_arena_cleanup(a, on_cleanup, &one);
    hd_arena_cleanup(a, on_cleanup, &one);
    assert_string_equal(hd_arena_strndup(a, "abcdef", 3), "abc");
    hd_arena_free(&a);
    assert_null(a);
    assert_int_equal(cleaned, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_ceiling),
        cmocka_unit_test(test_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
