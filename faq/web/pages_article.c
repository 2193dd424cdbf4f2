/* pages_article.c - one FAQ article (in the visitor's language, falling
 * back to the other), its "Was this helpful?" vote, search results and
 * the Terms page. */
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
#include <unistr.h>

#define WEB_RELATED_MAX 5
#define WEB_DESC_MAX 150 /* bytes of body text in a meta description */
/* Rendered articles kept in memory, per language and slug (see
 * pages_cache.h).  The time to live only refreshes the related
 * articles, which follow view counts; edits show at once. */
#define WEB_ARTICLE_CACHE_ENTRIES 2048
#define WEB_ARTICLE_CACHE_BYTES (3u * 1024 * 1024)
#define WEB_ARTICLE_CACHE_TTL 60 /* seconds */
/* Whole search result pages, per language and query text. */
#define WEB_SEARCH_CACHE_ENTRIES 256
#define WEB_SEARCH_CACHE_BYTES (1u * 1024 * 1024)
#define WEB_SEARCH_CACHE_TTL 600 /* seconds */

static bool is_ja(const struct web_req *r)
{
    return strcmp(r->lang, "ja") == 0;
}

static void fail(struct web_req *r, const struct hd_error *err)
{
    hd_err("web", "store", "error=\"%s\"", err->msg);
    web_fail_page(r, err);
}

/* At most WEB_DESC_MAX bytes of text, cut on a character boundary, with
 * newlines flattened. */
