/* totp.c - HOTP/TOTP codes, enrolment URIs, QR SVG and recovery codes;
 * see totp.h.  libqrencode is included here and nowhere else. */
#include "totp.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#ifdef HD_HAVE_QRENCODE
#include <qrencode.h>
#endif

#define QR_QUIET 4 /* modules of white border, ISO/IEC 18004 */
#define RECOVERY_ALPHABET "0123456789abcdefghjkmnpqrstvwxyz" /* Crockford */
#define RECOVERY_CHARS 10

int hd_totp_params_check(const struct hd_totp_params *p, struct hd_error *err)
{
    if (p->digits != 6 && p->digits != 8) {
        hd_error_set(err, HD_E_INVAL, "TOTP digits %d; use 6 or 8",
                     p->digits);
        return -1;
    }
    if (p->step_secs <= 0 || p->step_secs > 300) {
        hd_error_set(err, HD_E_INVAL, "TOTP step %d s; use 1..300",
                     p->step_secs);
        return -1;
    }
    if (p->window < 0 || p->window > HD_TOTP_WINDOW_MAX) {
        hd_error_set(err, HD_E_INVAL, "TOTP window %d; use 0..%d", p->window,
                     HD_TOTP_WINDOW_MAX);
        return -1;
    }
    if (p->algo != HD_DIGEST_SHA1 && p->algo != HD_DIGEST_SHA256 &&
        p->algo != HD_DIGEST_SHA512) {
        hd_error_set(err, HD_E_INVAL, "unknown TOTP algorithm");
        return -1;
    }
    return 0;
}

void hd_hotp(enum hd_digest algo, const uint8_t *key, size_t key_len,
             uint64_t counter, int digits, char out[HD_OTP_CODE_SIZE])
{
    uint8_t msg[8], mac[HD_HMAC_MAX];
    hd_assert(digits == 6 || digits == 8);
    for (int i = 7; i >= 0; i--, counter >>= 8)
        msg[i] = (uint8_t)counter;
    size_t n = hd_hmac(algo, key, key_len, msg, sizeof msg, mac);
    /* RFC 4226 section 5.3 dynamic truncation: the low nibble of the last
     * byte picks 4 bytes, the top bit is dropped. */
    unsigned off = mac[n - 1] & 0x0f;
    uint32_t bin = (uint32_t)(mac[off] & 0x7f) << 24 |
                   (uint32_t)mac[off + 1] << 16 |
                   (uint32_t)mac[off + 2] << 8 | mac[off + 3];
    uint32_t mod = digits == 6 ? 1000000u : 100000000u;
    snprintf(out, HD_OTP_CODE_SIZE, "%0*u", digits, bin % mod);
    hd_memzero_explicit(mac, sizeof mac);
}

int64_t hd_totp_step(const struct hd_totp_params *p, int64_t t)
{
    return t < 0 ? 0 : t / p->step_secs;
}

void hd_totp_code(const struct hd_totp_params *p, const uint8_t *key,
                  size_t key_len, int64_t t, char out[HD_OTP_CODE_SIZE])
{
    hd_hotp(p->algo, key, key_len, (uint64_t)hd_totp_step(p, t), p->digits,
            out);
}

/* Copies the digits of a typed code, skipping spaces; 0 if it is not
 * exactly 'digits' digits. */
static int normalise_code(const char *in, int digits,
                          char out[HD_OTP_CODE_SIZE])
{
    int n = 0;
    for (; *in; in++) {
        if (*in == ' ')
            continue;
        if (*in < '0' || *in > '9' || n == digits)
            return 0;
        out[n++] = *in;
    }
    out[n] = '\0';
    return n == digits;
}

