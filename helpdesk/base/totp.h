/* totp.h - second factor: HOTP (RFC 4226), TOTP (RFC 6238), otpauth://
 * enrolment URIs and their QR codes, and single-use recovery codes.
 *
 * Pure functions: the caller keeps the secret (ideally encrypted with
 * hd_crypt_encrypt_buf), the last accepted time step and the recovery code
 * hashes, and passes them in.  Nothing here reads the clock; "now" is a
 * parameter so tests and the caller's hd_clock_now() decide time. */
#ifndef HD_TOTP_H
#define HD_TOTP_H

#include "buf.h"
#include "codec.h"
#include "crypt.h"
#include "hd.h"

#define HD_TOTP_SECRET_LEN 20  /* 160 bits, RFC 4226 section 4 R6 */
#define HD_TOTP_SECRET_MAX 64  /* longest accepted decoded secret */
#define HD_TOTP_SECRET_B32_SIZE HD_BASE32_SIZE(HD_TOTP_SECRET_LEN)
#define HD_TOTP_SECRET_MIN 10  /* 80 bits, RFC 4226 section 4 R6 floor */
#define HD_TOTP_STEP 30        /* seconds per step */
#define HD_TOTP_WINDOW 1       /* steps accepted either side of now */
#define HD_TOTP_WINDOW_MAX 10
#define HD_OTP_CODE_SIZE 9     /* 8 digits + NUL */
#define HD_TOTP_URI_MAX 2048
#define HD_QR_SVG_MAX (512u * 1024)

struct hd_totp_params {
    enum hd_digest algo; /* HD_DIGEST_SHA1 unless the app supports more */
    int digits;          /* 6 or 8 */
    int step_secs;       /* > 0, normally HD_TOTP_STEP */
    int window;          /* 0..HD_TOTP_WINDOW_MAX steps either side */
};
/* SHA-1, 6 digits, 30 s, +-1 step: what every authenticator app does. */
#define HD_TOTP_PARAMS_DEFAULT                                               \
    ((struct hd_totp_params){HD_DIGEST_SHA1, 6, HD_TOTP_STEP, HD_TOTP_WINDOW})

/* Checks digits, step and window; -1 with HD_E_INVAL names the bad one.
 * Parameters from configuration must pass this before any call below
 * (a bad digit count there is a bug and aborts). */
HD_NODISCARD int hd_totp_params_check(const struct hd_totp_params *p,
                                      struct hd_error *err);

/* HOTP value for counter as a zero-padded decimal string of 'digits'
 * (6 or 8; anything else is a bug) digits. */
void hd_hotp(enum hd_digest algo, const uint8_t *key, size_t key_len,
             uint64_t counter, int digits, char out[HD_OTP_CODE_SIZE]);
/* Time step containing t (floor division; t before 1970 gives step 0). */
int64_t hd_totp_step(const struct hd_totp_params *p, int64_t t);
/* The TOTP code for time t. */
void hd_totp_code(const struct hd_totp_params *p, const uint8_t *key,
                  size_t key_len, int64_t t, char out[HD_OTP_CODE_SIZE]);
/* Checks a code typed by the user (spaces ignored) against the steps
 * within p->window of now, accepting only steps after last_step, so a code
 * cannot be replayed (pass -1 when none was used yet).  Returns 1 and sets
 * *step_r to the matched step, which the caller stores as the new
 * last_step; returns 0 for a wrong, malformed or replayed code. */
int hd_totp_verify(const struct hd_totp_params *p, const uint8_t *key,
                   size_t key_len, const char *code, int64_t now,
                   int64_t last_step, int64_t *step_r);

/* A new random secret of HD_TOTP_SECRET_LEN bytes, base32 without
 * padding, for storage and for the URI. */
void hd_totp_secret_new(char out[HD_TOTP_SECRET_B32_SIZE]);
/* Decodes a base32 secret as stored or typed; refuses one shorter than
 * 10 bytes (80 bits) or longer than HD_TOTP_SECRET_MAX. */
HD_NODISCARD int hd_totp_secret_decode(const char *b32,
                                       uint8_t key[HD_TOTP_SECRET_MAX],
                                       size_t *len_r, struct hd_error *err);

/* Appends "otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER" to
 * out, issuer and account percent-encoded, plus algorithm, digits and
 * period when they differ from the defaults (some apps ignore them, so
 * defaults are best).  The issuer may not contain ':' (the label
 * separator); HD_E_INVAL then, or when a field is empty. */
HD_NODISCARD int hd_totp_uri(const char *issuer, const char *account,
                             const char *secret_b32,
                             const struct hd_totp_params *p,
                             struct hd_buf *out, struct hd_error *err);

/* Appends an SVG image of text as a QR code (error correction level M,
 * 4-module quiet zone, one <rect> per run of dark modules, no script or
 * external references).  Without libqrencode at build time
 * (HD_HAVE_QRENCODE undefined) it fails with HD_E_CONFIG. */
HD_NODISCARD int hd_qr_svg(const char *text, struct hd_buf *out,
                           struct hd_error *err);

/* Recovery codes: "xxxx-xxxx-xx" from a 32-letter alphabet without
 * look-alikes (50 bits each).  Only SHA-256 hashes of the normalised code
 * are stored; a hash is consumed by setting it to "". */
#define HD_RECOVERY_CODES_DEFAULT 10
#define HD_RECOVERY_CODES_MAX 32
#define HD_RECOVERY_CODE_SIZE 13 /* "xxxx-xxxx-xx" + NUL */

/* Fills codes[0..n) (shown once to the user) and hashes[0..n) (stored);
 * 1 <= n <= HD_RECOVERY_CODES_MAX. */
void hd_recovery_codes_new(size_t n, char codes[][HD_RECOVERY_CODE_SIZE],
                           char hashes[][HD_SHA256_HEX_SIZE]);
/* Matches a typed code (any case, dashes and spaces ignored, o/i/l read
 * as 0/1/1) against hashes[0..n).  Returns the index of the match, whose
 * hash is then cleared (consumed), or -1 if none matches.  All entries are
 * compared, in constant time each. */
int hd_recovery_code_consume(char hashes[][HD_SHA256_HEX_SIZE], size_t n,
                             const char *typed);

#endif
