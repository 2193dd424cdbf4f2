/* agent_admin_settings.c - read-only admin pages that show how the
 * instance is set up (admins only):
 *   /agent/admin/calendar       hours, zone, holidays of this year and
 *                               the next, stored closures, open now?
 *   /agent/admin/sla            the SLA policies
 *   /agent/admin/templates      the mail templates and where to edit them
 *   /agent/admin/announcements  every announcement, newest first
 * Changes are made with the CLI or by editing files; these pages only
 * read. */
#include "agent_admin_settings.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "audit.h"

#include "calendar.h"
#include "clock.h"
#include "config.h"
#include "holiday_jp.h"
#include "instance.h"
#include "sla.h"
#include "store_calendar.h"
#include "store_faq.h"
#include "store_sla.h"
#include "template.h"

#include <jansson.h>
#include <string.h>

#define WEB_HOLIDAY_YEARS 2 /* this year and the next */

/* Page head: layout, <h1>title</h1>. */
static void page_begin(struct web_req *r, struct web_html *h,
                       const struct web_agent *ag, enum web_amsg title)
{
    web_html_init(h);
    web_agent_layout_begin(r, h, ag, web_at(r->lang, title));
    web_html_lit(h, "<h1>");
    web_html_text(h, web_at(r->lang, title));
    web_html_lit(h, "</h1>\n");
}

static void page_end(struct web_req *r, struct web_html *h)
{
    web_agent_layout_end(r, h);
    web_resp_html(r, 200, h);
    web_html_deinit(h);
}

static void dl_row(struct web_html *h, const char *term, const char *value)
{
    web_html_lit(h, "<dt>");
    web_html_text(h, term);
    web_html_lit(h, "</dt><dd>");
    web_html_text(h, value);
    web_html_lit(h, "</dd>\n");
}

static void date_text(struct web_html *h, struct hd_date d)
{
    char s[11];
    hd_date_format(d, s);
    web_html_text(h, s);
}

/* ---- calendar ---------------------------------------------------------- */

static void open_state(struct web_req *r, struct web_html *h,
                       const struct hd_calendar *cal, int64_t now)
{
    bool open = hd_calendar_is_open(cal, now);
    web_html_lit(h, "<p class=\"notice\" role=\"status\">");
    web_html_text(h, web_at(r->lang, open ? A_OPEN_NOW : A_CLOSED_NOW));
    web_html_lit(h, "</p>\n");
    int64_t next;
    struct hd_error err = HD_ERROR_INIT;
    if (open || hd_calendar_next_open(cal, now, &next, &err) < 0)
        return;
    web_html_lit(h, "<p>");
    web_html_text(h, web_at(r->lang, A_NEXT_OPEN));
    web_html_lit(h, ": ");
    web_agent_time(r, h, next);
    web_html_lit(h, "</p>\n");
}

static void holidays_year(struct web_req *r, struct web_html *h, int year)
{
    static const enum web_amsg cols[] = {A_DATE, A_NAME};
    struct hd_holiday hs[HD_HOLIDAY_JP_YEAR_MAX];
    int n = hd_holiday_jp_list(year, hs, HD_ARRAY_LEN(hs));
    if (n < 0)
        return;
    web_html_lit(h, "<table class=\"holidays\"><caption>");
    web_html_int(h, year);
    web_html_lit(h, ": <span class=\"count\">");
    web_html_int(h, n);
    web_html_lit(h, "</span> ");
    web_html_text(h, web_at(r->lang, A_DAYS));
    web_html_lit(h, "</caption>");
    web_agent_table_head(r, h, cols, HD_ARRAY_LEN(cols));
    bool ja = strcmp(r->lang, "ja") == 0;
    for (int i = 0; i < n; i++) {
        web_html_lit(h, "<tr><td>");
        date_text(h, hs[i].date);
        web_html_lit(h, "</td><td>");
        web_html_text(h, ja ? hs[i].name_ja : hs[i].name_en);
        web_html_lit(h, "</td></tr>\n");
    }
    web_html_lit(h, "</tbody></table>\n");
}

