/* search.c - see search.h.  The query itself is built by the store's
 * one query builder (helpdesk/store/store_fts_query.h). */
#include "search.h"

#include "buf.h"
#include "store_fts_query.h"

#include <string.h>

#define FAQ_SUGGEST_CANDIDATES 400 /* vocabulary terms compared per word */
#define FAQ_WORD_MAX 64

int faq_search_query(const char *q, bool any, struct hd_arena *a,
                     char **fts_r, struct hd_error *err)
{
    return hd_fts_query_build(q, HD_FTS_Q_PREFIX_LAST | (any ? HD_FTS_Q_ANY
                                                             : 0),
                              a, fts_r, err);
}

size_t faq_edit_distance(const char *x, const char *y, size_t max)
{
    size_t nx = strlen(x), ny = strlen(y);
    if (nx > FAQ_WORD_MAX || ny > FAQ_WORD_MAX)
        return max + 1;
    if ((nx > ny ? nx - ny : ny - nx) > max)
        return max + 1;
    size_t row[FAQ_WORD_MAX + 1];
    for (size_t j = 0; j <= ny; j++)
        row[j] = j;
    for (size_t i = 1; i <= nx; i++) {
        size_t diag = row[0], best = ++row[0];
        for (size_t j = 1; j <= ny; j++) {
            size_t up = row[j];
            size_t v = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            best = v < best ? v : best;
        }
        if (best > max)
            return max + 1;
    }
    return row[ny];
}

/* The indexed word closest to w (same first letter), or NULL. */
static const char *closest_term(struct hd_store *st, const char *w,
                                struct hd_arena *a)
{
    struct hd_error err = HD_ERROR_INIT;
    char first[2] = {w[0], '\0'};
    const char **terms;
    size_t n;
    if (hd_store_faq_terms(st, first, FAQ_SUGGEST_CANDIDATES, a, &terms, &n,
                           &err) < 0)
        return NULL;
    size_t max = strlen(w) <= 4 ? 1 : 2, best = max + 1;
    const char *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t d = faq_edit_distance(w, terms[i], max);
        if (d > 0 && d < best) {
            best = d;
            pick = terms[i];
        }
    }
    return pick;
}

/* Replaces each ASCII word of the folded query that the index does not
 * know by its closest indexed word.  NULL when nothing changed. */
static const char *suggest(struct hd_store *st, const char *q,
                           struct hd_arena *a)
{
    size_t n;
    const char *f = hd_fts_fold(q, strlen(q), a, &n);
    struct hd_buf b;
    hd_buf_init(&b, FAQ_QUERY_MAX_BYTES * 4);
    struct hd_error err = HD_ERROR_INIT;
    bool changed = false;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && ((f[j] >= 'a' && f[j] <= 'z') ||
                         (f[j] >= '0' && f[j] <= '9')))
            j++;
        if (j == i) {
            if (hd_buf_append(&b, f + i, 1, &err) < 0)
                break;
            i++;
            continue;
        }
        char *w = hd_arena_strndup(a, f + i, j - i);
        const char *alt = j - i >= 3 ? closest_term(st, w, a) : NULL;
        changed |= alt != NULL;
        if (hd_buf_puts(&b, alt ? alt : w, &err) < 0)
            break;
        i = j;
    }
    const char *out = changed ? hd_arena_strdup(a, hd_buf_cstr(&b)) : NULL;
    hd_buf_deinit(&b);
    return out;
}

int faq_search(struct hd_store *st, const struct faq_index *idx,
               const char *q, const char *lang, size_t limit,
               struct hd_arena *a, struct faq_results *res,
               struct hd_error *err)
{
    memset(res, 0, sizeof *res);
    for (int any = 0; any <= 1 && res->n == 0; any++) {
        if (idx != NULL) {
            int rc = faq_index_search(idx, q,
                                      HD_FTS_Q_PREFIX_LAST |
                                          FAQ_INDEX_ANY_IF_NONE,
                                      lang, limit, a, &res->hits, &res->n,
                                      err);
            if (rc <= 0)
                return rc;
            break;
        }
        char *fts;
        unsigned flags = HD_FTS_Q_PREFIX_LAST | (any ? HD_FTS_Q_ANY : 0);
        int rc = hd_fts_query_build(q, flags | hd_store_faq_query_flags(st),
                                    a, &fts, err);
        if (rc <= 0)
            return rc;
        if (hd_store_faq_search(st, fts, lang, true, limit, a, &res->hits,
                                &res->n, err) < 0)
            return -1;
        /* PostgreSQL's index keeps no text to cut: the same snippet as
         * the in-memory index's, from the body */
        for (size_t i = 0; i < res->n; i++)
            if (res->hits[i].snippet == NULL)
                res->hits[i].snippet =
                    faq_index_snippet(res->hits[i].body, q, flags, a);
    }
    if (res->n == 0)
        res->suggestion = suggest(st, q, a);
    return 0;
}
