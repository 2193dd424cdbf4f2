/* test_spam.c - the spam step's shipped header rules (which header, which
 * instance of it, which authserv-id is believed) and the parser of
 * spamd's CHECK reply.  The real spamd answers in tests/e2e/spam.test.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "spam.h"
#include "spamd.h"

#define HMAX 4

static const struct {
    const char *h[HMAX][2]; /* name, value; topmost first */
    bool trust;             /* mail.spam_headers */
    const char *authserv;   /* mail.authserv_id */
    bool spam, no_ack;
} cases[] = {
    /* 0 */ {{{"X-Spam-Flag", "YES"}}, true, "", true, false},
    /* 1 */ {{{"X-Spam-Flag", "NO"}}, true, "", false, false},
    /* 2 */ {{{"X-Spam-Status", "Yes, score=1000.0 required=5.0"}},
             true, "", true, false},
    /* 3 */ {{{"X-Spam-Status", "No, score=0.1 required=5.0"}},
             true, "", false, false},
    /* 4: rspamd */
    {{{"X-Spamd-Result", "default: True [16.10 / 15.00]; GTUBE(0.00)"}},
     true, "", true, false},
    /* 5 */ {{{"X-Spamd-Result", "default: False [1.10 / 15.00]"}},
             true, "", false, false},
    /* 6: the sender's own header below ours is not believed */
    {{{"X-Spam-Flag", "NO"}, {"X-Spam-Flag", "YES"}}, true, "", false, false},
    /* 7: nor is a forged "No" below our "YES" */
    {{{"X-Spam-Flag", "YES"}, {"X-Spam-Flag", "NO"}}, true, "", true, false},
    /* 8: mail.spam_headers off */
    {{{"X-Spam-Flag", "YES"}}, false, "", false, false},
    /* 9: DMARC fail, topmost */
    {{{"Authentication-Results",
       "mx.example.com; spf=pass smtp.mailfrom=a.example; dmarc=fail "
       "(p=reject) header.from=bank.example"}},
     true, "", false, true},
    /* 10: a forged "dmarc=pass" below our fail changes nothing */
    {{{"Authentication-Results", "mx.example.com; dmarc=fail"},
      {"Authentication-Results", "mx.example.com; dmarc=pass"}},
     true, "", false, true},
    /* 11: with an authserv-id, a foreign topmost one is skipped */
    {{{"Authentication-Results", "evil.example; dmarc=pass"},
      {"Authentication-Results", "mx.example.com; dmarc=fail"}},
     true, "mx.example.com", false, true},
    /* 12: ... and only ours counts even when it passes */
    {{{"Authentication-Results", "evil.example; dmarc=fail"},
      {"Authentication-Results", "mx.example.com 1; dmarc=pass"}},
     true, "mx.example.com", false, false},
    /* 13: no dmarc, SPF fail, no DKIM pass */
    {{{"Authentication-Results", "mx.example.com; spf=fail; dkim=none"}},
     true, "", false, true},
    /* 14: SPF fail rescued by a DKIM pass (forwarded mail) */
    {{{"Authentication-Results",
       "mx.example.com; spf=fail; dkim=fail header.d=x; dkim=pass "
       "header.d=y"}},
     true, "", false, false},
    /* 15: "header.dkim=" is not the method dkim */
    {{{"Authentication-Results", "mx.example.com; spf=fail x.dkim=pass"}},
     true, "", false, true},
    /* 16: nothing at all */
    {{{"Subject", "hello"}}, true, "", false, false},
};

static void test_header_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mg_header h[HMAX];
        size_t n = 0;
        for (; n < HMAX && cases[i].h[n][0]; n++)
            h[n] = (struct mg_header){.name = cases[i].h[n][0],
                                      .raw = cases[i].h[n][1],
                                      .value = cases[i].h[n][1]};
        struct hd_arena *a = hd_arena_new();
        struct mg_spam_verdict v;
        mg_spam_headers(h, n, cases[i].trust, cases[i].authserv, a, &v);
        if (v.spam != cases[i].spam || v.no_ack != cases[i].no_ack)
            fail_msg("case %zu: spam %d no_ack %d, want %d %d", i, v.spam,
                     v.no_ack, cases[i].spam, cases[i].no_ack);
        if (v.spam && (v.why == NULL || v.why[0] == '\0'))
            fail_msg("case %zu: held without a reason", i);
        hd_arena_free(&a);
    }
}

static const struct {
    const char *reply;
    int rc;
    bool spam;
    double score;
} replies[] = {
    {"SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1000.5 / 5.0\r\n\r\n", 0, true,
     1000.5},
    {"SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\nSpam: False ; 0.3 / 5.0"
     "\r\n\r\n", 0, false, 0.3},
    {"SPAMD/1.0 76 Bad header line: x\r\n", -1, false, 0},
    {"SPAMD/1.1 0 EX_OK\r\n\r\n", -1, false, 0},
    {"HTTP/1.1 200 OK\r\n", -1, false, 0},
    {"SPAMD/1.1 0 EX_OK\r\nSpam: True ; garbage\r\n", -1, false, 0},
};

static void test_spamd_reply(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
        struct hd_spamd_result r = {0};
        struct hd_error err = HD_ERROR_INIT;
        int rc = hd_spamd_parse_reply(replies[i].reply,
                                      strlen(replies[i].reply), &r, &err);
        if (rc != replies[i].rc)
            fail_msg("reply %zu: rc %d (%s)", i, rc, err.msg);
        if (rc == 0 && (r.spam != replies[i].spam ||
                        r.score != replies[i].score))
            fail_msg("reply %zu: spam %d score %f", i, r.spam, r.score);
    }
}

static void test_spamd_unreachable(void **state)
{
    (void)state;
    struct hd_spamd_result r;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_spamd_check("/nonexistent/spamd.sock", "x", 1, &r,
                                    &err), -1);
    assert_int_equal(err.code, HD_E_TEMP);
    assert_int_equal(hd_spamd_check("nocolon", "x", 1, &r, &err), -1);
    assert_int_equal(err.code, HD_E_CONFIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_rules),
        cmocka_unit_test(test_spamd_reply),
        cmocka_unit_test(test_spamd_unreachable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
