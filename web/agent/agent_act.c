/* agent_act.c - what agents do to a ticket: reply to the requester (real
 * mail through the durable outbox, threaded under the customer's last
 * message; the first one records the first response on the SLA), add an
 * internal note (never mailed, never shown to customers), change status,
 * priority, category, queue and assignee (history recorded by the store,
 * SLA clocks moved on status changes).  Every handler checks the session,
 * role, CSRF and queue access first; reply and note refuse with 409 when a
 * message arrived after the form was drawn. */
#include "agent_ticket.h"
#include "agent_lists.h"
#include "audit.h"

#include "clock.h"
#include "log.h"
#include "outbound.h"
#include "sla.h"

#include <stdlib.h>
#include <jansson.h>
#include <string.h>

static void textarea_form(struct web_req *r, struct web_html *h,
                          const struct web_agent *ag,
                          const struct hd_ticket *t, int64_t last,
                          const char *kind, enum web_amsg label,
                          const char *draft)
{
    web_html_lit(h, "<form class=\"compose\" method=\"post\" "
                    "action=\"/agent/tickets/");
    web_html_int(h, t->number);
    web_html_lit(h, "/");
    web_html_text(h, kind);
    web_html_lit(h, "\">\n");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<input type=\"hidden\" name=\"last\" value=\"");
    web_html_int(h, last);
    web_html_lit(h, "\">\n<label for=\"");
    web_html_text(h, kind);
    web_html_lit(h, "-body\">");
    web_html_text(h, web_at(r->lang, label));
    web_html_lit(h, "</label>\n<textarea id=\"");
    web_html_text(h, kind);
    web_html_lit(h, "-body\" name=\"body\" rows=\"8\" required>");
    web_html_text(h, draft);
    web_html_lit(h, "</textarea>\n");
    if (strcmp(kind, "reply") == 0)
        web_agent_canned_picker(r, h, t);
    web_html_lit(h, "<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_SEND));
    web_html_lit(h, "</button>\n</form>\n");
}

static void option(struct web_html *h, const char *value, const char *label,
                   bool selected)
{
    web_html_lit(h, "<option value=\"");
    web_html_text(h, value);
    if (selected)
        web_html_lit(h, "\" selected>");
    else
        web_html_lit(h, "\">");
    web_html_text(h, label);
    web_html_lit(h, "</option>");
}

static void change_form(struct web_req *r, struct web_html *h,
                        const struct web_agent *ag,
                        const struct hd_ticket *t)
{
    struct hd_error err = HD_ERROR_INIT;
    web_html_lit(h, "<form class=\"change\" method=\"post\" "
                    "action=\"/agent/tickets/");
    web_html_int(h, t->number);
    web_html_lit(h, "/update\">\n");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, A_STATUS));
    web_html_lit(h, " <select name=\"status\">");
    for (int i = 0; i < HD_STATUS_COUNT; i++)
        option(h, hd_status_name(i), web_at_status(r->lang, i),
               (int)t->status == i);
    web_html_lit(h, "</select></label>\n<label>");
    web_html_text(h, web_at(r->lang, A_PRIORITY));
    web_html_lit(h, " <select name=\"priority\">");
    for (int i = 0; i < HD_PRIO_COUNT; i++)
        option(h, hd_priority_name(i), web_at_priority(r->lang, i),
               (int)t->priority == i);
    web_html_lit(h, "</select></label>\n<label>");
    web_html_text(h, web_at(r->lang, A_CATEGORY));
    web_html_lit(h, " <select name=\"category\">");
    for (int i = 0; i < HD_CAT_COUNT; i++)
        option(h, hd_category_name(i), web_at_category(r->lang, i),
               (int)t->category == i);
    web_html_lit(h, "</select></label>\n<label>");
    web_html_text(h, web_at(r->lang, A_QUEUE));
    web_html_lit(h, " <select name=\"queue\">");
    struct web_agent_lists l = {0}; /* kept per thread (agent_lists.h) */
    if (web_agent_lists_get(r, &l, &err) < 0)
        hd_warn("web", "agent_lists", "error=\"%s\"", err.msg);
    for (size_t i = 0; i < l.nq; i++)
        option(h, hd_arena_printf(r->a, "%lld", (long long)l.queues[i].id),
               l.queues[i].name, l.queues[i].id == t->queue_id);
    web_html_lit(h, "</select></label>\n<label>");
    web_html_text(h, web_at(r->lang, A_ASSIGNEE));
    web_html_lit(h, " <select name=\"assignee\">");
    option(h, "", web_at(r->lang, A_NONE), t->assignee_id == 0);
    for (size_t i = 0; i < l.nu; i++)
        option(h, hd_arena_printf(r->a, "%lld", (long long)l.users[i].id),
               l.users[i].name, l.users[i].id == t->assignee_id);
    web_html_lit(h, "</select></label>\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_UPDATE));
    web_html_lit(h, "</button>\n</form>\n");
}

