/* agent_admin_logs.c - /agent/admin/logs (admins only): the audit log,
 * the security log and the backup log searched by user, ticket, request
 * id, IP and time range (a GET form, 100 rows a page, newest first), and
 * the filtered rows as a download: logs.csv (RFC 4180; a cell starting
 * with = + - @ gets a leading ' so spreadsheets do not run it as a
 * formula) or logs.json. */
#include "agent_admin_logs.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "api.h"
#include "clock.h"
#include "date.h"
#include "store_logsearch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WEB_LOG_ROWS 100             /* rows per page */
#define WEB_LOG_EXPORT_MAX 100000    /* rows in one download */
#define WEB_LOG_CSV_MAX (64u << 20)  /* bytes of one CSV download */
#define WEB_LOG_OFFSET_MAX 10000000  /* highest page offset accepted */

static const char *const kinds[] = {"audit", "security", "backup"};
static const enum web_amsg kind_msgs[] = {A_LOG_AUDIT, A_LOG_SECURITY,
                                          A_LOG_BACKUP};

struct log_query {
    enum hd_log_kind kind;
    struct hd_log_filter f;
    const char *from_text, *until_text;
    int64_t offset;
    bool bad_time;
};

static enum hd_log_kind kind_of(const char *s)
{
    for (size_t i = 0; s != NULL && i < HD_ARRAY_LEN(kinds); i++)
        if (strcmp(s, kinds[i]) == 0)
            return (enum hd_log_kind)i;
    return HD_LOG_AUDIT;
}

/* A day from the date input ("2026-12-08": from its start, until its
 * end, in the instance zone) or an RFC 3339 time from older links. */
static int64_t time_arg(struct web_req *r, const char *name,
                        const char **text_r, bool *bad)
{
    const char *s = web_req_arg(r, name);
    int64_t t = 0;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_date d;
    *text_r = s ? s : "";
    if (s == NULL || *s == '\0')
        return 0;
    if (hd_date_parse(s, &d, &err) == 0) {
        bool until = strcmp(name, "until") == 0;
        t = hd_time_from_local(d.year, d.mon, d.day, 0, 0, 0);
        return until ? hd_time_from_local(d.year, d.mon, d.day, 23, 59, 59)
                     : t;
    }
    if (hd_time_parse(s, &t, &err) < 0)
        *bad = true;
    return t;
}

static void query_read(struct web_req *r, struct log_query *q)
{
    memset(q, 0, sizeof *q);
    q->kind = kind_of(web_req_arg(r, "log"));
    q->f.user = web_req_arg(r, "user");
    q->f.ticket = web_req_arg(r, "ticket");
    q->f.request_id = web_req_arg(r, "request_id");
    q->f.ip = web_req_arg(r, "ip");
    q->f.from = time_arg(r, "from", &q->from_text, &q->bad_time);
    q->f.until = time_arg(r, "until", &q->until_text, &q->bad_time);
    const char *off = web_req_arg(r, "offset");
    q->offset = off ? strtoll(off, NULL, 10) : 0;
    if (q->offset < 0 || q->offset > WEB_LOG_OFFSET_MAX)
        q->offset = 0;
}

/* "log=audit&user=...": the query of q for links (escaped in h). */
static void query_link(struct web_html *h, const struct log_query *q)
{
    const char *names[] = {"user", "ticket", "request_id", "ip", "from",
                           "until"};
    const char *vals[] = {q->f.user, q->f.ticket, q->f.request_id, q->f.ip,
                          q->from_text, q->until_text};
    web_html_lit(h, "log=");
    web_html_text(h, kinds[q->kind]);
    for (size_t i = 0; i < HD_ARRAY_LEN(names); i++) {
        if (vals[i] == NULL || *vals[i] == '\0')
            continue;
        web_html_lit(h, "&amp;");
        web_html_text(h, names[i]);
        web_html_lit(h, "=");
        web_html_urlq(h, vals[i]);
    }
}

static void text_input(struct web_html *h, const char *name, const char *label,
                       const char *value)
{
    web_html_lit(h, "<label>");
    web_html_text(h, label);
    web_html_lit(h, " <input type=\"text\" name=\"");
    web_html_text(h, name);
    web_html_lit(h, "\" value=\"");
    web_html_text(h, value ? value : "");
    web_html_lit(h, "\"></label>\n");
}

static void date_input(struct web_html *h, const char *name,
                       const char *label, const char *value)
{
    web_html_lit(h, "<label>");
    web_html_text(h, label);
    web_html_lit(h, " <input type=\"date\" name=\"");
    web_html_text(h, name);
    web_html_lit(h, "\" value=\"");
    web_html_text(h, value ? value : "");
    web_html_lit(h, "\"></label>\n");
}

