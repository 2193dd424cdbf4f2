/* store_faq.h - store verbs for the public FAQ: categories, articles and
 * their per-language texts, full-text search, views and votes,
 * announcements and editable site texts (the Terms page).
 *
 * Same rules as store.h: one connection per thread, strings of returned
 * records live in the arena passed in.  The search index (faq_fts) is
 * kept in step with faq_text by triggers, so every edit and delete shows
 * in the next search. */
#ifndef HD_STORE_FAQ_H
#define HD_STORE_FAQ_H

#include "store.h"

#define HD_FAQ_SLUG_MAX 80
#define HD_FAQ_TITLE_MAX 300
#define HD_FAQ_BODY_MAX (256 * 1024)

/* True for kana and kanji: the characters the search tokenizer splits
 * into bigrams (store_fts.c).  The query builder asks it too. */
bool hd_store_fts_is_cjk(uint32_t c);
/* True for the characters the tokenizer passes through unfolded because
 * NFKC case folding maps each of them, alone, to itself (hiragana,
 * katakana without the iteration and sound marks, unified ideographs). */
bool hd_store_fts_fold_identity(uint32_t c);
/* Runs the tokenizer outside the database (the FAQ's in-memory index and
 * its snippets): emit(ctx, 0, token, bytes, start, end) for each token,
 * start/end byte offsets in text; a non-zero return from emit stops.
 * query: tokenize as a query (no run-final unigram after a longer run).
 * Returns 0, or -1 when emit stopped it. */
int hd_store_fts_tokenize(const char *text, size_t len, bool query,
                          int (*emit)(void *, int, const char *, int, int,
                                      int),
                          void *ctx);

/* One published public text, as the in-memory FAQ index reads it. */
struct hd_faq_text_row {
    int64_t text_id, article_id;
    const char *slug, *lang, *title, *body_text;
};
/* Every text of a published public article, by text id, and the FAQ
 * generation read in the same transaction. */
HD_NODISCARD int hd_store_faq_public_texts(struct hd_store *st,
                                           struct hd_arena *a,
                                           struct hd_faq_text_row **rows_r,
                                           size_t *n_r, int64_t *gen_r,
                                           struct hd_error *err);

struct hd_faq_category {
    int64_t id;
    const char *slug, *title_ja, *title_en;
    int position;
};

/* Creates the category or updates its titles (NULL: keep).  Titles
 * default to the slug when the category is new. */
HD_NODISCARD int hd_store_faq_category_ensure(struct hd_store *st,
                                              const char *slug,
                                              const char *title_ja,
                                              const char *title_en,
                                              int64_t *id_r,
                                              struct hd_error *err);
/* All categories by position, then slug. */
HD_NODISCARD int hd_store_faq_category_list(struct hd_store *st,
                                            struct hd_arena *a,
                                            struct hd_faq_category **cs_r,
                                            size_t *n_r,
                                            struct hd_error *err);

struct hd_faq_article {
    int64_t id;
    const char *slug;
    int64_t category_id;       /* 0: none */
    const char *category_slug; /* NULL: none */
    bool internal, draft;
    int64_t views, helpful_yes, helpful_no;
    int64_t created_at, updated_at;
    const char *title_ja, *title_en; /* NULL when that language is absent */
};

struct hd_faq_text {
    const char *lang;                /* "ja" or "en" */
    const char *title, *body_md;
    const char *body_text;           /* plain text for the index */
    int64_t updated_at;
};

/* Creates or updates the article 'slug' (its category, visibility and
 * status).  *created_r (may be NULL) says which. */
HD_NODISCARD int hd_store_faq_article_put(struct hd_store *st,
                                          const char *slug,
                                          int64_t category_id, bool internal,
                                          bool draft, int64_t *id_r,
                                          bool *created_r,
                                          struct hd_error *err);
/* Creates or replaces the text of one language of an article. */
HD_NODISCARD int hd_store_faq_text_put(struct hd_store *st,
                                       int64_t article_id,
                                       const struct hd_faq_text *t,
                                       struct hd_error *err);
/* Removes one language of an article: 1 removed, 0 absent, -1 error. */
HD_NODISCARD int hd_store_faq_text_delete(struct hd_store *st,
                                          int64_t article_id,
                                          const char *lang,
                                          struct hd_error *err);
/* 1 found / 0 absent / -1 error. */
HD_NODISCARD int hd_store_faq_article_get(struct hd_store *st,
                                          const char *slug,
                                          struct hd_arena *a,
                                          struct hd_faq_article *art_r,
                                          struct hd_error *err);
/* 1 found / 0 absent / -1 error. */
HD_NODISCARD int hd_store_faq_text_get(struct hd_store *st,
                                       int64_t article_id, const char *lang,
                                       struct hd_arena *a,
                                       struct hd_faq_text *t_r,
                                       struct hd_error *err);
/* Deletes the article, its texts (and so its index entries) and votes.
 * 1 deleted / 0 absent / -1 error. */
