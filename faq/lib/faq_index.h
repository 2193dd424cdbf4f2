/* faq_index.h - the public FAQ's search index, in the server's memory.
 *
 * Built from the published public texts read through the store (so the
 * search is the same whichever database holds them), with the store's
 * tokenizer (hd_store_fts_tokenize: bigrams of kana/kanji runs, folded
 * Latin words) and the query builder's terms (hd_fts_query_terms), and
 * ranked as the SQL index ranks: BM25 with k1 = 1.2, b = 0.75, a title
 * occurrence worth 4 body ones, a text's length in tokens against the
 * average.
 *
 * Each indexed token keeps two lists of the texts containing it: in text
 * order with positions (phrases, prefixes, several terms, snippets), and
 * ordered by the token's precomputed score in each text (its "impact"),
 * so a one-token query's best texts are the first entries of its list and
 * nothing else is read.  Snippets are cut only for the hits returned.
 *
 * An index is immutable once built and shared by every thread; a holder
 * (faq_index_get) rebuilds it when the FAQ generation moves. */
#ifndef FAQ_INDEX_H
#define FAQ_INDEX_H

#include "arena.h"
#include "hd.h"
#include "store_faq.h"

#include <pthread.h>

struct faq_index;

/* Builds an index of the published public texts. */
HD_NODISCARD int faq_index_build(struct hd_store *st,
                                 struct faq_index **idx_r,
                                 struct hd_error *err);
/* Drops a reference (the builder's, or one from faq_index_get); the last
 * one frees the index.  Sets *idx to NULL. */
void faq_index_release(struct faq_index **idx);

/* The FAQ generation the index was built from. */
int64_t faq_index_generation(const struct faq_index *idx);
/* Bytes the index holds (texts, tokens, lists). */
size_t faq_index_bytes(const struct faq_index *idx);
/* Texts indexed. */
size_t faq_index_texts(const struct faq_index *idx);

/* With the HD_FTS_Q_* flags of faq_index_search: all terms, and when no
 * text has them all, any (the terms are read once for both). */
#define FAQ_INDEX_ANY_IF_NONE 0x100u

/* Searches like hd_store_faq_search() but on the index: the query is what
 * a person typed, cut by the query builder with flags (HD_FTS_Q_*).
 * Best first, one hit per article (its text in lang when that text
 * matches too), up to limit; snippets and titles in a.  Returns 1 with
 * hits, 0 when q has nothing searchable, -1 on invalid or too long q. */
HD_NODISCARD int faq_index_search(const struct faq_index *idx,
                                  const char *q, unsigned flags,
                                  const char *lang, size_t limit,
                                  struct hd_arena *a,
                                  struct hd_faq_hit **hs_r, size_t *n_r,
                                  struct hd_error *err);

/* The snippet faq_index_search() gives a hit, cut from body for what a
 * person typed (q, cut with flags): "" when q has nothing searchable.
 * In a.  For hits found elsewhere (the store's search on PostgreSQL). */
const char *faq_index_snippet(const char *body, const char *q,
                              unsigned flags, struct hd_arena *a);

/* One current index per process (or per store), rebuilt on demand. */
struct faq_index_holder {
    pthread_mutex_t mu;
    struct faq_index *idx;
};
#define FAQ_INDEX_HOLDER_INIT {PTHREAD_MUTEX_INITIALIZER, NULL}

/* A reference to an index built from generation gen or later (rebuilt
 * from st first when the held one is older); release it when done. */
HD_NODISCARD int faq_index_get(struct faq_index_holder *h,
                               struct hd_store *st, int64_t gen,
                               struct faq_index **idx_r,
                               struct hd_error *err);
void faq_index_holder_clear(struct faq_index_holder *h);

#endif
