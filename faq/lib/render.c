/* render.c - see render.h.  cmark-gfm stays in this file. */
#include "render.h"

#include "store_faq.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAQ_LINK_PREFIX "faq:"

static const char *const extensions[] = {"table", "strikethrough",
                                         "autolink", "tasklist", "tagfilter"};
static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

void faq_render_init(void)
{
    pthread_once(&registered, register_extensions);
}

bool faq_slug_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > HD_FAQ_SLUG_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '-'))
            return false;
    return true;
}

static cmark_parser *parser_new(void)
{
    faq_render_init();
    cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
    for (size_t i = 0; i < HD_ARRAY_LEN(extensions); i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(extensions[i]);
        hd_assert(e != NULL);
        cmark_parser_attach_syntax_extension(p, e);
    }
    return p;
}

/* Rewrites faq:SLUG link targets to /faq/SLUG. */
static void rewrite_links(cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_LINK)
            continue;
        const char *url = cmark_node_get_url(n);
        if (url == NULL || strncmp(url, FAQ_LINK_PREFIX, 4) != 0)
            continue;
        const char *slug = url + strlen(FAQ_LINK_PREFIX);
        char target[HD_FAQ_SLUG_MAX + 8] = "";
        if (faq_slug_valid(slug))
            snprintf(target, sizeof target, "/faq/%s", slug);
        cmark_node_set_url(n, target);
    }
    cmark_iter_free(it);
}

static cmark_node *parse(cmark_parser *p, const char *md)
{
    cmark_parser_feed(p, md, strlen(md));
    cmark_node *doc = cmark_parser_finish(p);
    rewrite_links(doc);
    return doc;
}

void faq_render_html(const char *md, struct hd_arena *a, struct faq_html *out)
{
    cmark_parser *p = parser_new();
    cmark_node *doc = parse(p, md);
    char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT,
                                   cmark_parser_get_syntax_extensions(p));
    out->len = strlen(html);
    out->html = hd_arena_strndup(a, html, out->len);
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(p);
}

/* Drops C0 controls except TAB and LF, and the snippet markers. */
static void strip_controls(char *s)
{
    char *w = s;
    for (const char *r = s; *r != '\0';) {
        unsigned char c = (unsigned char)*r;
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
            r++;
            continue;
        }
        if (strncmp(r, HD_FAQ_MARK_OPEN, 3) == 0 ||
            strncmp(r, HD_FAQ_MARK_CLOSE, 3) == 0) {
            r += 3;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

char *faq_render_text(const char *md, struct hd_arena *a)
{
    cmark_parser *p = parser_new();
    cmark_node *doc = parse(p, md);
    char *text = cmark_render_plaintext(doc, CMARK_OPT_DEFAULT, 0);
    char *out = hd_arena_strdup(a, text);
    free(text);
    cmark_node_free(doc);
    cmark_parser_free(p);
    strip_controls(out);
    return out;
}
