/* test_totp.c - HOTP against RFC 4226 Appendix D, TOTP against every
 * RFC 6238 Appendix B vector, the verify window and replay rule, URIs,
 * QR SVG structure and recovery codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "totp.h"

#define CASE_FAIL(i, ...)                                                    \
    do {                                                                     \
        print_error("case %zu: ", (size_t)(i));                              \
        print_error(__VA_ARGS__);                                            \
        print_error("\n");                                                   \
        fail();                                                              \
    } while (0)

static const char key20[] = "12345678901234567890";
static const char key32[] = "12345678901234567890123456789012";
static const char key64[] =
    "1234567890123456789012345678901234567890123456789012345678901234";

static void test_hotp_rfc4226(void **state)
{
    (void)state;
    static const char *const want[] = {"755224", "287082", "359152",
                                       "969429", "338314", "254676",
                                       "287922", "162583", "399871",
                                       "520489"};
    for (size_t i = 0; i < HD_ARRAY_LEN(want); i++) {
        char code[HD_OTP_CODE_SIZE];
        hd_hotp(HD_DIGEST_SHA1, (const uint8_t *)key20, 20, i, 6, code);
        if (strcmp(code, want[i]) != 0)
            CASE_FAIL(i, "HOTP(%zu) = %s, want %s", i, code, want[i]);
    }
}

static void test_totp_rfc6238(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        enum hd_digest algo;
        const char *code;
    } b[] = {
        {59, HD_DIGEST_SHA1, "94287082"},
        {59, HD_DIGEST_SHA256, "46119246"},
        {59, HD_DIGEST_SHA512, "90693936"},
        {1111111109, HD_DIGEST_SHA1, "07081804"},
        {1111111109, HD_DIGEST_SHA256, "68084774"},
        {1111111109, HD_DIGEST_SHA512, "25091201"},
        {1111111111, HD_DIGEST_SHA1, "14050471"},
        {1111111111, HD_DIGEST_SHA256, "67062674"},
        {1111111111, HD_DIGEST_SHA512, "99943326"},
        {1234567890, HD_DIGEST_SHA1, "89005924"},
        {1234567890, HD_DIGEST_SHA256, "91819424"},
        {1234567890, HD_DIGEST_SHA512, "93441116"},
        {2000000000, HD_DIGEST_SHA1, "69279037"},
        {2000000000, HD_DIGEST_SHA256, "90698825"},
        {2000000000, HD_DIGEST_SHA512, "38618901"},
        {20000000000, HD_DIGEST_SHA1, "65353130"},
        {20000000000, HD_DIGEST_SHA256, "77737706"},
        {20000000000, HD_DIGEST_SHA512, "47863826"},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(b); i++) {
        struct hd_totp_params p = {b[i].algo, 8, 30, 1};
        const char *key = b[i].algo == HD_DIGEST_SHA1     ? key20
                          : b[i].algo == HD_DIGEST_SHA256 ? key32
                                                          : key64;
        char code[HD_OTP_CODE_SIZE];
        int64_t step = -1;
        hd_totp_code(&p, (const uint8_t *)key, strlen(key), b[i].t, code);
        if (strcmp(code, b[i].code) != 0)
            CASE_FAIL(i, "TOTP at %lld = %s, want %s", (long long)b[i].t,
                      code, b[i].code);
        if (hd_totp_verify(&p, (const uint8_t *)key, strlen(key), b[i].code,
                           b[i].t, -1, &step) != 1 ||
            step != b[i].t / 30)
            CASE_FAIL(i, "verify refused its own vector");
    }
}

/* The window and the replay rule, at a fixed time.  Codes are the ones
 * of step (now/30 + delta). */
