/* crypt.c - hashing, HMAC, AES-256-GCM buffers and the HDENC1 streaming
 * file format, key files; see crypt.h for the formats.
 *
 * Why chunks: a backup may be larger than memory, and GCM must not
 * release plaintext before its tag is checked.  Each 64 KiB chunk is its
 * own GCM message, so at most one chunk is held and every byte written
 * has been authenticated.  Chunk i uses the nonce (file nonce XOR i in
 * the low 64 bits); the random 96-bit file nonce makes a repeat across
 * files under one key negligible.  The last chunk is always shorter than
 * HD_CRYPT_CHUNK (empty when the plaintext is a multiple of it) and is
 * sealed with final=1, so a reader knows the end from the length alone
 * and a file cut at a chunk boundary fails instead of decrypting to a
 * shorter, valid-looking backup. */
#include "crypt.h"

#include "codec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define FILE_MAGIC "HDENC1"
#define FILE_MAGIC_LEN 6
#define FILE_VERSION 1
#define FILE_CHUNK_LOG2 16
#define FILE_HEADER_LEN (FILE_MAGIC_LEN + 2 + HD_CRYPT_IV_LEN)
#define IO_CHUNK (64u * 1024) /* read size for hashing files */
_Static_assert(FILE_HEADER_LEN == HD_CRYPT_HEADER_LEN, "crypt.h header");

void hd_random_bytes(void *p, size_t n)
{
    if (n > 0 && RAND_bytes(p, (int)n) != 1)
        hd_panic(__FILE__, __LINE__, "random generator failed");
}

/* ---- I/O helpers ------------------------------------------------------ */

/* Reads until n bytes or end of file; returns the count or -1. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static int write_full(int fd, const void *buf, size_t n, struct hd_error *err)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const char *)buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            hd_error_set(err, errno == ENOSPC ? HD_E_NOSPACE : HD_E_IO,
                         "write failed: %s", strerror(errno));
            return -1;
        }
        done += (size_t)w;
    }
    return 0;
}

static int open_error(struct hd_error *err, const char *what,
                      const char *path)
{
    hd_error_set(err, errno == ENOENT ? HD_E_NOTFOUND : HD_E_IO,
                 "cannot %s %s: %s", what, path, strerror(errno));
    return -1;
}

/* ---- hashing ---------------------------------------------------------- */

void hd_sha256(const void *data, size_t len, uint8_t out[HD_SHA256_LEN])
{
    unsigned int n = 0;
    if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1)
        hd_panic(__FILE__, __LINE__, "EVP_Digest(SHA-256) failed");
}

void hd_sha256_hex(const void *data, size_t len,
                   char out[HD_SHA256_HEX_SIZE])
{
    uint8_t md[HD_SHA256_LEN];
    hd_sha256(data, len, md);
    hd_hex_encode(md, sizeof md, out, HD_SHA256_HEX_SIZE);
}

int hd_sha256_file(const char *path, char out[HD_SHA256_HEX_SIZE],
                   struct hd_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return open_error(err, "open", path);
    uint8_t *buf = hd_xmalloc(IO_CHUNK), md[HD_SHA256_LEN];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = -1;
    hd_assert(ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL));
    for (;;) {
        ssize_t n = read_full(fd, buf, IO_CHUNK);
        if (n < 0) {
            hd_error_set(err, HD_E_IO, "cannot read %s: %s", path,
                         strerror(errno));
            goto out;
        }
        hd_assert(EVP_DigestUpdate(ctx, buf, (size_t)n) == 1);
        if ((size_t)n < IO_CHUNK)
            break;
    }
    hd_assert(EVP_DigestFinal_ex(ctx, md, NULL) == 1);
    hd_hex_encode(md, sizeof md, out, HD_SHA256_HEX_SIZE);
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    free(buf);
    close(fd);
    return rc;
}