void web_agent_forms(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, const struct hd_ticket *t,
                     int64_t last, const char *draft, const char *draft_kind)
{
    bool note = draft_kind && strcmp(draft_kind, "note") == 0;
    web_html_lit(h, "<section class=\"act\">\n");
    textarea_form(r, h, ag, t, last, "reply", A_REPLY, note ? NULL : draft);
    textarea_form(r, h, ag, t, last, "note", A_ADD_NOTE, note ? draft : NULL);
    change_form(r, h, ag, t);
    web_agent_merge_form(r, h, ag, t);
    web_html_lit(h, "</section>\n");
}

/* Session (agent or admin), CSRF, ticket access, body; NULL when refused
 * (response written). */
static struct web_agent *act_begin(struct web_req *r, const char *number,
                                   struct hd_ticket *t, const char **body_r)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_AGENT);
    if (ag == NULL || web_agent_ticket_load(r, ag, number, t) <= 0)
        return NULL;
    if (body_r == NULL)
        return ag;
    const char *body = web_form_field(r, "body");
    if (body == NULL || body[strspn(body, " \r\n\t")] == '\0' ||
        strlen(body) > WEB_REPLY_MAX) {
        web_error_page(r, 400);
        return NULL;
    }
    *body_r = body;
    return ag;
}

/* True (page with the draft and a 409 written) when a message was added
 * after the form's "last". */
static bool collided(struct web_req *r, const struct web_agent *ag,
                     const struct hd_ticket *t, const char *body,
                     const char *kind)
{
    const char *ls = web_form_field(r, "last");
    int64_t last = 0, seen = ls ? strtoll(ls, NULL, 10) : -1;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_ticket_last_message(r->st, t->id, &last, &err) < 0) {
        web_agent_fail(r, &err);
        return true;
    }
    if (last == seen)
        return false;
    web_agent_ticket_page(r, ag, t, 409, body, kind);
    return true;
}

/* The newest customer message, for In-Reply-To / References. */
static const struct hd_message *customer_last(struct web_req *r,
                                              const struct hd_ticket *t,
                                              struct hd_error *err)
{
    struct hd_message *ms = NULL;
    size_t n = 0;
    if (hd_store_message_list(r->st, t->id, false, r->a, &ms, &n, err) < 0)
        return NULL;
    for (size_t i = n; i > 0; i--)
        if (ms[i - 1].kind == HD_MSG_INBOUND)
            return &ms[i - 1];
    return NULL;
}

