/* test_session.c - the public site's visitor and CSRF checks, without a
 * server: which visitor cookies count, the visitor's token (HMAC-SHA256 of
 * "csrf:" visitor under the instance secret) against tampered, truncated
 * and foreign ones, the anonymous token of a period (valid in its period
 * and the next, expired after; the clock is frozen), and the origin rule
 * a form with the anonymous token must pass.  Tokens are compared with
 * HMACs computed here with OpenSSL, not with the code's own output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arena.h"
#include "clock.h"
#include "web_int.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#define VISITOR "0123456789abcdef0123456789abcdef"
#define OTHER_VISITOR "fedcba9876543210fedcba9876543210"
#define T0 1798185540 /* 2026-12-25T07:59:00Z */
#define P0 (T0 - T0 % PERIOD) /* the start of T0's period */
#define PERIOD WEB_ANON_TOKEN_PERIOD

static struct web_app app;

/* The HMAC-SHA256 of msg under app.secret in lower-case hex (arena). */
static const char *ref_mac(struct hd_arena *a, const char *msg)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    assert_non_null(HMAC(EVP_sha256(), app.secret, WEB_SECRET_BYTES,
                         (const unsigned char *)msg, strlen(msg), mac, &n));
    char *out = hd_arena_alloc(a, 2 * n + 1);
    for (unsigned int i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    return out;
}

static const char *ref_anon(struct hd_arena *a, int64_t period)
{
    return ref_mac(a, hd_arena_printf(a, "csrf-anon:%lld", (long long)period));
}

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < WEB_SECRET_BYTES; i++)
        app.secret[i] = (unsigned char)(i * 7 + 1);
    app.public_url = "https://help.example.jp";
    app.default_lang = "en";
    return 0;
}

