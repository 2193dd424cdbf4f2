/* parse_body.c - body bytes: transfer decoding (streaming, never past the
 * part), RFC 3676 format=flowed, newline normalisation, folding of quoted
 * text and signatures, a language guess, sha256. */
#include "parse_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/evp.h>

#define LANG_SAMPLE_MAX 8192
#define FOLD_MAX 64 /* ranges reported */

void mg_sha256_hex(const void *s, size_t n, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    hd_assert(EVP_Digest(s, n, md, &mdlen, EVP_sha256(), NULL) == 1);
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = "0123456789abcdef"[md[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
    }
    out[64] = '\0';
}

void mg_raw_drop(const char *p, size_t n)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t s = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(page - 1);
    if (e > s) /* advisory: on failure the pages just stay resident */
        (void)madvise((void *)s, e - s, MADV_DONTNEED);
}

/* ---- transfer decoding --------------------------------------------- */

static int b64(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

static int hex(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void mg_att_reader_init(struct mg_att_reader *r,
                        const struct mg_attachment *att)
{
    r->att = att;
    r->pos = 0;
    r->bits = r->nbits = 0;
}

/* Base64, lenient: characters outside the alphabet (line breaks, junk)
 * are skipped, '=' is ignored, a trailing partial group is dropped. */
static size_t next_b64(struct mg_att_reader *r)
{
    const unsigned char *s = (const unsigned char *)r->att->raw;
    size_t k = 0, n = r->att->raw_len;
    while (r->pos < n && k < sizeof r->buf) {
        if (s[r->pos] == '=') { /* padding ends the data; junk may follow */
            r->pos = n;
            break;
        }
        int v = b64(s[r->pos++]);
        if (v < 0)
            continue;
        r->bits = (r->bits << 6) | (unsigned)v;
        r->nbits += 6;
        if (r->nbits >= 8) {
            r->nbits -= 8;
            r->buf[k++] = (char)(r->bits >> r->nbits);
            r->bits &= (1u << r->nbits) - 1;
        }
    }
    return k;
}

/* Quoted-printable: "=XX", soft breaks "=" (+ blanks) + newline; a bare
 * '=' that is neither stays literal. */
static size_t next_qp(struct mg_att_reader *r)
{
    const char *s = r->att->raw;
    size_t k = 0, n = r->att->raw_len;
    while (r->pos < n && k < sizeof r->buf) {
        char c = s[r->pos];
        if (c != '=') {
            r->buf[k++] = c;
            r->pos++;
            continue;
        }
        if (r->pos + 2 < n && hex(s[r->pos + 1]) >= 0 && hex(s[r->pos + 2]) >= 0) {
            r->buf[k++] = (char)(hex(s[r->pos + 1]) * 16 + hex(s[r->pos + 2]));
            r->pos += 3;
            continue;
        }
        size_t j = r->pos + 1;
        while (j < n && (s[j] == ' ' || s[j] == '\t'))
            j++;
        if (j < n && s[j] == '\r')
            j++;
        if (j < n && s[j] == '\n') {
            r->pos = j + 1;
            continue;
        }
        if (j == n) { /* "=" at the very end */
            r->pos = n;
            continue;
        }
        r->buf[k++] = '=';
        r->pos++;
    }
    return k;
}

/* uuencode: lines of a length character and groups of four characters
 * for three bytes, between "begin MODE NAME" and "end" (either may be
 * missing); whole lines at a time, never more than the buffer holds. */
static size_t next_uu(struct mg_att_reader *r)
{
    const unsigned char *s = (const unsigned char *)r->att->raw;
    size_t k = 0, n = r->att->raw_len;
    while (r->pos < n) {
        const unsigned char *nl = memchr(s + r->pos, '\n', n - r->pos);
        size_t e = nl ? (size_t)(nl - s) : n, next = nl ? e + 1 : n;
        if (e > r->pos && s[e - 1] == '\r')
            e--;
        size_t ll = e - r->pos;
        const unsigned char *l = s + r->pos;
        if (ll >= 3 && memcmp(l, "end", 3) == 0 && ll == 3) {
            r->pos = n;
            break;
        }
        if (ll == 0 || (ll >= 6 && memcmp(l, "begin ", 6) == 0)) {
            r->pos = next;
            continue;
        }
        size_t want = (size_t)((l[0] - ' ') & 63);
        if (k + want > sizeof r->buf)
            break;
        size_t got = 0;
        for (size_t i = 1; i + 3 < ll + 3 && got < want; i += 4) {
            unsigned v = 0;
            for (size_t j = 0; j < 4; j++)
                v = (v << 6) |
                    (i + j < ll ? (unsigned)((l[i + j] - ' ') & 63) : 0u);
            for (int b = 2; b >= 0 && got < want; b--, got++)
                r->buf[k++] = (char)((v >> (8 * b)) & 0xff);
        }
        r->pos = next;
    }
    return k;
}

bool mg_att_reader_next(struct mg_att_reader *r, const char **p_r,
                        size_t *n_r)
{
    size_t k;
    const struct mg_attachment *a = r->att;
    if (a->transfer == MG_TE_IDENTITY) {
        if (r->pos >= a->raw_len)
            return false;
        *p_r = a->raw + r->pos;
        *n_r = a->raw_len - r->pos;
        r->pos = a->raw_len;
        return true;
    }
    do {
        k = a->transfer == MG_TE_BASE64   ? next_b64(r)
            : a->transfer == MG_TE_UUENCODE ? next_uu(r)
                                            : next_qp(r);
    } while (k == 0 && r->pos < a->raw_len);
    if (k == 0)
        return false;
    *p_r = r->buf;
    *n_r = k;
    return true;
}

void mg_attachment_data(const struct mg_attachment *att, struct hd_arena *a,
                        const char **data_r, size_t *len_r)
{
    size_t n;
    char *d = mg_transfer_decode(att->raw, att->raw_len, att->transfer,
                                 HD_MAIL_MAX, &n);
    *data_r = hd_arena_strndup(a, d, n);
    *len_r = n;
    free(d);
}

char *mg_transfer_decode(const char *s, size_t n, enum mg_transfer te,
                         size_t max, size_t *outlen_r)
{
    struct mg_attachment att = {.raw = s, .raw_len = n, .transfer = te};
    struct mg_att_reader *r = hd_xmalloc(sizeof *r);
    size_t cap = n < max ? n + 1 : max + 1, k = 0, cn;
    char *o = hd_xmalloc(cap);
    const char *p;
    mg_att_reader_init(r, &att);
    while (k < max && mg_att_reader_next(r, &p, &cn)) {
        if (cn > max - k)
            cn = max - k;
        memcpy(o + k, p, cn); /* decoded never exceeds encoded */
        k += cn;
    }
    o[k] = '\0';
    free(r);
    *outlen_r = k;
    return o;
}

size_t mg_newlines_lf(char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            s[k++] = '\n';
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
        } else
            s[k++] = s[i];
    }
    s[k] = '\0';
    return k;
}

