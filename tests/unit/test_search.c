/* test_search.c - the search both the agents' queue and the public FAQ
 * use (store_fts_query.h, ticket_text, store_queue.c): every single kana
 * or kanji of an indexed word finds it, in full-width or half-width
 * form, alone or after Latin letters; the three plans of the queue
 * search (collect the matches, walk the page's order probing each ticket,
 * or walk it testing each ticket against the set of matching ids) return
 * the same pages; a search that matches nothing returns nothing;
 * a common search's count is an estimate near the truth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "article.h"
#include "search.h"
#include "store.h"
#include "store_agent.h"
#include "store_api.h"
#include "store_fts_query.h"

#include <stdio.h>
#include <string.h>

/* Indexed words, how they are written in the text, and every character
 * a search may be made of. */
static const struct {
    const char *text;          /* as written in subject and body */
    const char *const ch[8];   /* each single character searched */
} words[] = {
    {"障害", {"障", "害"}},
    {"請求書", {"請", "求", "書"}},
    {"ログイン", {"ロ", "グ", "イ", "ン"}},
    {"ﾛｸﾞｲﾝ", {"ﾛ", "ｸﾞ", "ｲ", "ﾝ"}}, /* half-width: ログイン */
    {"ﾛｸﾞｱｳﾄ", {"ﾛ", "ｸﾞ", "ｱ", "ｳ", "ﾄ", "グ", "ア", "ト"}},
    {"API障害", {"障", "害", "API障", "api障害", "ＡＰＩ障"}},
};

static struct hd_store *st;
static int64_t word_ticket[sizeof words / sizeof words[0]];

static int64_t ticket_add(const char *subject, const char *body, int64_t due)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t tid, number, mid;
    struct hd_ticket_new tn = {.subject = subject};
    if (hd_store_ticket_insert(st, &tn, "t", &tid, &number, &err) < 0)
        fail_msg("ticket: %s", err.msg);
    struct hd_message m = {.ticket_id = tid, .kind = HD_MSG_INBOUND,
                           .message_id = body, .body_hash = body,
                           .body_text = body};
    if (hd_store_message_insert(st, &m, &mid, &err) < 0)
        fail_msg("message: %s", err.msg);
    struct hd_arena *a = hd_arena_new();
    struct hd_ticket t;
    assert_int_equal(hd_store_ticket_get(st, tid, 0, a, &t, &err), 1);
    t.first_response_due = due;
    assert_int_equal(hd_store_ticket_set_sla(st, &t, &err), 0);
    hd_arena_free(&a);
    return number;
}

static int setup(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_store_open(":memory:", HD_STORE_CREATE, 1000, &st,
                                   &err), 0);
    char subject[128], body[256];
    /* 400 tickets; every fourth says "common", every one "filler";
     * due times not in ticket order, so the due order is a real sort. */
    for (int i = 0; i < 400; i++) {
        snprintf(subject, sizeof subject, "filler subject %d", i);
        snprintf(body, sizeof body, "filler body %s number%d",
                 i % 4 == 0 ? "common" : "other", i);
        ticket_add(subject, body, 1000000 + (i * 7919) % 400 * 60);
    }
    for (size_t w = 0; w < HD_ARRAY_LEN(words); w++) {
        snprintf(subject, sizeof subject, "問い合わせ %zu", w);
        snprintf(body, sizeof body, "本日%sについて。", words[w].text);
        word_ticket[w] = ticket_add(subject, body, 2000000);
        struct faq_doc d = {.slug = subject, .lang = "ja",
                            .title = words[w].text, .category = "general",
                            .body_md = body};
        char slug[16];
        snprintf(slug, sizeof slug, "word-%zu", w);
        d.slug = slug;
        assert_int_equal(faq_doc_save(st, &d, NULL, &err), 0);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hd_store_close(&st);
    return 0;
}

/* The numbers of every page of the search, in order, pages of 'limit'. */
static size_t search_all(const char *text, enum hd_queue_sort sort,
                         size_t limit, int64_t *out, size_t max)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_queue_query q;
    hd_queue_query_init(&q);
    q.text = text;
    q.sort = sort;
    q.f.limit = limit;
    size_t n = 0;
    for (;;) {
        struct hd_arena *a = hd_arena_new();
        struct hd_ticket *ts;
        size_t k;
        if (hd_store_queue_page(st, &q, a, &ts, &k, &err) < 0)
            fail_msg("search %s: %s", text, err.msg);
        for (size_t i = 0; i < k && n < max; i++)
            out[n++] = ts[i].number;
        if (k > 0) {
            q.after_due = hd_ticket_due(&ts[k - 1]);
            q.after_number = ts[k - 1].number;
        }
        hd_arena_free(&a);
        if (k < limit)
            return n;
    }
}

