/* html.c - see html.h. */
#include "html.h"

#include "codec.h"
#include "store_faq.h"

#include <stdio.h>
#include <string.h>

void web_html_init(struct web_html *h)
{
    hd_buf_init(&h->b, WEB_PAGE_MAX);
    h->failed = false;
}

void web_html_deinit(struct web_html *h)
{
    hd_buf_deinit(&h->b);
}

/* Appends n bytes.  The common case (room in the buffer, under the
 * page cap) is a plain copy; only growth and the cap go through
 * hd_buf_append() and its error. */
static void put(struct web_html *h, const char *p, size_t n)
{
    struct hd_buf *b = &h->b;
    if (h->failed)
        return;
    if (b->data != NULL && n < b->cap - b->len && n <= b->max - b->len) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    struct hd_error err = HD_ERROR_INIT;
    if (hd_buf_append(b, p, n, &err) < 0)
        h->failed = true;
}

void web_html_raw_(struct web_html *h, const char *literal)
{
    put(h, literal, strlen(literal));
}

void web_html_safe(struct web_html *h, struct web_safe_html s)
{
    put(h, s.html, s.len);
}

void web_html_int(struct web_html *h, long long v)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", v);
    put(h, num, (size_t)n);
}

void web_html_textn(struct web_html *h, const char *s, size_t n)
{
    struct hd_error err = HD_ERROR_INIT;
    if (!h->failed && hd_html_esc_buf(&h->b, s, n, HD_HTML_ESC_UTF8, &err) < 0)
        h->failed = true;
}

void web_html_text(struct web_html *h, const char *s)
{
    if (s != NULL)
        web_html_textn(h, s, strlen(s));
}

static bool url_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == '~';
}

void web_html_urlq(struct web_html *h, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    while (p != NULL && *p != '\0') {
        const unsigned char *run = p;
        while (url_unreserved(*p))
            p++;
        put(h, (const char *)run, (size_t)(p - run));
        if (*p == '\0')
            break;
        char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        put(h, e, 3);
        p++;
    }
}

const char *web_html_esc(struct hd_arena *a, const char *s)
{
    struct web_html h;
    web_html_init(&h);
    web_html_text(&h, s);
    const char *out = hd_arena_strdup(a, hd_buf_cstr(&h.b));
    web_html_deinit(&h);
    return out;
}

struct web_safe_html web_html_from_faq(const struct faq_html *f)
{
    return (struct web_safe_html){f->html, f->len};
}

struct web_safe_html web_html_snippet(struct hd_arena *a, const char *snip)
{
    struct web_html h;
    web_html_init(&h);
    bool open = false;
    const char *p = snip;
    while (*p != '\0') {
        const char *o = strstr(p, HD_FAQ_MARK_OPEN);
        const char *c = strstr(p, HD_FAQ_MARK_CLOSE);
        const char *m = o && (!c || o < c) ? o : c;
        if (m == NULL) {
            web_html_text(&h, p);
            break;
        }
        web_html_textn(&h, p, (size_t)(m - p));
        if (m == o && !open)
            web_html_lit(&h, "<mark>");
        else if (m == c && open)
            web_html_lit(&h, "</mark>");
        open = (m == o) ? true : (m == c ? false : open);
        p = m + strlen(HD_FAQ_MARK_OPEN);
    }
    if (open)
        web_html_lit(&h, "</mark>");
    struct web_safe_html s = {hd_arena_strndup(a, hd_buf_cstr(&h.b), h.b.len),
                              h.b.len};
    web_html_deinit(&h);
    return s;
}