static const char *description(struct hd_arena *a, const char *text)
{
    size_t n = strlen(text);
    if (n > WEB_DESC_MAX) {
        n = WEB_DESC_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    char *d = hd_arena_strndup(a, text, n);
    for (char *p = d; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    return d;
}

/* The vote form up to the CSRF token's value, for the article's slug. */
static void vote_form_a(struct web_req *r, struct web_html *h,
                        const struct hd_faq_article *art)
{
    web_html_lit(h, "<section class=\"vote\" id=\"vote\">\n"
                    "<form method=\"post\" action=\"/faq/");
    web_html_text(h, art->slug);
    web_html_lit(h, "/vote\">\n<fieldset><legend>");
    web_html_text(h, web_t(r->lang, M_HELPFUL_Q));
    web_html_lit(h, "</legend>\n<input type=\"hidden\" name=\"csrf\" "
                    "value=\"");
}

/* The vote form after the token. */
static void vote_form_b(struct web_req *r, struct web_html *h)
{
    web_html_lit(h, "\">\n<button type=\"submit\" name=\"helpful\" "
                    "value=\"yes\">");
    web_html_text(h, web_t(r->lang, M_HELPFUL_YES));
    web_html_lit(h, "</button>\n<button type=\"submit\" name=\"helpful\" "
                    "value=\"no\">");
    web_html_text(h, web_t(r->lang, M_HELPFUL_NO));
    web_html_lit(h, "</button>\n</fieldset>\n</form>\n</section>\n");
}

/* A titled list of article links, "related" below an article or
 * "popular" where a search found nothing; titles in the page's language
 * when the article has one. */
static void article_links(struct web_req *r, struct web_html *h,
                          bool popular, const struct hd_faq_article *as,
                          size_t n)
{
    if (popular)
        web_html_lit(h, "<section class=\"popular\"><h2>");
    else
        web_html_lit(h, "<section class=\"related\"><h2>");
    web_html_text(h, web_t(r->lang, popular ? M_POPULAR : M_RELATED));
    if (popular)
        web_html_lit(h, "</h2>\n<ul class=\"articles\">\n");
    else
        web_html_lit(h, "</h2>\n<ul>\n");
    for (size_t i = 0; i < n; i++) {
        const char *t = is_ja(r) ? as[i].title_ja : as[i].title_en;
        web_html_lit(h, "<li><a href=\"/faq/");
        web_html_text(h, as[i].slug);
        web_html_lit(h, "\">");
        web_html_text(h, t ? t : (as[i].title_ja ? as[i].title_ja
                                                 : as[i].title_en));
        web_html_lit(h, "</a></li>\n");
    }
    web_html_lit(h, "</ul></section>\n");
}

/* What a visitor who has voted sees instead of the form. */
static void vote_thanks(struct web_req *r, struct web_html *h)
{
    web_html_lit(h, "<section class=\"vote\" id=\"vote\">\n"
                    "<p class=\"thanks\" role=\"status\">");
    web_html_text(h, web_t(r->lang, M_HELPFUL_THANKS));
    web_html_lit(h, "</p>\n<p><a href=\"#contact\">");
    web_html_text(h, web_t(r->lang, M_STILL_STUCK));
    web_html_lit(h, "</a></p>\n</section>\n");
}

static void related(struct web_req *r, struct web_html *h,
                    const struct hd_faq_article *art)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_faq_filter f = {.public_only = true,
                              .category_id = art->category_id,
                              .exclude_id = art->id,
                              .order = HD_FAQ_BY_VIEWS,
                              .limit = WEB_RELATED_MAX};
    struct hd_faq_article *as;
    size_t n;
    if (art->category_id == 0 ||
        hd_store_faq_article_list(r->st, &f, r->a, &as, &n, &err) < 0 ||
        n == 0)
        return;
    article_links(r, h, false, as, n);
}

/* Loads the public article and its text in the best language:
 * 1 found, 0 not public or absent, -1 error. */
static int load(struct web_req *r, const char *slug,
                struct hd_faq_article *art, struct hd_faq_text *t,
                struct hd_error *err)
{
    if (!faq_slug_valid(slug))
        return 0;
    int found = hd_store_faq_article_get(r->st, slug, r->a, art, err);
    if (found <= 0)
        return found;
    if (art->internal || art->draft)
        return 0;
    found = hd_store_faq_text_get(r->st, art->id, r->lang, r->a, t, err);
    if (found == 0)
        found = hd_store_faq_text_get(r->st, art->id,
                                      is_ja(r) ? "en" : "ja", r->a, t, err);
    return found;
}

/* The parts of a rendered article page, in page order; the visitor's
 * CSRF token goes between FORM_A and FORM_B, or THANKS replaces the
 * form once the visitor has voted. */
enum part { PART_HEAD, PART_FORM_A, PART_FORM_B, PART_THANKS, PART_TAIL,
            PART_COUNT };

/* A rendered article as cached: this header, the parts' bytes, then
 * each part compressed as a gzip piece (see pages_cache.h). */
struct rendered {
    int64_t id;
    size_t len[PART_COUNT];
    size_t zlen[PART_COUNT];
    uint32_t crc[PART_COUNT];
};

static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static struct web_cache *article_cache, *search_cache;
/* The published articles' search index, rebuilt when the generation
 * moves (faq/lib/faq_index.h). */
static struct faq_index_holder search_index = FAQ_INDEX_HOLDER_INIT;

int web_faq_index_init(struct hd_store *st, size_t *texts_r, size_t *bytes_r,
                       struct hd_error *err)
{
    struct faq_index *idx;
    if (faq_index_get(&search_index, st, 0, &idx, err) < 0)
        return -1;
    *texts_r = faq_index_texts(idx);
    *bytes_r = faq_index_bytes(idx);
    faq_index_release(&idx);
    return 0;
}

static void caches_init(void)
{
    article_cache = web_cache_new(WEB_ARTICLE_CACHE_ENTRIES,
                                  WEB_ARTICLE_CACHE_BYTES,
                                  WEB_ARTICLE_CACHE_TTL);
    search_cache = web_cache_new(WEB_SEARCH_CACHE_ENTRIES,
                                 WEB_SEARCH_CACHE_BYTES,
                                 WEB_SEARCH_CACHE_TTL);
}

/* Everything above the vote box. */
static void article_head(struct web_req *r, struct web_html *h,
                         const char *slug, const struct hd_faq_text *t)
{
    struct faq_html body;
    faq_render_html(t->body_md, r->a, &body);
    struct web_page p = {.title = t->title,
                         .description = description(r->a, t->body_text),
                         .canonical = hd_arena_printf(r->a, "/faq/%s", slug)};
    web_layout_begin(r, h, &p);
    web_html_lit(h, "<nav class=\"crumbs\"><a href=\"/faq/\">");
    web_html_text(h, web_t(r->lang, M_NAV_FAQ));
    web_html_lit(h, "</a></nav>\n<article class=\"faq\" lang=\"");
    web_html_text(h, t->lang);
    web_html_lit(h, "\">\n<h1>");
    web_html_text(h, t->title);
    web_html_lit(h, "</h1>\n");
    if (strcmp(t->lang, r->lang) != 0) {
        web_html_lit(h, "<p class=\"note\">");
        web_html_text(h, web_t(r->lang, M_OTHER_LANG_ONLY));
        web_html_lit(h, "</p>\n");
    }
    web_html_lit(h, "<div class=\"body\">\n");
    web_html_safe(h, web_html_from_faq(&body));
    web_html_lit(h, "</div>\n<p class=\"updated\">");
    web_html_text(h, web_t(r->lang, M_UPDATED));
    web_html_lit(h, ": ");
    web_layout_date(r, h, t->updated_at);
    web_html_lit(h, "</p>\n</article>\n");
}

/* The cacheable value of a rendered page (its parts measured in rd):
 * header, the parts, then each part compressed. */
static void pack(struct hd_arena *a, struct rendered *rd, const char *page,
                 size_t len, const char **val_r, size_t *len_r)
{
    struct web_gz gz[PART_COUNT];
    size_t zlen = 0;
    const char *p = page;
    for (int part = 0; part < PART_COUNT; part++) {
        web_gz_piece(a, p, rd->len[part], part == PART_TAIL, &gz[part]);
        p += rd->len[part];
        rd->zlen[part] = gz[part].zlen;
        rd->crc[part] = gz[part].crc;
        zlen += gz[part].zlen;
    }
    *len_r = sizeof *rd + len + zlen;
    char *v = hd_arena_alloc(a, *len_r), *w = v + sizeof *rd + len;
    memcpy(v, rd, sizeof *rd);
    memcpy(v + sizeof *rd, page, len);
    for (int part = 0; part < PART_COUNT; part++) {
        memcpy(w, gz[part].z, gz[part].zlen);
        w += gz[part].zlen;
    }
    *val_r = v;
}

/* Renders the visitor-independent parts of the page into the arena as
 * one cacheable value: 1 done, 0 no such public article, -1 error. */
static int render(struct web_req *r, const char *slug, const char **val_r,
                  size_t *len_r, struct hd_error *err)
{
    struct hd_faq_article art;
    struct hd_faq_text t;
    int found = load(r, slug, &art, &t, err);
    if (found <= 0)
        return found;
    struct web_html h;
    web_html_init(&h);
    struct rendered rd = {.id = art.id};
    size_t mark = 0;
    for (int part = 0; part < PART_COUNT; part++) {
        switch (part) {
        case PART_HEAD: article_head(r, &h, slug, &t); break;
        case PART_FORM_A: vote_form_a(r, &h, &art); break;
        case PART_FORM_B: vote_form_b(r, &h); break;
        case PART_THANKS: vote_thanks(r, &h); break;
        default:
            related(r, &h, &art);
            web_layout_contact(r, &h, M_STILL_STUCK, false);
            web_layout_end(r, &h);
            break;
        }
        rd.len[part] = h.b.len - mark;
        mark = h.b.len;
    }
    if (h.failed) {
        web_html_deinit(&h);
        hd_error_set(err, HD_E_TOOBIG, "article page over %u bytes",
                     WEB_PAGE_MAX);
        return -1;
    }
    pack(r->a, &rd, hd_buf_cstr(&h.b), h.b.len, val_r, len_r);
    web_html_deinit(&h);
    return 1;
}

/* The gzip body of the page: the cached pieces around the visitor's
 * token as a stored piece. */
static void serve_gz(struct web_req *r, const struct rendered *rd,
                     const char *zparts, const char *csrf, bool voted)
{
    struct web_gz ps[PART_COUNT + 1];
    size_t n = 0, zoff[PART_COUNT], off = 0;
    for (int i = 0; i < PART_COUNT; i++) {
        zoff[i] = off;
        off += rd->zlen[i];
    }
#define PIECE(i) (ps[n++] = (struct web_gz){zparts + zoff[i], rd->zlen[i], \
                                             rd->len[i], rd->crc[i]})
    PIECE(PART_HEAD);
    if (voted) {
        PIECE(PART_THANKS);
    } else {
        PIECE(PART_FORM_A);
        web_gz_stored(r->a, csrf, strlen(csrf), &ps[n++]);
        PIECE(PART_FORM_B);
    }
    PIECE(PART_TAIL);
