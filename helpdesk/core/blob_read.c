/* blob_read.c - reading blobs of either tier (blob.h), sealed or plain
 * (blob_key.h).  A sealed file blob is opened a chunk at a time, so a
 * reader holds at most one chunk of plaintext and hands out only bytes
 * that authenticated; its SHA-256 is checked against the name at the end,
 * so a file swapped for another sealed blob fails too. */
#include "blob.h"
#include "blob_key.h"
#include "codec.h"
#include "store_blob.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes read per step when hashing a blob. */
#define BLOB_READ_CHUNK ((size_t)64 * 1024)
/* DIR/blobs/ab/<62 hex> fits with any sane data directory. */
#define BLOB_PATH_MAX 4096

struct hd_blob_reader {
    char *data;   /* inline bytes (heap, plaintext), NULL for a file blob */
    size_t pos;
    int fd;       /* file blob, -1 inline */
    char *path;
    int64_t size; /* plaintext bytes */
    char name[65];                  /* the blob's SHA-256 */
    struct hd_crypt_opener *opener; /* sealed file blob, else NULL */
    struct hd_buf plain;            /* its current chunk's plaintext */
    size_t plain_pos;
    int64_t emitted;                /* plaintext opened so far */
    bool done;                      /* last chunk opened */
    bool check_name;                /* compare the hash at the end */
    EVP_MD_CTX *md;
    char *sealed;                   /* read buffer, HD_CRYPT_CHUNK + tag */
};

/* Loads the data key for a blob sealed under id_hex: 0, or -1 when the
 * key is missing or another one. */
static int key_for(const char *key_path, const char *id_hex,
                   const char *what, struct hd_blob_key *k,
                   struct hd_error *err)
{
    int f = hd_blob_key_load(key_path, false, k, err);
    if (f == 0)
        hd_error_set(err, HD_E_CRYPTO, "%s is encrypted under data key %s "
                     "but %s does not exist (restore it from a backup)",
                     what, id_hex, key_path);
    else if (f == 1 && strcmp(k->id_hex, id_hex) != 0)
        hd_error_set(err, HD_E_CRYPTO, "%s is encrypted under data key %s, "
                     "but %s holds key %s", what, id_hex, key_path,
                     k->id_hex);
    else if (f == 1)
        return 0;
    hd_blob_key_wipe(k);
    return -1;
}

static int name_mismatch(const char *name, const char *what,
                         struct hd_error *err)
{
    hd_error_set(err, HD_E_CRYPTO, "%s decrypts to bytes whose SHA-256 is "
                 "not %.16s...: the blob was swapped or damaged", what, name);
    return -1;
}

/* Replaces the sealed inline bytes of r by their plaintext. */
static int open_inline(struct hd_blob_reader *r, const char *key_path,
                       const char *id_hex, struct hd_error *err)
{
    struct hd_blob_key k;
    struct hd_crypt_opener *o = NULL;
    struct hd_buf out;
    char aad[HD_BLOB_AAD_SIZE], got[65], what[96];
    snprintf(what, sizeof what, "blob %.16s...", r->name);
    if (key_for(key_path, id_hex, what, &k, err) < 0)
        return -1;
    hd_blob_env_aad(id_hex, aad);
    hd_buf_init(&out, HD_BLOB_INLINE_MAX + 1);
    int rc = hd_crypt_opener_new(k.key, aad, &o, err);
    hd_blob_key_wipe(&k);
    if (rc == 0)
        rc = hd_crypt_opener_push(o, r->data + HD_BLOB_ENV_HEAD,
                                  (size_t)r->size - HD_BLOB_ENV_HEAD, &out,
                                  err) < 0 ||
                     hd_crypt_opener_finish(o, &out, err) < 0
                 ? -1
                 : 0;
    hd_crypt_opener_free(&o);
    if (rc < 0) {
        struct hd_error e2 = *err;
        hd_error_set(err, e2.code, "%s: %s", what, e2.msg);
    }
    if (rc == 0) {
        hd_sha256_hex(out.data, out.len, got);
        if (strcmp(got, r->name) != 0)
            rc = name_mismatch(r->name, what, err);
    }
    if (rc == 0) {
        free(r->data);
        size_t n;
        r->data = hd_buf_steal(&out, &n);
        if (r->data == NULL) /* empty blob: data marks the inline tier */
            r->data = hd_xcalloc(1, 1);
        r->size = (int64_t)n;
    }
    hd_buf_deinit(&out);
    return rc;
}

