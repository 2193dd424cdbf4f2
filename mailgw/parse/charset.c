/* charset.c - mail charsets to valid UTF-8 (see charset.h).  Uses glibc
 * iconv and, when built with it, libuchardet; nothing else. */
#include "charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef HD_HAVE_UCHARDET
#include <uchardet/uchardet.h>
#endif

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define GUESS_SAMPLE_MAX (64u * 1024) /* bytes looked at to guess */

/* A growing output; conversions are bounded by their input (x4 + slack). */
struct out {
    char *p;
    size_t n, cap;
};

static void out_add(struct out *o, const char *s, size_t n)
{
    if (o->n + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap < o->n + n + 1)
            cap *= 2;
        o->p = hd_xrealloc(o->p, cap);
        o->cap = cap;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = '\0';
}

/* Length of the well-formed UTF-8 sequence at s, or 0 if ill-formed. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* True if s is UTF-8 with a few damaged bytes: at least as many valid
 * multi-byte sequences as invalid bytes.  Such text keeps its UTF-8 reading
 * (with U+FFFD) instead of being guessed into mojibake. */
static bool mostly_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t good = 0, bad = 0;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(u + i, n - i);
        if (l == 0)
            bad++, i++;
        else
            good += l > 1, i += l;
    }
    return good > 0 && good >= 2 * bad;
}

bool mg_utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(u + i, n - i);
        if (l == 0)
            return false;
        i += l;
    }
    return true;
}

static bool bad_control(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

/* Appends UTF-8 input, replacing ill-formed bytes and controls. */
static size_t add_utf8_clean(struct out *o, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t bad = 0, run = 0;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(u + i, n - i);
        if (l == 0 || (l == 1 && bad_control(u[i]))) {
            out_add(o, s + run, i - run);
            out_add(o, REPLACEMENT, 3);
            bad++;
            i++;
            run = i;
            continue;
        }
        i += l;
    }
    out_add(o, s + run, n - run);
    return bad;
}

/* ISO-2022-JP (and CP50220/50221/ISO-2022-JP-2's Japanese subset) to CP932
 * by arithmetic, so NEC row 13 and IBM extension characters map through
 * glibc's CP932 table instead of being lost. */
static char *iso2022jp_to_cp932(const char *s, size_t n, size_t *outn)
{
    char *o = hd_xmalloc(n + 1);
    size_t k = 0;
    int mode = 0; /* 0 ASCII, 1 JIS X 0208, 2 half-width kana */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x1b && i + 2 < n) {
            char b = s[i + 1], d = s[i + 2];
            if (b == '$' && (d == 'B' || d == '@')) {
                mode = 1, i += 2;
                continue;
            }
            if (b == '(' && (d == 'B' || d == 'J')) {
                mode = 0, i += 2;
                continue;
            }
            if (b == '(' && d == 'I') {
                mode = 2, i += 2;
                continue;
            }
        }
        if (c == 0x0e || c == 0x0f) {
            mode = c == 0x0e ? 2 : 0;
            continue;
        }
        if (mode == 1 && c >= 0x21 && c <= 0x7e && i + 1 < n) {
            unsigned c1 = c, c2 = (unsigned char)s[++i];
            o[k++] = (char)(((c1 + 1) >> 1) + (c1 <= 0x5e ? 0x70 : 0xb0));
            o[k++] = (char)((c1 & 1) ? c2 + (c2 < 0x60 ? 0x1f : 0x20)
                                     : c2 + 0x7e);
        } else if (mode == 2 && c >= 0x21 && c <= 0x5f)
            o[k++] = (char)(c + 0x80);
        else
            o[k++] = (char)c;
    }
    *outn = k;
    return o;
}

enum conv_kind { CONV_UNKNOWN, CONV_UTF8, CONV_ASCII, CONV_ISO2022JP,
                 CONV_ICONV };

struct alias {
    const char *label, *iconv_name;
    enum conv_kind kind;
};

