/* store_faq.c - see store_faq.h.  The FAQ tables are in
 * schema/0002_faq.sql; the index follows faq_text through triggers. */
#include "store_faq.h"

#include "clock.h"
#include "store_fts_query.h"
#include "store_int.h"

#include <string.h>

#define FAQ_SEARCH_OVERFETCH 3 /* rows read per hit wanted (two languages) */
#define FAQ_SNIPPET_TOKENS 24
/* Texts scored per pass: a query matching more is ranked on its newest
 * matches only, title matches first (see hd_store_faq_search). */
#define FAQ_SEARCH_CANDIDATES 240

#define ARTICLE_COLS                                                         \
    "SELECT a.id, a.slug, a.category_id, c.slug, a.internal, a.draft, "     \
    "a.views, a.helpful_yes, a.helpful_no, a.created_at, a.updated_at, "    \
    "(SELECT title FROM faq_text WHERE article_id = a.id AND lang = 'ja'), " \
    "(SELECT title FROM faq_text WHERE article_id = a.id AND lang = 'en') "
#define ARTICLE_JOIN "LEFT JOIN faq_category c ON c.id = a.category_id "
#define ARTICLE_FILTER                                                       \
    "(?1 = 0 OR (internal = 0 AND draft = 0)) "                             \
    "AND (CAST(?3 AS bigint) IS NULL OR id <> ?3) "
/* Ranked lists pick their ids first (walking an index, stopping at the
 * limit) and only then fetch titles: with thousands of articles the
 * title lookups of every row before the sort cost more than the page. */
#define ARTICLE_PICKED(inner, order)                                         \
    ARTICLE_COLS "FROM (" inner ") AS pick JOIN faq_article a "             \
    "ON a.id = pick.id " ARTICLE_JOIN "ORDER BY " order

#define SEARCH_SQL                                                           \
    "SELECT rowid, bm25(faq_fts, 4.0, 1.0) AS r, "                           \
    "snippet(faq_fts, 1, ?2, ?3, '…', ?6) "                                  \
    "FROM faq_fts WHERE faq_fts MATCH ?1 AND rowid >= ?4 "                   \
    "ORDER BY r LIMIT ?5"
#define SEARCH_FLOOR_SQL                                                     \
    "SELECT rowid FROM faq_fts WHERE faq_fts MATCH ?1 "                      \
    "ORDER BY rowid DESC LIMIT 1 OFFSET ?2"

/* PostgreSQL (schema/pg/0002): faq_fts holds the title's tokens
 * (weight A) and the body's (D) as tsvectors, the GIN index their
 * concatenation; ?1 is tsquery text.  bm25(4.0, 1.0) becomes ts_rank_cd
 * with the title weighing 4 times the body, its length normalisation
 * (1: divided by 1 + log of the text's length) standing in for bm25's,
 * negated so that lower is better as with bm25.  The body comes back
 * instead of a snippet, which faq/lib cuts (faq_index_snippet()), as the
 * tsvector keeps no text and ts_headline() knows no bigrams. */
#define PG_MATCH "f.title || f.body_text @@ ?1::tsquery "
#define PG_SEARCH_SQL(title)                                                 \
    "SELECT f.rowid, -ts_rank_cd('{0.25,0.25,0.25,1}', "                     \
    "f.title || f.body_text, ?1::tsquery, 1) AS r, t.body_text "             \
    "FROM faq_fts f JOIN faq_text t ON t.id = f.rowid "                      \
    "WHERE " PG_MATCH title "AND f.rowid >= ?2 ORDER BY r, f.rowid LIMIT ?3"
#define PG_FLOOR_SQL(title)                                                  \
    "SELECT f.rowid FROM faq_fts f WHERE " PG_MATCH title                    \
    "ORDER BY f.rowid DESC LIMIT 1 OFFSET ?2"
#define PG_TITLE "AND f.title @@ ?1::tsquery "

