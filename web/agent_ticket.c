/* agent_ticket.c - one ticket at /agent/tickets/NUMBER: the thread
 * (customer messages, our replies, internal notes and history events in
 * time order), quoted text and signatures folded, attachments, SLA
 * clocks, and the collision warning.  The forms it shows are handled in
 * agent_act.c.  Who may look: admins, and users granted the ticket's
 * queue (anyone else gets 403, logged). */
#include "agent_int.h"
#include "agent_ticket.h"

#include "clock.h"
#include "parse.h"

#include <stdlib.h>
#include <string.h>

int web_agent_ticket_load(struct web_req *r, const struct web_agent *ag,
                          const char *number, struct hd_ticket *t_r)
{
    char *end = NULL;
    long long n = number ? strtoll(number, &end, 10) : 0;
    struct hd_error err = HD_ERROR_INIT;
    if (n <= 0 || end == NULL || *end != '\0') {
        web_error_page(r, 404);
        return 0;
    }
    int found = hd_store_ticket_get(r->st, 0, n, r->a, t_r, &err);
    if (found <= 0) {
        if (found < 0)
            web_agent_fail(r, &err);
        else
            web_error_page(r, 404);
        return found < 0 ? -1 : 0;
    }
    if (ag->role == WEB_ROLE_ADMIN)
        return 1;
    int has = t_r->queue_id > 0 ? hd_store_user_has_queue(
                                      r->st, ag->user.id, t_r->queue_id, &err)
                                : 0;
    if (has < 0) {
        web_agent_fail(r, &err);
        return -1;
    }
    if (has == 0) {
        web_agent_security(r, "forbidden", ag->user.id, ag->user.email,
                           r->path);
        web_error_page(r, 403);
        return 0;
    }
    return 1;
}

/* The body text with quotes and signatures in <details>. */
static void body_folded(struct web_req *r, struct web_html *h,
                        const char *text)
{
    struct mg_fold *folds = NULL;
    size_t len = strlen(text);
    size_t n = mg_text_fold(text, len, r->a, &folds);
    size_t at = 0;
    web_html_lit(h, "<div class=\"body\">");
    for (size_t i = 0; i < n; i++) {
        web_html_textn(h, text + at, folds[i].start - at);
        web_html_lit(h, "<details class=\"fold\"><summary>");
        web_html_text(h, web_at(r->lang, folds[i].kind == MG_FOLD_SIGNATURE
                                             ? A_SIGNATURE
                                             : A_QUOTED));
        web_html_lit(h, "</summary>");
        web_html_textn(h, text + folds[i].start,
                       folds[i].end - folds[i].start);
        web_html_lit(h, "</details>");
        at = folds[i].end;
    }
    web_html_textn(h, text + at, len - at);
    web_html_lit(h, "</div>\n");
}

static void attachments(struct web_req *r, struct web_html *h,
                        const struct hd_message *m)
{
    struct hd_attachment *as = NULL;
    size_t n = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_attachment_list(r->st, m->id, r->a, &as, &n, &err) < 0 ||
        n == 0)
        return;
    web_html_lit(h, "<ul class=\"attachments\" aria-label=\"");
    web_html_text(h, web_at(r->lang, A_ATTACHMENTS));
    web_html_lit(h, "\">\n");
    for (size_t i = 0; i < n; i++) {
        web_html_lit(h, "<li>");
        web_html_text(h, as[i].filename);
        web_html_lit(h, " (");
        web_html_int(h, as[i].size);
        web_html_lit(h, " ");
        web_html_text(h, web_at(r->lang, A_BYTES));
        web_html_lit(h, ", ");
        web_html_text(h, as[i].content_type);
        web_html_lit(h, ", ");
        web_html_text(h, web_at(r->lang, A_SCAN));
        web_html_lit(h, ": <span class=\"scan-");
        web_html_text(h, as[i].scan_state);
        web_html_lit(h, "\">");
        web_html_text(h, as[i].scan_state);
        web_html_lit(h, "</span>, ");
        web_html_text(h, as[i].state);
        web_html_lit(h, ")</li>\n");
    }
    web_html_lit(h, "</ul>\n");
}