static const struct alias aliases[] = {
    {"utf-8", NULL, CONV_UTF8},          {"utf8", NULL, CONV_UTF8},
    {"us-ascii", NULL, CONV_ASCII},      {"ascii", NULL, CONV_ASCII},
    {"ansi_x3.4-1968", NULL, CONV_ASCII},
    {"shift_jis", "CP932", CONV_ICONV},  {"shift-jis", "CP932", CONV_ICONV},
    {"sjis", "CP932", CONV_ICONV},       {"x-sjis", "CP932", CONV_ICONV},
    {"windows-31j", "CP932", CONV_ICONV}, {"cp932", "CP932", CONV_ICONV},
    {"ms932", "CP932", CONV_ICONV},      {"ms_kanji", "CP932", CONV_ICONV},
    {"csshiftjis", "CP932", CONV_ICONV}, {"x-ms-cp932", "CP932", CONV_ICONV},
    {"euc-jp", "EUC-JP-MS", CONV_ICONV}, {"eucjp", "EUC-JP-MS", CONV_ICONV},
    {"x-euc-jp", "EUC-JP-MS", CONV_ICONV},
    {"euc-jp-ms", "EUC-JP-MS", CONV_ICONV},
    {"iso-8859-1", "WINDOWS-1252", CONV_ICONV},
    {"latin1", "WINDOWS-1252", CONV_ICONV},
    {"gb2312", "GBK", CONV_ICONV},       {"euc-cn", "GBK", CONV_ICONV},
    {"x-gbk", "GBK", CONV_ICONV},        {"gbk", "GBK", CONV_ICONV},
    {"cp936", "GBK", CONV_ICONV},        {"gb18030", "GB18030", CONV_ICONV},
    {"big5", "BIG5-HKSCS", CONV_ICONV},  {"x-big5", "BIG5-HKSCS", CONV_ICONV},
    {"cn-big5", "BIG5-HKSCS", CONV_ICONV},
    {"ks_c_5601-1987", "CP949", CONV_ICONV}, {"euc-kr", "CP949", CONV_ICONV},
    {"ks_c_5601", "CP949", CONV_ICONV},  {"ksc5601", "CP949", CONV_ICONV},
    {"x-windows-949", "CP949", CONV_ICONV},
    {"gb_2312-80", "GBK", CONV_ICONV},   {"chinese", "GBK", CONV_ICONV},
    {"x-euc-tw", "EUC-TW", CONV_ICONV},  {"big5-hkscs", "BIG5-HKSCS", CONV_ICONV},
    {"iso-8859-8-i", "ISO-8859-8", CONV_ICONV},
    {"iso-8859-6-i", "ISO-8859-6", CONV_ICONV},
    {"unicode-1-1-utf-7", "UTF-7", CONV_ICONV},
    {"x-mac-japanese", "CP932", CONV_ICONV}, {"x-mac-roman", "MACINTOSH", CONV_ICONV},
    {"cp-850", "CP850", CONV_ICONV},     {"windows-874", "CP874", CONV_ICONV},
    {"x-windows-874", "CP874", CONV_ICONV},
    {"ansi", "WINDOWS-1252", CONV_ICONV}, {"latin-1", "WINDOWS-1252", CONV_ICONV},
    {"iso_8859-1", "WINDOWS-1252", CONV_ICONV},
    {"iso8859-1", "WINDOWS-1252", CONV_ICONV},
    {"unknown-8bit", NULL, CONV_UNKNOWN}, {"x-unknown", NULL, CONV_UNKNOWN},
    {"default", NULL, CONV_UNKNOWN},     {"x-user-defined", NULL, CONV_UNKNOWN},
    {"charset", NULL, CONV_UNKNOWN},
};

/* Lower-cases and trims a label; false if it holds characters no charset
 * name has (which also keeps "//TRANSLIT" tricks away from iconv). */
static bool clean_label(const char *label, char out[MG_CHARSET_LABEL_MAX])
{
    size_t k = 0;
    if (!label)
        return false;
    while (*label == ' ' || *label == '"' || *label == '\t')
        label++;
    for (; *label && *label != '"' && *label != ' '; label++) {
        unsigned char c = (unsigned char)*label;
        if (!isalnum(c) && !strchr("-_.:()+", c))
            return false;
        if (k + 1 >= MG_CHARSET_LABEL_MAX)
            return false;
        out[k++] = (char)tolower(c);
    }
    out[k] = '\0';
    return k > 0;
}