enum {
    ST_CAT_GET,
    ST_CAT_INSERT,
    ST_CAT_UPDATE,
    ST_CAT_LIST,
    ST_ART_GET,
    ST_ART_INSERT,
    ST_ART_UPDATE,
    ST_ART_DELETE,
    ST_ART_LIST_CAT,
    ST_ART_LIST_VIEWS,
    ST_ART_LIST_VIEWS_IN,
    ST_ART_LIST_UPDATED,
    ST_TEXT_PUT,
    ST_TEXT_GET,
    ST_TEXT_DELETE,
    ST_SEARCH,
    ST_SEARCH_TITLE,
    ST_SEARCH_ROW,
    ST_SEARCH_FLOOR,
    ST_SEARCH_FLOOR_TITLE,
    ST_TERMS,
    ST_VIEW_ADD,
    ST_VOTE_INSERT,
    ST_VOTE_YES,
    ST_VOTE_NO,
    ST_VOTED,
    ST_ANN_INSERT,
    ST_ANN_ACTIVE,
    ST_ANN_ALL,
    ST_ANN_END,
    ST_SITE_GET,
    ST_SITE_SET,
    ST_GENERATION,
    ST_PUBLIC_TEXTS,
    ST_COUNT
};

static const char *const sql[ST_COUNT] = {
    [ST_CAT_GET] = "SELECT id FROM faq_category WHERE slug = ?1",
    [ST_CAT_INSERT] = "INSERT INTO faq_category(slug, title_ja, title_en, "
                      "position) VALUES (?1, ?2, ?3, "
                      "(SELECT count(*) FROM faq_category)) RETURNING id",
    [ST_CAT_UPDATE] = "UPDATE faq_category SET "
                      "title_ja = coalesce(?2, title_ja), "
                      "title_en = coalesce(?3, title_en) WHERE id = ?1",
    [ST_CAT_LIST] = "SELECT id, slug, title_ja, title_en, position "
                    "FROM faq_category ORDER BY position, slug",
    [ST_ART_GET] = ARTICLE_COLS "FROM faq_article a " ARTICLE_JOIN
    "WHERE a.slug = ?1",
    [ST_ART_INSERT] = "INSERT INTO faq_article(slug, category_id, internal, "
                      "draft, created_at, updated_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id",
    [ST_ART_UPDATE] = "UPDATE faq_article SET category_id = ?2, "
                      "internal = ?3, draft = ?4, updated_at = ?5 "
                      "WHERE id = ?1",
    [ST_ART_DELETE] = "DELETE FROM faq_article WHERE slug = ?1",
    [ST_ART_LIST_CAT] = ARTICLE_COLS "FROM faq_article a " ARTICLE_JOIN
    "WHERE (?1 = 0 OR (a.internal = 0 AND a.draft = 0)) "
    "AND (CAST(?2 AS bigint) IS NULL OR a.category_id = ?2) AND (CAST(?3 AS bigint) IS NULL OR a.id <> ?3) "
    "ORDER BY c.position IS NULL, c.position, a.slug LIMIT ?4",
    [ST_ART_LIST_VIEWS] = ARTICLE_PICKED(
        "SELECT id FROM faq_article WHERE " ARTICLE_FILTER
        "AND " STORE_PARAM_UNUSED("?2", "bigint")
        " ORDER BY views DESC, id LIMIT ?4", "a.views DESC, a.id"),
    [ST_ART_LIST_VIEWS_IN] = ARTICLE_PICKED(
        "SELECT id FROM faq_article WHERE category_id = ?2 AND "
        ARTICLE_FILTER "ORDER BY views DESC, id LIMIT ?4",
        "a.views DESC, a.id"),
    [ST_ART_LIST_UPDATED] = ARTICLE_PICKED(
        "SELECT id FROM faq_article WHERE " ARTICLE_FILTER
        "AND " STORE_PARAM_UNUSED("?2", "bigint")
        " ORDER BY updated_at DESC, id LIMIT ?4", "a.updated_at DESC, a.id"),
    [ST_TEXT_PUT] = "INSERT INTO faq_text(article_id, lang, title, body_md, "
                    "body_text, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                    "ON CONFLICT(article_id, lang) DO UPDATE SET "
                    "title = excluded.title, body_md = excluded.body_md, "
                    "body_text = excluded.body_text, "
                    "updated_at = excluded.updated_at",
    [ST_TEXT_GET] = "SELECT lang, title, body_md, body_text, updated_at "
                    "FROM faq_text WHERE article_id = ?1 AND lang = ?2",
    [ST_TEXT_DELETE] =
        "DELETE FROM faq_text WHERE article_id = ?1 AND lang = ?2",
    /* Ranked on the index alone: bm25() sorted by SQLite under a LIMIT
     * keeps only the best rows while scanning (FTS5's own "ORDER BY
     * rank" sorts every match first: 40% more work with thousands of
     * matches, measured).  Only texts from rowid ?4 up are scored: the
     * candidates hd_store_faq_search chose.  Each row kept is then
     * looked up, and visibility filtered (hence the over-fetch in
     * hd_store_faq_search). */
    [ST_SEARCH] = SEARCH_SQL,
    /* on SQLite the title's column filter is in the query text (?1) */
    [ST_SEARCH_TITLE] = SEARCH_SQL,
    /* The ?2-th newest match (0 = the newest): reads rowids only, no
     * scoring, and stops there. */
    [ST_SEARCH_FLOOR] = SEARCH_FLOOR_SQL,
    [ST_SEARCH_FLOOR_TITLE] = SEARCH_FLOOR_SQL,
    [ST_SEARCH_ROW] = "SELECT a.id, a.slug, t.lang, t.title "
                      "FROM faq_text t JOIN faq_article a "
                      "ON a.id = t.article_id WHERE t.id = ?1 "
                      "AND (?2 = 0 OR (a.internal = 0 AND a.draft = 0))",
    [ST_TERMS] = "SELECT term FROM faq_vocab WHERE term >= ?1 AND term < ?2 "
                 "ORDER BY doc DESC LIMIT ?3",
    [ST_VIEW_ADD] = "UPDATE faq_article SET views = views + ?2 WHERE id = ?1",
    [ST_VOTE_INSERT] = "INSERT INTO faq_vote(article_id, visitor, "
                       "helpful, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
    [ST_VOTE_YES] = "UPDATE faq_article SET helpful_yes = helpful_yes + 1 "
                    "WHERE id = ?1",
    [ST_VOTE_NO] = "UPDATE faq_article SET helpful_no = helpful_no + 1 "
                   "WHERE id = ?1",
    [ST_VOTED] =
        "SELECT 1 FROM faq_vote WHERE article_id = ?1 AND visitor = ?2",
    [ST_ANN_INSERT] = "INSERT INTO announcement(kind, title_ja, title_en, "
                      "body_ja, body_en, starts_at, ends_at, published_at, "
                      "forced) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
    [ST_ANN_ACTIVE] = "SELECT id, kind, title_ja, title_en, body_ja, body_en, "
                      "starts_at, ends_at, published_at, ended_at, forced "
                      "FROM announcement WHERE ended_at IS NULL "
                      "AND published_at <= ?1 "
                      "AND (ends_at IS NULL OR ends_at > ?1) "
                      "ORDER BY coalesce(starts_at, published_at), id",
    [ST_ANN_ALL] = "SELECT id, kind, title_ja, title_en, body_ja, body_en, "
                   "starts_at, ends_at, published_at, ended_at, forced "
                   "FROM announcement ORDER BY id DESC",
    [ST_ANN_END] = "UPDATE announcement SET ended_at = ?2 "
                   "WHERE id = ?1 AND ended_at IS NULL",
    [ST_SITE_GET] = "SELECT body_md, updated_at FROM site_text "
                    "WHERE key = ?1 AND lang = ?2",
    [ST_SITE_SET] = "INSERT INTO site_text(key, lang, body_md, updated_at) "
                    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key, lang) DO "
                    "UPDATE SET body_md = excluded.body_md, "
                    "updated_at = excluded.updated_at",
    [ST_GENERATION] = "SELECT gen FROM faq_generation WHERE id = 1",
    [ST_PUBLIC_TEXTS] = "SELECT t.id, a.id, a.slug, t.lang, t.title, "
                        "t.body_text FROM faq_text t JOIN faq_article a "
                        "ON a.id = t.article_id "
                        "WHERE a.internal = 0 AND a.draft = 0 ORDER BY t.id",
};