size_t hd_hmac(enum hd_digest md, const void *key, size_t key_len,
               const void *data, size_t len, uint8_t out[HD_HMAC_MAX])
{
    static const char *const names[] = {
        [HD_DIGEST_SHA1] = "SHA1",
        [HD_DIGEST_SHA256] = "SHA256",
        [HD_DIGEST_SHA512] = "SHA512",
    };
    hd_assert((size_t)md < HD_ARRAY_LEN(names));
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                         (char *)names[md], 0),
        OSSL_PARAM_construct_end(),
    };
    size_t n = 0;
    static const uint8_t empty[1];
    if (ctx == NULL ||
        EVP_MAC_init(ctx, key_len ? key : empty, key_len, params) != 1 ||
        EVP_MAC_update(ctx, data, len) != 1 ||
        EVP_MAC_final(ctx, out, &n, HD_HMAC_MAX) != 1)
        hd_panic(__FILE__, __LINE__, "HMAC-%s failed", names[md]);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return n;
}

void hd_hmac_sha256(const void *key, size_t key_len, const void *data,
                    size_t len, uint8_t out[HD_SHA256_LEN])
{
    uint8_t mac[HD_HMAC_MAX];
    size_t n = hd_hmac(HD_DIGEST_SHA256, key, key_len, data, len, mac);
    hd_assert(n == HD_SHA256_LEN);
    memcpy(out, mac, HD_SHA256_LEN);
}

/* ---- AES-256-GCM core -------------------------------------------------- */

/* Additional data in pieces, fed to GCM one after the other. */
struct aad_part {
    const void *p;
    size_t n;
};

/* Seals (enc) or opens one GCM message; in and out may not overlap.
 * Returns 0, or -1 when opening and the tag does not match. */
static int gcm_run(bool enc, const uint8_t *key,
                   const uint8_t iv[HD_CRYPT_IV_LEN],
                   const struct aad_part *aad, size_t naad, const uint8_t *in,
                   size_t n, uint8_t *out, uint8_t tag[HD_CRYPT_TAG_LEN])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, ok;
    hd_assert(ctx != NULL && n <= INT_MAX);
    ok = EVP_CipherInit_ex2(ctx, EVP_aes_256_gcm(), key, iv, enc, NULL);
    for (size_t i = 0; ok && i < naad; i++)
        if (aad[i].n > 0)
            ok = EVP_CipherUpdate(ctx, NULL, &len, aad[i].p, (int)aad[i].n);
    if (ok && n > 0)
        ok = EVP_CipherUpdate(ctx, out, &len, in, (int)n);
    if (ok && !enc)
        ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
                                 HD_CRYPT_TAG_LEN, tag);
    hd_assert(ok == 1); /* setup cannot fail with a fixed cipher */
    ok = EVP_CipherFinal_ex(ctx, out + n, &len);
    if (ok == 1 && enc)
        hd_assert(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
                                      HD_CRYPT_TAG_LEN, tag) == 1);
    EVP_CIPHER_CTX_free(ctx);
    hd_assert(ok == 1 || !enc);
    return ok == 1 ? 0 : -1;
}

static int reserve_out(struct hd_buf *out, size_t n, uint8_t **p_r,
                       struct hd_error *err)
{
    size_t start = out->len;
    /* Grow, then write in place: hd_buf has no reserve call.  The first
     * append also makes sure data is allocated when n is 0. */
    static const uint8_t zero[4096];
    if (hd_buf_append(out, zero, 0, err) < 0)
        return -1;
    while (out->len - start < n) {
        size_t step = n - (out->len - start);
        if (step > sizeof zero)
            step = sizeof zero;
        if (hd_buf_append(out, zero, step, err) < 0) {
            out->len = start;
            out->data[start] = '\0';
            return -1;
        }
    }
    *p_r = (uint8_t *)out->data + start;
    return 0;
}

