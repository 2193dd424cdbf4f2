/* html.c - see html.h. */
#include "html.h"

#include "store_faq.h"

#include <stdio.h>
#include <string.h>
#include <unistr.h>

void web_html_init(struct web_html *h)
{
    hd_buf_init(&h->b, WEB_PAGE_MAX);
    h->failed = false;
}

void web_html_deinit(struct web_html *h)
{
    hd_buf_deinit(&h->b);
}

static void put(struct web_html *h, const char *p, size_t n)
{
    struct hd_error err = HD_ERROR_INIT;
    if (!h->failed && hd_buf_append(&h->b, p, n, &err) < 0)
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
    const uint8_t *p = (const uint8_t *)s, *end = p + n;
    while (p < end) {
        const uint8_t *run = p;
        while (p < end && *p < 0x80 && *p != '&' && *p != '<' && *p != '>' &&
               *p != '"' && *p != '\'' && *p != 0)
            p++;
        put(h, (const char *)run, (size_t)(p - run));
        if (p >= end)
            break;
        switch (*p) {
        case '&': put(h, "&amp;", 5); p++; continue;
        case '<': put(h, "&lt;", 4); p++; continue;
        case '>': put(h, "&gt;", 4); p++; continue;
        case '"': put(h, "&quot;", 6); p++; continue;
        case '\'': put(h, "&#39;", 5); p++; continue;
        case 0: put(h, "\xef\xbf\xbd", 3); p++; continue;
        default: break;
        }
        ucs4_t c;
        int k = u8_mbtoucr(&c, p, (size_t)(end - p));
        if (k < 0) { /* invalid or truncated: one byte becomes U+FFFD */
            put(h, "\xef\xbf\xbd", 3);
            p++;
        } else {
            put(h, (const char *)p, (size_t)k);
            p += k;
        }
    }
}

void web_html_text(struct web_html *h, const char *s)
{
    if (s != NULL)
        web_html_textn(h, s, strlen(s));
}

void web_html_urlq(struct web_html *h, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' ||
            *p == '~') {
            put(h, (const char *)p, 1);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            put(h, e, 3);
        }
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
