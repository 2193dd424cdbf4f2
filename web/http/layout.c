/* layout.c - the frame of every public page: head (title, description,
 * canonical URL, stylesheet, feed), header with navigation and the
 * language switch, footer.  Built with html.c like everything else. */
#include "canned.h"
#include "clock.h"
#include "i18n.h"
#include "web_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *other_lang(const char *lang)
{
    return strcmp(lang, "ja") == 0 ? "en" : "ja";
}

void web_layout_begin(struct web_req *r, struct web_html *h,
                      const struct web_page *p)
{
    const char *site = web_t(r->lang, M_SITE_TAGLINE);
    web_html_lit(h, "<!DOCTYPE html>\n<html lang=\"");
    web_html_text(h, r->lang);
    web_html_lit(h, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\">\n<title>");
    web_html_text(h, p->title);
    if (strcmp(p->title, site) != 0) {
        web_html_lit(h, " | ");
        web_html_text(h, site);
    }
    web_html_lit(h, "</title>\n<meta name=\"description\" content=\"");
    web_html_text(h, p->description);
    web_html_lit(h, "\">\n");
    if (p->canonical != NULL && *r->app->public_url != '\0') {
        web_html_lit(h, "<link rel=\"canonical\" href=\"");
        web_html_text(h, r->app->public_url);
        web_html_text(h, p->canonical);
        web_html_lit(h, "\">\n");
    }
    web_html_lit(h, "<link rel=\"icon\" href=\"data:,\">\n");
    web_html_lit(h, "<link rel=\"stylesheet\" href=\"");
    web_html_text(h, web_static_url("app.css"));
    web_html_lit(h, "\">\n<link rel=\"alternate\" "
                    "type=\"application/atom+xml\" href=\"/faq/feed.atom\" "
                    "title=\"");
    web_html_text(h, web_t(r->lang, M_FEED));
    web_html_lit(h, "\">\n<script src=\"");
    web_html_text(h, web_static_url("app.js"));
    web_html_lit(h, "\" defer></script>\n</head>\n<body>\n"
                    "<a class=\"skip\" href=\"#main\">");
    web_html_text(h, web_t(r->lang, M_SKIP));
    web_html_lit(h, "</a>\n<header class=\"site\"><a class=\"brand\" "
                    "href=\"/\">");
    web_html_text(h, site);
    web_html_lit(h, "</a>\n<nav><a href=\"/faq/\">");
    web_html_text(h, web_t(r->lang, M_NAV_FAQ));
    web_html_lit(h, "</a> <a href=\"/terms\">");
    web_html_text(h, web_t(r->lang, M_NAV_TERMS));
    web_html_lit(h, "</a> <a class=\"lang\" hreflang=\"");
    web_html_text(h, other_lang(r->lang));
    web_html_lit(h, "\" href=\"?");
    if (p->lang_query != NULL) {
        web_html_text(h, p->lang_query);
        web_html_lit(h, "&amp;");
    }
    web_html_lit(h, "lang=");
    web_html_text(h, other_lang(r->lang));
    web_html_lit(h, "\">");
    web_html_text(h, web_t(r->lang, M_SWITCH_LANG));
    web_html_lit(h, "</a></nav>\n</header>\n<main id=\"main\">\n");
}

void web_layout_end(struct web_req *r, struct web_html *h)
{
    (void)r;
    web_html_lit(h, "</main>\n<footer class=\"site\"><a href=\"/terms\">");
    web_html_text(h, web_t(r->lang, M_NAV_TERMS));
    web_html_lit(h, "</a> · <a href=\"/faq/feed.atom\">");
    web_html_text(h, web_t(r->lang, M_FEED));
    web_html_lit(h, "</a></footer>\n</body>\n</html>\n");
}

