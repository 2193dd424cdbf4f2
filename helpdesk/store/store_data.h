/* store_data.h - store verbs of the data-safety modules (audit, backup,
 * export, erase, verify).  The SQL is in store_audit.c and store_data.c;
 * callers see only these verbs. */
#ifndef HD_STORE_DATA_H
#define HD_STORE_DATA_H

#include "arena.h"
#include "hd.h"
#include "store.h"

#include <stdio.h>

struct json_t; /* jansson's object type */

/* ---- audit (store_audit.c) -------------------------------------------- */

/* The rows of the audit and security logs; audit.h owns their meaning
 * (the hash chain, retention) and is what other modules include. */

/* One audit row.  Strings may be NULL where the column allows it
 * (ip, request_id, before_json, after_json). */
struct hd_audit_entry {
    int64_t id, at;       /* set by hd_audit_append */
    const char *actor;    /* 'user:3', 'cli', 'worker' */
    const char *source;   /* cli, web, api, mailgw, worker */
    const char *ip, *request_id;
    const char *object;   /* 'ticket:10001', 'backup:GEN-...' */
    const char *action;   /* 'erase', 'backup.run', ... */
    const char *before_json, *after_json;
    const char *prev_hash, *hash; /* set by hd_audit_append */
};

struct hd_security_event {
    int64_t at;          /* 0: now */
    const char *kind;    /* 'signin', 'signin_failed', 'lockout', ... */
    int64_t user_id;     /* 0: none */
    const char *subject; /* address tried etc.; NULL: '' */
    const char *ip;      /* NULL: unknown */
    const char *detail;  /* NULL: '' */
};

/* Newest audit row's id and hash: 1 found / 0 empty / -1. */
HD_NODISCARD int hd_store_audit_head(struct hd_store *st, struct hd_arena *a,
                                     int64_t *id_r, char **hash_r,
                                     struct hd_error *err);
HD_NODISCARD int hd_store_audit_insert(struct hd_store *st,
                                       const struct hd_audit_entry *e,
                                       struct hd_error *err);
/* Up to 'limit' rows with id > after_id, oldest first. */
HD_NODISCARD int hd_store_audit_page(struct hd_store *st, int64_t after_id,
                                     size_t limit, struct hd_arena *a,
                                     struct hd_audit_entry **es_r,
                                     size_t *n_r, struct hd_error *err);
/* Newest row with at < before_t: 1 / 0 / -1. */
HD_NODISCARD int hd_store_audit_last_before(struct hd_store *st,
                                            int64_t before_t,
                                            struct hd_arena *a,
                                            int64_t *id_r, char **hash_r,
                                            struct hd_error *err);
HD_NODISCARD int hd_store_audit_delete_through(struct hd_store *st,
                                               int64_t last_id,
                                               int64_t *n_r,
                                               struct hd_error *err);

struct hd_audit_checkpoint {
    int64_t at, last_id;
    const char *head_hash, *mac;
};
/* Newest checkpoint: 1 / 0 / -1. */
HD_NODISCARD int hd_store_audit_checkpoint_last(
    struct hd_store *st, struct hd_arena *a, struct hd_audit_checkpoint *c_r,
    struct hd_error *err);
HD_NODISCARD int hd_store_audit_checkpoint_add(
    struct hd_store *st, const struct hd_audit_checkpoint *c,
    struct hd_error *err);

HD_NODISCARD int hd_store_security_insert(struct hd_store *st,
                                          const struct hd_security_event *ev,
                                          struct hd_error *err);
HD_NODISCARD int hd_store_security_prune(struct hd_store *st,
                                         int64_t before_t, int64_t *n_r,
                                         struct hd_error *err);

/* ---- backup log (store_audit.c) --------------------------------------- */

struct hd_backup_log_row {
    int64_t id, at;
    const char *action, *generation;
    bool ok;
    int64_t bytes, duration_ms;
    const char *detail;
};
HD_NODISCARD int hd_store_backup_log_add(struct hd_store *st,
                                         const struct hd_backup_log_row *r,
                                         struct hd_error *err);
/* Deletes backup log rows older than before_t; count in *n_r. */
HD_NODISCARD int hd_store_backup_log_prune(struct hd_store *st,
                                           int64_t before_t, int64_t *n_r,
                                           struct hd_error *err);
/* Newest first, at most limit rows. */
HD_NODISCARD int hd_store_backup_log_list(struct hd_store *st, size_t limit,
                                          struct hd_arena *a,
                                          struct hd_backup_log_row **rs_r,
                                          size_t *n_r, struct hd_error *err);

/* ---- snapshots and checks (store_data.c) ------------------------------ */

