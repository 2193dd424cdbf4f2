/* crypt.h - symmetric cryptography for the help desk: SHA-256, HMAC,
 * AES-256-GCM for buffers and a streaming file format for backups, key
 * files, and random bytes.  Everything goes through OpenSSL's EVP
 * interfaces; no other module includes OpenSSL headers for these jobs.
 *
 * Hashing and HMAC over memory cannot fail with valid arguments: if
 * OpenSSL reports an error there, the library is broken and we abort.
 * The same holds for the random generator: a token we cannot make
 * unpredictable is not one we want to hand out.
 *
 * Encrypted buffer layout:  IV (12) | tag (16) | ciphertext (n).
 *
 * Encrypted file layout ("HDENC1", bounded memory, see crypt.c):
 *   header  "HDENC1" | version (1 byte, =1) | chunk log2 (1 byte, =16)
 *           | file nonce (12 bytes)                          = 20 bytes
 *   chunks  ciphertext (64 KiB, the last one shorter, maybe empty)
 *           | tag (16), each sealed with its own nonce and with the
 *           header, the caller's AAD, its index and a final-chunk flag
 *           as additional data, so reordering, truncation and appending
 *           all fail authentication. */
#ifndef HD_CRYPT_H
#define HD_CRYPT_H

#include "buf.h"
#include "hd.h"

#define HD_SHA256_LEN 32
#define HD_SHA256_HEX_SIZE 65 /* 64 hex digits + NUL */
#define HD_KEY_LEN 32         /* AES-256 and HMAC keys */
#define HD_CRYPT_IV_LEN 12
#define HD_CRYPT_TAG_LEN 16
#define HD_CRYPT_OVERHEAD (HD_CRYPT_IV_LEN + HD_CRYPT_TAG_LEN)
#define HD_CRYPT_BUF_MAX (256u * 1024 * 1024) /* one in-memory message */
#define HD_CRYPT_CHUNK (64u * 1024)           /* file format chunk */
#define HD_CRYPT_AAD_MAX 1024                 /* caller's AAD string */
#define HD_SECRET_MAX 1024                    /* largest secret file */

/* Fills p with n bytes from the OpenSSL CSPRNG; aborts if it fails. */
void hd_random_bytes(void *p, size_t n);

/* SHA-256 of data[0..len). */
void hd_sha256(const void *data, size_t len, uint8_t out[HD_SHA256_LEN]);
void hd_sha256_hex(const void *data, size_t len,
                   char out[HD_SHA256_HEX_SIZE]);
/* SHA-256 of a file's contents, read in chunks. */
HD_NODISCARD int hd_sha256_file(const char *path,
                                char out[HD_SHA256_HEX_SIZE],
                                struct hd_error *err);

enum hd_digest { HD_DIGEST_SHA1, HD_DIGEST_SHA256, HD_DIGEST_SHA512 };
#define HD_HMAC_MAX 64 /* SHA-512 output */

/* HMAC with the given digest; returns the MAC length (20, 32 or 64). */
size_t hd_hmac(enum hd_digest md, const void *key, size_t key_len,
               const void *data, size_t len, uint8_t out[HD_HMAC_MAX]);
void hd_hmac_sha256(const void *key, size_t key_len, const void *data,
                    size_t len, uint8_t out[HD_SHA256_LEN]);

/* AES-256-GCM.  aad is a NUL-terminated label binding the ciphertext to
 * its place (e.g. "ticket:42/attachment:7"); NULL means none.  The result
 * is appended to out.  Decryption fails with HD_E_CRYPTO when the key, the
 * AAD or any byte is wrong, and then appends nothing. */
HD_NODISCARD int hd_crypt_encrypt_buf(const uint8_t key[HD_KEY_LEN],
                                      const char *aad, const void *in,
                                      size_t len, struct hd_buf *out,
                                      struct hd_error *err);
HD_NODISCARD int hd_crypt_decrypt_buf(const uint8_t key[HD_KEY_LEN],
                                      const char *aad, const void *in,
                                      size_t len, struct hd_buf *out,
                                      struct hd_error *err);

/* Streaming HDENC1 between file descriptors, HD_CRYPT_CHUNK at a time.
 * On failure of decryption the output may hold a prefix of verified
 * chunks; callers writing to a path should use the _file variants, which
 * write a temporary file beside out_path and rename it only on success. */