static void closures_table(struct web_req *r, struct web_html *h,
                           const struct hd_closure *cs, size_t n)
{
    static const enum web_amsg cols[] = {A_FIRST_DAY, A_LAST_DAY, A_NAME,
                                         A_SOURCE, A_CREATED};
    web_html_lit(h, "<h2>");
    web_html_text(h, web_at(r->lang, A_CLOSURES));
    web_html_lit(h, "</h2>\n");
    if (n == 0) {
        web_html_lit(h, "<p>");
        web_html_text(h, web_at(r->lang, A_NO_ROWS));
        web_html_lit(h, "</p>\n");
        return;
    }
    web_html_lit(h, "<table class=\"closures\">");
    web_agent_table_head(r, h, cols, HD_ARRAY_LEN(cols));
    for (size_t i = 0; i < n; i++) {
        web_html_lit(h, "<tr><td>");
        date_text(h, cs[i].first);
        web_html_lit(h, "</td><td>");
        date_text(h, cs[i].last);
        web_html_lit(h, "</td><td>");
        web_html_text(h, cs[i].name);
        web_html_lit(h, "</td><td>");
        web_html_text(h, cs[i].source);
        web_html_lit(h, "</td><td>");
        web_agent_time(r, h, cs[i].created_at);
        web_html_lit(h, "</td></tr>\n");
    }
    web_html_lit(h, "</tbody></table>\n");
}

static void calendar_body(struct web_req *r, struct web_html *h,
                          const struct hd_calendar *cal,
                          const struct hd_closure *cs, size_t n)
{
    const struct hd_config *cfg = hd_instance_config(r->app->inst);
    int64_t now = hd_clock_now();
    web_html_lit(h, "<dl>\n");
    dl_row(h, web_at(r->lang, A_HOURS),
           hd_config_get(cfg, HD_CFG_CALENDAR_HOURS));
    dl_row(h, web_at(r->lang, A_TIMEZONE), hd_calendar_zone(cal));
    web_html_lit(h, "</dl>\n");
    open_state(r, h, cal, now);
    web_html_lit(h, "<h2>");
    web_html_text(h, web_at(r->lang, A_HOLIDAYS));
    web_html_lit(h, "</h2>\n");
    int year = hd_calendar_local_date(cal, now).year;
    for (int y = year; y < year + WEB_HOLIDAY_YEARS; y++)
        holidays_year(r, h, y);
    closures_table(r, h, cs, n);
}

