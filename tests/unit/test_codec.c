/* test_codec.c - hex, base32, base64url and percent-encoding against the
 * RFC 4648 section 10 vectors and hostile input. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_base32_decode),
        cmocka_unit_test(test_bad_base64url_and_hex),
        cmocka_unit_test(test_pct_encode),
        cmocka_unit_test(test_all_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