static void test_totp_verify(void **state)
{
    (void)state;
    const int64_t now = 1700000015; /* step 56666667 */
    const int64_t cur = now / 30;
    static const struct {
        int delta;       /* step of the code relative to now's */
        int64_t last;    /* last used step, relative; -99 = none */
        int window;
        const char *mangle; /* NULL, or replaces the code */
        int want;
    } cases[] = {
        {0, -99, 1, NULL, 1},
        {-1, -99, 1, NULL, 1},   /* slow phone */
        {1, -99, 1, NULL, 1},    /* fast phone */
        {-2, -99, 1, NULL, 0},   /* outside the window */
        {2, -99, 1, NULL, 0},
        {-2, -99, 2, NULL, 1},   /* wider window */
        {1, -99, 0, NULL, 0},    /* window 0: exact step only */
        {0, 0, 1, NULL, 0},      /* replay of the accepted code */
        {-1, 0, 1, NULL, 0},     /* older than the last used */
        {1, 0, 1, NULL, 1},      /* next step after the last used */
        {0, -99, 1, "12345", 0}, /* too short */
        {0, -99, 1, "1234567", 0},
        {0, -99, 1, "12a456", 0},
        {0, -99, 1, "", 0},
    };
    struct hd_totp_params p = HD_TOTP_PARAMS_DEFAULT;
    const uint8_t *key = (const uint8_t *)key20;
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        char code[HD_OTP_CODE_SIZE];
        int64_t step = -5, last = cases[i].last == -99 ? -1
                                                       : cur + cases[i].last;
        p.window = cases[i].window;
        hd_totp_code(&p, key, 20, now + 30 * cases[i].delta, code);
        int got = hd_totp_verify(&p, key, 20,
                                 cases[i].mangle ? cases[i].mangle : code,
                                 now, last, &step);
        if (got != cases[i].want)
            CASE_FAIL(i, "verify = %d, want %d", got, cases[i].want);
        if (got == 1 && step != cur + cases[i].delta)
            CASE_FAIL(i, "matched step %lld, want %lld", (long long)step,
                      (long long)(cur + cases[i].delta));
    }
    /* typed with a space in the middle, as apps display it */
    char code[HD_OTP_CODE_SIZE], spaced[16];
    int64_t step;
    p.window = 1;
    hd_totp_code(&p, key, 20, now, code);
    snprintf(spaced, sizeof spaced, "%.3s %.3s", code, code + 3);
    assert_int_equal(hd_totp_verify(&p, key, 20, spaced, now, -1, &step), 1);
}

static void test_params_and_secret(void **state)
{
    (void)state;
    static const struct {
        struct hd_totp_params p;
        int rc;
    } cases[] = {
        {{HD_DIGEST_SHA1, 6, 30, 1}, 0},   {{HD_DIGEST_SHA512, 8, 60, 2}, 0},
        {{HD_DIGEST_SHA1, 7, 30, 1}, -1},  {{HD_DIGEST_SHA1, 6, 0, 1}, -1},
        {{HD_DIGEST_SHA1, 6, 30, -1}, -1}, {{HD_DIGEST_SHA1, 6, 30, 11}, -1},
        {{(enum hd_digest)9, 6, 30, 1}, -1},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_error err = HD_ERROR_INIT;
        if (hd_totp_params_check(&cases[i].p, &err) != cases[i].rc)
            CASE_FAIL(i, "params check: %s", err.msg);
    }
    char b32[HD_TOTP_SECRET_B32_SIZE], b32b[HD_TOTP_SECRET_B32_SIZE];
    uint8_t key[HD_TOTP_SECRET_MAX];
    size_t n;
    struct hd_error err = HD_ERROR_INIT;
    hd_totp_secret_new(b32);
    hd_totp_secret_new(b32b);
    assert_int_equal(strlen(b32), 32);
    assert_string_not_equal(b32, b32b);
    assert_int_equal(hd_totp_secret_decode(b32, key, &n, &err), 0);
    assert_int_equal(n, HD_TOTP_SECRET_LEN);
    assert_int_equal(hd_totp_secret_decode("MZXW6YTBOI", key, &n, &err), -1);
    assert_int_equal(err.code, HD_E_INVAL); /* 6 bytes: too short */
    assert_int_equal(hd_totp_secret_decode("GEZD GNBV GY3T QOJQ GEZD GNBV "
                                           "GY3T QOJQ", key, &n, &err), 0);
    assert_memory_equal(key, key20, 20);
}