/* Prepares a sealed file blob (fd past the envelope) for chunked reads. */
static int open_sealed_file(struct hd_blob_reader *r, const char *key_path,
                            const char *id_hex, struct hd_error *err)
{
    struct hd_blob_key k;
    char aad[HD_BLOB_AAD_SIZE], what[96];
    snprintf(what, sizeof what, "blob file %s", r->path);
    int64_t plain = hd_crypt_plain_size(r->size - HD_BLOB_ENV_HEAD);
    if (plain < 0) {
        hd_error_set(err, HD_E_CRYPTO, "%s is truncated or damaged (%lld "
                     "bytes is no sealed length)", what,
                     (long long)r->size);
        return -1;
    }
    if (key_for(key_path, id_hex, what, &k, err) < 0)
        return -1;
    hd_blob_env_aad(id_hex, aad);
    int rc = hd_crypt_opener_new(k.key, aad, &r->opener, err);
    hd_blob_key_wipe(&k);
    if (rc < 0)
        return -1;
    r->size = plain;
    hd_buf_init(&r->plain, 2 * (size_t)HD_CRYPT_CHUNK);
    r->sealed = hd_xmalloc(HD_CRYPT_CHUNK + HD_CRYPT_TAG_LEN);
    r->md = EVP_MD_CTX_new();
    hd_assert(r->md != NULL);
    EVP_DigestInit_ex(r->md, EVP_sha256(), NULL);
    return 0;
}

/* Reads the envelope, if any, and sets r up to hand out plaintext. */
static int unseal(struct hd_blob_reader *r, const char *key_path,
                  struct hd_error *err)
{
    char id_hex[HD_BLOB_KEY_ID_SIZE];
    uint8_t head[HD_BLOB_ENV_HEAD];
    if (r->data != NULL)
        return hd_blob_env_parse(r->data, (size_t)r->size, id_hex) == 1
                   ? open_inline(r, key_path, id_hex, err)
                   : 0;
    ssize_t k = pread(r->fd, head, sizeof head, 0);
    if (k < 0) {
        hd_error_set(err, HD_E_IO, "reading %s: %s", r->path,
                     strerror(errno));
        return -1;
    }
    if (hd_blob_env_parse(head, (size_t)k, id_hex) == 0)
        return 0;
    if (lseek(r->fd, HD_BLOB_ENV_HEAD, SEEK_SET) < 0) {
        hd_error_set(err, HD_E_IO, "seeking %s: %s", r->path,
                     strerror(errno));
        return -1;
    }
    return open_sealed_file(r, key_path, id_hex, err);
}

static int open_file(const char *blobs_dir, const char *sha256,
                     struct hd_blob_reader *r, struct hd_error *err)
{
    struct stat sb;
    r->path = hd_xmalloc(BLOB_PATH_MAX);
    snprintf(r->path, BLOB_PATH_MAX, "%s/%.2s/%s", blobs_dir, sha256,
             sha256 + 2);
    r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0 && errno == ENOENT)
        return 0;
    if (r->fd < 0 || fstat(r->fd, &sb) < 0) {
        hd_error_set(err, HD_E_IO, "cannot read blob %s: %s", r->path,
                     strerror(errno));
        return -1;
    }
    r->size = sb.st_size;
    return 1;
}

int hd_blob_open(struct hd_store *st, const char *blobs_dir,
                 const char *sha256, struct hd_blob_reader **r_r,
                 struct hd_error *err)
{
    struct hd_blob_reader *r = hd_xcalloc(1, sizeof *r);
    char key_path[HD_BLOB_KEY_PATH_MAX];
    size_t n = 0;
    r->fd = -1;
    r->check_name = true;
    *r_r = NULL;
    hd_assert(strlen(sha256) == 64);
    memcpy(r->name, sha256, 65);
    int f = st == NULL ? 0
                       : hd_store_blob_get_inline(st, sha256, &r->data, &n,
                                                  err);
    if (f == 1)
        r->size = (int64_t)n;
    else if (f == 0)
        f = open_file(blobs_dir, sha256, r, err);
    hd_blob_key_path(blobs_dir, key_path);
    if (f == 1 && unseal(r, key_path, err) < 0)
        f = -1;
    if (f == 1)
        *r_r = r;
    else
        hd_blob_reader_close(&r);
    return f;
}

int64_t hd_blob_reader_size(const struct hd_blob_reader *r)
{
    return r->size;
}

const char *hd_blob_reader_path(const struct hd_blob_reader *r)
{
    return r->data != NULL ? NULL : r->path;
}

