/* blob_key.h - the data key that seals blobs (attachments and raw mail)
 * at rest, and the envelope that says a stored blob is sealed and under
 * which key.  blob.c seals, blob_read.c opens; nothing else touches the
 * key's bytes.  The cryptography is crypt.h's HDENC1 stream, the one
 * backups use.
 *
 * Where the key lives: DIR/data.key (32 bytes, mode 0600), created by
 * `helpdesk init`, by `helpdesk blobs key` or by the first blob written
 * with encryption on; blob.key_file names another file (a secrets mount
 * outside DIR).  Losing the key loses every sealed blob: backups carry a
 * copy under the backup key (docs/backups.md).
 *
 * A sealed blob, in its row or its file:
 *   "\x89HDBLOB\n" (8) | key id (8 raw bytes) | HDENC1 stream
 * The stream's AAD is "hd-blob:" and the key id in hex, so an edited key
 * id fails authentication.  Anything that does not start with the magic
 * is a plaintext blob written before sealing existed (or with
 * blob.encrypt = false); readers serve both. */
#ifndef HD_BLOB_KEY_H
#define HD_BLOB_KEY_H

#include "crypt.h"
#include "hd.h"

#define HD_BLOB_ENV_MAGIC "\x89HDBLOB\n"
#define HD_BLOB_ENV_MAGIC_LEN 8
#define HD_BLOB_ENV_HEAD 16         /* magic + key id */
#define HD_BLOB_KEY_ID_SIZE 17      /* 16 hex digits + NUL */
#define HD_BLOB_AAD_SIZE 32
#define HD_BLOB_KEY_PATH_MAX 4096

struct hd_blob_key {
    uint8_t key[HD_KEY_LEN];
    uint8_t id[8];                  /* first bytes of HMAC(key, label) */
    char id_hex[HD_BLOB_KEY_ID_SIZE];
    char path[HD_BLOB_KEY_PATH_MAX]; /* where it was loaded from */
};

/* Process-wide settings, from the instance's configuration when it is
 * opened: whether new blobs are sealed (default yes) and the key file
 * (NULL or "": DIR/data.key beside blobs_dir). */
void hd_blob_set_encrypt(bool on);
bool hd_blob_encrypting(void);
void hd_blob_set_key_file(const char *path);

/* The key file for blobs_dir (DIR/blobs): the configured one, else
 * DIR/data.key. */
void hd_blob_key_path(const char *blobs_dir, char out[HD_BLOB_KEY_PATH_MAX]);

/* Loads the key at path (hd_key_load's checks).  With create, a missing
 * file is made first (random, 0600; racing creators agree).  Returns 1,
 * 0 when it does not exist and create is false, -1.  Wipe k with
 * hd_blob_key_wipe(). */
HD_NODISCARD int hd_blob_key_load(const char *path, bool create,
                                  struct hd_blob_key *k,
                                  struct hd_error *err);
void hd_blob_key_wipe(struct hd_blob_key *k);

/* Writes the envelope head for k into out. */
void hd_blob_env_head(const struct hd_blob_key *k,
                      uint8_t out[HD_BLOB_ENV_HEAD]);
/* The stream's AAD for a key id (hex). */
void hd_blob_env_aad(const char *id_hex, char out[HD_BLOB_AAD_SIZE]);
/* 1 when p[0..n) starts with an envelope (its key id in id_hex_r), 0 when
 * it is a plaintext blob. */
int hd_blob_env_parse(const void *p, size_t n,
                      char id_hex_r[HD_BLOB_KEY_ID_SIZE]);

#endif