static void test_uri(void **state)
{
    (void)state;
    static const struct {
        const char *issuer, *account;
        struct hd_totp_params p;
        const char *want; /* NULL: refused */
    } cases[] = {
        {"Example Help", "ann@example.org", {HD_DIGEST_SHA1, 6, 30, 1},
         "otpauth://totp/Example%20Help:ann%40example.org"
         "?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Help"},
        {"Desk", "b&o=1?#", {HD_DIGEST_SHA256, 8, 60, 1},
         "otpauth://totp/Desk:b%26o%3D1%3F%23?secret=JBSWY3DPEHPK3PXP"
         "&issuer=Desk&algorithm=SHA256&digits=8&period=60"},
        {"A:B", "x", {HD_DIGEST_SHA1, 6, 30, 1}, NULL},
        {"", "x", {HD_DIGEST_SHA1, 6, 30, 1}, NULL},
        {"A", "", {HD_DIGEST_SHA1, 6, 30, 1}, NULL},
        {"A", "x", {HD_DIGEST_SHA1, 5, 30, 1}, NULL},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_buf b;
        struct hd_error err = HD_ERROR_INIT;
        hd_buf_init(&b, HD_TOTP_URI_MAX);
        int rc = hd_totp_uri(cases[i].issuer, cases[i].account,
                             "JBSWY3DPEHPK3PXP", &cases[i].p, &b, &err);
        if (cases[i].want == NULL && (rc != -1 || b.len != 0))
            CASE_FAIL(i, "accepted: %s", hd_buf_cstr(&b));
        if (cases[i].want != NULL &&
            (rc != 0 || strcmp(hd_buf_cstr(&b), cases[i].want) != 0))
            CASE_FAIL(i, "got %s (%s)", hd_buf_cstr(&b), err.msg);
        hd_buf_deinit(&b);
    }
}

#ifdef HD_HAVE_QRENCODE
#define QR_GRID 200

/* Rebuilds the module grid from the SVG's <rect>s and checks the frame. */
static int svg_to_grid(const char *svg, unsigned char grid[QR_GRID][QR_GRID],
                       int *size_r)
{
    int size = 0, x, y, w, h;
    if (sscanf(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                    "viewBox=\"0 0 %d", &size) != 1 ||
        size <= 0 || size > QR_GRID)
        return -1;
    const char *p = strstr(svg, "<g fill=\"#000\">");
    if (p == NULL)
        return -1;
    p += strlen("<g fill=\"#000\">");
    memset(grid, 0, QR_GRID * QR_GRID);
    while (sscanf(p, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
                  &x, &y, &w, &h) == 4) {
        if (h != 1 || x < 0 || y < 0 || w < 1 || x + w > size || y >= size)
            return -1;
        for (int k = 0; k < w; k++)
            grid[y][x + k] = 1;
        p = strstr(p, "/>") + 2;
    }
    *size_r = size;
    return strcmp(p, "</g></svg>\n") == 0 ? 0 : -1;
}

/* A finder pattern: dark 7x7 ring, light 5x5 ring, dark 3x3 core. */
static int is_finder(unsigned char grid[QR_GRID][QR_GRID], int x0, int y0)
{
    for (int y = 0; y < 7; y++)
        for (int x = 0; x < 7; x++) {
            int ring = x == 0 || y == 0 || x == 6 || y == 6;
            int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
            if (grid[y0 + y][x0 + x] != (ring || core))
                return 0;
        }
    return 1;
}

