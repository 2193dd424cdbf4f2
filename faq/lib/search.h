/* search.h - what a visitor types into the search box, turned into a
 * safe FTS5 query, run, and (when nothing matches) a spelling suggestion.
 *
 * The visitor never writes FTS5 syntax: the text is NFKC-normalised and
 * case-folded, cut into runs of letters, digits, kana and kanji, and
 * every run becomes a quoted phrase ("障害" "請求書").  A run ending in
 * one kanji or kana becomes a prefix ("障"*), and so does a final Latin
 * word ("pass"* finds "password"): store_fts_query.h, shared with the
 * agents' ticket search.  All terms must match; when that finds nothing,
 * any term may. */
#ifndef FAQ_SEARCH_H
#define FAQ_SEARCH_H

#include "arena.h"
#include "faq_index.h"
#include "hd.h"
#include "store_faq.h"
#include "store_fts_query.h"

#define FAQ_QUERY_MAX_BYTES HD_FTS_Q_MAX_BYTES /* longest query accepted */
#define FAQ_QUERY_MAX_TERMS HD_FTS_Q_MAX_TERMS /* terms kept */
#define FAQ_SEARCH_LIMIT 20     /* hits per page */

/* Builds the FTS5 query.  any: join the terms with OR.  Returns 1 and
 * *fts_r (arena), 0 when q has nothing searchable, -1 with HD_E_INVAL for
 * invalid UTF-8 or HD_E_TOOBIG over FAQ_QUERY_MAX_BYTES. */
HD_NODISCARD int faq_search_query(const char *q, bool any,
                                  struct hd_arena *a, char **fts_r,
                                  struct hd_error *err);

struct faq_results {
    struct hd_faq_hit *hits;
    size_t n;
    const char *suggestion; /* NULL, or a corrected query to offer */
};

/* Searches published public articles; lang is preferred for the text of
 * a hit found in both languages.  With idx, in that in-memory index
 * (faq_index.h; the store then only gives spelling suggestions); without,
 * in the store's FTS5 index. */
HD_NODISCARD int faq_search(struct hd_store *st,
                            const struct faq_index *idx, const char *q,
                            const char *lang, size_t limit,
                            struct hd_arena *a, struct faq_results *res,
                            struct hd_error *err);

/* Levenshtein distance over bytes, capped: returns max+1 once it is
 * sure the distance exceeds max. */
size_t faq_edit_distance(const char *x, const char *y, size_t max);

#endif
