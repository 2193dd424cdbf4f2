/* agent_canned.c - two actions of the ticket page that need a second
 * look before anything changes:
 *
 * Canned responses: the reply form carries a select of the canned
 * responses (the ticket's language first) and an Insert button that
 * posts the form here (formaction, no JavaScript needed).  The chosen
 * body is expanded for this ticket and agent (helpdesk/core/canned.h) and the
 * page is drawn again with the reply textarea holding what was typed
 * plus the expansion; nothing is sent.  Unknown placeholders are named
 * in a notice and stay visible in the text.
 *
 * Merge: "merge this ticket into #N" asks for confirmation on a page
 * showing both subjects, then moves the messages with the same store
 * verb the API uses (hd_store_api_ticket_merge), audited.  The agent
 * must be allowed to see both tickets' queues; viewers get 403. */
#include "agent_canned.h"

#include "agent_act.h"
#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_lists.h"
#include "agent_session.h"
#include "agent_ticket.h"
#include "canned.h"
#include "clock.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

#define WEB_NUMBER_DIGITS 18 /* digits of a typed ticket number */

/* The language a ticket's canned responses are listed in first. */
static const char *ticket_lang(struct web_req *r, const struct hd_ticket *t)
{
    if (hd_canned_lang_ok(t->lang))
        return t->lang;
    return hd_config_get(r->app->cfg, HD_CFG_INSTANCE_DEFAULT_LANG);
}

static void canned_option(struct web_html *h, const struct hd_canned_row *c)
{
    web_html_lit(h, "<option value=\"");
    web_html_int(h, c->id);
    web_html_lit(h, "\">[");
    web_html_text(h, c->lang);
    web_html_lit(h, "] ");
    web_html_text(h, c->name);
    if (c->shortcut != NULL && *c->shortcut != '\0') {
        web_html_lit(h, " (");
        web_html_text(h, c->shortcut);
        web_html_lit(h, ")");
    }
    web_html_lit(h, "</option>");
}

/* The responses in the ticket's language first, then the others (the
 * kept list is ordered by language, name, id). */
void web_agent_canned_picker(struct web_req *r, struct web_html *h,
                             const struct hd_ticket *t)
{
    struct web_agent_lists l;
    struct hd_error err = HD_ERROR_INIT;
    if (web_agent_lists_get(r, &l, &err) < 0) {
        hd_warn("web", "canned_list", "error=\"%s\"", err.msg);
        return;
    }
    if (l.nc == 0)
        return;
    const char *first = ticket_lang(r, t);
    if (first == NULL)
        first = "";
    web_html_lit(h, "<p class=\"canned-pick\"><label>");
    web_html_text(h, web_at(r->lang, A_CANNED));
    web_html_lit(h, " <select name=\"canned\" id=\"canned\"><option "
                    "value=\"\">");
    web_html_text(h, web_at(r->lang, A_CANNED_NONE));
    web_html_lit(h, "</option>");
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < l.nc; i++)
            if ((strcmp(l.canned[i].lang, first) == 0) == (pass == 0))
                canned_option(h, &l.canned[i]);
    web_html_lit(h, "</select></label> <button type=\"submit\" "
                    "formaction=\"/agent/tickets/");
    web_html_int(h, t->number);
    web_html_lit(h, "/canned\" formnovalidate name=\"insert\" value=\"1\">");
    web_html_text(h, web_at(r->lang, A_INSERT));
    web_html_lit(h, "</button></p>\n");
}

/* The next SLA deadline still open: first response, then resolution. */
static int64_t next_due(const struct hd_ticket *t)
{
    if (t->first_response_at == 0 && t->first_response_due != 0)
        return t->first_response_due;
    return t->resolved_at == 0 ? t->resolution_due : 0;
}