static bool has(const int64_t *ns, size_t n, int64_t number)
{
    for (size_t i = 0; i < n; i++)
        if (ns[i] == number)
            return true;
    return false;
}

static void test_agent_one_character(void **state)
{
    (void)state;
    static const int plans[] = {HD_SEARCH_COLLECT, HD_SEARCH_WALK,
                                HD_SEARCH_SET};
    static const char *const names[] = {"collect", "walk", "set"};
    for (int plan = 0; plan < 3; plan++) {
        hd_store_search_tune(st, 0, plans[plan]);
        for (size_t w = 0; w < HD_ARRAY_LEN(words); w++)
            for (size_t c = 0; c < 8 && words[w].ch[c]; c++) {
                int64_t ns[64];
                size_t n = search_all(words[w].ch[c], HD_SORT_DUE, 50, ns,
                                      64);
                if (!has(ns, n, word_ticket[w]))
                    fail_msg("%s plan: '%s' does not find '%s' (%zu hits)",
                             names[plan], words[w].ch[c],
                             words[w].text, n);
            }
        int64_t ns[8];
        assert_int_equal(search_all("猫", HD_SORT_DUE, 50, ns, 8), 0);
        assert_int_equal(search_all("障害猫", HD_SORT_DUE, 50, ns, 8), 0);
    }
    hd_store_search_tune(st, 0, HD_SEARCH_AUTO);
}

static void test_faq_one_character(void **state)
{
    (void)state;
    for (size_t w = 0; w < HD_ARRAY_LEN(words); w++)
        for (size_t c = 0; c < 8 && words[w].ch[c]; c++) {
            struct hd_arena *a = hd_arena_new();
            struct hd_error err = HD_ERROR_INIT;
            struct faq_results r;
            assert_int_equal(faq_search(st, NULL, words[w].ch[c], "ja", 20, a, &r,
                                        &err), 0);
            char slug[16];
            snprintf(slug, sizeof slug, "word-%zu", w);
            bool found = false;
            for (size_t i = 0; i < r.n; i++)
                found |= strcmp(r.hits[i].slug, slug) == 0;
            if (!found)
                fail_msg("FAQ: '%s' does not find '%s' (%zu hits)",
                         words[w].ch[c], words[w].text, r.n);
            hd_arena_free(&a);
        }
}

/* The builder's output for the cases the index needs. */
static void test_query_builder(void **state)
{
    (void)state;
    static const struct { const char *in; unsigned flags; const char *out; }
    cases[] = {
        {"障", 0, "\"障\"*"},
        {"障害", 0, "\"障害\""},
        {"API障", 0, "\"api障\"*"},
        {"ﾛｸﾞ", 0, "\"ログ\""},
        {"ｸﾞ", 0, "\"グ\"*"},
        {"pass", 0, "\"pass\""},
        {"pass", HD_FTS_Q_PREFIX_LAST, "\"pass\"*"},
        {"a b", HD_FTS_Q_ANY, "\"a\" OR \"b\""},
        {"\"障害\" OR x", 0, "\"障害\" \"or\" \"x\""},
        /* The same queries as PostgreSQL tsquery text. */
        {"障", HD_FTS_Q_TSQUERY, "('障':*)"},
        {"障害", HD_FTS_Q_TSQUERY, "('障害')"},
        {"障害が", HD_FTS_Q_TSQUERY, "('障害' <-> '害が')"},
        {"API障", HD_FTS_Q_TSQUERY, "('api' <-> '障':*)"},
        {"api障害x", HD_FTS_Q_TSQUERY, "('api' <-> '障害' <-> 'x')"},
        {"ﾛｸﾞ", HD_FTS_Q_TSQUERY, "('ログ')"},
        {"ｸﾞ", HD_FTS_Q_TSQUERY, "('グ':*)"},
        {"pass", HD_FTS_Q_TSQUERY | HD_FTS_Q_PREFIX_LAST, "('pass':*)"},
        {"a b", HD_FTS_Q_TSQUERY | HD_FTS_Q_ANY, "('a') | ('b')"},
        {"\"障害\" OR x'", HD_FTS_Q_TSQUERY, "('障害') & ('or') & ('x')"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         HD_FTS_Q_TSQUERY,
         "('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')"},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_arena *a = hd_arena_new();
        struct hd_error err = HD_ERROR_INIT;
        char *fts = NULL;
        assert_int_equal(hd_fts_query_build(cases[i].in, cases[i].flags, a,
                                            &fts, &err), 1);
        if (strcmp(fts, cases[i].out) != 0)
            fail_msg("'%s' -> %s, wanted %s", cases[i].in, fts,
                     cases[i].out);
        hd_arena_free(&a);
    }
}