/* One value of a flat JSON object, from p: its text (a string without
 * its quotes, anything else as written) up to the ',' or '}' that ends
 * it; *end_r is where that is. */
static const char *json_value(struct web_req *r, const char *p,
                              const char **end_r)
{
    const char *start = p;
    int depth = 0;
    bool str = false;
    if (*p == '"') {
        for (p = ++start; *p && *p != '"'; p++)
            if (*p == '\\' && p[1])
                p++;
        *end_r = *p ? p + 1 : p;
        return hd_arena_strndup(r->a, start, (size_t)(p - start));
    }
    for (; *p; p++) {
        if (str) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                str = false;
        } else if (*p == '"') {
            str = true;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if ((*p == '}' || *p == ']') && depth > 0) {
            depth--;
        } else if ((*p == ',' || *p == '}') && depth == 0) {
            break;
        }
    }
    *end_r = p;
    return hd_arena_strndup(r->a, start, (size_t)(p - start));
}

/* The detail as key: value lines: a JSON object (audit) or "k=v k=v"
 * (security); anything else as it is. */
static void detail_kv(struct web_req *r, struct web_html *h, const char *s)
{
    if (s == NULL || *s == '\0')
        return;
    bool json = *s == '{';
    bool pairs = !json && strchr(s, '=') != NULL && strchr(s, '{') == NULL;
    if (!json && !pairs) {
        web_html_text(h, s);
        return;
    }
    web_html_lit(h, "<dl class=\"kv\">");
    const char *p = s + (json ? 1 : 0);
    for (int n = 0; *p && n < 64; n++) {
        while (*p == ' ' || *p == ',' || *p == '\n')
            p++;
        if (*p == '\0' || *p == '}')
            break;
        const char *key, *val, *end;
        if (json) {
            key = json_value(r, p, &end);
            p = end;
            while (*p == ' ' || *p == ':')
                p++;
            val = json_value(r, p, &end);
        } else {
            const char *eq = strchr(p, '='), *sp = strchr(p, ' ');
            if (eq == NULL || (sp != NULL && sp < eq)) {
                end = sp ? sp : p + strlen(p);
                key = "";
                val = hd_arena_strndup(r->a, p, (size_t)(end - p));
            } else {
                end = sp ? sp : eq + strlen(eq);
                key = hd_arena_strndup(r->a, p, (size_t)(eq - p));
                val = hd_arena_strndup(r->a, eq + 1, (size_t)(end - eq - 1));
            }
        }
        web_html_lit(h, "<dt>");
        web_html_text(h, key);
        web_html_lit(h, "</dt><dd>");
        web_html_text(h, val);
        web_html_lit(h, "</dd>");
        p = end;
    }
    web_html_lit(h, "</dl>");
}