void web_agent_admin_calendar(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *cal = NULL;
    struct hd_closure *cs = NULL;
    size_t n = 0;
    if (hd_store_closure_list(r->st, r->a, &cs, &n, &err) < 0 ||
        hd_business_calendar(r->app->inst, r->st, &cal, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    struct web_html h;
    page_begin(r, &h, ag, A_CALENDAR);
    calendar_body(r, &h, cal, cs, n);
    hd_calendar_free(&cal);
    page_end(r, &h);
}

/* ---- SLA policies ------------------------------------------------------ */

/* Minutes as hours: "9", "1.5" (policies are whole minutes). */
static void hours_text(struct web_req *r, struct web_html *h, int minutes)
{
    web_html_int(h, minutes / 60);
    if (minutes % 60 != 0) {
        char frac[8];
        int cents = (minutes % 60) * 100 / 60;
        frac[0] = '.';
        frac[1] = (char)('0' + cents / 10);
        frac[2] = (char)('0' + cents % 10);
        frac[cents % 10 == 0 ? 2 : 3] = '\0';
        web_html_text(h, frac);
    }
    web_html_lit(h, " ");
    web_html_text(h, web_at(r->lang, A_HOURS_UNIT));
}

static void policy_row(struct web_req *r, struct web_html *h,
                       const struct hd_sla_policy_row *p)
{
    web_html_lit(h, "<tr><td>");
    web_html_text(h, p->category);
    web_html_lit(h, "</td><td>");
    web_html_text(h, strcmp(p->priority, "*") == 0 ? web_at(r->lang, A_ANY)
                                                   : p->priority);
    web_html_lit(h, "</td><td>");
    hours_text(r, h, p->p.first_response_m);
    web_html_lit(h, "</td><td>");
    hours_text(r, h, p->p.resolution_m);
    web_html_lit(h, "</td><td>");
    web_html_text(h, web_at(r->lang, p->p.business_hours ? A_BUSINESS_HOURS
                                                         : A_ALWAYS));
    web_html_lit(h, "</td></tr>\n");
}

void web_agent_admin_sla(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_sla_policy_row *ps = NULL;
    size_t n = 0;
    if (hd_store_sla_policy_list(r->st, r->a, &ps, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    static const enum web_amsg cols[] = {A_CATEGORY, A_PRIORITY,
                                         A_FIRST_RESPONSE, A_RESOLUTION,
                                         A_CLOCK};
    struct web_html h;
    page_begin(r, &h, ag, A_SLA);
    web_html_lit(&h, "<table class=\"sla\">");
    web_agent_table_head(r, &h, cols, HD_ARRAY_LEN(cols));
    for (size_t i = 0; i < n; i++)
        policy_row(r, &h, &ps[i]);
    web_html_lit(&h, "</tbody></table>\n");
    page_end(r, &h);
}

/* ---- mail templates ---------------------------------------------------- */

static const struct {
    const char *name, *lang;
} web_templates[] = {
    {"ack", "ja"}, {"ack", "en"}, {"alert", "en"}, {"escalation", "en"},
};

static void template_section(struct web_req *r, struct web_html *h,
                             const char *name, const char *lang)
{
    const char *dir = hd_instance_dir(r->app->inst);
    const char *text = NULL;
    struct hd_error err = HD_ERROR_INIT;
    web_html_lit(h, "<section class=\"template\"><h2>");
    web_html_text(h, name);
    web_html_lit(h, " (");
    web_html_text(h, lang);
    web_html_lit(h, ")</h2>\n<p>");
    web_html_text(h, web_at(r->lang, A_EDIT_FILE));
    web_html_lit(h, "<code>");
    web_html_text(h, hd_arena_printf(r->a, "%s/templates/%s.%s.txt", dir,
                                     name, lang));
    web_html_lit(h, "</code></p>\n");
    if (hd_template_load(dir, name, lang, r->a, &text, &err) < 0) {
        web_html_lit(h, "<p class=\"error\" role=\"alert\">");
        web_html_text(h, err.msg);
        web_html_lit(h, "</p>\n</section>\n");
        return;
    }
    web_html_lit(h, "<pre>");
    web_html_text(h, text);
    web_html_lit(h, "</pre>\n</section>\n");
}

void web_agent_admin_templates(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct web_html h;
    page_begin(r, &h, ag, A_TEMPLATES);
    for (size_t i = 0; i < HD_ARRAY_LEN(web_templates); i++)
        template_section(r, &h, web_templates[i].name, web_templates[i].lang);
    page_end(r, &h);
}

/* ---- announcements ----------------------------------------------------- */

/* A time, or "—" for 0. */
static void time_or_dash(struct web_req *r, struct web_html *h, int64_t t)
{
    if (t == 0)
        web_html_lit(h, "—");
    else
        web_agent_time(r, h, t);
}

static void announce_row(struct web_req *r, struct web_html *h,
                         const struct hd_announcement *an)
{
    web_html_lit(h, "<tr><td>");
    web_html_text(h, an->kind);
    web_html_lit(h, "</td><td lang=\"ja\">");
    web_html_text(h, an->title_ja);
    web_html_lit(h, "</td><td lang=\"en\">");
    web_html_text(h, an->title_en);
    web_html_lit(h, "</td><td>");
    time_or_dash(r, h, an->starts_at);
    web_html_lit(h, "</td><td>");
    time_or_dash(r, h, an->ends_at);
    web_html_lit(h, "</td><td>");
    time_or_dash(r, h, an->published_at);
    web_html_lit(h, "</td><td>");
    time_or_dash(r, h, an->ended_at);
    web_html_lit(h, "</td><td>");
    if (an->forced)
        web_html_text(h, web_at(r->lang, A_YES));
    web_html_lit(h, "</td></tr>\n");
}

void web_agent_admin_announcements(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_announcement *as = NULL;
    size_t n = 0;
    if (hd_store_announce_list(r->st, 0, r->a, &as, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    static const enum web_amsg cols[] = {A_KIND,      A_TITLE,  A_TITLE,
                                         A_STARTS,    A_ENDS,   A_PUBLISHED,
                                         A_ENDED,     A_FORCED};
    struct web_html h;
    page_begin(r, &h, ag, A_ANNOUNCEMENTS);
    if (n == 0) {
        web_html_lit(&h, "<p>");
        web_html_text(&h, web_at(r->lang, A_NO_ROWS));
        web_html_lit(&h, "</p>\n");
    } else {
        web_html_lit(&h, "<table class=\"announcements\">");
        web_agent_table_head(r, &h, cols, HD_ARRAY_LEN(cols));
        for (size_t i = 0; i < n; i++)
            announce_row(r, &h, &as[i]);
        web_html_lit(&h, "</tbody></table>\n");
    }
    page_end(r, &h);
}

/* ---- queues --------------------------------------------------------------
 * Every queue with its address (the envelope recipient routed to it) and
 * open tickets, and a form to add one; the addition is audited. */

static void queues_page(struct web_req *r, const struct web_agent *ag,
                        int status, const char *refused)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_queue *qs = NULL;
    size_t n = 0;
    if (hd_store_queue_list(r->st, r->a, &qs, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    static const enum web_amsg cols[] = {A_NAME, A_ADDRESS, A_DESCRIPTION,
                                         A_OPEN_TICKETS};
    struct web_html h;
    page_begin(r, &h, ag, A_QUEUES);
    if (refused != NULL) {
        web_html_lit(&h, "<p class=\"error\" role=\"alert\">");
        web_html_text(&h, web_at(r->lang, A_QUEUE_REFUSED));
        web_html_text(&h, refused);
        web_html_lit(&h, "</p>\n");
    }
    web_html_lit(&h, "<table class=\"queues\">");
    web_agent_table_head(r, &h, cols, HD_ARRAY_LEN(cols));
    for (size_t i = 0; i < n; i++) {
        web_html_lit(&h, "<tr><th scope=\"row\">");
        web_html_text(&h, qs[i].name);
        web_html_lit(&h, "</th><td>");
        web_html_text(&h, qs[i].address ? qs[i].address : "");
        web_html_lit(&h, "</td><td>");
        web_html_text(&h, qs[i].description ? qs[i].description : "");
        web_html_lit(&h, "</td><td>");
        web_html_int(&h, qs[i].open_tickets);
        web_html_lit(&h, "</td></tr>\n");
    }
    web_html_lit(&h, "</tbody></table>\n<form method=\"post\" "
                     "action=\"/agent/admin/queues/add\" class=\"add\">");
    web_agent_csrf_field(&h, ag->csrf);
    static const struct {
        const char *name;
        enum web_amsg label;
    } fields[] = {{"name", A_NAME}, {"address", A_ADDRESS},
                  {"description", A_DESCRIPTION}};
    for (size_t i = 0; i < HD_ARRAY_LEN(fields); i++) {
        web_html_lit(&h, "<label for=\"q-");
        web_html_text(&h, fields[i].name);
        web_html_lit(&h, "\">");
        web_html_text(&h, web_at(r->lang, fields[i].label));
        web_html_lit(&h, "</label><input id=\"q-");
        web_html_text(&h, fields[i].name);
        web_html_lit(&h, "\" name=\"");
        web_html_text(&h, fields[i].name);
        web_html_lit(&h, "\" maxlength=\"200\">");
    }
    web_html_lit(&h, "<button type=\"submit\">");
    web_html_text(&h, web_at(r->lang, A_ADD));
    web_html_lit(&h, "</button></form>\n");
    web_agent_layout_end(r, &h);
    web_resp_html(r, status, &h);
    web_html_deinit(&h);
}

void web_agent_admin_queues(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag != NULL)
        queues_page(r, ag, 200, NULL);
}

void web_agent_admin_queue_add(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    const char *name = web_form_field(r, "name");
    const char *addr = web_form_field(r, "address");
    const char *desc = web_form_field(r, "description");
    if (name == NULL || *name == '\0' || strlen(name) > HD_NAME_MAX ||
        (addr != NULL && *addr != '\0' &&
         (strchr(addr, '@') == NULL || strlen(addr) > HD_ADDRESS_MAX))) {
        queues_page(r, ag, 422, "name (1-200 characters) and an email "
                                "address or nothing");
        return;
    }
    int64_t id;
    if (hd_store_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    json_t *after = json_pack("{s:s, s:s?, s:s?}", "name", name, "address",
                              addr && *addr ? addr : NULL, "description",
                              desc);
    if (hd_store_queue_add(r->st, name, addr, desc, &id, &err) < 0 ||
        hd_store_queue_grant_all(r->st, id, &err) < 0 ||
        web_agent_audit(r, ag, hd_arena_printf(r->a, "queue:%s", name),
                        "queue.add", NULL, hd_audit_json(r->a, after),
                        &err) < 0 ||
        hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        if (err.code == HD_E_EXISTS || err.code == HD_E_INVAL)
            queues_page(r, ag, 422, err.msg);
        else
            web_agent_fail(r, &err);
        return;
    }
    web_resp_redirect(r, 303, "/agent/admin/queues");
}