static void message_item(struct web_req *r, struct web_html *h,
                         const struct hd_ticket *t,
                         const struct hd_message *m)
{
    static const char *const cls[] = {"msg inbound", "msg outbound",
                                      "msg note"};
    static const enum web_amsg who[] = {A_CUSTOMER, A_OUR_REPLY,
                                        A_NOTE_LABEL};
    web_html_lit(h, "<article class=\"");
    web_html_text(h, cls[m->kind]);
    web_html_lit(h, "\" id=\"m");
    web_html_int(h, m->id);
    web_html_lit(h, "\" tabindex=\"-1\">\n<header><span class=\"kind\">");
    web_html_text(h, web_at(r->lang, who[m->kind]));
    web_html_lit(h, "</span> ");
    web_html_text(h, *m->from_name ? m->from_name : m->from_addr);
    web_html_lit(h, " &lt;");
    web_html_text(h, m->from_addr);
    web_html_lit(h, "&gt; ");
    web_agent_time(r, h, m->created_at);
    if (m->body_html != NULL && *m->body_html != '\0') {
        web_html_lit(h, " <a class=\"html-view\" href=\"/agent/tickets/");
        web_html_int(h, t->number);
        web_html_lit(h, "/html?m=");
        web_html_int(h, m->id);
        web_html_lit(h, "\">");
        web_html_text(h, web_at(r->lang, A_SHOW_HTML));
        web_html_lit(h, "</a>");
    }
    web_html_lit(h, "</header>\n");
    body_folded(r, h, m->body_text);
    attachments(r, h, m);
    web_html_lit(h, "</article>\n");
}

static void event_item(struct web_req *r, struct web_html *h,
                       const struct hd_event *e)
{
    web_html_lit(h, "<p class=\"event\"><span class=\"kind\">");
    web_html_text(h, web_at(r->lang, A_SYSTEM));
    web_html_lit(h, "</span> ");
    web_agent_time(r, h, e->at);
    web_html_lit(h, " ");
    web_html_text(h, e->actor);
    web_html_lit(h, ": ");
    web_html_text(h, e->kind);
    if (e->field != NULL) {
        web_html_lit(h, " ");
        web_html_text(h, e->field);
        web_html_lit(h, " ");
        web_html_text(h, e->old_value ? e->old_value : "—");
        web_html_lit(h, " → ");
        web_html_text(h, e->new_value ? e->new_value : "—");
    }
    if (e->detail != NULL && *e->detail) {
        web_html_lit(h, " (");
        web_html_text(h, e->detail);
        web_html_lit(h, ")");
    }
    web_html_lit(h, "</p>\n");
}

/* Messages and events merged by time. */
static int thread(struct web_req *r, struct web_html *h,
                  const struct hd_ticket *t, struct hd_error *err)
{
    struct hd_message *ms = NULL;
    struct hd_event *es = NULL;
    size_t nm = 0, ne = 0, i = 0, j = 0;
    if (hd_store_message_list(r->st, t->id, true, r->a, &ms, &nm, err) < 0 ||
        hd_store_event_list(r->st, t->id, r->a, &es, &ne, err) < 0)
        return -1;
    web_html_lit(h, "<section class=\"thread\"><h2>");
    web_html_text(h, web_at(r->lang, A_THREAD));
    web_html_lit(h, "</h2>\n");
    while (i < nm || j < ne) {
        if (j >= ne || (i < nm && ms[i].created_at <= es[j].at))
            message_item(r, h, t, &ms[i++]);
        else
            event_item(r, h, &es[j++]);
    }
    web_html_lit(h, "</section>\n");
    return 0;
}

