/* codec.c - hex, base32, base64url, percent-encoding and the HTML text
 * escaper; see codec.h.
 * Table-free decoders keep every input byte's handling in one switch-like
 * function, so there is no 256-entry table to get wrong. */
#include "codec.h"

#include <string.h>
#include <unistr.h>

static const char hex_digits[] = "0123456789abcdef";
static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void hd_hex_encode(const void *in, size_t n, char *out, size_t out_size)
{
    const uint8_t *p = in;
    hd_assert(out_size >= HD_HEX_SIZE(n));
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_digits[p[i] >> 4];
        out[2 * i + 1] = hex_digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

int hd_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int hd_decimal_decode(const char *in, int64_t *v_r, struct hd_error *err)
{
    int64_t v = 0;
    size_t n = 0;
    for (; in[n] >= '0' && in[n] <= '9'; n++) {
        if (n == HD_DECIMAL_DIGITS_MAX)
            break;
        v = v * 10 + (in[n] - '0');
    }
    if (n == 0 || in[n] != '\0') {
        hd_error_set(err, HD_E_PARSE, "expected a number of 1 to %d digits",
                     HD_DECIMAL_DIGITS_MAX);
        return -1;
    }
    *v_r = v;
    return 0;
}

int hd_hex_decode(const char *in, size_t len, uint8_t *out, size_t out_max,
                  size_t *n_r, struct hd_error *err)
{
    if (len % 2 != 0) {
        hd_error_set(err, HD_E_PARSE, "hex text has odd length %zu", len);
        return -1;
    }
    if (len / 2 > out_max) {
        hd_error_set(err, HD_E_TOOBIG, "hex text decodes to %zu bytes, "
                     "max %zu", len / 2, out_max);
        return -1;
    }
    for (size_t i = 0; i < len; i += 2) {
        int hi = hd_hex_digit(in[i]), lo = hd_hex_digit(in[i + 1]);
        if (hi < 0 || lo < 0) {
            hd_error_set(err, HD_E_PARSE, "bad hex digit at offset %zu",
                         hi < 0 ? i : i + 1);
            return -1;
        }
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    *n_r = len / 2;
    return 0;
}

/* Packs 'bits'-bit symbols MSB first; shared by base32 and base64url. */
static void encode_bits(const uint8_t *p, size_t n, const char *alphabet,
                        unsigned bits, char *out)
{
    uint32_t acc = 0;
    unsigned have = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | p[i];
        have += 8;
        while (have >= bits) {
            have -= bits;
            out[o++] = alphabet[(acc >> have) & ((1u << bits) - 1)];
        }
    }
    if (have > 0)
        out[o++] = alphabet[(acc << (bits - have)) & ((1u << bits) - 1)];
    out[o] = '\0';
}

void hd_base32_encode(const void *in, size_t n, char *out, size_t out_size)
{
    hd_assert(out_size >= HD_BASE32_SIZE(n));
    encode_bits(in, n, b32_alphabet, 5, out);
}

void hd_base64url_encode(const void *in, size_t n, char *out,
                         size_t out_size)
{
    hd_assert(out_size >= HD_BASE64URL_SIZE(n));
    encode_bits(in, n, b64url_alphabet, 6, out);
}

static int b32_value(char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* Unpacks symbols of 'bits' bits.  Spaces are skipped when allowed
 * (people copy base32 secrets in groups of four); '=' may only trail.
 * Leftover bits must be zero and fewer than 8, otherwise the text was
 * not produced by an encoder (RFC 4648 section 3.5 "canonical"). */
static int decode_bits(const char *in, int (*value)(char), unsigned bits,
                       bool skip_spaces, const char *name, uint8_t *out,
                       size_t out_max, size_t *n_r, struct hd_error *err)
{
    uint32_t acc = 0;
    unsigned have = 0;
    size_t o = 0, i = 0;
    for (; in[i] != '\0' && in[i] != '='; i++) {
        if (skip_spaces && in[i] == ' ')
            continue;
        int v = value(in[i]);
        if (v < 0) {
            hd_error_set(err, HD_E_PARSE, "bad %s character at offset %zu",
                         name, i);
            return -1;
        }
        acc = (acc << bits) | (uint32_t)v;
        have += bits;
        if (have >= 8) {
            have -= 8;
            if (o == out_max) {
                hd_error_set(err, HD_E_TOOBIG, "%s text decodes to more "
                             "than %zu bytes", name, out_max);
                return -1;
            }
            out[o++] = (uint8_t)(acc >> have);
        }
    }
    for (; in[i] == '=' || (skip_spaces && in[i] == ' '); i++)
        ;
    if (in[i] != '\0' || have >= bits || (acc & ((1u << have) - 1)) != 0) {
        hd_error_set(err, HD_E_PARSE, "%s text is truncated or has "
                     "trailing garbage", name);
        return -1;
    }
    *n_r = o;
    return 0;
}

int hd_base32_decode(const char *in, uint8_t *out, size_t out_max,
                     size_t *n_r, struct hd_error *err)
{
    return decode_bits(in, b32_value, 5, true, "base32", out, out_max, n_r,
                       err);
}

int hd_base64url_decode(const char *in, uint8_t *out, size_t out_max,
                        size_t *n_r, struct hd_error *err)
{
    return decode_bits(in, b64url_value, 6, false, "base64url", out,
                       out_max, n_r, err);
}

int hd_pct_encode(struct hd_buf *out, const char *s, struct hd_error *err)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[3] = {'%', "0123456789ABCDEF"[*p >> 4],
                       "0123456789ABCDEF"[*p & 15]};
        bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                     (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL;
        if (hd_buf_append(out, plain ? (const char *)p : esc, plain ? 1 : 3,
                          err) < 0)
            return -1;
    }
    return 0;
}

/* The byte %XX at in[i] stands for (0-255), or -1 when in[i] is not '%'
 * followed by two hex digits within len. */
static int pct_escape_at(const char *in, size_t len, size_t i)
{
    if (in[i] != '%' || i + 2 >= len)
        return -1;
    int hi = hd_hex_digit(in[i + 1]), lo = hd_hex_digit(in[i + 2]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

int hd_pct_decode(const char *in, size_t len, enum hd_pct_mode mode,
                  char *out, size_t out_size, size_t *n_r,
                  struct hd_error *err)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int v = pct_escape_at(in, len, i);
        char c = in[i];
        if (v >= 0) {
            c = (char)v;
            i += 2;
        } else if (c == '+' && mode == HD_PCT_FORM) {
            c = ' ';
        } else if (c == '%' && mode == HD_PCT_STRICT) {
            hd_error_set(err, HD_E_PARSE, "bad %%-escape at offset %zu", i);
            return -1;
        }
        if (c == '\0' && mode == HD_PCT_STRICT) {
            hd_error_set(err, HD_E_PARSE, "NUL byte at offset %zu", i);
            return -1;
        }
        if (o + 1 >= out_size) {
            hd_error_set(err, HD_E_TOOBIG, "decoded text longer than %zu "
                         "bytes", out_size > 0 ? out_size - 1 : 0);
            return -1;
        }
        out[o++] = c;
    }
    hd_assert(out_size > 0);
    out[o] = '\0';
    *n_r = o;
    return 0;
}

#define HD_UTF8_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* What an ASCII byte becomes in HTML text: NULL when it goes out as it
 * is. */
static const char *const html_ascii_escape[0x80] = {
    ['&'] = "&amp;", ['<'] = "&lt;",     ['>'] = "&gt;",
    ['"'] = "&quot;", ['\''] = "&#39;",
};

/* What byte c becomes in this mode: NULL when it goes out as it is ("" is
 * dropped); bytes of UTF-8 sequences are judged by html_safe_run(). */
static const char *html_escape_of(uint8_t c, enum hd_html_esc_mode mode)
{
    switch (mode) {
    case HD_HTML_ESC_UTF8:
        if (c == '\0')
            return HD_UTF8_REPLACEMENT;
        break;
    case HD_HTML_ESC_NOCTL:
        if (c < 0x20 && c != '\t' && c != '\n')
            return "";
        break;
    case HD_HTML_ESC_BYTES:
        break;
    }
    return c < 0x80 ? html_ascii_escape[c] : NULL;
}

/* The length of the leading run of [p, end) that goes out unchanged. */
static size_t html_safe_run(const uint8_t *p, const uint8_t *end,
                            enum hd_html_esc_mode mode)
{
    const uint8_t *q = p;
    while (q < end) {
        if (*q < 0x80 || mode != HD_HTML_ESC_UTF8) {
            if (html_escape_of(*q, mode) != NULL)
                break;
            q++;
            continue;
        }
        ucs4_t c;
        int k = u8_mbtoucr(&c, q, (size_t)(end - q));
        if (k < 0)
            break;
        q += k;
    }
    return (size_t)(q - p);
}

int hd_html_esc_buf(struct hd_buf *out, const char *s, size_t n,
                    enum hd_html_esc_mode mode, struct hd_error *err)
{
    const uint8_t *p = (const uint8_t *)s, *end = p + n;
    while (p < end) {
        size_t run = html_safe_run(p, end, mode);
        if (hd_buf_append(out, p, run, err) < 0)
            return -1;
        p += run;
        if (p >= end)
            break;
        /* An escaped or dropped byte, or in HD_HTML_ESC_UTF8 one byte of
         * invalid or truncated UTF-8, which becomes U+FFFD. */
        const char *e = html_escape_of(*p, mode);
        if (e == NULL)
            e = HD_UTF8_REPLACEMENT;
        if (hd_buf_puts(out, e, err) < 0)
            return -1;
        p++;
    }
    return 0;
}
