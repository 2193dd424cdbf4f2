/* faq_index.c - see faq_index.h. */
#include "faq_index.h"

#include "store_fts_query.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define BM25_K1 1.2
#define BM25_B 0.75
#define TITLE_WEIGHT 4.0
#define TITLE_COL 0u
#define BODY_COL (1u << 31) /* position bit: the occurrence is in the body */
#define POS_MASK (BODY_COL - 1)
#define SNIPPET_TOKENS 24
#define TERM_TOKENS_MAX 64 /* tokens of one query term kept */

struct fx_doc {
    int64_t text_id, article_id;
    const char *slug, *lang, *title, *body;
    uint32_t len;    /* tokens in title and body */
    int32_t sibling; /* the article's text in the other language, or -1 */
};

struct fx_post {
    uint32_t doc;
    uint16_t tf_title, tf_body;
    uint32_t pos; /* first of its tf_title + tf_body positions */
};

struct fx_imp {
    uint32_t doc;
    float score;
};

struct fx_term {
    const char *tok;
    uint32_t len;
    uint32_t off, n; /* its entries in posts and imps */
};

struct faq_index {
    struct hd_arena *a;
    atomic_int refs;
    int64_t gen;
    struct fx_doc *docs;
    uint32_t ndocs;
    struct fx_term *terms; /* sorted by token bytes */
    uint32_t nterms;
    struct fx_post *posts;
    struct fx_imp *imps;
    uint32_t *positions; /* BODY_COL | position, or position in the title */
    double *norm; /* per text: k1 (1 - b + b length / average length) */
    double avgdl;
    size_t bytes;
};

/* ---- building ---------------------------------------------------------- */

struct occ {
    uint32_t term, doc, pos;
};

struct builder {
    struct faq_index *x;
    /* open-addressing table of token -> term id */
    uint32_t *slots; /* term id + 1; 0 empty */
    size_t nslots;
    struct fx_term *terms;
    size_t nterms, cap_terms;
    struct occ *occ;
    size_t nocc, cap_occ;
    uint32_t doc, col, pos;
};

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static void grow_slots(struct builder *b)
{
    size_t n = b->nslots ? b->nslots * 2 : 4096;
    uint32_t *s = hd_xcalloc(n, sizeof *s);
    for (size_t i = 0; i < b->nterms; i++) {
        size_t k = hash_bytes(b->terms[i].tok, b->terms[i].len) & (n - 1);
        while (s[k] != 0)
            k = (k + 1) & (n - 1);
        s[k] = (uint32_t)i + 1;
    }
    free(b->slots);
    b->slots = s;
    b->nslots = n;
}

static uint32_t term_id(struct builder *b, const char *p, size_t n)
{
    if (2 * (b->nterms + 1) > b->nslots)
        grow_slots(b);
    size_t k = hash_bytes(p, n) & (b->nslots - 1);
    for (; b->slots[k] != 0; k = (k + 1) & (b->nslots - 1)) {
        const struct fx_term *t = &b->terms[b->slots[k] - 1];
        if (t->len == n && memcmp(t->tok, p, n) == 0)
            return b->slots[k] - 1;
    }
    if (b->nterms == b->cap_terms) {
        b->cap_terms = b->cap_terms ? 2 * b->cap_terms : 4096;
        b->terms = hd_xrealloc(b->terms, b->cap_terms * sizeof *b->terms);
    }
    b->terms[b->nterms] = (struct fx_term){
        .tok = hd_arena_strndup(b->x->a, p, n), .len = (uint32_t)n};
    b->slots[k] = (uint32_t)++b->nterms;
    return (uint32_t)b->nterms - 1;
}

static int on_token(void *ctx, int flags, const char *p, int n, int s, int e)
{
    (void)flags;
    (void)s;
    (void)e;
    struct builder *b = ctx;
    if (b->nocc == b->cap_occ) {
        b->cap_occ = b->cap_occ ? 2 * b->cap_occ : 65536;
        b->occ = hd_xrealloc(b->occ, b->cap_occ * sizeof *b->occ);
    }
    b->occ[b->nocc++] = (struct occ){term_id(b, p, (size_t)n), b->doc,
                                     b->col | (b->pos & POS_MASK)};
    b->pos++;
    return 0;
}

static int cmp_tok(const char *x, size_t nx, const char *y, size_t ny)
{
    int c = memcmp(x, y, nx < ny ? nx : ny);
    return c != 0 ? c : (nx > ny) - (nx < ny);
}

