/* test_faq.c - the article file format, announcement lead times, the
 * Markdown renderer's safety, the HTML escaper and snippet marks, and
 * Accept-Language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "announce.h"
#include "article.h"
#include "clock.h"
#include "html.h"
#include "i18n.h"
#include "render.h"

#include <string.h>

static void test_doc_parse(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text;
        int rc;
        const char *title;
        bool internal, draft;
    } cases[] = {
        {"a.ja.md", "---\ntitle: 請求\ncategory: billing\n---\nbody\n", 0,
         "請求", false, false},
        {"dir/x-1.en.md", "---\ntitle: T\nvisibility: internal\nstatus: "
         "draft\n---\n", 0, "T", true, true},
        {"a.ja.md", "title: x\n", -1, NULL, false, false},
        {"a.ja.md", "---\ntitle: x\n", -1, NULL, false, false},
        {"a.ja.md", "---\ntitle: x\ncolour: red\n---\n", -1, NULL, 0, 0},
        {"a.ja.md", "---\ncategory: c\n---\nno title\n", -1, NULL, 0, 0},
        {"A_B.ja.md", "---\ntitle: x\n---\n", -1, NULL, false, false},
        {"a.fr.md", "---\ntitle: x\n---\n", -1, NULL, false, false},
        {"a.ja.md", "---\ntitle: \xff\n---\n", -1, NULL, false, false},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_arena *a = hd_arena_new();
        struct faq_doc d;
        struct hd_error err = HD_ERROR_INIT;
        int rc = faq_doc_parse(cases[i].name, cases[i].text,
                               strlen(cases[i].text), a, &d, &err);
        if (rc != cases[i].rc)
            fail_msg("case %zu: rc %d (%s)", i, rc, err.msg);
        if (rc == 0 && (strcmp(d.title, cases[i].title) != 0 ||
                        d.internal != cases[i].internal ||
                        d.draft != cases[i].draft))
            fail_msg("case %zu: fields", i);
        hd_arena_free(&a);
    }
}

static void test_doc_roundtrip(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct faq_doc d = {.slug = "x", .lang = "en", .title = "Title",
                        .category = "c", .category_title = "Cat",
                        .internal = true, .body_md = "Body *md*\n"};
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, 4096);
    assert_int_equal(faq_doc_format(&d, &b, &err), 0);
    struct faq_doc e;
    assert_int_equal(faq_doc_parse("x.en.md", b.data, b.len, a, &e, &err), 0);
    assert_string_equal(e.title, "Title");
    assert_string_equal(e.category_title, "Cat");
    assert_true(e.internal);
    assert_string_equal(e.body_md, "Body *md*\n");
    hd_buf_deinit(&b);
    hd_arena_free(&a);
}

static int64_t at(const char *s)
{
    int64_t t;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_time_parse(s, &t, &err), 0);
    return t;
}

static void test_business_days(void **state)
{
    (void)state;
    static const struct { const char *from, *to; int days; } cases[] = {
        {"2026-06-01T12:00+09:00", "2026-06-05T02:00+09:00", 3}, /* Mon-Fri */
        {"2026-06-05T12:00+09:00", "2026-06-08T02:00+09:00", 0}, /* weekend */
        {"2026-04-30T12:00+09:00", "2026-05-08T02:00+09:00", 2}, /* GW */
        {"2026-12-25T12:00+09:00", "2027-01-06T02:00+09:00", 3}, /* 12/28, 1/4, 1/5 */
        {"2026-06-05T12:00+09:00", "2026-06-01T02:00+09:00", 0}, /* reversed */
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        int d = faq_business_days_between(at(cases[i].from), at(cases[i].to));
        if (d != cases[i].days)
            fail_msg("case %zu: %d business days, want %d", i, d,
                     cases[i].days);
    }
}

static void test_announce_rules(void **state)
{
    (void)state;
    int64_t now = at("2026-06-01T12:00+09:00"); /* a Monday */
    static const struct {
        const char *kind, *start, *end;
        bool force;
        int rc;
        bool forced;
    } cases[] = {
        {"maintenance", "2026-06-05T02:00+09:00", "2026-06-05T05:00+09:00",
         false, 0, false},
        {"maintenance", "2026-06-04T02:00+09:00", "2026-06-04T05:00+09:00",
         false, -1, false},
        {"maintenance", "2026-06-04T02:00+09:00", "2026-06-04T05:00+09:00",
         true, 0, true},
        {"maintenance", "2026-06-10T02:00+09:00", "2026-06-10T01:00+09:00",
         true, -1, false},
        {"service-end", "2026-07-01T12:00+09:00", NULL, false, 0, false},
        {"service-end", "2026-06-30T00:00+09:00", NULL, false, -1, false},
        {"service-end", "2026-06-30T00:00+09:00", NULL, true, 0, true},
        {"status", NULL, NULL, false, 0, false},
        {"party", NULL, NULL, true, -1, false},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_announcement an = {
            .kind = cases[i].kind,
            .starts_at = cases[i].start ? at(cases[i].start) : 0,
            .ends_at = cases[i].end ? at(cases[i].end) : 0};
        struct hd_error err = HD_ERROR_INIT;
        bool forced = false;
        int rc = faq_announce_check(&an, now, cases[i].force, &forced, &err);
        if (rc != cases[i].rc || (rc == 0 && forced != cases[i].forced))
            fail_msg("case %zu: rc %d forced %d (%s)", i, rc, forced, err.msg);
    }
}

