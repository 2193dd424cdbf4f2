/* test_forwarded.c - who the client is behind a trusted proxy: the
 * right-most untrusted X-Forwarded-For address (client-written entries to
 * its left ignored), chains of trusted proxies, garbage and overlong
 * lists, several header fields, X-Forwarded-Proto, and an empty trust
 * list trusting nobody. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "forwarded.h"

#define CASE_FAIL(i, ...)                                                    \
    do {                                                                     \
        print_error("case %zu: ", (size_t)(i));                              \
        print_error(__VA_ARGS__);                                            \
        print_error("\n");                                                   \
        fail();                                                              \
    } while (0)

#define PROXY "127.0.0.1"
#define TRUSTED "127.0.0.1 10.0.0.0/8 2001:db8::/32"

static void test_client(void **state)
{
    (void)state;
    static const struct {
        const char *xff[3]; /* the fields, in order */
        const char *proto;
        const char *ip; /* expected client */
        bool https;
    } cases[] = {
        {{NULL}, NULL, PROXY, false},                 /* no header */
        {{"203.0.113.7"}, "https", "203.0.113.7", true},
        {{" 203.0.113.7 "}, "HTTPS", "203.0.113.7", true},
        {{"1.1.1.1, 203.0.113.7"}, "http", "203.0.113.7", false},
        /* a forged left part, then the real client, then our proxies */
        {{"9.9.9.9,203.0.113.7, 10.1.1.1 ,10.2.2.2"}, NULL, "203.0.113.7",
         false},
        /* all trusted: the left-most */
        {{"10.0.0.5, 127.0.0.1"}, NULL, "10.0.0.5", false},
        /* garbage: stop at the last trusted hop */
        {{"203.0.113.7, bogus, 10.0.0.9"}, NULL, "10.0.0.9", false},
        {{"bogus"}, NULL, PROXY, false},
        {{""}, NULL, PROXY, false},
        {{"203.0.113.7,"}, NULL, PROXY, false},
        {{"203.0.113.7:443"}, NULL, PROXY, false},
        /* IPv6, normalised */
        {{"2001:DB9:0::1"}, NULL, "2001:db9::1", false},
        {{"198.51.100.1, 2001:db8::7"}, NULL, "198.51.100.1", false},
        /* several fields: they form one list, the last field is right */
        {{"203.0.113.9", "198.51.100.4"}, NULL, "198.51.100.4", false},
        {{"203.0.113.9", "10.9.9.9"}, NULL, "203.0.113.9", false},
        /* Proto: the last entry counts */
        {{"203.0.113.7"}, "http, https", "203.0.113.7", true},
        {{"203.0.113.7"}, "https, http", "203.0.113.7", false},
        {{"203.0.113.7"}, "httpsx", "203.0.113.7", false},
    };
    struct hd_cidr_list trusted;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_cidr_list_parse(TRUSTED, &trusted, &err), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hd_arena *a = hd_arena_new();
        struct web_forwarded f = {.proto = cases[i].proto};
        for (size_t j = 0; j < 3 && cases[i].xff[j] != NULL; j++)
            web_forwarded_add_xff(&f, cases[i].xff[j]);
        const char *ip = NULL;
        bool https = !cases[i].https;
        web_forwarded_client(&trusted, PROXY, &f, a, &ip, &https);
        if (strcmp(ip, cases[i].ip) != 0)
            CASE_FAIL(i, "client %s, expected %s", ip, cases[i].ip);
        if (https != cases[i].https)
            CASE_FAIL(i, "https %d, expected %d", https, cases[i].https);
        hd_arena_free(&a);
    }
}

/* A long list: only WEB_XFF_HOPS_MAX addresses are read, and only the
 * last WEB_XFF_HEADERS_MAX fields are kept. */
static void test_bounds(void **state)
{
    (void)state;
    struct hd_cidr_list trusted;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_cidr_list_parse(TRUSTED, &trusted, &err), 0);
    struct hd_arena *a = hd_arena_new();
    char list[1024] = "203.0.113.7";
    for (int i = 0; i < WEB_XFF_HOPS_MAX; i++)
        strncat(list, ", 10.0.0.1", sizeof list - strlen(list) - 1);
    struct web_forwarded f = {.nxff = 0};
    web_forwarded_add_xff(&f, list);
    const char *ip = NULL;
    bool https = false;
    web_forwarded_client(&trusted, PROXY, &f, a, &ip, &https);
    assert_string_equal(ip, "10.0.0.1"); /* never reached the client */

    struct web_forwarded g = {.nxff = 0};
    web_forwarded_add_xff(&g, "198.51.100.1"); /* dropped */
    for (int i = 0; i < WEB_XFF_HEADERS_MAX; i++)
        web_forwarded_add_xff(&g, "10.0.0.2");
    assert_int_equal(g.nxff, WEB_XFF_HEADERS_MAX);
    web_forwarded_client(&trusted, PROXY, &g, a, &ip, &https);
    assert_string_equal(ip, "10.0.0.2");
    hd_arena_free(&a);
}

static void test_trusts(void **state)
{
    (void)state;
    struct hd_cidr_list l;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_cidr_list_parse("", &l, &err), 0);
    assert_false(web_forwarded_trusts(&l, PROXY)); /* empty: nobody */
    assert_int_equal(hd_cidr_list_parse(TRUSTED, &l, &err), 0);
    assert_true(web_forwarded_trusts(&l, PROXY));
    assert_true(web_forwarded_trusts(&l, "::ffff:127.0.0.1"));
    assert_false(web_forwarded_trusts(&l, "127.0.0.2"));
    assert_false(web_forwarded_trusts(&l, "?"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_trusts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
