/* migrate.h - `helpdesk migrate --to postgresql://...`: moves an
 * instance's SQLite store into an empty PostgreSQL database and points
 * the instance at it (docs/scale-out.md#moving-an-instance-to-postgresql).
 *
 * The copy is one transaction on each side: the target's (all of it or
 * nothing) and the source's BEGIN IMMEDIATE, held from the first row read
 * to the target's commit, so no writer can slip a change in between.
 * Every table keeps its ids; the target's triggers build its search
 * index and the reports' rollups as the rows arrive; the id sequences are
 * moved past the ids copied.  helpdesk.db is left as it was at that
 * moment, the way back. */
#ifndef HD_MIGRATE_H
#define HD_MIGRATE_H

#include "hd.h"
#include "instance.h"
#include "store.h"

#include <stdio.h>

struct hd_migrate_stats {
    int64_t tables, rows;   /* tables and rows copied */
    int64_t audit_rows;     /* audit rows verified on the target */
    int64_t duration_ms;    /* the copy, from first read to commit */
};

/* Copies every table of src into dst, each inside the caller's
 * transactions, then checks that each table holds as many rows on both
 * sides and moves dst's id sequences.  progress (may be NULL) gets a
 * line per table. */
HD_NODISCARD int hd_migrate_copy(struct hd_store *src, struct hd_store *dst,
                                 FILE *progress, struct hd_migrate_stats *s,
                                 struct hd_error *err);

/* The whole move of inst to url.  Refuses, leaving the target as it was:
 *   HD_E_BUSY    another process has the instance's store open (the
 *                services were not stopped);
 *   HD_E_INVAL   url is not a PostgreSQL URL, the instance is not on
 *                SQLite, or the source has a table this build cannot copy;
 *   HD_E_EXISTS  the target database holds data;
 *   HD_E_CONFIG  the schema versions of the two stores differ.
 * On success helpdesk.conf says store.url = url (written atomically) and
 * the audit log, on both sides, ends with the move. */
HD_NODISCARD int hd_migrate(struct hd_instance *inst, const char *url,
                            FILE *progress, struct hd_migrate_stats *s,
                            struct hd_error *err);

/* url without its password, for logs and the audit row (arena). */
const char *hd_migrate_url_shown(struct hd_arena *a, const char *url);

#endif
