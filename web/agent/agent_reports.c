/* agent_reports.c - see agent_reports.h.  Every table of struct
 * hd_stats is drawn the same way: a heading, a horizontal bar chart in
 * inline SVG (the first nchart columns stacked; role="img" with a title,
 * the numbers being in the table beside it), and the table itself with
 * a caption and header cells, which is what screen readers read.  The
 * CSV holds the same numbers, one per line (table, row, column, value). */
#include "agent_reports.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"

#include "buf.h"
#include "clock.h"
#include "stats.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHART_W 560      /* px: label column + bars */
#define CHART_LABEL_W 110
#define CHART_ROW_H 18
#define CSV_MAX (4 * 1024 * 1024)

/* Built pages are kept per process: a report reads every ticket of its
 * period (about 200 ms of CPU at 100k tickets), and a manager's Monday
 * page does not need to be newer than a minute.  An entry is good while
 * the tickets generation (agent_generation, which moves with every
 * ticket change and rating) is the one it was built under and it is
 * younger than REPORT_CACHE_SECS. */
#define REPORT_CACHE_SLOTS 16
#define REPORT_CACHE_SECS 60
#define REPORT_CACHE_MAX (256 * 1024) /* bytes of one kept body */

static const enum web_amsg titles[HD_ST_COUNT] = {
    [HD_ST_SLA_QUEUE] = A_RPT_T_SLA_QUEUE,
    [HD_ST_SLA_CATEGORY] = A_RPT_T_SLA_CATEGORY,
    [HD_ST_SLA_PRIORITY] = A_RPT_T_SLA_PRIORITY,
    [HD_ST_SLA_WEEK] = A_RPT_T_SLA_WEEK,
    [HD_ST_VOL_DAY] = A_RPT_VOL_DAY,
    [HD_ST_VOL_WEEKDAY] = A_RPT_VOL_WEEKDAY,
    [HD_ST_VOL_HOUR] = A_RPT_VOL_HOUR,
    [HD_ST_BACKLOG] = A_RPT_BACKLOG,
    [HD_ST_FRT] = A_RPT_FRT,
    [HD_ST_RESOLVE] = A_RPT_RESOLVE_T,
    [HD_ST_WORKLOAD] = A_RPT_WORKLOAD,
    [HD_ST_CSAT] = A_RPT_T_CSAT,
};

static const enum web_amsg row_heads[HD_ST_COUNT] = {
    [HD_ST_SLA_QUEUE] = A_QUEUE, [HD_ST_SLA_CATEGORY] = A_CATEGORY,
    [HD_ST_SLA_PRIORITY] = A_PRIORITY, [HD_ST_SLA_WEEK] = A_RPT_WEEK,
    [HD_ST_VOL_DAY] = A_RPT_DAY, [HD_ST_VOL_WEEKDAY] = A_RPT_WEEKDAY,
    [HD_ST_VOL_HOUR] = A_RPT_HOUR, [HD_ST_BACKLOG] = A_RPT_AGE,
    [HD_ST_FRT] = A_TIME, [HD_ST_RESOLVE] = A_TIME,
    [HD_ST_WORKLOAD] = A_ASSIGNEE, [HD_ST_CSAT] = A_QUEUE,
};

static const struct {
    const char *col;
    enum web_amsg m;
} col_names[] = {
    {"first_met", A_RPT_FIRST_MET}, {"first_missed", A_RPT_FIRST_MISSED},
    {"resolve_met", A_RPT_RESOLVE_MET},
    {"resolve_missed", A_RPT_RESOLVE_MISSED}, {"tickets", A_RPT_TICKETS},
    {"first_rate_permille", A_RPT_FIRST_RATE},
    {"resolve_rate_permille", A_RPT_RESOLVE_RATE},
    {"inside_hours", A_RPT_INSIDE}, {"outside_hours", A_RPT_OUTSIDE},
    {"open", A_RPT_OPEN}, {"solved", A_RPT_SOLVED}, {"good", A_RPT_GOOD},
    {"bad", A_RPT_BAD}, {"good_rate_permille", A_RPT_RATE},
};