/* ---- format=flowed (RFC 3676) -------------------------------------- */

char *mg_flowed_decode(const char *s, size_t n, bool delsp,
                       struct hd_arena *a, size_t *outlen_r)
{
    char *o = hd_arena_alloc(a, 2 * n + 1); /* quote prefixes may grow */
    size_t k = 0, i = 0;
    int open_depth = -1; /* depth of the paragraph being joined, -1 none */
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n, next = nl ? e + 1 : n;
        int depth = 0;
        while (i < e && s[i] == '>')
            depth++, i++;
        if (i < e && s[i] == ' ')
            i++; /* space-stuffing */
        size_t len = e - i;
        bool sig = len == 3 && memcmp(s + i, "-- ", 3) == 0;
        bool flowed = !sig && len > 0 && s[e - 1] == ' ' && nl;
        if (flowed && delsp)
            len--;
        if (open_depth != depth) {
            if (open_depth >= 0)
                o[k++] = '\n';
            for (int d = 0; d < depth; d++)
                o[k++] = '>';
            if (depth)
                o[k++] = ' ';
        }
        memcpy(o + k, s + i, len);
        k += len;
        if (flowed)
            open_depth = depth;
        else {
            open_depth = -1;
            if (nl)
                o[k++] = '\n';
        }
        i = next;
    }
    o[k] = '\0';
    *outlen_r = k;
    return o;
}

