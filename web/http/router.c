/* router.c - the static route table: method + path pattern -> handler.
 * Patterns are exact paths, or a prefix whose rest (one path segment,
 * optionally followed by a fixed suffix) is handed to the handler.
 * A path that matches under another method is a 405 with Allow. */
#include "agent_2fa.h"
#include "agent_act.h"
#include "agent_admin.h"
#include "agent_admin_backup.h"
#include "agent_admin_canned.h"
#include "agent_admin_logs.h"
#include "agent_admin_mail.h"
#include "agent_admin_report.h"
#include "agent_admin_rules.h"
#include "agent_admin_settings.h"
#include "agent_admin_tokens.h"
#include "agent_bulk.h"
#include "agent_canned.h"
#include "agent_login.h"
#include "agent_notify.h"
#include "agent_queue.h"
#include "agent_reports.h"
#include "agent_spam.h"
#include "agent_ticket.h"
#include "agent_views.h"
#include "pages_rate.h"
#include "web_int.h"
#include "api.h"

#include <string.h>

enum route_kind { ROUTE_EXACT, ROUTE_SEGMENT };

struct route {
    const char *method;
    enum route_kind kind;
    const char *prefix, *suffix; /* suffix only for ROUTE_SEGMENT */
    web_handler fn;
};

static const struct route routes[] = {
    {"GET", ROUTE_EXACT, "/", NULL, web_page_top},
    {"GET", ROUTE_EXACT, "/healthz", NULL, web_page_healthz},
    {"GET", ROUTE_EXACT, "/faq/", NULL, web_page_faq_index},
    {"GET", ROUTE_EXACT, "/faq", NULL, web_page_faq_index},
    {"GET", ROUTE_EXACT, "/faq/search", NULL, web_page_search},
    {"GET", ROUTE_EXACT, "/faq/feed.atom", NULL, web_feed_atom},
    {"GET", ROUTE_EXACT, "/sitemap.xml", NULL, web_feed_sitemap},
    {"GET", ROUTE_EXACT, "/terms", NULL, web_page_terms},
    /* the customer's view of a ticket (pages_customer.c) */
    {"GET", ROUTE_SEGMENT, "/t/", "", web_page_customer},
    {"GET", ROUTE_SEGMENT, "/t/", "/file", web_page_customer_file},
    {"POST", ROUTE_SEGMENT, "/t/", "/reply", web_page_customer_reply},
    {"POST", ROUTE_SEGMENT, "/t/", "/rate", web_page_customer_rate},
    /* the rating link of the closing mail (pages_rate.c) */
    {"GET", ROUTE_SEGMENT, "/r/", "", web_page_rate},
    {"POST", ROUTE_SEGMENT, "/r/", "", web_page_rate_post},
    {"POST", ROUTE_SEGMENT, "/faq/", "/vote", web_page_vote},
    {"GET", ROUTE_SEGMENT, "/faq/", "", web_page_article},
    {"GET", ROUTE_SEGMENT, "/static/", "", web_static_serve},
    /* ---- agents' workplace (agent_*.c) ---- */
    {"GET", ROUTE_EXACT, "/agent/", NULL, web_agent_queue},
    {"GET", ROUTE_EXACT, "/agent", NULL, web_agent_queue},
    {"GET", ROUTE_EXACT, "/agent/counts.json", NULL, web_agent_counts},
    {"GET", ROUTE_EXACT, "/agent/reports", NULL, web_agent_reports},
    {"GET", ROUTE_EXACT, "/agent/reports.csv", NULL, web_agent_reports_csv},
    {"POST", ROUTE_EXACT, "/agent/bulk", NULL, web_agent_bulk},
    {"POST", ROUTE_EXACT, "/agent/views", NULL, web_agent_view_save},
    {"GET", ROUTE_SEGMENT, "/agent/views/", "", web_agent_view_open},
    {"POST", ROUTE_SEGMENT, "/agent/views/", "/delete",
     web_agent_view_delete},
    {"GET", ROUTE_EXACT, "/agent/login", NULL, web_agent_login_form},
    {"POST", ROUTE_EXACT, "/agent/login", NULL, web_agent_login},
    {"POST", ROUTE_EXACT, "/agent/logout", NULL, web_agent_logout},
    {"POST", ROUTE_EXACT, "/agent/logout-all", NULL, web_agent_logout_all},
    {"GET", ROUTE_EXACT, "/agent/profile", NULL, web_agent_profile},
    {"GET", ROUTE_EXACT, "/agent/notifications", NULL,
     web_agent_notifications},
    {"POST", ROUTE_EXACT, "/agent/notifications/read", NULL,
     web_agent_notifications_read},
    {"GET", ROUTE_EXACT, "/agent/notifications.json", NULL,
     web_agent_notifications_json},
    {"GET", ROUTE_EXACT, "/agent/preferences", NULL, web_agent_preferences},
    {"POST", ROUTE_EXACT, "/agent/preferences", NULL,
     web_agent_preferences_save},
    {"GET", ROUTE_EXACT, "/agent/2fa", NULL, web_agent_2fa_form},
    {"POST", ROUTE_EXACT, "/agent/2fa", NULL, web_agent_2fa},
    {"GET", ROUTE_EXACT, "/agent/2fa/enrol", NULL, web_agent_enrol_form},
    {"POST", ROUTE_EXACT, "/agent/2fa/enrol", NULL, web_agent_enrol},
    {"GET", ROUTE_EXACT, "/agent/2fa/qr.svg", NULL, web_agent_enrol_qr},
    {"GET", ROUTE_SEGMENT, "/agent/tickets/", "", web_agent_ticket},
    {"GET", ROUTE_SEGMENT, "/agent/tickets/", "/html", web_agent_message_html},
    {"GET", ROUTE_SEGMENT, "/agent/tickets/", "/file", web_agent_attachment},
    {"POST", ROUTE_SEGMENT, "/agent/tickets/", "/reply", web_agent_reply},
    {"POST", ROUTE_SEGMENT, "/agent/tickets/", "/note", web_agent_note},
    {"POST", ROUTE_SEGMENT, "/agent/tickets/", "/update", web_agent_update},
    {"POST", ROUTE_SEGMENT, "/agent/tickets/", "/canned",
     web_agent_canned_insert},
    {"POST", ROUTE_SEGMENT, "/agent/tickets/", "/merge", web_agent_merge},
    {"POST", ROUTE_SEGMENT, "/agent/tickets/", "/spam", web_agent_spam},
    {"GET", ROUTE_EXACT, "/agent/admin/users", NULL, web_agent_users},
    {"POST", ROUTE_SEGMENT, "/agent/admin/users/", "/disable",
     web_agent_user_disable},
    {"POST", ROUTE_SEGMENT, "/agent/admin/users/", "/grant",
     web_agent_user_grant},
    {"POST", ROUTE_SEGMENT, "/agent/admin/users/", "/access",
     web_agent_user_access},
    /* ---- admin pages (agent_admin_*.c) ---- */
    {"GET", ROUTE_EXACT, "/agent/admin/checklist", NULL,
     web_agent_admin_checklist},
    {"GET", ROUTE_EXACT, "/agent/admin/checklist.json", NULL,
     web_agent_admin_checklist_json},
    {"GET", ROUTE_EXACT, "/agent/admin/logs", NULL, web_agent_admin_logs},
    {"GET", ROUTE_EXACT, "/agent/admin/mail", NULL, web_agent_admin_mail},
    {"GET", ROUTE_EXACT, "/agent/admin/logs.csv", NULL,
     web_agent_admin_logs_csv},
    {"GET", ROUTE_EXACT, "/agent/admin/logs.json", NULL,
     web_agent_admin_logs_json},
    {"GET", ROUTE_EXACT, "/agent/admin/rules", NULL, web_agent_admin_rules},
    {"POST", ROUTE_EXACT, "/agent/admin/rules/add", NULL,
     web_agent_admin_rule_add},
    {"POST", ROUTE_EXACT, "/agent/admin/rules/test", NULL,
     web_agent_admin_rule_test},
    {"GET", ROUTE_EXACT, "/agent/admin/queues", NULL, web_agent_admin_queues},
    {"POST", ROUTE_EXACT, "/agent/admin/queues/add", NULL,
     web_agent_admin_queue_add},
    {"POST", ROUTE_SEGMENT, "/agent/admin/rules/", "/move",
     web_agent_admin_rule_move},
    {"POST", ROUTE_SEGMENT, "/agent/admin/rules/", "/delete",
     web_agent_admin_rule_delete},
    {"GET", ROUTE_EXACT, "/agent/admin/backups", NULL,
     web_agent_admin_backups},
    {"POST", ROUTE_EXACT, "/agent/admin/backups/verify", NULL,
     web_agent_admin_backup_verify},
    {"GET", ROUTE_EXACT, "/agent/admin/calendar", NULL,
     web_agent_admin_calendar},
    {"GET", ROUTE_EXACT, "/agent/admin/sla", NULL, web_agent_admin_sla},
    {"GET", ROUTE_EXACT, "/agent/admin/templates", NULL,
     web_agent_admin_templates},
    {"GET", ROUTE_EXACT, "/agent/admin/announcements", NULL,
     web_agent_admin_announcements},
    {"GET", ROUTE_EXACT, "/agent/admin/tokens", NULL, web_agent_admin_tokens},
    {"POST", ROUTE_EXACT, "/agent/admin/tokens/add", NULL,
     web_agent_admin_token_add},
    {"POST", ROUTE_SEGMENT, "/agent/admin/tokens/", "/revoke",
     web_agent_admin_token_revoke},
    {"GET", ROUTE_EXACT, "/agent/admin/canned", NULL, web_agent_admin_canned},
    {"POST", ROUTE_EXACT, "/agent/admin/canned/add", NULL,
     web_agent_admin_canned_add},
    {"POST", ROUTE_SEGMENT, "/agent/admin/canned/", "/edit",
     web_agent_admin_canned_edit},
    {"POST", ROUTE_SEGMENT, "/agent/admin/canned/", "/delete",
     web_agent_admin_canned_delete},
    /* ---- operations and the JSON API (api.h) ---- */
    {"GET", ROUTE_EXACT, "/readyz", NULL, web_page_readyz},
    {"GET", ROUTE_EXACT, "/metrics", NULL, web_page_metrics},
    {"GET", ROUTE_EXACT, "/api/v1/openapi.json", NULL, web_api_openapi},
    {"GET", ROUTE_EXACT, "/api/v1/tickets", NULL, web_api_tickets},
    {"POST", ROUTE_EXACT, "/api/v1/tickets", NULL, web_api_ticket_create},
    {"POST", ROUTE_SEGMENT, "/api/v1/tickets/", "/reply",
     web_api_ticket_reply},
    {"POST", ROUTE_SEGMENT, "/api/v1/tickets/", "/notes",
     web_api_ticket_note},
    {"POST", ROUTE_SEGMENT, "/api/v1/tickets/", "/merge",
     web_api_ticket_merge},
    {"GET", ROUTE_SEGMENT, "/api/v1/tickets/", "/messages",
     web_api_ticket_messages},
    {"GET", ROUTE_SEGMENT, "/api/v1/tickets/", "", web_api_ticket_get},
    {"PATCH", ROUTE_SEGMENT, "/api/v1/tickets/", "", web_api_ticket_patch},
    {"GET", ROUTE_SEGMENT, "/api/v1/attachments/", "", web_api_attachment},
    {"GET", ROUTE_EXACT, "/api/v1/contacts", NULL, web_api_contacts},
    {"GET", ROUTE_EXACT, "/api/v1/organisations", NULL, web_api_orgs},
    {"GET", ROUTE_EXACT, "/api/v1/queues", NULL, web_api_queues},
    {"GET", ROUTE_EXACT, "/api/v1/reports", NULL, web_api_reports},
    {"GET", ROUTE_EXACT, "/api/v1/users", NULL, web_api_users},
    {"GET", ROUTE_EXACT, "/api/v1/faq/articles", NULL, web_api_faq_list},
    {"GET", ROUTE_SEGMENT, "/api/v1/faq/articles/", "", web_api_faq_article},
    {"GET", ROUTE_EXACT, "/api/v1/announcements", NULL,
     web_api_announcements},
    {"GET", ROUTE_EXACT, "/api/v1/export", NULL, web_api_export},
};