static void sla_box(struct web_req *r, struct web_html *h,
                    const struct hd_ticket *t)
{
    int64_t now = hd_clock_now();
    web_html_lit(h, "<dl class=\"sla\"><dt>");
    web_html_text(h, web_at(r->lang, A_FIRST_RESPONSE));
    web_html_lit(h, "</dt><dd>");
    if (t->first_response_at != 0) {
        web_html_text(h, web_at(r->lang, A_MET));
        web_html_lit(h, " ");
        web_agent_time(r, h, t->first_response_at);
    } else if (t->first_response_due != 0) {
        web_agent_time(r, h, t->first_response_due);
        web_html_lit(h, " (");
        web_agent_left(r, h, t->first_response_due, now);
        web_html_lit(h, ")");
    } else {
        web_html_lit(h, "—");
    }
    web_html_lit(h, "</dd><dt>");
    web_html_text(h, web_at(r->lang, A_RESOLUTION));
    web_html_lit(h, "</dt><dd>");
    if (t->resolved_at != 0) {
        web_agent_time(r, h, t->resolved_at);
    } else if (t->resolution_due != 0) {
        web_agent_time(r, h, t->resolution_due);
        web_html_lit(h, " (");
        web_agent_left(r, h, t->resolution_due, now);
        web_html_lit(h, ")");
    } else {
        web_html_lit(h, "—");
    }
    web_html_lit(h, "</dd></dl>\n");
}

static void summary(struct web_req *r, struct web_html *h,
                    const struct hd_ticket *t)
{
    bool inc = t->category == HD_CAT_INCIDENT;
    if (inc)
        web_html_lit(h, "<h1 class=\"incident\">");
    else
        web_html_lit(h, "<h1>");
    if (inc) {
        web_html_lit(h, "<strong class=\"label-incident\">");
        web_html_text(h, web_at(r->lang, A_INCIDENT_LABEL));
        web_html_lit(h, "</strong> ");
    }
    web_html_lit(h, "#");
    web_html_int(h, t->number);
    web_html_lit(h, " ");
    web_html_text(h, t->subject);
    web_html_lit(h, "</h1>\n<p class=\"facts\">");
    web_html_text(h, web_at(r->lang, A_STATUS));
    web_html_lit(h, ": ");
    web_html_text(h, web_at_status(r->lang, t->status));
    web_html_lit(h, " · ");
    web_html_text(h, web_at(r->lang, A_PRIORITY));
    web_html_lit(h, ": ");
    web_html_text(h, web_at_priority(r->lang, t->priority));
    web_html_lit(h, " · ");
    web_html_text(h, web_at(r->lang, A_QUEUE));
    web_html_lit(h, ": ");
    web_html_text(h, t->queue_name ? t->queue_name : "—");
    web_html_lit(h, " · ");
    web_html_text(h, web_at(r->lang, A_ASSIGNEE));
    web_html_lit(h, ": ");
    web_html_text(h, t->assignee_name ? t->assignee_name : "—");
    web_html_lit(h, " · ");
    web_html_text(h, web_at(r->lang, A_REQUESTER));
    web_html_lit(h, ": ");
    web_html_text(h, t->requester_address ? t->requester_address : "—");
    web_agent_merged_note(r, h, t);
    web_html_lit(h, "</p>\n");
    sla_box(r, h, t);
}

/* Others who opened the ticket lately; the last message id for the forms. */
static int collision(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, const struct hd_ticket *t,
                     bool changed, struct hd_error *err)
{
    char *names = NULL;
    int64_t now = hd_clock_now();
    if (hd_store_ticket_viewers(r->st, t->id, ag->user.id,
                                now - WEB_COLLISION_SECS, r->a, &names,
                                err) < 0 ||
        hd_store_ticket_viewed(r->st, t->id, ag->user.id, now, err) < 0)
        return -1;
    if (*names != '\0') {
        web_html_lit(h, "<p class=\"warning\" role=\"status\">");
        web_html_text(h, web_at(r->lang, A_COLLISION_VIEW));
        web_html_lit(h, " ");
        web_html_text(h, names);
        web_html_lit(h, "</p>\n");
    }
    if (changed) {
        web_html_lit(h, "<p class=\"warning\" role=\"alert\" "
                        "id=\"collision\">");
        web_html_text(h, web_at(r->lang, A_COLLISION_NEW));
        web_html_lit(h, "</p>\n");
    }
    return 0;
}

