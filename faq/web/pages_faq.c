/* pages_faq.c - the public site's pages: top, FAQ index, article (with
 * its vote form), search, terms, health check.  Every page reads the
 * store through its verbs and writes HTML only through html.c. */
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "pages_cache.h"
#include "render.h"
#include "search.h"
#include "store_faq.h"
#include "web_int.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define WEB_POPULAR_MAX 8
#define WEB_TOP_CACHE_ENTRIES 4 /* one per language */
#define WEB_TOP_CACHE_BYTES (256 * 1024)
#define WEB_TOP_CACHE_TTL 1 /* seconds */

static bool is_ja(const struct web_req *r)
{
    return strcmp(r->lang, "ja") == 0;
}

/* Title in the request's language, else the other one. */
static const char *art_title(const struct web_req *r,
                             const struct hd_faq_article *a)
{
    const char *t = is_ja(r) ? a->title_ja : a->title_en;
    if (t == NULL)
        t = is_ja(r) ? a->title_en : a->title_ja;
    return t ? t : a->slug;
}

static void article_links(struct web_req *r, struct web_html *h,
                          const struct hd_faq_article *as, size_t n)
{
    web_html_lit(h, "<ul class=\"articles\">\n");
    for (size_t i = 0; i < n; i++) {
        web_html_lit(h, "<li><a href=\"/faq/");
        web_html_text(h, as[i].slug);
        web_html_lit(h, "\">");
        web_html_text(h, art_title(r, &as[i]));
        web_html_lit(h, "</a></li>\n");
    }
    web_html_lit(h, "</ul>\n");
}

static void fail(struct web_req *r, const struct hd_error *err)
{
    hd_err("web", "store", "error=\"%s\"", err->msg);
    web_fail_page(r, err);
}

void web_page_healthz(struct web_req *r, const char *arg)
{
    (void)arg;
    web_resp_data(r, 200, "text/plain; charset=utf-8", "ok\n", 3, false);
}

static enum web_msg kind_msg(const char *kind)
{
    if (strcmp(kind, "maintenance") == 0)
        return M_ANN_MAINTENANCE;
    if (strcmp(kind, "service-end") == 0)
        return M_ANN_SERVICE_END;
    return M_ANN_STATUS;
}

static void announcements(struct web_req *r, struct web_html *h,
                          const struct hd_announcement *as, size_t n)
{
    if (n == 0)
        return;
    web_html_lit(h, "<section class=\"announcements\">\n<h2>");
    web_html_text(h, web_t(r->lang, M_ANNOUNCEMENTS));
    web_html_lit(h, "</h2>\n");
    for (size_t i = 0; i < n; i++) {
        web_html_lit(h, "<article class=\"announcement\"><h3><span "
                        "class=\"kind\">");
        web_html_text(h, web_t(r->lang, kind_msg(as[i].kind)));
        web_html_lit(h, "</span> ");
        web_html_text(h, is_ja(r) ? as[i].title_ja : as[i].title_en);
        web_html_lit(h, "</h3>");
        if (as[i].starts_at) {
            web_html_lit(h, "<p class=\"when\">");
            web_layout_date(r, h, as[i].starts_at);
            if (as[i].ends_at) {
                web_html_lit(h, " ");
                web_html_text(h, web_t(r->lang, M_ANN_FROM_TO));
                web_html_lit(h, " ");
                web_layout_date(r, h, as[i].ends_at);
            }
            web_html_lit(h, "</p>");
        }
        const char *body = is_ja(r) ? as[i].body_ja : as[i].body_en;
        if (body && *body) {
            struct faq_html fh;
            faq_render_html(body, r->a, &fh);
            web_html_safe(h, web_html_from_faq(&fh));
        }
        web_html_lit(h, "</article>\n");
    }
    web_html_lit(h, "</section>\n");
}

static pthread_once_t top_once = PTHREAD_ONCE_INIT;
static struct web_cache *top_cache;

static void top_cache_init(void)
{
    top_cache = web_cache_new(WEB_TOP_CACHE_ENTRIES, WEB_TOP_CACHE_BYTES,
                              WEB_TOP_CACHE_TTL);
}

static void top_page(struct web_req *r, int64_t gen);

/* The top page is the same for every visitor of a language: it is built
 * at most once a second (popular articles follow views, the contact
 * box the clock) and at once after an edit or announcement. */
