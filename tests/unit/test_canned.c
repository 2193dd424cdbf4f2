/* test_canned.c - canned responses: placeholder substitution, unknown
 * placeholders left visible and reported, {{sla.due}} in Japanese and
 * English in the instance zone, values holding braces not expanded
 * again, field checks, and the rows through a real SQLite store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "canned.h"
#include "clock.h"
#include "store.h"
#include "store_canned.h"

/* 2026-05-01 10:30 in Tokyo (a Friday) = 01:30 UTC. */
#define DUE_JST 1777599000

static const struct hd_canned_ctx ctx_ja = {
    .lang = "ja",
    .customer_name = "山田 <太郎> & Co",
    .customer_email = "taro@example.jp",
    .ticket_number = 1042,
    .ticket_subject = "請求書 {{agent.name}} {{sla.due}}",
    .agent_name = "Ann {{customer.name}}",
    .agent_email = "ann@support.test",
    .sla_due = DUE_JST,
    .faq_url = "https://help.example.jp/faq/",
    .instance_name = "サポート",
};

static const struct {
    const char *body;
    const char *lang; /* overrides ctx_ja.lang when set */
    int64_t due;      /* -1: ctx's */
    const char *want;
    const char *unknown; /* comma-separated names reported */
} cases[] = {
    /* 0 */ {"{{customer.name}} 様", NULL, -1, "山田 <太郎> & Co 様", ""},
    /* 1 */ {"#{{ticket.number}}: {{ ticket.subject }}", NULL, -1,
             "#1042: 請求書 {{agent.name}} {{sla.due}}", ""},
    /* 2 */ {"{{agent.name}}", NULL, -1, "Ann {{customer.name}}", ""},
    /* 3 */ {"期限 {{sla.due}}", NULL, -1, "期限 2026年5月1日(金) 10:30", ""},
    /* 4 */ {"Due {{sla.due}}", "en", -1,
             "Due Fri 1 May 2026 10:30 (UTC+09:00)", ""},
    /* 5 */ {"{{sla.due}}", "en", 0, "not set", ""},
    /* 6 */ {"{{sla.due}}", NULL, 0, "未設定", ""},
    /* 7 */ {"Hi {{customer.nick}} {{customer.nick}} {{x}}", NULL, -1,
             "Hi {{customer.nick}} {{customer.nick}} {{x}}",
             "customer.nick,x"},
    /* 8 */ {"{{Customer.Name}} {{ }} {{a b}} {{", NULL, -1,
             "{{Customer.Name}} {{ }} {{a b}} {{", ""},
    /* 9 */ {"{{{customer.email}}}", NULL, -1, "{taro@example.jp}", ""},
    /* 10 */ {"{{faq.url}} {{instance.name}} {{agent.email}}", NULL, -1,
              "https://help.example.jp/faq/ サポート ann@support.test", ""},
    /* 11 */ {"no placeholders", NULL, -1, "no placeholders", ""},
    /* 12 */ {"{{customer.email}}{{ticket.number}}", NULL, -1,
              "taro@example.jp1042", ""},
};

static void test_expand(void **state)
{
    (void)state;
    if (hd_clock_set_zone("Asia/Tokyo", NULL) < 0)
        fail_msg("Asia/Tokyo zone data missing");
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_arena *a = hd_arena_new();
        struct hd_error err = HD_ERROR_INIT;
        struct hd_canned_ctx c = ctx_ja;
        struct hd_canned_result res;
        if (cases[i].lang)
            c.lang = cases[i].lang;
        if (cases[i].due >= 0)
            c.sla_due = cases[i].due;
        if (hd_canned_expand(cases[i].body, &c, a, &res, &err) < 0)
            fail_msg("case %zu: %s", i, err.msg);
        if (strcmp(res.text, cases[i].want) != 0)
            fail_msg("case %zu: got [%s], want [%s]", i, res.text,
                     cases[i].want);
        const char *got = "";
        for (size_t k = 0; k < res.n_unknown; k++)
            got = hd_arena_printf(a, "%s%s%s", got, k ? "," : "",
                                  res.unknown[k]);
        if (strcmp(got, cases[i].unknown) != 0)
            fail_msg("case %zu: unknown [%s], want [%s]", i, got,
                     cases[i].unknown);
        hd_arena_free(&a);
    }
}

/* The date follows the process zone, not the machine's. */
/* A known placeholder whose field is missing expands to nothing and is
 * not reported as unknown. */
static void test_missing_values(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct hd_error err = HD_ERROR_INIT;
    struct hd_canned_ctx c = {.lang = "en", .ticket_number = 7};
    struct hd_canned_result res;
    assert_int_equal(hd_canned_expand("[{{customer.name}}|{{agent.name}}|"
                                      "{{faq.url}}|{{ticket.number}}]",
                                      &c, a, &res, &err), 0);
    assert_string_equal(res.text, "[|||7]");
    assert_int_equal(res.n_unknown, 0);
    hd_arena_free(&a);
}