int hd_crypt_encrypt_buf(const uint8_t key[HD_KEY_LEN], const char *aad,
                         const void *in, size_t len, struct hd_buf *out,
                         struct hd_error *err)
{
    uint8_t *p;
    if (len > HD_CRYPT_BUF_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "cannot encrypt %zu bytes in memory, "
                     "max %u", len, HD_CRYPT_BUF_MAX);
        return -1;
    }
    if (reserve_out(out, HD_CRYPT_OVERHEAD + len, &p, err) < 0)
        return -1;
    struct aad_part a = {aad, aad ? strlen(aad) : 0};
    hd_random_bytes(p, HD_CRYPT_IV_LEN);
    gcm_run(true, key, p, &a, 1, in, len, p + HD_CRYPT_OVERHEAD,
            p + HD_CRYPT_IV_LEN);
    return 0;
}

int hd_crypt_decrypt_buf(const uint8_t key[HD_KEY_LEN], const char *aad,
                         const void *in, size_t len, struct hd_buf *out,
                         struct hd_error *err)
{
    const uint8_t *c = in;
    uint8_t tag[HD_CRYPT_TAG_LEN], *p;
    size_t start = out->len;
    if (len < HD_CRYPT_OVERHEAD || len - HD_CRYPT_OVERHEAD > HD_CRYPT_BUF_MAX) {
        hd_error_set(err, HD_E_CRYPTO, "ciphertext of %zu bytes is not "
                     "between %d and %u", len, HD_CRYPT_OVERHEAD,
                     HD_CRYPT_BUF_MAX + HD_CRYPT_OVERHEAD);
        return -1;
    }
    if (reserve_out(out, len - HD_CRYPT_OVERHEAD, &p, err) < 0)
        return -1;
    struct aad_part a = {aad, aad ? strlen(aad) : 0};
    memcpy(tag, c + HD_CRYPT_IV_LEN, sizeof tag);
    if (gcm_run(false, key, c, &a, 1, c + HD_CRYPT_OVERHEAD,
                len - HD_CRYPT_OVERHEAD, p, tag) < 0) {
        hd_memzero_explicit(p, len - HD_CRYPT_OVERHEAD);
        out->len = start;
        out->data[start] = '\0';
        hd_error_set(err, HD_E_CRYPTO, "decryption failed: wrong key, wrong "
                     "context or damaged data");
        return -1;
    }
    return 0;
}

/* ---- HDENC1 streaming files ------------------------------------------- */

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* What every chunk of one file shares. */
struct stream {
    const uint8_t *key;
    uint8_t header[FILE_HEADER_LEN];
    const char *aad;
    uint8_t aad_len[4]; /* big-endian, so header|len|aad|index is unambiguous */
    uint8_t *plain;     /* HD_CRYPT_CHUNK */
    uint8_t *sealed;    /* HD_CRYPT_CHUNK + tag */
};

static int stream_init(struct stream *s, const uint8_t *key, const char *aad,
                       struct hd_error *err)
{
    size_t n = aad ? strlen(aad) : 0;
    if (n > HD_CRYPT_AAD_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "AAD of %zu bytes, max %d", n,
                     HD_CRYPT_AAD_MAX);
        return -1;
    }
    s->key = key;
    s->aad = aad;
    for (int i = 0; i < 4; i++)
        s->aad_len[i] = (uint8_t)(n >> (24 - 8 * i));
    s->plain = hd_xmalloc(HD_CRYPT_CHUNK);
    s->sealed = hd_xmalloc(HD_CRYPT_CHUNK + HD_CRYPT_TAG_LEN);
    return 0;
}

static void stream_deinit(struct stream *s)
{
    hd_memzero_explicit(s->plain, HD_CRYPT_CHUNK);
    free(s->plain);
    free(s->sealed);
}