static const char *col_label(const char *lang, const char *col)
{
    if (strcmp(col, "incident") == 0)
        return web_at_category(lang, HD_CAT_INCIDENT);
    if (strcmp(col, "general") == 0)
        return web_at_category(lang, HD_CAT_GENERAL);
    for (size_t i = 0; i < HD_ARRAY_LEN(col_names); i++)
        if (strcmp(col_names[i].col, col) == 0)
            return web_at(lang, col_names[i].m);
    return col;
}

static const char *row_label(const char *lang, int tid, const char *label)
{
    static const char *const wd_ja[] = {"月", "火", "水", "木",
                                        "金", "土", "日"};
    static const char *const wd_en[] = {"Mon", "Tue", "Wed", "Thu",
                                        "Fri", "Sat", "Sun"};
    enum hd_category c;
    enum hd_priority p;
    if (tid == HD_ST_SLA_CATEGORY && hd_category_parse(label, &c, NULL) == 0)
        return web_at_category(lang, c);
    if (tid == HD_ST_SLA_PRIORITY && hd_priority_parse(label, &p, NULL) == 0)
        return web_at_priority(lang, p);
    if (tid == HD_ST_VOL_WEEKDAY)
        for (int i = 0; i < 7; i++)
            if (strcmp(label, wd_en[i]) == 0)
                return strcmp(lang, "ja") == 0 ? wd_ja[i] : wd_en[i];
    if (strcmp(label, "(none)") == 0)
        return web_at(lang, A_NONE);
    if (strcmp(label, "(unassigned)") == 0)
        return web_at(lang, A_RPT_UNASSIGNED);
    if (strcmp(label, "(all)") == 0)
        return web_at(lang, A_RPT_ALL);
    return label;
}

/* "95.2%" or "-" for a rate; the number for the rest. */
static void cell(struct web_html *h, const char *col, int64_t v)
{
    if (!hd_stats_col_is_rate(col)) {
        web_html_int(h, v);
        return;
    }
    if (v < 0) {
        web_html_lit(h, "-");
        return;
    }
    web_html_int(h, v / 10);
    web_html_lit(h, ".");
    web_html_int(h, v % 10);
    web_html_lit(h, "%");
}

static void chart(struct web_req *r, struct web_html *h, int tid,
                  const struct hd_stats_table *t)
{
    static const char *const fills[] = {"#3b6ea8", "#d0783a", "#6a9a3a"};
    int64_t max = 1;
    for (size_t i = 0; i < t->nrows; i++) {
        int64_t sum = 0;
        for (size_t k = 0; k < t->nchart; k++)
            sum += t->rows[i].v[k];
        max = sum > max ? sum : max;
    }
    size_t height = t->nrows * CHART_ROW_H + CHART_ROW_H;
    web_html_lit(h, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                    "role=\"img\" width=\"");
    web_html_int(h, CHART_W);
    web_html_lit(h, "\" height=\"");
    web_html_int(h, (long long)height);
    web_html_lit(h, "\" viewBox=\"0 0 ");
    web_html_int(h, CHART_W);
    web_html_lit(h, " ");
    web_html_int(h, (long long)height);
    web_html_lit(h, "\"><title>");
    web_html_text(h, web_at(r->lang, titles[tid]));
    web_html_lit(h, "</title>\n");
    for (size_t k = 0; k < t->nchart; k++) { /* the legend */
        web_html_lit(h, "<rect x=\"");
        web_html_int(h, (long long)(CHART_LABEL_W + k * 180));
        web_html_lit(h, "\" y=\"3\" width=\"10\" height=\"10\" fill=\"");
        web_html_text(h, fills[k % 3]);
        web_html_lit(h, "\"/><text x=\"");
        web_html_int(h, (long long)(CHART_LABEL_W + k * 180 + 14));
        web_html_lit(h, "\" y=\"12\" font-size=\"11\">");
        web_html_text(h, col_label(r->lang, t->cols[k]));
        web_html_lit(h, "</text>\n");
    }
    for (size_t i = 0; i < t->nrows; i++) {
        long long y = (long long)((i + 1) * CHART_ROW_H);
        web_html_lit(h, "<text x=\"0\" y=\"");
        web_html_int(h, y + 12);
        web_html_lit(h, "\" font-size=\"11\">");
        web_html_text(h, row_label(r->lang, tid, t->rows[i].label));
        web_html_lit(h, "</text>");
        int64_t x = CHART_LABEL_W;
        for (size_t k = 0; k < t->nchart; k++) {
            int64_t w = t->rows[i].v[k] * (CHART_W - CHART_LABEL_W - 10) / max;
            if (w <= 0)
                continue;
            web_html_lit(h, "<rect x=\"");
            web_html_int(h, x);
            web_html_lit(h, "\" y=\"");
            web_html_int(h, y + 2);
            web_html_lit(h, "\" width=\"");
            web_html_int(h, w);
            web_html_lit(h, "\" height=\"14\" fill=\"");
            web_html_text(h, fills[k % 3]);
            web_html_lit(h, "\"/>");
            x += w;
        }
        web_html_lit(h, "\n");
    }
    web_html_lit(h, "</svg>\n");
}

