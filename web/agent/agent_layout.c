/* agent_layout.c - the frame of every agents' page: head with the agent
 * stylesheet and script, the navigation (views, users for admins), who is
 * signed in and the sign-out forms; times and SLA time left. */
#include "agent_layout.h"

#include "agent_i18n.h"
#include "agent_notify.h"
#include "agent_session.h"
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void web_agent_csrf_field(struct web_html *h, const char *token)
{
    web_html_lit(h, "<input type=\"hidden\" name=\"csrf\" value=\"");
    web_html_text(h, token);
    web_html_lit(h, "\">");
}

/* Who is signed in (a link to the profile, where "sign out everywhere"
 * lives) and the one sign-out button. */
static void signout_forms(struct web_req *r, struct web_html *h,
                          const struct web_agent *ag)
{
    web_html_lit(h, "<div class=\"who\"><a href=\"/agent/profile\">");
    web_html_text(h, ag->user.name);
    web_html_lit(h, " <span class=\"role\">(");
    web_html_text(h, web_at_role(r->lang, ag->user.role));
    web_html_lit(h, ")</span></a>\n<form class=\"inline\" method=\"post\" "
                    "action=\"/agent/logout\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<button type=\"submit\" class=\"quiet\">");
    web_html_text(h, web_at(r->lang, A_SIGNOUT));
    web_html_lit(h, "</button></form></div>\n");
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
        {"/agent/admin/mail", A_CAUGHT_MAIL},
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
    web_agent_head(r, h, title);
    web_html_lit(h, "<script src=\"");
    web_html_text(h, web_static_url("agent.js"));
    web_html_lit(h, "\" defer></script>\n</head>\n<body class=\"agent\">\n"
                    "<a class=\"skip\" href=\"#main\">");
    web_html_text(h, web_at(r->lang, A_SKIP));
    web_html_lit(h, "</a>\n<header class=\"agent\">\n");
    /* Before sign-in there is no queue to link to. */
    if (ag != NULL) {
        web_html_lit(h, "<a class=\"brand\" href=\"/agent/\">");
        web_html_text(h, web_at(r->lang, A_QUEUE));
        web_html_lit(h, "</a>\n");
        web_html_lit(h, "<a href=\"/agent/reports\">");
        web_html_text(h, web_at(r->lang, A_REPORTS));
        web_html_lit(h, "</a>\n");
        web_agent_notify_link(r, h, ag);
        signout_forms(r, h, ag);
        if (ag->role == WEB_ROLE_ADMIN)
            admin_menu(r, h);
    } else {
        web_html_lit(h, "<span class=\"brand\">");
        web_html_text(h, hd_config_instance_name(r->app->cfg, r->lang));
        web_html_lit(h, "</span>\n");
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
    web_layout_datetime(r, h, t);
}

/* "56 min", "3 h 20 min", "2 d 4 h" (ja: 56分, 3時間20分, 2日4時間). */
static const char *span_words(struct web_req *r, int64_t secs)
{
    const char *sp = strcmp(r->lang, "ja") == 0 ? "" : " ";
    long long m = (long long)(secs / 60), hrs = m / 60, d = hrs / 24;
    const char *mi = web_at(r->lang, A_MIN), *ho = web_at(r->lang, A_HOUR),
               *da = web_at(r->lang, A_DAY);
    if (d > 0)
        return hrs % 24 ? hd_arena_printf(r->a, "%lld%s%s %lld%s%s", d, sp,
                                          da, hrs % 24, sp, ho)
                        : hd_arena_printf(r->a, "%lld%s%s", d, sp, da);
    if (hrs > 0)
        return m % 60 ? hd_arena_printf(r->a, "%lld%s%s %lld%s%s", hrs, sp,
                                        ho, m % 60, sp, mi)
                      : hd_arena_printf(r->a, "%lld%s%s", hrs, sp, ho);
    return hd_arena_printf(r->a, "%lld%s%s", m, sp, mi);
}

const char *web_agent_left_words(struct web_req *r, int64_t due, int64_t now)
{
    int64_t left = due - now;
    const char *span = span_words(r, llabs(left));
    bool ja = strcmp(r->lang, "ja") == 0;
    if (left < 0)
        return ja ? hd_arena_printf(r->a, "%s%s", span,
                                    web_at(r->lang, A_OVERDUE_FMT))
                  : hd_arena_printf(r->a, "%s %s",
                                    web_at(r->lang, A_OVERDUE_FMT), span);
    return ja ? hd_arena_printf(r->a, "%s%s", web_at(r->lang, A_LEFT_FMT),
                                span)
              : hd_arena_printf(r->a, "%s %s", span,
                                web_at(r->lang, A_LEFT_FMT));
}

void web_agent_left(struct web_req *r, struct web_html *h, int64_t due,
                    int64_t now)
{
    const char *w = web_agent_left_words(r, due, now);
    if (due < now) {
        web_html_lit(h, "<span class=\"overdue\">");
        web_html_text(h, w);
        web_html_lit(h, "</span>");
    } else {
        web_html_text(h, w);
    }
}

const char *web_agent_queue_label(const char *name, const char *desc)
{
    if (desc != NULL && *desc != '\0' &&
        strcmp(desc, HD_QUEUE_DEFAULT_DESCRIPTION) != 0)
        return desc;
    return name != NULL ? name : "—";
}