static int cmp_term(const void *x, const void *y)
{
    const struct fx_term *p = x, *q = y;
    return cmp_tok(p->tok, p->len, q->tok, q->len);
}

static int cmp_imp(const void *x, const void *y)
{
    const struct fx_imp *p = x, *q = y;
    if (p->score != q->score)
        return p->score < q->score ? 1 : -1;
    return (p->doc > q->doc) - (p->doc < q->doc);
}

static double idf_of(const struct faq_index *x, uint32_t nhit)
{
    double idf = log(((double)x->ndocs - nhit + 0.5) / (nhit + 0.5));
    return idf <= 0.0 ? 1e-6 : idf;
}

/* A phrase's part of a text's score: FTS5's bm25() for one phrase. */
static double part_of(const struct faq_index *x, double idf, uint32_t doc,
                      uint32_t tf_title, uint32_t tf_body)
{
    double f = TITLE_WEIGHT * tf_title + tf_body;
    return idf * (f * (BM25_K1 + 1.0)) / (f + x->norm[doc]);
}

static const struct fx_doc *sort_docs; /* cmp_doc_article's table */

static int cmp_doc_article(const void *p, const void *q)
{
    int64_t x = sort_docs[*(const uint32_t *)p].article_id;
    int64_t y = sort_docs[*(const uint32_t *)q].article_id;
    return (x > y) - (x < y);
}

/* Links each text to its article's text in the other language. */
static void pair_siblings(struct faq_index *x)
{
    uint32_t *by = hd_xmalloc((x->ndocs + 1) * sizeof *by);
    for (uint32_t i = 0; i < x->ndocs; i++)
        by[i] = i;
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&mu); /* qsort has no context argument */
    sort_docs = x->docs;
    qsort(by, x->ndocs, sizeof *by, cmp_doc_article);
    pthread_mutex_unlock(&mu);
    for (uint32_t i = 0; i + 1 < x->ndocs; i++) {
        struct fx_doc *d = &x->docs[by[i]], *e = &x->docs[by[i + 1]];
        if (d->article_id == e->article_id) {
            d->sibling = (int32_t)by[i + 1];
            e->sibling = (int32_t)by[i];
        }
    }
    free(by);
}

int faq_index_build(struct hd_store *st, struct faq_index **idx_r,
                    struct hd_error *err)
{
    struct faq_index *x = hd_xcalloc(1, sizeof *x);
    x->a = hd_arena_new();
    atomic_init(&x->refs, 1);
    struct hd_arena *tmp = hd_arena_new();
    struct hd_faq_text_row *rows;
    size_t nrows;
    if (hd_store_faq_public_texts(st, tmp, &rows, &nrows, &x->gen, err) <
        0) {
        hd_arena_free(&tmp);
        faq_index_release(&x);
        return -1;
    }
    x->ndocs = (uint32_t)nrows;
    x->docs = hd_arena_zalloc(x->a, (nrows + 1) * sizeof *x->docs);
    struct builder b = {.x = x};
    uint64_t total = 0;
    for (size_t i = 0; i < nrows; i++) {
        struct fx_doc *d = &x->docs[i];
        const struct hd_faq_text_row *r = &rows[i];
        *d = (struct fx_doc){.text_id = r->text_id,
                             .article_id = r->article_id,
                             .slug = hd_arena_strdup(x->a, r->slug),
                             .lang = hd_arena_strdup(x->a, r->lang),
                             .title = hd_arena_strdup(x->a, r->title),
                             .body = hd_arena_strdup(x->a, r->body_text),
                             .sibling = -1};
        size_t before = b.nocc;
        b.doc = (uint32_t)i;
        b.col = TITLE_COL;
        b.pos = 0;
        (void)hd_store_fts_tokenize(d->title, strlen(d->title), false,
                                    on_token, &b);
        b.col = BODY_COL;
        b.pos = 0;
        (void)hd_store_fts_tokenize(d->body, strlen(d->body), false,
                                    on_token, &b);
        d->len = (uint32_t)(b.nocc - before);
        total += d->len;
    }
    pair_siblings(x);
    hd_arena_free(&tmp);
    x->avgdl = nrows ? (double)total / (double)nrows : 1.0;
    if (x->avgdl <= 0.0)
        x->avgdl = 1.0;
    /* the length part of each text's score, in a small array: scoring
     * many matches then reads 8 bytes per text, not its record */
    x->norm = hd_arena_alloc(x->a, (nrows + 1) * sizeof *x->norm);
    for (size_t i = 0; i < nrows; i++)
        x->norm[i] = BM25_K1 * (1.0 - BM25_B +
                                BM25_B * x->docs[i].len / x->avgdl);

