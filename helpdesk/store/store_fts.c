/* store_fts.c - the "cjkbigram" FTS5 tokenizer that makes the FAQ
 * searchable in Japanese (no spaces between words) and English.
 *
 * Every character is NFKC-normalised and case-folded (libunistring) one
 * cluster at a time (a base character and its combining marks, so that
 * half-width ｶﾞ becomes ガ), and the tokens report byte offsets in the
 * ORIGINAL text, so snippet() and highlight() cut the stored text.
 *
 * Rules:
 *   - a run of kana or kanji emits overlapping bigrams ("障害が" -> 障害,
 *     害が); in documents the last character of the run is also emitted as
 *     a unigram, so a one-character query written as a prefix ("障"*)
 *     finds it;
 *   - in queries that trailing unigram is emitted only for a run of one
 *     character: emitting it after a longer run would add a token the
 *     document does not have at that position, and every phrase query of
 *     two or more characters would fail;
 *   - runs of letters and digits (after folding) become one lower-case
 *     word, capped at FTS_WORD_MAX bytes;
 *   - everything else separates tokens.
 * Folding is the costly part of indexing and of snippets, so the
 * characters that NFKC and case folding leave alone (plain kana and the
 * unified ideographs, hd_store_fts_fold_identity()) skip the library.
 * The query side (faq/lib/search.c) quotes every term, so the user never
 * writes FTS5 syntax; it relies on hd_store_fts_is_cjk() from here. */
#include "store_sqlite.h"
#include "store_faq.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#define FTS_WORD_MAX 64     /* bytes of one latin/digit word kept */
#define FTS_CLUSTER_MAX 32  /* bytes of one base character plus marks */
#define FTS_FOLD_MAX 128    /* bytes of one folded cluster */

struct tok_state {
    void *ctx;
    int (*emit)(void *, int, const char *, int, int, int);
    bool query;
    char word[FTS_WORD_MAX];
    size_t wlen;
    int wstart, wend;
    char prev[8]; /* last CJK character of the current run, folded */
    size_t plen;
    int pstart, pend;
    int run; /* characters in the current CJK run */
    int rc;
};

bool hd_store_fts_is_cjk(uint32_t c)
{
    if (c == 0x30FB || c == 0x30A0) /* ・ and ゠ are punctuation */
        return false;
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || c == 0x3005 || c == 0x3006 ||
           (c >= 0x20000 && c <= 0x2FA1F);
}

static bool is_mark(uint32_t c)
{
    return c == 0xFF9E || c == 0xFF9F ||
           uc_is_general_category(c, UC_CATEGORY_M);
}

static void emit(struct tok_state *ts, const char *p, size_t n, int s, int e)
{
    if (ts->rc == SQLITE_OK)
        ts->rc = ts->emit(ts->ctx, 0, p, (int)n, s, e);
}

static void flush_word(struct tok_state *ts)
{
    if (ts->wlen > 0)
        emit(ts, ts->word, ts->wlen, ts->wstart, ts->wend);
    ts->wlen = 0;
}

static void flush_cjk(struct tok_state *ts)
{
    if (ts->run > 0 && (!ts->query || ts->run == 1))
        emit(ts, ts->prev, ts->plen, ts->pstart, ts->pend);
    ts->run = 0;
}

/* One folded character c (UTF-8 in p/n) that came from [s, e). */
static void feed(struct tok_state *ts, uint32_t c, const uint8_t *p,
                 size_t n, int s, int e)
{
    if (hd_store_fts_is_cjk(c) && n <= sizeof ts->prev) {
        flush_word(ts);
        if (ts->run > 0) {
            char bi[16];
            memcpy(bi, ts->prev, ts->plen);
            memcpy(bi + ts->plen, p, n);
            emit(ts, bi, ts->plen + n, ts->pstart, e);
        }
        memcpy(ts->prev, p, n);
        ts->plen = n;
        ts->pstart = s;
        ts->pend = e;
        ts->run++;
    } else if (c < 0x80 ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                              (c >= 'A' && c <= 'Z')
                        : uc_is_alnum(c)) {
        flush_cjk(ts);
        if (ts->wlen == 0)
            ts->wstart = s;
        if (ts->wlen + n <= sizeof ts->word) {
            memcpy(ts->word + ts->wlen, p, n);
            ts->wlen += n;
        }
        ts->wend = e;
    } else {
        flush_word(ts);
        flush_cjk(ts);
    }
}

