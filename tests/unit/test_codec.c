/* test_codec.c - hex, base32, base64url and percent-encoding against the
 * RFC 4648 section 10 vectors and hostile input; percent-decoding in its
 * three modes and the HTML escaper in its three modes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec.h"

#define CASE_FAIL(i, ...)                                                    \
    do {                                                                     \
        print_error("case %zu: ", (size_t)(i));                              \
        print_error(__VA_ARGS__);                                            \
        print_error("\n");                                                   \
        fail();                                                              \
    } while (0)

static const struct {
    const char *plain, *b32, *b64url, *hex;
} rfc4648[] = {
    {"", "", "", ""},
    {"f", "MY", "Zg", "66"},
    {"fo", "MZXQ", "Zm8", "666f"},
    {"foo", "MZXW6", "Zm9v", "666f6f"},
    {"foob", "MZXW6YQ", "Zm9vYg", "666f6f62"},
    {"fooba", "MZXW6YTB", "Zm9vYmE", "666f6f6261"},
    {"foobar", "MZXW6YTBOI", "Zm9vYmFy", "666f6f626172"},
    {"\xfb\xff\xbf", "7P736", "-_-_", "fbffbf"},
};

static void test_round_trips(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(rfc4648); i++) {
        const char *p = rfc4648[i].plain;
        size_t n = strlen(p), got = 0;
        char enc[64];
        uint8_t dec[64];
        struct hd_error err = HD_ERROR_INIT;
        hd_base32_encode(p, n, enc, HD_BASE32_SIZE(n));
        if (strcmp(enc, rfc4648[i].b32) != 0)
            CASE_FAIL(i, "base32 %s, want %s", enc, rfc4648[i].b32);
        hd_base64url_encode(p, n, enc, HD_BASE64URL_SIZE(n));
        if (strcmp(enc, rfc4648[i].b64url) != 0)
            CASE_FAIL(i, "base64url %s, want %s", enc, rfc4648[i].b64url);
        hd_hex_encode(p, n, enc, HD_HEX_SIZE(n));
        if (strcmp(enc, rfc4648[i].hex) != 0)
            CASE_FAIL(i, "hex %s, want %s", enc, rfc4648[i].hex);
        if (hd_base32_decode(rfc4648[i].b32, dec, sizeof dec, &got, &err) ||
            got != n || memcmp(dec, p, n) != 0)
            CASE_FAIL(i, "base32 decode: %s", err.msg);
        if (hd_base64url_decode(rfc4648[i].b64url, dec, sizeof dec, &got,
                                &err) ||
            got != n || memcmp(dec, p, n) != 0)
            CASE_FAIL(i, "base64url decode: %s", err.msg);
        if (hd_hex_decode(rfc4648[i].hex, 2 * n, dec, sizeof dec, &got,
                          &err) ||
            got != n || memcmp(dec, p, n) != 0)
            CASE_FAIL(i, "hex decode: %s", err.msg);
    }
}

/* Base32 as people paste it from other systems. */
static const struct {
    const char *in;
    int rc;
    const char *plain; /* when rc == 0 */
    enum hd_errcode code;
} b32_cases[] = {
    {"MZXW6YQ=", 0, "foob", 0},             /* padded */
    {"MZXW6YTBOI======", 0, "foobar", 0},   /* fully padded */
    {"mzxw 6ytb oi", 0, "foobar", 0},       /* lower case, grouped */
    {"  MZXW6  ", 0, "foo", 0},
    {"MZXW6YTBOI== ", 0, "foobar", 0},
    {"M", -1, NULL, HD_E_PARSE},            /* 5 bits: no byte */
    {"MZX", -1, NULL, HD_E_PARSE},          /* 15 bits: impossible length */
    {"MZ=X", -1, NULL, HD_E_PARSE},         /* data after padding */
    {"MZXW1", -1, NULL, HD_E_PARSE},        /* '1' is not base32 */
    {"MZXW6YQ-", -1, NULL, HD_E_PARSE},
    {"MZ", -1, NULL, HD_E_PARSE} /* "MY" is canonical: low bits set */,
    {"MZXW6YTBOIMZXW6YTBOIMZXW6YTBOI", -1, NULL, HD_E_TOOBIG},
};