    /* terms in token order; occurrences counted into place per term,
     * keeping their text and position order */
    uint32_t nt = (uint32_t)b.nterms;
    uint32_t *rank = hd_xmalloc((nt + 1) * sizeof *rank);
    for (uint32_t i = 0; i < nt; i++)
        b.terms[i].off = i; /* remember the old id through the sort */
    if (nt > 0) /* an empty FAQ has no term array at all */
        qsort(b.terms, nt, sizeof *b.terms, cmp_term);
    for (uint32_t i = 0; i < nt; i++)
        rank[b.terms[i].off] = i;
    uint32_t *start = hd_xcalloc(nt + 1, sizeof *start);
    for (size_t i = 0; i < b.nocc; i++)
        start[rank[b.occ[i].term] + 1]++;
    for (uint32_t i = 0; i < nt; i++)
        start[i + 1] += start[i];
    x->positions = hd_arena_alloc(x->a, (b.nocc + 1) * sizeof *x->positions);
    uint32_t *fill = hd_xmalloc((nt + 1) * sizeof *fill);
    memcpy(fill, start, (nt + 1) * sizeof *fill);
    struct occ *sorted = hd_xmalloc((b.nocc + 1) * sizeof *sorted);
    for (size_t i = 0; i < b.nocc; i++) {
        struct occ o = b.occ[i];
        o.term = rank[o.term];
        sorted[fill[o.term]++] = o;
    }
    free(b.occ);
    free(fill);
    free(rank);
    /* postings: one per (term, text) */
    size_t nposts = 0;
    for (size_t i = 0; i < b.nocc; i++)
        if (i == 0 || sorted[i].term != sorted[i - 1].term ||
            sorted[i].doc != sorted[i - 1].doc)
            nposts++;
    x->posts = hd_arena_alloc(x->a, (nposts + 1) * sizeof *x->posts);
    x->imps = hd_arena_alloc(x->a, (nposts + 1) * sizeof *x->imps);
    x->terms = hd_arena_alloc(x->a, (nt + 1) * sizeof *x->terms);
    x->nterms = nt;
    size_t np = 0;
    for (uint32_t t = 0; t < nt; t++) {
        x->terms[t] = (struct fx_term){.tok = b.terms[t].tok,
                                       .len = b.terms[t].len,
                                       .off = (uint32_t)np};
        for (uint32_t i = start[t]; i < start[t + 1]; i++) {
            const struct occ *o = &sorted[i];
            x->positions[i] = o->pos;
            if (i == start[t] || o->doc != sorted[i - 1].doc)
                x->posts[np++] = (struct fx_post){.doc = o->doc, .pos = i};
            struct fx_post *p = &x->posts[np - 1];
            if (o->pos & BODY_COL) {
                if (p->tf_body < UINT16_MAX)
                    p->tf_body++;
            } else if (p->tf_title < UINT16_MAX) {
                p->tf_title++;
            }
        }
        x->terms[t].n = (uint32_t)np - x->terms[t].off;
    }
    free(sorted);
    free(start);
    free(b.terms);
    free(b.slots);
    for (uint32_t t = 0; t < nt; t++) {
        const struct fx_term *tm = &x->terms[t];
        double idf = idf_of(x, tm->n);
        for (uint32_t i = tm->off; i < tm->off + tm->n; i++) {
            const struct fx_post *p = &x->posts[i];
            x->imps[i] = (struct fx_imp){
                p->doc,
                (float)part_of(x, idf, p->doc, p->tf_title, p->tf_body)};
        }
        qsort(x->imps + tm->off, tm->n, sizeof *x->imps, cmp_imp);
    }
    x->bytes = hd_arena_used(x->a);
    *idx_r = x;
    return 0;
}

void faq_index_release(struct faq_index **idx)
{
    struct faq_index *x = *idx;
    *idx = NULL;
    if (x == NULL || atomic_fetch_sub(&x->refs, 1) != 1)
        return;
    hd_arena_free(&x->a);
    free(x);
}

int64_t faq_index_generation(const struct faq_index *idx)
{
    return idx->gen;
}

size_t faq_index_bytes(const struct faq_index *idx)
{
    return idx->bytes;
}

size_t faq_index_texts(const struct faq_index *idx)
{
    return idx->ndocs;
}

