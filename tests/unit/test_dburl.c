/* test_dburl.c - a PostgreSQL URL as reports show it: no password, no
 * query parameters, also when the password holds '/', '@' or ':'. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dburl.h"

static void test_public(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"postgresql://hd:secret@127.0.0.1:5432/desk",
         "postgresql://hd@127.0.0.1:5432/desk"},
        {"postgres://hd@db/desk", "postgres://hd@db/desk"},
        {"postgresql://db.example:5432/desk", "postgresql://db.example:5432/desk"},
        {"postgresql://hd:pw@a:5432,b:5433/desk?target_session_attrs=read-"
         "write&password=secret",
         "postgresql://hd@a:5432,b:5433/desk"},
        {"postgresql://hd:se/cr@et@db/desk", "postgresql://hd@db/desk"},
        {"postgresql://hd:se%40cret@db/desk", "postgresql://hd@db/desk"},
        {"postgresql://:secret@db/desk", "postgresql://db/desk"},
        {"postgresql:///desk?host=/run/postgresql&password=secret",
         "postgresql:///desk"},
        {"", ""},
    };
    char buf[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hd_dburl_public(cases[i].in, buf, sizeof buf);
        assert_string_equal(buf, cases[i].out);
        assert_null(strstr(buf, "secret"));
    }
}

static void test_cut(void **state)
{
    (void)state;
    char buf[12];
    memset(buf, 'x', sizeof buf);
    hd_dburl_public("postgresql://hd:secret@db/desk", buf, sizeof buf);
    assert_string_equal(buf, "postgresql:");
    hd_dburl_public("postgresql://hd:secret@db/desk", buf, 1);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public),
        cmocka_unit_test(test_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