static const char *const pg_sql[ST_COUNT] = {
    [ST_SEARCH] = PG_SEARCH_SQL(""),
    [ST_SEARCH_TITLE] = PG_SEARCH_SQL(PG_TITLE),
    [ST_SEARCH_FLOOR] = PG_FLOOR_SQL(""),
    [ST_SEARCH_FLOOR_TITLE] = PG_FLOOR_SQL(PG_TITLE),
};

static struct store_q *stmt(struct hd_store *st, int which)
{
    return store_stmt_alt(st, &sql[which], &pg_sql[which]);
}

unsigned hd_store_faq_query_flags(struct hd_store *st)
{
    return store_backend(st) == STORE_PG ? HD_FTS_Q_TSQUERY : 0;
}

/* Steps a statement expected to return at most one row.  Returns 1 with
 * the row current (the caller resets), 0 (reset done) or -1. */
static int step_one(struct hd_store *st, struct store_q *s,
                    struct hd_error *err)
{
    int rc = store_step(s);
    if (rc == STORE_ROW)
        return 1;
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

static int64_t col_id(struct store_q *s, int i)
{
    return store_col_null(s, i) ? 0 : store_col_int64(s, i);
}

int hd_store_faq_category_ensure(struct hd_store *st, const char *slug,
                                 const char *title_ja, const char *title_en,
                                 int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CAT_GET]);
    store_bind_text(s, 1, slug);
    int found = step_one(st, s, err);
    if (found < 0)
        return -1;
    if (found) {
        *id_r = store_col_int64(s, 0);
        store_reset(s);
        s = store_stmt(st, &sql[ST_CAT_UPDATE]);
        store_bind_int64(s, 1, *id_r);
        store_bind_text(s, 2, title_ja);
        store_bind_text(s, 3, title_en);
        return store_exec_done(st, s, err);
    }
    s = store_stmt(st, &sql[ST_CAT_INSERT]);
    store_bind_text(s, 1, slug);
    store_bind_text(s, 2, title_ja ? title_ja : slug);
    store_bind_text(s, 3, title_en ? title_en : slug);
    return store_insert(st, s, id_r, err);
}

