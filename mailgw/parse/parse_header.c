/* parse_header.c - header fields of one message: splitting and unfolding,
 * RFC 2047 encoded words, address lists, Message-IDs, dates, RFC 2231
 * values, and header-based classification.  No libetpan here: these run
 * on our own scanner so odd headers degrade instead of failing. */
#include "parse_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "charset.h"
#include "codec.h"

#define ENCODED_WORD_MAX 4096 /* one =?cs?e?text?= (lenient: RFC says 75) */
#define DATE_TOKENS_MAX 12

/* ---- splitting ---------------------------------------------------- */

static size_t line_end(const char *s, size_t len, size_t i, size_t *next_r)
{
    const char *nl = memchr(s + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - s) : len;
    *next_r = nl ? e + 1 : len;
    if (e > i && s[e - 1] == '\r')
        e--;
    return e;
}

/* Unfolds raw[start..end) (which holds CR/LF of continuation lines). */
static char *unfold(const char *s, size_t n, struct hd_arena *a, bool *cut)
{
    if (n > MG_HEADER_LINE_MAX) {
        n = MG_HEADER_LINE_MAX;
        *cut = true;
    }
    char *o = hd_arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\r' && s[i] != '\n')
            o[k++] = s[i];
    o[k] = '\0';
    return o;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

bool mg_headers_clean(char *s, size_t n)
{
    bool changed = false;
    size_t i = 0, next;
    while (i < n) {
        size_t e = line_end(s, n, i, &next);
        if (e == i)
            break;
        bool cont = s[i] == ' ' || s[i] == '\t';
        const char *colon = cont ? NULL : memchr(s + i, ':', e - i);
        if (!cont && i > 0 && (colon == NULL || colon == s + i)) {
            s[i] = ' '; /* no name: part of the field before */
            changed = true;
        } else if (colon != NULL) {
            for (char *p = s + i; p < colon; p++)
                if ((unsigned char)*p <= ' ' || (unsigned char)*p > '~') {
                    *p = '-';
                    changed = true;
                }
        }
        i = next;
    }
    return changed;
}

void mg_headers_split(const char *raw, size_t len, struct hd_arena *a,
                      struct mg_header **h_r, size_t *n_r, size_t *body_r,
                      const char **problem_r)
{
    size_t cap = 32, n = 0, i = 0, next;
    struct mg_header *h = hd_arena_alloc(a, cap * sizeof *h);
    bool cut = false;
    *body_r = len;
    while (i < len) {
        size_t e = line_end(raw, len, i, &next);
        if (e == i) { /* empty line: the body follows */
            *body_r = next;
            break;
        }
        size_t fe = e, fnext = next; /* extend over continuation lines */
        while (fnext < len && (raw[fnext] == ' ' || raw[fnext] == '\t'))
            fe = line_end(raw, len, fnext, &fnext);
        const char *colon = memchr(raw + i, ':', fe - i);
        if (!colon || colon == raw + i || memchr(raw + i, ' ', (size_t)(colon - raw - i))) {
            if (!(i == 0 && fe - i > 5 && memcmp(raw, "From ", 5) == 0)
                && !*problem_r)
                *problem_r = "header line without a field name skipped";
            i = fnext;
            continue;
        }
        if (n == MG_HEADER_COUNT_MAX) {
            if (!*problem_r)
                *problem_r = "too many header fields; rest ignored";
            i = fnext;
            continue;
        }
        if (n == cap) {
            struct mg_header *nh = hd_arena_alloc(a, 2 * cap * sizeof *h);
            memcpy(nh, h, n * sizeof *h);
            h = nh, cap *= 2;
        }
        h[n].name = hd_arena_strndup(a, raw + i, (size_t)(colon - raw - i));
        char *v = trim(unfold(colon + 1, (size_t)(raw + fe - colon - 1), a, &cut));
        h[n].raw = v;
        h[n].value = mg_decode_header(v, strlen(v), a);
        n++;
        i = fnext;
    }
    if (cut && !*problem_r)
        *problem_r = "header field longer than the limit was cut";
    *h_r = h;
    *n_r = n;
}

const struct mg_header *mg_headers_find(const struct mg_header *h, size_t n,
                                        const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(h[i].name, name) == 0)
            return &h[i];
    return NULL;
}

const char *mg_mail_header(const struct mg_mail *mail, const char *name)
{
    const struct mg_header *h = mg_headers_find(mail->headers,
                                                mail->n_headers, name);
    return h ? h->value : NULL;
}

/* ---- RFC 2047 ----------------------------------------------------- */

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

struct eword {
    char charset[MG_CHARSET_LABEL_MAX];
    char enc;          /* 'B' or 'Q' */
    const char *text;  /* encoded text */
    size_t text_len;
    size_t len;        /* whole word */
};

