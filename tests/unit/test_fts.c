/* test_fts.c - the cjkbigram tokenizer, the query builder and search
 * relevance over a generated FAQ of FTS_ARTICLES articles in Japanese and
 * English; the index must follow edits and deletes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "article.h"
#include "search.h"
#include "store_faq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#define FTS_ARTICLES 240

static const char *const filler_ja[] = {
    "アカウント", "設定", "画面", "メール", "通知", "言語", "表示", "ログイン",
    "招待", "権限", "管理者", "ファイル", "容量", "プラン", "契約", "利用",
};
static const char *const filler_en[] = {
    "account", "settings", "screen", "mail", "notification", "language",
    "display", "login", "invite", "role", "administrator", "file", "quota",
    "plan", "contract", "usage",
};

/* The articles the queries must find, among the generated filler. */
static const struct {
    const char *slug, *title_ja, *body_ja, *title_en, *body_en;
} known[] = {
    {"invoice-reissue", "請求書の再発行", "請求書を再発行するには管理画面から",
     "Reissuing an invoice", "To reissue an invoice open the billing page."},
    {"cancel-contract", "解約の手続き", "解約は月末までに申請してください。",
     "Cancelling your contract", "Cancellation must be requested by the end "
     "of the month."},
    {"report-outage", "障害の報告方法", "サーバ障害が発生した場合は24時間受付の"
     "窓口へ。", "Reporting an outage", "If a server outage occurs write to "
     "the incident address."},
    {"reset-password", "パスワードの再設定", "パスワードを忘れた場合は再設定"
     "メールを送ります。", "Resetting your password", "Forgot your password? "
     "We send a reset mail."},
    {"api-keys", "ＡＰＩキーの発行", "APIキーは開発者設定で発行します。",
     "Issuing API keys", "API keys are issued in the developer settings."},
};

static struct hd_store *st;
static struct faq_index_holder held = FAQ_INDEX_HOLDER_INIT;