int hd_totp_verify(const struct hd_totp_params *p, const uint8_t *key,
                   size_t key_len, const char *code, int64_t now,
                   int64_t last_step, int64_t *step_r)
{
    char typed[HD_OTP_CODE_SIZE], want[HD_OTP_CODE_SIZE];
    int found = 0;
    if (!normalise_code(code, p->digits, typed))
        return 0;
    int64_t cur = hd_totp_step(p, now);
    /* Every step in the window is computed and compared, so timing does
     * not tell which one matched. */
    for (int64_t s = cur - p->window; s <= cur + p->window; s++) {
        if (s < 0)
            continue;
        hd_hotp(p->algo, key, key_len, (uint64_t)s, p->digits, want);
        if (CRYPTO_memcmp(typed, want, (size_t)p->digits) == 0 &&
            s > last_step && !found) {
            *step_r = s;
            found = 1;
        }
    }
    hd_memzero_explicit(want, sizeof want);
    return found;
}

void hd_totp_secret_new(char out[HD_TOTP_SECRET_B32_SIZE])
{
    uint8_t key[HD_TOTP_SECRET_LEN];
    hd_random_bytes(key, sizeof key);
    hd_base32_encode(key, sizeof key, out, HD_TOTP_SECRET_B32_SIZE);
    hd_memzero_explicit(key, sizeof key);
}

int hd_totp_secret_decode(const char *b32, uint8_t key[HD_TOTP_SECRET_MAX],
                          size_t *len_r, struct hd_error *err)
{
    if (hd_base32_decode(b32, key, HD_TOTP_SECRET_MAX, len_r, err) < 0)
        return -1;
    if (*len_r < HD_TOTP_SECRET_MIN) {
        hd_memzero_explicit(key, HD_TOTP_SECRET_MAX);
        hd_error_set(err, HD_E_INVAL, "TOTP secret of %zu bytes is too "
                     "short; at least %d are needed", *len_r,
                     HD_TOTP_SECRET_MIN);
        return -1;
    }
    return 0;
}

static const char *algo_name(enum hd_digest algo)
{
    switch (algo) {
    case HD_DIGEST_SHA1:
        return "SHA1";
    case HD_DIGEST_SHA256:
        return "SHA256";
    case HD_DIGEST_SHA512:
        return "SHA512";
    }
    hd_assert(!"unknown digest");
    return NULL;
}

int hd_totp_uri(const char *issuer, const char *account,
                const char *secret_b32, const struct hd_totp_params *p,
                struct hd_buf *out, struct hd_error *err)
{
    if (*issuer == '\0' || *account == '\0' || *secret_b32 == '\0') {
        hd_error_set(err, HD_E_INVAL, "TOTP URI needs an issuer, an "
                     "account and a secret");
        return -1;
    }
    if (strchr(issuer, ':') != NULL) {
        hd_error_set(err, HD_E_INVAL, "TOTP issuer may not contain ':'");
        return -1;
    }
    if (hd_totp_params_check(p, err) < 0)
        return -1;
    size_t start = out->len;
    int rc = -1;
    if (hd_buf_puts(out, "otpauth://totp/", err) < 0 ||
        hd_pct_encode(out, issuer, err) < 0 || hd_buf_puts(out, ":", err) ||
        hd_pct_encode(out, account, err) < 0 ||
        hd_buf_puts(out, "?secret=", err) < 0 ||
        hd_pct_encode(out, secret_b32, err) < 0 ||
        hd_buf_puts(out, "&issuer=", err) < 0 ||
        hd_pct_encode(out, issuer, err) < 0)
        goto out;
    if (p->algo != HD_DIGEST_SHA1 &&
        hd_buf_printf(out, err, "&algorithm=%s", algo_name(p->algo)) < 0)
        goto out;
    if (p->digits != 6 && hd_buf_printf(out, err, "&digits=%d", p->digits))
        goto out;
    if (p->step_secs != HD_TOTP_STEP &&
        hd_buf_printf(out, err, "&period=%d", p->step_secs) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0 && out->data != NULL) {
        out->len = start;
        out->data[start] = '\0';
    }
    return rc;
}

#ifdef HD_HAVE_QRENCODE
/* One row of the symbol as <rect>s, one per horizontal run of dark
 * modules (bit 0 of each libqrencode byte is "dark"). */
