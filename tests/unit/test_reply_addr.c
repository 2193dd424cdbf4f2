/* test_reply_addr.c - the reply address: made and checked back, and
 * refused when tampered with, for another ticket, another user or under
 * another key; the forms that are not reply addresses at all. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "reply_addr.h"

static void key_of(struct hd_reply_key *k, uint8_t fill)
{
    memset(k->key, fill, sizeof k->key);
}

static void round_trip(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct hd_reply_key k;
    key_of(&k, 1);
    const char *addr = hd_reply_addr_make(&k, "support", "example.com", 10001,
                                          7, a);
    int64_t n = 0, u = 0;
    assert_int_equal(strncmp(addr, "support+t10001.u7.", 18), 0);
    assert_int_equal(strlen(addr), strlen("support+t10001.u7.") +
                                       2 * HD_REPLY_MAC_BYTES +
                                       strlen("@example.com"));
    assert_int_equal(hd_reply_addr_check(&k, "support", "example.com", addr,
                                         &n, &u),
                     HD_REPLY_VALID);
    assert_int_equal(n, 10001);
    assert_int_equal(u, 7);
    /* An MTA that folds case, and angle brackets, change nothing. */
    char upper[HD_REPLY_ADDR_MAX], br[HD_REPLY_ADDR_MAX];
    size_t i;
    for (i = 0; addr[i]; i++)
        upper[i] = (char)(addr[i] >= 'a' && addr[i] <= 'z' ? addr[i] - 32
                                                             : addr[i]);
    upper[i] = '\0';
    snprintf(br, sizeof br, "<%s>", addr);
    assert_int_equal(hd_reply_addr_check(&k, "support", "example.com", upper,
                                         &n, &u),
                     HD_REPLY_VALID);
    assert_int_equal(hd_reply_addr_check(&k, "support", "example.com", br,
                                         &n, &u),
                     HD_REPLY_VALID);
    assert_true(hd_reply_addr_claims("support", "example.com", addr));
    hd_arena_free(&a);
}

/* Each case edits a valid address for ticket 10001, user 7 under key 1. */
static const struct {
    const char *what;
    int64_t number, user; /* made for this ticket and user */
    uint8_t key;          /* under this key */
    int flip;             /* >= 0: change the MAC's character there */
    enum hd_reply_verdict want;
} cases[] = {
    /* 0 */ {"as made", 10001, 7, 1, -1, HD_REPLY_VALID},
    /* 1 */ {"tampered MAC, first digit", 10001, 7, 1, 0, HD_REPLY_BAD_MAC},
    /* 2 */ {"tampered MAC, last digit", 10001, 7, 1, 19, HD_REPLY_BAD_MAC},
    /* 3 */ {"another key", 10001, 7, 2, -1, HD_REPLY_BAD_MAC},
};

static void tampered(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct hd_reply_key k1, kc;
    key_of(&k1, 1);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        key_of(&kc, cases[c].key);
        char addr[HD_REPLY_ADDR_MAX];
        snprintf(addr, sizeof addr, "%s",
                 hd_reply_addr_make(&kc, "support", "example.com",
                                    cases[c].number, cases[c].user, a));
        if (cases[c].flip >= 0) {
            char *mac = strstr(addr, ".u7.") + 4;
            mac[cases[c].flip] = mac[cases[c].flip] == '0' ? '1' : '0';
        }
        int64_t n = 0, u = 0;
        enum hd_reply_verdict v = hd_reply_addr_check(&k1, "support",
                                                      "example.com", addr,
                                                      &n, &u);
        if (v != cases[c].want)
            fail_msg("case %zu (%s): verdict %d, want %d", c, cases[c].what,
                     (int)v, (int)cases[c].want);
    }
    hd_arena_free(&a);
}

/* Another ticket's or user's numbers put into a valid address: the MAC
 * was made for the original pair. */
static void swapped_ids(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct hd_reply_key k;
    key_of(&k, 1);
    const char *good = hd_reply_addr_make(&k, "support", "example.com",
                                          10001, 7, a);
    const char *mac = strstr(good, ".u7.") + 4;
    const char *edits[] = {
        hd_arena_printf(a, "support+t10002.u7.%s", mac), /* other ticket */
        hd_arena_printf(a, "support+t10001.u8.%s", mac), /* other user */
        hd_arena_printf(a, "support+t1000.u17.%s", mac), /* digits moved */
    };
    for (size_t c = 0; c < HD_ARRAY_LEN(edits); c++) {
        int64_t n = 0, u = 0;
        enum hd_reply_verdict v = hd_reply_addr_check(
            &k, "support", "example.com", edits[c], &n, &u);
        if (v != HD_REPLY_BAD_MAC)
            fail_msg("edit %zu (%s): verdict %d", c, edits[c], (int)v);
    }
    hd_arena_free(&a);
}

static const struct {
    const char *addr;
    enum hd_reply_verdict want;
} forms[] = {
    /* 0 */ {"support@example.com", HD_REPLY_NOT_OURS},
    /* 1 */ {"support+billing@example.com", HD_REPLY_NOT_OURS},
    /* 2 */ {"support+t1.u7.00000000000000000000@other.example",
             HD_REPLY_NOT_OURS},
    /* 3 */ {"sales+t1.u7.00000000000000000000@example.com",
             HD_REPLY_NOT_OURS},
    /* 4 */ {"support+t1@example.com", HD_REPLY_MALFORMED},
    /* 5 */ {"support+t1.u7@example.com", HD_REPLY_MALFORMED},
    /* 6 */ {"support+t1.u7.0000@example.com", HD_REPLY_MALFORMED},
    /* 7 */ {"support+t01.u7.00000000000000000000@example.com",
             HD_REPLY_MALFORMED},
    /* 8 */ {"support+t1.u7.0000000000000000000g@example.com",
             HD_REPLY_MALFORMED},
    /* 9 */ {"support+t1.u7.000000000000000000000@example.com",
             HD_REPLY_MALFORMED},
    /* 10 */ {"support+t1.u7.00000000000000000000@example.com",
              HD_REPLY_BAD_MAC},
    /* 11 */ {"support+t9999999999999999999999.u7.00000000000000000000@"
              "example.com", HD_REPLY_MALFORMED},
    /* 12 */ {"", HD_REPLY_NOT_OURS},
    /* 13 */ {"support+t1.u7.00000000000000000000", HD_REPLY_NOT_OURS},
};

static void address_forms(void **state)
{
    (void)state;
    struct hd_reply_key k;
    key_of(&k, 1);
    for (size_t c = 0; c < HD_ARRAY_LEN(forms); c++) {
        int64_t n = 0, u = 0;
        enum hd_reply_verdict v = hd_reply_addr_check(
            &k, "support", "example.com", forms[c].addr, &n, &u);
        if (v != forms[c].want)
            fail_msg("form %zu (%s): verdict %d, want %d", c, forms[c].addr,
                     (int)v, (int)forms[c].want);
        if ((v != HD_REPLY_NOT_OURS) !=
            hd_reply_addr_claims("support", "example.com", forms[c].addr))
            fail_msg("form %zu: claims disagrees", c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(tampered),
        cmocka_unit_test(swapped_ids),
        cmocka_unit_test(address_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