HD_NODISCARD int hd_store_faq_article_delete(struct hd_store *st,
                                             const char *slug,
                                             struct hd_error *err);

enum hd_faq_order {
    HD_FAQ_BY_CATEGORY, /* category position, then slug */
    HD_FAQ_BY_VIEWS,    /* most viewed first */
    HD_FAQ_BY_UPDATED,  /* most recently updated first */
};

struct hd_faq_filter {
    bool public_only;    /* published and not internal */
    int64_t category_id; /* 0: any */
    int64_t exclude_id;  /* 0: none (related articles) */
    enum hd_faq_order order;
    size_t limit;        /* 0: no limit */
};

HD_NODISCARD int hd_store_faq_article_list(struct hd_store *st,
                                           const struct hd_faq_filter *f,
                                           struct hd_arena *a,
                                           struct hd_faq_article **as_r,
                                           size_t *n_r,
                                           struct hd_error *err);

struct hd_faq_hit {
    int64_t article_id;
    const char *slug, *lang, *title;
    const char *snippet; /* U+E000 opens, U+E001 closes a match; NULL
                            when the store left it to the caller: */
    const char *body;    /* the text's body then (PostgreSQL), else NULL */
    double rank;         /* bm25: lower is better */
};

#define HD_FAQ_MARK_OPEN "\xee\x80\x80"  /* U+E000 */
#define HD_FAQ_MARK_CLOSE "\xee\x80\x81" /* U+E001 */

/* The HD_FTS_Q_* syntax flag hd_store_faq_search() takes its query in:
 * 0 (FTS5) on SQLite, HD_FTS_Q_TSQUERY on PostgreSQL. */
unsigned hd_store_faq_query_flags(struct hd_store *st);

/* Runs a query (built by hd_fts_query_build() with
 * hd_store_faq_query_flags(), never raw user text)
 * over published public articles, best first, one hit per article (the
 * text in 'lang' wins a tie with the other language). */
HD_NODISCARD int hd_store_faq_search(struct hd_store *st,
                                     const char *fts_query, const char *lang,
                                     bool public_only, size_t limit,
                                     struct hd_arena *a,
                                     struct hd_faq_hit **hs_r, size_t *n_r,
                                     struct hd_error *err);
/* Indexed terms starting with 'prefix' (spelling suggestions), most
 * documents first. */
HD_NODISCARD int hd_store_faq_terms(struct hd_store *st, const char *prefix,
                                    size_t limit, struct hd_arena *a,
                                    const char ***terms_r, size_t *n_r,
                                    struct hd_error *err);

HD_NODISCARD int hd_store_faq_view_add(struct hd_store *st,
                                       int64_t article_id, int64_t count,
                                       struct hd_error *err);
/* Records a vote: 1 recorded, 0 this visitor already voted, -1 error. */
HD_NODISCARD int hd_store_faq_vote(struct hd_store *st, int64_t article_id,
                                   const char *visitor, bool helpful,
                                   struct hd_error *err);
/* 1 when the visitor has voted on the article, 0 when not. */
HD_NODISCARD int hd_store_faq_voted(struct hd_store *st, int64_t article_id,
                                    const char *visitor,
                                    struct hd_error *err);

/* The FAQ generation: a number that changes whenever a text, an
 * article's slug, category, visibility or dates, or a category changes,
 * in any process (triggers of schema/0016); views and votes leave it
 * alone.  Caches of rendered FAQ content compare it on every use. */
HD_NODISCARD int hd_store_faq_generation(struct hd_store *st, int64_t *gen_r,
                                         struct hd_error *err);

/* ---- announcements ---------------------------------------------------- */

struct hd_announcement {
    int64_t id;
    const char *kind; /* "maintenance", "service-end", "status" */
    const char *title_ja, *title_en, *body_ja, *body_en;
    int64_t starts_at, ends_at; /* 0: none */
    int64_t published_at, ended_at;
    bool forced;
};

HD_NODISCARD int hd_store_announce_add(struct hd_store *st,
                                       const struct hd_announcement *an,
                                       int64_t *id_r, struct hd_error *err);
/* active_at > 0: those shown at that time; 0: all, newest first. */
HD_NODISCARD int hd_store_announce_list(struct hd_store *st,
                                        int64_t active_at,
                                        struct hd_arena *a,
                                        struct hd_announcement **as_r,
                                        size_t *n_r, struct hd_error *err);
/* 1 ended / 0 no such active announcement / -1 error. */
HD_NODISCARD int hd_store_announce_end(struct hd_store *st, int64_t id,
                                       int64_t at, struct hd_error *err);

/* ---- site texts ------------------------------------------------------- */

/* 1 found / 0 absent / -1 error. */
HD_NODISCARD int hd_store_site_text_get(struct hd_store *st, const char *key,
                                        const char *lang, struct hd_arena *a,
                                        char **body_md_r, int64_t *updated_r,
                                        struct hd_error *err);
HD_NODISCARD int hd_store_site_text_set(struct hd_store *st, const char *key,
                                        const char *lang, const char *body_md,
                                        struct hd_error *err);

#endif
