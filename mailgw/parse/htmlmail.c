/* htmlmail.c - HTML mail sanitiser and HTML -> text (see htmlmail.h).
 *
 * Both outputs come from one walk over libxml2's repaired tree.  The
 * sanitiser is a whitelist: an element not in 'tags' is unwrapped (its
 * children kept) unless it is in 'drop_tags', which go with their content.
 * Attributes are dropped unless listed; URLs are checked after the parser
 * decoded entities, so "jav&#x09;ascript:" is seen as the TAB it is. */
#include "htmlmail.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "codec.h"

#define TEXT_BLANK_LINES_MAX 2

struct tagrule {
    const char *name;
    bool block;  /* starts a new line in text */
    bool empty;  /* void element (no end tag) */
};

static const struct tagrule tags[] = {
    {"a", false, false},      {"abbr", false, false},  {"b", false, false},
    {"blockquote", true, false}, {"br", true, true}, {"caption", true, false},
    {"center", true, false},  {"cite", false, false},  {"code", false, false},
    {"dd", true, false},      {"div", true, false},    {"dl", true, false},
    {"dt", true, false},      {"em", false, false},    {"font", false, false},
    {"h1", true, false},      {"h2", true, false},     {"h3", true, false},
    {"h4", true, false},      {"h5", true, false},     {"h6", true, false},
    {"hr", true, true},       {"i", false, false},     {"img", false, true},
    {"li", true, false},      {"ol", true, false},     {"p", true, false},
    {"pre", true, false},     {"q", false, false},     {"s", false, false},
    {"small", false, false},  {"span", false, false},  {"strike", false, false},
    {"strong", false, false}, {"sub", false, false},   {"sup", false, false},
    {"table", true, false},   {"tbody", false, false}, {"td", false, false},
    {"tfoot", false, false},  {"th", false, false},    {"thead", false, false},
    {"tr", true, false},      {"tt", false, false},    {"u", false, false},
    {"ul", true, false},
};

/* Removed with everything inside them. */
static const char *const drop_tags[] = {
    "script", "style", "head", "title", "iframe", "frame", "frameset",
    "object", "embed", "applet", "svg", "math", "form", "input", "button",
    "select", "textarea", "template", "noscript", "meta", "link", "base",
    "audio", "video", "canvas", "xml",
};

/* Block-level for text even though unwrapped in HTML. */
static const char *const text_blocks[] = {
    "section", "article", "header", "footer", "nav", "aside", "main",
    "address", "figure", "figcaption", "body", "html",
};

struct walk {
    struct hd_arena *a;
    struct hd_buf safe, text;
    bool want_safe, want_text;
    int pending_nl;  /* text: newlines due before more text (1 or 2) */
    int pre;         /* inside <pre> */
    struct hd_error err;
};

static const struct tagrule *find_tag(const char *name)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(tags); i++)
        if (strcasecmp(name, tags[i].name) == 0)
            return &tags[i];
    return NULL;
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(name, list[i]) == 0)
            return true;
    return false;
}

/* Appends; the buffers' ceilings are far above MG_HTML_MAX's output, so a
 * refusal only truncates. */
static void put(struct hd_buf *b, const char *s, size_t n)
{
    struct hd_error e;
    if (hd_buf_append(b, s, n, &e) < 0)
        return;
}

/* Escaped text or attribute value; like put(), a refusal truncates. */
static void put_esc(struct hd_buf *b, const char *s)
{
    struct hd_error e;
    if (hd_html_esc_buf(b, s, strlen(s), HD_HTML_ESC_BYTES, &e) < 0)
        return;
}

/* True for http:, https: and mailto: URLs with no control characters or
 * spaces inside (after trimming the ends). */
static bool url_ok(const char *u, bool allow_mailto)
{
    size_t n = strlen(u);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f)
            return false;
    return strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0
           || (allow_mailto && strncasecmp(u, "mailto:", 7) == 0);
}

