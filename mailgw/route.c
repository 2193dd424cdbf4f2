/* route.c - the default rule set.  Rules are evaluated in order and all
 * that match apply (a later rule can raise priority, not lower it).
 *
 *  1. sent to the incident address (envelope, To or Cc) -> incident, high
 *  2. subject or first lines contain an incident word -> incident, high
 *  3. X-Priority 1-2, Importance: high or Priority: urgent -> high
 *  4. premium/enterprise organisation -> tag "premium"
 *  5. automatic mail (auto-reply, bounce, list, our loop) -> low, tag
 *
 * The queue is the one whose address is the envelope recipient, then one
 * matching a To/Cc address, then "incident" for incidents, then "support". */
#include "route.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BODY_SCAN_BYTES 2000 /* incident words are looked for up front */

static const char *const incident_words[] = {
    "障害", "緊急", "停止", "ダウン", "繋がらない", "つながらない",
    "落ちて", "outage", "down", "urgent", "emergency", "not working",
};

bool mg_route_contains(const char *s, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = s; *p; p++) {
        if (strncasecmp(p, word, wl) != 0)
            continue;
        /* English words must stand alone ("download" is not "down"). */
        bool ascii = (unsigned char)word[0] < 0x80;
        if (!ascii)
            return true;
        bool left = p == s || !((p[-1] >= 'a' && p[-1] <= 'z') ||
                                (p[-1] >= 'A' && p[-1] <= 'Z'));
        char c = p[wl];
        bool right = !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
        if (left && right)
            return true;
    }
    return false;
}

static void reason(struct mg_route_decision *d, struct hd_arena *a,
                   int rule, const char *what)
{
    if (d->n_reasons < MG_ROUTE_REASONS_MAX)
        d->reasons[d->n_reasons++] =
            hd_arena_printf(a, "routed by rule %d: %s", rule, what);
}

static void raise_priority(struct mg_route_decision *d, enum hd_priority p)
{
    if (p > d->priority)
        d->priority = p;
}

static bool addressed_to(const struct mg_mail *m, const char *rcpt,
                         const char *addr)
{
    if (addr == NULL || *addr == '\0')
        return false;
    if (rcpt != NULL && strcasecmp(rcpt, addr) == 0)
        return true;
    for (size_t i = 0; i < m->n_to; i++)
        if (strcasecmp(m->to[i].address, addr) == 0)
            return true;
    for (size_t i = 0; i < m->n_cc; i++)
        if (strcasecmp(m->cc[i].address, addr) == 0)
            return true;
    return false;
}

static int pick_queue(struct hd_store *st, const struct mg_mail *m,
                      const char *rcpt, struct mg_route_decision *d,
                      struct hd_arena *a, struct hd_error *err)
{
    int f = 0;
    if (rcpt != NULL)
        f = hd_store_queue_by_address(st, rcpt, &d->queue_id, err);
    for (size_t i = 0; f == 0 && i < m->n_to; i++)
        f = hd_store_queue_by_address(st, m->to[i].address, &d->queue_id,
                                      err);
    for (size_t i = 0; f == 0 && i < m->n_cc; i++)
        f = hd_store_queue_by_address(st, m->cc[i].address, &d->queue_id,
                                      err);
    if (f != 0)
        return f < 0 ? -1 : 0;
    struct hd_queue q;
    const char *name =
        d->category == HD_CAT_INCIDENT ? "incident" : "support";
    f = hd_store_queue_get(st, 0, name, a, &q, err);
    if (f == 0 && d->category == HD_CAT_INCIDENT)
        f = hd_store_queue_get(st, 0, "support", a, &q, err);
    if (f > 0)
        d->queue_id = q.id;
    return f < 0 ? -1 : 0;
}

int mg_route_decide(struct hd_instance *inst, struct hd_store *st,
                    const struct mg_mail *m, const char *rcpt,
                    const struct hd_contact *c, struct hd_arena *a,
                    struct mg_route_decision *d, struct hd_error *err)
{
    const struct hd_config *cfg = hd_instance_config(inst);
    memset(d, 0, sizeof *d);
    d->category = HD_CAT_GENERAL;
    d->priority = HD_PRIO_NORMAL;
    const char *inc = hd_config_get(cfg, "support.incident_address");
    if (addressed_to(m, rcpt, inc)) {
        d->category = HD_CAT_INCIDENT;
        raise_priority(d, HD_PRIO_HIGH);
        reason(d, a, 1, hd_arena_printf(a, "sent to %s", inc));
    }
    size_t bl = strlen(m->text) < BODY_SCAN_BYTES ? strlen(m->text)
                                                   : BODY_SCAN_BYTES;
    const char *head = hd_arena_strndup(a, m->text, bl);
    for (size_t i = 0; i < HD_ARRAY_LEN(incident_words); i++) {
        const char *w = incident_words[i];
        bool in_subj = mg_route_contains(m->subject, w);
        if (in_subj || mg_route_contains(head, w)) {
            d->category = HD_CAT_INCIDENT;
            raise_priority(d, HD_PRIO_HIGH);
            reason(d, a, 2,
                   hd_arena_printf(a, "%s contains %s",
                                   in_subj ? "subject" : "body", w));
            break;
        }
    }
    const char *xp = mg_mail_header(m, "X-Priority");
    const char *imp = mg_mail_header(m, "Importance");
    const char *pri = mg_mail_header(m, "Priority");
    if ((xp && (xp[0] == '1' || xp[0] == '2')) ||
        (imp && strcasecmp(imp, "high") == 0) ||
        (pri && strcasecmp(pri, "urgent") == 0)) {
        raise_priority(d, HD_PRIO_HIGH);
        reason(d, a, 3, "sender marked the message as important");
    }
    if (c->org_id > 0) {
        struct hd_org o;
        int f = hd_store_org_get(st, c->org_id, NULL, a, &o, err);
        if (f < 0)
            return -1;
        if (f > 0 && (strcmp(o.tier, "premium") == 0 ||
                      strcmp(o.tier, "enterprise") == 0)) {
            d->tags[d->n_tags++] = "premium";
            reason(d, a, 4, hd_arena_printf(a, "organisation %s is %s",
                                            o.name, o.tier));
        }
    }
    d->automatic = m->auto_reply || m->bounce || m->list || m->loop;
    if (d->automatic) {
        d->priority = HD_PRIO_LOW;
        d->tags[d->n_tags++] = "automatic";
        reason(d, a, 5,
               m->bounce       ? "delivery failure report"
               : m->loop       ? "our own mail came back (X-Loop)"
               : m->auto_reply ? "automatic reply"
                               : "mailing list or bulk mail");
    }
    return pick_queue(st, m, rcpt, d, a, err);
}

void mg_route_apply_new(const struct mg_route_decision *d,
                        struct hd_ticket_new *tn)
{
    tn->queue_id = d->queue_id;
    tn->category = d->category;
    tn->priority = d->priority;
}

int mg_route_record(struct hd_store *st, int64_t ticket_id,
                    const struct mg_route_decision *d, struct hd_error *err)
{
    for (size_t i = 0; i < d->n_tags; i++)
        if (hd_store_ticket_add_tag(st, ticket_id, d->tags[i], err) < 0)
            return -1;
    for (size_t i = 0; i < d->n_reasons; i++)
        if (hd_store_event_add(st, ticket_id, "mailgw", "routed", NULL, NULL,
                               NULL, d->reasons[i], err) < 0)
            return -1;
    return 0;
}