#undef PIECE
    web_gz_join(r->a, ps, n, &r->resp_gz, &r->resp_gz_len);
}

/* Joins the cached parts and the visitor's vote box into the response
 * (and its gzip when the client takes it). */
static void serve(struct web_req *r, const struct rendered *rd,
                  const char *parts, size_t parts_len, bool voted)
{
    const char *csrf =
        voted ? "" : web_html_esc(r->a, web_session_form_token(r));
    size_t off[PART_COUNT], total = 0, ztotal = 0;
    for (int i = 0; i < PART_COUNT; i++) {
        off[i] = total;
        total += rd->len[i];
        ztotal += rd->zlen[i];
    }
    hd_assert(total + ztotal == parts_len);
    size_t csrf_len = strlen(csrf);
    char *out = hd_arena_alloc(r->a, total + csrf_len + 1), *w = out;
#define PUT(p, n) (memcpy(w, (p), (n)), w += (n))
    PUT(parts, rd->len[PART_HEAD]);
    if (voted) {
        PUT(parts + off[PART_THANKS], rd->len[PART_THANKS]);
    } else {
        PUT(parts + off[PART_FORM_A], rd->len[PART_FORM_A]);
        PUT(csrf, csrf_len);
        PUT(parts + off[PART_FORM_B], rd->len[PART_FORM_B]);
    }
    PUT(parts + off[PART_TAIL], rd->len[PART_TAIL]);
#undef PUT
    *w = '\0';
    web_resp_page(r, 200, out, (size_t)(w - out));
    const char *ae = web_req_header(r, "Accept-Encoding");
    if (ae != NULL && strstr(ae, "gzip") != NULL)
        serve_gz(r, rd, parts + total, csrf, voted);
}