/* The three plans give the same tickets in the same order, page by
 * page. */
static void test_plans_agree(void **state)
{
    (void)state;
    static const char *const qs[] = {"common", "filler", "other", "number7",
                                     "障", "filler common", "nomatchword"};
    for (size_t i = 0; i < HD_ARRAY_LEN(qs); i++)
        for (int sort = 0; sort < 2; sort++) {
            enum hd_queue_sort so = sort ? HD_SORT_NEWEST : HD_SORT_DUE;
            static int64_t a[512], b[512], c[512];
            hd_store_search_tune(st, 0, HD_SEARCH_COLLECT);
            size_t na = search_all(qs[i], so, 7, a, 512);
            hd_store_search_tune(st, 0, HD_SEARCH_WALK);
            size_t nb = search_all(qs[i], so, 7, b, 512);
            hd_store_search_tune(st, 0, HD_SEARCH_SET);
            size_t nc = search_all(qs[i], so, 7, c, 512);
            if (na != nb || memcmp(a, b, na * sizeof a[0]) != 0)
                fail_msg("'%s' sort %d: collect %zu rows, walk %zu rows",
                         qs[i], sort, na, nb);
            if (na != nc || memcmp(a, c, na * sizeof a[0]) != 0)
                fail_msg("'%s' sort %d: collect %zu rows, set %zu rows",
                         qs[i], sort, na, nc);
        }
    int64_t ns[512];
    hd_store_search_tune(st, 0, HD_SEARCH_AUTO);
    assert_int_equal(search_all("common", HD_SORT_DUE, 50, ns, 512), 100);
    assert_int_equal(search_all("filler", HD_SORT_DUE, 50, ns, 512), 400);
}

static void test_counts(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_queue_query q;
    hd_queue_query_init(&q);
    int64_t n;
    bool exact;
    /* collected: exact */
    hd_store_search_tune(st, 0, HD_SEARCH_COLLECT);
    q.text = "common";
    assert_int_equal(hd_store_queue_search_count(st, &q, &n, &exact, &err),
                     0);
    assert_true(exact);
    assert_int_equal(n, 100);
    /* common (a sample of 40 of the 100 matches, walked): estimated from
     * the share of tickets matching among those the sample covered */
    hd_store_search_tune(st, 40, HD_SEARCH_WALK);
    assert_int_equal(hd_store_queue_search_count(st, &q, &n, &exact, &err),
                     0);
    assert_false(exact);
    if (n < 90 || n > 115)
        fail_msg("estimate %lld for 100", (long long)n);
    /* the plan chosen by itself: a match in every ticket is walked and
     * estimated, a rare one collected and exact */
    hd_store_search_tune(st, 40, HD_SEARCH_AUTO);
    q.text = "filler";
    assert_int_equal(hd_store_queue_search_count(st, &q, &n, &exact, &err),
                     0);
    assert_false(exact);
    if (n < 380 || n > 410)
        fail_msg("estimate %lld for 405", (long long)n);
    q.text = "number7";
    assert_int_equal(hd_store_queue_search_count(st, &q, &n, &exact, &err),
                     0);
    assert_true(exact);
    assert_int_equal(n, 1);
    /* nothing: exact zero, whatever the plan */
    q.text = "nomatchword";
    for (int force = HD_SEARCH_AUTO; force <= HD_SEARCH_SET; force++) {
        hd_store_search_tune(st, 0, force);
        assert_int_equal(hd_store_queue_search_count(st, &q, &n, &exact,
                                                     &err), 0);
        assert_true(exact);
        assert_int_equal(n, 0);
    }
    hd_store_search_tune(st, 0, HD_SEARCH_AUTO);
}

/* The index follows a merge (the messages' rows move to the target's
 * range) and a new subject, under both plans. */