/* Consistent online copy of the whole database into a new file at path
 * with the SQLite backup API, in one read transaction; writers on other
 * connections keep going (WAL). */
HD_NODISCARD int hd_store_backup_to(struct hd_store *st, const char *path,
                                    struct hd_error *err);

/* Runs PRAGMA integrity_check and foreign_key_check; problems (up to
 * HD_CHECK_MAX_PROBLEMS) become arena strings.  *n_r 0 means intact. */
#define HD_CHECK_MAX_PROBLEMS 50
HD_NODISCARD int hd_store_check(struct hd_store *st, struct hd_arena *a,
                                char ***problems_r, size_t *n_r,
                                struct hd_error *err);

/* 1 when the PostgreSQL database st is connected to holds no table,
 * sequence, view or function of its own (pg_catalog and
 * information_schema aside): a place a backup may be restored into.
 * 0 when it holds some, -1 on error; on SQLite, HD_E_INVAL. */
HD_NODISCARD int hd_store_pg_is_blank(struct hd_store *st,
                                      struct hd_error *err);

/* Every row of the blob table. */
struct hd_blob_row {
    const char *sha256;
    int64_t size;
    bool in_row; /* bytes inline in the database (blob.h), not a file */
};
HD_NODISCARD int hd_store_blob_list(struct hd_store *st, struct hd_arena *a,
                                    struct hd_blob_row **bs_r, size_t *n_r,
                                    struct hd_error *err);
/* Count of rows in the main tables, for manifests and restore checks. */
struct hd_store_counts {
    int64_t tickets, messages, contacts, orgs, attachments, blobs, audit;
};
HD_NODISCARD int hd_store_counts(struct hd_store *st,
                                 struct hd_store_counts *c_r,
                                 struct hd_error *err);

/* ---- export / import (store_data.c) ----------------------------------- */

/* Tables the export format knows, in import order (parents first). */
size_t hd_store_export_table_count(void);
const char *hd_store_export_table_name(size_t i);

/* Writes the rows of table i (org-scoped when org_id > 0) to f as JSON
 * objects separated by ",\n", each built and dumped on its own, so memory
 * stays bounded by one row.  Blob columns never occur.  *n_r: rows.
 * collect (may be NULL) also gets every row appended: for small tables
 * whose rows the caller needs afterwards (blob). */
HD_NODISCARD int hd_store_export_table(struct hd_store *st, size_t i,
                                       int64_t org_id, FILE *f,
                                       struct json_t *collect,
                                       int64_t *n_r, struct hd_error *err);
/* Inserts one row object (keys = column names) into table i.  Unknown
 * keys are refused (HD_E_PARSE); missing keys become NULL. */
HD_NODISCARD int hd_store_import_row(struct hd_store *st, size_t i,
                                     const struct json_t *row,
                                     struct hd_error *err);
/* 1 when the instance holds no tickets, contacts, orgs, users, queues or
 * audit rows; 0 otherwise. */
/* Removes the unused default queue of a new instance (nothing else in
 * it), so an import can bring its own queues.  Inside the caller's
 * transaction. */
HD_NODISCARD int hd_store_drop_fresh_queue(struct hd_store *st,
                                           struct hd_error *err);
HD_NODISCARD int hd_store_is_empty(struct hd_store *st,
                                   struct hd_error *err);

/* ---- erasure (store_data.c) -------------------------------------------- */

enum hd_erase_kind { HD_ERASE_ORG, HD_ERASE_CONTACT, HD_ERASE_TICKET };

struct hd_erase_counts {
    enum hd_erase_kind kind;
    int64_t org_id;         /* the org erased (HD_ERASE_ORG) */
    int64_t tickets, messages, attachments, events, contacts, orgs,
        outbox, fts;
    size_t nblobs;          /* blobs no longer referenced after erasure */
    const char **blobs;     /* their sha256 (arena) */
};

/* Marks what erasing the target removes (inside the caller's
 * transaction) and counts it.  Returns 1 when the target exists, 0 when
 * it does not (nothing marked), -1 on error. */
HD_NODISCARD int hd_store_erase_plan(struct hd_store *st,
                                     enum hd_erase_kind kind, int64_t id,
                                     const char *address, struct hd_arena *a,
                                     struct hd_erase_counts *c_r,
                                     struct hd_error *err);
/* Deletes what the last plan marked, including blob rows in c->blobs;
 * fills c->outbox and c->fts. */
HD_NODISCARD int hd_store_erase_apply(struct hd_store *st,
                                      struct hd_erase_counts *c,
                                      struct hd_error *err);

#endif
