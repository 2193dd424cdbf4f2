/* store_fts_query.c - see store_fts_query.h.  The tokenizer whose rules
 * this follows is store_fts.c. */
#include "store_fts_query.h"

#include "buf.h"
#include "store_faq.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

struct term {
    const char *p;
    size_t n;
    bool one_cjk_last; /* ends in a kana/kanji run of one character */
    bool ends_latin;   /* last character is a letter or digit */
    size_t chars;
};

static bool is_term_char(ucs4_t c)
{
    return hd_store_fts_is_cjk(c) || uc_is_alnum(c);
}

/* Cuts folded text into runs of term characters. */
static size_t split_terms(const uint8_t *f, size_t n, struct term *ts)
{
    size_t nt = 0;
    for (size_t i = 0; i < n && nt < HD_FTS_Q_MAX_TERMS;) {
        ucs4_t c;
        int k = u8_mbtouc(&c, f + i, n - i);
        if (!is_term_char(c)) {
            i += (size_t)k;
            continue;
        }
        size_t start = i, chars = 0, cjk_run = 0;
        while (i < n) {
            k = u8_mbtouc(&c, f + i, n - i);
            if (!is_term_char(c))
                break;
            cjk_run = hd_store_fts_is_cjk(c) ? cjk_run + 1 : 0;
            chars++;
            i += (size_t)k;
        }
        ts[nt++] = (struct term){(const char *)f + start, i - start,
                                 cjk_run == 1, cjk_run == 0, chars};
    }
    return nt;
}

/* Appends term t as a tsquery phrase: its tokens as the cjkbigram
 * tokenizer makes them in a query (store_fts.c: bigrams of a kana/kanji
 * run, the character alone only when the run is one long; a Latin word
 * capped at 64 bytes), joined by <->, the last one a prefix if asked. */
static int tsquery_term(struct hd_buf *b, const char *text, size_t n,
                        bool prefix, struct hd_error *err)
{
    enum { WORD_MAX = 64 }; /* store_fts.c's FTS_WORD_MAX */
    struct tok { const char *p; size_t n; } toks[HD_FTS_Q_MAX_BYTES];
    char words[HD_FTS_Q_MAX_BYTES];
    size_t nt = 0, used = 0;
    const uint8_t *p = (const uint8_t *)text;
    for (size_t i = 0; i < n;) {
        ucs4_t c;
        size_t start = i, run = 0, prev = i;
        int k = u8_mbtouc(&c, p + i, n - i);
        if (hd_store_fts_is_cjk(c)) {
            while (i < n) {
                k = u8_mbtouc(&c, p + i, n - i);
                if (!hd_store_fts_is_cjk(c))
                    break;
                if (run++ > 0) /* the bigram of the previous and this */
                    toks[nt++] = (struct tok){(const char *)p + prev,
                                              i + (size_t)k - prev};
                prev = i;
                i += (size_t)k;
            }
            if (run == 1)
                toks[nt++] = (struct tok){(const char *)p + start, i - start};
            continue;
        }
        size_t wlen = 0;
        char *w = words + used;
        while (i < n) {
            k = u8_mbtouc(&c, p + i, n - i);
            if (hd_store_fts_is_cjk(c))
                break;
            if (wlen + (size_t)k <= WORD_MAX) {
                memcpy(w + wlen, p + i, (size_t)k);
                wlen += (size_t)k;
            }
            i += (size_t)k;
        }
        used += wlen;
        toks[nt++] = (struct tok){w, wlen};
    }
    /* Tokens hold letters, digits, kana and kanji only: no quote or
     * backslash to escape. */
    if (hd_buf_printf(b, err, "(") < 0)
        return -1;
    for (size_t i = 0; i < nt; i++)
        if (hd_buf_printf(b, err, "%s'%.*s'%s", i ? " <-> " : "",
                          (int)toks[i].n, toks[i].p,
                          prefix && i == nt - 1 ? ":*" : "") < 0)
            return -1;
    return hd_buf_printf(b, err, ")");
}

char *hd_fts_fold(const char *q, size_t len, struct hd_arena *a,
                  size_t *n_r)
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

int hd_fts_query_terms(const char *q, unsigned flags, struct hd_arena *a,
                       struct hd_fts_term *out, size_t *n_r,
                       struct hd_error *err)
{
    size_t len = strlen(q);
    *n_r = 0;
    if (len > HD_FTS_Q_MAX_BYTES) {
        hd_error_set(err, HD_E_TOOBIG, "query is %zu bytes, max %d", len,
                     HD_FTS_Q_MAX_BYTES);
        return -1;
    }
    if (u8_check((const uint8_t *)q, len) != NULL) {
        hd_error_set(err, HD_E_INVAL, "query is not valid UTF-8");
        return -1;
    }
    size_t n;
    const char *f = hd_fts_fold(q, len, a, &n);
    struct term ts[HD_FTS_Q_MAX_TERMS];
    size_t nt = split_terms((const uint8_t *)f, n, ts);
    for (size_t i = 0; i < nt; i++)
        out[i] = (struct hd_fts_term){
            ts[i].p, ts[i].n,
            ts[i].one_cjk_last ||
                ((flags & HD_FTS_Q_PREFIX_LAST) && i == nt - 1 &&
                 ts[i].ends_latin && ts[i].chars >= 2)};
    *n_r = nt;
    return nt > 0;
}

int hd_fts_query_build(const char *q, unsigned flags, struct hd_arena *a,
                       char **fts_r, struct hd_error *err)
{
    struct hd_fts_term ts[HD_FTS_Q_MAX_TERMS];
    size_t nt;
    int rc = hd_fts_query_terms(q, flags, a, ts, &nt, err);
    if (rc <= 0)
        return rc;
    struct hd_buf b;
    /* A tsquery repeats each kana/kanji and adds quotes and <->. */
    hd_buf_init(&b, HD_FTS_Q_MAX_BYTES * 8);
    bool tsq = (flags & HD_FTS_Q_TSQUERY) != 0;
    const char *join = flags & HD_FTS_Q_ANY ? (tsq ? " | " : " OR ")
                                            : (tsq ? " & " : " ");
    for (size_t i = 0; i < nt; i++) {
        /* Terms hold only letters, digits, kana and kanji: no quote can
         * occur inside, so quoting makes every term literal. */
        if (tsq ? hd_buf_printf(&b, err, "%s", i ? join : "") < 0 ||
                      tsquery_term(&b, ts[i].text, ts[i].n, ts[i].prefix,
                                   err) < 0
                : hd_buf_printf(&b, err, "%s\"%.*s\"%s", i ? join : "",
                                (int)ts[i].n, ts[i].text,
                                ts[i].prefix ? "*" : "") < 0) {
            hd_buf_deinit(&b);
            return -1;
        }
    }
    *fts_r = hd_arena_strdup(a, hd_buf_cstr(&b));
    hd_buf_deinit(&b);
    return 1;
}