int hd_store_faq_category_list(struct hd_store *st, struct hd_arena *a,
                               struct hd_faq_category **cs_r, size_t *n_r,
                               struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CAT_LIST]);
    size_t n = 0, cap = 16;
    struct hd_faq_category *cs = hd_arena_alloc(a, cap * sizeof *cs);
    int rc;
    while ((rc = store_step(s)) == STORE_ROW) {
        if (n == cap) {
            struct hd_faq_category *g = hd_arena_alloc(a, 2 * cap * sizeof *g);
            memcpy(g, cs, n * sizeof *g);
            cs = g;
            cap *= 2;
        }
        cs[n].id = store_col_int64(s, 0);
        cs[n].slug = store_col_text(s, 1, a);
        cs[n].title_ja = store_col_text(s, 2, a);
        cs[n].title_en = store_col_text(s, 3, a);
        cs[n].position = store_col_int(s, 4);
        n++;
    }
    store_reset(s);
    if (rc != STORE_DONE)
        return store_fail(st, rc, err);
    *cs_r = cs;
    *n_r = n;
    return 0;
}

static void read_article(struct store_q *s, struct hd_arena *a,
                         struct hd_faq_article *r)
{
    r->id = store_col_int64(s, 0);
    r->slug = store_col_text(s, 1, a);
    r->category_id = col_id(s, 2);
    r->category_slug = store_col_text(s, 3, a);
    r->internal = store_col_int(s, 4) != 0;
    r->draft = store_col_int(s, 5) != 0;
    r->views = store_col_int64(s, 6);
    r->helpful_yes = store_col_int64(s, 7);
    r->helpful_no = store_col_int64(s, 8);
    r->created_at = store_col_int64(s, 9);
    r->updated_at = store_col_int64(s, 10);
    r->title_ja = store_col_text(s, 11, a);
    r->title_en = store_col_text(s, 12, a);
}

int hd_store_faq_article_get(struct hd_store *st, const char *slug,
                             struct hd_arena *a, struct hd_faq_article *art_r,
                             struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ART_GET]);
    store_bind_text(s, 1, slug);
    int found = step_one(st, s, err);
    if (found == 1) {
        read_article(s, a, art_r);
        store_reset(s);
    }
    return found;
}

int hd_store_faq_article_put(struct hd_store *st, const char *slug,
                             int64_t category_id, bool internal, bool draft,
                             int64_t *id_r, bool *created_r,
                             struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    struct hd_faq_article old;
    int found = hd_store_faq_article_get(st, slug, a, &old, err);
    hd_arena_free(&a);
    if (found < 0)
        return -1;
    struct store_q *s = store_stmt(st, &sql[found ? ST_ART_UPDATE
                                                : ST_ART_INSERT]);
    if (found)
        store_bind_int64(s, 1, old.id);
    else
        store_bind_text(s, 1, slug);
    store_bind_id(s, 2, category_id);
    store_bind_int(s, 3, internal);
    store_bind_int(s, 4, draft);
    store_bind_int64(s, 5, hd_clock_now());
    if (found) {
        if (store_exec_done(st, s, err) < 0)
            return -1;
        *id_r = old.id;
    } else if (store_insert(st, s, id_r, err) < 0) {
        return -1;
    }
    if (created_r != NULL)
        *created_r = !found;
    return 0;
}

