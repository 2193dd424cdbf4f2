/* backup.h - encrypted, incremental, verified backups of an instance.
 *
 * A generation is a directory BACKUPDIR/GEN-YYYYMMDDTHHMMSSZ/ holding
 *   manifest.json   what the generation is (format below), plain JSON
 *   manifest.hmac   HMAC-SHA-256 of manifest.json under the backup key
 *   db.enc          online snapshot of helpdesk.db   } each deflated, then
 *   (pg.dump.enc    instead, on PostgreSQL: pg_dump) }
 *   conf.enc        helpdesk.conf                    } HDENC1-encrypted
 *   audit-key.enc   DIR/audit.key                    } (crypt.h) with the
 *   blobs/SHA.enc   blobs first seen in this gen.    } part name as AAD
 * manifest.json lists the SHA-256 of every part, the creation time, the
 * schema version, row counts, the audit chain head, and for every blob
 * the instance needs which generation holds its bytes ("in").  Blobs an
 * earlier generation already holds are referenced, not copied.
 *
 * On PostgreSQL (store.url) the database part is pg.dump.enc, a pg_dump in
 * custom format, and the manifest says "store": "postgresql"; its counts,
 * audit head and blobs are read out of the dump (backup_pg.c).
 *
 * A run writes into BACKUPDIR/.tmp-GEN, verifies it (decrypts every part,
 * checks every hash, runs PRAGMA integrity_check on the snapshot, or has
 * pg_restore read the dump's data and checks its counts), and
 * only then renames it into place; then it prunes to backup.generations,
 * copying blobs that newer generations still reference forward before a
 * generation holding them is deleted.  Every run, verify and restore
 * appends to backup_log and to the audit log. */
#ifndef HD_BACKUP_H
#define HD_BACKUP_H

#include "arena.h"
#include "hd.h"
#include "instance.h"
#include "store.h"

#define HD_BACKUP_FORMAT "helpdesk-backup"
#define HD_BACKUP_VERSION 1
#define HD_BACKUP_GEN_MAX 64 /* bytes of a generation name */

struct hd_backup_stats {
    char generation[HD_BACKUP_GEN_MAX];
    int64_t bytes;            /* bytes written (run) or read (verify) */
    int64_t duration_ms;
    int64_t blobs_new, blobs_referenced, tickets;
    int64_t blobs_inline;     /* blobs carried by the database part */
    int64_t pruned;           /* generations removed by this run */
};

/* Takes a backup now.  0 with stats, or -1; a failed run leaves earlier
 * generations untouched and nothing half-written in place. */
HD_NODISCARD int hd_backup_run(struct hd_instance *inst,
                               struct hd_backup_stats *stats,
                               struct hd_error *err);

/* Checks generation gen completely (see above).  0 intact, -1 with err
 * saying what is wrong (HD_E_CRYPTO for a bad tag, key or hash). */
HD_NODISCARD int hd_backup_verify(struct hd_instance *inst, const char *gen,
                                  struct hd_backup_stats *stats,
                                  struct hd_error *err);
/* The same from another thread: the backup log and audit rows are written
 * through st (that thread's connection), and concurrent verifications
 * work in separate directories. */
HD_NODISCARD int hd_backup_verify_on(struct hd_instance *inst,
                                     struct hd_store *st, const char *gen,
                                     struct hd_backup_stats *stats,
                                     struct hd_error *err);

/* Builds a working instance in 'to' (absent or an empty directory) from
 * gen: database, blobs, config and audit key.  All or nothing: everything
 * is checked in a sibling temporary directory, renamed at the end. */
HD_NODISCARD int hd_backup_restore(struct hd_instance *inst, const char *gen,
                                   const char *to, struct hd_error *err);
/* The same for either kind of generation: one of a PostgreSQL instance
 * (a dump) needs store_url, an empty database it is restored into with
 * pg_restore in one transaction (replace: one that is not empty, whose
 * objects the dump also holds are dropped first); 'to' then holds the
 * configuration, keys and blobs, with store.url naming that database.
 * One of an SQLite instance needs store_url NULL. */
HD_NODISCARD int hd_backup_restore_store(struct hd_instance *inst,
                                         const char *gen, const char *to,
                                         const char *store_url, bool replace,
                                         struct hd_error *err);

/* Writes the export document (export.h) of generation gen to out_path
 * without touching the live instance. */
HD_NODISCARD int hd_backup_export(struct hd_instance *inst, const char *gen,
                                  const char *out_path, struct hd_error *err);

/* Generations, oldest first: a JSON array of objects (name, created_at,
 * tickets, blobs, bytes).  NULL with err on failure; caller decrefs. */
struct json_t *hd_backup_list(struct hd_instance *inst, struct hd_error *err);

/* Creation time (UTC seconds) of the newest generation; 0 when none. */
HD_NODISCARD int hd_backup_newest(struct hd_instance *inst, int64_t *at_r,
                                  struct hd_error *err);

/* For the worker: runs a backup when the newest generation is older than
 * today's backup.hour (instance zone) and now is past it.  Returns 1 when
 * one ran, 0 when none was due, -1 on failure. */
HD_NODISCARD int hd_backup_maybe_run(struct hd_instance *inst, int64_t now,
                                     struct hd_error *err);

#endif