static bool cid_ok(const char *c)
{
    if (!*c)
        return false;
    for (; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f)
            return false;
    return true;
}

/* Returns the attribute trimmed of surrounding whitespace, or NULL. */
static char *attr(struct walk *w, xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    const char *s = (const char *)v;
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    char *r = hd_arena_strndup(w->a, s, len);
    xmlFree(v);
    return r;
}

static void safe_attr(struct walk *w, const char *name, const char *v)
{
    put(&w->safe, " ", 1);
    put(&w->safe, name, strlen(name));
    put(&w->safe, "=\"", 2);
    put_esc(&w->safe, v);
    put(&w->safe, "\"", 1);
}

/* Allowed attributes per element; everything else (on*, style) drops. */
static void safe_attrs(struct walk *w, xmlNode *n, const char *tag)
{
    char *v;
    if (strcmp(tag, "a") == 0 && (v = attr(w, n, "href")) && url_ok(v, true))
        safe_attr(w, "href", v);
    if (strcmp(tag, "img") == 0 && (v = attr(w, n, "src"))) {
        if (strncasecmp(v, "cid:", 4) == 0 && cid_ok(v + 4))
            safe_attr(w, "src", v);
        else if (url_ok(v, false))
            safe_attr(w, "data-src", v); /* remote: not loaded by default */
    }
    if (strcmp(tag, "img") == 0 && (v = attr(w, n, "alt")))
        safe_attr(w, "alt", v);
    if ((strcmp(tag, "td") == 0 || strcmp(tag, "th") == 0)) {
        if ((v = attr(w, n, "colspan")) && strspn(v, "0123456789") == strlen(v) && *v)
            safe_attr(w, "colspan", v);
        if ((v = attr(w, n, "rowspan")) && strspn(v, "0123456789") == strlen(v) && *v)
            safe_attr(w, "rowspan", v);
    }
}

static void text_break(struct walk *w, int lines)
{
    if (w->pending_nl < lines)
        w->pending_nl = lines;
}

/* Appends text, collapsing whitespace outside <pre>. */
static void text_add(struct walk *w, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
        if (!w->pre && space) {
            if (w->text.len > 0 && !w->pending_nl
                && w->text.data[w->text.len - 1] != ' '
                && w->text.data[w->text.len - 1] != '\n')
                put(&w->text, " ", 1);
            continue;
        }
        if (w->pending_nl && w->text.len > 0) {
            while (w->text.len > 0 && w->text.data[w->text.len - 1] == ' ')
                w->text.data[--w->text.len] = '\0';
            size_t have = 0;
            while (have < w->text.len
                   && w->text.data[w->text.len - 1 - have] == '\n')
                have++;
            for (; have < (size_t)w->pending_nl; have++)
                put(&w->text, "\n", 1);
        }
        w->pending_nl = 0;
        put(&w->text, s, 1);
    }
}

static void walk_children(struct walk *w, xmlNode *n, int depth);

static void walk_link_text(struct walk *w, xmlNode *n, int depth)
{
    char *href = attr(w, n, "href");
    size_t before = w->text.len;
    walk_children(w, n, depth + 1);
    if (!href || !url_ok(href, true) || !w->want_text)
        return;
    const char *shown = w->text.data ? w->text.data + before : "";
    const char *bare = strncasecmp(href, "mailto:", 7) == 0 ? href + 7 : href;
    if (strcmp(shown, href) == 0 || strcmp(shown, bare) == 0)
        return;
    if (w->text.len == before)
        text_add(w, bare);
    else {
        put(&w->text, " <", 2);
        put(&w->text, bare, strlen(bare));
        put(&w->text, ">", 1);
    }
}