static void table(struct web_req *r, struct web_html *h, int tid,
                  const struct hd_stats_table *t)
{
    web_html_lit(h, "<table class=\"report\" id=\"t-");
    web_html_text(h, t->id);
    web_html_lit(h, "\"><caption>");
    web_html_text(h, web_at(r->lang, titles[tid]));
    web_html_lit(h, "</caption>\n<thead><tr><th scope=\"col\">");
    web_html_text(h, web_at(r->lang, row_heads[tid]));
    web_html_lit(h, "</th>");
    for (size_t k = 0; k < t->ncols; k++) {
        web_html_lit(h, "<th scope=\"col\" data-col=\"");
        web_html_text(h, t->cols[k]);
        web_html_lit(h, "\">");
        web_html_text(h, col_label(r->lang, t->cols[k]));
        web_html_lit(h, "</th>");
    }
    web_html_lit(h, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < t->nrows; i++) {
        web_html_lit(h, "<tr><th scope=\"row\">");
        web_html_text(h, row_label(r->lang, tid, t->rows[i].label));
        web_html_lit(h, "</th>");
        for (size_t k = 0; k < t->ncols; k++) {
            web_html_lit(h, "<td data-col=\"");
            web_html_text(h, t->cols[k]);
            web_html_lit(h, "\" data-label=\"");
            web_html_text(h, col_label(r->lang, t->cols[k]));
            web_html_lit(h, "\">");
            cell(h, t->cols[k], t->rows[i].v[k]);
            web_html_lit(h, "</td>");
        }
        web_html_lit(h, "</tr>\n");
    }
    web_html_lit(h, "</tbody></table>\n");
}

/* The days asked for (?days=, 1..HD_STATS_DAYS_MAX, else the default). */
static int days_arg(struct web_req *r)
{
    const char *s = web_req_arg(r, "days");
    long v = s ? strtol(s, NULL, 10) : 0;
    return v >= 1 && v <= HD_STATS_DAYS_MAX ? (int)v : HD_STATS_DAYS_DEFAULT;
}

/* The report for ag, or NULL with the error page written. */
static struct hd_stats *build(struct web_req *r, const struct web_agent *ag)
{
    struct hd_stats *s = hd_arena_alloc(r->a, sizeof *s);
    struct hd_stats_opts o = {
        .days = days_arg(r), .until = hd_clock_now(),
        .visible_to_user = ag->role == WEB_ROLE_ADMIN ? 0 : ag->user.id,
    };
    struct hd_error err = HD_ERROR_INIT;
    if (hd_stats_build(r->app->inst, r->st, &o, r->a, s, &err) < 0) {
        web_agent_fail(r, &err);
        return NULL;
    }
    return s;
}