static int expand(struct web_req *r, const struct web_agent *ag,
                  const struct hd_ticket *t, const struct hd_canned_row *c,
                  struct hd_canned_result *res, struct hd_error *err)
{
    const char *pub = r->app->public_url;
    struct hd_canned_ctx ctx = {
        .lang = c->lang,
        .customer_name = t->requester_name,
        .customer_email = t->requester_address,
        .ticket_number = t->number,
        .ticket_subject = t->subject,
        .agent_name = ag->user.name,
        .agent_email = ag->user.email,
        .sla_due = next_due(t),
        .faq_url = *pub ? hd_arena_printf(r->a, "%s/faq/", pub) : "",
        .instance_name = hd_config_instance_name(r->app->cfg, c->lang),
    };
    return hd_canned_expand(c->body, &ctx, r->a, res, err);
}

/* "a, b" of the unknown names, or NULL when there are none. */
static const char *unknown_notice(struct web_req *r,
                                  const struct hd_canned_result *res)
{
    if (res->n_unknown == 0)
        return NULL;
    const char *s = web_at(r->lang, A_UNKNOWN_PLACEHOLDERS);
    for (size_t i = 0; i < res->n_unknown; i++)
        s = hd_arena_printf(r->a, "%s%s{{%s}}", s, i ? ", " : "",
                            res->unknown[i]);
    return s;
}

/* The canned row the form chose; 1, or 0/-1 answered. */
static int chosen(struct web_req *r, struct hd_canned_row *c_r)
{
    const char *v = web_form_field(r, "canned");
    char *end = NULL;
    long long id = v ? strtoll(v, &end, 10) : 0;
    struct hd_error err = HD_ERROR_INIT;
    int found = id > 0 && *end == '\0'
                    ? hd_store_canned_get(r->st, id, r->a, c_r, &err)
                    : 0;
    if (found < 0)
        web_agent_fail(r, &err);
    else if (found == 0)
        web_error_page(r, 400);
    return found;
}

/* True when a message arrived after the form's "last". */
static bool stale(struct web_req *r, const struct hd_ticket *t)
{
    const char *ls = web_form_field(r, "last");
    int64_t last = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (ls == NULL ||
        hd_store_ticket_last_message(r->st, t->id, &last, &err) < 0)
        return false;
    return strtoll(ls, NULL, 10) != last;
}

void web_agent_canned_insert(struct web_req *r, const char *number)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_AGENT);
    struct hd_ticket t;
    struct hd_canned_row c;
    if (ag == NULL || web_agent_ticket_load(r, ag, number, &t) <= 0)
        return;
    const char *typed = web_form_field(r, "body");
    const char *pick = web_form_field(r, "canned");
    if (pick == NULL || *pick == '\0') { /* the empty choice: as it was */
        struct web_ticket_draft same = {.text = typed, .kind = "reply",
                                        .collided = stale(r, &t)};
        web_agent_ticket_page_draft(r, ag, &t, 200, &same);
        return;
    }
    if (chosen(r, &c) <= 0)
        return;
    size_t tl = typed ? strlen(typed) : 0;
    struct hd_canned_result res;
    struct hd_error err = HD_ERROR_INIT;
    if (tl > WEB_REPLY_MAX) {
        web_error_page(r, 400);
        return;
    }
    if (expand(r, ag, &t, &c, &res, &err) < 0 ||
        tl + 1 + strlen(res.text) > WEB_REPLY_MAX) {
        web_error_page(r, 413);
        return;
    }
    bool sep = tl > 0 && typed[tl - 1] != '\n';
    struct web_ticket_draft d = {
        .text = hd_arena_printf(r->a, "%s%s%s", typed ? typed : "",
                                sep ? "\n" : "", res.text),
        .kind = "reply",
        .collided = stale(r, &t),
        .notice = unknown_notice(r, &res),
    };
    web_agent_ticket_page_draft(r, ag, &t, 200, &d);
}

/* ---- merge ------------------------------------------------------------- */

void web_agent_merge_form(struct web_req *r, struct web_html *h,
                          const struct web_agent *ag,
                          const struct hd_ticket *t)
{
    if (t->merged_into != 0)
        return;
    web_html_lit(h, "<form class=\"merge\" method=\"post\" "
                    "action=\"/agent/tickets/");
    web_html_int(h, t->number);
    web_html_lit(h, "/merge\">\n");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, A_MERGE));
    web_html_lit(h, "<input name=\"into\" inputmode=\"numeric\" "
                    "pattern=\"#?[0-9]+\" size=\"8\" required></label>\n"
                    "<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_MERGE_CONFIRM));
    web_html_lit(h, "</button>\n</form>\n");
}

