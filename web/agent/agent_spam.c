/* agent_spam.c - see agent_spam.h.  The verdict goes through the desk
 * (hd_desk_spam), which also teaches the sender list; the page only
 * checks session, role, CSRF and the ticket's queue first. */
#include "agent_spam.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_ticket.h"

#include "desk.h"
#include "log.h"

#include <string.h>

static void verdict_form(struct web_req *r, struct web_html *h,
                         const struct web_agent *ag,
                         const struct hd_ticket *t, const char *verdict,
                         enum web_amsg label)
{
    web_html_lit(h, "<form class=\"spam-verdict\" method=\"post\" "
                    "action=\"/agent/tickets/");
    web_html_int(h, t->number);
    web_html_lit(h, "/spam\">\n");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<input type=\"hidden\" name=\"verdict\" value=\"");
    web_html_text(h, verdict);
    web_html_lit(h, "\">\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, label));
    web_html_lit(h, "</button>\n</form>\n");
}

bool web_agent_spam_box(struct web_req *r, struct web_html *h,
                        const struct web_agent *ag,
                        const struct hd_ticket *t)
{
    if (t->spam != HD_SPAM_HELD)
        return false;
    web_html_lit(h, "<section class=\"act spam\" role=\"alert\">\n<p>");
    web_html_text(h, web_at(r->lang, A_SPAM_HELD));
    web_html_lit(h, "<br><code>");
    web_html_text(h, t->spam_reason ? t->spam_reason : "");
    web_html_lit(h, "</code></p>\n");
    if (ag->role != WEB_ROLE_VIEWER) {
        verdict_form(r, h, ag, t, "release", A_SPAM_RELEASE);
        verdict_form(r, h, ag, t, "confirm", A_SPAM_CONFIRM);
    }
    web_html_lit(h, "</section>\n");
    return true;
}

void web_agent_spam(struct web_req *r, const char *number)
{
    struct hd_ticket t;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_AGENT);
    if (ag == NULL || web_agent_ticket_load(r, ag, number, &t) <= 0)
        return;
    const char *v = web_form_field(r, "verdict");
    bool release = v && strcmp(v, "release") == 0;
    if (v == NULL || (!release && strcmp(v, "confirm") != 0)) {
        web_error_page(r, 400);
        return;
    }
    struct hd_error err = HD_ERROR_INIT;
    if (hd_desk_spam(web_agent_desk(r, ag), &t, release, &err) < 0) {
        if (err.code == HD_E_INVAL)
            web_error_page(r, 400);
        else
            web_agent_fail(r, &err);
        return;
    }
    hd_info("web", "spam", "ticket=%lld verdict=%s user=%lld",
            (long long)t.number, release ? "release" : "confirm",
            (long long)ag->user.id);
    web_resp_redirect(r, 303,
                      release ? hd_arena_printf(r->a, "/agent/tickets/%lld",
                                                (long long)t.number)
                              : "/agent/?view=spam");
}
