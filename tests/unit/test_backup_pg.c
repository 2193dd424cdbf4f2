/* test_backup_pg.c - the password of a store URL is taken out before
 * pg_dump and pg_restore see it (argv is public to ps), from the user
 * part and from the query string, percent-decoded; the rest of the URL
 * (several hosts, options) reaches them unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "backup_int.h"

static const struct {
    const char *url, *bare, *pw; /* pw NULL: none */
} cases[] = {
    {"postgresql://hd:s3cret@127.0.0.1:5432/hd1",
     "postgresql://hd@127.0.0.1:5432/hd1", "s3cret"},
    {"postgres://hd@db.example/x", "postgres://hd@db.example/x", NULL},
    {"postgresql://db.example/x", "postgresql://db.example/x", NULL},
    {"postgresql:///x?host=/run/pg", "postgresql:///x?host=/run/pg", NULL},
    {"postgresql://hd:p%40ss%3Aw@h1:5432,h2:5433/db?target_session_attrs="
     "read-write",
     "postgresql://hd@h1:5432,h2:5433/db?target_session_attrs=read-write",
     "p@ss:w"},
    {"postgresql://hd@h/db?password=x%26y&sslmode=require",
     "postgresql://hd@h/db?sslmode=require", "x&y"},
    {"postgresql://hd@h/db?sslmode=require&password=z",
     "postgresql://hd@h/db?sslmode=require", "z"},
    {"postgresql://hd@h/db?password=z", "postgresql://hd@h/db", "z"},
    /* an '@' inside the password: the last '@' ends the user part */
    {"postgresql://hd:a@b@h/db", "postgresql://hd@h/db", "a@b"},
    {"postgresql://hd:@h/db", "postgresql://hd@h/db", ""},
    {"postgresql://hd:%zz@h/db", "postgresql://hd@h/db", "%zz"},
};

static void url_split(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hd_arena *a = hd_arena_new();
        struct hd_error err = HD_ERROR_INIT;
        const char *bare = NULL, *pw = NULL;
        if (bk_pg_url_split(cases[i].url, a, &bare, &pw, &err) != 0) {
            print_error("case %zu: %s\n", i, err.msg);
            fail();
        }
        if (strcmp(bare, cases[i].bare) != 0) {
            print_error("case %zu: bare '%s', want '%s'\n", i, bare,
                        cases[i].bare);
            fail();
        }
        if ((pw == NULL) != (cases[i].pw == NULL) ||
            (pw != NULL && strcmp(pw, cases[i].pw) != 0)) {
            print_error("case %zu: password '%s', want '%s'\n", i,
                        pw ? pw : "(none)",
                        cases[i].pw ? cases[i].pw : "(none)");
            fail();
        }
        hd_arena_free(&a);
    }
}

static void not_a_url(void **state)
{
    (void)state;
    static const char *const bad[] = {"/var/lib/helpdesk/helpdesk.db",
                                      "mysql://u:p@h/db", "postgresql:/x",
                                      ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct hd_arena *a = hd_arena_new();
        struct hd_error err = HD_ERROR_INIT;
        const char *bare, *pw;
        if (bk_pg_url_split(bad[i], a, &bare, &pw, &err) != -1 ||
            err.code != HD_E_INVAL) {
            print_error("case %zu: '%s' accepted\n", i, bad[i]);
            fail();
        }
        hd_arena_free(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_split),
        cmocka_unit_test(not_a_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