static void test_visitor_cookie(void **state)
{
    (void)state;
    static const struct {
        const char *v;
        bool valid;
    } cases[] = {
        {VISITOR, true},
        {"ffffffffffffffffffffffffffffffff", true},
        {"0123456789ABCDEF0123456789ABCDEF", false}, /* upper case */
        {"0123456789abcdef0123456789abcde", false},  /* 31 digits */
        {"0123456789abcdef0123456789abcdef0", false}, /* 33 digits */
        {"0123456789abcdef0123456789abcdeg", false},  /* not hex */
        {"0123456789abcdef 123456789abcdef", false},
        {"", false},
        {NULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (web_session_visitor_valid(cases[i].v) != cases[i].valid)
            fail_msg("case %zu (%s): want %s", i,
                     cases[i].v ? cases[i].v : "(null)",
                     cases[i].valid ? "valid" : "refused");
}

/* Edits of the right token: each must be refused. */
enum edit { KEEP, FLIP_FIRST, FLIP_LAST, CUT_ONE, ADD_ONE, UPPER, EMPTY };

static const char *edited(struct hd_arena *a, const char *tok, enum edit e)
{
    char *s = hd_arena_printf(a, "%s0", tok);
    size_t n = strlen(tok);
    switch (e) {
    case KEEP: s[n] = '\0'; break;
    case FLIP_FIRST: s[n] = '\0'; s[0] = s[0] == 'a' ? 'b' : 'a'; break;
    case FLIP_LAST: s[n] = '\0'; s[n - 1] = s[n - 1] == 'a' ? 'b' : 'a'; break;
    case CUT_ONE: s[n - 1] = '\0'; break;
    case ADD_ONE: break;
    case UPPER:
        s[n] = '\0';
        for (char *p = s; *p; p++)
            if (*p >= 'a' && *p <= 'f')
                *p = (char)(*p - 'a' + 'A');
        break;
    case EMPTY: s[0] = '\0'; break;
    }
    return s;
}

static void test_visitor_csrf(void **state)
{
    (void)state;
    static const struct {
        const char *visitor;  /* the request's visitor (NULL: none) */
        const char *token_of; /* whose token is sent */
        enum edit edit;
        bool ok;
    } cases[] = {
        {VISITOR, VISITOR, KEEP, true},
        {VISITOR, VISITOR, FLIP_FIRST, false},
        {VISITOR, VISITOR, FLIP_LAST, false},
        {VISITOR, VISITOR, CUT_ONE, false},
        {VISITOR, VISITOR, ADD_ONE, false},
        {VISITOR, VISITOR, UPPER, false},
        {VISITOR, VISITOR, EMPTY, false},
        {VISITOR, OTHER_VISITOR, KEEP, false}, /* another visitor's token */
        {OTHER_VISITOR, OTHER_VISITOR, KEEP, true},
        {NULL, VISITOR, KEEP, false}, /* a token, but no visitor cookie */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct web_req r = {.app = &app, .method = "POST", .path = "/"};
        r.a = hd_arena_new();
        r.visitor = cases[i].visitor;
        const char *right = ref_mac(
            r.a, hd_arena_printf(r.a, "csrf:%s", cases[i].token_of));
        const char *tok = edited(r.a, right, cases[i].edit);
        if (web_session_csrf_ok(&r, tok) != cases[i].ok)
            fail_msg("case %zu: csrf_ok %s, want %s", i,
                     cases[i].ok ? "false" : "true",
                     cases[i].ok ? "true" : "false");
        if (r.visitor != NULL) {
            /* with a visitor, a form's token is the visitor's */
            if (web_session_form_ok(&r, tok) != cases[i].ok)
                fail_msg("case %zu: form_ok differs from csrf_ok", i);
            if (strcmp(web_session_csrf(&r), ref_mac(r.a, hd_arena_printf(
                           r.a, "csrf:%s", r.visitor))) != 0)
                fail_msg("case %zu: token is not HMAC(secret, csrf:visitor)",
                         i);
            if (strcmp(web_session_form_token(&r), web_session_csrf(&r)) != 0)
                fail_msg("case %zu: a visitor's form token is not its own", i);
        }
        if (r.nheaders != 0)
            fail_msg("case %zu: %zu response headers set", i, r.nheaders);
        hd_arena_free(&r.a);
    }
    struct web_req r = {.app = &app, .visitor = VISITOR};
    r.a = hd_arena_new();
    assert_false(web_session_csrf_ok(&r, NULL));
    assert_false(web_session_form_ok(&r, NULL));
    hd_arena_free(&r.a);
}

/* The anonymous token: issued at 'at', checked at 'at' + 'later'. */
static void test_anon_token(void **state)
{
    (void)state;
    static const struct {
        int64_t at;        /* clock when the form was drawn */
        int64_t later;     /* seconds until it is posted */
        enum edit edit;
        bool ok;
    } cases[] = {
        {T0, 0, KEEP, true},
        {T0, 60, KEEP, true},
        {P0, 0, KEEP, true},
        {P0, PERIOD, KEEP, true},         /* the next period: still good */
        {P0, 2 * PERIOD - 1, KEEP, true}, /* its last second */
        {P0, 2 * PERIOD, KEEP, false},    /* expired */
        {P0 + PERIOD - 1, 1, KEEP, true}, /* drawn in a period's last second */
        {P0 + PERIOD - 1, PERIOD, KEEP, true},
        {P0 + PERIOD - 1, PERIOD + 1, KEEP, false}, /* two periods on */
        {T0, 3 * PERIOD, KEEP, false},
        {T0, -PERIOD, KEEP, false}, /* a period not yet begun */
        {T0, 0, FLIP_FIRST, false},
        {T0, 0, FLIP_LAST, false},
        {T0, 0, CUT_ONE, false},
        {T0, 0, ADD_ONE, false},
        {T0, 0, EMPTY, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct web_req r = {.app = &app, .method = "POST", .path = "/"};
        r.a = hd_arena_new();
        hd_clock_freeze(cases[i].at);
        const char *issued = web_session_form_token(&r);
        const char *want = ref_anon(r.a, cases[i].at / PERIOD);
        if (strcmp(issued, want) != 0)
            fail_msg("case %zu: issued %s, want HMAC(csrf-anon:%lld) %s", i,
                     issued, (long long)(cases[i].at / PERIOD), want);
        const char *tok = edited(r.a, issued, cases[i].edit);
        hd_clock_freeze(cases[i].at + cases[i].later);
        if (web_session_anon_ok(&r, tok) != cases[i].ok)
            fail_msg("case %zu: anon_ok %s, want %s", i,
                     cases[i].ok ? "false" : "true",
                     cases[i].ok ? "true" : "false");
        if (r.visitor != NULL || r.nheaders != 0)
            fail_msg("case %zu: the anonymous token made a visitor", i);
        hd_arena_free(&r.a);
    }
    struct web_req r = {.app = &app};
    r.a = hd_arena_new();
    assert_false(web_session_anon_ok(&r, NULL));
    hd_arena_free(&r.a);
    hd_clock_freeze(-1);
}

static void test_origin(void **state)
{
    (void)state;
    static const struct {
        const char *site, *origin, *referer, *host, *public_url;
        bool ok;
    } cases[] = {
        /* no word from the browser: not a browser form */
        {NULL, NULL, NULL, "help.example.jp", "", true},
        {"same-origin", NULL, NULL, "help.example.jp", "", true},
        {"same-site", NULL, NULL, "help.example.jp", "", false},
        {"cross-site", NULL, NULL, "help.example.jp", "", false},
        {"none", NULL, NULL, "help.example.jp", "", false},
        /* Origin against Host */
        {NULL, "https://help.example.jp", NULL, "help.example.jp", "", true},
        {NULL, "https://HELP.example.jp", NULL, "help.example.jp", "", true},
        {NULL, "http://127.0.0.1:8080", NULL, "127.0.0.1:8080", "", true},
        {NULL, "http://127.0.0.1:8081", NULL, "127.0.0.1:8080", "", false},
        {NULL, "https://evil.example", NULL, "help.example.jp", "", false},
        {NULL, "https://help.example.jp.evil", NULL, "help.example.jp", "",
         false},
        {NULL, "null", NULL, "help.example.jp", "", false},
        {NULL, "https://help.example.jp", NULL, NULL, "", false},
        /* Origin against public_url (behind a proxy) */
        {NULL, "https://help.example.jp", NULL, "10.0.0.5:8080",
         "https://help.example.jp", true},
        {NULL, "https://help.example.jp", NULL, "10.0.0.5:8080",
         "https://help.example.jp/desk", true},
        {NULL, "https://other.example.jp", NULL, "10.0.0.5:8080",
         "https://help.example.jp", false},
        /* Referer only without Origin */
        {NULL, NULL, "https://help.example.jp/faq/x?y=1", "help.example.jp",
         "", true},
        {NULL, NULL, "https://evil.example/help.example.jp", "help.example.jp",
         "", false},
        {NULL, "https://evil.example", "https://help.example.jp/",
         "help.example.jp", "", false},
        /* all must agree */
        {"cross-site", "https://help.example.jp", NULL, "help.example.jp", "",
         false},
        {"same-origin", "https://evil.example", NULL, "help.example.jp", "",
         false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (web_session_origin_ok(cases[i].site, cases[i].origin,
                                  cases[i].referer, cases[i].host,
                                  cases[i].public_url) != cases[i].ok)
            fail_msg("case %zu: want %s", i,
                     cases[i].ok ? "accepted" : "refused");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_visitor_cookie),
        cmocka_unit_test(test_visitor_csrf),
        cmocka_unit_test(test_anon_token),
        cmocka_unit_test(test_origin),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
