/* test_html.c - the HTML escaper's runs: long safe runs, specials at the
 * edges, UTF-8 inside runs, invalid bytes between them, and the URL
 * query encoder; each checked against a plain byte-at-a-time reference
 * (the rules of html.h written out the simple way). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "html.h"

#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#define LONG_RUN 100000 /* bytes of a long input */
#define RANDOM_CASES 200
#define RANDOM_LEN 64

/* The reference: one character at a time. */
static void ref_escape(struct hd_buf *b, const uint8_t *p, size_t n)
{
    struct hd_error err = HD_ERROR_INIT;
    const uint8_t *end = p + n;
    while (p < end) {
        const char *e = NULL;
        switch (*p) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        case 0: e = "\xef\xbf\xbd"; break;
        default: break;
        }
        int k = 1;
        if (e == NULL && *p >= 0x80) {
            ucs4_t c;
            k = u8_mbtoucr(&c, p, (size_t)(end - p));
            if (k < 0) {
                e = "\xef\xbf\xbd";
                k = 1;
            }
        }
        assert_int_equal(e ? hd_buf_puts(b, e, &err)
                           : hd_buf_append(b, p, (size_t)k, &err),
                         0);
        p += k;
    }
}

/* Escapes s (n bytes) both ways and compares. */
static void check(const char *s, size_t n)
{
    struct hd_buf want;
    hd_buf_init(&want, 8 * LONG_RUN);
    ref_escape(&want, (const uint8_t *)s, n);
    struct web_html h;
    web_html_init(&h);
    web_html_textn(&h, s, n);
    assert_false(h.failed);
    assert_int_equal(h.b.len, want.len);
    assert_memory_equal(hd_buf_cstr(&h.b), hd_buf_cstr(&want), want.len);
    web_html_deinit(&h);
    hd_buf_deinit(&want);
}

static void test_edges(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {"<abc", "&lt;abc"},
        {"abc>", "abc&gt;"},
        {"&", "&amp;"},
        {"'x'", "&#39;x&#39;"},
        {"\"\"", "&quot;&quot;"},
        {"", ""},
        {"障害<b>対応", "障害&lt;b&gt;対応"},
        {"é\xff" "é", "é\xef\xbf\xbd" "é"},
        {"ok\xe9\x9a", "ok\xef\xbf\xbd\xef\xbf\xbd"}, /* truncated at end */
        {"\xf0\x9f\x98\x80<", "\xf0\x9f\x98\x80&lt;"}, /* 4-byte, special */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct web_html h;
        web_html_init(&h);
        web_html_text(&h, cases[i].in);
        if (strcmp(hd_buf_cstr(&h.b), cases[i].out) != 0)
            fail_msg("case %zu: got %s", i, hd_buf_cstr(&h.b));
        web_html_deinit(&h);
        check(cases[i].in, strlen(cases[i].in));
    }
    check("a\0b", 3); /* NUL inside counted text */
}

static void test_long_runs(void **state)
{
    (void)state;
    char *s = malloc(LONG_RUN);
    assert_non_null(s);
    memset(s, 'x', LONG_RUN);
    check(s, LONG_RUN);
    s[0] = '<';
    s[LONG_RUN - 1] = '&';
    s[LONG_RUN / 2] = '"';
    check(s, LONG_RUN);
    /* "あ" (3 bytes) repeated, one broken in the middle */
    for (size_t i = 0; i + 3 <= LONG_RUN; i += 3)
        memcpy(s + i, "\xe3\x81\x82", 3);
    check(s, LONG_RUN - LONG_RUN % 3);
    s[LONG_RUN / 2] = '\x81';
    check(s, LONG_RUN);
    free(s);
}

static void test_random(void **state)
{
    (void)state;
    static const char alphabet[] = "ab<>&\"'\0\x80\xc3\xa9\xe3\x81\x82\xff\xf0"
                                   "\x9f\xed\xa0";
    uint32_t x = 2463534242u; /* xorshift32: the same inputs every run */
    char s[RANDOM_LEN];
    for (int c = 0; c < RANDOM_CASES; c++) {
        size_t n = 1 + c % RANDOM_LEN;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            s[i] = alphabet[x % (sizeof alphabet - 1)];
        }
        check(s, n);
    }
}

static void test_urlq(void **state)
{
    (void)state;
    struct web_html h;
    web_html_init(&h);
    web_html_urlq(&h, "a b&c=d/é~._-Z9");
    assert_string_equal(hd_buf_cstr(&h.b), "a%20b%26c%3Dd%2F%C3%A9~._-Z9");
    web_html_deinit(&h);
    web_html_init(&h);
    web_html_urlq(&h, "%");
    web_html_urlq(&h, "");
    web_html_urlq(&h, NULL);
    web_html_urlq(&h, "plain");
    assert_string_equal(hd_buf_cstr(&h.b), "%25plain");
    web_html_deinit(&h);
}

static void test_page_cap(void **state)
{
    (void)state;
    char *s = malloc(LONG_RUN);
    assert_non_null(s);
    memset(s, '<', LONG_RUN);
    struct web_html h;
    web_html_init(&h);
    /* 4 bytes out per byte in: 11 rounds pass the cap */
    for (int i = 0; i < 11; i++)
        web_html_textn(&h, s, LONG_RUN);
    assert_true(h.failed);
    assert_true(h.b.len <= WEB_PAGE_MAX);
    web_html_deinit(&h);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_long_runs),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_urlq),
        cmocka_unit_test(test_page_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