static int svg_row(const QRcode *qr, int y, struct hd_buf *out,
                   struct hd_error *err)
{
    const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
    for (int x = 0; x < qr->width;) {
        if (!(row[x] & 1)) {
            x++;
            continue;
        }
        int run = 1;
        while (x + run < qr->width && (row[x + run] & 1))
            run++;
        if (hd_buf_printf(out, err, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
                          "height=\"1\"/>", x + QR_QUIET, y + QR_QUIET,
                          run) < 0)
            return -1;
        x += run;
    }
    return 0;
}

int hd_qr_svg(const char *text, struct hd_buf *out, struct hd_error *err)
{
    QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (qr == NULL) {
        hd_error_set(err, HD_E_TOOBIG, "text of %zu bytes does not fit in "
                     "a QR code", strlen(text));
        return -1;
    }
    int size = qr->width + 2 * QR_QUIET, rc = -1;
    size_t start = out->len;
    if (hd_buf_printf(out, err,
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                      "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                      "shape-rendering=\"crispEdges\">"
                      "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                      "<g fill=\"#000\">",
                      size, size, size * 4, size * 4, size, size) < 0)
        goto out;
    for (int y = 0; y < qr->width; y++)
        if (svg_row(qr, y, out, err) < 0)
            goto out;
    if (hd_buf_puts(out, "</g></svg>\n", err) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0 && out->data != NULL) {
        out->len = start;
        out->data[start] = '\0';
    }
    QRcode_free(qr);
    return rc;
}
#else
int hd_qr_svg(const char *text, struct hd_buf *out, struct hd_error *err)
{
    (void)text;
    (void)out;
    hd_error_set(err, HD_E_CONFIG, "built without QR code support "
                 "(libqrencode)");
    return -1;
}
#endif

/* Canonical form of a recovery code for hashing: 10 alphabet letters,
 * lower case.  Returns 0 if the typed text is not one. */
static int recovery_normalise(const char *typed, char out[RECOVERY_CHARS + 1])
{
    int n = 0;
    for (; *typed; typed++) {
        char c = *typed;
        if (c == '-' || c == ' ')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        c = c == 'o' ? '0' : (c == 'i' || c == 'l') ? '1' : c;
        if (strchr(RECOVERY_ALPHABET, c) == NULL || c == '\0' ||
            n == RECOVERY_CHARS)
            return 0;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == RECOVERY_CHARS;
}

void hd_recovery_codes_new(size_t n, char codes[][HD_RECOVERY_CODE_SIZE],
                           char hashes[][HD_SHA256_HEX_SIZE])
{
    hd_assert(n >= 1 && n <= HD_RECOVERY_CODES_MAX);
    for (size_t i = 0; i < n; i++) {
        uint8_t rnd[RECOVERY_CHARS];
        char plain[RECOVERY_CHARS + 1];
        hd_random_bytes(rnd, sizeof rnd);
        for (int k = 0; k < RECOVERY_CHARS; k++)
            plain[k] = RECOVERY_ALPHABET[rnd[k] & 31]; /* 32 | 256: unbiased */
        plain[RECOVERY_CHARS] = '\0';
        snprintf(codes[i], HD_RECOVERY_CODE_SIZE, "%.4s-%.4s-%.2s", plain,
                 plain + 4, plain + 8);
        hd_sha256_hex(plain, RECOVERY_CHARS, hashes[i]);
        hd_memzero_explicit(plain, sizeof plain);
        hd_memzero_explicit(rnd, sizeof rnd);
    }
}

int hd_recovery_code_consume(char hashes[][HD_SHA256_HEX_SIZE], size_t n,
                             const char *typed)
{
    char plain[RECOVERY_CHARS + 1], h[HD_SHA256_HEX_SIZE];
    int match = -1;
    if (!recovery_normalise(typed, plain))
        return -1;
    hd_sha256_hex(plain, RECOVERY_CHARS, h);
    for (size_t i = 0; i < n; i++)
        if (strlen(hashes[i]) == HD_SHA256_HEX_SIZE - 1 &&
            CRYPTO_memcmp(hashes[i], h, HD_SHA256_HEX_SIZE - 1) == 0 &&
            match < 0)
            match = (int)i;
    if (match >= 0)
        hashes[match][0] = '\0';
    hd_memzero_explicit(plain, sizeof plain);
    return match;
}