static void ticket_line(struct web_html *h, const struct hd_ticket *t)
{
    web_html_lit(h, "<li>#");
    web_html_int(h, t->number);
    web_html_lit(h, " ");
    web_html_text(h, t->subject);
    web_html_lit(h, " (");
    web_html_text(h, t->queue_name ? t->queue_name : "—");
    web_html_lit(h, ")</li>\n");
}

/* The confirmation page: both tickets, and the form that merges. */
static void merge_confirm(struct web_req *r, const struct web_agent *ag,
                          const struct hd_ticket *from,
                          const struct hd_ticket *into)
{
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_MERGE_CONFIRM));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_MERGE_CONFIRM));
    web_html_lit(&h, "</h1>\n<p>");
    web_html_text(&h, web_at(r->lang, A_MERGE_TEXT));
    web_html_lit(&h, "</p>\n<ol class=\"merge\">\n");
    ticket_line(&h, from);
    ticket_line(&h, into);
    web_html_lit(&h, "</ol>\n<form method=\"post\" action=\"/agent/tickets/");
    web_html_int(&h, from->number);
    web_html_lit(&h, "/merge\">\n");
    web_agent_csrf_field(&h, ag->csrf);
    web_html_lit(&h, "<input type=\"hidden\" name=\"into\" value=\"");
    web_html_int(&h, into->number);
    web_html_lit(&h, "\">\n<input type=\"hidden\" name=\"confirm\" "
                     "value=\"1\">\n<button type=\"submit\">");
    web_html_text(&h, web_at(r->lang, A_MERGE_CONFIRM));
    web_html_lit(&h, "</button>\n<a href=\"/agent/tickets/");
    web_html_int(&h, from->number);
    web_html_lit(&h, "\">");
    web_html_text(&h, web_at(r->lang, A_CANCEL));
    web_html_lit(&h, "</a>\n</form>\n");
    web_agent_layout_end(r, &h);
    web_resp_header(r, "Cache-Control", "no-store");
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}

/* The typed target number ("#12" or "12") as text; NULL when invalid. */
static const char *typed_number(struct web_req *r)
{
    const char *v = web_form_field(r, "into");
    if (v == NULL)
        return NULL;
    v += strspn(v, " ");
    if (*v == '#')
        v++;
    size_t n = strspn(v, "0123456789");
    if (n == 0 || n > WEB_NUMBER_DIGITS || v[n + strspn(v + n, " ")] != '\0')
        return NULL;
    return hd_arena_strndup(r->a, v, n);
}

void web_agent_merge(struct web_req *r, const char *number)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_AGENT);
    struct hd_ticket from, into;
    if (ag == NULL || web_agent_ticket_load(r, ag, number, &from) <= 0)
        return;
    const char *num = typed_number(r);
    if (num == NULL) {
        web_error_page(r, 400);
        return;
    }
    if (web_agent_ticket_load(r, ag, num, &into) <= 0)
        return;
    if (into.id == from.id || from.merged_into != 0 ||
        into.merged_into != 0) {
        struct web_ticket_draft d = {
            .notice = web_at(r->lang, A_MERGE_REFUSED)};
        web_agent_ticket_page_draft(r, ag, &from, 409, &d);
        return;
    }
    const char *confirm = web_form_field(r, "confirm");
    if (confirm == NULL || strcmp(confirm, "1") != 0) {
        merge_confirm(r, ag, &from, &into);
        return;
    }
    struct hd_error err = HD_ERROR_INIT;
    if (hd_desk_merge(web_agent_desk(r, ag), &from, &into, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    hd_info("web", "merge", "ticket=%lld into=%lld user=%lld",
            (long long)from.number, (long long)into.number,
            (long long)ag->user.id);
    web_resp_redirect(r, 303, hd_arena_printf(r->a, "/agent/tickets/%lld",
                                              (long long)into.number));
}