static void test_qr_svg(void **state)
{
    (void)state;
    /* byte-mode capacity at level M: v1 14, v2 26, v6 106 bytes */
    static const struct {
        size_t len;
        int modules;
    } cases[] = {{1, 21}, {14, 21}, {15, 25}, {26, 25}, {100, 41}};
    static unsigned char grid[QR_GRID][QR_GRID];
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        char text[128];
        struct hd_buf b;
        struct hd_error err = HD_ERROR_INIT;
        int size = 0;
        memset(text, 'a', cases[i].len);
        text[cases[i].len] = '\0';
        hd_buf_init(&b, HD_QR_SVG_MAX);
        if (hd_qr_svg(text, &b, &err) < 0)
            CASE_FAIL(i, "%s", err.msg);
        if (svg_to_grid(hd_buf_cstr(&b), grid, &size) < 0)
            CASE_FAIL(i, "malformed SVG: %.200s", hd_buf_cstr(&b));
        if (size != cases[i].modules + 8)
            CASE_FAIL(i, "%d modules, want %d", size - 8, cases[i].modules);
        int m = cases[i].modules;
        if (!is_finder(grid, 4, 4) || !is_finder(grid, 4 + m - 7, 4) ||
            !is_finder(grid, 4, 4 + m - 7))
            CASE_FAIL(i, "finder patterns missing");
        if (strstr(hd_buf_cstr(&b), "script") != NULL ||
            strstr(hd_buf_cstr(&b), "href") != NULL)
            CASE_FAIL(i, "active content in SVG");
        hd_buf_deinit(&b);
    }
    /* a real enrolment URI; and a cap that is too small fails cleanly */
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, 100);
    assert_int_equal(hd_qr_svg("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP",
                               &b, &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    assert_int_equal(b.len, 0);
    hd_buf_deinit(&b);
}
#else
static void test_qr_svg(void **state)
{
    (void)state;
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, HD_QR_SVG_MAX);
    assert_int_equal(hd_qr_svg("x", &b, &err), -1);
    assert_int_equal(err.code, HD_E_CONFIG);
    hd_buf_deinit(&b);
    skip();
}
#endif

static void test_recovery_codes(void **state)
{
    (void)state;
    char codes[HD_RECOVERY_CODES_DEFAULT][HD_RECOVERY_CODE_SIZE];
    char hashes[HD_RECOVERY_CODES_DEFAULT][HD_SHA256_HEX_SIZE];
    const size_t n = HD_RECOVERY_CODES_DEFAULT;
    hd_recovery_codes_new(n, codes, hashes);
    for (size_t i = 0; i < n; i++) {
        const char *c = codes[i];
        if (strlen(c) != 12 || c[4] != '-' || c[9] != '-')
            CASE_FAIL(i, "format of '%s'", c);
        if (strspn(c, "0123456789abcdefghjkmnpqrstvwxyz-") != 12)
            CASE_FAIL(i, "alphabet of '%s'", c);
        if (strstr(hashes[i], c) != NULL || strlen(hashes[i]) != 64)
            CASE_FAIL(i, "hash '%s'", hashes[i]);
        for (size_t k = 0; k < i; k++)
            if (strcmp(codes[k], c) == 0)
                CASE_FAIL(i, "duplicate of code %zu", k);
    }
    /* typed variants of code 3: upper case, no dashes, spaces */
    char typed[32];
    snprintf(typed, sizeof typed, "%.4s %.4s%.2s", codes[3], codes[3] + 5,
             codes[3] + 10);
    for (char *p = typed; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    assert_int_equal(hd_recovery_code_consume(hashes, n, typed), 3);
    assert_string_equal(hashes[3], "");
    assert_int_equal(hd_recovery_code_consume(hashes, n, codes[3]), -1);
    static const char *const junk[] = {"", "aaaa-aaaa-a", "aaaa-aaaa-aaa",
                                       "uuuu-uuuu-uu", "!!!!-!!!!-!!"};
    for (size_t i = 0; i < HD_ARRAY_LEN(junk); i++)
        if (hd_recovery_code_consume(hashes, n, junk[i]) != -1)
            CASE_FAIL(i, "junk '%s' accepted", junk[i]);
    for (size_t i = 0; i < n; i++) {
        int want = i == 3 ? -1 : (int)i;
        if (hd_recovery_code_consume(hashes, n, codes[i]) != want)
            CASE_FAIL(i, "consume of code %zu", i);
    }
    /* look-alike letters read as digits */
    char c1[1][HD_RECOVERY_CODE_SIZE], h1[1][HD_SHA256_HEX_SIZE];
    hd_recovery_codes_new(1, c1, h1);
    for (char *p = c1[0]; *p; p++)
        *p = *p == '0' ? 'O' : *p == '1' ? 'l' : *p;
    assert_int_equal(hd_recovery_code_consume(h1, 1, c1[0]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hotp_rfc4226),
        cmocka_unit_test(test_totp_rfc6238),
        cmocka_unit_test(test_totp_verify),
        cmocka_unit_test(test_params_and_secret),
        cmocka_unit_test(test_uri),
        cmocka_unit_test(test_qr_svg),
        cmocka_unit_test(test_recovery_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