/* Seals or opens chunk 'index' between s->plain and s->sealed. */
static int stream_chunk(struct stream *s, bool enc, uint64_t index,
                        bool final, size_t n)
{
    uint8_t iv[HD_CRYPT_IV_LEN], idx[8], fin = final ? 1 : 0;
    memcpy(iv, s->header + FILE_MAGIC_LEN + 2, sizeof iv);
    put_be64(idx, index);
    for (int i = 0; i < 8; i++)
        iv[HD_CRYPT_IV_LEN - 8 + i] ^= idx[i];
    struct aad_part aad[] = {
        {s->header, FILE_HEADER_LEN}, {s->aad_len, 4},
        {s->aad, s->aad ? strlen(s->aad) : 0}, {idx, 8}, {&fin, 1},
    };
    if (enc)
        return gcm_run(true, s->key, iv, aad, HD_ARRAY_LEN(aad), s->plain, n,
                       s->sealed, s->sealed + n);
    return gcm_run(false, s->key, iv, aad, HD_ARRAY_LEN(aad), s->sealed, n,
                   s->plain, s->sealed + n);
}

int hd_crypt_fd_encrypt(const uint8_t key[HD_KEY_LEN], int in_fd, int out_fd,
                        const char *aad, struct hd_error *err)
{
    struct stream s;
    int rc = -1;
    if (stream_init(&s, key, aad, err) < 0)
        return -1;
    memcpy(s.header, FILE_MAGIC, FILE_MAGIC_LEN);
    s.header[FILE_MAGIC_LEN] = FILE_VERSION;
    s.header[FILE_MAGIC_LEN + 1] = FILE_CHUNK_LOG2;
    hd_random_bytes(s.header + FILE_MAGIC_LEN + 2, HD_CRYPT_IV_LEN);
    if (write_full(out_fd, s.header, FILE_HEADER_LEN, err) < 0)
        goto out;
    for (uint64_t index = 0;; index++) {
        ssize_t n = read_full(in_fd, s.plain, HD_CRYPT_CHUNK);
        if (n < 0) {
            hd_error_set(err, HD_E_IO, "read failed: %s", strerror(errno));
            goto out;
        }
        bool final = (size_t)n < HD_CRYPT_CHUNK;
        stream_chunk(&s, true, index, final, (size_t)n);
        if (write_full(out_fd, s.sealed, (size_t)n + HD_CRYPT_TAG_LEN,
                       err) < 0)
            goto out;
        if (final)
            break;
    }
    rc = 0;
out:
    stream_deinit(&s);
    return rc;
}

static int read_header(struct stream *s, int in_fd, struct hd_error *err)
{
    ssize_t n = read_full(in_fd, s->header, FILE_HEADER_LEN);
    if (n < 0) {
        hd_error_set(err, HD_E_IO, "read failed: %s", strerror(errno));
        return -1;
    }
    if (n < FILE_HEADER_LEN ||
        memcmp(s->header, FILE_MAGIC, FILE_MAGIC_LEN) != 0) {
        hd_error_set(err, HD_E_PARSE, "not an encrypted helpdesk file "
                     "(no %s header)", FILE_MAGIC);
        return -1;
    }
    if (s->header[FILE_MAGIC_LEN] != FILE_VERSION ||
        s->header[FILE_MAGIC_LEN + 1] != FILE_CHUNK_LOG2) {
        hd_error_set(err, HD_E_PARSE, "unsupported %s version %u, chunk "
                     "2^%u (want version %d, chunk 2^%d)", FILE_MAGIC,
                     s->header[FILE_MAGIC_LEN], s->header[FILE_MAGIC_LEN + 1],
                     FILE_VERSION, FILE_CHUNK_LOG2);
        return -1;
    }
    return 0;
}