void web_page_article(struct web_req *r, const char *slug)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t gen;
    if (!faq_slug_valid(slug))
        return web_error_page(r, 404);
    if (web_cache_generation(r->st, &gen, &err) < 0)
        return fail(r, &err);
    pthread_once(&cache_once, caches_init);
    const char *key = hd_arena_printf(r->a, "%s %s", r->lang, slug);
    const char *val;
    size_t len;
    if (!web_cache_get(article_cache, key, gen, r->a, &val, &len)) {
        int found = render(r, slug, &val, &len, &err);
        if (found < 0)
            return fail(r, &err);
        if (found == 0)
            return web_error_page(r, 404);
        web_cache_put(article_cache, key, gen, val, len);
    }
    struct rendered rd;
    hd_assert(len >= sizeof rd);
    memcpy(&rd, val, sizeof rd);
    /* a visitor without a cookie yet has voted on nothing, and reading
     * makes none (the vote does) */
    int voted = r->visitor != NULL
                    ? hd_store_faq_voted(r->st, rd.id, r->visitor, &err)
                    : 0;
    if (voted < 0)
        return fail(r, &err);
    web_views_add(r->st, rd.id);
    serve(r, &rd, val + sizeof rd, len - sizeof rd, voted == 1);
}

void web_page_vote(struct web_req *r, const char *slug)
{
    if (!web_session_form_ok(r, web_form_field(r, "csrf")))
        return web_error_page(r, 403);
    const char *v = web_form_field(r, "helpful");
    if (v == NULL || (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0))
        return web_error_page(r, 400);
    struct hd_error err = HD_ERROR_INIT;
    struct hd_faq_article art;
    struct hd_faq_text t;
    int found = load(r, slug, &art, &t, &err);
    if (found < 0)
        return fail(r, &err);
    if (found == 0)
        return web_error_page(r, 404);
    /* a first vote makes the visitor (the cookie goes with the 303) */
    int rec = hd_store_faq_vote(r->st, art.id, web_session_visitor(r),
                                strcmp(v, "yes") == 0, &err);
    if (rec < 0)
        return fail(r, &err);
    hd_info("web", "vote", "article=%lld helpful=%s recorded=%d",
            (long long)art.id, v, rec);
    web_resp_redirect(r, 303, hd_arena_printf(r->a, "/faq/%s#vote", slug));
}

