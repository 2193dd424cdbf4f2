/* webhook.c - see webhook.h. */
#include "webhook.h"

#include <jansson.h>

#include "clock.h"
#include "crypt.h"
#include "store_api.h"
#include "ticket_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const events_known[] = {"created", "updated",
                                           "sla_breached"};

bool hd_webhook_event_known(const char *event)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(events_known); i++)
        if (strcmp(event, events_known[i]) == 0)
            return true;
    return false;
}

int hd_webhook_events_check(const char *events, struct hd_error *err)
{
    const char *p = events;
    if (events == NULL || *events == '\0') {
        hd_error_set(err, HD_E_INVAL, "no events: expected some of "
                     "created,updated,sla_breached");
        return -1;
    }
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        char one[32];
        if (n == 0 || n >= sizeof one) {
            hd_error_set(err, HD_E_INVAL, "event list '%.60s': empty or "
                         "overlong item", events);
            return -1;
        }
        memcpy(one, p, n);
        one[n] = '\0';
        if (!hd_webhook_event_known(one)) {
            hd_error_set(err, HD_E_INVAL, "unknown event '%s': expected "
                         "created, updated or sla_breached", one);
            return -1;
        }
        p += n + (p[n] == ',');
    }
    return 0;
}

int hd_webhook_enqueue(struct hd_store *st, const char *event,
                       int64_t ticket_number, const char *json_payload,
                       struct hd_error *err)
{
    if (!hd_webhook_event_known(event)) {
        hd_error_set(err, HD_E_INVAL, "unknown webhook event '%.40s'",
                     event);
        return -1;
    }
    size_t n = strlen(json_payload);
    if (n > HD_WEBHOOK_PAYLOAD_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "webhook payload is %zu bytes, max "
                     "%d", n, HD_WEBHOOK_PAYLOAD_MAX);
        return -1;
    }
    return hd_store_webhook_enqueue(st, event, ticket_number, json_payload,
                                    hd_clock_now(), NULL, err);
}

void hd_webhook_sign(const char *secret, const char *body, size_t len,
                     char out[HD_WEBHOOK_SIG_SIZE])
{
    uint8_t mac[HD_SHA256_LEN];
    static const char hex[] = "0123456789abcdef";
    hd_hmac_sha256(secret, strlen(secret), body, len, mac);
    memcpy(out, "sha256=", 7);
    for (size_t i = 0; i < HD_SHA256_LEN; i++) {
        out[7 + 2 * i] = hex[mac[i] >> 4];
        out[8 + 2 * i] = hex[mac[i] & 15];
    }
    out[7 + 2 * HD_SHA256_LEN] = '\0';
    hd_memzero_explicit(mac, sizeof mac);
}

int hd_webhook_ticket_event(struct hd_store *st, const char *event,
                            const struct hd_ticket *t, struct hd_error *err)
{
    json_t *p = json_pack("{s:s, s:o, s:o}", "event", event, "ticket",
                          hd_ticket_json(t), "at",
                          hd_json_time(hd_clock_now()));
    char *text = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    int rc = hd_webhook_enqueue(st, event, t->number, text, err);
    free(text);
    return rc;
}
