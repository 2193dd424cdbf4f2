/* route.c - routing a new ticket by the ordered rules in the database
 * (rules.c compiles and matches them; 0007_rules.sql ships the defaults),
 * then the queue: the one a rule chose, else the one whose address is the
 * envelope recipient, then one matching a To/Cc address, then "support".
 * Auto-assignment (assign round-robin|least-open) picks among the agents
 * of that queue who are on duty, or on call for incidents outside business
 * hours. */
#include "route.h"

#include "clock.h"
#include "rules.h"
#include "sla.h"
#include "store_rule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BODY_SCAN_BYTES 2000 /* incident words are looked for up front */

/* ASCII case folding, as strncasecmp() does in the C locale. */
static unsigned char fold_ascii(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

bool mg_route_contains(const char *s, const char *word)
{
    size_t wl = strlen(word);
    unsigned char first = fold_ascii((unsigned char)word[0]);
    for (const char *p = s; *p; p++) {
        /* The first byte decides most positions without a call. */
        if (wl > 0 && fold_ascii((unsigned char)*p) != first)
            continue;
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

static void reason(struct mg_route_decision *d, const char *text)
{
    if (d->n_reasons < MG_ROUTE_REASONS_MAX)
        d->reasons[d->n_reasons++] = text;
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

static int pick_queue(struct hd_store *st, const char *default_queue,
                      const struct mg_mail *m,
                      const char *rcpt, struct mg_route_decision *d,
                      struct hd_arena *a, struct hd_error *err)
{
    int f = 0;
    if (d->queue_id > 0)
        return 0;
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
    /* Mail to no queue's address lands in the default queue. */
    struct hd_queue q;
    f = hd_store_queue_get(st, 0, default_queue, a, &q, err);
    if (f > 0)
        d->queue_id = q.id;
    return f < 0 ? -1 : 0;
}

/* Round-robin (after the last one chosen for this queue) or the agent
 * with the fewest open tickets. */
static int auto_assign(struct hd_store *st, struct mg_route_decision *d,
                       bool on_call, struct hd_arena *a,
                       struct hd_error *err)
{
    struct hd_assignee *cs;
    size_t n;
    if (d->queue_id <= 0 || hd_store_assign_candidates(
                                st, d->queue_id, on_call, a, &cs, &n, err) < 0)
        return d->queue_id <= 0 ? 0 : -1;
    if (n == 0) {
        reason(d, "no agent on duty to assign");
        return 0;
    }
    size_t pick = 0;
    if (strcmp(d->assign, "least-open") == 0) {
        for (size_t i = 1; i < n; i++)
            if (cs[i].open_tickets < cs[pick].open_tickets)
                pick = i;
    } else {
        char key[48], *last = NULL;
        snprintf(key, sizeof key, "rr.queue.%lld", (long long)d->queue_id);
        if (hd_store_meta_get(st, key, a, &last, err) < 0)
            return -1;
        int64_t prev = last ? strtoll(last, NULL, 10) : 0;
        for (size_t i = 0; i < n; i++)
            if (cs[i].user_id > prev) {
                pick = i;
                break;
            }
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)cs[pick].user_id);
        if (hd_store_meta_set(st, key, v, err) < 0)
            return -1;
    }
    d->assignee_id = cs[pick].user_id;
    reason(d, hd_arena_printf(a, "assigned to %s (%s%s)", cs[pick].email,
                              d->assign, on_call ? ", on call" : ""));
    return 0;
}

static int apply(struct hd_store *st, struct mg_route_decision *d,
                 const char *act, const char *val, struct hd_arena *a,
                 struct hd_error *err)
{
    struct hd_error ignore;
    if (strcmp(act, "category") == 0)
        return hd_category_parse(val, &d->category, err);
    if (strcmp(act, "priority") == 0)
        return hd_priority_parse(val, &d->priority, err);
    if (strcmp(act, "tag") == 0) {
        if (d->n_tags < MG_ROUTE_TAGS_MAX)
            d->tags[d->n_tags++] = val;
        return 0;
    }
    if (strcmp(act, "queue") == 0) {
        struct hd_queue q;
        if (hd_store_queue_get(st, 0, val, a, &q, err) > 0)
            d->queue_id = q.id;
        return 0;
    }
    if (strcmp(act, "assign") == 0) {
        struct hd_user u;
        d->assign = val;
        if (strcmp(val, "round-robin") != 0 && strcmp(val, "least-open") != 0 &&
            hd_store_user_get(st, 0, val, a, &u, NULL, &ignore) > 0) {
            d->assignee_id = u.id;
            d->assign = NULL;
        }
    }
    return 0;
}

static int context(struct hd_instance *inst, struct hd_store *st,
                   const struct mg_mail *m, const char *rcpt,
                   const struct hd_contact *c, struct hd_arena *a,
                   struct mg_rule_ctx *x, struct hd_error *err)
{
    const struct hd_config *cfg = hd_instance_config(inst);
    memset(x, 0, sizeof *x);
    x->m = m;
    x->envelope = rcpt;
    x->channel = addressed_to(m, rcpt,
                              hd_config_get(cfg,
                                            HD_CFG_SUPPORT_INCIDENT_ADDRESS))
                     ? "incident"
                     : "general";
    size_t bl = m->text_len < BODY_SCAN_BYTES ? m->text_len : BODY_SCAN_BYTES;
    x->head_text = hd_arena_strndup(a, m->text, bl);
    struct hd_calendar *cal = NULL;
    if (hd_business_calendar(inst, st, &cal, err) < 0)
        return -1;
    x->open_now = hd_calendar_is_open(cal, hd_clock_now());
    hd_calendar_free(&cal);
    if (c->org_id > 0) {
        struct hd_org o;
        int f = hd_store_org_get(st, c->org_id, NULL, a, &o, err);
        if (f < 0)
            return -1;
        if (f > 0) {
            x->org_name = o.name;
            x->tier = o.tier;
        }
    }
    return 0;
}

int mg_route_decide(struct hd_instance *inst, struct hd_store *st,
                    const struct mg_mail *m, const char *rcpt,
                    const struct hd_contact *c, struct hd_arena *a,
                    struct mg_route_decision *d, struct hd_error *err)
{
    struct mg_rule_ctx x;
    struct hd_rule_row *rows;
    size_t n;
    memset(d, 0, sizeof *d);
    d->category = HD_CAT_GENERAL;
    d->priority = HD_PRIO_NORMAL;
    d->automatic = m->auto_reply || m->bounce || m->list || m->loop;
    if (context(inst, st, m, rcpt, c, a, &x, err) < 0 ||
        hd_store_rule_list(st, false, a, &rows, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct mg_rule *r;
        struct mg_rule *tmp;
        const char *why;
        if (mg_rule_compiled(rows[i].conditions, rows[i].actions, &r, &tmp,
                             err) < 0)
            return -1; /* validated on the way in: the table was edited */
        bool hit = mg_rule_match(r, &x, a, &why);
        for (size_t k = 0; hit && k < mg_rule_n_actions(r); k++) {
            const char *act, *val;
            mg_rule_action(r, k, &act, &val);
            if (apply(st, d, act, hd_arena_strdup(a, val), a, err) < 0) {
                mg_rule_free(&tmp);
                return -1;
            }
        }
        mg_rule_free(&tmp);
        if (!hit)
            continue;
        reason(d, hd_arena_printf(a, "routed by rule %lld (%s): %s",
                                  (long long)rows[i].id, rows[i].name, why));
        if (rows[i].stop)
            break;
    }
    if (pick_queue(st,
                   hd_config_get(hd_instance_config(inst),
                                 HD_CFG_SUPPORT_DEFAULT_QUEUE),
                   m, rcpt, d, a, err) < 0)
        return -1;
    if (d->assign != NULL && d->assignee_id == 0) {
        bool on_call = d->category == HD_CAT_INCIDENT && !x.open_now;
        if (auto_assign(st, d, on_call, a, err) < 0)
            return -1;
    }
    return 0;
}

void mg_route_apply_new(const struct mg_route_decision *d,
                        struct hd_ticket_new *tn)
{
    tn->queue_id = d->queue_id;
    tn->category = d->category;
    tn->priority = d->priority;
    tn->assignee_id = d->assignee_id;
}