static void draft_notice(struct web_html *h, const char *notice)
{
    if (notice == NULL)
        return;
    web_html_lit(h, "<p class=\"notice\" role=\"status\" id=\"notice\">");
    web_html_text(h, notice);
    web_html_lit(h, "</p>\n");
}

void web_agent_ticket_page(struct web_req *r, const struct web_agent *ag,
                           const struct hd_ticket *t, int status,
                           const char *draft, const char *draft_kind)
{
    struct web_ticket_draft d = {
        .text = draft, .kind = draft_kind, .collided = draft != NULL};
    web_agent_ticket_page_draft(r, ag, t, status, &d);
}

void web_agent_ticket_page_draft(struct web_req *r,
                                 const struct web_agent *ag,
                                 const struct hd_ticket *t, int status,
                                 const struct web_ticket_draft *d)
{
    static const struct web_ticket_draft none;
    if (d == NULL)
        d = &none;
    struct hd_error err = HD_ERROR_INIT;
    int64_t last = 0;
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, hd_arena_printf(r->a, "#%lld %s",
                                                      (long long)t->number,
                                                      t->subject));
    summary(r, &h, t);
    draft_notice(&h, d->notice);
    if (collision(r, &h, ag, t, d->collided, &err) < 0 ||
        hd_store_ticket_last_message(r->st, t->id, &last, &err) < 0 ||
        thread(r, &h, t, &err) < 0) {
        web_html_deinit(&h);
        web_agent_fail(r, &err);
        return;
    }
    if (ag->role >= WEB_ROLE_AGENT)
        web_agent_forms(r, &h, ag, t, last, d->text, d->kind);
    else {
        web_html_lit(&h, "<p class=\"readonly\">");
        web_html_text(&h, web_at(r->lang, A_READ_ONLY));
        web_html_lit(&h, "</p>\n");
    }
    web_agent_layout_end(r, &h);
    web_resp_html(r, status, &h);
    web_html_deinit(&h);
}

void web_agent_ticket(struct web_req *r, const char *number)
{
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    struct hd_ticket t;
    if (ag == NULL || web_agent_ticket_load(r, ag, number, &t) <= 0)
        return;
    web_agent_ticket_page(r, ag, &t, 200, NULL, NULL);
}

/* The stored (sanitised at intake) HTML of one message, as its own
 * document under a sandbox CSP: no script runs, no form submits, and the
 * page's CSP (img-src 'self' data:) keeps remote images off. */
void web_agent_message_html(struct web_req *r, const char *number)
{
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    struct hd_ticket t;
    if (ag == NULL || web_agent_ticket_load(r, ag, number, &t) <= 0)
        return;
    const char *ms = web_req_arg(r, "m");
    int64_t mid = ms ? strtoll(ms, NULL, 10) : 0;
    struct hd_message *m = NULL;
    size_t n = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_message_list(r->st, t.id, true, r->a, &m, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (m[i].id != mid || m[i].body_html == NULL)
            continue;
        web_resp_data(r, 200, "text/html; charset=utf-8", m[i].body_html,
                      strlen(m[i].body_html), true);
        web_resp_header(r, "Content-Security-Policy",
                        "sandbox; default-src 'none'; img-src data:; "
                        "style-src 'unsafe-inline'");
        web_resp_header(r, "Cache-Control", "no-store");
        return;
    }
    web_error_page(r, 404);
}