int hd_store_faq_text_put(struct hd_store *st, int64_t article_id,
                          const struct hd_faq_text *t, struct hd_error *err)
{
    if (strlen(t->title) > HD_FAQ_TITLE_MAX ||
        strlen(t->body_md) > HD_FAQ_BODY_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "title over %d or body over %d bytes",
                     HD_FAQ_TITLE_MAX, HD_FAQ_BODY_MAX);
        return -1;
    }
    struct store_q *s = store_stmt(st, &sql[ST_TEXT_PUT]);
    store_bind_int64(s, 1, article_id);
    store_bind_text(s, 2, t->lang);
    store_bind_text(s, 3, t->title);
    store_bind_text(s, 4, t->body_md);
    store_bind_text(s, 5, t->body_text);
    store_bind_int64(s, 6, t->updated_at ? t->updated_at : hd_clock_now());
    return store_exec_done(st, s, err);
}

int hd_store_faq_text_delete(struct hd_store *st, int64_t article_id,
                             const char *lang, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TEXT_DELETE]);
    store_bind_int64(s, 1, article_id);
    store_bind_text(s, 2, lang);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0;
}

int hd_store_faq_text_get(struct hd_store *st, int64_t article_id,
                          const char *lang, struct hd_arena *a,
                          struct hd_faq_text *t_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TEXT_GET]);
    store_bind_int64(s, 1, article_id);
    store_bind_text(s, 2, lang);
    int found = step_one(st, s, err);
    if (found == 1) {
        t_r->lang = store_col_text(s, 0, a);
        t_r->title = store_col_text(s, 1, a);
        t_r->body_md = store_col_text(s, 2, a);
        t_r->body_text = store_col_text(s, 3, a);
        t_r->updated_at = store_col_int64(s, 4);
        store_reset(s);
    }
    return found;
}

int hd_store_faq_article_delete(struct hd_store *st, const char *slug,
                                struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ART_DELETE]);
    store_bind_text(s, 1, slug);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0;
}

int hd_store_faq_article_list(struct hd_store *st,
                              const struct hd_faq_filter *f,
                              struct hd_arena *a,
                              struct hd_faq_article **as_r, size_t *n_r,
                              struct hd_error *err)
{
    int which = f->order == HD_FAQ_BY_UPDATED ? ST_ART_LIST_UPDATED
                : f->order == HD_FAQ_BY_CATEGORY ? ST_ART_LIST_CAT
                : f->category_id ? ST_ART_LIST_VIEWS_IN
                                 : ST_ART_LIST_VIEWS;
    struct store_q *s = store_stmt(st, &sql[which]);
    store_bind_int(s, 1, f->public_only);
    store_bind_id(s, 2, f->category_id);
    store_bind_id(s, 3, f->exclude_id);
    store_bind_int64(s, 4, f->limit ? (int64_t)f->limit : STORE_NO_LIMIT);
    size_t n = 0, cap = 32;
    struct hd_faq_article *as = hd_arena_alloc(a, cap * sizeof *as);
    int rc;
    while ((rc = store_step(s)) == STORE_ROW) {
        if (n == cap) {
            struct hd_faq_article *g = hd_arena_alloc(a, 2 * cap * sizeof *g);
            memcpy(g, as, n * sizeof *g);
            as = g;
            cap *= 2;
        }
        read_article(s, a, &as[n++]);
    }
    store_reset(s);
    if (rc != STORE_DONE)
        return store_fail(st, rc, err);
    *as_r = as;
    *n_r = n;
    return 0;
}

/* Adds a row to hits unless its article is there; a row in the preferred
 * language replaces the other language's text (the rank stays). */
static void merge_hit(struct hd_faq_hit *hs, size_t *n,
                      const struct hd_faq_hit *h, const char *lang)
{
    for (size_t i = 0; i < *n; i++) {
        if (hs[i].article_id != h->article_id)
            continue;
        if (strcmp(hs[i].lang, lang) != 0 && strcmp(h->lang, lang) == 0) {
            double rank = hs[i].rank;
            hs[i] = *h;
            hs[i].rank = rank;
        }
        return;
    }
    hs[(*n)++] = *h;
}

