/* store_migrate.h - store verbs of `helpdesk migrate`: copying every
 * table of one store into another (SQLite into PostgreSQL) with the ids
 * kept, row by row, and telling whether another process has a SQLite
 * store open.  The order of the copy (helpdesk/data/migrate.c) and the
 * transactions around it belong to the caller. */
#ifndef HD_STORE_MIGRATE_H
#define HD_STORE_MIGRATE_H

#include "hd.h"
#include "store.h"

/* Tables copied, parents first.  Derived tables are not among them: the
 * search indexes, the reports' rollups and the caches' generation rows
 * are written by the target's own triggers as the rows arrive. */
size_t hd_store_copy_table_count(void);
const char *hd_store_copy_table_name(size_t i);

/* Refuses (HD_E_INVAL, naming it) a table or column of src that the copy
 * does not know: a schema this build would copy only in part.  src must
 * be SQLite. */
HD_NODISCARD int hd_store_copy_check(struct hd_store *src,
                                     struct hd_error *err);

/* Deletes what dst's migrations put in table i (the seeded roles, SLA
 * policies, rules, counters), then inserts every row of src's table i
 * with the same values, one row in memory at a time.  *n_r: rows
 * copied.  Both stores inside the caller's transactions. */
HD_NODISCARD int hd_store_copy_table(struct hd_store *src,
                                     struct hd_store *dst, size_t i,
                                     int64_t *n_r, struct hd_error *err);

/* Before the first table, on dst: on PostgreSQL turns off the triggers
 * that keep one row per many (generation rows, the reports' rollups),
 * which hd_store_copy_finish() turns on again after writing those rows
 * itself; nothing on SQLite. */
HD_NODISCARD int hd_store_copy_start(struct hd_store *dst,
                                     struct hd_error *err);

/* Rows of table i in st (the check after a copy). */
HD_NODISCARD int hd_store_copy_count(struct hd_store *st, size_t i,
                                     int64_t *n_r, struct hd_error *err);

/* After the copy, on dst: moves PostgreSQL's id sequences past the ids
 * copied (hd_identity_sync()), writes the reports' rollups and moves the
 * generation rows, and turns the triggers on again; nothing on SQLite. */
HD_NODISCARD int hd_store_copy_finish(struct hd_store *dst,
                                      struct hd_error *err);

/* Whether a process other than this one has the SQLite store st open:
 * 1 (its pid in *pid_r when the system says), 0 none, -1 error.  Reads
 * the lock every SQLite connection in WAL mode holds on the shared-memory
 * file while it is open (the "DMS" byte); a process that opens the store
 * only for a moment is seen only during that moment.  On PostgreSQL,
 * 0. */
HD_NODISCARD int hd_store_other_users(struct hd_store *st, long *pid_r,
                                      struct hd_error *err);

#endif