/* ---- folding ------------------------------------------------------- */

static bool ends_with(const char *s, size_t n, const char *suf)
{
    size_t m = strlen(suf);
    return n >= m && memcmp(s + n - m, suf, m) == 0;
}

/* A line that introduces a quoted reply below it. */
static bool attribution(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;
    static const char *const tails[] = {
        "wrote:", "書きました:", "書きました：", "のメッセージ:", "schrieb:",
        "a écrit :", "a écrit:", "escribió:", "wrote :"};
    for (size_t i = 0; i < HD_ARRAY_LEN(tails); i++)
        if (ends_with(s, n, tails[i]))
            return true;
    return false;
}

/* A line after which everything is the previous message (top-posting). */
static bool original_marker(const char *s, size_t n, const char *rest,
                            size_t rest_n)
{
    if (n >= 10 && memmem(s, n, "Original Message", 16) && s[0] == '-')
        return true;
    if (memmem(s, n, "-----元のメッセージ-----", strlen("-----元のメッセージ-----")))
        return true;
    bool from = (n > 5 && strncasecmp(s, "From:", 5) == 0)
                || (n > 10 && memcmp(s, "差出人:", strlen("差出人:")) == 0)
                || (n > 10 && memcmp(s, "差出人：", strlen("差出人：")) == 0);
    if (!from)
        return false;
    size_t look = rest_n < 400 ? rest_n : 400; /* the next few lines */
    return memmem(rest, look, "\nSent:", 6) || memmem(rest, look, "\n送信日時:", strlen("\n送信日時:"))
           || memmem(rest, look, "\n送信日時：", strlen("\n送信日時："));
}

static size_t add_fold(struct mg_fold *f, size_t nf, size_t s, size_t e,
                       enum mg_fold_kind k)
{
    if (nf > 0 && f[nf - 1].kind == k && f[nf - 1].end >= s) {
        f[nf - 1].end = e;
        return nf;
    }
    if (nf == FOLD_MAX || s >= e)
        return nf;
    f[nf] = (struct mg_fold){s, e, k};
    return nf + 1;
}

size_t mg_text_fold(const char *text, size_t len, struct hd_arena *a,
                    struct mg_fold **folds_r)
{
    struct mg_fold *f = hd_arena_alloc(a, FOLD_MAX * sizeof *f);
    size_t nf = 0, i = 0, prev_start = SIZE_MAX, sig = SIZE_MAX;
    bool prev_attr = false;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len, next = nl ? e + 1 : len;
        const char *s = text + i;
        size_t n = e - i;
        bool quoted = n > 0 && (s[0] == '>' || (n >= 3 && memcmp(s, "＞", 3) == 0));
        if (n == 3 && memcmp(s, "-- ", 3) == 0 && sig == SIZE_MAX)
            sig = i;
        else if (original_marker(s, n, text + e, len - e)) {
            if (sig != SIZE_MAX)
                nf = add_fold(f, nf, sig, i, MG_FOLD_SIGNATURE), sig = SIZE_MAX;
            nf = add_fold(f, nf, i, len, MG_FOLD_QUOTE);
            break;
        } else if (quoted) {
            if (sig != SIZE_MAX)
                nf = add_fold(f, nf, sig, i, MG_FOLD_SIGNATURE), sig = SIZE_MAX;
            nf = add_fold(f, nf, prev_attr ? prev_start : i, next, MG_FOLD_QUOTE);
        }
        if (n > 0) {
            prev_attr = attribution(s, n);
            prev_start = i;
        }
        i = next;
    }
    if (sig != SIZE_MAX)
        nf = add_fold(f, nf, sig, len, MG_FOLD_SIGNATURE);
    *folds_r = f;
    return nf;
}