/* The segment of path after prefix and before suffix, or NULL. */
static const char *segment(const struct route *rt, const char *path,
                           struct hd_arena *a)
{
    size_t pl = strlen(rt->prefix), sl = strlen(rt->suffix), n = strlen(path);
    if (n <= pl + sl || strncmp(path, rt->prefix, pl) != 0 ||
        strcmp(path + n - sl, rt->suffix) != 0)
        return NULL;
    const char *seg = path + pl;
    size_t segn = n - pl - sl;
    if (memchr(seg, '/', segn) != NULL)
        return NULL;
    return hd_arena_strndup(a, seg, segn);
}

static bool method_is(const char *have, const char *want)
{
    return strcmp(have, want) == 0 ||
           (strcmp(want, "GET") == 0 && strcmp(have, "HEAD") == 0);
}

enum web_route_found web_router_match(const char *method, const char *path,
                                      struct hd_arena *a,
                                      struct web_route_match *m_r)
{
    *m_r = (struct web_route_match){0};
    for (size_t i = 0; i < HD_ARRAY_LEN(routes); i++) {
        const struct route *rt = &routes[i];
        const char *arg = NULL;
        if (rt->kind == ROUTE_EXACT) {
            if (strcmp(path, rt->prefix) != 0)
                continue;
        } else if ((arg = segment(rt, path, a)) == NULL) {
            continue;
        }
        if (!method_is(method, rt->method)) {
            m_r->allow = m_r->allow ? hd_arena_printf(a, "%s, %s", m_r->allow,
                                                      rt->method)
                                    : rt->method;
            continue;
        }
        m_r->fn = rt->fn;
        m_r->arg = arg;
        return WEB_ROUTE_FOUND;
    }
    return m_r->allow != NULL ? WEB_ROUTE_NO_METHOD : WEB_ROUTE_NONE;
}

void web_router_dispatch(struct web_req *r)
{
    struct web_route_match m;
    switch (web_router_match(r->method, r->path, r->a, &m)) {
    case WEB_ROUTE_FOUND:
        m.fn(r, m.arg);
        return;
    case WEB_ROUTE_NO_METHOD:
        web_resp_header(r, "Allow", strcmp(m.allow, "GET") == 0
                                        ? "GET, HEAD"
                                        : m.allow);
        web_error_page(r, 405);
        return;
    case WEB_ROUTE_NONE:
        break;
    }
    web_error_page(r, 404);
}
