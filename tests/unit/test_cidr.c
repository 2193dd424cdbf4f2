/* test_cidr.c - allow-list parsing (good and hostile) and matching over
 * IPv4, IPv6 and IPv4-mapped IPv6. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "cidr.h"

#define CASE_FAIL(i, ...)                                                    \
    do {                                                                     \
        print_error("case %zu: ", (size_t)(i));                              \
        print_error(__VA_ARGS__);                                            \
        print_error("\n");                                                   \
        fail();                                                              \
    } while (0)

static void test_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *norm; /* NULL: refused with HD_E_PARSE */
    } cases[] = {
        {"10.0.0.0/8", "10.0.0.0/8"},
        {"192.168.1.5", "192.168.1.5/32"},
        {"10.1.2.3/8", "10.0.0.0/8"}, /* host bits cleared */
        {"0.0.0.0/0", "0.0.0.0/0"},
        {"172.16.255.1/12", "172.16.0.0/12"},
        {"2001:db8::/32", "2001:db8::/32"},
        {"2001:db8:ffff::1/33", "2001:db8:8000::/33"},
        {"::1", "::1/128"},
        {"::/0", "::/0"},
        {"::ffff:1.2.3.0/120", "1.2.3.0/24"},
        {"fe80::1/10", "fe80::/10"},
        {"10.0.0.0/33", NULL},
        {"::1/129", NULL},
        {"10.0.0.0/", NULL},
        {"10.0.0.0/-1", NULL},
        {"10.0.0.0/+8", NULL},
        {"10.0.0.0/08", NULL},
        {"10.0.0.0/8/8", NULL},
        {"10.0.0.0/ 8", NULL},
        {"10.0.0", NULL},
        {"010.0.0.1", NULL},
        {"256.0.0.1", NULL},
        {"1.2.3.4.5", NULL},
        {"fe80::1%eth0", NULL},
        {"[::1]", NULL},
        {"localhost", NULL},
        {"", NULL},
        {"2001:db8:::1", NULL},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         NULL},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_cidr c;
        struct hd_error err = HD_ERROR_INIT;
        char out[HD_CIDR_STR_SIZE];
        int rc = hd_cidr_parse(cases[i].in, &c, &err);
        if (cases[i].norm == NULL) {
            if (rc != -1 || err.code != HD_E_PARSE || err.msg[0] == '\0')
                CASE_FAIL(i, "'%s' accepted", cases[i].in);
            continue;
        }
        if (rc != 0)
            CASE_FAIL(i, "'%s' refused: %s", cases[i].in, err.msg);
        hd_cidr_format(&c, out);
        if (strcmp(out, cases[i].norm) != 0)
            CASE_FAIL(i, "'%s' became %s, want %s", cases[i].in, out,
                      cases[i].norm);
    }
}

static void test_list_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int n; /* -1: refused */
    } cases[] = {
        {"", 0},
        {" , \t,", 0},
        {"10.0.0.0/8", 1},
        {"10.0.0.0/8,192.168.1.5", 2},
        {"10.0.0.0/8, 192.168.1.5  2001:db8::/32\n::1", 4},
        {"10.0.0.0/8,,::1,", 2},
        {"10.0.0.0/8, bogus", -1},
        {"10.0.0.0/8;::1", -1},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_cidr_list l;
        struct hd_error err = HD_ERROR_INIT;
        int rc = hd_cidr_list_parse(cases[i].in, &l, &err);
        if (cases[i].n < 0 ? rc != -1 : (rc != 0 || (int)l.n != cases[i].n))
            CASE_FAIL(i, "rc %d n %zu (%s)", rc, l.n, err.msg);
    }
    /* the cap on list length */
    char big[HD_CIDR_LIST_MAX * 10 + 32];
    size_t len = 0;
    for (int i = 0; i <= HD_CIDR_LIST_MAX; i++, len += 10)
        memcpy(big + len, "10.0.0.1, ", 10);
    big[len] = '\0';
    struct hd_cidr_list l;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_cidr_list_parse(big, &l, &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
}

static void test_match(void **state)
{
    (void)state;
    static const struct {
        const char *list, *ip;
        bool want;
    } cases[] = {
        {"", "203.0.113.9", true}, /* empty list allows all */
        {"", "garbage", true},
        {"10.0.0.0/8", "10.255.255.255", true},
        {"10.0.0.0/8", "11.0.0.0", false},
        {"10.0.0.0/8", "9.255.255.255", false},
        {"192.168.1.5", "192.168.1.5", true},
        {"192.168.1.5", "192.168.1.6", false},
        {"1.2.3.0/24", "::ffff:1.2.3.4", true}, /* mapped peer */
        {"1.2.3.0/24", "::ffff:1.2.4.4", false},
        {"1.2.3.0/24", "::1.2.3.4", false},     /* compatible, not mapped */
        {"1.2.3.0/24", "64:ff9b::102:304", false},
        {"::ffff:1.2.3.0/120", "1.2.3.200", true},
        {"2001:db8::/32", "2001:db8:1234::1", true},
        {"2001:db8::/32", "2001:db9::1", false},
        {"2001:db8::/32", "10.0.0.1", false},
        {"::1", "::1", true},
        {"::1", "127.0.0.1", false},
        {"127.0.0.0/8, ::1", "127.0.0.1", true},
        {"::/0", "8.8.8.8", true}, /* documented: covers mapped IPv4 */
        {"0.0.0.0/0", "2001:db8::1", false},
        {"0.0.0.0/0", "8.8.8.8", true},
        {"10.0.0.0/8", "", false},
        {"10.0.0.0/8", "10.0.0.1 ", false},
        {"10.0.0.0/8", "10.0.0.1/8", false},
        {"fe80::/10", "febf:ffff::1", true},
        {"fe80::/10", "fec0::1", false},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_cidr_list l;
        struct hd_error err = HD_ERROR_INIT;
        if (hd_cidr_list_parse(cases[i].list, &l, &err) < 0)
            CASE_FAIL(i, "list: %s", err.msg);
        if (hd_cidr_match(&l, cases[i].ip) != cases[i].want)
            CASE_FAIL(i, "'%s' in '%s' should be %s", cases[i].ip,
                      cases[i].list, cases[i].want ? "true" : "false");
    }
}

static void test_match_raw(void **state)
{
    (void)state;
    struct hd_cidr_list l;
    struct hd_error err = HD_ERROR_INIT;
    uint8_t v4[4], v6[16];
    assert_int_equal(hd_cidr_list_parse("1.2.3.0/24 2001:db8::/32", &l, &err),
                     0);
    assert_int_equal(inet_pton(AF_INET, "1.2.3.77", v4), 1);
    assert_true(hd_cidr_match_raw(&l, AF_INET, v4));
    assert_int_equal(inet_pton(AF_INET6, "::ffff:1.2.3.77", v6), 1);
    assert_true(hd_cidr_match_raw(&l, AF_INET6, v6));
    assert_int_equal(inet_pton(AF_INET6, "2001:db7::", v6), 1);
    assert_false(hd_cidr_match_raw(&l, AF_INET6, v6));
    assert_false(hd_cidr_match_raw(&l, AF_UNIX, v6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_list_parse),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_match_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
