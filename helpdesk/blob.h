/* blob.h - the content-addressed file store under DIR/blobs: raw
 * messages and attachments, named by the SHA-256 of their bytes, so a
 * file shared by many tickets is kept once and any bit flip is
 * detectable.  Writes are durable before they return: temp file, fsync,
 * rename, fsync of the directory.  The database row (hd_store_blob_add)
 * is the caller's business. */
#ifndef HD_BLOB_H
#define HD_BLOB_H

#include "hd.h"

struct hd_blob_writer;

/* Starts a blob under blobs_dir (DIR/blobs).  Bytes are hashed as they
 * are appended; nothing is visible until commit. */
HD_NODISCARD int hd_blob_writer_open(const char *blobs_dir,
                                     struct hd_blob_writer **w_r,
                                     struct hd_error *err);
HD_NODISCARD int hd_blob_writer_append(struct hd_blob_writer *w,
                                       const void *p, size_t n,
                                       struct hd_error *err);
/* Makes the blob durable under its hash (an existing identical blob is
 * kept) and frees w.  sha256_r gets 64 hex digits + NUL. */
HD_NODISCARD int hd_blob_writer_commit(struct hd_blob_writer **w,
                                       char sha256_r[65], int64_t *size_r,
                                       struct hd_error *err);
/* Drops an unfinished blob and frees w (NULL is fine). */
void hd_blob_writer_abort(struct hd_blob_writer **w);

/* One-shot: writes p[0..n) and returns its hash. */
HD_NODISCARD int hd_blob_put(const char *blobs_dir, const void *p, size_t n,
                             char sha256_r[65], struct hd_error *err);
/* Bulk imports may skip the per-file fsync and sync once at the end
 * (hd_blob_sync_all); the default is durable. */
void hd_blob_set_durable(bool durable);
void hd_blob_sync_all(void);
/* Path of a blob (caller frees). */
char *hd_blob_path(const char *blobs_dir, const char *sha256);

#endif
