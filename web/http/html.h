/* html.h - the string builder every page is written with, over the one
 * HTML escaper (hd_html_esc_buf() in codec.h).  Text goes in escaped (web_html_text); markup goes in
 * only as C string literals (web_html_lit, enforced by the macro) or as
 * a struct web_safe_html, which only this file (from escaped text or
 * search snippets) and the FAQ renderer (through web_html_from_faq) make.
 * Invalid UTF-8 in text is replaced by U+FFFD, so hostile bytes are never
 * echoed raw. */
#ifndef WEB_HTML_H
#define WEB_HTML_H

#include "arena.h"
#include "buf.h"
#include "hd.h"
#include "render.h"

#define WEB_PAGE_MAX (4u * 1024 * 1024) /* largest page we build */

struct web_safe_html {
    const char *html;
    size_t len;
};

struct web_html {
    struct hd_buf b;
    bool failed; /* over WEB_PAGE_MAX: the page is replaced by a 500 */
};

void web_html_init(struct web_html *h);
void web_html_deinit(struct web_html *h);

/* Appends s escaped (& < > " ' and invalid UTF-8). */
void web_html_text(struct web_html *h, const char *s);
void web_html_textn(struct web_html *h, const char *s, size_t n);
/* Appends a decimal number. */
void web_html_int(struct web_html *h, long long v);
/* Appends s percent-encoded for a URL query value, then escaped. */
void web_html_urlq(struct web_html *h, const char *s);
void web_html_safe(struct web_html *h, struct web_safe_html s);
/* Markup from a string literal only: the "" s "" forces a literal. */
#define web_html_lit(h, s) web_html_raw_((h), "" s "")
void web_html_raw_(struct web_html *h, const char *literal);

/* Escaped copy of s in the arena. */
const char *web_html_esc(struct hd_arena *a, const char *s);
struct web_safe_html web_html_from_faq(const struct faq_html *f);
/* A search snippet: text escaped, then the marker characters
 * (HD_FAQ_MARK_OPEN/CLOSE) turned into <mark> and </mark>; unbalanced
 * markers are closed. */
struct web_safe_html web_html_snippet(struct hd_arena *a, const char *snip);

#endif