int hd_crypt_fd_decrypt(const uint8_t key[HD_KEY_LEN], int in_fd, int out_fd,
                        const char *aad, struct hd_error *err)
{
    struct stream s;
    int rc = -1;
    if (stream_init(&s, key, aad, err) < 0)
        return -1;
    if (read_header(&s, in_fd, err) < 0)
        goto out;
    for (uint64_t index = 0;; index++) {
        ssize_t n = read_full(in_fd, s.sealed,
                              HD_CRYPT_CHUNK + HD_CRYPT_TAG_LEN);
        if (n < 0) {
            hd_error_set(err, HD_E_IO, "read failed: %s", strerror(errno));
            goto out;
        }
        /* A short read is the end of the file, so this must be the final
         * chunk; a file cut right after a full chunk has no tag left. */
        bool final = (size_t)n < HD_CRYPT_CHUNK + HD_CRYPT_TAG_LEN;
        size_t len = (size_t)n - HD_CRYPT_TAG_LEN;
        if (n < HD_CRYPT_TAG_LEN ||
            stream_chunk(&s, false, index, final, len) < 0) {
            hd_error_set(err, HD_E_CRYPTO, "chunk %llu does not "
                         "authenticate: wrong key or context, or the file "
                         "is damaged or truncated", (unsigned long long)index);
            goto out;
        }
        if (write_full(out_fd, s.plain, len, err) < 0)
            goto out;
        if (final)
            break;
    }
    rc = 0;
out:
    stream_deinit(&s);
    return rc;
}

/* ---- HDENC1 in pieces --------------------------------------------------- */

/* One sealer or opener: the stream, its own copies of key and AAD, the
 * chunk being filled and where the next chunk's index is. */
struct piecewise {
    struct stream s;
    uint8_t key[HD_KEY_LEN];
    char *aad;
    size_t fill;     /* bytes in s.plain (sealer) or s.sealed (opener) */
    size_t head;     /* opener: header bytes received so far */
    uint64_t index;
};

struct hd_crypt_sealer {
    struct piecewise p;
};
struct hd_crypt_opener {
    struct piecewise p;
};

static int piecewise_init(struct piecewise *w, const uint8_t *key,
                          const char *aad, struct hd_error *err)
{
    memcpy(w->key, key, HD_KEY_LEN);
    w->aad = aad ? hd_xstrdup(aad) : NULL;
    if (stream_init(&w->s, w->key, w->aad, err) < 0) {
        free(w->aad);
        return -1;
    }
    return 0;
}

static void piecewise_deinit(struct piecewise *w)
{
    stream_deinit(&w->s);
    hd_memzero_explicit(w->key, sizeof w->key);
    free(w->aad);
}

int hd_crypt_sealer_new(const uint8_t key[HD_KEY_LEN], const char *aad,
                        struct hd_crypt_sealer **s_r, struct hd_error *err)
{
    struct hd_crypt_sealer *s = hd_xcalloc(1, sizeof *s);
    if (piecewise_init(&s->p, key, aad, err) < 0) {
        free(s);
        return -1;
    }
    memcpy(s->p.s.header, FILE_MAGIC, FILE_MAGIC_LEN);
    s->p.s.header[FILE_MAGIC_LEN] = FILE_VERSION;
    s->p.s.header[FILE_MAGIC_LEN + 1] = FILE_CHUNK_LOG2;
    hd_random_bytes(s->p.s.header + FILE_MAGIC_LEN + 2, HD_CRYPT_IV_LEN);
    s->p.head = FILE_HEADER_LEN; /* still to be written */
    *s_r = s;
    return 0;
}

/* Seals the chunk in s.plain and appends it (after the header, once). */
static int seal_out(struct piecewise *w, bool final, struct hd_buf *out,
                    struct hd_error *err)
{
    if (w->head > 0 &&
        hd_buf_append(out, w->s.header, FILE_HEADER_LEN, err) < 0)
        return -1;
    w->head = 0;
    stream_chunk(&w->s, true, w->index++, final, w->fill);
    int rc = hd_buf_append(out, w->s.sealed, w->fill + HD_CRYPT_TAG_LEN, err);
    w->fill = 0;
    return rc;
}

