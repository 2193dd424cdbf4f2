/* blob.c - see blob.h. */
#include "blob.h"
#include "blob_key.h"
#include "buf.h"
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

/* DIR/blobs/ab/<62 hex> fits with any sane data directory. */
#define BLOB_PATH_MAX 4096
/* What sealing adds to an inline blob: envelope, HDENC1 header, a tag per
 * chunk (blob_key.h); rounded up. */
#define BLOB_SEAL_SLACK ((size_t)4096)
/* Sealed output of one push of at most HD_CRYPT_CHUNK plaintext bytes. */
#define BLOB_OUT_MAX (2 * (size_t)HD_CRYPT_CHUNK + BLOB_SEAL_SLACK)

static bool durable = true;
static size_t unsynced; /* file blobs written while not durable */

void hd_blob_set_durable(bool on)
{
    durable = on;
}

void hd_blob_sync_all(void)
{
    /* Inline blobs are made durable by their transaction's commit. */
    if (unsynced > 0)
        sync();
    unsynced = 0;
}

struct hd_blob_writer {
    struct hd_store *st; /* NULL: file only, no row */
    char *dir;
    char tmp[BLOB_PATH_MAX];
    int fd;              /* -1 while the bytes fit in mem */
    struct hd_buf mem;   /* stored bytes of a blob that may stay inline */
    EVP_MD_CTX *md;      /* SHA-256 of the plaintext: the blob's name */
    int64_t size;        /* plaintext bytes */
    struct hd_crypt_sealer *sealer; /* NULL: stored as plaintext */
    struct hd_buf out;   /* sealed bytes of one push */
};

static enum hd_errcode io_code(int e)
{
    return (e == ENOSPC || e == EDQUOT) ? HD_E_NOSPACE : HD_E_TEMP;
}

static void file_path(const char *blobs_dir, const char *sha256, char *out,
                      size_t cap)
{
    snprintf(out, cap, "%s/%.2s/%s", blobs_dir, sha256, sha256 + 2);
}

