/* test_faq_index.c - the FAQ's in-memory search index (faq_index.h): the
 * same best articles as the store's FTS5 ranking, rebuilt when articles
 * are published, unpublished or edited, and the query shapes: nothing
 * matching, one character, mixed scripts, a word in many articles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "article.h"
#include "faq_index.h"
#include "search.h"
#include "store_faq.h"

#include <stdio.h>
#include <string.h>

static struct hd_store *st;
static struct faq_index_holder held = FAQ_INDEX_HOLDER_INIT;

static void save(const char *slug, const char *lang, const char *title,
                 const char *body, bool draft)
{
    struct faq_doc d = {.slug = slug, .lang = lang, .title = title,
                        .category = "general", .draft = draft,
                        .body_md = body};
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(faq_doc_save(st, &d, NULL, &err), 0);
}

static int setup(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_store_open(":memory:", HD_STORE_CREATE, 1000, &st,
                                   &err), 0);
    /* texts of different lengths mentioning their words different
     * numbers of times, in the title or not: distinct scores */
    save("outage", "ja", "障害の報告", "サーバ障害が起きたら窓口へ。", false);
    save("outage", "en", "Reporting an outage",
         "If an outage occurs write to us.", false);
    save("outage-long", "ja", "窓口の案内",
         "障害のほか、請求書や解約の相談も受け付けます。長い説明が続きます。"
         "営業時間は平日の九時から十八時までです。", false);
    save("invoice", "ja", "請求書の再発行", "請求書は管理画面から再発行します。",
         false);
    save("invoice", "en", "Reissuing an invoice",
         "Open billing to reissue an invoice. Invoice copies too.", false);
    save("api", "ja", "ＡＰＩ障害の確認", "API障害はステータスページへ。", false);
    save("api", "en", "API outage status", "See the api status page.", false);
    save("login", "ja", "ログインできない", "ログイン画面でパスワードを再設定。",
         false);
    save("login", "en", "Cannot sign in", "Reset the password on the login "
         "screen.", false);
    *state = st;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    faq_index_holder_clear(&held);
    hd_store_close(&st);
    return 0;
}

/* The current index (rebuilt when the store's generation moved). */
static struct faq_index *current(void)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t gen;
    struct faq_index *idx;
    assert_int_equal(hd_store_faq_generation(st, &gen, &err), 0);
    assert_int_equal(faq_index_get(&held, st, gen, &idx, &err), 0);
    return idx;
}

static struct faq_results find(const char *q, const char *lang, size_t limit,
                               struct hd_arena *a)
{
    struct faq_results r;
    struct hd_error err = HD_ERROR_INIT;
    struct faq_index *idx = current();
    if (faq_search(st, idx, q, lang, limit, a, &r, &err) < 0)
        fail_msg("'%s': %s", q, err.msg);
    faq_index_release(&idx);
    return r;
}

static bool found(const struct faq_results *r, const char *slug)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->hits[i].slug, slug) == 0)
            return true;
    return false;
}

/* Every hit of both rankings, in the same order. */
static void test_same_ranking_as_sql(void **state)
{
    (void)state;
    static const char *const qs[] = {
        "障害", "請求書", "outage", "invoice", "api", "障害 窓口",
        "ログイン", "password", "pass", "障", "status page", "解約 障害",
        "窓口", /* a title against a shorter body */
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(qs); i++) {
        struct hd_arena *a = hd_arena_new();
        struct faq_results r = find(qs[i], "ja", 20, a), s;
        struct hd_error err = HD_ERROR_INIT;
        assert_int_equal(faq_search(st, NULL, qs[i], "ja", 20, a, &s, &err),
                         0);
        if (r.n != s.n || r.n == 0)
            fail_msg("'%s': %zu hits in memory, %zu in SQL", qs[i], r.n, s.n);
        for (size_t k = 0; k < r.n; k++)
            if (strcmp(r.hits[k].slug, s.hits[k].slug) != 0 ||
                strcmp(r.hits[k].lang, s.hits[k].lang) != 0)
                fail_msg("'%s' hit %zu: %s/%s in memory, %s/%s in SQL", qs[i],
                         k, r.hits[k].slug, r.hits[k].lang, s.hits[k].slug,
                         s.hits[k].lang);
        hd_arena_free(&a);
    }
}