static enum conv_kind classify(const char *label, char name[MG_CHARSET_LABEL_MAX])
{
    char l[MG_CHARSET_LABEL_MAX];
    if (!clean_label(label, l))
        return CONV_UNKNOWN;
    for (size_t i = 0; i < HD_ARRAY_LEN(aliases); i++)
        if (strcmp(l, aliases[i].label) == 0) {
            if (aliases[i].iconv_name)
                memcpy(name, aliases[i].iconv_name,
                       strlen(aliases[i].iconv_name) + 1);
            return aliases[i].kind;
        }
    if (strncmp(l, "iso-2022-jp", 11) == 0 || strncmp(l, "csiso2022jp", 11) == 0
        || strncmp(l, "cp5022", 6) == 0)
        return CONV_ISO2022JP;
    for (size_t i = 0; l[i]; i++)
        name[i] = (char)toupper((unsigned char)l[i]);
    name[strlen(l)] = '\0';
    return CONV_ICONV;
}

/* iconv from 'name' into o; returns -1 if iconv does not know the name,
 * else the number of replaced bytes. */
static long iconv_into(const char *name, const char *s, size_t n,
                       struct out *o)
{
    iconv_t cd = iconv_open("UTF-8", name);
    long bad = 0;
    if (cd == (iconv_t)-1)
        return -1;
    char *ip = (char *)s;
    size_t left = n;
    while (left > 0) {
        char tmp[4096], *op = tmp;
        size_t ol = sizeof tmp;
        size_t r = iconv(cd, &ip, &left, &op, &ol);
        int e = errno;
        bad += (long)add_utf8_clean(o, tmp, (size_t)(op - tmp));
        if (r == (size_t)-1 && e != E2BIG) {
            out_add(o, REPLACEMENT, 3); /* EILSEQ, or EINVAL at the end */
            bad++;
            ip++, left--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    /* A converter may hold back the last character (windows-1258 waits
     * for a combining mark to compose with): flush it. */
    char tail[64], *tp = tail;
    size_t tl = sizeof tail;
    if (iconv(cd, NULL, NULL, &tp, &tl) != (size_t)-1)
        bad += (long)add_utf8_clean(o, tail, (size_t)(tp - tail));
    iconv_close(cd);
    return bad;
}

/* Core conversion into o.  Returns replaced-byte count, -1 if unknown. */
static long convert(const char *label, const char *s, size_t n, struct out *o)
{
    char name[MG_CHARSET_LABEL_MAX] = "";
    switch (classify(label, name)) {
    case CONV_UTF8:
    case CONV_ASCII:
        return (long)add_utf8_clean(o, s, n);
    case CONV_ISO2022JP: {
        size_t m;
        char *sj = iso2022jp_to_cp932(s, n, &m);
        long bad = iconv_into("CP932", sj, m, o);
        free(sj);
        return bad;
    }
    case CONV_ICONV:
        return iconv_into(name, s, n, o);
    case CONV_UNKNOWN:
        break;
    }
    return -1;
}

int mg_charset_to_utf8(const char *label, const char *s, size_t n,
                       struct hd_arena *a, char **out_r, size_t *outlen_r)
{
    struct out o = {0};
    out_add(&o, "", 0);
    if (convert(label, s, n, &o) < 0) {
        free(o.p);
        return -1;
    }
    *out_r = hd_arena_strndup(a, o.p, o.n);
    *outlen_r = o.n;
    free(o.p);
    return 0;
}

int mg_charset_convert_into(const char *label, const char *s, size_t n,
                            char *out, size_t cap, size_t *outlen_r)
{
    struct out o = {0};
    int rc = 0;
    out_add(&o, "", 0);
    if (convert(label, s, n, &o) < 0)
        rc = -1;
    else if (o.n >= cap)
        rc = -2;
    else {
        memcpy(out, o.p, o.n + 1);
        *outlen_r = o.n;
    }
    free(o.p);
    return rc;
}

static bool has_8bit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] & 0x80)
            return true;
    return false;
}

/* Code points typical of Japanese text: kana, CJK, full-width forms,
 * CJK punctuation, NEC special characters. */
static bool japanese_cp(unsigned long cp)
{
    return (cp >= 0x3000 && cp <= 0x30FF) || (cp >= 0x4E00 && cp <= 0x9FFF)
           || (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x2460 && cp <= 0x24FF)
           || (cp >= 0x3200 && cp <= 0x33FF);
}