static void walk_element(struct walk *w, xmlNode *n, int depth)
{
    const char *name = (const char *)n->name;
    if (in_list(name, drop_tags, HD_ARRAY_LEN(drop_tags)))
        return;
    const struct tagrule *t = depth < MG_HTML_DEPTH_MAX ? find_tag(name) : NULL;
    bool para = strcasecmp(name, "p") == 0 || strcasecmp(name, "blockquote") == 0
                || strcasecmp(name, "table") == 0
                || (tolower((unsigned char)name[0]) == 'h'
                    && isdigit((unsigned char)name[1]));
    bool block = (t && t->block)
                 || in_list(name, text_blocks, HD_ARRAY_LEN(text_blocks));
    if (block)
        text_break(w, para ? 2 : 1);
    if (t) {
        put(&w->safe, "<", 1);
        put(&w->safe, t->name, strlen(t->name));
        safe_attrs(w, n, t->name);
        put(&w->safe, ">", 1);
    }
    if (strcasecmp(name, "li") == 0) {
        text_add(w, "- ");
    } else if (strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0) {
        if (w->text.len && w->text.data[w->text.len - 1] != '\n' && !w->pending_nl)
            put(&w->text, " ", 1);
    } else if (strcasecmp(name, "hr") == 0) {
        text_add(w, "----");
        text_break(w, 1);
    }
    if (strcasecmp(name, "pre") == 0)
        w->pre++;
    if (strcasecmp(name, "a") == 0)
        walk_link_text(w, n, depth);
    else if (!t || !t->empty)
        walk_children(w, n, depth + 1);
    if (strcasecmp(name, "pre") == 0)
        w->pre--;
    if (strcasecmp(name, "br") == 0) {
        put(&w->text, "\n", 1);
        w->pending_nl = 0;
    }
    if (t && !t->empty) {
        put(&w->safe, "</", 2);
        put(&w->safe, t->name, strlen(t->name));
        put(&w->safe, ">", 1);
    }
    if (block)
        text_break(w, para ? 2 : 1);
}

static void walk_children(struct walk *w, xmlNode *n, int depth)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            walk_element(w, c, depth);
        else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            const char *s = (const char *)c->content;
            if (!s)
                continue;
            put_esc(&w->safe, s);
            text_add(w, s);
        }
    }
}

/* Trims trailing space per line and caps runs of blank lines. */
static char *tidy_text(struct hd_arena *a, const char *s, size_t n)
{
    char *o = hd_arena_alloc(a, n + 1);
    size_t k = 0, nl = 0;
    while (n > 0 && (*s == '\n' || *s == ' '))
        s++, n--;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            while (k > 0 && o[k - 1] == ' ')
                k--;
            if (++nl > TEXT_BLANK_LINES_MAX)
                continue;
        } else
            nl = 0;
        o[k++] = s[i];
    }
    while (k > 0 && (o[k - 1] == '\n' || o[k - 1] == ' '))
        k--;
    o[k] = '\0';
    return o;
}

void mg_html_process(const char *html, size_t n, struct hd_arena *a,
                     char **safe_r, char **text_r)
{
    struct walk w = {.a = a, .want_safe = safe_r != NULL,
                     .want_text = text_r != NULL};
    hd_buf_init(&w.safe, 8 * (size_t)MG_HTML_MAX);
    hd_buf_init(&w.text, 2 * (size_t)MG_HTML_MAX);
    if (n > MG_HTML_MAX)
        n = MG_HTML_MAX;
    htmlDocPtr doc = n ? htmlReadMemory(html, (int)n, NULL, "UTF-8",
                                        HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                                            | HTML_PARSE_NONET)
                       : NULL;
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root) {
        xmlNode fake = {.children = root};
        walk_children(&w, &fake, 0);
    }
    if (doc)
        xmlFreeDoc(doc);
    if (safe_r)
        *safe_r = hd_arena_strndup(a, hd_buf_cstr(&w.safe), w.safe.len);
    if (text_r)
        *text_r = tidy_text(a, hd_buf_cstr(&w.text), w.text.len);
    hd_buf_deinit(&w.safe);
    hd_buf_deinit(&w.text);
}