static void search_form(struct web_req *r, struct web_html *h,
                        const struct log_query *q)
{
    web_html_lit(h, "<form class=\"filters\" method=\"get\" "
                    "action=\"/agent/admin/logs\">\n<label>");
    web_html_text(h, web_at(r->lang, A_LOG_KIND));
    web_html_lit(h, " <select name=\"log\">");
    for (size_t i = 0; i < HD_ARRAY_LEN(kinds); i++) {
        web_html_lit(h, "<option value=\"");
        web_html_text(h, kinds[i]);
        if (q->kind == (enum hd_log_kind)i)
            web_html_lit(h, "\" selected>");
        else
            web_html_lit(h, "\">");
        web_html_text(h, web_at(r->lang, kind_msgs[i]));
        web_html_lit(h, "</option>");
    }
    web_html_lit(h, "</select></label>\n");
    text_input(h, "user", web_at(r->lang, A_USER), q->f.user);
    text_input(h, "ticket", web_at(r->lang, A_TICKET), q->f.ticket);
    text_input(h, "request_id", web_at(r->lang, A_REQUEST_ID),
               q->f.request_id);
    text_input(h, "ip", web_at(r->lang, A_IP), q->f.ip);
    date_input(h, "from", web_at(r->lang, A_FROM), q->from_text);
    date_input(h, "until", web_at(r->lang, A_UNTIL), q->until_text);
    web_html_lit(h, "<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_SEARCH));
    web_html_lit(h, "</button></form>\n");
}

static void row_html(struct web_req *r, struct web_html *h,
                     const struct hd_log_row *row)
{
    if (row->ok)
        web_html_lit(h, "<tr>");
    else
        web_html_lit(h, "<tr class=\"failed\">");
    web_html_lit(h, "<td>");
    web_agent_time(r, h, row->at);
    static const enum web_amsg cols[] = {A_WHO, A_IP, A_REQUEST_ID,
                                         A_OBJECT, A_ACTION};
    const char *cells[] = {row->who, row->ip, row->request_id, row->object,
                           row->action};
    for (size_t i = 0; i < HD_ARRAY_LEN(cells); i++) {
        web_html_lit(h, "</td><td data-label=\"");
        web_html_text(h, web_at(r->lang, cols[i]));
        web_html_lit(h, "\">");
        web_html_text(h, cells[i] ? cells[i] : "");
    }
    web_html_lit(h, "</td><td data-label=\"");
    web_html_text(h, web_at(r->lang, A_DETAIL));
    web_html_lit(h, "\">");
    detail_kv(r, h, row->detail);
    web_html_lit(h, "</td></tr>\n");
}

static void pager(struct web_req *r, struct web_html *h,
                  const struct log_query *q, size_t n)
{
    web_html_lit(h, "<nav class=\"pager\">");
    if (q->offset > 0) {
        web_html_lit(h, "<a href=\"/agent/admin/logs?");
        query_link(h, q);
        web_html_lit(h, "&amp;offset=");
        web_html_int(h, q->offset > WEB_LOG_ROWS ? q->offset - WEB_LOG_ROWS
                                                 : 0);
        web_html_lit(h, "\">");
        web_html_text(h, web_at(r->lang, A_PREV_PAGE));
        web_html_lit(h, "</a> ");
    }
    if (n == WEB_LOG_ROWS) {
        web_html_lit(h, "<a href=\"/agent/admin/logs?");
        query_link(h, q);
        web_html_lit(h, "&amp;offset=");
        web_html_int(h, q->offset + WEB_LOG_ROWS);
        web_html_lit(h, "\">");
        web_html_text(h, web_at(r->lang, A_NEXT_ROWS));
        web_html_lit(h, "</a>");
    }
    web_html_lit(h, "</nav>\n<p class=\"downloads\"><a href=\"/agent/admin/"
                    "logs.csv?");
    query_link(h, q);
    web_html_lit(h, "\">");
    web_html_text(h, web_at(r->lang, A_DOWNLOAD_CSV));
    web_html_lit(h, "</a> <a href=\"/agent/admin/logs.json?");
    query_link(h, q);
    web_html_lit(h, "\">");
    web_html_text(h, web_at(r->lang, A_DOWNLOAD_JSON));
    web_html_lit(h, "</a></p>\n");
}

static void rows_table(struct web_req *r, struct web_html *h,
                       const struct hd_log_row *rows, size_t n)
{
    static const enum web_amsg cols[] = {A_TIME, A_WHO, A_IP, A_REQUEST_ID,
                                         A_OBJECT, A_ACTION, A_DETAIL};
    if (n == 0) {
        web_html_lit(h, "<p>");
        web_html_text(h, web_at(r->lang, A_NO_ROWS));
        web_html_lit(h, "</p>\n");
        return;
    }
    web_html_lit(h, "<table class=\"logs\"><thead><tr>");
    for (size_t i = 0; i < HD_ARRAY_LEN(cols); i++) {
        web_html_lit(h, "<th scope=\"col\">");
        web_html_text(h, web_at(r->lang, cols[i]));
        web_html_lit(h, "</th>");
    }
    web_html_lit(h, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++)
        row_html(r, h, &rows[i]);
    web_html_lit(h, "</tbody></table>\n");
}

void web_agent_admin_logs(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct log_query q;
    query_read(r, &q);
    struct hd_log_row *rows = NULL;
    size_t n = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (!q.bad_time && hd_store_log_search(r->st, q.kind, &q.f, WEB_LOG_ROWS,
                                           q.offset, r->a, &rows, &n,
                                           &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_LOGS));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_LOGS));
    web_html_lit(&h, "</h1>\n");
    search_form(r, &h, &q);
    if (q.bad_time) {
        web_html_lit(&h, "<p class=\"error\" role=\"alert\">");
        web_html_text(&h, web_at(r->lang, A_BAD_FILTER));
        web_html_lit(&h, "</p>\n");
    } else {
        rows_table(r, &h, rows, n);
        pager(r, &h, &q, n);
    }
    web_agent_layout_end(r, &h);
    web_resp_html(r, q.bad_time ? 400 : 200, &h);
    web_html_deinit(&h);
}

/* ---- downloads ----------------------------------------------------- */

/* Every row matching q (up to WEB_LOG_EXPORT_MAX), newest first, or -1. */
static int all_rows(struct web_req *r, const struct log_query *q,
                    struct hd_log_row **rows_r, size_t *n_r,
                    struct hd_error *err)
{
    struct hd_log_row *all = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        struct hd_log_row *page;
        size_t k;
        if (hd_store_log_search(r->st, q->kind, &q->f, HD_LOG_PAGE_MAX,
                                (int64_t)n, r->a, &page, &k, err) < 0)
            return -1;
        if (n + k > cap) {
            size_t ncap = cap ? cap * 2 : HD_LOG_PAGE_MAX;
            struct hd_log_row *na = hd_arena_alloc(r->a, ncap * sizeof *na);
            if (n > 0)
                memcpy(na, all, n * sizeof *na);
            all = na;
            cap = ncap;
        }
        if (k > 0)
            memcpy(all + n, page, k * sizeof *page);
        n += k;
        if (k < HD_LOG_PAGE_MAX || n >= WEB_LOG_EXPORT_MAX)
            break;
    }
    *rows_r = all;
    *n_r = n;
    return 0;
}

