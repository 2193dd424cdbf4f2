/* blob.c - see blob.h. */
#include "blob.h"
#include "codec.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool durable = true;

void hd_blob_set_durable(bool on)
{
    durable = on;
}

void hd_blob_sync_all(void)
{
    sync();
}

struct hd_blob_writer {
    char *dir;
    char tmp[4096];
    int fd;
    EVP_MD_CTX *md;
    int64_t size;
};

static enum hd_errcode io_code(int e)
{
    return (e == ENOSPC || e == EDQUOT) ? HD_E_NOSPACE : HD_E_TEMP;
}

char *hd_blob_path(const char *blobs_dir, const char *sha256)
{
    size_t n = strlen(blobs_dir) + 70;
    char *p = hd_xmalloc(n);
    snprintf(p, n, "%s/%.2s/%s", blobs_dir, sha256, sha256 + 2);
    return p;
}

int hd_blob_writer_open(const char *blobs_dir, struct hd_blob_writer **w_r,
                        struct hd_error *err)
{
    struct hd_blob_writer *w = hd_xcalloc(1, sizeof *w);
    w->dir = hd_xstrdup(blobs_dir);
    snprintf(w->tmp, sizeof w->tmp, "%s/tmp.XXXXXX", blobs_dir);
    w->fd = mkostemp(w->tmp, O_CLOEXEC);
    if (w->fd < 0) {
        hd_error_set(err, io_code(errno), "cannot create a file in %s: %s",
                     blobs_dir, strerror(errno));
        free(w->dir);
        free(w);
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
    const char *c = p;
    EVP_DigestUpdate(w->md, p, n);
    w->size += (int64_t)n;
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

void hd_blob_writer_abort(struct hd_blob_writer **wp)
{
    struct hd_blob_writer *w = *wp;
    if (w == NULL)
        return;
    if (w->fd >= 0) {
        close(w->fd);
        unlink(w->tmp);
    }
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

int hd_blob_writer_commit(struct hd_blob_writer **wp, char sha256_r[65],
                          int64_t *size_r, struct hd_error *err)
{
    struct hd_blob_writer *w = *wp;
    unsigned char d[32];
    unsigned int dl = 0;
    int rc = -1;
    char *path = NULL, sub[4200];
    EVP_DigestFinal_ex(w->md, d, &dl);
    hd_hex_encode(d, 32, sha256_r, 65);
    if (durable && fsync(w->fd) < 0) {
        hd_error_set(err, io_code(errno), "fsync %s: %s", w->tmp,
                     strerror(errno));
        goto out;
    }
    close(w->fd);
    w->fd = -1;
    snprintf(sub, sizeof sub, "%s/%.2s", w->dir, sha256_r);
    bool new_sub = mkdir(sub, 0750) == 0;
    if (!new_sub && errno != EEXIST) {
        hd_error_set(err, io_code(errno), "mkdir %s: %s", sub,
                     strerror(errno));
        goto out;
    }
    path = hd_blob_path(w->dir, sha256_r);
    if (rename(w->tmp, path) < 0) {
        hd_error_set(err, io_code(errno), "rename to %s: %s", path,
                     strerror(errno));
        goto out;
    }
    /* The new name lives in sub/; blobs/ itself changed durably only if
     * sub/ was created just now (the tmp name leaving it needs no sync). */
    if (durable && (fsync_dir(sub, err) < 0 ||
                    (new_sub && fsync_dir(w->dir, err) < 0)))
        goto out;
    if (size_r != NULL)
        *size_r = w->size;
    rc = 0;
out:
    if (rc < 0 && w->fd < 0)
        unlink(w->tmp);
    free(path);
    hd_blob_writer_abort(wp);
    return rc;
}

int hd_blob_put(const char *blobs_dir, const void *p, size_t n,
                char sha256_r[65], struct hd_error *err)
{
    struct hd_blob_writer *w;
    if (hd_blob_writer_open(blobs_dir, &w, err) < 0)
        return -1;
    if (hd_blob_writer_append(w, p, n, err) < 0) {
        hd_blob_writer_abort(&w);
        return -1;
    }
    return hd_blob_writer_commit(&w, sha256_r, NULL, err);
}