static void test_base32_decode(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(b32_cases); i++) {
        uint8_t out[16];
        size_t n = 0;
        struct hd_error err = HD_ERROR_INIT;
        int rc = hd_base32_decode(b32_cases[i].in, out, 16, &n, &err);
        if (rc != b32_cases[i].rc)
            CASE_FAIL(i, "rc %d for '%s' (%s)", rc, b32_cases[i].in,
                      err.msg);
        if (rc == 0 && (n != strlen(b32_cases[i].plain) ||
                        memcmp(out, b32_cases[i].plain, n) != 0))
            CASE_FAIL(i, "decoded to %zu wrong bytes", n);
        if (rc < 0 && err.code != b32_cases[i].code)
            CASE_FAIL(i, "code %s: %s", hd_errcode_name(err.code), err.msg);
    }
}

static const struct {
    const char *in;
    enum hd_errcode code;
} bad_b64url[] = {
    {"Zm9v+", HD_E_PARSE}, /* standard alphabet refused */
    {"Zm9v/", HD_E_PARSE},
    {"Z", HD_E_PARSE},
    {"Zh", HD_E_PARSE}, /* non-zero trailing bits */
    {"Zm 9v", HD_E_PARSE},
    {"Zm9vYmFyYmF6", HD_E_TOOBIG},
};

static void test_bad_base64url_and_hex(void **state)
{
    (void)state;
    uint8_t out[8];
    size_t n;
    for (size_t i = 0; i < HD_ARRAY_LEN(bad_b64url); i++) {
        struct hd_error err = HD_ERROR_INIT;
        if (hd_base64url_decode(bad_b64url[i].in, out, 8, &n, &err) != -1 ||
            err.code != bad_b64url[i].code)
            CASE_FAIL(i, "'%s' gave %s", bad_b64url[i].in,
                      hd_errcode_name(err.code));
    }
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_hex_decode("abc", 3, out, 8, &n, &err), -1);
    assert_int_equal(hd_hex_decode("zz", 2, out, 8, &n, &err), -1);
    assert_int_equal(err.code, HD_E_PARSE);
    assert_int_equal(hd_hex_decode("AbCd", 4, out, 8, &n, &err), 0);
    assert_int_equal(out[0], 0xab);
    assert_int_equal(hd_hex_decode("001122334455667788", 18, out, 8, &n,
                                   &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
}

static const struct {
    const char *in, *out;
} pct[] = {
    {"alice@example.org", "alice%40example.org"},
    {"Help Desk:Co", "Help%20Desk%3ACo"},
    {"a-b.c_d~e", "a-b.c_d~e"},
    {"\xc3\xa9t\xc3\xa9/?&=#+", "%C3%A9t%C3%A9%2F%3F%26%3D%23%2B"},
    {"", ""},
};

static void test_pct_encode(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(pct); i++) {
        struct hd_buf b;
        struct hd_error err = HD_ERROR_INIT;
        hd_buf_init(&b, 256);
        if (hd_pct_encode(&b, pct[i].in, &err) < 0 ||
            strcmp(hd_buf_cstr(&b), pct[i].out) != 0)
            CASE_FAIL(i, "got '%s', want '%s'", hd_buf_cstr(&b), pct[i].out);
        hd_buf_deinit(&b);
    }
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, 5);
    assert_int_equal(hd_pct_encode(&b, "a b c", &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    hd_buf_deinit(&b);
}

/* Every byte value survives every encoding. */
static void test_all_bytes(void **state)
{
    (void)state;
    uint8_t in[256], out[256];
    char enc[HD_BASE32_SIZE(256)];
    size_t n;
    struct hd_error err = HD_ERROR_INIT;
    for (int i = 0; i < 256; i++)
        in[i] = (uint8_t)i;
    for (size_t len = 0; len <= 256; len += 17) {
        hd_base32_encode(in, len, enc, sizeof enc);
        assert_int_equal(hd_base32_decode(enc, out, 256, &n, &err), 0);
        assert_int_equal(n, len);
        assert_memory_equal(in, out, len);
        hd_base64url_encode(in, len, enc, sizeof enc);
        assert_int_equal(hd_base64url_decode(enc, out, 256, &n, &err), 0);
        assert_int_equal(n, len);
        assert_memory_equal(in, out, len);
    }
}

static void test_hex_digit(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        const char *p = strchr("0123456789abcdef", c);
        const char *q = strchr("0123456789ABCDEF", c);
        int want = c == 0 ? -1
                   : p    ? (int)(p - "0123456789abcdef")
                   : q    ? (int)(q - "0123456789ABCDEF")
                          : -1;
        if (hd_hex_digit(c) != want)
            CASE_FAIL(c, "hd_hex_digit %d, want %d", hd_hex_digit(c), want);
    }
}