/* One CSV cell: quoted when it holds a comma, quote or line break
 * (quotes doubled); a leading = + - @ (or tab/CR) is prefixed with '. */
static int csv_cell(struct hd_buf *b, const char *s, bool last,
                    struct hd_error *err)
{
    s = s ? s : "";
    bool formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote && hd_buf_puts(b, "\"", err) < 0)
        return -1;
    if (formula && hd_buf_puts(b, "'", err) < 0)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && hd_buf_puts(b, "\"", err) < 0)
            return -1;
        if (hd_buf_append(b, p, 1, err) < 0)
            return -1;
    }
    if (quote && hd_buf_puts(b, "\"", err) < 0)
        return -1;
    return hd_buf_puts(b, last ? "\r\n" : ",", err);
}

static int csv_row(struct hd_buf *b, const char *const *cells, size_t n,
                   struct hd_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (csv_cell(b, cells[i], i + 1 == n, err) < 0)
            return -1;
    return 0;
}

static int csv_rows(struct hd_buf *b, const struct hd_log_row *rows, size_t n,
                    struct hd_error *err)
{
    static const char *const head[] = {"id", "time", "who", "ip",
                                       "request_id", "object", "action",
                                       "detail", "ok"};
    if (csv_row(b, head, HD_ARRAY_LEN(head), err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char id[24], at[32];
        snprintf(id, sizeof id, "%lld", (long long)rows[i].id);
        hd_time_format_utc(rows[i].at, at);
        const char *cells[] = {id, at, rows[i].who, rows[i].ip,
                               rows[i].request_id, rows[i].object,
                               rows[i].action, rows[i].detail,
                               rows[i].ok ? "1" : "0"};
        if (csv_row(b, cells, HD_ARRAY_LEN(cells), err) < 0)
            return -1;
    }
    return 0;
}

/* The signed-in admin and the rows of the request's query, or NULL with
 * the response written. */
static struct hd_log_row *download_rows(struct web_req *r,
                                        struct log_query *q, size_t *n_r)
{
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return NULL;
    query_read(r, q);
    if (q->bad_time) {
        web_error_page(r, 400);
        return NULL;
    }
    struct hd_log_row *rows = NULL;
    struct hd_error err = HD_ERROR_INIT;
    if (all_rows(r, q, &rows, n_r, &err) < 0) {
        web_agent_fail(r, &err);
        return NULL;
    }
    return rows ? rows : hd_arena_alloc(r->a, sizeof *rows);
}

static void disposition(struct web_req *r, const struct log_query *q,
                        const char *ext)
{
    web_resp_header(r, "Content-Disposition",
                    hd_arena_printf(r->a, "attachment; filename=\"%s-log.%s\"",
                                    kinds[q->kind], ext));
}

void web_agent_admin_logs_csv(struct web_req *r, const char *arg)
{
    (void)arg;
    struct log_query q;
    size_t n = 0;
    struct hd_log_row *rows = download_rows(r, &q, &n);
    if (rows == NULL)
        return;
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, WEB_LOG_CSV_MAX);
    if (csv_rows(&b, rows, n, &err) < 0) {
        hd_buf_deinit(&b);
        web_agent_fail(r, &err);
        return;
    }
    size_t len = b.len;
    char *body = hd_arena_strndup(r->a, hd_buf_cstr(&b), len);
    hd_buf_deinit(&b);
    disposition(r, &q, "csv");
    web_resp_data(r, 200, "text/csv; charset=utf-8; header=present", body,
                  len, true);
}

void web_agent_admin_logs_json(struct web_req *r, const char *arg)
{
    (void)arg;
    struct log_query q;
    size_t n = 0;
    struct hd_log_row *rows = download_rows(r, &q, &n);
    if (rows == NULL)
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char at[32];
        hd_time_format_utc(rows[i].at, at);
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, "
                           "s:b}",
                           "id", (json_int_t)rows[i].id, "time", at, "who",
                           rows[i].who, "ip", rows[i].ip, "request_id",
                           rows[i].request_id, "object", rows[i].object,
                           "action", rows[i].action, "detail",
                           rows[i].detail, "ok", rows[i].ok));
    }
    disposition(r, &q, "json");
    web_resp_json(r, 200, arr);
}