/* No result, or nothing searched: other words to try, the popular
 * articles, and where to write instead. */
static void dead_end(struct web_req *r, struct web_html *h)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_faq_filter f = {.public_only = true, .order = HD_FAQ_BY_VIEWS,
                              .limit = 5};
    struct hd_faq_article *as;
    size_t n = 0;
    web_html_lit(h, "<p class=\"try\">");
    web_html_text(h, web_t(r->lang, M_SEARCH_TRY));
    web_html_lit(h, "</p>\n");
    if (hd_store_faq_article_list(r->st, &f, r->a, &as, &n, &err) == 0 &&
        n > 0) {
        article_links(r, h, true, as, n);
    }
    web_layout_contact(r, h, M_CONTACT_INSTEAD, false);
}

static void results(struct web_req *r, struct web_html *h, const char *q,
                    const struct faq_results *res)
{
    if (res->n == 0) {
        web_html_lit(h, "<p class=\"none\">");
        web_html_text(h, web_t(r->lang, M_SEARCH_NONE));
        web_html_lit(h, "</p>\n");
        if (res->suggestion != NULL) {
            web_html_lit(h, "<p class=\"suggest\">");
            web_html_text(h, web_t(r->lang, M_SEARCH_DID_YOU_MEAN));
            web_html_lit(h, " <a href=\"/faq/search?q=");
            web_html_urlq(h, res->suggestion);
            web_html_lit(h, "\">");
            web_html_text(h, res->suggestion);
            web_html_lit(h, "</a></p>\n");
        }
        dead_end(r, h);
        return;
    }
    (void)q;
    web_html_lit(h, "<p class=\"count\">");
    web_html_int(h, (long long)res->n);
    web_html_lit(h, " ");
    web_html_text(h, web_t(r->lang, M_SEARCH_RESULTS));
    web_html_lit(h, "</p>\n<ol class=\"results\">\n");
    for (size_t i = 0; i < res->n; i++) {
        web_html_lit(h, "<li><a href=\"/faq/");
        web_html_text(h, res->hits[i].slug);
        web_html_lit(h, "\">");
        web_html_text(h, res->hits[i].title);
        web_html_lit(h, "</a>\n<p class=\"snippet\">");
        web_html_safe(h, web_html_snippet(r->a, res->hits[i].snippet));
        web_html_lit(h, "</p></li>\n");
    }
    web_html_lit(h, "</ol>\n");
}

