/* htmlmail.h - HTML mail bodies: a whitelist sanitiser and HTML -> text.
 * The only module that includes libxml2's HTML parser.  Input must already
 * be UTF-8 (the parser is told so, overriding stale <meta charset>). */
#ifndef MG_HTMLMAIL_H
#define MG_HTMLMAIL_H

#include "arena.h"
#include "hd.h"

/* Largest HTML part we hand to libxml2; larger parts are cut there. */
#define MG_HTML_MAX (4u * 1024 * 1024)
/* Element nesting beyond this is flattened (its text is kept). */
#define MG_HTML_DEPTH_MAX 256

/* Parses html[0..n) once and produces, in the arena:
 *  - *safe_r: sanitised HTML (allowed tags only; a href http/https/mailto;
 *    img src only cid:, remote images moved to data-src; no event handlers,
 *    style, script, iframe, form), or NULL if safe_r is NULL;
 *  - *text_r: plain text (paragraphs, "- " list items, links as
 *    "text <url>", script/style/head skipped), or NULL if text_r is NULL.
 * Never fails: unparseable input gives empty strings. */
void mg_html_process(const char *html, size_t n, struct hd_arena *a,
                     char **safe_r, char **text_r);

#endif