/* Opens the next chunk of a sealed file into r->plain; at the end checks
 * the plaintext's hash against the name. */
static int next_chunk(struct hd_blob_reader *r, struct hd_error *err)
{
    size_t before = r->plain.len;
    if (r->plain_pos == r->plain.len) {
        hd_buf_reset(&r->plain);
        r->plain_pos = before = 0;
    }
    ssize_t k;
    do
        k = read(r->fd, r->sealed, HD_CRYPT_CHUNK + HD_CRYPT_TAG_LEN);
    while (k < 0 && errno == EINTR);
    if (k < 0) {
        hd_error_set(err, HD_E_IO, "reading %s: %s", r->path,
                     strerror(errno));
        return -1;
    }
    int rc = k > 0 ? hd_crypt_opener_push(r->opener, r->sealed, (size_t)k,
                                          &r->plain, err)
                   : hd_crypt_opener_finish(r->opener, &r->plain, err);
    if (rc < 0) {
        /* Say which file: the operator has to find it. */
        struct hd_error e2 = *err;
        hd_error_set(err, e2.code, "blob file %s: %s", r->path, e2.msg);
        return -1;
    }
    EVP_DigestUpdate(r->md, r->plain.data + before, r->plain.len - before);
    r->emitted += (int64_t)(r->plain.len - before);
    if (r->emitted > r->size) {
        hd_error_set(err, HD_E_CRYPTO, "blob file %s holds more than its "
                     "length says", r->path);
        return -1;
    }
    if (k > 0)
        return 0;
    r->done = true;
    unsigned char d[32];
    unsigned int dl = 0;
    char got[65], what[96];
    EVP_DigestFinal_ex(r->md, d, &dl);
    hd_hex_encode(d, 32, got, sizeof got);
    snprintf(what, sizeof what, "blob file %s", r->path);
    return r->check_name && strcmp(got, r->name) != 0
               ? name_mismatch(r->name, what, err)
               : 0;
}

static int read_sealed(struct hd_blob_reader *r, void *buf, size_t cap,
                       size_t *n_r, struct hd_error *err)
{
    /* Once every byte is out, read on to the final chunk: the end is
     * authenticated and the name checked before the last bytes go. */
    while (!r->done &&
           (r->plain_pos == r->plain.len || r->emitted == r->size))
        if (next_chunk(r, err) < 0)
            return -1;
    size_t left = r->plain.len - r->plain_pos;
    *n_r = left < cap ? left : cap;
    memcpy(buf, r->plain.data + r->plain_pos, *n_r);
    r->plain_pos += *n_r;
    return 0;
}

int hd_blob_reader_read(struct hd_blob_reader *r, void *buf, size_t cap,
                        size_t *n_r, struct hd_error *err)
{
    if (r->opener != NULL)
        return read_sealed(r, buf, cap, n_r, err);
    if (r->data != NULL) {
        size_t left = (size_t)r->size - r->pos;
        *n_r = left < cap ? left : cap;
        memcpy(buf, r->data + r->pos, *n_r);
        r->pos += *n_r;
        return 0;
    }
    for (;;) {
        ssize_t k = read(r->fd, buf, cap);
        if (k >= 0) {
            *n_r = (size_t)k;
            return 0;
        }
        if (errno != EINTR) {
            hd_error_set(err, HD_E_IO, "reading %s: %s", r->path,
                         strerror(errno));
            return -1;
        }
    }
}

void hd_blob_reader_close(struct hd_blob_reader **rp)
{
    struct hd_blob_reader *r = *rp;
    if (r == NULL)
        return;
    if (r->fd >= 0)
        close(r->fd);
    if (r->opener != NULL) {
        hd_crypt_opener_free(&r->opener);
        if (r->plain.data != NULL) /* nothing read yet: no buffer */
            hd_memzero_explicit(r->plain.data, r->plain.len);
        hd_buf_deinit(&r->plain);
        EVP_MD_CTX_free(r->md);
        free(r->sealed);
    }
    free(r->data);
    free(r->path);
    free(r);
    *rp = NULL;
}

/* Reads the rest of r into buf[0..len); 0, or -1 on a short read. */
static int read_exact(struct hd_blob_reader *r, char *buf, size_t len,
                      struct hd_error *err)
{
    size_t got = 0, k = 1;
    while (got < len && k > 0) {
        if (hd_blob_reader_read(r, buf + got, len - got, &k, err) < 0)
            return -1;
        got += k;
    }
    if (got < len) {
        hd_error_set(err, HD_E_IO, "short read of blob %s",
                     r->path ? r->path : "(inline)");
        return -1;
    }
    return 0;
}