/* ---- language ------------------------------------------------------ */

static unsigned long next_cp(const unsigned char *s, size_t n, size_t *i)
{
    unsigned long c = s[*i];
    size_t l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (*i + l > n || c >= 0xF8 || (c >= 0x80 && c < 0xC0)) {
        (*i)++;
        return 0xFFFD;
    }
    if (l > 1)
        c &= 0x3Fu >> (l - 1);
    for (size_t j = 1; j < l; j++)
        c = (c << 6) | (s[*i + j] & 0x3F);
    *i += l;
    return c;
}

static const struct { const char *lang; const char *words[6]; } stopwords[] = {
    {"en", {" the ", " and ", " is ", " you ", " to ", " please "}},
    {"de", {" der ", " und ", " nicht ", " ich ", " ist ", " bitte "}},
    {"fr", {" le ", " et ", " les ", " vous ", " est ", " merci "}},
    {"es", {" el ", " que ", " por ", " los ", " una ", " gracias "}},
    {"pt", {" não ", " você ", " obrigado ", " uma ", " para ", " com "}},
    {"it", {" il ", " che ", " non ", " per ", " grazie ", " sono "}},
    {"nl", {" het ", " een ", " niet ", " van ", " bedankt ", " ik "}},
};

static const char *latin_language(const char *s, size_t n)
{
    const char *best = "en";
    int best_score = 0;
    for (size_t l = 0; l < HD_ARRAY_LEN(stopwords); l++) {
        int score = 0;
        for (size_t w = 0; w < 6; w++) {
            const char *p = s, *word = stopwords[l].words[w];
            size_t wl = strlen(word);
            while ((p = memmem(p, (size_t)(s + n - p), word, wl)) && score < 1000)
                score++, p += wl - 1;
        }
        if (score > best_score)
            best = stopwords[l].lang, best_score = score;
    }
    return best;
}

const char *mg_language_guess(const char *text, size_t n)
{
    if (n > LANG_SAMPLE_MAX)
        n = LANG_SAMPLE_MAX;
    const unsigned char *s = (const unsigned char *)text;
    size_t kana = 0, hangul = 0, han = 0, cyr = 0, greek = 0, arabic = 0,
           hebrew = 0, thai = 0, latin = 0;
    for (size_t i = 0; i < n;) {
        unsigned long c = next_cp(s, n, &i);
        if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0xFF66 && c <= 0xFF9F)) kana++;
        else if (c >= 0xAC00 && c <= 0xD7AF) hangul++;
        else if (c >= 0x4E00 && c <= 0x9FFF) han++;
        else if (c >= 0x0400 && c <= 0x04FF) cyr++;
        else if (c >= 0x0370 && c <= 0x03FF) greek++;
        else if (c >= 0x0600 && c <= 0x06FF) arabic++;
        else if (c >= 0x0590 && c <= 0x05FF) hebrew++;
        else if (c >= 0x0E00 && c <= 0x0E7F) thai++;
        else if (isalpha((int)(c < 0x80 ? c : 0)) || (c >= 0xC0 && c <= 0x24F)) latin++;
    }
    if (kana >= 2 || (kana && han))
        return "ja";
    if (hangul >= 2) return "ko";
    if (han >= 2) return "zh";
    size_t other = latin / 2;
    if (cyr > other) return "ru";
    if (greek > other) return "el";
    if (arabic > other) return "ar";
    if (hebrew > other) return "he";
    if (thai > other) return "th";
    return latin_language(text, n);
}
