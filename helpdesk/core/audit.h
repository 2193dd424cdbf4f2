/* audit.h - the append-only, tamper-evident audit log and the security
 * log, with retention.
 *
 * Every audit row carries hash = SHA-256 over the previous row's hash and
 * the row's own fields in a canonical, length-prefixed encoding
 * (audit.c: canonical()).  Editing a row changes its hash; deleting one
 * breaks its successor's prev_hash; both are found by hd_audit_verify().
 * Pruning old rows leaves a checkpoint, HMAC-signed with the instance's
 * audit key (DIR/audit.key, 0600), that vouches for the hash of the last
 * pruned row, so the remaining chain still verifies.  What a chain cannot
 * show on its own is rows cut from the newest end; the backup manifests
 * record the head hash for that comparison. */
#ifndef HD_AUDIT_H
#define HD_AUDIT_H

#include "arena.h"
#include "crypt.h"
#include "hd.h"
#include "store.h"
#include "store_data.h" /* struct hd_audit_entry, hd_security_event */

#define HD_AUDIT_PAGE 512 /* rows read per step while verifying */

/* Appends e inside the caller's transaction (the caller begins and
 * commits; the chain head is read and extended under its write lock).
 * Fills e->id, e->at (hd_clock_now() when 0), e->prev_hash and e->hash
 * with strings from a. */
HD_NODISCARD int hd_audit_append(struct hd_store *st, struct hd_audit_entry *e,
                                 struct hd_arena *a, struct hd_error *err);

struct json_t; /* jansson's value type */

/* Appends the audit row of one admin CLI change inside the caller's
 * transaction: actor "cli:<unix user>" (getpwuid(getuid()), or the
 * numeric uid), source "cli".  before/after are JSON texts of the changed
 * fields, NULL when there is nothing (before of an add, after of a
 * delete).  Strings the row keeps come from a. */
/* "cli:<unix user>" (or "cli:<uid>"), in a: who acts from the shell. */
const char *hd_audit_cli_actor(struct hd_arena *a);
HD_NODISCARD int hd_audit_cli(struct hd_store *st, struct hd_arena *a,
                              const char *object, const char *action,
                              const char *before_json,
                              const char *after_json, struct hd_error *err);

/* Compact JSON text of j in a (NULL when j is NULL); takes j's
 * reference. */
const char *hd_audit_json(struct hd_arena *a, struct json_t *j);

/* Result of walking the chain. */
struct hd_audit_report {
    int64_t rows;          /* rows checked */
    int64_t bad_id;        /* first row that does not verify (0: none) */
    bool intact;
    char head_hash[HD_SHA256_HEX_SIZE]; /* hash of the newest row */
    char problem[200];     /* what was wrong, when !intact */
};

/* Walks the whole chain (HD_AUDIT_PAGE rows at a time) and the newest
 * checkpoint.  Returns 0 with r->intact telling the verdict, -1 only when
 * the walk itself failed (database error). */
HD_NODISCARD int hd_audit_verify(struct hd_store *st,
                                 const uint8_t key[HD_KEY_LEN],
                                 struct hd_audit_report *r,
                                 struct hd_error *err);

/* Deletes audit rows older than before_t and writes a signed checkpoint
 * for the last one, in one transaction of its own.  *pruned_r gets the
 * count (0: nothing old enough, no checkpoint written). */
HD_NODISCARD int hd_audit_prune(struct hd_store *st,
                                const uint8_t key[HD_KEY_LEN],
                                int64_t before_t, int64_t *pruned_r,
                                struct hd_error *err);

/* Loads (creating on first use, 0600) the instance's audit key,
 * DIR/audit.key. */
HD_NODISCARD int hd_audit_key_load(const char *instance_dir,
                                   uint8_t key[HD_KEY_LEN],
                                   struct hd_error *err);

/* ---- security log: sign-ins, lockouts, token use -------------------- */

HD_NODISCARD int hd_security_log_append(struct hd_store *st,
                                        const struct hd_security_event *ev,
                                        struct hd_error *err);
/* Deletes security events older than before_t; count in *pruned_r. */
HD_NODISCARD int hd_security_log_prune(struct hd_store *st, int64_t before_t,
                                       int64_t *pruned_r,
                                       struct hd_error *err);

#endif