/* Score of s decoded as 'name': Japanese characters minus heavy penalties
 * for replacement characters; LONG_MIN if the decoder is missing. */
static long japanese_score(const char *name, const char *s, size_t n)
{
    struct out o = {0};
    out_add(&o, "", 0);
    long bad = iconv_into(name, s, n, &o), jp = 0, other = 0;
    if (bad < 0) {
        free(o.p);
        return -1000000;
    }
    const unsigned char *u = (const unsigned char *)o.p;
    for (size_t i = 0; i < o.n;) {
        size_t l = utf8_seq(u + i, o.n - i);
        unsigned long cp = u[i];
        if (l > 1) {
            cp &= 0x3Fu >> (l - 1);
            for (size_t j = 1; j < l; j++)
                cp = (cp << 6) | (u[i + j] & 0x3F);
        }
        if (l > 1 && cp >= 0xFF61 && cp <= 0xFF9F)
            ; /* half-width kana: what EUC bytes look like in CP932 */
        else if (l > 1 && japanese_cp(cp))
            jp++;
        else if (l > 1)
            other++;
        i += l ? l : 1;
    }
    free(o.p);
    return jp - other - 20 * bad;
}

#ifdef HD_HAVE_UCHARDET
/* Answers of libuchardet we accept, as static strings (thread-safe). */
static const char *const uchardet_names[] = {
    "ISO-8859-1", "ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5",
    "ISO-8859-6", "ISO-8859-7", "ISO-8859-8", "ISO-8859-9", "ISO-8859-10",
    "ISO-8859-11", "ISO-8859-13", "ISO-8859-15", "WINDOWS-1250",
    "WINDOWS-1251", "WINDOWS-1252", "WINDOWS-1253", "WINDOWS-1254",
    "WINDOWS-1255", "WINDOWS-1256", "WINDOWS-1257", "WINDOWS-1258",
    "KOI8-R", "KOI8-U", "IBM866", "IBM855", "MAC-CYRILLIC", "GB18030",
    "BIG5", "EUC-KR", "EUC-TW", "TIS-620", "VISCII", "MAC-CENTRALEUROPE",
};

static const char *uchardet_guess(const char *s, size_t n)
{
    uchardet_t ud = uchardet_new();
    const char *res = NULL;
    if (!ud)
        return NULL;
    if (uchardet_handle_data(ud, s, n) == 0) {
        uchardet_data_end(ud);
        const char *cs = uchardet_get_charset(ud);
        for (size_t i = 0; cs && i < HD_ARRAY_LEN(uchardet_names); i++)
            if (strcasecmp(cs, uchardet_names[i]) == 0)
                res = uchardet_names[i];
        if (cs && (strcasecmp(cs, "SHIFT_JIS") == 0))
            res = "CP932";
        if (cs && (strcasecmp(cs, "EUC-JP") == 0))
            res = "EUC-JP-MS";
    }
    uchardet_delete(ud);
    return res;
}
#endif

/* Every 8-bit byte alone between ASCII bytes and in 0xC0..0xFF (accented
 * letters of the Latin charsets; in CP932 and EUC-JP these are lead bytes
 * that a Japanese text never leaves without an 8-bit partner, hiragana
 * and punctuation being 0x81/0x82 and 0xA1..0xA4 leads). */
static bool latin_shape(const char *s, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80)
            continue;
        if (c < 0xC0 || c == 0xD7 || c == 0xF7 ||
            (i + 1 < n && ((unsigned char)s[i + 1] & 0x80)) ||
            (i > 0 && ((unsigned char)s[i - 1] & 0x80)))
            return false;
        any = true;
    }
    return any;
}