static void test_render_safe(void **state)
{
    (void)state;
    static const struct { const char *md, *must, *must_not; } cases[] = {
        {"<script>alert(1)</script>", "raw HTML omitted", "<script"},
        {"[x](javascript:alert(1))", "href=\"\"", "javascript:"},
        {"[x](data:text/html,hi)", "href=\"\"", "data:"},
        {"[x](faq:invoice-reissue)", "href=\"/faq/invoice-reissue\"", NULL},
        {"[x](faq:../etc)", "href=\"\"", "etc"},
        {"<img src=x onerror=alert(1)>", "raw HTML omitted", "onerror"},
        {"| a | b |\n|---|---|\n| 1 | 2 |\n", "<table>", NULL},
        {"~~old~~ - [x] done", "<del>old</del>", NULL},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_arena *a = hd_arena_new();
        struct faq_html h;
        faq_render_html(cases[i].md, a, &h);
        if (strstr(h.html, cases[i].must) == NULL ||
            (cases[i].must_not && strstr(h.html, cases[i].must_not)))
            fail_msg("case %zu: %s", i, h.html);
        hd_arena_free(&a);
    }
    struct hd_arena *a = hd_arena_new();
    const char *t = faq_render_text("**a**\x1c\xee\x80\x80 b", a);
    assert_string_equal(t, "a b\n");
    hd_arena_free(&a);
}

static void test_escape(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {"<a href=\"x\">'&'</a>",
         "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"},
        {"障害", "障害"},
        {"a\xff" "b", "a\xef\xbf\xbd" "b"},             /* invalid byte */
        {"\xe9\x9a", "\xef\xbf\xbd\xef\xbf\xbd"},        /* truncated */
        {"\xc0\xbc", "\xef\xbf\xbd\xef\xbf\xbd"},        /* overlong '<' */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_arena *a = hd_arena_new();
        const char *e = web_html_esc(a, cases[i].in);
        if (strcmp(e, cases[i].out) != 0)
            fail_msg("case %zu: got %s", i, e);
        hd_arena_free(&a);
    }
}

static void test_snippet(void **state)
{
    (void)state;
#define O HD_FAQ_MARK_OPEN
#define C HD_FAQ_MARK_CLOSE
    static const struct { const char *in, *out; } cases[] = {
        {"x " O "障害" C " <b>", "x <mark>障害</mark> &lt;b&gt;"},
        {O "a" C O "b" C, "<mark>a</mark><mark>b</mark>"},
        {O "open", "<mark>open</mark>"},
        {"close" C, "close"},
        {O O "x" C C, "<mark>x</mark>"},
        {"<" O "\"" C ">", "&lt;<mark>&quot;</mark>&gt;"},
    };
#undef O
#undef C
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_arena *a = hd_arena_new();
        struct web_safe_html s = web_html_snippet(a, cases[i].in);
        if (strcmp(s.html, cases[i].out) != 0)
            fail_msg("case %zu: got %s", i, s.html);
        hd_arena_free(&a);
    }
}

static void test_accept_language(void **state)
{
    (void)state;
    static const struct { const char *h, *lang; } cases[] = {
        {"ja,en;q=0.8", "ja"},   {"en-US,en;q=0.9,ja;q=0.8", "en"},
        {"fr,ja;q=0.5", "ja"},   {"de", NULL},
        {"jav,en;q=0.1", "en"},  {"en;q=0.2,ja;q=0.9", "ja"},
        {"", NULL},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        const char *l = web_lang_accept(cases[i].h);
        if ((l == NULL) != (cases[i].lang == NULL) ||
            (l && strcmp(l, cases[i].lang) != 0))
            fail_msg("case %zu: got %s", i, l ? l : "NULL");
    }
}

int main(void)
{
    struct hd_error err = HD_ERROR_INIT;
    if (hd_clock_set_zone("Asia/Tokyo", &err) < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_parse),
        cmocka_unit_test(test_doc_roundtrip),
        cmocka_unit_test(test_business_days),
        cmocka_unit_test(test_announce_rules),
        cmocka_unit_test(test_render_safe),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_snippet),
        cmocka_unit_test(test_accept_language),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