int faq_index_get(struct faq_index_holder *h, struct hd_store *st,
                  int64_t gen, struct faq_index **idx_r,
                  struct hd_error *err)
{
    pthread_mutex_lock(&h->mu);
    if (h->idx == NULL || h->idx->gen < gen) {
        /* built under the lock: the threads that need the new index
         * wait for it rather than each building one */
        struct faq_index *x;
        if (faq_index_build(st, &x, err) < 0) {
            pthread_mutex_unlock(&h->mu);
            return -1;
        }
        faq_index_release(&h->idx);
        h->idx = x;
    }
    atomic_fetch_add(&h->idx->refs, 1);
    *idx_r = h->idx;
    pthread_mutex_unlock(&h->mu);
    return 0;
}

void faq_index_holder_clear(struct faq_index_holder *h)
{
    pthread_mutex_lock(&h->mu);
    faq_index_release(&h->idx);
    pthread_mutex_unlock(&h->mu);
}

/* ---- querying ---------------------------------------------------------- */

/* One query term: its tokens; the last may be a prefix (a range of
 * terms). */
struct qterm {
    const char *tok[TERM_TOKENS_MAX];
    uint32_t len[TERM_TOKENS_MAX];
    uint32_t id[TERM_TOKENS_MAX]; /* exact term of each but a prefix */
    uint32_t lo, hi;              /* the last token's terms [lo, hi) */
    size_t n;
    bool prefix;
};

struct match {
    uint32_t doc;
    uint32_t tf_title, tf_body;
};

static int on_qtoken(void *ctx, int flags, const char *p, int n, int s,
                     int e)
{
    (void)flags;
    (void)s;
    (void)e;
    struct qterm *q = ctx;
    if (q->n < TERM_TOKENS_MAX) {
        q->tok[q->n] = p; /* copied by the caller before the next token */
        q->len[q->n++] = (uint32_t)n;
    }
    return 0;
}

struct qcopy {
    struct qterm *q;
    struct hd_arena *a;
};

static int on_qtoken_copy(void *ctx, int flags, const char *p, int n, int s,
                          int e)
{
    struct qcopy *c = ctx;
    size_t k = c->q->n;
    on_qtoken(c->q, flags, p, n, s, e);
    if (c->q->n > k)
        c->q->tok[k] = hd_arena_strndup(c->a, p, (size_t)n);
    return 0;
}

