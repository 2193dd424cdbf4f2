/* store_lease.h - jobs that must run once across every process and node
 * sharing one store (the daily backup), claimed through the database.
 *
 * A lease is a row of 'meta' (key "lease:NAME", value: the UTC second it
 * ends).  Taking it succeeds only when there is none or it has ended, in
 * one statement that both SQLite (the single writer) and PostgreSQL (the
 * conflicting INSERT waits for the other and re-reads the row) make
 * exclusive.  A holder that dies leaves the lease to end by itself. */
#ifndef HD_STORE_LEASE_H
#define HD_STORE_LEASE_H

#include "store.h"

/* 1 taken until 'until' / 0 another holder's lease runs past 'now' /
 * -1 error.  Opens and commits its own transaction. */
HD_NODISCARD int hd_store_lease_take(struct hd_store *st, const char *name,
                                     int64_t now, int64_t until,
                                     struct hd_error *err);
/* Ends a lease this holder took (a failed job may be tried again at once). */
HD_NODISCARD int hd_store_lease_drop(struct hd_store *st, const char *name,
                                     struct hd_error *err);

/* When the last successful backup run was recorded in backup_log by any
 * process on any node (UTC seconds; 0: never). */
HD_NODISCARD int hd_store_backup_last_ok(struct hd_store *st, int64_t *at_r,
                                         struct hd_error *err);

/* Inside a write transaction, before reading the audit chain's head: holds
 * other appenders (other processes, other nodes) until this transaction
 * ends, so two appends never link to the same head. */
HD_NODISCARD int hd_store_audit_lock(struct hd_store *st,
                                     struct hd_error *err);

/* Inside the caller's transaction: records that the thing named 'key'
 * (a row of 'meta', value 'at') was done, so a retry of the same work can
 * see it.  1 recorded now / 0 recorded before (do nothing again) / -1. */
HD_NODISCARD int hd_store_once(struct hd_store *st, const char *key,
                               int64_t at, struct hd_error *err);

#endif
