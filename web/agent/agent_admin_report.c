/* agent_admin_report.c - the service checklist at /agent/admin/checklist
 * (admins only): a summary (ok / ng / operator / not known), then the 65
 * rows of hd_report_checklist() in the interface language, "ng" rows
 * first, each status as a word and a colour, and the same rows as a JSON
 * download (/agent/admin/checklist.json). */
#include "agent_admin_report.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "report.h"
#include "scan.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The word and the CSS class of a checklist status. */
static enum web_amsg status_msg(const char *st, const char **cls_r)
{
    if (strcmp(st, "ok") == 0) {
        *cls_r = "st-ok";
        return A_ST_OK;
    }
    if (strcmp(st, "ng") == 0) {
        *cls_r = "st-attention";
        return A_ST_ATTENTION;
    }
    *cls_r = "st-operator";
    return strcmp(st, "operator") == 0 ? A_ST_OPERATOR : A_ST_UNKNOWN;
}

static const char *field(const json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));
    return s ? s : "";
}

static void row_html(struct web_req *r, struct web_html *h, const json_t *row)
{
    const char *cls;
    enum web_amsg m = status_msg(field(row, "status"), &cls);
    web_html_lit(h, "<tr><th scope=\"row\">");
    web_html_int(h, (long long)json_integer_value(json_object_get(row, "no")));
    web_html_lit(h, "</th><td>");
    web_html_text(h, field(row, "item"));
    web_html_lit(h, "</td><td>");
    web_html_text(h, field(row, "answer"));
    web_html_lit(h, "</td><td>");
    web_html_text(h, field(row, "evidence"));
    web_html_lit(h, "</td><td class=\"");
    web_html_text(h, cls);
    web_html_lit(h, "\">");
    web_html_text(h, web_at(r->lang, m));
    web_html_lit(h, "</td></tr>\n");
}

static void summary_html(struct web_req *r, struct web_html *h,
                         const json_t *rows)
{
    struct hd_report_counts n;
    hd_report_summary(rows, &n);
    const struct {
        enum web_amsg m;
        int n;
    } parts[] = {{A_ST_OK, n.ok}, {A_ST_ATTENTION, n.ng},
                 {A_ST_OPERATOR, n.operator_}, {A_ST_UNKNOWN, n.unknown}};
    web_html_lit(h, "<p class=\"summary\">");
    for (size_t i = 0; i < HD_ARRAY_LEN(parts); i++) {
        if (i > 0)
            web_html_lit(h, " / ");
        web_html_text(h, web_at(r->lang, parts[i].m));
        web_html_lit(h, " ");
        web_html_int(h, parts[i].n);
    }
    web_html_lit(h, "</p>\n");
}

/* The checklist rows, or NULL with the error page written. */
static json_t *checklist(struct web_req *r)
{
    json_t *rows = NULL;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_report_checklist(r->app->inst, r->st, r->lang, hd_scan_ping,
                            &rows, &err) < 0) {
        web_agent_fail(r, &err);
        return NULL;
    }
    return rows;
}

void web_agent_admin_checklist(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    json_t *rows = checklist(r);
    if (rows == NULL)
        return;
    static const enum web_amsg cols[] = {A_NUMBER, A_ITEM, A_ANSWER,
                                         A_EVIDENCE, A_STATUS};
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_CHECKLIST));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_CHECKLIST));
    web_html_lit(&h, "</h1>\n");
    summary_html(r, &h, rows);
    web_html_lit(&h, "<p><a href=\"/agent/admin/checklist.json\" "
                     "download>");
    web_html_text(&h, web_at(r->lang, A_DOWNLOAD_JSON));
    web_html_lit(&h, "</a></p>\n<table class=\"checklist\"><thead><tr>");
    for (size_t i = 0; i < HD_ARRAY_LEN(cols); i++) {
        web_html_lit(&h, "<th scope=\"col\">");
        web_html_text(&h, web_at(r->lang, cols[i]));
        web_html_lit(&h, "</th>");
    }
    web_html_lit(&h, "</tr></thead>\n<tbody>\n");
    size_t i;
    json_t *row;
    /* "ng" rows first: they are what the reader must act on. */
    for (int pass = 0; pass < 2; pass++)
        json_array_foreach(rows, i, row)
            if ((strcmp(field(row, "status"), "ng") == 0) == (pass == 0))
                row_html(r, &h, row);
    web_html_lit(&h, "</tbody></table>\n");
    json_decref(rows);
    web_agent_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}

void web_agent_admin_checklist_json(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    json_t *rows = checklist(r);
    if (rows == NULL)
        return;
    char *text = json_dumps(rows, JSON_INDENT(1));
    json_decref(rows);
    hd_assert(text != NULL);
    const char *body = hd_arena_strdup(r->a, text);
    free(text);
    web_resp_header(r, "Content-Disposition",
                    "attachment; filename=\"checklist.json\"");
    web_resp_data(r, 200, "application/json; charset=utf-8", body,
                  strlen(body), true);
}