static void test_rebuilt_on_changes(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    assert_int_equal(find("領収書", "ja", 20, a).n, 0);
    save("receipt", "ja", "領収書の宛名", "領収書の宛名を変えられます。", true);
    assert_int_equal(find("領収書", "ja", 20, a).n, 0); /* a draft */
    save("receipt", "ja", "領収書の宛名", "領収書の宛名を変えられます。", false);
    struct faq_results r = find("領収書", "ja", 20, a);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hits[0].slug, "receipt");
    save("receipt", "ja", "納品書の宛名", "納品書の宛名を変えられます。", false);
    assert_int_equal(find("領収書", "ja", 20, a).n, 0);
    assert_int_equal(find("納品書", "ja", 20, a).n, 1);
    save("receipt", "ja", "納品書の宛名", "納品書の宛名を変えられます。", true);
    assert_int_equal(find("納品書", "ja", 20, a).n, 0); /* unpublished */
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_store_faq_article_delete(st, "receipt", &err), 1);
    assert_int_equal(find("納品書", "ja", 20, a).n, 0);
    hd_arena_free(&a);
}

static void test_no_match(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    assert_int_equal(find("存在しない言葉", "ja", 20, a).n, 0);
    assert_int_equal(find("zzzzqqq", "en", 20, a).n, 0);
    assert_int_equal(find("  ", "en", 20, a).n, 0);
    /* the page's search: all terms, else any */
    assert_true(find("障害 zzzzqqq", "ja", 20, a).n >= 2);
    assert_true(find("障害 解約", "ja", 20, a).n == 1); /* both: one */
    assert_true(find("請求書 ログイン", "ja", 20, a).n >= 2); /* none both */
    /* all terms: one unknown term leaves nothing */
    struct faq_index *idx = current();
    struct hd_faq_hit *hs;
    size_t n = 99;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(faq_index_search(idx, "障害 zzzzqqq", 0, "ja", 20, a, &hs,
                                      &n, &err), 1);
    assert_int_equal(n, 0);
    /* any term: the known one finds its articles */
    assert_int_equal(faq_index_search(idx, "障害 zzzzqqq", HD_FTS_Q_ANY, "ja",
                                      20, a, &hs, &n, &err), 1);
    assert_true(n >= 2);
    assert_int_equal(faq_index_search(idx, "ab\xff", 0, "ja", 20, a, &hs, &n,
                                      &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
    faq_index_release(&idx);
    hd_arena_free(&a);
}

/* A new instance has no article: the index is built empty (the web
 * server builds it at every start) and finds nothing. */
static void test_empty_faq(void **state)
{
    (void)state;
    struct hd_store *empty;
    struct faq_index_holder h = FAQ_INDEX_HOLDER_INIT;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_store_open(":memory:", HD_STORE_CREATE, 1000, &empty,
                                   &err), 0);
    int64_t gen;
    struct faq_index *idx;
    assert_int_equal(hd_store_faq_generation(empty, &gen, &err), 0);
    assert_int_equal(faq_index_get(&h, empty, gen, &idx, &err), 0);
    struct hd_arena *a = hd_arena_new();
    struct hd_faq_hit *hs;
    size_t n = 99;
    assert_int_equal(faq_index_search(idx, "障害", 0, "ja", 20, a, &hs, &n,
                                      &err), 1);
    assert_int_equal(n, 0);
    faq_index_release(&idx);
    hd_arena_free(&a);
    faq_index_holder_clear(&h);
    hd_store_close(&empty);
}

static void test_one_character(void **state)
{
    (void)state;
    static const struct { const char *q, *slug; } cases[] = {
        {"障", "outage"}, {"害", "outage"}, {"請", "invoice"},
        {"求", "invoice"}, {"書", "invoice"}, {"ロ", "login"},
        {"グ", "login"}, {"イ", "login"}, {"ン", "login"}, {"ｸﾞ", "login"},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_arena *a = hd_arena_new();
        struct faq_results r = find(cases[i].q, "ja", 20, a);
        if (!found(&r, cases[i].slug))
            fail_msg("'%s' does not find %s (%zu hits)", cases[i].q,
                     cases[i].slug, r.n);
        hd_arena_free(&a);
    }
}

static void test_mixed_script(void **state)
{
    (void)state;
    static const char *const qs[] = {"api障害", "ＡＰＩ障害", "API障", "ａｐｉ障"};
    for (size_t i = 0; i < HD_ARRAY_LEN(qs); i++) {
        struct hd_arena *a = hd_arena_new();
        struct faq_results r = find(qs[i], "ja", 20, a);
        if (r.n == 0 || strcmp(r.hits[0].slug, "api") != 0)
            fail_msg("'%s': %zu hits, first %s", qs[i], r.n,
                     r.n ? r.hits[0].slug : "-");
        assert_string_equal(r.hits[0].lang, "ja");
        if (strstr(r.hits[0].snippet, HD_FAQ_MARK_OPEN) == NULL)
            fail_msg("'%s': no mark in %s", qs[i], r.hits[0].snippet);
        hd_arena_free(&a);
    }
}

/* A word in hundreds of articles: the one titled with it first though it
 * is the oldest, a full page, every snippet marked, and the one-token
 * shortcut (the impact-ordered list) ranks as the general path does. */
static void test_many_matches(void **state)
{
    (void)state;
    save("best-title", "en", "Zebracode", "What a zebracode is.", false);
    for (int i = 0; i < 600; i++) {
        char slug[32], title[64], body[128];
        snprintf(slug, sizeof slug, "many-%d", i);
        snprintf(title, sizeof title, "Other topic %d", i);
        snprintf(body, sizeof body, "This page%s mentions the zebracode%s.",
                 i % 7 ? "" : " also, at more length than others,",
                 i % 5 ? "" : " and the zebracode again");
        save(slug, "en", title, body, false);
    }
    struct hd_arena *a = hd_arena_new();
    struct faq_results one = find("zebracode", "en", FAQ_SEARCH_LIMIT, a);
    struct faq_results two = find("zebracode ZEBRACODE", "en",
                                  FAQ_SEARCH_LIMIT, a);
    assert_int_equal(one.n, FAQ_SEARCH_LIMIT);
    assert_int_equal(two.n, FAQ_SEARCH_LIMIT);
    assert_string_equal(one.hits[0].slug, "best-title");
    for (size_t k = 0; k < one.n; k++) {
        if (strcmp(one.hits[k].slug, two.hits[k].slug) != 0)
            fail_msg("hit %zu: %s alone, %s twice", k, one.hits[k].slug,
                     two.hits[k].slug);
        if (strstr(one.hits[k].snippet,
                   HD_FAQ_MARK_OPEN "zebracode" HD_FAQ_MARK_CLOSE) == NULL)
            fail_msg("hit %zu (%s) has no mark: %s", k, one.hits[k].slug,
                     one.hits[k].snippet);
        if (k > 0 && one.hits[k].rank < one.hits[k - 1].rank)
            fail_msg("hit %zu ranks above hit %zu", k, k - 1);
    }
    /* the texts that say it twice come before those that say it once */
    assert_non_null(strstr(one.hits[1].snippet, "again"));
    hd_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_ranking_as_sql),
        cmocka_unit_test(test_no_match),
        cmocka_unit_test(test_empty_faq),
        cmocka_unit_test(test_one_character),
        cmocka_unit_test(test_mixed_script),
        cmocka_unit_test(test_rebuilt_on_changes),
        cmocka_unit_test(test_many_matches),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