/* Inside the transaction: queue the mail, then the SLA and status. */
static int send_reply(struct web_req *r, const struct web_agent *ag,
                      struct hd_ticket *t, const char *body,
                      struct hd_error *err)
{
    const struct hd_message *c = customer_last(r, t, err);
    if (c == NULL && err->code != 0)
        return -1;
    struct hd_outbound o = {
        .t = t,
        .kind = "reply",
        .to_addr = t->requester_address,
        .to_name = t->requester_name,
        .subject = t->subject,
        .body = body,
        .in_reply_to = c ? c->message_id : NULL,
        .refs = c && c->refs && *c->refs ? c->refs : NULL,
        .record = true,
        .author_user_id = ag->user.id,
    };
    const char *actor = hd_arena_printf(r->a, "user:%lld",
                                        (long long)ag->user.id);
    struct hd_sla *sla = NULL;
    int64_t now = hd_clock_now();
    int rc = -1;
    if (hd_outbound_queue(r->app->inst, r->st, &o, r->a, NULL, err) < 0 ||
        hd_sla_new(r->app->inst, r->st, &sla, err) < 0)
        goto out;
    if (t->first_response_at == 0 &&
        hd_sla_first_response(sla, r->st, t, now, err) < 0)
        goto out;
    if (t->status == HD_STATUS_NEW &&
        (hd_store_ticket_set(r->st, t->id, "status", "open", actor, err) < 0 ||
         hd_sla_on_status(sla, r->st, t, HD_STATUS_NEW, HD_STATUS_OPEN, now,
                          err) < 0))
        goto out;
    rc = 0;
out:
    hd_sla_free(&sla);
    return rc;
}

static void done(struct web_req *r, const struct hd_ticket *t)
{
    web_resp_redirect(r, 303, hd_arena_printf(r->a, "/agent/tickets/%lld",
                                              (long long)t->number));
}