/* First term >= tok (a prefix range starts there). */
static uint32_t lower_bound(const struct faq_index *x, const char *tok,
                            size_t n)
{
    uint32_t lo = 0, hi = x->nterms;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_tok(x->terms[mid].tok, x->terms[mid].len, tok, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool has_prefix(const struct fx_term *t, const char *p, size_t n)
{
    return t->len >= n && memcmp(t->tok, p, n) == 0;
}

/* Resolves a term's tokens to index terms: false when one is absent. */
static bool resolve(const struct faq_index *x, struct qterm *q)
{
    if (q->n == 0)
        return false;
    for (size_t i = 0; i + 1 < q->n; i++) {
        uint32_t k = lower_bound(x, q->tok[i], q->len[i]);
        if (k >= x->nterms || x->terms[k].len != q->len[i] ||
            memcmp(x->terms[k].tok, q->tok[i], q->len[i]) != 0)
            return false;
        q->id[i] = k;
    }
    size_t l = q->n - 1;
    q->lo = lower_bound(x, q->tok[l], q->len[l]);
    q->hi = q->lo;
    if (q->prefix) {
        while (q->hi < x->nterms &&
               has_prefix(&x->terms[q->hi], q->tok[l], q->len[l]))
            q->hi++;
    } else if (q->lo < x->nterms && x->terms[q->lo].len == q->len[l] &&
               memcmp(x->terms[q->lo].tok, q->tok[l], q->len[l]) == 0) {
        q->hi = q->lo + 1;
    }
    q->id[l] = q->lo;
    return q->hi > q->lo;
}

/* The posting of term t for text doc at or after *cur (advanced), or
 * NULL. */
static const struct fx_post *seek(const struct faq_index *x, uint32_t t,
                                  uint32_t *cur, uint32_t doc)
{
    const struct fx_term *tm = &x->terms[t];
    uint32_t lo = *cur, hi = tm->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (x->posts[tm->off + mid].doc < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    *cur = lo;
    if (lo < tm->n && x->posts[tm->off + lo].doc == doc)
        return &x->posts[tm->off + lo];
    return NULL;
}

static bool has_pos(const struct faq_index *x, const struct fx_post *p,
                    uint32_t pos)
{
    const uint32_t *v = x->positions + p->pos;
    uint32_t lo = 0, hi = (uint32_t)p->tf_title + p->tf_body;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v[mid] < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < (uint32_t)p->tf_title + p->tf_body && v[lo] == pos;
}

/* The texts matching one term, in text order, with the term's
 * occurrences per column (dense: per text, in scratch arrays). */
static size_t eval_term(const struct faq_index *x, const struct qterm *q,
                        struct hd_arena *a, struct match **out)
{
    if (q->n == 1 && q->hi - q->lo == 1) { /* one token: its postings */
        const struct fx_term *tm = &x->terms[q->lo];
        struct match *m = hd_arena_alloc(a, (tm->n + 1) * sizeof *m);
        for (uint32_t i = 0; i < tm->n; i++) {
            const struct fx_post *p = &x->posts[tm->off + i];
            m[i] = (struct match){p->doc, p->tf_title, p->tf_body};
        }
        *out = m;
        return tm->n;
    }
    if (q->n == 1) { /* a prefix: the union of its terms */
        uint32_t *tf = hd_arena_zalloc(a, (size_t)x->ndocs * 2 * sizeof *tf);
        for (uint32_t t = q->lo; t < q->hi; t++) {
            const struct fx_term *tm = &x->terms[t];
            for (uint32_t i = 0; i < tm->n; i++) {
                const struct fx_post *p = &x->posts[tm->off + i];
                tf[2 * p->doc] += p->tf_title;
                tf[2 * p->doc + 1] += p->tf_body;
            }
        }
        size_t nhit = 0;
        for (uint32_t d = 0; d < x->ndocs; d++)
            nhit += tf[2 * d] + tf[2 * d + 1] > 0;
        struct match *m = hd_arena_alloc(a, (nhit + 1) * sizeof *m);
        size_t k = 0;
        for (uint32_t d = 0; d < x->ndocs; d++)
            if (tf[2 * d] + tf[2 * d + 1] > 0)
                m[k++] = (struct match){d, tf[2 * d], tf[2 * d + 1]};
        *out = m;
        return k;
    }
    /* a phrase: each occurrence of the first token followed by the others
     * at the next positions; texts come in order from the first token's
     * list */
    size_t l = q->n - 1;
    uint32_t *cur = hd_arena_zalloc(a, (l + (q->hi - q->lo) + 1) *
                                           sizeof *cur);
    const struct fx_term *t0 = &x->terms[q->id[0]];
    struct match *m = hd_arena_alloc(a, (t0->n + 1) * sizeof *m);
    size_t nm = 0;
    for (uint32_t i = 0; i < t0->n; i++) {
        const struct fx_post *p0 = &x->posts[t0->off + i];
        const struct fx_post *ps[TERM_TOKENS_MAX];
        bool ok = true;
        for (size_t k = 1; k < l && ok; k++)
            ok = (ps[k] = seek(x, q->id[k], &cur[k], p0->doc)) != NULL;
        if (!ok)
            continue;
        const struct fx_post *last[64];
        size_t nlast = 0;
        for (uint32_t t = q->lo; t < q->hi; t++) {
            const struct fx_post *p =
                seek(x, t, &cur[l + (t - q->lo)], p0->doc);
            if (p != NULL && nlast < HD_ARRAY_LEN(last))
                last[nlast++] = p;
        }
        if (nlast == 0)
            continue;
        struct match mt = {p0->doc, 0, 0};
        uint32_t nocc = (uint32_t)p0->tf_title + p0->tf_body;
        for (uint32_t o = 0; o < nocc; o++) {
            uint32_t v = x->positions[p0->pos + o];
            bool hit = true;
            for (size_t k = 1; k < l && hit; k++)
                hit = has_pos(x, ps[k], v + (uint32_t)k);
            if (!hit)
                continue;
            for (size_t j = 0; j < nlast; j++)
                if (has_pos(x, last[j], v + (uint32_t)l)) {
                    if (v & BODY_COL)
                        mt.tf_body++;
                    else
                        mt.tf_title++;
                    break;
                }
        }
        if (mt.tf_title + mt.tf_body > 0)
            m[nm++] = mt;
    }
    *out = m;
    return nm;
}

struct cand {
    uint32_t doc;
    double score;
};

/* better first: higher score, then lower text */
static bool better(const struct cand *p, const struct cand *q)
{
    return p->score > q->score || (p->score == q->score && p->doc < q->doc);
}

static int cmp_cand(const void *x, const void *y)
{
    const struct cand *p = x, *q = y;
    return better(p, q) ? -1 : better(q, p) ? 1 : 0;
}

/* Keeps the k best of a stream in a heap whose root is the worst kept. */
struct topk {
    struct cand *h;
    size_t n, k;
};

static void topk_add(struct topk *t, uint32_t doc, double score)
{
    struct cand c = {doc, score};
    if (t->n < t->k) {
        size_t i = t->n++;
        while (i > 0 && better(&t->h[(i - 1) / 2], &c)) {
            t->h[i] = t->h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        t->h[i] = c;
        return;
    }
    if (t->k == 0 || !better(&c, &t->h[0]))
        return;
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        const struct cand *worst = &c;
        if (l < t->n && better(worst, &t->h[l])) {
            w = l;
            worst = &t->h[l];
        }
        if (r < t->n && better(worst, &t->h[r]))
            w = r;
        if (w == i)
            break;
        t->h[i] = t->h[w];
        i = w;
    }
    t->h[i] = c;
}

static bool in_matches(const struct match *m, size_t n, uint32_t doc)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m[mid].doc < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && m[lo].doc == doc;
}

/* ---- snippets ---------------------------------------------------------- */

struct stok {
    const char *p;
    uint32_t n;
    int s, e;
};

struct stoks {
    struct stok *t;
    size_t n, cap;
    struct hd_arena *a;
};

static int on_stoken(void *ctx, int flags, const char *p, int n, int s,
                     int e)
{
    (void)flags;
    struct stoks *v = ctx;
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        struct stok *t = hd_arena_alloc(v->a, cap * sizeof *t);
        if (v->n)
            memcpy(t, v->t, v->n * sizeof *t);
        v->t = t;
        v->cap = cap;
    }
    v->t[v->n++] = (struct stok){hd_arena_strndup(v->a, p, (size_t)n),
                                 (uint32_t)n, s, e};
    return 0;
}

static bool tok_is(const struct stok *t, const char *p, size_t n,
                   bool prefix)
{
    return prefix ? t->n >= n && memcmp(t->p, p, n) == 0
                  : t->n == n && memcmp(t->p, p, n) == 0;
}

/* Tokens of the query term q matched at token i of v: its length, or 0. */
static size_t phrase_at(const struct stoks *v, size_t i,
                        const struct qterm *q)
{
    if (i + q->n > v->n)
        return 0;
    for (size_t k = 0; k < q->n; k++)
        if (!tok_is(&v->t[i + k], q->tok[k], q->len[k],
                    q->prefix && k + 1 == q->n))
            return 0;
    return q->n;
}

/* The body around its best stretch of SNIPPET_TOKENS tokens, matches
 * between HD_FAQ_MARK_OPEN and HD_FAQ_MARK_CLOSE, as FTS5's snippet()
 * cuts it: the stretch holding the most distinct terms, then the most
 * matches, centred on them; "…" where text is left out. */
static const char *snippet(const char *body, const struct qterm *qs,
                           size_t nq, struct hd_arena *a)
{
    struct stoks v = {.a = a};
    (void)hd_store_fts_tokenize(body, strlen(body), false, on_stoken, &v);
    if (v.n == 0)
        return "";
    /* hits: token index and length */
    size_t *hs = hd_arena_alloc(a, (v.n + 1) * sizeof *hs);
    size_t *hl = hd_arena_alloc(a, (v.n + 1) * sizeof *hl);
    size_t *hq = hd_arena_alloc(a, (v.n + 1) * sizeof *hq);
    size_t nh = 0;
    for (size_t i = 0; i < v.n; i++)
        for (size_t k = 0; k < nq; k++) {
            size_t l = phrase_at(&v, i, &qs[k]);
            if (l > 0) {
                hs[nh] = i;
                hl[nh] = l;
                hq[nh++] = k;
                break;
            }
        }
    size_t best = 0, best_score = 0;
    for (size_t h = 0; h < nh; h++) {
        bool seen[HD_FTS_Q_MAX_TERMS] = {false};
        size_t score = 0, first = hs[h], last = hs[h];
        for (size_t j = h; j < nh && hs[j] < hs[h] + SNIPPET_TOKENS; j++) {
            score += seen[hq[j]] ? 1 : 1000;
            seen[hq[j]] = true;
            last = hs[j] + hl[j] - 1;
        }
        size_t span = last - first + 1;
        size_t adj = span < SNIPPET_TOKENS
                         ? (first > (SNIPPET_TOKENS - span) / 2
                                ? first - (SNIPPET_TOKENS - span) / 2
                                : 0)
                         : first;
        if (v.n > SNIPPET_TOKENS && adj > v.n - SNIPPET_TOKENS)
            adj = v.n - SNIPPET_TOKENS;
        if (score > best_score) {
            best_score = score;
            best = adj;
        }
    }
    size_t end_tok = best + SNIPPET_TOKENS < v.n ? best + SNIPPET_TOKENS
                                                 : v.n;
    int from = v.t[best].s, to = 0;
    for (size_t i = best; i < end_tok; i++)
        to = v.t[i].e > to ? v.t[i].e : to;
    if (end_tok == v.n)
        to = (int)strlen(body);
    /* the text, two ellipses, a pair of marks per hit */
    char *out = hd_arena_alloc(a, (size_t)(to - from) + 6 * (nh + 2) + 1);
    size_t o = 0;
#define PUT(p, n) (memcpy(out + o, (p), (n)), o += (n))
    if (best > 0)
        PUT("…", 3);
    int at = from;
    for (size_t h = 0; h < nh; h++) {
        if (hs[h] < best || hs[h] >= end_tok)
            continue;
        int s = v.t[hs[h]].s, e = v.t[hs[h] + hl[h] - 1].e;
        /* overlapping bigrams: extend the previous mark */
        while (h + 1 < nh && hs[h + 1] < end_tok &&
               v.t[hs[h + 1]].s < e) {
            h++;
            int e2 = v.t[hs[h] + hl[h] - 1].e;
            e = e2 > e ? e2 : e;
        }
        if (s < at)
            s = at;
        if (e > to)
            e = to;
        if (e <= s)
            continue;
        PUT(body + at, (size_t)(s - at));
        PUT(HD_FAQ_MARK_OPEN, 3);
        PUT(body + s, (size_t)(e - s));
        PUT(HD_FAQ_MARK_CLOSE, 3);
        at = e;
    }
    if (at < to)
        PUT(body + at, (size_t)(to - at));
    if (end_tok < v.n)
        PUT("…", 3);
#undef PUT
    out[o] = '\0';
    return out;
}

const char *faq_index_snippet(const char *body, const char *q,
                              unsigned flags, struct hd_arena *a)
{
    struct hd_fts_term ts[HD_FTS_Q_MAX_TERMS];
    size_t nt;
    struct hd_error err = HD_ERROR_INIT;
    if (body == NULL || hd_fts_query_terms(q, flags, a, ts, &nt, &err) <= 0)
        return "";
    struct qterm *qs = hd_arena_zalloc(a, (nt + 1) * sizeof *qs);
    size_t nq = 0;
    for (size_t i = 0; i < nt; i++) {
        qs[nq].prefix = ts[i].prefix;
        struct qcopy c = {&qs[nq], a};
        (void)hd_store_fts_tokenize(ts[i].text, ts[i].n, true,
                                    on_qtoken_copy, &c);
        nq += qs[nq].n > 0;
    }
    return snippet(body, qs, nq, a);
}

/* ---- search ------------------------------------------------------------ */

int faq_index_search(const struct faq_index *x, const char *q,
                     unsigned flags, const char *lang, size_t limit,
                     struct hd_arena *a, struct hd_faq_hit **hs_r,
                     size_t *n_r, struct hd_error *err)
{
    *hs_r = NULL;
    *n_r = 0;
    struct hd_fts_term ts[HD_FTS_Q_MAX_TERMS];
    size_t nt;
    int rc = hd_fts_query_terms(q, flags, a, ts, &nt, err);
    if (rc <= 0)
        return rc;
    bool any = (flags & HD_FTS_Q_ANY) != 0;
    bool fallback = !any && (flags & FAQ_INDEX_ANY_IF_NONE) != 0;
    struct qterm *qs = hd_arena_zalloc(a, nt * sizeof *qs);
    size_t nq = 0;
    for (size_t i = 0; i < nt; i++) {
        struct qterm *t = &qs[nq];
        memset(t, 0, sizeof *t);
        t->prefix = ts[i].prefix;
        struct qcopy c = {t, a};
        (void)hd_store_fts_tokenize(ts[i].text, ts[i].n, true,
                                    on_qtoken_copy, &c);
        if (resolve(x, t))
            nq++;
    }
    struct hd_faq_hit *hits = hd_arena_zalloc(a, (limit + 1) * sizeof *hits);
    size_t n = 0;
    if (!any && nq < nt) { /* a term nothing contains: none has them all */
        if (fallback)
            any = true;
        else
            nq = 0;
    }
    if (nq == 0 || limit == 0) {
        *hs_r = hits;
        return 1;
    }
    /* texts in rank order, at most two per article */
    size_t want = 2 * limit;
    struct cand *order;
    size_t norder;
    struct match **ms = hd_arena_zalloc(a, nq * sizeof *ms);
    size_t *nms = hd_arena_zalloc(a, nq * sizeof *nms);
    if (nq == 1 && qs[0].n == 1 && qs[0].hi - qs[0].lo == 1) {
        /* one token: its impact-ordered list is the ranking */
        const struct fx_term *tm = &x->terms[qs[0].lo];
        norder = tm->n < want ? tm->n : want;
        order = hd_arena_alloc(a, (norder + 1) * sizeof *order);
        for (size_t i = 0; i < norder; i++)
            order[i] = (struct cand){x->imps[tm->off + i].doc,
                                     x->imps[tm->off + i].score};
        /* the sibling test below needs the texts containing it */
        ms[0] = NULL;
        nms[0] = 0;
    } else {
        double *idf = hd_arena_alloc(a, nq * sizeof *idf);
        for (size_t i = 0; i < nq; i++) {
            nms[i] = eval_term(x, &qs[i], a, &ms[i]);
            idf[i] = idf_of(x, (uint32_t)nms[i]);
        }
        struct topk tk = {hd_arena_alloc(a, (want + 1) * sizeof(struct cand)),
                          0, want};
        if (!any) { /* every term: walk the rarest, look the others up */
            size_t r = 0;
            for (size_t i = 1; i < nq; i++)
                r = nms[i] < nms[r] ? i : r;
            size_t *cur = hd_arena_zalloc(a, nq * sizeof *cur);
            for (size_t j = 0; j < nms[r]; j++) {
                uint32_t d = ms[r][j].doc;
                double s = 0;
                bool all = true;
                for (size_t i = 0; i < nq && all; i++) {
                    while (cur[i] < nms[i] && ms[i][cur[i]].doc < d)
                        cur[i]++;
                    all = cur[i] < nms[i] && ms[i][cur[i]].doc == d;
                    if (all)
                        s += part_of(x, idf[i], d, ms[i][cur[i]].tf_title,
                                     ms[i][cur[i]].tf_body);
                }
                if (all)
                    topk_add(&tk, d, s);
            }
        }
        if (!any && tk.n == 0 && fallback)
            any = true; /* no text has them all: any, from the same lists */
        if (any) { /* any term: the lists merged, scores summed per text */
            size_t *cur = hd_arena_zalloc(a, nq * sizeof *cur);
            for (;;) {
                uint32_t d = UINT32_MAX;
                for (size_t i = 0; i < nq; i++)
                    if (cur[i] < nms[i] && ms[i][cur[i]].doc < d)
                        d = ms[i][cur[i]].doc;
                if (d == UINT32_MAX)
                    break;
                double sc = 0;
                for (size_t i = 0; i < nq; i++)
                    if (cur[i] < nms[i] && ms[i][cur[i]].doc == d) {
                        sc += part_of(x, idf[i], d, ms[i][cur[i]].tf_title,
                                      ms[i][cur[i]].tf_body);
                        cur[i]++;
                    }
                topk_add(&tk, d, sc);
            }
        }
        order = tk.h;
        norder = tk.n;
        qsort(order, norder, sizeof *order, cmp_cand);
    }
    /* one hit per article; its text in lang when that one matches too */
    for (size_t i = 0; i < norder && n < limit; i++) {
        const struct fx_doc *d = &x->docs[order[i].doc];
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = hits[k].article_id == d->article_id;
        if (dup)
            continue;
        uint32_t pick = order[i].doc;
        if (strcmp(d->lang, lang) != 0 && d->sibling >= 0) {
            uint32_t sib = (uint32_t)d->sibling;
            bool sib_matches;
            if (ms[0] == NULL) {
                uint32_t cur = 0;
                sib_matches = seek(x, qs[0].lo, &cur, sib) != NULL;
            } else if (any) {
                sib_matches = false;
                for (size_t k = 0; k < nq && !sib_matches; k++)
                    sib_matches = in_matches(ms[k], nms[k], sib);
            } else {
                sib_matches = true;
                for (size_t k = 0; k < nq && sib_matches; k++)
                    sib_matches = in_matches(ms[k], nms[k], sib);
            }
            if (sib_matches)
                pick = sib;
        }
        const struct fx_doc *p = &x->docs[pick];
        hits[n++] = (struct hd_faq_hit){
            .article_id = p->article_id,
            .slug = hd_arena_strdup(a, p->slug),
            .lang = hd_arena_strdup(a, p->lang),
            .title = hd_arena_strdup(a, p->title),
            .snippet = snippet(p->body, qs, nq, a),
            .rank = -order[i].score};
    }
    *hs_r = hits;
    *n_r = n;
    return 1;
}
