/* codec.h - byte <-> text encodings: hex, base32 (RFC 4648 section 6,
 * for TOTP secrets), base64url (RFC 4648 section 5, unpadded, for
 * tokens), RFC 3986 percent-encoding and -decoding, and the one HTML text
 * escaper every layer uses (web pages, the checklist document, sanitised
 * HTML mail).  Knows nothing about what the bytes mean.
 *
 * Encoders cannot fail: the caller passes an output of the size the
 * matching _SIZE macro gives (a smaller one is a bug and aborts).
 * Decoders take untrusted text and return 0, or -1 with HD_E_PARSE
 * (bad character or length) or HD_E_TOOBIG (output would not fit). */
#ifndef HD_CODEC_H
#define HD_CODEC_H

#include "buf.h"
#include "hd.h"

/* Output sizes including the terminating NUL. */
#define HD_HEX_SIZE(n) ((n) * 2 + 1)
#define HD_BASE32_SIZE(n) (((n) * 8 + 4) / 5 + 1)   /* unpadded */
#define HD_BASE64URL_SIZE(n) (((n) * 4 + 2) / 3 + 1) /* unpadded */

/* The value (0-15) of the hex digit c, either case; -1 for any other
 * character. */
int hd_hex_digit(int c);

/* Lower-case hex of in[0..n). */
void hd_hex_encode(const void *in, size_t n, char *out, size_t out_size);
/* Decodes exactly len hex digits (either case) into out; *n_r = len / 2. */
HD_NODISCARD int hd_hex_decode(const char *in, size_t len, uint8_t *out,
                               size_t out_max, size_t *n_r,
                               struct hd_error *err);

/* The number a form field or command-line argument spells in decimal:
 * 1 to HD_DECIMAL_DIGITS_MAX digits and nothing else -- no sign, space,
 * leading '+', trailing text ("1 OR 1=1") or empty string, all of which
 * strtoll() would let through.  0 with *v_r, or -1 with HD_E_PARSE. */
#define HD_DECIMAL_DIGITS_MAX 18 /* below INT64_MAX: no overflow check */
HD_NODISCARD int hd_decimal_decode(const char *in, int64_t *v_r,
                                   struct hd_error *err);

/* Upper-case RFC 4648 base32 without '=' padding (as otpauth URIs use). */
void hd_base32_encode(const void *in, size_t n, char *out, size_t out_size);
/* Decodes a NUL-terminated base32 string: case-insensitive, spaces and
 * trailing '=' padding ignored, non-zero trailing bits refused. */
HD_NODISCARD int hd_base32_decode(const char *in, uint8_t *out,
                                  size_t out_max, size_t *n_r,
                                  struct hd_error *err);

/* RFC 4648 base64url ("-" and "_"), no padding. */
void hd_base64url_encode(const void *in, size_t n, char *out,
                         size_t out_size);
/* Decodes unpadded base64url (trailing '=' tolerated). */
HD_NODISCARD int hd_base64url_decode(const char *in, uint8_t *out,
                                     size_t out_max, size_t *n_r,
                                     struct hd_error *err);

/* Appends s percent-encoded for use as one URI component: everything but
 * RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~) becomes %XX. */
HD_NODISCARD int hd_pct_encode(struct hd_buf *out, const char *s,
                               struct hd_error *err);

/* What hd_pct_decode() does with a '%' that is not followed by two hex
 * digits, and with '+'. */
enum hd_pct_mode {
    HD_PCT_STRICT,  /* such a '%', and %00, are refused (HD_E_PARSE) */
    HD_PCT_LENIENT, /* such a '%' stays as it is (RFC 2231 values) */
    HD_PCT_FORM,    /* LENIENT, and '+' is a space (x-www-form-urlencoded) */
};

/* Undoes %XX escapes of in[0..len) into out (out_size bytes), which is
 * NUL-terminated; *n_r = decoded length.  The result is never longer
 * than len, so out_size = len + 1 cannot fail in the lenient modes (a
 * decoded %00 is then kept as a NUL byte inside the result).  -1 with
 * HD_E_TOOBIG when it does not fit, or HD_E_PARSE as the mode says. */
HD_NODISCARD int hd_pct_decode(const char *in, size_t len,
                               enum hd_pct_mode mode, char *out,
                               size_t out_size, size_t *n_r,
                               struct hd_error *err);

/* What hd_html_esc_buf() does with bytes other than & < > " ', which
 * always become &amp; &lt; &gt; &quot; &#39;. */
enum hd_html_esc_mode {
    HD_HTML_ESC_BYTES, /* copied as they are (text already known safe) */
    HD_HTML_ESC_UTF8,  /* NUL and each byte of invalid or truncated UTF-8
                          become U+FFFD, so hostile bytes never go out */
    HD_HTML_ESC_NOCTL, /* control bytes other than tab and LF dropped */
};

/* Appends s[0..n) escaped for HTML text and quoted attribute values.
 * -1 with HD_E_TOOBIG when out's ceiling is reached (out then holds a
 * prefix of the escaped text). */
HD_NODISCARD int hd_html_esc_buf(struct hd_buf *out, const char *s,
                                 size_t n, enum hd_html_esc_mode mode,
                                 struct hd_error *err);

#endif