static void test_index_follows_changes(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    int64_t from = ticket_add("alphasubject", "mergedword", 3000000);
    int64_t into = ticket_add("betasubject", "betaword", 3000000);
    struct hd_arena *a = hd_arena_new();
    struct hd_ticket tf, ti;
    assert_int_equal(hd_store_ticket_get(st, 0, from, a, &tf, &err), 1);
    assert_int_equal(hd_store_ticket_get(st, 0, into, a, &ti, &err), 1);
    assert_int_equal(hd_store_begin(st, &err), 0);
    assert_int_equal(hd_store_api_ticket_merge(st, tf.id, ti.id, "t", &err),
                     0);
    assert_int_equal(hd_store_ticket_set(st, ti.id, "subject",
                                         "renamedsubject", "t", &err), 0);
    assert_int_equal(hd_store_commit(st, &err), 0);
    hd_arena_free(&a);
    for (int force = HD_SEARCH_COLLECT; force <= HD_SEARCH_SET; force++) {
        hd_store_search_tune(st, 0, force);
        int64_t ns[8];
        assert_int_equal(search_all("mergedword", HD_SORT_DUE, 50, ns, 8), 1);
        assert_int_equal(ns[0], into);
        assert_int_equal(search_all("renamedsubject", HD_SORT_DUE, 50, ns,
                                    8), 1);
        assert_int_equal(search_all("betasubject", HD_SORT_DUE, 50, ns, 8),
                         0);
        assert_int_equal(search_all("alphasubject", HD_SORT_DUE, 50, ns, 8),
                         1);
        assert_int_equal(ns[0], from);
    }
    hd_store_search_tune(st, 0, HD_SEARCH_AUTO);
}

/* The set plan of a phrase holds its rarest token's tickets and probes
 * each for the whole phrase: a ticket with that token but not the phrase
 * (白い猫と赤い犬 has い猫 and 赤い, not 赤い猫) is not found, on either
 * page order. */
static void test_phrase_key_token(void **state)
{
    (void)state;
    int64_t want = ticket_add("赤い猫", "本文一", 4000000);
    ticket_add("白い猫と赤い犬", "本文二", 4000000);
    ticket_add("赤い靴", "本文三", 4000000);
    for (int force = HD_SEARCH_AUTO; force <= HD_SEARCH_SET; force++)
        for (int sort = 0; sort < 2; sort++) {
            hd_store_search_tune(st, 0, force);
            int64_t ns[8];
            size_t n = search_all("赤い猫", sort ? HD_SORT_NEWEST : HD_SORT_DUE,
                                  50, ns, 8);
            if (n != 1 || ns[0] != want)
                fail_msg("plan %d sort %d: %zu tickets for 赤い猫", force,
                         sort, n);
        }
    hd_store_search_tune(st, 0, HD_SEARCH_AUTO);
}

/* A word in more articles than the search scores (FAQ_SEARCH_CANDIDATES
 * in store_faq.c): the article titled with it comes first, though it is
 * the oldest of them, and every hit's snippet marks the word. */
static void test_faq_many_matches(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct faq_doc d = {.slug = "best-title", .lang = "en",
                        .title = "Zebracode", .category = "general",
                        .body_md = "What a zebracode is."};
    assert_int_equal(faq_doc_save(st, &d, NULL, &err), 0);
    for (int i = 0; i < 600; i++) {
        char slug[32], title[64];
        snprintf(slug, sizeof slug, "many-%d", i);
        snprintf(title, sizeof title, "Other topic %d", i);
        struct faq_doc o = {.slug = slug, .lang = "en", .title = title,
                            .category = "general",
                            .body_md = "This page also mentions the "
                                       "zebracode once, in passing."};
        assert_int_equal(faq_doc_save(st, &o, NULL, &err), 0);
    }
    static const char *const qs[] = {"zebracode", "zebrac", "ZEBRACODE"};
    for (size_t i = 0; i < HD_ARRAY_LEN(qs); i++) {
        struct hd_arena *a = hd_arena_new();
        struct faq_results r;
        assert_int_equal(faq_search(st, NULL, qs[i], "en", FAQ_SEARCH_LIMIT, a,
                                    &r, &err), 0);
        assert_int_equal(r.n, FAQ_SEARCH_LIMIT);
        assert_string_equal(r.hits[0].slug, "best-title");
        for (size_t k = 0; k < r.n; k++)
            if (strstr(r.hits[k].snippet, HD_FAQ_MARK_OPEN) == NULL)
                fail_msg("'%s': hit %zu (%s) has no mark: %s", qs[i], k,
                         r.hits[k].slug, r.hits[k].snippet);
        hd_arena_free(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_builder),
        cmocka_unit_test(test_agent_one_character),
        cmocka_unit_test(test_faq_one_character),
        cmocka_unit_test(test_plans_agree),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_index_follows_changes),
        cmocka_unit_test(test_faq_many_matches),
        cmocka_unit_test(test_phrase_key_token),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
