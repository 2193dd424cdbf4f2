/* retention.h - forgetting old log rows on schedule.  Once a day the
 * worker deletes audit, security, backup-log and heartbeat rows older than
 * log.retention_days.  The audit chain stays verifiable (hd_audit_prune
 * leaves a signed checkpoint) and the prune itself is an audit row. */
#ifndef HD_RETENTION_H
#define HD_RETENTION_H

#include "hd.h"
#include "instance.h"

#define HD_RETENTION_EVERY (24 * 3600) /* seconds between two runs */
#define HD_RETENTION_META "retention.last_run" /* meta key: UTC seconds */

/* What one run removed. */
struct hd_retention_stats {
    int64_t before;   /* rows older than this (UTC seconds) went */
    int64_t audit, security, backup_log, heartbeat;
};

/* Prunes now, whatever the schedule says.  Idempotent: a second run with
 * the same 'now' removes nothing and writes no audit row.  A retention of
 * 0 days or less keeps everything.  Returns 0 or -1. */
HD_NODISCARD int hd_retention_run(struct hd_instance *inst, int64_t now,
                                  struct hd_retention_stats *s_r,
                                  struct hd_error *err);

/* Runs hd_retention_run when the last run (meta HD_RETENTION_META) is
 * HD_RETENTION_EVERY or more ago.  Returns 1 ran, 0 not due, -1 error. */
HD_NODISCARD int hd_retention_maybe_run(struct hd_instance *inst,
                                        int64_t now,
                                        struct hd_retention_stats *s_r,
                                        struct hd_error *err);

#endif