void web_agent_reply(struct web_req *r, const char *number)
{
    struct hd_ticket t;
    const char *body = NULL;
    struct web_agent *ag = act_begin(r, number, &t, &body);
    if (ag == NULL || collided(r, ag, &t, body, "reply"))
        return;
    struct hd_error err = HD_ERROR_INIT;
    if (t.requester_address == NULL) {
        web_error_page(r, 400);
        return;
    }
    if (hd_store_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    if (send_reply(r, ag, &t, body, &err) < 0 ||
        hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        web_agent_fail(r, &err);
        return;
    }
    hd_info("web", "reply", "ticket=%lld user=%lld", (long long)t.number,
            (long long)ag->user.id);
    done(r, &t);
}

void web_agent_note(struct web_req *r, const char *number)
{
    struct hd_ticket t;
    const char *body = NULL;
    struct web_agent *ag = act_begin(r, number, &t, &body);
    if (ag == NULL || collided(r, ag, &t, body, "note"))
        return;
    char rnd[HD_TOKEN_SIZE];
    hd_token_new(rnd);
    rnd[16] = '\0';
    struct hd_message m = {
        .ticket_id = t.id,
        .kind = HD_MSG_NOTE,
        .author_user_id = ag->user.id,
        .from_addr = ag->user.email,
        .from_name = ag->user.name,
        .message_id = hd_arena_printf(r->a, "note.%lld.%s@helpdesk",
                                      (long long)t.number, rnd),
        .body_text = body,
        .created_at = hd_clock_now(),
    };
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_message_insert(r->st, &m, NULL, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    done(r, &t);
}

/* One field from the form, when it differs from the ticket's. */
static int change_status(struct web_req *r, struct hd_ticket *t,
                         const char *actor, const char *v,
                         struct hd_error *err)
{
    enum hd_status to;
    if (hd_status_parse(v, &to, err) < 0)
        return -1;
    if (to == t->status)
        return 0;
    if (!hd_status_can_change(t->status, to)) {
        hd_error_set(err, HD_E_INVAL, "status %s cannot become %s",
                     hd_status_name(t->status), v);
        return -1;
    }
    struct hd_sla *sla = NULL;
    int rc = -1;
    if (hd_store_ticket_set(r->st, t->id, "status", v, actor, err) == 0 &&
        hd_sla_new(r->app->inst, r->st, &sla, err) == 0 &&
        hd_sla_on_status(sla, r->st, t, t->status, to, hd_clock_now(),
                         err) == 0)
        rc = 0;
    hd_sla_free(&sla);
    t->status = to;
    return rc;
}

int web_agent_change_status(struct web_req *r, struct hd_ticket *t,
                            const char *actor, const char *status,
                            struct hd_error *err)
{
    return change_status(r, t, actor, status, err);
}

static int change_fields(struct web_req *r, const struct web_agent *ag,
                         struct hd_ticket *t, struct hd_error *err)
{
    const char *actor = hd_arena_printf(r->a, "user:%lld",
                                        (long long)ag->user.id);
    const char *v;
    enum hd_priority p;
    enum hd_category c;
    bool reclassified = false;
    if ((v = web_form_field(r, "priority")) &&
        hd_priority_parse(v, &p, err) == 0 && p != t->priority) {
        if (hd_store_ticket_set(r->st, t->id, "priority", v, actor, err) < 0)
            return -1;
        t->priority = p;
        reclassified = true;
    }
    if ((v = web_form_field(r, "category")) &&
        hd_category_parse(v, &c, err) == 0 && c != t->category) {
        if (hd_store_ticket_set(r->st, t->id, "category", v, actor, err) < 0)
            return -1;
        t->category = c;
        reclassified = true;
    }
    if (reclassified) { /* the SLA targets follow the new class */
        struct hd_sla *sla = NULL;
        int rc = hd_sla_new(r->app->inst, r->st, &sla, err);
        if (rc == 0)
            rc = hd_sla_recompute(sla, r->st, t, err);
        hd_sla_free(&sla);
        if (rc < 0)
            return -1;
    }
    if ((v = web_form_field(r, "assignee")) &&
        strtoll(v, NULL, 10) != t->assignee_id &&
        hd_store_ticket_set(r->st, t->id, "assignee", v, actor, err) < 0)
        return -1;
    if ((v = web_form_field(r, "queue")) && strtoll(v, NULL, 10) > 0 &&
        strtoll(v, NULL, 10) != t->queue_id) {
        int has = ag->role == WEB_ROLE_ADMIN
                      ? 1
                      : hd_store_user_has_queue(r->st, ag->user.id,
                                                strtoll(v, NULL, 10), err);
        if (has <= 0) {
            if (has == 0)
                hd_error_set(err, HD_E_PERM, "queue not granted");
            return -1;
        }
        if (hd_store_ticket_set(r->st, t->id, "queue", v, actor, err) < 0)
            return -1;
    }
    if ((v = web_form_field(r, "status")) &&
        change_status(r, t, actor, v, err) < 0)
        return -1;
    return 0;
}

/* The audit row of a change made from the ticket page: who, from where,
 * the request, and the fields before and after. */
static int audit_update(struct web_req *r, const struct web_agent *ag,
                        const struct hd_ticket *t, const char *before_json,
                        struct hd_error *err)
{
    struct hd_ticket now;
    if (hd_store_ticket_get(r->st, t->id, 0, r->a, &now, err) <= 0)
        return -1;
    json_t *after = json_pack("{s:s, s:s, s:s, s:I, s:I}", "status",
                              hd_status_name(now.status), "priority",
                              hd_priority_name(now.priority), "category",
                              hd_category_name(now.category), "assignee",
                              (json_int_t)now.assignee_id, "queue",
                              (json_int_t)now.queue_id);
    const char *after_json = hd_audit_json(r->a, after);
    if (strcmp(after_json, before_json) == 0)
        return 0; /* nothing changed */
    return web_agent_audit(
        r, ag, hd_arena_printf(r->a, "ticket:%lld", (long long)t->number),
        "ticket.update", before_json, after_json, err);
}

void web_agent_update(struct web_req *r, const char *number)
{
    struct hd_ticket t;
    struct web_agent *ag = act_begin(r, number, &t, NULL);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    json_t *before = json_pack("{s:s, s:s, s:s, s:I, s:I}", "status",
                               hd_status_name(t.status), "priority",
                               hd_priority_name(t.priority), "category",
                               hd_category_name(t.category), "assignee",
                               (json_int_t)t.assignee_id, "queue",
                               (json_int_t)t.queue_id);
    const char *before_json = hd_audit_json(r->a, before);
    if (change_fields(r, ag, &t, &err) < 0 ||
        audit_update(r, ag, &t, before_json, &err) < 0) {
        hd_store_rollback(r->st);
        if (err.code == HD_E_PERM)
            web_error_page(r, 403);
        else if (err.code == HD_E_INVAL)
            web_error_page(r, 400);
        else
            web_agent_fail(r, &err);
        return;
    }
    if (hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        web_agent_fail(r, &err);
        return;
    }
    done(r, &t);
}