int hd_crypt_sealer_push(struct hd_crypt_sealer *s, const void *p, size_t n,
                         struct hd_buf *out, struct hd_error *err)
{
    struct piecewise *w = &s->p;
    const uint8_t *c = p;
    while (n > 0) {
        size_t k = HD_CRYPT_CHUNK - w->fill;
        k = k < n ? k : n;
        memcpy(w->s.plain + w->fill, c, k);
        w->fill += k;
        c += k;
        n -= k;
        /* A full chunk is never the final one (crypt.h), so it can go. */
        if (w->fill == HD_CRYPT_CHUNK && seal_out(w, false, out, err) < 0)
            return -1;
    }
    return 0;
}

int hd_crypt_sealer_finish(struct hd_crypt_sealer *s, struct hd_buf *out,
                           struct hd_error *err)
{
    return seal_out(&s->p, true, out, err);
}

void hd_crypt_sealer_free(struct hd_crypt_sealer **sp)
{
    if (*sp == NULL)
        return;
    piecewise_deinit(&(*sp)->p);
    free(*sp);
    *sp = NULL;
}

int hd_crypt_opener_new(const uint8_t key[HD_KEY_LEN], const char *aad,
                        struct hd_crypt_opener **o_r, struct hd_error *err)
{
    struct hd_crypt_opener *o = hd_xcalloc(1, sizeof *o);
    if (piecewise_init(&o->p, key, aad, err) < 0) {
        free(o);
        return -1;
    }
    *o_r = o;
    return 0;
}

/* Checks a complete header the way read_header() does. */
static int header_ok(const uint8_t *h, struct hd_error *err)
{
    if (memcmp(h, FILE_MAGIC, FILE_MAGIC_LEN) != 0) {
        hd_error_set(err, HD_E_CRYPTO, "damaged encrypted data (no %s "
                     "header)", FILE_MAGIC);
        return -1;
    }
    if (h[FILE_MAGIC_LEN] != FILE_VERSION ||
        h[FILE_MAGIC_LEN + 1] != FILE_CHUNK_LOG2) {
        hd_error_set(err, HD_E_CRYPTO, "damaged encrypted data (%s version "
                     "%u, chunk 2^%u)",
                     FILE_MAGIC, h[FILE_MAGIC_LEN], h[FILE_MAGIC_LEN + 1]);
        return -1;
    }
    return 0;
}

/* Opens the chunk in s.sealed and appends its plaintext. */
static int open_out(struct piecewise *w, bool final, struct hd_buf *out,
                    struct hd_error *err)
{
    uint64_t index = w->index++;
    size_t len = w->fill - HD_CRYPT_TAG_LEN;
    w->fill = 0;
    if (stream_chunk(&w->s, false, index, final, len) < 0) {
        hd_error_set(err, HD_E_CRYPTO, "chunk %llu does not authenticate: "
                     "wrong key or context, or the data is damaged or "
                     "truncated", (unsigned long long)index);
        return -1;
    }
    return hd_buf_append(out, w->s.plain, len, err);
}

int hd_crypt_opener_push(struct hd_crypt_opener *o, const void *p, size_t n,
                         struct hd_buf *out, struct hd_error *err)
{
    struct piecewise *w = &o->p;
    const uint8_t *c = p;
    while (n > 0 && w->head < FILE_HEADER_LEN) {
        w->s.header[w->head++] = *c++;
        n--;
        if (w->head == FILE_HEADER_LEN && header_ok(w->s.header, err) < 0)
            return -1;
    }
    while (n > 0) {
        size_t room = HD_CRYPT_CHUNK + HD_CRYPT_TAG_LEN - w->fill;
        size_t k = room < n ? room : n;
        memcpy(w->s.sealed + w->fill, c, k);
        w->fill += k;
        c += k;
        n -= k;
        if (w->fill == HD_CRYPT_CHUNK + HD_CRYPT_TAG_LEN &&
            open_out(w, false, out, err) < 0)
            return -1;
    }
    return 0;
}