int hd_blob_read(struct hd_store *st, const char *blobs_dir,
                 const char *sha256, size_t max, char **data_r,
                 size_t *len_r, struct hd_error *err)
{
    struct hd_blob_reader *r;
    *data_r = NULL;
    int f = hd_blob_open(st, blobs_dir, sha256, &r, err);
    if (f <= 0)
        return f;
    *len_r = (size_t)r->size;
    if (r->data != NULL && *len_r <= max) { /* already in memory */
        *data_r = r->data;
        r->data = NULL;
    } else if (*len_r <= max) {
        char *buf = hd_xmalloc(*len_r + 1);
        if (read_exact(r, buf, *len_r, err) < 0) {
            free(buf);
            f = -1;
        } else {
            buf[*len_r] = '\0';
            *data_r = buf;
        }
    } else {
        f = 2;
    }
    hd_blob_reader_close(&r);
    return f;
}

/* Hashes what r hands out; 0 or -1. */
static int hash_reader(struct hd_blob_reader *r, char got_r[65],
                       int64_t *size_r, struct hd_error *err)
{
    int f = 0;
    r->check_name = false; /* the caller compares got_r itself */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    hd_assert(md != NULL);
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    char *buf = hd_xmalloc(BLOB_READ_CHUNK);
    size_t k = 1;
    int64_t total = 0;
    while (k > 0) {
        if (hd_blob_reader_read(r, buf, BLOB_READ_CHUNK, &k, err) < 0) {
            f = -1;
            break;
        }
        EVP_DigestUpdate(md, buf, k);
        total += (int64_t)k;
    }
    unsigned char d[32];
    unsigned int dl = 0;
    EVP_DigestFinal_ex(md, d, &dl);
    hd_hex_encode(d, 32, got_r, 65);
    *size_r = total;
    EVP_MD_CTX_free(md);
    free(buf);
    return f;
}

int hd_blob_check(struct hd_store *st, const char *blobs_dir,
                  const char *sha256, char got_r[65], int64_t *size_r,
                  struct hd_error *err)
{
    struct hd_blob_reader *r;
    int f = hd_blob_open(st, blobs_dir, sha256, &r, err);
    if (f <= 0)
        return f;
    f = hash_reader(r, got_r, size_r, err) < 0 ? -1 : 1;
    hd_blob_reader_close(&r);
    return f;
}

int hd_blob_file_hash(const char *path, const char *key_path, char got_r[65],
                      int64_t *size_r, struct hd_error *err)
{
    struct hd_blob_reader *r = hd_xcalloc(1, sizeof *r);
    struct stat sb;
    int rc = -1;
    r->path = hd_xstrdup(path);
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0 || fstat(r->fd, &sb) < 0) {
        hd_error_set(err, errno == ENOENT ? HD_E_NOTFOUND : HD_E_IO,
                     "cannot read %s: %s", path, strerror(errno));
        goto out;
    }
    r->size = sb.st_size;
    if (unseal(r, key_path, err) == 0)
        rc = hash_reader(r, got_r, size_r, err);
out:
    hd_blob_reader_close(&r);
    return rc;
}

int hd_blob_sealed(struct hd_store *st, const char *blobs_dir,
                   const char *sha256, char key_id_r[17],
                   struct hd_error *err)
{
    char *data = NULL, path[BLOB_PATH_MAX];
    uint8_t head[HD_BLOB_ENV_HEAD];
    size_t n = 0;
    int f = st == NULL ? 0
                       : hd_store_blob_get_inline(st, sha256, &data, &n, err);
    if (f == 1) {
        f = hd_blob_env_parse(data, n, key_id_r);
        free(data);
        return f;
    }
    if (f < 0)
        return -1;
    snprintf(path, sizeof path, "%s/%.2s/%s", blobs_dir, sha256, sha256 + 2);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t k = fd < 0 ? -1 : pread(fd, head, sizeof head, 0);
    if (k < 0) {
        hd_error_set(err, errno == ENOENT ? HD_E_NOTFOUND : HD_E_IO,
                     "cannot read blob %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return hd_blob_env_parse(head, (size_t)k, key_id_r);
}

int hd_blob_remove_file(const char *blobs_dir, const char *sha256)
{
    char path[BLOB_PATH_MAX];
    snprintf(path, sizeof path, "%s/%.2s/%s", blobs_dir, sha256, sha256 + 2);
    return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}
