/* blob.c - see blob.h. */
#include "blob.h"
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
    struct hd_buf mem;   /* the bytes of a blob that may stay inline */
    EVP_MD_CTX *md;
    int64_t size;
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

int hd_blob_writer_open(struct hd_store *st, const char *blobs_dir,
                        struct hd_blob_writer **w_r, struct hd_error *err)
{
    struct hd_blob_writer *w = hd_xcalloc(1, sizeof *w);
    w->st = st;
    w->dir = hd_xstrdup(blobs_dir);
    w->fd = -1;
    hd_buf_init(&w->mem, HD_BLOB_INLINE_MAX);
    if (st == NULL && spill(w, err) < 0) {
        hd_blob_writer_abort(&w);
        return -1;
    }
    w->md = EVP_MD_CTX_new();
    hd_assert(w->md != NULL);
    EVP_DigestInit_ex(w->md, EVP_sha256(), NULL);
    *w_r = w;
    return 0;
}

int hd_blob_writer_append(struct hd_blob_writer *w, const void *p, size_t n,
                          struct hd_error *err)
{
    EVP_DigestUpdate(w->md, p, n);
    w->size += (int64_t)n;
    if (w->fd < 0 && w->mem.len + n <= HD_BLOB_INLINE_MAX)
        return hd_buf_append(&w->mem, p, n, err);
    if (w->fd < 0 && spill(w, err) < 0)
        return -1;
    return write_all(w, p, n, err);
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
    int have = w->st != NULL ? already_stored(w, sha256_r, err) : 0;
    if (have < 0)
        rc = -1;
    else if (have == 0 && w->fd < 0)
        rc = hd_store_blob_put_inline(w->st, sha256_r, w->mem.data,
                                      w->mem.len, err);
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
