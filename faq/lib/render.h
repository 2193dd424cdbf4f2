/* render.h - FAQ Markdown to safe HTML (cmark-gfm in its safe mode: raw
 * HTML omitted, javascript: and data: URLs blanked) and to plain text for
 * the search index.  Knows nothing about pages or HTTP. */
#ifndef FAQ_RENDER_H
#define FAQ_RENDER_H

#include "arena.h"
#include "hd.h"

/* HTML that came out of the safe renderer.  Only render.c fills one;
 * web/http/html.c turns it into a struct web_safe_html. */
struct faq_html {
    const char *html; /* NUL-terminated, lives in the arena given */
    size_t len;
};

/* Registers the GFM extensions; call once before threads start (the
 * renderer also calls it through pthread_once). */
void faq_render_init(void);

/* Renders Markdown.  Links written [text](faq:SLUG) point to /faq/SLUG;
 * a faq: link with a malformed slug loses its target.  Never fails. */
void faq_render_html(const char *md, struct hd_arena *a,
                     struct faq_html *out);

/* The text a reader sees, for the index and for meta descriptions:
 * markup dropped, control characters and the snippet marker characters
 * (U+E000, U+E001) removed. */
char *faq_render_text(const char *md, struct hd_arena *a);

/* True when s is a valid article slug: 1..HD_FAQ_SLUG_MAX of [a-z0-9-]. */
bool faq_slug_valid(const char *s);

#endif
