/* store_fts_query.h - what a person types into a search box, as an FTS5
 * query for the "cjkbigram" tokenizer (store_fts.c): the one query
 * builder of the agents' ticket search and the public FAQ search.
 *
 * Nobody writes FTS5 syntax: the text is NFKC-normalised and case-folded,
 * cut into runs of letters, digits, kana and kanji, and every run becomes
 * a quoted phrase ("障害" "請求書" "api障害").  The tokenizer indexes the
 * bigrams of a kana/kanji run and its last character alone, so a run
 * that ENDS in a single kana or kanji (障, api障) is searched as a prefix
 * ("障"*): that finds the character at any place of a word, as the first
 * half of a bigram or as the last character.  With HD_FTS_Q_PREFIX_LAST
 * a final Latin word of two or more characters is a prefix too ("pass"*
 * finds "password": the FAQ's search-as-you-type).  Terms are ANDed, or
 * ORed with HD_FTS_Q_ANY.
 *
 * With HD_FTS_Q_TSQUERY the same query comes out as PostgreSQL tsquery
 * text for the tsvector columns of schema/pg (filled by hd_fts_tsvector(),
 * the cjkbigram tokens computed in SQL): each term is the phrase of the
 * tokens the tokenizer makes of it in a query ('障害' <-> '害が'), a
 * prefix term's last token ends in :*, terms are joined by & or |.  Use
 * it as ?::tsquery (never to_tsquery, whose parser would cut tokens). */
#ifndef HD_STORE_FTS_QUERY_H
#define HD_STORE_FTS_QUERY_H

#include "arena.h"
#include "hd.h"

#include <stdbool.h>
#include <stdint.h>

#define HD_FTS_Q_MAX_BYTES 512 /* longest text accepted */
#define HD_FTS_Q_MAX_TERMS 12  /* terms kept; the rest are ignored */

enum {
    HD_FTS_Q_ANY = 1,         /* join the terms with OR, not AND */
    HD_FTS_Q_PREFIX_LAST = 2, /* a final Latin word is a prefix */
    HD_FTS_Q_TSQUERY = 4,     /* PostgreSQL tsquery text, not FTS5 */
};

/* Builds the FTS5 query (or tsquery, see above) of text q.  Returns 1 and *fts_r (in a), 0 when
 * q has nothing searchable, -1 with HD_E_INVAL for invalid UTF-8 or
 * HD_E_TOOBIG over HD_FTS_Q_MAX_BYTES. */
HD_NODISCARD int hd_fts_query_build(const char *q, unsigned flags,
                                    struct hd_arena *a, char **fts_r,
                                    struct hd_error *err);

/* The terms of q as the builder cuts them, for an index that is not
 * FTS5 (the FAQ's in-memory index): text is folded, prefix says whether
 * the builder would search it as a prefix.  Same returns as
 * hd_fts_query_build(); up to HD_FTS_Q_MAX_TERMS terms in ts. */
struct hd_fts_term {
    const char *text; /* in a */
    size_t n;
    bool prefix;
};
HD_NODISCARD int hd_fts_query_terms(const char *q, unsigned flags,
                                    struct hd_arena *a,
                                    struct hd_fts_term *ts, size_t *n_r,
                                    struct hd_error *err);

/* The folded text of q (NFKC, case-folded), in a; q must be valid UTF-8.
 * *n_r is its length. */
char *hd_fts_fold(const char *q, size_t len, struct hd_arena *a,
                  size_t *n_r);

#endif
