/* test_rules.c - the word test of the routing rules (English words stand
 * alone, Japanese matches inside text, case does not matter) and the
 * per-process cache of compiled rules: one compilation per distinct text,
 * refusals not cached, the cached rule matches like a fresh one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "route.h"
#include "rules.h"

static void test_contains(void **state)
{
    (void)state;
    assert_true(mg_route_contains("The server is DOWN again", "down"));
    assert_true(mg_route_contains("down", "down"));
    assert_true(mg_route_contains("Down!", "down"));
    assert_false(mg_route_contains("please download it", "down"));
    assert_false(mg_route_contains("lowdown", "down"));
    assert_true(mg_route_contains("x lowdown down", "down"));
    assert_true(mg_route_contains("it is not working today", "not working"));
    assert_true(mg_route_contains("NOT WORKING", "not working"));
    assert_false(mg_route_contains("not workings", "not working"));
    assert_true(mg_route_contains("サーバー障害が発生", "障害"));
    assert_true(mg_route_contains("障害", "障害"));
    assert_false(mg_route_contains("サーバー停止", "障害"));
    assert_false(mg_route_contains("", "down"));
    assert_true(mg_route_contains("a [urgent] b", "urgent"));
    assert_true(mg_route_contains("1down", "down")); /* digits separate */
}

#define CONDS "[{\"field\":\"subject\",\"op\":\"~any\",\"value\":\"障害,down\"}]"
#define ACTS "[{\"action\":\"priority\",\"value\":\"high\"}]"

static bool matches(const struct mg_rule *r, const char *subject)
{
    struct mg_mail m;
    memset(&m, 0, sizeof m);
    m.from.name = m.from.address = "";
    m.subject = subject;
    m.text = "";
    struct mg_rule_ctx x = {.m = &m, .channel = "general", .head_text = ""};
    struct hd_arena *a = hd_arena_new();
    const char *why;
    bool hit = mg_rule_match(r, &x, a, &why);
    hd_arena_free(&a);
    return hit;
}

static void test_compiled_once(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    const struct mg_rule *r1, *r2, *r3;
    struct mg_rule *tmp = NULL;
    assert_int_equal(mg_rule_compiled(CONDS, ACTS, &r1, &tmp, &err), 0);
    assert_null(tmp);
    assert_int_equal(mg_rule_compiled(CONDS, ACTS, &r2, &tmp, &err), 0);
    assert_ptr_equal(r1, r2);
    assert_int_equal(mg_rule_compiled(CONDS, "[{\"action\":\"tag\","
                                             "\"value\":\"x\"}]",
                                      &r3, &tmp, &err),
                     0);
    assert_ptr_not_equal(r1, r3);
    assert_true(matches(r1, "Server down"));
    assert_true(matches(r1, "サーバー障害"));
    assert_false(matches(r1, "download"));
    const char *act, *val;
    assert_int_equal(mg_rule_n_actions(r1), 1);
    mg_rule_action(r1, 0, &act, &val);
    assert_string_equal(act, "priority");
    assert_string_equal(val, "high");
    /* A refused rule is not cached: it is refused every time. */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(mg_rule_compiled("[{\"field\":\"colour\",\"op\":\"=\","
                                          "\"value\":\"red\"}]",
                                          ACTS, &r3, &tmp, &err),
                         -1);
        assert_int_equal(err.code, HD_E_INVAL);
        assert_null(tmp);
    }
}

static void test_cache_full(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    const struct mg_rule *r, *again;
    struct mg_rule *tmp = NULL;
    char conds[128];
    /* Fill the cache; past its cap every call compiles its own copy. */
    for (int i = 0; i < MG_RULE_CACHE_MAX + 2; i++) {
        snprintf(conds, sizeof conds, "[{\"field\":\"subject\",\"op\":\"~\","
                                      "\"value\":\"w%d\"}]", i);
        assert_int_equal(mg_rule_compiled(conds, ACTS, &r, &tmp, &err), 0);
        mg_rule_free(&tmp);
    }
    assert_int_equal(mg_rule_compiled(conds, ACTS, &r, &tmp, &err), 0);
    assert_non_null(tmp);
    assert_ptr_equal(r, tmp);
    snprintf(conds, sizeof conds, "w%d", MG_RULE_CACHE_MAX + 1);
    assert_true(matches(r, conds));
    mg_rule_free(&tmp);
    /* What was cached before is still served. */
    assert_int_equal(mg_rule_compiled(CONDS, ACTS, &again, &tmp, &err), 0);
    assert_null(tmp);
    assert_true(matches(again, "down"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_compiled_once),
        cmocka_unit_test(test_cache_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