static void test_decimal(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int rc;
        int64_t v;
    } cases[] = {
        {"7", 0, 7},
        {"0", 0, 0},
        {"007", 0, 7},
        {"999999999999999999", 0, 999999999999999999LL}, /* 18 digits */
        {"9999999999999999999", -1, 0}, /* 19: past the cap */
        {"", -1, 0},
        {"1 OR 1=1", -1, 0},
        {"1;", -1, 0},
        {" 1", -1, 0},
        {"1 ", -1, 0},
        {"+1", -1, 0},
        {"-1", -1, 0},
        {"0x10", -1, 0},
        {"1e3", -1, 0},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_error err = HD_ERROR_INIT;
        int64_t v = -42;
        int rc = hd_decimal_decode(cases[i].in, &v, &err);
        if (rc != cases[i].rc || (rc == 0 && v != cases[i].v) ||
            (rc < 0 && (err.code != HD_E_PARSE || v != -42)))
            CASE_FAIL(i, "'%s': rc %d v %lld code %d", cases[i].in, rc,
                      (long long)v, err.code);
    }
}

/* in (with its length, so NULs can be inside), mode, out_size (0: len +
 * 1), what comes out (NULL: refused with code). */
static const struct {
    const char *in;
    size_t len;
    enum hd_pct_mode mode;
    size_t out_size;
    const char *out;
    size_t out_len;
    enum hd_errcode code;
} pct_cases[] = {
    {"", 0, HD_PCT_STRICT, 0, "", 0, HD_OK},
    {"a%40b.example", 13, HD_PCT_STRICT, 0, "a@b.example", 11, HD_OK},
    {"%2f%2F%7e", 9, HD_PCT_STRICT, 0, "//~", 3, HD_OK},
    {"a+b", 3, HD_PCT_STRICT, 0, "a+b", 3, HD_OK},
    {"a+b", 3, HD_PCT_LENIENT, 0, "a+b", 3, HD_OK},
    {"a+b%2B", 6, HD_PCT_FORM, 0, "a b+", 4, HD_OK},
    {"%", 1, HD_PCT_STRICT, 0, NULL, 0, HD_E_PARSE},
    {"%", 1, HD_PCT_LENIENT, 0, "%", 1, HD_OK},
    {"%4", 2, HD_PCT_FORM, 0, "%4", 2, HD_OK},
    {"%41", 3, HD_PCT_FORM, 0, "A", 1, HD_OK}, /* escape at the very end */
    {"%41", 2, HD_PCT_LENIENT, 0, "%4", 2, HD_OK}, /* len cuts it */
    {"%zz%41", 6, HD_PCT_LENIENT, 0, "%zzA", 4, HD_OK},
    {"%zz", 3, HD_PCT_STRICT, 0, NULL, 0, HD_E_PARSE},
    {"x%00y", 5, HD_PCT_STRICT, 0, NULL, 0, HD_E_PARSE},
    {"x%00y", 5, HD_PCT_LENIENT, 0, "x\0y", 3, HD_OK},
    {"x\0y", 3, HD_PCT_STRICT, 0, NULL, 0, HD_E_PARSE},
    {"%e3%81%82", 9, HD_PCT_FORM, 0, "\xe3\x81\x82", 3, HD_OK},
    {"abcd", 4, HD_PCT_STRICT, 4, NULL, 0, HD_E_TOOBIG},
    {"abcd", 4, HD_PCT_LENIENT, 5, "abcd", 4, HD_OK},
    {"%41%42", 6, HD_PCT_STRICT, 3, "AB", 2, HD_OK},
    {"%41%42", 6, HD_PCT_STRICT, 2, NULL, 0, HD_E_TOOBIG},
};

static void test_pct_decode(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(pct_cases); i++) {
        char out[64];
        size_t n = 99;
        size_t size = pct_cases[i].out_size ? pct_cases[i].out_size
                                            : pct_cases[i].len + 1;
        struct hd_error err = HD_ERROR_INIT;
        int rc = hd_pct_decode(pct_cases[i].in, pct_cases[i].len,
                               pct_cases[i].mode, out, size, &n, &err);
        if (pct_cases[i].out == NULL) {
            if (rc != -1 || err.code != pct_cases[i].code)
                CASE_FAIL(i, "rc %d code %d, want -1 code %d", rc, err.code,
                          pct_cases[i].code);
            continue;
        }
        if (rc != 0)
            CASE_FAIL(i, "refused: %s", err.msg);
        if (n != pct_cases[i].out_len ||
            memcmp(out, pct_cases[i].out, n) != 0 || out[n] != '\0')
            CASE_FAIL(i, "got %zu bytes '%.*s', want %zu", n, (int)n, out,
                      pct_cases[i].out_len);
    }
}

