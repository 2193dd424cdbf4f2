/* blob.h - the content-addressed store of raw messages and attachments,
 * named by the SHA-256 of their bytes, so a blob shared by many tickets is
 * kept once and any bit flip is detectable.  Two tiers behind one API:
 *
 *  - inline: a blob of at most HD_BLOB_INLINE_MAX bytes keeps its bytes in
 *    its row of the blob table, written in the caller's transaction, so
 *    the commit that records a message also makes its bytes durable;
 *  - file: bigger blobs (and every blob stored before schema 0014) are
 *    files DIR/blobs/ab/<rest of the hash>, made durable before the
 *    commit returns: temp file, fsync, rename, fsync of the bucket.
 *
 * A blob already stored in either tier is not written again.  Readers use
 * hd_blob_open()/hd_blob_read() and never build blob paths themselves.
 *
 * At rest, both tiers hold a blob sealed under the instance's data key
 * (AES-256-GCM, blob_key.h; blob.encrypt = false stores plaintext) while
 * its name stays the SHA-256 of the plaintext, so identical attachments
 * are still kept once.  Readers hand out plaintext and serve the
 * plaintext blobs of older versions too; hd_blob_seal() converts those.
 * A sealed blob that fails authentication is an HD_E_CRYPTO error, never
 * bytes. */
#ifndef HD_BLOB_H
#define HD_BLOB_H

#include "hd.h"
#include "store.h"

/* Blobs up to this size live in the database.  A file blob costs an
 * inode, a rename and two or three syncs (measured with
 * bench/mail_bench.sh; the round is in the history of bench/); a row
 * costs only its pages in the WAL commit the message needs anyway.  Every
 * message of the benchmark corpus (2-30 KB attachments) and most real
 * support mail (text, a signature image, a small PDF) fits, so the usual
 * delivery creates no file; big attachments stay files so the database,
 * its page cache and every backup's database part do not grow with them
 * (file blobs are shared between backup generations, the database is
 * not). */
#define HD_BLOB_INLINE_MAX ((size_t)256 * 1024)

struct hd_blob_writer;

/* Starts a blob.  With a store, a blob that ends up at most
 * HD_BLOB_INLINE_MAX bytes is kept in memory and goes into the blob table
 * at commit, and a file blob gets its row too; the caller must hold a
 * transaction on st.  With st NULL the blob is always a durable file and
 * the row is the caller's business (hd_store_blob_add). */
HD_NODISCARD int hd_blob_writer_open(struct hd_store *st,
                                     const char *blobs_dir,
                                     struct hd_blob_writer **w_r,
                                     struct hd_error *err);
HD_NODISCARD int hd_blob_writer_append(struct hd_blob_writer *w,
                                       const void *p, size_t n,
                                       struct hd_error *err);
/* Stores the blob under its hash (an existing identical blob, in either
 * tier, is kept) and frees w.  sha256_r gets 64 hex digits + NUL. */
HD_NODISCARD int hd_blob_writer_commit(struct hd_blob_writer **w,
                                       char sha256_r[65], int64_t *size_r,
                                       struct hd_error *err);
/* Bytes appended so far (the plaintext's). */
int64_t hd_blob_writer_size(const struct hd_blob_writer *w);
/* Gives a writer opened without a store (its bytes already spilled to a
 * temporary file: an upload streamed while no transaction was open) the
 * store whose transaction the commit then runs in: the file blob gets its
 * row there, and a blob the store already has is not written again. */
void hd_blob_writer_bind(struct hd_blob_writer *w, struct hd_store *st);
/* Drops an unfinished blob and frees w (NULL is fine). */
void hd_blob_writer_abort(struct hd_blob_writer **w);

/* One-shot: writes p[0..n) (see hd_blob_writer_open for st). */
HD_NODISCARD int hd_blob_put(struct hd_store *st, const char *blobs_dir,
                             const void *p, size_t n, char sha256_r[65],
                             struct hd_error *err);
/* Bulk imports may skip the per-file fsync and sync once at the end
 * (hd_blob_sync_all, a no-op when no file blob was written); the default
 * is durable. */
void hd_blob_set_durable(bool durable);
void hd_blob_sync_all(void);

/* ---- reading (both tiers) ------------------------------------------- */

struct hd_blob_reader;

/* Opens blob sha256: the row's bytes when it is inline, else its file.
 * Returns 1, 0 when neither exists (*r_r NULL), -1. */
HD_NODISCARD int hd_blob_open(struct hd_store *st, const char *blobs_dir,
                              const char *sha256,
                              struct hd_blob_reader **r_r,
                              struct hd_error *err);
int64_t hd_blob_reader_size(const struct hd_blob_reader *r);
/* The stored file of a file blob (to move it whole: sealed, its bytes are
 * not the blob's), NULL for an inline blob.  Valid until close. */
const char *hd_blob_reader_path(const struct hd_blob_reader *r);
/* Reads up to cap bytes into buf; *n_r is 0 at the end. */
HD_NODISCARD int hd_blob_reader_read(struct hd_blob_reader *r, void *buf,
                                     size_t cap, size_t *n_r,
                                     struct hd_error *err);
void hd_blob_reader_close(struct hd_blob_reader **r);

/* The whole blob in a heap buffer (caller frees; NUL after the bytes).
 * Returns 1, 0 when it does not exist, 2 when it is bigger than max
 * (*len_r has its size, *data_r NULL), -1. */
HD_NODISCARD int hd_blob_read(struct hd_store *st, const char *blobs_dir,
                              const char *sha256, size_t max, char **data_r,
                              size_t *len_r, struct hd_error *err);
/* Re-hashes the stored bytes: returns 1 with their hash in got_r and
 * their count in *size_r, 0 when the blob does not exist, -1. */
HD_NODISCARD int hd_blob_check(struct hd_store *st, const char *blobs_dir,
                               const char *sha256, char got_r[65],
                               int64_t *size_r, struct hd_error *err);
/* Removes the file of a blob whose row was deleted (nothing to do for an
 * inline blob: its bytes went with the row).  Returns 0, or -1 with errno
 * when the file exists and cannot be removed. */
int hd_blob_remove_file(const char *blobs_dir, const char *sha256);

/* ---- sealing at rest ------------------------------------------------ */

/* How blob sha256 is stored: 1 sealed (its data key's id in key_id_r, 16
 * hex digits), 0 plaintext, -1 (HD_E_NOTFOUND when neither tier has it).
 * With st NULL only the file tier is looked at. */
HD_NODISCARD int hd_blob_sealed(struct hd_store *st, const char *blobs_dir,
                                const char *sha256, char key_id_r[17],
                                struct hd_error *err);
/* Seals a plaintext blob where it lies, after checking its bytes still
 * hash to its name: an inline one in its own transaction (the caller
 * holds none), a file one as a new file renamed over the old after
 * fsync.  Returns 1 sealed now, 0 already sealed (under any key), -1. */
HD_NODISCARD int hd_blob_seal(struct hd_store *st, const char *blobs_dir,
                              const char *sha256, struct hd_error *err);
/* SHA-256 and size of the plaintext in a stored blob file at path, sealed
 * (with the data key at key_path) or not: for checking a backup's copy. */
HD_NODISCARD int hd_blob_file_hash(const char *path, const char *key_path,
                                   char got_r[65], int64_t *size_r,
                                   struct hd_error *err);

#endif
