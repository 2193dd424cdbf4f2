/* store_attach.h - SQL for attachment safety: per-organisation usage and
 * quota, the scan job's batch and verdicts, purging, and releasing blobs
 * nothing needs any more.  Rows are inserted by hd_store_attachment_insert
 * (store.h); the policy lives in the callers (mailgw/route/intake.c,
 * mailgw/route/scanjob.c, mailgw/admin/cli_attach.c). */
#ifndef HD_STORE_ATTACH_H
#define HD_STORE_ATTACH_H

#include "store.h"

/* An attachment with the ticket it belongs to. */
struct hd_attach_item {
    struct hd_attachment at;
    int64_t ticket_id, ticket_number;
    int64_t org_id;        /* 0: the ticket has no organisation */
    const char *scan_note; /* why it is still unscanned, or NULL */
};

struct hd_org_usage {
    int64_t org_id;
    const char *name;
    int64_t quota_bytes; /* -1: the instance default */
    int64_t used_bytes;  /* sizes of its tickets' stored attachments */
    int64_t stored, held; /* attachment counts in those states */
};

/* Usage of one organisation: 1 found / 0 no such org / -1. */
HD_NODISCARD int hd_store_attach_org_usage(struct hd_store *st,
                                           int64_t org_id,
                                           struct hd_arena *a,
                                           struct hd_org_usage *u_r,
                                           struct hd_error *err);
/* Every organisation's usage, by id. */
HD_NODISCARD int hd_store_attach_usage(struct hd_store *st,
                                       struct hd_arena *a,
                                       struct hd_org_usage **us_r,
                                       size_t *n_r, struct hd_error *err);
/* Sets an organisation's quota; bytes < 0 returns it to the instance
 * default.  1 set / 0 no such org / -1. */
HD_NODISCARD int hd_store_org_set_quota(struct hd_store *st, int64_t org_id,
                                        int64_t bytes, struct hd_error *err);

/* Stored, unscanned attachments, oldest first, at most limit.  Rows with
 * a scan note (clamd refused them, e.g. too big) only when noted. */
HD_NODISCARD int hd_store_attach_unscanned(struct hd_store *st, size_t limit,
                                           bool noted, struct hd_arena *a,
                                           struct hd_attach_item **its_r,
                                           size_t *n_r, struct hd_error *err);
/* Stored attachments of org_id created at or before 'before' (UTC s),
 * oldest first. */
HD_NODISCARD int hd_store_attach_purgeable(struct hd_store *st,
                                           int64_t org_id, int64_t before,
                                           struct hd_arena *a,
                                           struct hd_attach_item **its_r,
                                           size_t *n_r, struct hd_error *err);
/* Stored attachments whose bytes hash to sha256 (same file, any ticket). */
HD_NODISCARD int hd_store_attach_stored_by_hash(struct hd_store *st,
                                                const char *sha256,
                                                struct hd_arena *a,
                                                struct hd_attach_item **its_r,
                                                size_t *n_r,
                                                struct hd_error *err);

/* Records a scan verdict on a still stored attachment (others are left
 * alone: a verdict never revives a quarantined or purged row):
 * scan_state, state (NULL: unchanged) and note (NULL clears it). */
HD_NODISCARD int hd_store_attach_set_scan(struct hd_store *st, int64_t id,
                                          const char *scan_state,
                                          const char *state, const char *note,
                                          struct hd_error *err);
HD_NODISCARD int hd_store_attach_set_state(struct hd_store *st, int64_t id,
                                           const char *state,
                                           struct hd_error *err);
/* Drops the blob row of sha256 when no stored attachment and no raw
 * message needs its bytes any more: returns 1 (the caller removes the
 * file after committing), 0 when still needed, -1 on error. */
HD_NODISCARD int hd_store_blob_release(struct hd_store *st,
                                       const char *sha256,
                                       struct hd_error *err);
/* Flags a ticket for review (needs_review = 1). */
HD_NODISCARD int hd_store_ticket_flag_review(struct hd_store *st,
                                             int64_t ticket_id,
                                             struct hd_error *err);

#endif
