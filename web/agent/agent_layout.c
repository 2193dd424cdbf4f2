/* agent_layout.c - the frame of every agents' page: head with the agent
 * stylesheet and script, the navigation (views, users for admins), who is
 * signed in and the sign-out forms; times and SLA time left. */
#include "agent_layout.h"

#include "agent_i18n.h"
#include "agent_session.h"
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>

void web_agent_csrf_field(struct web_html *h, const char *token)
{
    web_html_lit(h, "<input type=\"hidden\" name=\"csrf\" value=\"");
    web_html_text(h, token);
    web_html_lit(h, "\">");
}

static void signout_forms(struct web_req *r, struct web_html *h,
                          const struct web_agent *ag)
{
    web_html_lit(h, "<span class=\"who\">");
    web_html_text(h, ag->user.name);
    web_html_lit(h, " (");
    web_html_text(h, ag->user.role);
    web_html_lit(h, ")</span>\n<form class=\"inline\" method=\"post\" "
                    "action=\"/agent/logout\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_SIGNOUT));
    web_html_lit(h, "</button></form>\n<form class=\"inline\" method=\"post\" "
                    "action=\"/agent/logout-all\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_SIGNOUT_ALL));
    web_html_lit(h, "</button></form>\n");
}

/* The admin pages, shown to admins only. */
static void admin_menu(struct web_req *r, struct web_html *h)
{
    static const struct {
        const char *href;
        enum web_amsg label;
    } items[] = {
        {"/agent/admin/users", A_USERS},
        {"/agent/admin/checklist", A_CHECKLIST},
        {"/agent/admin/logs", A_LOGS},
        {"/agent/admin/rules", A_RULES},
        {"/agent/admin/queues", A_QUEUES},
        {"/agent/admin/backups", A_BACKUPS},
        {"/agent/admin/calendar", A_CALENDAR},
        {"/agent/admin/sla", A_SLA},
        {"/agent/admin/templates", A_TEMPLATES},
        {"/agent/admin/announcements", A_ANNOUNCEMENTS},
        {"/agent/admin/tokens", A_TOKENS},
        {"/agent/admin/canned", A_CANNED},
    };
    web_html_lit(h, "<nav class=\"admin\" aria-label=\"");
    web_html_text(h, web_at(r->lang, A_ADMIN));
    web_html_lit(h, "\"><ul>");
    for (size_t i = 0; i < HD_ARRAY_LEN(items); i++) {
        web_html_lit(h, "<li><a href=\"");
        web_html_text(h, items[i].href);
        web_html_lit(h, "\">");
        web_html_text(h, web_at(r->lang, items[i].label));
        web_html_lit(h, "</a></li>");
    }
    web_html_lit(h, "</ul></nav>\n");
}

void web_agent_table_head(struct web_req *r, struct web_html *h,
                          const enum web_amsg *cols, size_t n)
{
    web_html_lit(h, "<thead><tr>");
    for (size_t i = 0; i < n; i++) {
        web_html_lit(h, "<th scope=\"col\">");
        web_html_text(h, web_at(r->lang, cols[i]));
        web_html_lit(h, "</th>");
    }
    web_html_lit(h, "</tr></thead>\n<tbody>\n");
}

void web_agent_layout_begin(struct web_req *r, struct web_html *h,
                            const struct web_agent *ag, const char *title)
{
    web_html_lit(h, "<!DOCTYPE html>\n<html lang=\"");
    web_html_text(h, r->lang);
    web_html_lit(h, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\">\n<meta name=\"robots\" "
                    "content=\"noindex\">\n<title>");
    web_html_text(h, title);
    web_html_lit(h, "</title>\n<link rel=\"icon\" href=\"data:,\">\n"
                    "<link rel=\"stylesheet\" href=\"");
    web_html_text(h, web_static_url("agent.css"));
    web_html_lit(h, "\">\n<script src=\"");
    web_html_text(h, web_static_url("agent.js"));
    web_html_lit(h, "\" defer></script>\n</head>\n<body class=\"agent\">\n"
                    "<header class=\"agent\">\n<a class=\"brand\" "
                    "href=\"/agent/\">");
    web_html_text(h, web_at(r->lang, A_QUEUE));
    web_html_lit(h, "</a>\n");
    if (ag != NULL) {
        web_html_lit(h, "<a href=\"/agent/reports\">");
        web_html_text(h, web_at(r->lang, A_REPORTS));
        web_html_lit(h, "</a>\n");
        if (ag->role == WEB_ROLE_ADMIN)
            admin_menu(r, h);
        signout_forms(r, h, ag);
    }
    web_html_lit(h, "</header>\n<main id=\"main\">\n");
}

void web_agent_layout_end(struct web_req *r, struct web_html *h)
{
    web_html_lit(h, "</main>\n<footer class=\"agent\">");
    web_html_text(h, web_at(r->lang, A_KEYS));
    web_html_lit(h, "</footer>\n</body>\n</html>\n");
}

void web_agent_time(struct web_req *r, struct web_html *h, int64_t t)
{
    (void)r;
    struct tm tm;
    long off;
    hd_time_local(t, &tm, &off);
    char d[40], iso[32];
    snprintf(d, sizeof d, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    hd_time_format_local(t, iso);
    web_html_lit(h, "<time datetime=\"");
    web_html_text(h, iso);
    web_html_lit(h, "\">");
    web_html_text(h, d);
    web_html_lit(h, "</time>");
}

void web_agent_left(struct web_req *r, struct web_html *h, int64_t due,
                    int64_t now)
{
    int64_t left = due - now;
    int64_t a = llabs(left);
    char buf[48];
    if (a >= 86400)
        snprintf(buf, sizeof buf, "%lldd %02lldh", (long long)(a / 86400),
                 (long long)(a % 86400 / 3600));
    else
        snprintf(buf, sizeof buf, "%lldh %02lldm", (long long)(a / 3600),
                 (long long)(a % 3600 / 60));
    if (left < 0) {
        web_html_lit(h, "<span class=\"overdue\">");
        web_html_text(h, web_at(r->lang, A_OVERDUE));
        web_html_lit(h, " ");
        web_html_text(h, buf);
        web_html_lit(h, "</span>");
    } else {
        web_html_text(h, buf);
    }
}