/* The article and text of one ranked row: 1 visible, 0 not, -1 error. */
static int search_row(struct hd_store *st, int64_t text_id, bool public_only,
                      struct hd_arena *a, struct hd_faq_hit *h,
                      struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_SEARCH_ROW]);
    store_bind_int64(s, 1, text_id);
    store_bind_int(s, 2, public_only);
    int found = step_one(st, s, err);
    if (found == 1) {
        h->article_id = store_col_int64(s, 0);
        h->slug = store_col_text(s, 1, a);
        h->lang = store_col_text(s, 2, a);
        h->title = store_col_text(s, 3, a);
        store_reset(s);
    }
    return found;
}

/* The lowest rowid among the FAQ_SEARCH_CANDIDATES newest matches of q:
 * 1 and *floor set, 0 when q matches fewer (all are candidates), -1 on
 * error (HD_E_INVAL: the index cannot parse q). */
static int search_floor(struct hd_store *st, const char *q, bool title,
                        int64_t *floor, struct hd_error *err)
{
    struct store_q *s =
        stmt(st, title ? ST_SEARCH_FLOOR_TITLE : ST_SEARCH_FLOOR);
    store_bind_text(s, 1, q);
    store_bind_int(s, 2, FAQ_SEARCH_CANDIDATES - 1);
    int rc = store_step(s);
    if (rc == STORE_ROW)
        *floor = store_col_int64(s, 0);
    store_reset(s);
    if (rc == STORE_ROW)
        return 1;
    if (rc == STORE_DONE)
        return 0;
    if (rc == STORE_ERROR) { /* a query the index cannot parse */
        hd_error_set(err, HD_E_INVAL, "search query not understood");
        return -1;
    }
    return store_fail(st, rc, err);
}

/* One scored pass over the matches of q (its title matches only with
 * title) from rowid floor up, adding up to rows texts to hs. */
static int search_pass(struct hd_store *st, const char *q, bool title,
                       int64_t floor, const char *lang, bool public_only,
                       size_t rows, struct hd_arena *a,
                       struct hd_faq_hit *hs, size_t *n,
                       struct hd_error *err)
{
    struct store_q *s = stmt(st, title ? ST_SEARCH_TITLE : ST_SEARCH);
    bool pg = store_backend(st) == STORE_PG;
    store_bind_text(s, 1, q);
    if (pg) {
        store_bind_int64(s, 2, floor);
        store_bind_int64(s, 3, (int64_t)rows);
    } else {
        store_bind_text(s, 2, HD_FAQ_MARK_OPEN);
        store_bind_text(s, 3, HD_FAQ_MARK_CLOSE);
        store_bind_int64(s, 4, floor);
        store_bind_int64(s, 5, (int64_t)rows);
        store_bind_int(s, 6, FAQ_SNIPPET_TOKENS);
    }
    int rc, found = 0;
    while ((rc = store_step(s)) == STORE_ROW) {
        struct hd_faq_hit h = {.rank = store_col_double(s, 1)};
        if (pg)
            h.body = store_col_text(s, 2, a);
        else
            h.snippet = store_col_text(s, 2, a);
        found = search_row(st, store_col_int64(s, 0), public_only, a,
                           &h, err);
        if (found < 0)
            break;
        if (found == 1)
            merge_hit(hs, n, &h, lang);
    }
    store_reset(s);
    if (found < 0)
        return -1;
    if (rc != STORE_DONE) {
        if (rc == STORE_ERROR) { /* a query the index cannot parse */
            hd_error_set(err, HD_E_INVAL, "search query not understood");
            return -1;
        }
        return store_fail(st, rc, err);
    }
    return 0;
}

/* Scoring every match with bm25 made a common word's search cost grow
 * with the number of articles.  A query matching at most
 * FAQ_SEARCH_CANDIDATES texts is ranked whole, as before.  A query
 * matching more is ranked in two bounded passes: first its title matches
 * (the newest FAQ_SEARCH_CANDIDATES of them), then, if those do not fill
 * the page, its newest FAQ_SEARCH_CANDIDATES matches anywhere.  Finding
 * the newest N reads rowids only. */
