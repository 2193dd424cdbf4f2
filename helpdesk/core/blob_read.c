/* blob_read.c - reading blobs of either tier (blob.h). */
#include "blob.h"
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
    char *data;   /* inline bytes (heap), NULL for a file blob */
    size_t pos;
    int fd;       /* file blob, -1 inline */
    char *path;
    int64_t size;
};

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
    size_t n = 0;
    r->fd = -1;
    *r_r = NULL;
    hd_assert(strlen(sha256) == 64);
    int f = hd_store_blob_get_inline(st, sha256, &r->data, &n, err);
    if (f == 1)
        r->size = (int64_t)n;
    else if (f == 0)
        f = open_file(blobs_dir, sha256, r, err);
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

int hd_blob_reader_read(struct hd_blob_reader *r, void *buf, size_t cap,
                        size_t *n_r, struct hd_error *err)
{
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

int hd_blob_check(struct hd_store *st, const char *blobs_dir,
                  const char *sha256, char got_r[65], int64_t *size_r,
                  struct hd_error *err)
{
    struct hd_blob_reader *r;
    int f = hd_blob_open(st, blobs_dir, sha256, &r, err);
    if (f <= 0)
        return f;
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
    hd_blob_reader_close(&r);
    return f;
}

int hd_blob_remove_file(const char *blobs_dir, const char *sha256)
{
    char path[BLOB_PATH_MAX];
    snprintf(path, sizeof path, "%s/%.2s/%s", blobs_dir, sha256, sha256 + 2);
    return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}
