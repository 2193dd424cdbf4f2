/* webhook.h - outgoing webhooks: which events exist, queuing an event
 * for every subscribed receiver, and the signature receivers check.
 * Delivery (HTTP) is the worker's: mailgw/net/webhook_out.h.
 *
 * A receiver verifies X-Helpdesk-Signature: "sha256=" followed by the hex
 * HMAC-SHA256 of the exact request body under the webhook's secret. */
#ifndef HD_WEBHOOK_H
#define HD_WEBHOOK_H

#include "store.h"

#define HD_WEBHOOK_SIG_SIZE 72    /* "sha256=" + 64 hex + NUL */
#define HD_WEBHOOK_PAYLOAD_MAX (64 * 1024)
#define HD_WEBHOOK_SECRET_MIN 16  /* bytes */
#define HD_WEBHOOK_SECRET_MAX 256
#define HD_WEBHOOK_URL_MAX 2048

/* True for "created", "updated", "sla_breached". */
bool hd_webhook_event_known(const char *event);
/* Checks a comma-separated event list ("created,updated"): 0 or -1 with
 * HD_E_INVAL naming the unknown one. */
HD_NODISCARD int hd_webhook_events_check(const char *events,
                                         struct hd_error *err);

/* Queues 'event' about ticket 'ticket_number' with body json_payload
 * (UTF-8 JSON text) for every enabled webhook subscribed to it, inside the
 * caller's transaction if one is open.  HD_E_INVAL for an unknown event,
 * HD_E_TOOBIG past HD_WEBHOOK_PAYLOAD_MAX. */
HD_NODISCARD int hd_webhook_enqueue(struct hd_store *st, const char *event,
                                    int64_t ticket_number,
                                    const char *json_payload,
                                    struct hd_error *err);

/* Enqueues 'event' with the one payload for ticket t: {"event",
 * "ticket": the ticket as the API shows it (ticket_json.h), "at"}.  The
 * only builder of webhook payloads. */
HD_NODISCARD int hd_webhook_ticket_event(struct hd_store *st,
                                         const char *event,
                                         const struct hd_ticket *t,
                                         struct hd_error *err);

/* "sha256=<hex HMAC-SHA256(secret, body)>" into out. */
void hd_webhook_sign(const char *secret, const char *body, size_t len,
                     char out[HD_WEBHOOK_SIG_SIZE]);

#endif