void web_page_top(struct web_req *r, const char *arg)
{
    (void)arg;
    struct hd_error err = HD_ERROR_INIT;
    int64_t gen;
    if (web_cache_generation(r->st, &gen, &err) < 0)
        return fail(r, &err);
    pthread_once(&top_once, top_cache_init);
    const char *val, *gz;
    size_t len, gz_len;
    if (web_cache_get_page(top_cache, r->lang, gen, r->a, &val, &len, &gz,
                           &gz_len)) {
        web_resp_page(r, 200, val, len);
        r->resp_gz = gz;
        r->resp_gz_len = gz_len;
        return;
    }
    top_page(r, gen);
}

static void top_page(struct web_req *r, int64_t gen)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_faq_filter f = {.public_only = true, .order = HD_FAQ_BY_VIEWS,
                              .limit = WEB_POPULAR_MAX};
    struct hd_faq_article *pop;
    struct hd_announcement *ann;
    size_t np, na;
    if (hd_store_faq_article_list(r->st, &f, r->a, &pop, &np, &err) < 0 ||
        hd_store_announce_list(r->st, hd_clock_now(), r->a, &ann, &na,
                               &err) < 0)
        return fail(r, &err);
    struct web_html h;
    web_html_init(&h);
    struct web_page p = {.title = web_t(r->lang, M_HOME_TITLE),
                         .description = web_t(r->lang, M_HOME_DESC),
                         .canonical = "/"};
    web_layout_begin(r, &h, &p);
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_t(r->lang, M_HOME_TITLE));
    web_html_lit(&h, "</h1>\n");
    web_layout_search_form(r, &h, NULL);
    announcements(r, &h, ann, na);
    web_layout_contact(r, &h, M_CONTACT, true);
    web_html_lit(&h, "<section class=\"popular\"><h2>");
    web_html_text(&h, web_t(r->lang, M_POPULAR));
    web_html_lit(&h, "</h2>\n");
    article_links(r, &h, pop, np);
    web_html_lit(&h, "<p><a href=\"/faq/\">");
    web_html_text(&h, web_t(r->lang, M_ALL_ARTICLES));
    web_html_lit(&h, "</a></p></section>\n");
    web_layout_end(r, &h);
    if (!h.failed)
        web_cache_put_page(top_cache, r->lang, gen, r->a, hd_buf_cstr(&h.b),
                           h.b.len);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}

void web_page_faq_index(struct web_req *r, const char *arg)
{
    (void)arg;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_faq_filter f = {.public_only = true,
                              .order = HD_FAQ_BY_CATEGORY};
    struct hd_faq_article *as;
    struct hd_faq_category *cs;
    size_t n, nc;
    if (hd_store_faq_article_list(r->st, &f, r->a, &as, &n, &err) < 0 ||
        hd_store_faq_category_list(r->st, r->a, &cs, &nc, &err) < 0)
        return fail(r, &err);
    struct web_html h;
    web_html_init(&h);
    struct web_page p = {.title = web_t(r->lang, M_FAQ_TITLE),
                         .description = web_t(r->lang, M_FAQ_DESC),
                         .canonical = "/faq/"};
    web_layout_begin(r, &h, &p);
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_t(r->lang, M_FAQ_TITLE));
    web_html_lit(&h, "</h1>\n");
    web_layout_search_form(r, &h, NULL);
    if (n == 0) {
        web_html_lit(&h, "<p>");
        web_html_text(&h, web_t(r->lang, M_NO_ARTICLES));
        web_html_lit(&h, "</p>\n");
    }
    /* articles come ordered by category position, so each category is
     * one run of the list */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && as[j].category_id == as[i].category_id)
            j++;
        const char *name = web_t(r->lang, M_UNCATEGORISED);
        for (size_t c = 0; c < nc; c++)
            if (cs[c].id == as[i].category_id)
                name = is_ja(r) ? cs[c].title_ja : cs[c].title_en;
        web_html_lit(&h, "<section class=\"category\"><h2>");
        web_html_text(&h, name);
        web_html_lit(&h, "</h2>\n");
        article_links(r, &h, as + i, j - i);
        web_html_lit(&h, "</section>\n");
        i = j;
    }
    web_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}