static int write_all(struct hd_blob_writer *w, const void *p, size_t n,
                     struct hd_error *err)
{
    const char *c = p;
    while (n > 0) {
        ssize_t k = write(w->fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            hd_error_set(err, io_code(errno), "writing %s: %s", w->tmp,
                         strerror(errno));
            return -1;
        }
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Moves the blob from memory to a temporary file in the blob directory. */
static int spill(struct hd_blob_writer *w, struct hd_error *err)
{
    snprintf(w->tmp, sizeof w->tmp, "%s/tmp.XXXXXX", w->dir);
    w->fd = mkostemp(w->tmp, O_CLOEXEC);
    if (w->fd < 0) {
        hd_error_set(err, io_code(errno), "cannot create a file in %s: %s",
                     w->dir, strerror(errno));
        return -1;
    }
    int rc = write_all(w, w->mem.data, w->mem.len, err);
    hd_buf_deinit(&w->mem);
    return rc;
}

/* Stores bytes: in memory while the blob may stay inline, else in the
 * temporary file. */
static int emit(struct hd_blob_writer *w, const void *p, size_t n,
                struct hd_error *err)
{
    return w->fd < 0 ? hd_buf_append(&w->mem, p, n, err)
                     : write_all(w, p, n, err);
}

/* Starts sealing under the data key (made now if the instance has none)
 * with the envelope as the first stored bytes. */
static int seal_start(struct hd_blob_writer *w, struct hd_error *err)
{
    struct hd_blob_key k;
    char path[HD_BLOB_KEY_PATH_MAX], aad[HD_BLOB_AAD_SIZE];
    uint8_t head[HD_BLOB_ENV_HEAD];
    hd_blob_key_path(w->dir, path);
    int rc = hd_blob_key_load(path, true, &k, err) < 0 ? -1 : 0;
    if (rc == 0) {
        hd_blob_env_head(&k, head);
        hd_blob_env_aad(k.id_hex, aad);
        rc = hd_crypt_sealer_new(k.key, aad, &w->sealer, err);
    }
    hd_blob_key_wipe(&k);
    if (rc == 0)
        rc = emit(w, head, sizeof head, err);
    return rc;
}

int hd_blob_writer_open(struct hd_store *st, const char *blobs_dir,
                        struct hd_blob_writer **w_r, struct hd_error *err)
{
    struct hd_blob_writer *w = hd_xcalloc(1, sizeof *w);
    w->st = st;
    w->dir = hd_xstrdup(blobs_dir);
    w->fd = -1;
    hd_buf_init(&w->mem, HD_BLOB_INLINE_MAX + BLOB_SEAL_SLACK);
    hd_buf_init(&w->out, BLOB_OUT_MAX);
    w->md = EVP_MD_CTX_new();
    hd_assert(w->md != NULL);
    EVP_DigestInit_ex(w->md, EVP_sha256(), NULL);
    if ((st == NULL && spill(w, err) < 0) ||
        (hd_blob_encrypting() && seal_start(w, err) < 0)) {
        hd_blob_writer_abort(&w);
        return -1;
    }
    *w_r = w;
    return 0;
}

/* Seals p[0..n) (n <= HD_CRYPT_CHUNK) and stores what comes out. */
static int seal_piece(struct hd_blob_writer *w, const char *p, size_t n,
                      struct hd_error *err)
{
    hd_buf_reset(&w->out);
    if (hd_crypt_sealer_push(w->sealer, p, n, &w->out, err) < 0)
        return -1;
    return emit(w, w->out.data, w->out.len, err);
}

int hd_blob_writer_append(struct hd_blob_writer *w, const void *p, size_t n,
                          struct hd_error *err)
{
    EVP_DigestUpdate(w->md, p, n);
    /* The tier follows the plaintext size, sealed or not. */
    bool fits = w->fd < 0 && (size_t)w->size + n <= HD_BLOB_INLINE_MAX;
    w->size += (int64_t)n;
    if (!fits && w->fd < 0 && spill(w, err) < 0)
        return -1;
    if (w->sealer == NULL)
        return emit(w, p, n, err);
    const char *c = p;
    while (n > 0) {
        size_t k = n < HD_CRYPT_CHUNK ? n : HD_CRYPT_CHUNK;
        if (seal_piece(w, c, k, err) < 0)
            return -1;
        c += k;
        n -= k;
    }
    return 0;
}

int64_t hd_blob_writer_size(const struct hd_blob_writer *w)
{
    return w->size;
}

void hd_blob_writer_bind(struct hd_blob_writer *w, struct hd_store *st)
{
    w->st = st;
}

void hd_blob_writer_abort(struct hd_blob_writer **wp)
{
    struct hd_blob_writer *w = *wp;
    if (w == NULL)
        return;
    if (w->fd >= 0) {
        close(w->fd);
        unlink(w->tmp);
    }
    hd_buf_deinit(&w->mem);
    hd_buf_deinit(&w->out);
    hd_crypt_sealer_free(&w->sealer);
    EVP_MD_CTX_free(w->md);
    free(w->dir);
    free(w);
    *wp = NULL;
}

static int fsync_dir(const char *dir, struct hd_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) < 0) {
        hd_error_set(err, io_code(errno), "fsync %s: %s", dir,
                     strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* Renames the finished temp file to its name and makes it durable. */
static int commit_file(struct hd_blob_writer *w, const char *sha,
                       struct hd_error *err)
{
    char sub[BLOB_PATH_MAX], path[BLOB_PATH_MAX];
    if (durable && fsync(w->fd) < 0) {
        hd_error_set(err, io_code(errno), "fsync %s: %s", w->tmp,
                     strerror(errno));
        return -1;
    }
    close(w->fd);
    w->fd = -1;
    unsynced += !durable;
    snprintf(sub, sizeof sub, "%s/%.2s", w->dir, sha);
    bool new_sub = mkdir(sub, 0750) == 0;
    if (!new_sub && errno != EEXIST) {
        hd_error_set(err, io_code(errno), "mkdir %s: %s", sub,
                     strerror(errno));
        unlink(w->tmp);
        return -1;
    }
    file_path(w->dir, sha, path, sizeof path);
    if (rename(w->tmp, path) < 0) {
        hd_error_set(err, io_code(errno), "rename to %s: %s", path,
                     strerror(errno));
        unlink(w->tmp);
        return -1;
    }
    /* The new name lives in sub/; blobs/ itself changed durably only if
     * sub/ was created just now (the tmp name leaving it needs no sync). */
    if (durable && (fsync_dir(sub, err) < 0 ||
                    (new_sub && fsync_dir(w->dir, err) < 0)))
        return -1;
    return 0;
}

/* 1 when sha is already stored in either tier, 0 when not, -1. */
static int already_stored(struct hd_blob_writer *w, const char *sha,
                          struct hd_error *err)
{
    int64_t size;
    bool in_row;
    char path[BLOB_PATH_MAX];
    int f = hd_store_blob_state(w->st, sha, &size, &in_row, err);
    if (f <= 0)
        return f;
    file_path(w->dir, sha, path, sizeof path);
    return in_row || access(path, F_OK) == 0;
}

int hd_blob_writer_commit(struct hd_blob_writer **wp, char sha256_r[65],
                          int64_t *size_r, struct hd_error *err)
{
    struct hd_blob_writer *w = *wp;
    unsigned char d[32];
    unsigned int dl = 0;
    int rc = 0;
    EVP_DigestFinal_ex(w->md, d, &dl);
    hd_hex_encode(d, 32, sha256_r, 65);
    if (w->sealer != NULL) {
        hd_buf_reset(&w->out);
        if (hd_crypt_sealer_finish(w->sealer, &w->out, err) < 0 ||
            emit(w, w->out.data, w->out.len, err) < 0) {
            hd_blob_writer_abort(wp);
            return -1;
        }
    }
    int have = w->st != NULL ? already_stored(w, sha256_r, err) : 0;
    if (have < 0)
        rc = -1;
    else if (have == 0 && w->fd < 0)
        rc = hd_store_blob_put_inline(w->st, sha256_r, w->size,
                                      w->mem.data, w->mem.len, err);
    else if (have == 0)
        rc = commit_file(w, sha256_r, err) < 0 ||
                     (w->st != NULL &&
                      hd_store_blob_add(w->st, sha256_r, w->size, err) < 0)
                 ? -1
                 : 0;
    if (rc == 0 && size_r != NULL)
        *size_r = w->size;
    hd_blob_writer_abort(wp);
    return rc;
}

int hd_blob_put(struct hd_store *st, const char *blobs_dir, const void *p,
                size_t n, char sha256_r[65], struct hd_error *err)
{
    struct hd_blob_writer *w;
    if (hd_blob_writer_open(st, blobs_dir, &w, err) < 0)
        return -1;
    if (hd_blob_writer_append(w, p, n, err) < 0) {
        hd_blob_writer_abort(&w);
        return -1;
    }
    return hd_blob_writer_commit(&w, sha256_r, NULL, err);
}

/* Seals the plaintext inline bytes of sha256 and rewrites its row. */
static int seal_inline(struct hd_store *st, const char *blobs_dir,
                       const char *sha256, struct hd_error *err)
{
    struct hd_blob_writer *w;
    char *data = NULL;
    size_t len = 0;
    int f = hd_blob_read(st, blobs_dir, sha256, HD_BLOB_INLINE_MAX, &data,
                         &len, err);
    if (f != 1) {
        if (f >= 0)
            hd_error_set(err, HD_E_NOTFOUND, "blob %.16s... vanished",
                         sha256);
        free(data);
        return -1;
    }
    /* A writer without a store keeps the sealed bytes in memory only
     * while they fit, so seal here with the writer's pieces instead. */
    w = hd_xcalloc(1, sizeof *w);
    w->dir = hd_xstrdup(blobs_dir);
    w->fd = -1;
    hd_buf_init(&w->mem, HD_BLOB_INLINE_MAX + BLOB_SEAL_SLACK);
    hd_buf_init(&w->out, BLOB_OUT_MAX);
    w->md = EVP_MD_CTX_new();
    hd_assert(w->md != NULL);
    int rc = seal_start(w, err);
    for (size_t off = 0; rc == 0 && off < len; off += HD_CRYPT_CHUNK)
        rc = seal_piece(w, data + off,
                        len - off < HD_CRYPT_CHUNK ? len - off
                                                   : HD_CRYPT_CHUNK,
                        err);
    if (rc == 0) {
        hd_buf_reset(&w->out);
        rc = hd_crypt_sealer_finish(w->sealer, &w->out, err) < 0 ||
                     emit(w, w->out.data, w->out.len, err) < 0
                 ? -1
                 : 0;
    }
    if (rc == 0 && (rc = hd_store_begin(st, err)) == 0) {
        rc = hd_store_blob_reseal_inline(st, sha256, w->mem.data, w->mem.len,
                                         err);
        rc = rc == 0 ? hd_store_commit(st, err) : (hd_store_rollback(st), -1);
    }
    hd_memzero_explicit(data, len);
    free(data);
    hd_blob_writer_abort(&w);
    return rc;
}

/* Seals a plaintext file blob into a new file renamed over it. */
static int seal_file(const char *blobs_dir, const char *sha256,
                     struct hd_error *err)
{
    struct hd_blob_reader *r = NULL;
    struct hd_blob_writer *w = NULL;
    char got[65], *buf = hd_xmalloc(HD_CRYPT_CHUNK);
    size_t k = 1;
    int rc = hd_blob_open(NULL, blobs_dir, sha256, &r, err) == 1 ? 0 : -1;
    if (rc == 0)
        rc = hd_blob_writer_open(NULL, blobs_dir, &w, err);
    while (rc == 0 && k > 0) {
        rc = hd_blob_reader_read(r, buf, HD_CRYPT_CHUNK, &k, err);
        if (rc == 0 && k > 0)
            rc = hd_blob_writer_append(w, buf, k, err);
    }
    /* The name was checked before; a change since would rename the new
     * file elsewhere, never over this one. */
    if (rc == 0)
        rc = hd_blob_writer_commit(&w, got, NULL, err);
    if (rc == 0 && strcmp(got, sha256) != 0) {
        hd_error_set(err, HD_E_IO, "blob %.16s... changed while being "
                     "sealed", sha256);
        rc = -1;
    }
    hd_blob_writer_abort(&w);
    hd_blob_reader_close(&r);
    free(buf);
    return rc;
}

int hd_blob_seal(struct hd_store *st, const char *blobs_dir,
                 const char *sha256, struct hd_error *err)
{
    char id[17], got[65];
    int64_t size, row_size;
    bool in_row = false;
    int f = hd_blob_sealed(st, blobs_dir, sha256, id, err);
    if (f != 0)
        return f < 0 ? -1 : 0;
    if (!hd_blob_encrypting()) {
        hd_error_set(err, HD_E_CONFIG, "blob.encrypt is false: set it to "
                     "true before sealing stored blobs");
        return -1;
    }
    if (hd_blob_check(st, blobs_dir, sha256, got, &size, err) < 0)
        return -1;
    if (strcmp(got, sha256) != 0) {
        hd_error_set(err, HD_E_IO, "blob %.16s... is damaged (its bytes hash "
                     "to %.16s...): left as it is, run helpdesk verify",
                     sha256, got);
        return -1;
    }
    if (hd_store_blob_state(st, sha256, &row_size, &in_row, err) < 0)
        return -1;
    if ((in_row ? seal_inline(st, blobs_dir, sha256, err)
                : seal_file(blobs_dir, sha256, err)) < 0)
        return -1;
    return 1;
}