const char *mg_charset_guess(const char *s, size_t n)
{
    if (n > GUESS_SAMPLE_MAX)
        n = GUESS_SAMPLE_MAX;
    if (!has_8bit(s, n)) {
        if (memmem(s, n, "\x1b$B", 3) || memmem(s, n, "\x1b$@", 3))
            return "ISO-2022-JP";
        return "UTF-8";
    }
    /* A cut at the sample end may split the last character. */
    size_t vn = n;
    while (vn > 0 && n - vn < 4 && !mg_utf8_valid(s, vn))
        vn--;
    if (vn > 0 && mg_utf8_valid(s, vn))
        return "UTF-8";
    if (mostly_utf8(s, n))
        return "UTF-8";
    if (latin_shape(s, n))
        return "WINDOWS-1252";
    long sj = japanese_score("CP932", s, n);
    long euc = japanese_score("EUC-JP-MS", s, n);
    if (sj > 0 || euc > 0)
        return sj >= euc ? "CP932" : "EUC-JP-MS";
#ifdef HD_HAVE_UCHARDET
    const char *res = uchardet_guess(s, n);
    if (res)
        return res;
#endif
    return "WINDOWS-1252";
}

static _Thread_local char hint[MG_CHARSET_LABEL_MAX];

void mg_charset_hint_set(const char *label)
{
    hint[0] = '\0';
    if (label != NULL && strlen(label) < sizeof hint)
        memcpy(hint, label, strlen(label) + 1);
}

/* Consecutive 8-bit bytes (double-byte text) that score as Japanese. */
static bool japanese_pairs(const char *s, size_t n)
{
    bool pair = false;
    for (size_t i = 0; i + 1 < n && !pair; i++)
        pair = ((unsigned char)s[i] & 0x80) && ((unsigned char)s[i + 1] & 0x80);
    return pair && (japanese_score("CP932", s, n) > 0 ||
                    japanese_score("EUC-JP-MS", s, n) > 0);
}

const char *mg_charset_guess_header(const char *s, size_t n)
{
    char name[MG_CHARSET_LABEL_MAX];
    if (n > GUESS_SAMPLE_MAX)
        n = GUESS_SAMPLE_MAX;
    if (hint[0] == '\0' || !has_8bit(s, n) || mg_utf8_valid(s, n) ||
        classify(hint, name) != CONV_ICONV || strcmp(name, "CP932") == 0 ||
        strcmp(name, "EUC-JP-MS") == 0)
        return mg_charset_guess(s, n);
    struct out o = {0};
    out_add(&o, "", 0);
    long bad = iconv_into(name, s, n, &o);
    free(o.p);
    /* Chinese and Korean double-byte text decodes as EUC-JP kanji too:
     * under such a label the label wins; under a one-byte label, bytes
     * that pair up as Japanese stay Japanese. */
    static const char *const cjk[] = {"GB2312", "GBK", "GB18030", "CP936",
                                      "BIG5", "BIG5-HKSCS", "CP950",
                                      "EUC-KR", "CP949", "UHC", "EUC-TW",
                                      "KS_C_5601-1987"};
    bool double_byte = false;
    for (size_t i = 0; i < HD_ARRAY_LEN(cjk); i++)
        double_byte = double_byte || strcmp(name, cjk[i]) == 0;
    if (bad != 0 || (!double_byte && japanese_pairs(s, n)))
        return mg_charset_guess(s, n);
    return hint;
}

void mg_charset_decode(const char *label, const char *s, size_t n,
                       struct hd_arena *a, char **out_r, size_t *outlen_r)
{
    char name[MG_CHARSET_LABEL_MAX];
    enum conv_kind k = label ? classify(label, name) : CONV_UNKNOWN;
    bool eight = has_8bit(s, n);
    /* A UTF-8 or ASCII label on bytes that are not UTF-8 is wrong more
     * often than the bytes are; so is ASCII on ISO-2022-JP escapes. */
    if (k == CONV_ASCII && !eight && memchr(s, 0x1b, n))
        k = CONV_UNKNOWN;
    if (k == CONV_ASCII && eight && !mg_utf8_valid(s, n))
        k = CONV_UNKNOWN;
    if (k == CONV_UTF8 && eight && !mostly_utf8(s, n))
        k = CONV_UNKNOWN;
    if (k != CONV_UNKNOWN && mg_charset_to_utf8(label, s, n, a, out_r,
                                                outlen_r) == 0)
        return;
    if (mg_charset_to_utf8(mg_charset_guess(s, n), s, n, a, out_r,
                           outlen_r) == 0)
        return;
    hd_assert(mg_charset_to_utf8("UTF-8", s, n, a, out_r, outlen_r) == 0);
}