/* End of the cluster starting at i: the base character and its marks. */
static size_t cluster_end(const uint8_t *t, size_t len, size_t i)
{
    ucs4_t c;
    int k = u8_mbtouc(&c, t + i, len - i);
    size_t j = i + (size_t)k;
    while (j < len && j - i < FTS_CLUSTER_MAX) {
        if (t[j] < 0x80) /* no ASCII character is a mark */
            break;
        k = u8_mbtouc(&c, t + j, len - j);
        if (!is_mark(c))
            break;
        j += (size_t)k;
    }
    return j;
}

bool hd_store_fts_fold_identity(uint32_t c)
{
    return (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) ||
           (c >= 0x4E00 && c <= 0x9FFF);
}

static void feed_cluster(struct tok_state *ts, const uint8_t *t, size_t i,
                         size_t j)
{
    uint8_t buf[FTS_FOLD_MAX];
    size_t n = sizeof buf;
    if (j == i + 1 && t[i] < 0x80) { /* ASCII: fold without the library */
        uint8_t ch = t[i] >= 'A' && t[i] <= 'Z' ? t[i] + 32 : t[i];
        feed(ts, ch, &ch, 1, (int)i, (int)j);
        return;
    }
    if (j == i + 3) { /* one kana or kanji, no marks: folds to itself */
        ucs4_t c;
        if (u8_mbtouc(&c, t + i, 3) == 3 && hd_store_fts_fold_identity(c)) {
            feed(ts, c, t + i, 3, (int)i, (int)j);
            return;
        }
    }
    uint8_t *f = u8_casefold(t + i, j - i, NULL, UNINORM_NFKC, buf, &n);
    if (f == NULL) { /* invalid input: treat as a separator */
        feed(ts, ' ', (const uint8_t *)" ", 1, (int)i, (int)j);
        return;
    }
    for (size_t k = 0; k < n;) {
        ucs4_t c;
        int m = u8_mbtouc(&c, f + k, n - k);
        feed(ts, c, f + k, (size_t)m, (int)i, (int)j);
        k += (size_t)m;
    }
    if (f != buf)
        free(f);
}

static int tok_tokenize(Fts5Tokenizer *tok, void *ctx, int flags,
                        const char *text, int len,
                        int (*xtoken)(void *, int, const char *, int, int,
                                      int))
{
    (void)tok;
    struct tok_state ts = {.ctx = ctx, .emit = xtoken, .rc = SQLITE_OK};
    ts.query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    const uint8_t *t = (const uint8_t *)text;
    size_t n = len > 0 ? (size_t)len : 0;
    for (size_t i = 0; i < n && ts.rc == SQLITE_OK;) {
        size_t j = cluster_end(t, n, i);
        feed_cluster(&ts, t, i, j);
        i = j;
    }
    flush_word(&ts);
    flush_cjk(&ts);
    return ts.rc;
}

int hd_store_fts_tokenize(const char *text, size_t len, bool query,
                          int (*on_token)(void *, int, const char *, int,
                                          int, int),
                          void *ctx)
{
    return tok_tokenize(NULL, ctx, query ? FTS5_TOKENIZE_QUERY : 0, text,
                        (int)len, on_token) == SQLITE_OK
               ? 0
               : -1;
}

static int tok_create(void *ctx, const char **argv, int argc,
                      Fts5Tokenizer **tok_r)
{
    static int stateless; /* the tokenizer keeps no state between calls */
    (void)ctx;
    (void)argv;
    (void)argc;
    *tok_r = (Fts5Tokenizer *)&stateless;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *tok)
{
    (void)tok;
}

int store_fts_register(sqlite3 *db)
{
    static fts5_tokenizer cjkbigram = {tok_create, tok_delete,
                                       tok_tokenize};
    fts5_api *api = NULL;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(s);
    sqlite3_finalize(s);
    if (api == NULL || api->iVersion < 2)
        return SQLITE_ERROR;
    return api->xCreateTokenizer(api, "cjkbigram", NULL, &cjkbigram, NULL);
}