/* A string literal with its length, so NULs can be inside. */
struct lit {
    const char *p;
    size_t n;
};
#define S(x) {x, sizeof(x) - 1}

/* in, then what each mode makes of it. */
static const struct {
    struct lit in, bytes, utf8, noctl;
} html_cases[] = {
    {S(""), S(""), S(""), S("")},
    {S("plain"), S("plain"), S("plain"), S("plain")},
    {S("<a href=\"x\">&'</a>"),
     S("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"),
     S("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"),
     S("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")},
    {S("&amp;"), S("&amp;amp;"), S("&amp;amp;"), S("&amp;amp;")},
    {S("a\tb\nc\rd\x01" "e\x7f"), S("a\tb\nc\rd\x01" "e\x7f"),
     S("a\tb\nc\rd\x01" "e\x7f"), S("a\tb\ncde\x7f")}, /* controls */
    {S("a\0b"), S("a\0b"), S("a\xef\xbf\xbd" "b"), S("ab")},
    {S("\xe6\x97\xa5"), S("\xe6\x97\xa5"), S("\xe6\x97\xa5"),
     S("\xe6\x97\xa5")}, /* U+65E5, kept whole */
    {S("\xff<"), S("\xff&lt;"), S("\xef\xbf\xbd&lt;"), S("\xff&lt;")},
    {S("x\xe6\x97"), S("x\xe6\x97"), S("x\xef\xbf\xbd\xef\xbf\xbd"),
     S("x\xe6\x97")}, /* truncated: one U+FFFD per byte */
    {S("\xc0\xaf"), S("\xc0\xaf"), S("\xef\xbf\xbd\xef\xbf\xbd"),
     S("\xc0\xaf")}, /* overlong '/' */
    {S("\xed\xa0\x80"), S("\xed\xa0\x80"),
     S("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),
     S("\xed\xa0\x80")}, /* a surrogate */
};

static void check_html(size_t i, enum hd_html_esc_mode mode,
                       struct lit want, size_t max)
{
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, max);
    /* Written after a prefix, so the escaper is seen to append. */
    if (hd_buf_puts(&b, "[", &err) < 0 ||
        hd_html_esc_buf(&b, html_cases[i].in.p, html_cases[i].in.n, mode,
                        &err) < 0)
        CASE_FAIL(i, "mode %d refused: %s", (int)mode, err.msg);
    if (b.len != want.n + 1 || memcmp(b.data + 1, want.p, want.n) != 0)
        CASE_FAIL(i, "mode %d got %zu bytes '%s', want %zu '%s'", (int)mode,
                  b.len - 1, hd_buf_cstr(&b) + 1, want.n, want.p);
    hd_buf_deinit(&b);
}

static void test_html_esc(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(html_cases); i++) {
        check_html(i, HD_HTML_ESC_BYTES, html_cases[i].bytes, 1024);
        check_html(i, HD_HTML_ESC_UTF8, html_cases[i].utf8, 1024);
        check_html(i, HD_HTML_ESC_NOCTL, html_cases[i].noctl, 1024);
    }
}

static void test_html_esc_ceiling(void **state)
{
    (void)state;
    for (size_t max = 0; max < 12; max++) {
        struct hd_buf b;
        struct hd_error err = HD_ERROR_INIT;
        hd_buf_init(&b, max);
        int rc = hd_html_esc_buf(&b, "a<b>", 4, HD_HTML_ESC_UTF8, &err);
        int want = max >= 10 ? 0 : -1; /* "a&lt;b&gt;" */
        if (rc != want || (rc < 0 && err.code != HD_E_TOOBIG) ||
            b.len > max)
            CASE_FAIL(max, "rc %d code %d len %zu", rc, err.code, b.len);
        hd_buf_deinit(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_base32_decode),
        cmocka_unit_test(test_bad_base64url_and_hex),
        cmocka_unit_test(test_pct_encode),
        cmocka_unit_test(test_all_bytes),
        cmocka_unit_test(test_hex_digit),
        cmocka_unit_test(test_decimal),
        cmocka_unit_test(test_pct_decode),
        cmocka_unit_test(test_html_esc),
        cmocka_unit_test(test_html_esc_ceiling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