HD_NODISCARD int hd_crypt_fd_encrypt(const uint8_t key[HD_KEY_LEN],
                                     int in_fd, int out_fd, const char *aad,
                                     struct hd_error *err);
HD_NODISCARD int hd_crypt_fd_decrypt(const uint8_t key[HD_KEY_LEN],
                                     int in_fd, int out_fd, const char *aad,
                                     struct hd_error *err);
HD_NODISCARD int hd_crypt_file_encrypt(const uint8_t key[HD_KEY_LEN],
                                       const char *in_path,
                                       const char *out_path, const char *aad,
                                       struct hd_error *err);
HD_NODISCARD int hd_crypt_file_decrypt(const uint8_t key[HD_KEY_LEN],
                                       const char *in_path,
                                       const char *out_path, const char *aad,
                                       struct hd_error *err);

/* HDENC1 fed in pieces, for writers and readers that cannot hand over a
 * file descriptor (the blob store seals as mail arrives and opens as a
 * response is sent).  The bytes are exactly those of hd_crypt_fd_encrypt.
 *
 * A sealer appends to out the header and every chunk that its input
 * completes; finish seals the last (shorter, maybe empty) chunk.  An
 * opener appends to out the plaintext of every chunk that authenticates
 * as soon as it is complete; finish opens the last chunk and fails when
 * the input stopped anywhere else.  Both copy key and aad and wipe them
 * when freed.  Errors are HD_E_CRYPTO (a bad header, or a chunk that does
 * not authenticate: the caller expected HDENC1, so either is damage) or
 * out's ceiling. */
struct hd_crypt_sealer;
struct hd_crypt_opener;

HD_NODISCARD int hd_crypt_sealer_new(const uint8_t key[HD_KEY_LEN],
                                     const char *aad,
                                     struct hd_crypt_sealer **s_r,
                                     struct hd_error *err);
HD_NODISCARD int hd_crypt_sealer_push(struct hd_crypt_sealer *s,
                                      const void *p, size_t n,
                                      struct hd_buf *out,
                                      struct hd_error *err);
HD_NODISCARD int hd_crypt_sealer_finish(struct hd_crypt_sealer *s,
                                        struct hd_buf *out,
                                        struct hd_error *err);
void hd_crypt_sealer_free(struct hd_crypt_sealer **s);

HD_NODISCARD int hd_crypt_opener_new(const uint8_t key[HD_KEY_LEN],
                                     const char *aad,
                                     struct hd_crypt_opener **o_r,
                                     struct hd_error *err);
HD_NODISCARD int hd_crypt_opener_push(struct hd_crypt_opener *o,
                                      const void *p, size_t n,
                                      struct hd_buf *out,
                                      struct hd_error *err);
HD_NODISCARD int hd_crypt_opener_finish(struct hd_crypt_opener *o,
                                        struct hd_buf *out,
                                        struct hd_error *err);
void hd_crypt_opener_free(struct hd_crypt_opener **o);
/* Bytes of plaintext in an HDENC1 stream of 'sealed' bytes, or -1 when
 * no stream has that length (a truncated or padded file). */
int64_t hd_crypt_plain_size(int64_t sealed);
#define HD_CRYPT_HEADER_LEN 20

/* Key files hold HD_KEY_LEN raw bytes, or their 64 hex digits with an
 * optional newline (what "openssl rand -hex 32" writes).  hd_key_load
 * refuses a file readable or writable by group or others (HD_E_PERM), a
 * symlink, or one of the wrong size (HD_E_CONFIG). */
HD_NODISCARD int hd_key_load(const char *path, uint8_t key[HD_KEY_LEN],
                             struct hd_error *err);
/* Creates a new random key file with mode 0600.  Never overwrites: an
 * existing path fails with HD_E_EXISTS (losing a backup key is worse than
 * any error).  The file appears complete or not at all. */
HD_NODISCARD int hd_key_generate(const char *path, struct hd_error *err);
/* Loads a raw secret of exactly len bytes (len <= HD_SECRET_MAX), or
 * creates it from random bytes with mode 0600 if path does not exist.
 * Two processes racing to create it end up with the same secret. */
HD_NODISCARD int hd_secret_load_or_create(const char *path, uint8_t *out,
                                          size_t len, struct hd_error *err);

#endif