int hd_crypt_opener_finish(struct hd_crypt_opener *o, struct hd_buf *out,
                           struct hd_error *err)
{
    struct piecewise *w = &o->p;
    if (w->head < FILE_HEADER_LEN || w->fill < HD_CRYPT_TAG_LEN) {
        hd_error_set(err, HD_E_CRYPTO, "encrypted data is truncated after "
                     "chunk %llu", (unsigned long long)w->index);
        return -1;
    }
    return open_out(w, true, out, err);
}

void hd_crypt_opener_free(struct hd_crypt_opener **op)
{
    if (*op == NULL)
        return;
    piecewise_deinit(&(*op)->p);
    free(*op);
    *op = NULL;
}

int64_t hd_crypt_plain_size(int64_t sealed)
{
    const int64_t full = HD_CRYPT_CHUNK + HD_CRYPT_TAG_LEN;
    int64_t body = sealed - FILE_HEADER_LEN;
    if (body < HD_CRYPT_TAG_LEN)
        return -1;
    int64_t last = body % full; /* the final chunk, never full-sized */
    if (last < HD_CRYPT_TAG_LEN)
        return -1;
    return body - (body / full + 1) * HD_CRYPT_TAG_LEN;
}

typedef int (*fd_crypt_fn)(const uint8_t *, int, int, const char *,
                           struct hd_error *);

/* Runs fn from in_path into a temporary file beside out_path, which is
 * synced and renamed over out_path only when fn succeeded. */
static int file_crypt(fd_crypt_fn fn, const uint8_t *key, const char *in_path,
                      const char *out_path, const char *aad,
                      struct hd_error *err)
{
    char tmp[PATH_MAX];
    int in_fd = -1, out_fd = -1, rc = -1;
    bool created = false;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", out_path) >=
        sizeof tmp) {
        hd_error_set(err, HD_E_INVAL, "output path too long");
        return -1;
    }
    in_fd = open(in_path, O_RDONLY | O_CLOEXEC);
    if (in_fd < 0)
        return open_error(err, "open", in_path);
    out_fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
    if (out_fd < 0) {
        open_error(err, "create a file beside", out_path);
        goto out;
    }
    created = true;
    if (fn(key, in_fd, out_fd, aad, err) < 0)
        goto out;
    if (fsync(out_fd) < 0 || close(out_fd) < 0) {
        out_fd = -1;
        open_error(err, "write", tmp);
        goto out;
    }
    out_fd = -1;
    if (rename(tmp, out_path) < 0) {
        open_error(err, "rename to", out_path);
        goto out;
    }
    rc = 0;
out:
    if (out_fd >= 0)
        close(out_fd);
    if (rc < 0 && created)
        unlink(tmp);
    close(in_fd);
    return rc;
}

int hd_crypt_file_encrypt(const uint8_t key[HD_KEY_LEN], const char *in_path,
                          const char *out_path, const char *aad,
                          struct hd_error *err)
{
    return file_crypt(hd_crypt_fd_encrypt, key, in_path, out_path, aad, err);
}

int hd_crypt_file_decrypt(const uint8_t key[HD_KEY_LEN], const char *in_path,
                          const char *out_path, const char *aad,
                          struct hd_error *err)
{
    return file_crypt(hd_crypt_fd_decrypt, key, in_path, out_path, aad, err);
}

/* ---- key and secret files ---------------------------------------------- */

/* Reads a whole private file (regular, not a symlink, no group/other
 * access) of at most max bytes. */
static int read_private(const char *path, uint8_t *buf, size_t max,
                        size_t *n_r, struct hd_error *err)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc = -1;
    if (fd < 0)
        return open_error(err, "open key file", path);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        hd_error_set(err, HD_E_CONFIG, "key file %s is not a regular file",
                     path);
        goto out;
    }
    if ((st.st_mode & 077) != 0) {
        hd_error_set(err, HD_E_PERM, "key file %s has mode %04o; it must "
                     "not be accessible by group or others (chmod 600)",
                     path, (unsigned)(st.st_mode & 07777));
        goto out;
    }
    ssize_t n = read_full(fd, buf, max);
    if (n < 0 || (size_t)n == max) {
        hd_error_set(err, n < 0 ? HD_E_IO : HD_E_CONFIG,
                     "key file %s is unreadable or too large", path);
        goto out;
    }
    *n_r = (size_t)n;
    rc = 0;