/* Recognises =?charset[*lang]?B|Q?text?= at s. */
static bool eword_parse(const char *s, size_t n, struct eword *w)
{
    if (n < 8 || s[0] != '=' || s[1] != '?')
        return false;
    size_t i = 2, cs = 0;
    while (i < n && s[i] != '?' && cs + 1 < MG_CHARSET_LABEL_MAX) {
        if ((unsigned char)s[i] <= ' ' || s[i] == '"')
            return false;
        w->charset[cs++] = s[i++];
    }
    w->charset[cs] = '\0';
    char *star = strchr(w->charset, '*'); /* RFC 2231 language suffix */
    if (star)
        *star = '\0';
    if (i + 3 >= n || s[i] != '?' || cs == 0 || s[i + 2] != '?')
        return false;
    w->enc = (char)toupper((unsigned char)s[i + 1]);
    if (w->enc != 'B' && w->enc != 'Q')
        return false;
    i += 3;
    w->text = s + i;
    bool spaced = false;
    for (; i + 1 < n && i < ENCODED_WORD_MAX; i++) {
        if (s[i] == '?' && s[i + 1] == '=') {
            w->text_len = (size_t)(s + i - w->text);
            w->len = i + 2;
            return true;
        }
        /* Mail clients read spaces inside the encoded text (a word
         * folded in its middle, a leading space), so do we; a word that
         * never closes before the next one opens is text. */
        if (s[i] == ' ' || s[i] == '\t')
            spaced = true;
        else if (spaced && s[i] == '=' && s[i + 1] == '?')
            return false;
    }
    return false;
}

static void eword_bytes(const struct eword *w, struct hd_buf *b)
{
    struct hd_error e;
    unsigned bits = 0, nb = 0;
    for (size_t i = 0; i < w->text_len; i++) {
        unsigned char c = (unsigned char)w->text[i], o;
        if (w->enc == 'B') {
            int v = b64val(c);
            if (v < 0)
                continue;
            bits = (bits << 6) | (unsigned)v, nb += 6;
            if (nb < 8)
                continue;
            nb -= 8;
            o = (unsigned char)(bits >> nb);
            bits &= (1u << nb) - 1;
        } else if (c == '_')
            o = ' ';
        else if (c == '=' && i + 2 < w->text_len
                 && hd_hex_digit(w->text[i + 1]) >= 0
                 && hd_hex_digit(w->text[i + 2]) >= 0) {
            o = (unsigned char)(hd_hex_digit(w->text[i + 1]) * 16
                                + hd_hex_digit(w->text[i + 2]));
            i += 2;
        } else
            o = c;
        if (hd_buf_append(b, &o, 1, &e) < 0)
            return;
    }
}

struct hdec {
    struct hd_arena *a;
    struct hd_buf out, pend;
    char pend_cs[MG_CHARSET_LABEL_MAX];
    const char *literal_cs; /* charset for unencoded 8-bit text */
};

static void put_conv(struct hdec *d, const char *cs, const char *s, size_t n)
{
    char *u;
    size_t un;
    struct hd_error e;
    if (n == 0)
        return;
    mg_charset_decode(cs, s, n, d->a, &u, &un);
    if (hd_buf_append(&d->out, u, un, &e) < 0)
        return;
}

static void flush(struct hdec *d)
{
    put_conv(d, d->pend_cs, d->pend.data, d->pend.len);
    hd_buf_reset(&d->pend);
    d->pend_cs[0] = '\0';
}

const char *mg_decode_header(const char *raw, size_t n, struct hd_arena *a)
{
    struct hdec d = {.a = a};
    hd_buf_init(&d.out, 8 * (size_t)MG_HEADER_LINE_MAX);
    hd_buf_init(&d.pend, MG_HEADER_LINE_MAX);
    d.literal_cs = mg_charset_guess_header(raw, n);
    size_t i = 0, lit = 0;
    while (i < n) {
        struct eword w;
        const char *q = memmem(raw + i, n - i, "=?", 2);
        if (!q) break;
        i = (size_t)(q - raw);
        if (!eword_parse(raw + i, n - i, &w)) {
            i += 2;
            continue;
        }
        put_conv(&d, d.literal_cs, raw + lit, i - lit);
        if (strcasecmp(d.pend_cs, w.charset) != 0)
            flush(&d);
        memcpy(d.pend_cs, w.charset, sizeof w.charset);
        eword_bytes(&w, &d.pend);
        i += w.len;
        lit = i;
        /* Whitespace between two encoded words is not text (6.2). */
        size_t j = i;
        while (j < n && strchr(" \t\r\n", raw[j]))
            j++;
        struct eword w2;
        if (j < n && eword_parse(raw + j, n - j, &w2))
            i = lit = j;
        else
            flush(&d);
    }
    flush(&d);
    put_conv(&d, d.literal_cs, raw + lit, n - lit);
    char *s = hd_arena_strndup(a, hd_buf_cstr(&d.out), d.out.len);
    for (char *p = s; *p; p++)
        if (*p == '\t' || *p == '\r' || *p == '\n')
            *p = ' ';
    hd_buf_deinit(&d.out);
    hd_buf_deinit(&d.pend);
    return trim(s);
}

/* ---- RFC 2231 ------------------------------------------------------ */

const char *mg_rfc2231_decode(const char *v, size_t n, struct hd_arena *a)
{
    const char *q1 = memchr(v, '\'', n);
    const char *q2 = q1 ? memchr(q1 + 1, '\'', (size_t)(v + n - q1 - 1)) : NULL;
    char cs[MG_CHARSET_LABEL_MAX] = "UTF-8";
    if (q1 && q2) {
        size_t l = (size_t)(q1 - v);
        if (l > 0 && l < sizeof cs) {
            memcpy(cs, v, l);
            cs[l] = '\0';
        }
        n -= (size_t)(q2 + 1 - v);
        v = q2 + 1;
    }
    char *b = hd_arena_alloc(a, n + 1);
    size_t k;
    struct hd_error e;
    int rc = hd_pct_decode(v, n, HD_PCT_LENIENT, b, n + 1, &k, &e);
    hd_assert(rc == 0); /* n + 1 bytes hold any lenient decoding */
    char *u;
    size_t un;
    mg_charset_decode(cs, b, k, a, &u, &un);
    return u;
}
