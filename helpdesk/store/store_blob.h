/* store_blob.h - the blob table's SQL for the two-tier blob store
 * (blob.h): a row per blob, its bytes in the row (inline) or in a file
 * (data NULL), and secure_delete for erasure.  blob.c, erase.c and the
 * tests use this; everything else reads and writes blobs through blob.h. */
#ifndef HD_STORE_BLOB_H
#define HD_STORE_BLOB_H

#include "hd.h"
#include "store.h"

/* What the table knows of sha256: returns 1 with *size_r and *inline_r
 * (bytes in the row), 0 when there is no row, -1. */
HD_NODISCARD int hd_store_blob_state(struct hd_store *st, const char *sha256,
                                     int64_t *size_r, bool *inline_r,
                                     struct hd_error *err);
/* Stores p[0..n) as the inline bytes of sha256 (size: the blob's own
 * bytes, fewer than n when p is sealed, blob_key.h): a new row, or the
 * bytes of an existing row that has none (an imported or restored row). */
HD_NODISCARD int hd_store_blob_put_inline(struct hd_store *st,
                                          const char *sha256, int64_t size,
                                          const void *p, size_t n,
                                          struct hd_error *err);
/* Replaces the inline bytes of sha256 by p[0..n) (n > 0), the same blob
 * sealed (helpdesk blobs encrypt); a file blob's row is left alone. */
HD_NODISCARD int hd_store_blob_reseal_inline(struct hd_store *st,
                                             const char *sha256,
                                             const void *p, size_t n,
                                             struct hd_error *err);
/* Copies the inline bytes of sha256 to a heap buffer (caller frees; one
 * extra NUL byte after them).  Returns 1, 0 when the blob has no inline
 * bytes (no row, or a file blob), -1. */
HD_NODISCARD int hd_store_blob_get_inline(struct hd_store *st,
                                          const char *sha256, char **data_r,
                                          size_t *n_r, struct hd_error *err);
/* Counts inline blobs: all (*total_r), those whose bytes start with
 * head[0..head_len) (*head_r) and those starting with magic (*magic_r),
 * in one pass over the table (atrest.c: sealed under which key). */
HD_NODISCARD int hd_store_blob_inline_heads(struct hd_store *st,
                                            const void *head, size_t head_len,
                                            const void *magic,
                                            size_t magic_len,
                                            int64_t *total_r, int64_t *head_r,
                                            int64_t *magic_r,
                                            struct hd_error *err);
/* Overwrites freed database content with zeros from now on (PRAGMA
 * secure_delete) for erasure; off again with on = false. */
HD_NODISCARD int hd_store_secure_delete(struct hd_store *st, bool on,
                                        struct hd_error *err);

#endif