static void test_date_zone(void **state)
{
    (void)state;
    char out[HD_CANNED_DATE_SIZE];
    assert_int_equal(hd_clock_set_zone("UTC", NULL), 0);
    hd_canned_format_date(DUE_JST, "ja", out);
    assert_string_equal(out, "2026年5月1日(金) 01:30");
    hd_canned_format_date(DUE_JST, "en", out);
    assert_string_equal(out, "Fri 1 May 2026 01:30 (UTC+00:00)");
    assert_int_equal(hd_clock_set_zone("America/New_York", NULL), 0);
    hd_canned_format_date(DUE_JST, "en", out);
    assert_string_equal(out, "Thu 30 Apr 2026 21:30 (UTC-04:00)");
    assert_int_equal(hd_clock_set_zone("Asia/Tokyo", NULL), 0);
}

static void test_too_big(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct hd_error err = HD_ERROR_INIT;
    struct hd_canned_result res;
    struct hd_canned_ctx c = ctx_ja;
    char *big = hd_arena_alloc(a, HD_CANNED_OUT_MAX / 2 + 1);
    memset(big, 'x', HD_CANNED_OUT_MAX / 2);
    big[HD_CANNED_OUT_MAX / 2] = '\0';
    c.customer_name = big; /* three copies pass the cap */
    const char *body = "{{customer.name}}{{customer.name}}{{customer.name}}";
    assert_int_equal(hd_canned_expand(body, &c, a, &res, &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    hd_arena_free(&a);
}

static const struct {
    struct hd_canned_row row;
    bool ok;
} checks[] = {
    /* 0 */ {{.name = "お礼", .lang = "ja", .body = "ありがとう\n"}, true},
    /* 1 */ {{.name = "", .lang = "ja", .body = "x"}, false},
    /* 2 */ {{.name = "n", .lang = "fr", .body = "x"}, false},
    /* 3 */ {{.name = "n", .lang = "en", .body = ""}, false},
    /* 4 */ {{.name = "a\nb", .lang = "en", .body = "x"}, false},
    /* 5 */ {{.name = "n", .lang = "en", .body = "bad \xff"}, false},
    /* 6 */ {{.name = "n", .lang = "en", .body = "x", .shortcut = "/thx"},
             true},
    /* 7 */ {{.name = "n", .lang = "en", .body = "x",
              .category = "0123456789012345678901234567890123"},
             false},
    /* 8 */ {{.name = "n", .lang = NULL, .body = "x"}, false},
};

static void test_check(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(checks); i++) {
        struct hd_error err = HD_ERROR_INIT;
        int rc = hd_canned_check(&checks[i].row, &err);
        if ((rc == 0) != checks[i].ok)
            fail_msg("case %zu: rc %d (%s)", i, rc, err.msg);
    }
}

static void test_store(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    struct hd_arena *a = hd_arena_new();
    assert_int_equal(hd_store_open(":memory:", HD_STORE_CREATE, 1000, &st,
                                   &err), 0);
    struct hd_canned_row r = {.name = "Thanks", .lang = "en",
                              .body = "Thank you {{customer.name}}",
                              .created_by = "user:1"};
    int64_t en = 0, ja = 0;
    assert_int_equal(hd_store_canned_add(st, &r, &en, &err), 0);
    r.lang = "ja";
    r.body = "{{customer.name}} 様";
    assert_int_equal(hd_store_canned_add(st, &r, &ja, &err), 0);
    assert_int_equal(hd_store_canned_add(st, &r, NULL, &err), -1);
    assert_int_equal(err.code, HD_E_EXISTS);
    struct hd_canned_row *rs = NULL;
    size_t n = 0;
    assert_int_equal(hd_store_canned_list(st, "ja", a, &rs, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rs[0].lang, "ja");
    assert_int_equal(hd_store_canned_list(st, "en", a, &rs, &n, &err), 0);
    assert_string_equal(rs[0].lang, "en");
    r.id = ja;
    r.body = "変更後";
    r.shortcut = "/t";
    r.updated_by = "user:2";
    assert_int_equal(hd_store_canned_update(st, &r, &err), 1);
    struct hd_canned_row got;
    assert_int_equal(hd_store_canned_get(st, ja, a, &got, &err), 1);
    assert_string_equal(got.body, "変更後");
    assert_string_equal(got.shortcut, "/t");
    assert_string_equal(got.created_by, "user:1");
    assert_string_equal(got.updated_by, "user:2");
    assert_int_equal(hd_store_canned_delete(st, ja, &err), 1);
    assert_int_equal(hd_store_canned_delete(st, ja, &err), 0);
    assert_int_equal(hd_store_canned_get(st, ja, a, &got, &err), 0);
    r.id = ja;
    assert_int_equal(hd_store_canned_update(st, &r, &err), 0);
    hd_store_close(&st);
    hd_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_date_zone),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
