/* search.c - see search.h.  The tokenizer that shares these rules is
 * helpdesk/store/store_fts.c. */
#include "search.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#define FAQ_SUGGEST_CANDIDATES 400 /* vocabulary terms compared per word */
#define FAQ_WORD_MAX 64

struct term {
    const char *p;
    size_t n;
    bool cjk_only_one; /* one kana/kanji character: search as prefix */
    bool ends_latin;   /* last character is a letter or digit */
};

static bool is_term_char(ucs4_t c)
{
    return hd_store_fts_is_cjk(c) || uc_is_alnum(c);
}

/* Cuts folded text into runs of term characters. */
static size_t split_terms(const uint8_t *f, size_t n, struct term *ts)
{
    size_t nt = 0;
    for (size_t i = 0; i < n && nt < FAQ_QUERY_MAX_TERMS;) {
        ucs4_t c;
        int k = u8_mbtouc(&c, f + i, n - i);
        if (!is_term_char(c)) {
            i += (size_t)k;
            continue;
        }
        size_t start = i, chars = 0;
        bool last_latin = false;
        while (i < n) {
            k = u8_mbtouc(&c, f + i, n - i);
            if (!is_term_char(c))
                break;
            last_latin = !hd_store_fts_is_cjk(c);
            chars++;
            i += (size_t)k;
        }
        ts[nt++] = (struct term){(const char *)f + start, i - start,
                                 chars == 1 && !last_latin, last_latin};
    }
    return nt;
}

static char *fold(const char *q, size_t len, struct hd_arena *a, size_t *n_r)
{
    size_t n = 0;
    uint8_t *f = u8_casefold((const uint8_t *)q, len, NULL, UNINORM_NFKC,
                             NULL, &n);
    hd_assert(f != NULL); /* input checked: only ENOMEM remains */
    char *out = hd_arena_strndup(a, (const char *)f, n);
    free(f);
    *n_r = n;
    return out;
}

int faq_search_query(const char *q, bool any, struct hd_arena *a,
                     char **fts_r, struct hd_error *err)
{
    size_t len = strlen(q);
    if (len > FAQ_QUERY_MAX_BYTES) {
        hd_error_set(err, HD_E_TOOBIG, "query is %zu bytes, max %d", len,
                     FAQ_QUERY_MAX_BYTES);
        return -1;
    }
    if (u8_check((const uint8_t *)q, len) != NULL) {
        hd_error_set(err, HD_E_INVAL, "query is not valid UTF-8");
        return -1;
    }
    size_t n;
    const char *f = fold(q, len, a, &n);
    struct term ts[FAQ_QUERY_MAX_TERMS];
    size_t nt = split_terms((const uint8_t *)f, n, ts);
    if (nt == 0)
        return 0;
    struct hd_buf b;
    hd_buf_init(&b, FAQ_QUERY_MAX_BYTES * 4);
    for (size_t i = 0; i < nt; i++) {
        bool prefix = ts[i].cjk_only_one ||
                      (i == nt - 1 && ts[i].ends_latin && ts[i].n >= 2);
        /* Terms hold only letters, digits, kana and kanji: no quote can
         * occur inside, so quoting makes every term literal. */
        if (hd_buf_printf(&b, err, "%s\"%.*s\"%s", i ? (any ? " OR " : " ")
                                                     : "",
                          (int)ts[i].n, ts[i].p, prefix ? "*" : "") < 0) {
            hd_buf_deinit(&b);
            return -1;
        }
    }
    *fts_r = hd_arena_strdup(a, hd_buf_cstr(&b));
    hd_buf_deinit(&b);
    return 1;
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
    const char *f = fold(q, strlen(q), a, &n);
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

int faq_search(struct hd_store *st, const char *q, const char *lang,
               size_t limit, struct hd_arena *a, struct faq_results *res,
               struct hd_error *err)
{
    memset(res, 0, sizeof *res);
    for (int any = 0; any <= 1 && res->n == 0; any++) {
        char *fts;
        int rc = faq_search_query(q, any, a, &fts, err);
        if (rc <= 0)
            return rc;
        if (hd_store_faq_search(st, fts, lang, true, limit, a, &res->hits,
                                &res->n, err) < 0)
            return -1;
    }
    if (res->n == 0)
        res->suggestion = suggest(st, q, a);
    return 0;
}