static void period_form(struct web_req *r, struct web_html *h,
                        const struct hd_stats *s, bool admin)
{
    static const int choices[] = {7, 28, 90, 365};
    web_html_lit(h, "<form method=\"get\" action=\"/agent/reports\">"
                    "<label>");
    web_html_text(h, web_at(r->lang, A_RPT_PERIOD));
    web_html_lit(h, " <select name=\"days\">");
    for (size_t i = 0; i < HD_ARRAY_LEN(choices); i++) {
        web_html_lit(h, "<option value=\"");
        web_html_int(h, choices[i]);
        if (choices[i] == s->days)
            web_html_lit(h, "\" selected>");
        else
            web_html_lit(h, "\">");
        web_html_int(h, choices[i]);
        web_html_lit(h, " ");
        web_html_text(h, web_at(r->lang, A_RPT_DAYS));
        web_html_lit(h, "</option>");
    }
    web_html_lit(h, "</select></label> <button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_RPT_SHOW));
    web_html_lit(h, "</button> <a href=\"/agent/reports.csv?days=");
    web_html_int(h, s->days);
    web_html_lit(h, "\" download>");
    web_html_text(h, web_at(r->lang, A_RPT_DOWNLOAD_CSV));
    web_html_lit(h, "</a></form>\n<p>");
    web_agent_time(r, h, s->since);
    web_html_lit(h, " – ");
    web_agent_time(r, h, s->until);
    web_html_lit(h, " (");
    web_html_text(h, s->zone);
    web_html_lit(h, ")");
    if (!admin) {
        web_html_lit(h, " ");
        web_html_text(h, web_at(r->lang, A_RPT_GRANTED_ONLY));
    }
    web_html_lit(h, "</p>\n");
}

struct report_key {
    int64_t user_id; /* 0: an admin's (everything) */
    int64_t generation;
    int days;
    char lang[8];
};

static struct {
    struct report_key key;
    int64_t at;
    char *body; /* malloc'd */
    size_t len;
} cache[REPORT_CACHE_SLOTS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void key_of(struct web_req *r, const struct web_agent *ag,
                   struct report_key *k)
{
    memset(k, 0, sizeof *k); /* compared with memcmp */
    k->user_id = ag->role == WEB_ROLE_ADMIN ? 0 : ag->user.id;
    k->generation = ag->gen.tickets;
    k->days = days_arg(r);
    snprintf(k->lang, sizeof k->lang, "%s", r->lang ? r->lang : "");
}

/* The kept body for k, copied into r's arena, or NULL. */
static const char *cache_get(struct web_req *r, const struct report_key *k,
                             size_t *len_r)
{
    const char *body = NULL;
    int64_t now = hd_clock_now();
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < REPORT_CACHE_SLOTS && body == NULL; i++)
        if (cache[i].body && memcmp(&cache[i].key, k, sizeof *k) == 0 &&
            now >= cache[i].at && now - cache[i].at < REPORT_CACHE_SECS) {
            body = hd_arena_strndup(r->a, cache[i].body, cache[i].len);
            *len_r = cache[i].len;
        }
    pthread_mutex_unlock(&cache_lock);
    return body;
}

/* Keeps body under k in the oldest slot. */
static void cache_put(const struct report_key *k, const char *body, size_t n)
{
    if (n > REPORT_CACHE_MAX)
        return;
    char *copy = malloc(n + 1);
    hd_assert(copy != NULL);
    memcpy(copy, body, n);
    copy[n] = '\0';
    pthread_mutex_lock(&cache_lock);
    size_t slot = 0;
    for (size_t i = 1; i < REPORT_CACHE_SLOTS; i++)
        if (cache[i].at < cache[slot].at)
            slot = i;
    free(cache[slot].body);
    cache[slot].key = *k;
    cache[slot].at = hd_clock_now();
    cache[slot].body = copy;
    cache[slot].len = n;
    pthread_mutex_unlock(&cache_lock);
}

/* The page between the layout's head and foot. */
static int report_body(struct web_req *r, const struct web_agent *ag,
                       struct web_html *h)
{
    struct hd_stats *s = build(r, ag);
    if (s == NULL)
        return -1;
    web_html_lit(h, "<h1>");
    web_html_text(h, web_at(r->lang, A_REPORTS));
    web_html_lit(h, "</h1>\n");
    period_form(r, h, s, ag->role == WEB_ROLE_ADMIN);
    for (int i = 0; i < HD_ST_COUNT; i++) {
        web_html_lit(h, "<section class=\"report\">\n<h2>");
        web_html_text(h, web_at(r->lang, titles[i]));
        web_html_lit(h, "</h2>\n");
        chart(r, h, i, &s->t[i]);
        table(r, h, i, &s->t[i]);
        web_html_lit(h, "</section>\n");
    }
    return 0;
}

/* Sends head, the report's body and foot as one page, as the queue page
 * sends its kept pieces (agent_queue.c): every piece was written by a
 * builder of html.h. */
static void send(struct web_req *r, const struct web_html *head,
                 const char *mid, size_t mid_len, const struct web_html *foot)
{
    if (head->failed || foot->failed) {
        web_error_page(r, 500);
        return;
    }
    size_t len = head->b.len + mid_len + foot->b.len;
    char *body = hd_arena_alloc(r->a, len + 1), *w = body;
    memcpy(w, head->b.data, head->b.len);
    w += head->b.len;
    memcpy(w, mid, mid_len);
    w += mid_len;
    memcpy(w, foot->b.data, foot->b.len);
    body[len] = '\0';
    web_resp_page(r, 200, body, len);
}

void web_agent_reports(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    struct report_key k;
    size_t n = 0;
    key_of(r, ag, &k);
    const char *mid = cache_get(r, &k, &n);
    struct web_html body, head, foot;
    web_html_init(&body);
    if (mid == NULL) {
        if (report_body(r, ag, &body) < 0) {
            web_html_deinit(&body);
            return;
        }
        if (body.failed) {
            web_html_deinit(&body);
            web_error_page(r, 500);
            return;
        }
        mid = hd_arena_strndup(r->a, body.b.data ? body.b.data : "",
                               body.b.len);
        n = body.b.len;
        cache_put(&k, mid, n);
    }
    web_html_deinit(&body);
    web_html_init(&head);
    web_html_init(&foot);
    web_agent_layout_begin(r, &head, ag, web_at(r->lang, A_REPORTS));
    web_agent_layout_end(r, &foot);
    send(r, &head, mid, n, &foot);
    web_html_deinit(&head);
    web_html_deinit(&foot);
}

/* One CSV cell: quoted when it holds a comma, quote or line break; a
 * leading = + - @ is defused with ' (names come from users). */
static int csv_cell(struct hd_buf *b, const char *s, bool last,
                    struct hd_error *err)
{
    bool formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if ((quote && hd_buf_puts(b, "\"", err) < 0) ||
        (formula && hd_buf_puts(b, "'", err) < 0))
        return -1;
    for (const char *p = s; *p; p++)
        if ((*p == '"' && hd_buf_puts(b, "\"", err) < 0) ||
            hd_buf_append(b, p, 1, err) < 0)
            return -1;
    if (quote && hd_buf_puts(b, "\"", err) < 0)
        return -1;
    return hd_buf_puts(b, last ? "\r\n" : ",", err);
}

static int csv(struct web_req *r, const struct hd_stats *s, struct hd_buf *b,
               struct hd_error *err)
{
    static const char *const head[] = {"table", "row", "column", "value"};
    for (size_t i = 0; i < 4; i++)
        if (csv_cell(b, head[i], i == 3, err) < 0)
            return -1;
    for (int i = 0; i < HD_ST_COUNT; i++) {
        const struct hd_stats_table *t = &s->t[i];
        for (size_t row = 0; row < t->nrows; row++)
            for (size_t k = 0; k < t->ncols; k++) {
                const char *v = hd_arena_printf(
                    r->a, "%lld", (long long)t->rows[row].v[k]);
                if (csv_cell(b, t->id, false, err) < 0 ||
                    csv_cell(b, t->rows[row].label, false, err) < 0 ||
                    csv_cell(b, t->cols[k], false, err) < 0 ||
                    csv_cell(b, v, true, err) < 0)
                    return -1;
            }
    }
    return 0;
}

void web_agent_reports_csv(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    struct hd_stats *s = build(r, ag);
    if (s == NULL)
        return;
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, CSV_MAX);
    if (csv(r, s, &b, &err) < 0) {
        hd_buf_deinit(&b);
        web_agent_fail(r, &err);
        return;
    }
    const char *body = hd_arena_strndup(r->a, b.data ? b.data : "", b.len);
    size_t n = b.len;
    hd_buf_deinit(&b);
    web_resp_header(r, "Content-Disposition",
                    "attachment; filename=\"reports.csv\"");
    web_resp_data(r, 200, "text/csv; charset=utf-8", body, n, true);
}