out:
    close(fd);
    return rc;
}

/* Creates path holding data, mode 0600, without ever replacing an
 * existing file: written to a temporary name, synced, then link()ed,
 * which fails with EEXIST where rename() would overwrite. */
static int create_private(const char *path, const uint8_t *data, size_t n,
                          struct hd_error *err)
{
    char tmp[PATH_MAX];
    int rc = -1;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >=
        sizeof tmp) {
        hd_error_set(err, HD_E_INVAL, "key path too long");
        return -1;
    }
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return open_error(err, "create a file beside", path);
    if (write_full(fd, data, n, err) < 0)
        goto out;
    if (fsync(fd) < 0) {
        open_error(err, "sync", tmp);
        goto out;
    }
    if (link(tmp, path) < 0) {
        hd_error_set(err, errno == EEXIST ? HD_E_EXISTS : HD_E_IO,
                     "cannot create %s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    close(fd);
    unlink(tmp);
    return rc;
}

int hd_key_load(const char *path, uint8_t key[HD_KEY_LEN],
                struct hd_error *err)
{
    uint8_t buf[2 * HD_KEY_LEN + 2];
    size_t n = 0, dec = 0;
    int rc = -1;
    if (read_private(path, buf, sizeof buf, &n, err) < 0)
        goto out;
    if (n == HD_KEY_LEN) {
        memcpy(key, buf, HD_KEY_LEN);
        rc = 0;
    } else if ((n == 2 * HD_KEY_LEN ||
                (n == 2 * HD_KEY_LEN + 1 && buf[n - 1] == '\n')) &&
               hd_hex_decode((char *)buf, 2 * HD_KEY_LEN, key, HD_KEY_LEN,
                             &dec, err) == 0) {
        rc = 0;
    } else {
        hd_error_set(err, HD_E_CONFIG, "key file %s must hold %d raw bytes "
                     "or %d hex digits (it has %zu bytes)", path, HD_KEY_LEN,
                     2 * HD_KEY_LEN, n);
    }
out:
    hd_memzero_explicit(buf, sizeof buf);
    return rc;
}

int hd_key_generate(const char *path, struct hd_error *err)
{
    uint8_t key[HD_KEY_LEN];
    hd_random_bytes(key, sizeof key);
    int rc = create_private(path, key, sizeof key, err);
    hd_memzero_explicit(key, sizeof key);
    return rc;
}

int hd_secret_load_or_create(const char *path, uint8_t *out, size_t len,
                             struct hd_error *err)
{
    uint8_t buf[HD_SECRET_MAX + 1];
    struct hd_error e = HD_ERROR_INIT;
    size_t n = 0;
    int rc = -1;
    hd_assert(len > 0 && len <= HD_SECRET_MAX);
    for (int attempt = 0; attempt < 2 && rc < 0; attempt++) {
        if (read_private(path, buf, sizeof buf, &n, &e) == 0) {
            if (n != len) {
                hd_error_set(&e, HD_E_CONFIG, "secret file %s has %zu "
                             "bytes, expected %zu", path, n, len);
                break;
            }
            memcpy(out, buf, len);
            rc = 0;
        } else if (e.code != HD_E_NOTFOUND) {
            break;
        } else {
            /* Absent: create it.  If another process won the race, the
             * link fails with EEXIST and the next turn loads its secret. */
            hd_random_bytes(buf, len);
            if (create_private(path, buf, len, &e) == 0) {
                memcpy(out, buf, len);
                rc = 0;
            } else if (e.code != HD_E_EXISTS) {
                break;
            }
        }
    }
    hd_memzero_explicit(buf, sizeof buf);
    if (rc < 0 && err != NULL)
        *err = e;
    return rc;
}
