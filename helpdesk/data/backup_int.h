/* backup_int.h - shared by backup.c and backup_io.c: file helpers,
 * packing (deflate + HDENC1) and manifests. */
#ifndef HD_BACKUP_INT_H
#define HD_BACKUP_INT_H

#include "backup.h"
#include "crypt.h"

#include <jansson.h>

#define BK_AAD_PREFIX "helpdesk-backup:"
#define BK_PATH_MAX 4096
/* The data key of sealed blobs (blob_key.h), in generations made since
 * blobs are sealed. */
#define BK_DATA_KEY_PART "data-key.enc"

/* Deflates in_path and encrypts it to out_path (AAD = prefix + part);
 * *bytes_r (may be NULL) gets the size written. */
int bk_pack(const uint8_t key[HD_KEY_LEN], const char *in_path,
            const char *out_path, const char *part, int64_t *bytes_r,
            struct hd_error *err);
/* Decrypts and inflates in_path to out_path (created 0600). */
int bk_unpack(const uint8_t key[HD_KEY_LEN], const char *in_path,
              const char *out_path, const char *part, struct hd_error *err);

/* Removes a directory tree (no symlinks followed); 0 or -1. */
int bk_rm_rf(const char *path, struct hd_error *err);
int bk_mkdir(const char *path, struct hd_error *err); /* 0700, EEXIST ok */
void bk_fsync_dir(const char *path);
int bk_copy_file(const char *from, const char *to, struct hd_error *err);

/* manifest.json of dir with its HMAC checked; caller decrefs. */
json_t *bk_manifest_load(const uint8_t key[HD_KEY_LEN], const char *dir,
                         struct hd_error *err);
/* Writes manifest.json (temp + rename) and manifest.hmac. */
int bk_manifest_save(const uint8_t key[HD_KEY_LEN], const char *dir,
                     json_t *m, struct hd_error *err);

/* Checks generation dir against its manifest; unpacks into work (an
 * empty directory) when restore_to is NULL, or into the instance layout
 * at restore_to.  Sums bytes read into *bytes_r. */
int bk_check_generation(const uint8_t key[HD_KEY_LEN], const char *bdir,
                        const char *gen, const char *work,
                        const char *restore_to, int64_t *bytes_r,
                        struct hd_error *err);

#endif
