/* backup_int.h - shared by backup.c and backup_io.c: file helpers,
 * packing (deflate + HDENC1) and manifests. */
#ifndef HD_BACKUP_INT_H
#define HD_BACKUP_INT_H

#include "backup.h"
#include "crypt.h"
#include "store_data.h"

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

/* ---- PostgreSQL (backup_pg.c) ------------------------------------------
 * A PostgreSQL instance's generation holds the part BK_PG_PART (a
 * pg_dump in custom format) where an SQLite one holds db.enc; the
 * manifest says "store": "postgresql". */
#define BK_PG_PART "pg.dump.enc"
#define BK_PG_FILE "pg.dump"
#define BK_STORE_PG "postgresql"

/* What a dump holds, read from its table data. */
struct bk_pg_facts {
    struct hd_store_counts counts;
    int64_t audit_id;         /* newest audit row (0: none) */
    const char *audit_head;   /* its hash; NULL when none */
    struct hd_blob_row *blobs; /* every blob row, in dump order */
    size_t nblobs;
};

/* Splits a libpq URL (postgresql:// or postgres://) into the URL without
 * its password (user:PW@ and ?password=PW taken out) and the password,
 * percent-decoded (NULL when it has none).  Arena strings; -1 with
 * HD_E_INVAL when url is not such a URL. */
int bk_pg_url_split(const char *url, struct hd_arena *a, const char **bare_r,
                    const char **pw_r, struct hd_error *err);
/* pg_dump of the database at url into path (custom format), in one
 * snapshot. */
int bk_pg_dump(const char *url, const char *path, struct hd_error *err);
/* Reads every table's data of the dump at path through pg_restore and
 * fills *f (arena memory).  A dump pg_restore cannot read, or whose data
 * ends early, is HD_E_CRYPTO: damaged. */
int bk_pg_read(const char *path, struct hd_arena *a, struct bk_pg_facts *f,
               struct hd_error *err);
/* pg_restore of the dump at path into the database at url, in one
 * transaction (all or nothing); replace drops the dump's objects that
 * exist there first.  The caller checks that the target is empty. */
int bk_pg_restore(const char *path, const char *url, bool replace,
                  struct hd_error *err);

#endif
