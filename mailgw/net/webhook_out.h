/* webhook_out.h - delivering queued webhook events (helpdesk/desk/webhook.h)
 * over HTTP: one POST per delivery, signed, retried with back-off until
 * HD_WEBHOOK_ATTEMPTS_MAX attempts.  Only http:// URLs are delivered;
 * https:// deliveries fail with a clear error (not yet supported).
 * Each delivery is claimed (hd_store_webhook_claim) before it is posted, so
 * several workers, on one host or several, post it once. */
#ifndef MG_WEBHOOK_OUT_H
#define MG_WEBHOOK_OUT_H

#include "instance.h"
#include "store.h"

#define HD_WEBHOOK_BATCH 20          /* deliveries per pass */
#define HD_WEBHOOK_ATTEMPTS_MAX 8
#define HD_WEBHOOK_TIMEOUT_SECS 10   /* connect, send and answer, each */
#define HD_WEBHOOK_BACKOFF_MAX 3600  /* seconds between retries, at most */
/* Seconds a claimed delivery is left alone by other workers: past the
 * longest POST (three timeouts).  A worker killed mid-POST leaves the row
 * claimed; it is posted again after the lease, with the same
 * X-Helpdesk-Delivery id, so a receiver can drop the duplicate. */
#define HD_WEBHOOK_LEASE 300

/* One pass over the due deliveries (the worker's job). */
HD_NODISCARD int hd_webhook_run(struct hd_instance *inst, struct hd_store *st,
                                struct hd_error *err);

#endif
