/* codec.h - byte <-> text encodings used by the security code: hex,
 * base32 (RFC 4648 section 6, for TOTP secrets), base64url (RFC 4648
 * section 5, unpadded, for tokens) and RFC 3986 percent-encoding of one
 * URI component.  Knows nothing about what the bytes mean.
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

/* Lower-case hex of in[0..n). */
void hd_hex_encode(const void *in, size_t n, char *out, size_t out_size);
/* Decodes exactly len hex digits (either case) into out; *n_r = len / 2. */
HD_NODISCARD int hd_hex_decode(const char *in, size_t len, uint8_t *out,
                               size_t out_max, size_t *n_r,
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

#endif