static void save(const char *slug, const char *lang, const char *title,
                 const char *body, bool internal)
{
    struct faq_doc d = {.slug = slug, .lang = lang, .title = title,
                        .category = "general", .internal = internal,
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
    char slug[32], title[256], body[512];
    for (int i = 0; i < FTS_ARTICLES; i++) {
        size_t nf = HD_ARRAY_LEN(filler_ja);
        const char *a = filler_ja[i % nf], *b = filler_ja[(i * 7 + 3) % nf];
        snprintf(slug, sizeof slug, "filler-%d", i);
        snprintf(title, sizeof title, "%sの%sについて %d", a, b, i);
        snprintf(body, sizeof body, "%sと%sの%sを変更できます。番号%d",
                 a, b, filler_ja[(i * 5) % nf], i);
        save(slug, "ja", title, body, false);
        const char *x = filler_en[i % nf], *y = filler_en[(i * 7 + 3) % nf];
        snprintf(title, sizeof title, "About %s and %s %d", x, y, i);
        snprintf(body, sizeof body, "You can change the %s of the %s. "
                 "Number %d", x, y, i);
        save(slug, "en", title, body, false);
    }
    for (size_t i = 0; i < HD_ARRAY_LEN(known); i++) {
        save(known[i].slug, "ja", known[i].title_ja, known[i].body_ja, false);
        save(known[i].slug, "en", known[i].title_en, known[i].body_en, false);
    }
    save("internal-only", "ja", "社内向け障害手順", "障害時の社内手順", true);
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

/* Searches the in-memory index (rebuilt when the generation moved) and
 * the store's FTS5 index: both must find as many articles, the same one
 * first, in the same language. */
static struct faq_results search(const char *q, const char *lang,
                                 struct hd_arena *a)
{
    struct faq_results r, s;
    struct hd_error err = HD_ERROR_INIT;
    int64_t gen;
    struct faq_index *idx;
    if (hd_store_faq_generation(st, &gen, &err) < 0 ||
        faq_index_get(&held, st, gen, &idx, &err) < 0)
        fail_msg("index: %s", err.msg);
    int rc = faq_search(st, idx, q, lang, 10, a, &r, &err);
    faq_index_release(&idx);
    if (rc < 0)
        fail_msg("query '%s': %s", q, err.msg);
    if (faq_search(st, NULL, q, lang, 10, a, &s, &err) < 0)
        fail_msg("query '%s' in SQL: %s", q, err.msg);
    if (r.n != s.n || (r.n > 0 && (strcmp(r.hits[0].slug, s.hits[0].slug) ||
                                   strcmp(r.hits[0].lang, s.hits[0].lang))))
        fail_msg("'%s': index %zu hits, first %s; SQL %zu, first %s", q, r.n,
                 r.n ? r.hits[0].slug : "-", s.n, s.n ? s.hits[0].slug : "-");
    return r;
}

static void test_relevance(void **state)
{
    (void)state;
    static const struct { const char *q, *lang, *top; size_t max; } cases[] = {
        {"障害", "ja", "report-outage", 1},     /* two characters */
        {"請求", "ja", "invoice-reissue", 1},
        {"解約", "ja", "cancel-contract", 1},
        {"請求書", "ja", "invoice-reissue", 1},
        {"サーバ障害", "ja", "report-outage", 1}, /* no spaces */
        {"ｻｰﾊﾞ", "ja", "report-outage", 1},      /* half-width kana */
        {"障", "ja", "report-outage", 1},        /* one character */
        {"再発行", "ja", "invoice-reissue", 1},
        {"api", "en", "api-keys", 1},            /* full-width ＡＰＩ too */
        {"ＡＰＩキー", "ja", "api-keys", 1},
        {"PASSWORD", "en", "reset-password", 1}, /* case */
        {"pass", "en", "reset-password", 1},     /* prefix */
        {"outage", "en", "report-outage", 1},
        {"invoice reissue", "en", "invoice-reissue", 1},
        {"パスワード 再設定", "ja", "reset-password", 1},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_arena *a = hd_arena_new();
        struct faq_results r = search(cases[i].q, cases[i].lang, a);
        if (r.n < 1 || r.n > cases[i].max ||
            strcmp(r.hits[0].slug, cases[i].top) != 0)
            fail_msg("case %zu '%s': %zu hits, first %s", i, cases[i].q, r.n,
                     r.n ? r.hits[0].slug : "-");
        if (strcmp(r.hits[0].lang, cases[i].lang) != 0)
            fail_msg("case %zu: hit in %s, wanted %s", i, r.hits[0].lang,
                     cases[i].lang);
        hd_arena_free(&a);
    }
}

static void test_filler_counts(void **state)
{
    (void)state;
    /* 設定 occurs in the filler of every article that mentions it, and
     * "settings" in the English filler: many hits, capped at the limit. */
    struct hd_arena *a = hd_arena_new();
    struct faq_results r = search("設定", "ja", a);
    assert_int_equal(r.n, 10);
    r = search("存在しない言葉", "ja", a);
    assert_int_equal(r.n, 0);
    hd_arena_free(&a);
}

static void test_snippet_marks(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct faq_results r = search("障害", "ja", a);
    assert_int_equal(r.n, 1);
    const char *s = r.hits[0].snippet;
    const char *o = strstr(s, HD_FAQ_MARK_OPEN "障害" HD_FAQ_MARK_CLOSE);
    if (o == NULL)
        fail_msg("snippet without marked term: %s", s);
    hd_arena_free(&a);
}

static void test_hostile_queries(void **state)
{
    (void)state;
    static const char *const qs[] = {
        "\"", "*", "AND", "a OR b NOT c", "NEAR(a b)", ")", "title:障害",
        "^x", "\"\"\"\"", "-", "障害\" OR \"", "{title}: x", "a:b:c",
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(qs); i++) {
        struct hd_arena *a = hd_arena_new();
        struct faq_results r;
        struct hd_error err = HD_ERROR_INIT;
        if (faq_search(st, NULL, qs[i], "ja", 10, a, &r, &err) < 0)
            fail_msg("case %zu '%s' failed: %s", i, qs[i], err.msg);
        hd_arena_free(&a);
    }
    struct hd_arena *a = hd_arena_new();
    char *fts;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(faq_search_query("ab\xff", false, a, &fts, &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
    assert_int_equal(faq_search_query("障害\" OR xy", false, a, &fts, &err), 1);
    assert_string_equal(fts, "\"障害\" \"or\" \"xy\"*");
    assert_int_equal(faq_search_query("障", false, a, &fts, &err), 1);
    assert_string_equal(fts, "\"障\"*");
    assert_int_equal(faq_search_query("  ", false, a, &fts, &err), 0);
    hd_arena_free(&a);
}

static void test_internal_hidden(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct faq_results r = search("社内", "ja", a);
    assert_int_equal(r.n, 0);
    hd_arena_free(&a);
}

static void test_suggestion(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct faq_results r = search("pasword", "en", a);
    assert_int_equal(r.n, 0);
    assert_non_null(r.suggestion);
    assert_string_equal(r.suggestion, "password");
    hd_arena_free(&a);
}

static void test_index_follows_edits(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_arena *a = hd_arena_new();
    save("edit-me", "ja", "領収書の宛名", "領収書の宛名を変更できます。", false);
    assert_int_equal(search("領収書", "ja", a).n, 1);
    save("edit-me", "ja", "納品書の宛名", "納品書の宛名を変更できます。", false);
    assert_int_equal(search("領収書", "ja", a).n, 0);
    assert_int_equal(search("納品書", "ja", a).n, 1);
    assert_int_equal(hd_store_faq_article_delete(st, "edit-me", &err), 1);
    assert_int_equal(search("納品書", "ja", a).n, 0);
    /* deleting a known article removes it from a two-character query */
    assert_int_equal(hd_store_faq_article_delete(st, "cancel-contract", &err),
                     1);
    assert_int_equal(search("解約", "ja", a).n, 0);
    assert_int_equal(hd_store_faq_article_delete(st, "cancel-contract", &err),
                     0);
    hd_arena_free(&a);
}

/* The tokenizer's shortcut is exact: every character it passes through
 * unfolded is one NFKC case folding leaves unchanged. */
static void test_fold_identity(void **state)
{
    (void)state;
    size_t identity = 0;
    for (ucs4_t c = 0x3000; c <= 0xA000; c++) {
        if (!hd_store_fts_fold_identity(c))
            continue;
        identity++;
        uint8_t in[8], out[32];
        int n = u8_uctomb(in, c, sizeof in);
        size_t m = sizeof out;
        uint8_t *f = u8_casefold(in, (size_t)n, NULL, UNINORM_NFKC, out, &m);
        assert_non_null(f);
        if (m != (size_t)n || memcmp(f, in, m) != 0)
            fail_msg("U+%04X changes under NFKC case folding", (unsigned)c);
        if (f != out)
            free(f);
    }
    assert_true(identity > 20000);
    assert_false(hd_store_fts_fold_identity(0x309B)); /* ゛ folds */
    assert_false(hd_store_fts_fold_identity(0xFF76)); /* half-width ｶ */
}

static void test_edit_distance(void **state)
{
    (void)state;
    static const struct { const char *x, *y; size_t max, d; } cases[] = {
        {"password", "pasword", 2, 1}, {"abc", "abc", 2, 0},
        {"kitten", "sitting", 3, 3},   {"a", "abcdef", 2, 3},
        {"outage", "outgae", 2, 2},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++)
        if (faq_edit_distance(cases[i].x, cases[i].y, cases[i].max) !=
            cases[i].d)
            fail_msg("case %zu", i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relevance),
        cmocka_unit_test(test_filler_counts),
        cmocka_unit_test(test_snippet_marks),
        cmocka_unit_test(test_hostile_queries),
        cmocka_unit_test(test_internal_hidden),
        cmocka_unit_test(test_suggestion),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_fold_identity),
        cmocka_unit_test(test_index_follows_edits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