int hd_store_faq_search(struct hd_store *st, const char *fts_query,
                        const char *lang, bool public_only, size_t limit,
                        struct hd_arena *a, struct hd_faq_hit **hs_r,
                        size_t *n_r, struct hd_error *err)
{
    size_t rows = limit * FAQ_SEARCH_OVERFETCH;
    /* up to rows hits per pass */
    struct hd_faq_hit *hs = hd_arena_zalloc(a, (2 * rows + 1) * sizeof *hs);
    size_t n = 0;
    int64_t floor = 0;
    int many = search_floor(st, fts_query, false, &floor, err);
    if (many < 0)
        return -1;
    if (many) {
        /* On SQLite the query again without a column filter keeps the
         * body's instances for the snippet's highlighting. */
        const char *title =
            store_backend(st) == STORE_PG
                ? fts_query
                : hd_arena_printf(a, "(%s) AND {title} : (%s)", fts_query,
                                  fts_query);
        int64_t tfloor = 0;
        if (search_floor(st, title, true, &tfloor, err) < 0 ||
            search_pass(st, title, true, tfloor, lang, public_only, rows, a,
                        hs, &n, err) < 0)
            return -1;
    }
    if (n < rows && search_pass(st, fts_query, false, floor, lang,
                                public_only, rows, a, hs, &n, err) < 0)
        return -1;
    *hs_r = hs;
    *n_r = n < limit ? n : limit;
    return 0;
}

int hd_store_faq_terms(struct hd_store *st, const char *prefix, size_t limit,
                       struct hd_arena *a, const char ***terms_r, size_t *n_r,
                       struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TERMS]);
    char *upper = hd_arena_printf(a, "%s\xf4\x8f\xbf\xbf", prefix);
    store_bind_text(s, 1, prefix);
    store_bind_text(s, 2, upper);
    store_bind_int64(s, 3, (int64_t)limit);
    const char **ts = hd_arena_zalloc(a, (limit + 1) * sizeof *ts);
    size_t n = 0;
    int rc;
    while ((rc = store_step(s)) == STORE_ROW && n < limit)
        ts[n++] = store_col_text(s, 0, a);
    store_reset(s);
    if (rc != STORE_DONE && rc != STORE_ROW)
        return store_fail(st, rc, err);
    *terms_r = ts;
    *n_r = n;
    return 0;
}

int hd_store_faq_view_add(struct hd_store *st, int64_t article_id,
                          int64_t count, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_VIEW_ADD]);
    store_bind_int64(s, 1, article_id);
    store_bind_int64(s, 2, count);
    return store_exec_done(st, s, err);
}

int hd_store_faq_vote(struct hd_store *st, int64_t article_id,
                      const char *visitor, bool helpful,
                      struct hd_error *err)
{
    if (hd_store_begin(st, err) < 0)
        return -1;
    struct store_q *s = store_stmt(st, &sql[ST_VOTE_INSERT]);
    store_bind_int64(s, 1, article_id);
    store_bind_text(s, 2, visitor);
    store_bind_int(s, 3, helpful);
    store_bind_int64(s, 4, hd_clock_now());
    if (store_exec_done(st, s, err) < 0)
        goto fail;
    int recorded = store_changes(st) > 0;
    if (recorded) {
        s = store_stmt(st, &sql[helpful ? ST_VOTE_YES : ST_VOTE_NO]);
        store_bind_int64(s, 1, article_id);
        if (store_exec_done(st, s, err) < 0)
            goto fail;
    }
    if (hd_store_commit(st, err) < 0)
        goto fail;
    return recorded;
fail:
    hd_store_rollback(st);
    return -1;
}

int hd_store_faq_voted(struct hd_store *st, int64_t article_id,
                       const char *visitor, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_VOTED]);
    store_bind_int64(s, 1, article_id);
    store_bind_text(s, 2, visitor);
    int found = step_one(st, s, err);
    if (found == 1)
        store_reset(s);
    return found;
}

int hd_store_announce_add(struct hd_store *st,
                          const struct hd_announcement *an, int64_t *id_r,
                          struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ANN_INSERT]);
    store_bind_text(s, 1, an->kind);
    store_bind_text(s, 2, an->title_ja);
    store_bind_text(s, 3, an->title_en);
    store_bind_text(s, 4, an->body_ja ? an->body_ja : "");
    store_bind_text(s, 5, an->body_en ? an->body_en : "");
    store_bind_id(s, 6, an->starts_at);
    store_bind_id(s, 7, an->ends_at);
    store_bind_int64(s, 8, an->published_at);
    store_bind_int(s, 9, an->forced);
    return store_insert(st, s, id_r, err);
}