void web_page_search(struct web_req *r, const char *arg)
{
    (void)arg;
    const char *q = web_req_arg(r, "q");
    struct hd_error err = HD_ERROR_INIT;
    struct faq_results res = {0};
    int status = 200;
    bool bad = false;
    int64_t gen;
    if (web_cache_generation(r->st, &gen, &err) < 0)
        return fail(r, &err);
    pthread_once(&cache_once, caches_init);
    /* the page depends on the language and the query text only */
    const char *key = q ? hd_arena_printf(r->a, "%s %s", r->lang, q) : NULL;
    const char *val, *gz;
    size_t len, gz_len;
    if (key != NULL && web_cache_get_page(search_cache, key, gen, r->a, &val,
                                          &len, &gz, &gz_len)) {
        web_resp_page(r, 200, val, len);
        r->resp_gz = gz;
        r->resp_gz_len = gz_len;
        return;
    }
    struct faq_index *idx = NULL;
    if (q != NULL && faq_index_get(&search_index, r->st, gen, &idx, &err) < 0)
        return fail(r, &err);
    int rc = q != NULL ? faq_search(r->st, idx, q, r->lang, FAQ_SEARCH_LIMIT,
                                    r->a, &res, &err)
                       : 0;
    faq_index_release(&idx); /* the hits live in r->a */
    if (rc < 0) {
        if (err.code != HD_E_INVAL && err.code != HD_E_TOOBIG)
            return fail(r, &err);
        status = 400;
        bad = true;
    }
    const char *shown = q && !bad ? q : "";
    struct web_html h;
    web_html_init(&h);
    const char *title = *shown
        ? hd_arena_printf(r->a, "%s: %s", web_t(r->lang, M_SEARCH_TITLE),
                          shown)
        : web_t(r->lang, M_SEARCH_TITLE);
    struct web_page p = {.title = title,
                         .description = web_t(r->lang, M_FAQ_DESC)};
    struct web_html lq;
    web_html_init(&lq);
    if (*shown) {
        web_html_lit(&lq, "q=");
        web_html_urlq(&lq, shown);
        p.lang_query = hd_arena_strdup(r->a, hd_buf_cstr(&lq.b));
    }
    web_html_deinit(&lq);
    web_layout_begin(r, &h, &p);
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_t(r->lang, M_SEARCH_TITLE));
    web_html_lit(&h, "</h1>\n");
    web_layout_search_form(r, &h, shown);
    if (bad) {
        web_html_lit(&h, "<p class=\"error\">");
        web_html_text(&h, web_t(r->lang, M_SEARCH_BAD));
        web_html_lit(&h, "</p>\n");
    } else if (q != NULL && *q != '\0') {
        results(r, &h, q, &res);
    } else {
        dead_end(r, &h);
    }
    web_layout_end(r, &h);
    if (key != NULL && status == 200 && !h.failed)
        web_cache_put_page(search_cache, key, gen, r->a, hd_buf_cstr(&h.b),
                           h.b.len);
    web_resp_html(r, status, &h);
    web_html_deinit(&h);
}

void web_page_terms(struct web_req *r, const char *arg)
{
    (void)arg;
    struct hd_error err = HD_ERROR_INIT;
    char *md = NULL;
    int64_t updated = 0;
    int found = hd_store_site_text_get(r->st, "terms", r->lang, r->a, &md,
                                       &updated, &err);
    if (found == 0)
        found = hd_store_site_text_get(r->st, "terms", is_ja(r) ? "en" : "ja",
                                       r->a, &md, &updated, &err);
    if (found < 0)
        return fail(r, &err);
    struct web_html h;
    web_html_init(&h);
    struct web_page p = {.title = web_t(r->lang, M_TERMS_TITLE),
                         .description = web_t(r->lang, M_TERMS_TITLE),
                         .canonical = "/terms"};
    web_layout_begin(r, &h, &p);
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_t(r->lang, M_TERMS_TITLE));
    web_html_lit(&h, "</h1>\n");
    if (found) {
        struct faq_html fh;
        faq_render_html(md, r->a, &fh);
        web_html_lit(&h, "<div class=\"body\">");
        web_html_safe(&h, web_html_from_faq(&fh));
        web_html_lit(&h, "</div>\n<p class=\"updated\">");
        web_html_text(&h, web_t(r->lang, M_UPDATED));
        web_html_lit(&h, ": ");
        web_layout_date(r, &h, updated);
        web_html_lit(&h, "</p>\n");
    } else {
        web_html_lit(&h, "<p>");
        web_html_text(&h, web_t(r->lang, M_TERMS_EMPTY));
        web_html_lit(&h, "</p>\n");
    }
    web_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}