void web_layout_search_form(struct web_req *r, struct web_html *h,
                            const char *q)
{
    web_html_lit(h, "<form class=\"search\" role=\"search\" method=\"get\" "
                    "action=\"/faq/search\">\n<label for=\"q\">");
    web_html_text(h, web_t(r->lang, M_SEARCH_LABEL));
    web_html_lit(h, "</label>\n<input id=\"q\" name=\"q\" type=\"search\" "
                    "maxlength=\"200\" placeholder=\"");
    web_html_text(h, web_t(r->lang, M_SEARCH_PLACEHOLDER));
    web_html_lit(h, "\" value=\"");
    web_html_text(h, q);
    web_html_lit(h, "\">\n<button type=\"submit\">");
    web_html_text(h, web_t(r->lang, M_SEARCH_BUTTON));
    web_html_lit(h, "</button>\n</form>\n");
}

/* <time> around one of the two formatters every page uses (canned.h). */
static void time_elem(struct web_html *h, int64_t t, const char *text)
{
    char iso[32];
    hd_time_format_local(t, iso);
    web_html_lit(h, "<time datetime=\"");
    web_html_text(h, iso);
    web_html_lit(h, "\">");
    web_html_text(h, text);
    web_html_lit(h, "</time>");
}

void web_layout_date(struct web_req *r, struct web_html *h, int64_t t)
{
    char d[HD_CANNED_DATE_SIZE];
    hd_canned_format_day(t, r->lang, d);
    time_elem(h, t, d);
}

void web_layout_datetime(struct web_req *r, struct web_html *h, int64_t t)
{
    char d[HD_CANNED_DATE_SIZE];
    hd_canned_format_date(t, r->lang, d);
    time_elem(h, t, d);
}

void web_layout_contact(struct web_req *r, struct web_html *h,
                        enum web_msg heading, bool now)
{
    const struct hd_config *cfg = r->app->cfg;
    struct web_hours hours;
    web_contact_hours(r->app->cal, hd_clock_now(), &hours);
    web_html_lit(h, "<section class=\"contact\" id=\"contact\">\n<h2>");
    web_html_text(h, web_t(r->lang, heading));
    web_html_lit(h, "</h2>\n<div class=\"channel incident\"><h3>");
    web_html_text(h, web_t(r->lang, M_INCIDENT));
    web_html_lit(h, "</h3><p class=\"addr\"><a href=\"mailto:");
    web_html_text(h, hd_config_get(cfg, HD_CFG_SUPPORT_INCIDENT_ADDRESS));
    web_html_lit(h, "\">");
    web_html_text(h, hd_config_get(cfg, HD_CFG_SUPPORT_INCIDENT_ADDRESS));
    web_html_lit(h, "</a></p><p class=\"hours open\">");
    web_html_text(h, web_t(r->lang, M_INCIDENT_HOURS));
    web_html_lit(h, "</p></div>\n<div class=\"channel general\"><h3>");
    web_html_text(h, web_t(r->lang, M_GENERAL));
    web_html_lit(h, "</h3><p class=\"addr\"><a href=\"mailto:");
    web_html_text(h, hd_config_get(cfg, HD_CFG_SUPPORT_GENERAL_ADDRESS));
    web_html_lit(h, "\">");
    web_html_text(h, hd_config_get(cfg, HD_CFG_SUPPORT_GENERAL_ADDRESS));
    web_html_lit(h, "</a></p><p class=\"hours\">");
    web_html_text(h, web_t(r->lang, M_GENERAL_HOURS));
    web_html_lit(h, "</p>");
    if (!now) {
        web_html_lit(h, "</div>\n</section>\n");
        return;
    }
    web_html_lit(h, "<p class=\"now\">");
    if (hours.open_now) {
        web_html_text(h, web_t(r->lang, M_OPEN_NOW));
    } else if (hours.next_open > 0) {
        web_html_text(h, web_t(r->lang, M_OPENS_AT));
        web_html_lit(h, " ");
        web_layout_datetime(r, h, hours.next_open);
    }
    web_html_lit(h, "</p></div>\n</section>\n");
}