int hd_store_announce_list(struct hd_store *st, int64_t active_at,
                           struct hd_arena *a, struct hd_announcement **as_r,
                           size_t *n_r, struct hd_error *err)
{
    struct store_q *s =
        store_stmt(st, &sql[active_at > 0 ? ST_ANN_ACTIVE : ST_ANN_ALL]);
    if (active_at > 0)
        store_bind_int64(s, 1, active_at);
    size_t n = 0, cap = 16;
    struct hd_announcement *as = hd_arena_alloc(a, cap * sizeof *as);
    int rc;
    while ((rc = store_step(s)) == STORE_ROW) {
        if (n == cap) {
            struct hd_announcement *g = hd_arena_alloc(a, 2 * cap * sizeof *g);
            memcpy(g, as, n * sizeof *g);
            as = g;
            cap *= 2;
        }
        struct hd_announcement *r = &as[n++];
        r->id = store_col_int64(s, 0);
        r->kind = store_col_text(s, 1, a);
        r->title_ja = store_col_text(s, 2, a);
        r->title_en = store_col_text(s, 3, a);
        r->body_ja = store_col_text(s, 4, a);
        r->body_en = store_col_text(s, 5, a);
        r->starts_at = col_id(s, 6);
        r->ends_at = col_id(s, 7);
        r->published_at = store_col_int64(s, 8);
        r->ended_at = col_id(s, 9);
        r->forced = store_col_int(s, 10) != 0;
    }
    store_reset(s);
    if (rc != STORE_DONE)
        return store_fail(st, rc, err);
    *as_r = as;
    *n_r = n;
    return 0;
}

int hd_store_announce_end(struct hd_store *st, int64_t id, int64_t at,
                          struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ANN_END]);
    store_bind_int64(s, 1, id);
    store_bind_int64(s, 2, at);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0;
}

int hd_store_site_text_get(struct hd_store *st, const char *key,
                           const char *lang, struct hd_arena *a,
                           char **body_md_r, int64_t *updated_r,
                           struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_SITE_GET]);
    store_bind_text(s, 1, key);
    store_bind_text(s, 2, lang);
    int found = step_one(st, s, err);
    if (found == 1) {
        *body_md_r = store_col_text(s, 0, a);
        if (updated_r != NULL)
            *updated_r = store_col_int64(s, 1);
        store_reset(s);
    }
    return found;
}

int hd_store_site_text_set(struct hd_store *st, const char *key,
                           const char *lang, const char *body_md,
                           struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_SITE_SET]);
    store_bind_text(s, 1, key);
    store_bind_text(s, 2, lang);
    store_bind_text(s, 3, body_md);
    store_bind_int64(s, 4, hd_clock_now());
    return store_exec_done(st, s, err);
}

int hd_store_faq_generation(struct hd_store *st, int64_t *gen_r,
                            struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_GENERATION]);
    int found = step_one(st, s, err);
    if (found < 0)
        return -1;
    *gen_r = found ? store_col_int64(s, 0) : 0;
    if (found)
        store_reset(s);
    return 0;
}

int hd_store_faq_public_texts(struct hd_store *st, struct hd_arena *a,
                              struct hd_faq_text_row **rows_r, size_t *n_r,
                              int64_t *gen_r, struct hd_error *err)
{
    bool own = !hd_store_in_transaction(st);
    if (own && hd_store_read_begin(st, err) < 0)
        return -1;
    int ret = hd_store_faq_generation(st, gen_r, err);
    struct store_q *s = store_stmt(st, &sql[ST_PUBLIC_TEXTS]);
    size_t cap = 256, n = 0;
    struct hd_faq_text_row *rows = hd_arena_alloc(a, cap * sizeof *rows);
    int rc = STORE_DONE;
    while (ret == 0 && (rc = store_step(s)) == STORE_ROW) {
        if (n == cap) {
            struct hd_faq_text_row *more =
                hd_arena_alloc(a, 2 * cap * sizeof *rows);
            memcpy(more, rows, n * sizeof *rows);
            rows = more;
            cap *= 2;
        }
        rows[n++] = (struct hd_faq_text_row){
            .text_id = store_col_int64(s, 0),
            .article_id = store_col_int64(s, 1),
            .slug = store_col_text(s, 2, a),
            .lang = store_col_text(s, 3, a),
            .title = store_col_text(s, 4, a),
            .body_text = store_col_text(s, 5, a)};
    }
    store_reset(s);
    if (ret == 0 && rc != STORE_DONE)
        ret = store_fail(st, rc, err);
    if (own)
        hd_store_read_end(st);
    *rows_r = rows;
    *n_r = n;
    return ret;
}
