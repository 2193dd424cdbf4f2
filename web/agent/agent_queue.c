/* agent_queue.c - the queue at /agent/: views with their counts (mine,
 * unassigned, incidents, breaching soon, all open, each granted queue),
 * filters, SLA-first order, keyset pages of WEB_PAGE_ROWS, full-text
 * search, and /agent/counts.json which agent.js polls to announce new
 * tickets.  For agents and admins the table sits in the bulk form
 * (agent_bulk.c); the user's saved views and the form to save one come
 * from agent_views.c.  Visibility: an admin sees every queue, others only
 * the queues granted to them. */
#include "agent_queue.h"

#include "agent_bulk.h"
#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_qcache.h"
#include "agent_session.h"
#include "agent_views.h"
#include "clock.h"
#include "store_count.h"
#include "store_spam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A run of bytes of the page, all of them made by html.c. */
struct web_safe_piece {
    const char *p;
    size_t n;
};

enum view { V_OPEN, V_MINE, V_UNASSIGNED, V_INCIDENTS, V_BREACHING, V_SPAM,
            V_QUEUE, V_COUNT };

static const struct {
    const char *key;
    enum web_amsg label;
} views[V_COUNT] = {
    [V_OPEN] = {"open", A_VIEW_OPEN},
    [V_MINE] = {"mine", A_VIEW_MINE},
    [V_UNASSIGNED] = {"unassigned", A_VIEW_UNASSIGNED},
    [V_INCIDENTS] = {"incidents", A_VIEW_INCIDENTS},
    [V_BREACHING] = {"breaching", A_VIEW_BREACHING},
    [V_SPAM] = {"spam", A_VIEW_SPAM},
    [V_QUEUE] = {"queue", A_QUEUE},
};

static enum view view_of(const char *s)
{
    for (int v = 0; s != NULL && v < V_COUNT; v++)
        if (strcmp(s, views[v].key) == 0)
            return (enum view)v;
    return V_OPEN;
}

/* The query of a view for agent ag (visibility included). */
static void view_query(const struct web_agent *ag, enum view v,
                       int64_t queue_id, struct hd_queue_query *q)
{
    hd_queue_query_init(q);
    q->f.status = HD_STATUS_COUNT;
    if (ag->role != WEB_ROLE_ADMIN)
        q->f.visible_to_user = ag->user.id;
    switch (v) {
    case V_MINE: q->f.assignee_id = ag->user.id; break;
    case V_UNASSIGNED: q->f.unassigned = true; break;
    case V_INCIDENTS: q->f.category = HD_CAT_INCIDENT; break;
    case V_BREACHING:
        q->due_before = hd_clock_now() + WEB_BREACH_SOON_SECS;
        break;
    case V_QUEUE: q->f.queue_id = queue_id; break;
    case V_SPAM: /* held mail, whatever its (closed) state */
        q->f.status = -1;
        q->f.spam = HD_SPAM_HELD;
        break;
    default: break;
    }
}

static int64_t arg_id(const struct web_qargs *qa, const char *name)
{
    const char *s = web_qarg(qa, name);
    return s ? strtoll(s, NULL, 10) : 0;
}

/* Filters from the query string on top of the view. */
static void apply_filters(const struct web_qargs *qa, struct hd_queue_query *q)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *s;
    enum hd_status st;
    enum hd_priority pr;
    enum hd_category ca;
    if ((s = web_qarg(qa, "status")) && hd_status_parse(s, &st, &err) == 0)
        q->f.status = (int)st;
    if ((s = web_qarg(qa, "priority")) &&
        hd_priority_parse(s, &pr, &err) == 0)
        q->f.priority = (int)pr;
    if ((s = web_qarg(qa, "category")) &&
        hd_category_parse(s, &ca, &err) == 0)
        q->f.category = (int)ca;
    if (arg_id(qa, "assignee") > 0)
        q->f.assignee_id = arg_id(qa, "assignee");
    if ((s = web_qarg(qa, "tag")) && *s)
        q->f.tag = s;
    if ((s = web_qarg(qa, "q")) && *s)
        q->text = s;
    if ((s = web_qarg(qa, "sort")) && strcmp(s, "new") == 0)
        q->sort = HD_SORT_NEWEST;
    if ((s = web_qarg(qa, "after")) != NULL) {
        char *end = NULL;
        q->after_due = strtoll(s, &end, 10);
        q->after_number = end && *end == ':' ? strtoll(end + 1, NULL, 10) : 0;
        if (q->sort == HD_SORT_NEWEST)
            q->after_number = q->after_due;
    }
}

void web_agent_queue_query(const struct web_qargs *qa,
                           const struct web_agent *ag,
                           struct hd_queue_query *q)
{
    view_query(ag, view_of(web_qarg(qa, "view")), arg_id(qa, "queue"), q);
    apply_filters(qa, q);
}

/* 1 when ag may see queue_id, 0 not, -1 error. */
static int may_see(struct web_req *r, const struct web_agent *ag,
                   int64_t queue_id, struct hd_error *err)
{
    if (ag->role == WEB_ROLE_ADMIN)
        return 1;
    if (ag->queues == NULL) /* more grants than the request carries */
        return hd_store_user_has_queue(r->st, ag->user.id, queue_id, err);
    for (size_t i = 0; i < ag->nqueues; i++)
        if (ag->queues[i] == queue_id)
            return 1;
    return 0;
}

/* The queues the agent may see (admins: all). */
static int visible_queues(struct web_req *r, const struct web_agent *ag,
                          struct hd_queue **qs_r, size_t *n_r,
                          struct hd_error *err)
{
    struct hd_queue *qs;
    size_t n;
    if (hd_store_queue_names(r->st, r->a, &qs, &n, err) < 0)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int has = may_see(r, ag, qs[i].id, err);
        if (has < 0)
            return -1;
        if (has)
            qs[k++] = qs[i];
    }
    *qs_r = qs;
    *n_r = k;
    return 0;
}

static void view_link(struct web_req *r, struct web_html *h, enum view v,
                      const struct hd_queue *qu, int64_t count, bool current)
{
    web_html_lit(h, "<li><a href=\"/agent/?view=");
    web_html_text(h, views[v].key);
    if (qu != NULL) {
        web_html_lit(h, "&amp;queue=");
        web_html_int(h, qu->id);
    }
    web_html_lit(h, "\"");
    if (current)
        web_html_lit(h, " aria-current=\"page\"");
    web_html_lit(h, ">");
    web_html_text(h, qu ? web_agent_queue_label(qu->name, qu->description)
                        : web_at(r->lang, views[v].label));
    web_html_lit(h, " <span class=\"count\" data-view=\"");
    web_html_text(h, views[v].key);
    web_html_lit(h, "\">");
    web_html_int(h, count);
    web_html_lit(h, "</span></a></li>\n");
}

static int view_nav(struct web_req *r, struct web_html *h,
                    const struct web_agent *ag, enum view cur,
                    int64_t cur_queue, struct hd_error *err)
{
    web_html_lit(h, "<nav class=\"views\"><ul>\n");
    for (int v = 0; v < V_QUEUE; v++) {
        struct hd_queue_query q;
        int64_t n = 0;
        view_query(ag, (enum view)v, 0, &q);
        if ((v == V_SPAM ? hd_store_spam_held_count(r->st,
                                                    q.f.visible_to_user, &n,
                                                    err)
                         : hd_store_queue_count_cached(r->st, &q, &n, err)) <
            0)
            return -1;
        view_link(r, h, (enum view)v, NULL, n, (int)cur == v);
    }
    struct hd_queue *qs;
    size_t nq;
    if (visible_queues(r, ag, &qs, &nq, err) < 0)
        return -1;
    for (size_t i = 0; i < nq; i++) {
        struct hd_queue_query q;
        int64_t n = 0;
        view_query(ag, V_QUEUE, qs[i].id, &q);
        if (hd_store_queue_count_cached(r->st, &q, &n, err) < 0)
            return -1;
        view_link(r, h, V_QUEUE, &qs[i], n,
                  cur == V_QUEUE && cur_queue == qs[i].id);
    }
    web_html_lit(h, "</ul></nav>\n");
    return 0;
}

static void select_opt(struct web_html *h, const char *value,
                       const char *label, const char *cur)
{
    web_html_lit(h, "<option value=\"");
    web_html_text(h, value);
    web_html_lit(h, "\"");
    if (cur != NULL && strcmp(cur, value) == 0)
        web_html_lit(h, " selected");
    web_html_lit(h, ">");
    web_html_text(h, label);
    web_html_lit(h, "</option>");
}

static void filter_select(struct web_req *r, struct web_html *h,
                          const char *name, enum web_amsg label, int n,
                          const char *(*key)(int),
                          const char *(*text)(const char *, int))
{
    const char *cur = web_req_arg(r, name);
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, label));
    web_html_lit(h, " <select name=\"");
    web_html_text(h, name);
    web_html_lit(h, "\">");
    select_opt(h, "", web_at(r->lang, A_ANY), cur);
    for (int i = 0; i < n; i++)
        select_opt(h, key(i), text(r->lang, i), cur);
    web_html_lit(h, "</select></label>\n");
}

static const char *status_key(int i) { return hd_status_name(i); }
static const char *prio_key(int i) { return hd_priority_name(i); }
static const char *cat_key(int i) { return hd_category_name(i); }
static const char *status_text(const char *l, int i)
{
    return web_at_status(l, (enum hd_status)i);
}
static const char *prio_text(const char *l, int i)
{
    return web_at_priority(l, (enum hd_priority)i);
}
static const char *cat_text(const char *l, int i)
{
    return web_at_category(l, (enum hd_category)i);
}

static void filter_form(struct web_req *r, struct web_html *h, enum view v,
                        int64_t queue_id)
{
    /* Behind a control: on a phone the first ticket comes first. */
    web_html_lit(h, "<details class=\"filters\"");
    const char *const keys[] = {"q", "status", "priority", "category", "tag"};
    for (size_t i = 0; i < HD_ARRAY_LEN(keys); i++) {
        const char *val = web_req_arg(r, keys[i]);
        if (val != NULL && *val != '\0') {
            web_html_lit(h, " open");
            break;
        }
    }
    web_html_lit(h, "><summary>");
    web_html_text(h, web_at(r->lang, A_FILTER));
    web_html_lit(h, "</summary>\n<form class=\"filters\" method=\"get\" "
                    "action=\"/agent/\">\n<input type=\"hidden\" "
                    "name=\"view\" value=\"");
    web_html_text(h, views[v].key);
    web_html_lit(h, "\">");
    if (queue_id > 0) {
        web_html_lit(h, "<input type=\"hidden\" name=\"queue\" value=\"");
        web_html_int(h, queue_id);
        web_html_lit(h, "\">");
    }
    web_html_lit(h, "\n<label>");
    web_html_text(h, web_at(r->lang, A_SEARCH));
    web_html_lit(h, " <input type=\"search\" name=\"q\" maxlength=\"200\" "
                    "value=\"");
    web_html_text(h, web_req_arg(r, "q"));
    web_html_lit(h, "\"></label>\n");
    filter_select(r, h, "status", A_STATUS, HD_STATUS_COUNT, status_key,
                  status_text);
    filter_select(r, h, "priority", A_PRIORITY, HD_PRIO_COUNT, prio_key,
                  prio_text);
    filter_select(r, h, "category", A_CATEGORY, HD_CAT_COUNT, cat_key,
                  cat_text);
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, A_TAG));
    web_html_lit(h, " <input name=\"tag\" maxlength=\"64\" value=\"");
    web_html_text(h, web_req_arg(r, "tag"));
    web_html_lit(h, "\"></label>\n<label>");
    web_html_text(h, web_at(r->lang, A_SORT));
    web_html_lit(h, " <select name=\"sort\">");
    const char *sort = web_req_arg(r, "sort");
    select_opt(h, "due", web_at(r->lang, A_SORT_DUE), sort);
    select_opt(h, "new", web_at(r->lang, A_SORT_NEW), sort);
    web_html_lit(h, "</select></label>\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_FILTER));
    web_html_lit(h, "</button>\n</form>\n</details>\n");
}

void web_agent_merged_note(struct web_req *r, struct web_html *h,
                        const struct hd_ticket *t)
{
    struct hd_ticket into;
    struct hd_error err = HD_ERROR_INIT;
    if (t->merged_into == 0 ||
        hd_store_ticket_get(r->st, t->merged_into, 0, r->a, &into, &err) != 1)
        return;
    web_html_lit(h, " <span class=\"merged\">");
    web_html_text(h, web_at(r->lang, A_MERGED_INTO));
    web_html_lit(h, " <a href=\"/agent/tickets/");
    web_html_int(h, into.number);
    web_html_lit(h, "\">#");
    web_html_int(h, into.number);
    web_html_lit(h, "</a></span>");
}

/* A cell labelled with its column (the label shows on phones, where the
 * rows are cards). */
static void cell(struct web_req *r, struct web_html *h, enum web_amsg col,
                 const char *cls)
{
    web_html_lit(h, "<td data-label=\"");
    web_html_text(h, web_at(r->lang, col));
    if (cls != NULL) {
        web_html_lit(h, "\" class=\"");
        web_html_text(h, cls);
    }
    web_html_lit(h, "\">");
}

static void ticket_row(struct web_req *r, struct web_html *h,
                       const struct hd_ticket *t, int64_t now, bool bulk)
{
    bool inc = t->category == HD_CAT_INCIDENT;
    if (inc)
        web_html_lit(h, "<tr class=\"ticket incident\">");
    else
        web_html_lit(h, "<tr class=\"ticket\">");
    if (bulk) {
        web_html_lit(h, "<td><input type=\"checkbox\" name=\"t\" value=\"");
        web_html_int(h, t->number);
        web_html_lit(h, "\" aria-label=\"");
        web_html_text(h, web_at(r->lang, A_SELECT));
        web_html_lit(h, " #");
        web_html_int(h, t->number);
        web_html_lit(h, "\"></td>");
    }
    web_html_lit(h, "<td class=\"num\"><a href=\"/agent/tickets/");
    web_html_int(h, t->number);
    web_html_lit(h, "\">#");
    web_html_int(h, t->number);
    web_html_lit(h, "</a></td><td class=\"subj\">");
    if (inc) {
        web_html_lit(h, "<strong class=\"label-incident\">");
        web_html_text(h, web_at(r->lang, A_INCIDENT_LABEL));
        web_html_lit(h, "</strong> ");
    }
    web_html_lit(h, "<a href=\"/agent/tickets/");
    web_html_int(h, t->number);
    web_html_lit(h, "\">");
    web_html_text(h, t->subject);
    web_html_lit(h, "</a>");
    web_agent_merged_note(r, h, t);
    web_html_lit(h, "</td>");
    cell(r, h, A_REQUESTER, "req");
    if (t->requester_name != NULL && *t->requester_name != '\0') {
        web_html_text(h, t->requester_name);
        web_html_lit(h, " <small>");
        web_html_text(h, t->requester_address);
        web_html_lit(h, "</small>");
    } else {
        web_html_text(h, t->requester_address);
    }
    web_html_lit(h, "</td>");
    cell(r, h, A_STATUS, NULL);
    web_html_text(h, web_at_status(r->lang, t->status));
    web_html_lit(h, "</td>");
    cell(r, h, A_PRIORITY, hd_arena_printf(r->a, "prio-%s",
                                           hd_priority_name(t->priority)));
    web_html_text(h, web_at_priority(r->lang, t->priority));
    web_html_lit(h, "</td>");
    cell(r, h, A_QUEUE, NULL);
    web_html_text(h, web_agent_queue_label(t->queue_name, t->queue_desc));
    web_html_lit(h, "</td>");
    cell(r, h, A_ASSIGNEE, NULL);
    web_html_text(h, t->assignee_name ? t->assignee_name : "—");
    web_html_lit(h, "</td>");
    cell(r, h, A_AGE, NULL);
    web_agent_time(r, h, t->updated_at);
    web_html_lit(h, "</td>");
    cell(r, h, A_SLA_LEFT, "sla");
    int64_t due = hd_ticket_due(t);
    if (due != HD_DUE_NONE && hd_status_is_open(t->status) &&
        t->sla_paused_at == 0)
        web_agent_left(r, h, due, now);
    else
        web_html_lit(h, "—");
    web_html_lit(h, "</td></tr>\n");
}

static void ticket_table(struct web_req *r, struct web_html *h,
                         const struct hd_ticket *ts, size_t n, bool bulk)
{
    static const enum web_amsg cols[] = {A_NUMBER, A_SUBJECT, A_REQUESTER,
                                         A_STATUS, A_PRIORITY, A_QUEUE,
                                         A_ASSIGNEE, A_AGE, A_SLA_LEFT};
    if (n == 0) {
        web_html_lit(h, "<p class=\"empty\">");
        web_html_text(h, web_at(r->lang, A_NO_TICKETS));
        web_html_lit(h, "</p>\n");
        return;
    }
    web_html_lit(h, "<table class=\"queue\"><thead><tr>");
    if (bulk) { /* ticked: the server takes every row of the page */
        web_html_lit(h, "<th scope=\"col\"><label><input type=\"checkbox\" "
                        "name=\"all\" value=\"1\" id=\"bulk-all\"> "
                        "<span class=\"sr-only\">");
        web_html_text(h, web_at(r->lang, A_SELECT_PAGE));
        web_html_lit(h, "</span></label></th>");
    }
    for (size_t i = 0; i < HD_ARRAY_LEN(cols); i++) {
        web_html_lit(h, "<th scope=\"col\">");
        web_html_text(h, web_at(r->lang, cols[i]));
        web_html_lit(h, "</th>");
    }
    web_html_lit(h, "</tr></thead>\n<tbody>\n");
    int64_t now = hd_clock_now();
    for (size_t i = 0; i < n; i++)
        ticket_row(r, h, &ts[i], now, bulk);
    web_html_lit(h, "</tbody></table>\n");
}

/* The link to the next page: same query, after = the last row's key. */
static void next_link(struct web_req *r, struct web_html *h,
                      enum hd_queue_sort sort, int64_t last_due,
                      int64_t last_number)
{
    static const char *const keep[] = {"view", "queue", "q", "status",
                                       "priority", "category", "tag", "sort"};
    web_html_lit(h, "<p class=\"pager\"><a rel=\"next\" href=\"/agent/?");
    for (size_t i = 0; i < HD_ARRAY_LEN(keep); i++) {
        const char *v = web_req_arg(r, keep[i]);
        if (v == NULL)
            continue;
        web_html_text(h, keep[i]);
        web_html_lit(h, "=");
        web_html_urlq(h, v);
        web_html_lit(h, "&amp;");
    }
    web_html_lit(h, "after=");
    if (sort == HD_SORT_DUE) {
        web_html_int(h, last_due);
        web_html_lit(h, ":");
    }
    web_html_int(h, last_number);
    web_html_lit(h, "\">");
    web_html_text(h, web_at(r->lang, A_NEXT_PAGE));
    web_html_lit(h, "</a></p>\n");
}

/* After a bulk action: how many tickets changed and were skipped. */
static void bulk_notice(struct web_req *r, struct web_html *h)
{
    const char *done = web_req_arg(r, "done");
    const char *skipped = web_req_arg(r, "skipped");
    if (done == NULL)
        return;
    web_html_lit(h, "<p class=\"notice\" role=\"status\">");
    web_html_text(h, web_at(r->lang, A_BULK_DONE));
    web_html_int(h, strtoll(done, NULL, 10));
    if (skipped != NULL && strtoll(skipped, NULL, 10) > 0) {
        web_html_lit(h, " / ");
        web_html_text(h, web_at(r->lang, A_BULK_SKIPPED));
        web_html_int(h, strtoll(skipped, NULL, 10));
    }
    web_html_lit(h, "</p>\n");
}

/* ---- the page, in pieces ------------------------------------------------
 * layout and live notice | navigation (cached) | saved views, heading,
 * filters, bulk form's head (per request) | rows (cached) | pager, save
 * form, end (per request). */

/* What a rows piece starts with; the HTML follows. */
struct rows_head {
    int64_t n, last_due, last_number;
};

/* Copies h's bytes after head (NULL: none) into the arena. */
static int piece_of(struct web_req *r, struct web_html *h, const void *head,
                    size_t head_len, const char **val_r, size_t *len_r,
                    struct hd_error *err)
{
    if (h->failed) {
        hd_error_set(err, HD_E_TOOBIG, "queue piece over %u bytes",
                     WEB_PAGE_MAX);
        return -1;
    }
    char *v = hd_arena_alloc(r->a, head_len + h->b.len + 1);
    if (head_len > 0)
        memcpy(v, head, head_len);
    memcpy(v + head_len, hd_buf_cstr(&h->b), h->b.len);
    v[head_len + h->b.len] = '\0';
    *val_r = v;
    *len_r = head_len + h->b.len;
    return 0;
}

/* "約 8,100 件" / "about 8,100 tickets": what a search matches, exact
 * when few tickets match, else the store's estimate. */
static int search_count(struct web_req *r, struct web_html *h,
                        const struct hd_queue_query *q, struct hd_error *err)
{
    int64_t n = 0;
    bool exact = true;
    if (hd_store_queue_search_count(r->st, q, &n, &exact, err) < 0)
        return -1;
    char digits[32], grouped[48];
    int len = snprintf(digits, sizeof digits, "%lld", (long long)n);
    size_t k = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    grouped[k] = '\0';
    web_html_lit(h, "<p class=\"search-count\" role=\"status\">");
    if (!exact) {
        web_html_text(h, web_at(r->lang, A_SEARCH_ABOUT));
        web_html_lit(h, " ");
    }
    web_html_text(h, grouped);
    web_html_lit(h, " ");
    web_html_text(h, web_at(r->lang, A_SEARCH_TICKETS));
    web_html_lit(h, "</p>\n");
    return 0;
}

/* The table and, with selection boxes, the bulk form's list of the
 * page's tickets, after a struct rows_head. */
static int rows_build(struct web_req *r, const struct web_agent *ag,
                      const struct hd_queue_query *q, const char **val_r,
                      size_t *len_r, struct hd_error *err)
{
    struct hd_ticket *ts = NULL;
    size_t n = 0;
    if (hd_store_queue_page(r->st, q, r->a, &ts, &n, err) < 0)
        return -1;
    struct rows_head head = {(int64_t)n, 0, 0};
    if (n > 0) {
        head.last_due = hd_ticket_due(&ts[n - 1]);
        head.last_number = ts[n - 1].number;
    }
    bool bulk = ag->role >= WEB_ROLE_AGENT && n > 0;
    struct web_html h;
    web_html_init(&h);
    if (q->text != NULL && q->after_number == 0 &&
        search_count(r, &h, q, err) < 0) {
        web_html_deinit(&h);
        return -1;
    }
    ticket_table(r, &h, ts, n, bulk);
    if (bulk)
        web_agent_bulk_end(&h, ts, n);
    int rc = piece_of(r, &h, &head, sizeof head, val_r, len_r, err);
    web_html_deinit(&h);
    return rc;
}

/* The rows piece's head and HTML from its stored form. */
static void rows_split(const char *val, size_t len, struct rows_head *head_r,
                      struct web_safe_piece *p_r)
{
    hd_assert(len >= sizeof *head_r);
    memcpy(head_r, val, sizeof *head_r);
    p_r->p = val + sizeof *head_r;
    p_r->n = len - sizeof *head_r;
}

/* The cached pieces of the request: true when both were found. */
static bool pieces_cached(struct web_req *r, const struct web_agent *ag,
                          const char *keys[2], struct web_safe_piece *nav,
                          struct rows_head *head, struct web_safe_piece *rows)
{
    const char *val = NULL;
    size_t len = 0;
    bool nav_hit = keys[0] != NULL &&
                   web_qcache_get(WEB_QCACHE_NAV, keys[0], ag, r->a, &nav->p,
                                  &nav->n);
    bool rows_hit = keys[1] != NULL &&
                    web_qcache_get(WEB_QCACHE_ROWS, keys[1], ag, r->a, &val,
                                   &len);
    if (!nav_hit)
        nav->p = NULL;
    if (rows_hit)
        rows_split(val, len, head, rows);
    else
        rows->p = NULL;
    return nav_hit && rows_hit;
}

/* Builds (and caches) the pieces pieces_cached() did not find. */
static int pieces_build(struct web_req *r, const struct web_agent *ag,
                        const char *keys[2], enum view v, int64_t queue_id,
                        const struct hd_queue_query *q,
                        struct web_safe_piece *nav, struct rows_head *head,
                        struct web_safe_piece *rows, struct hd_error *err)
{
    if (nav->p == NULL) {
        struct web_html h;
        web_html_init(&h);
        int rc = view_nav(r, &h, ag, v, queue_id, err);
        if (rc == 0)
            rc = piece_of(r, &h, NULL, 0, &nav->p, &nav->n, err);
        web_html_deinit(&h);
        if (rc < 0)
            return -1;
        if (keys[0] != NULL)
            web_qcache_put(WEB_QCACHE_NAV, keys[0], ag, nav->p, nav->n);
    }
    if (rows->p == NULL) {
        const char *val;
        size_t len;
        if (rows_build(r, ag, q, &val, &len, err) < 0)
            return -1;
        if (keys[1] != NULL)
            web_qcache_put(WEB_QCACHE_ROWS, keys[1], ag, val, len);
        rows_split(val, len, head, rows);
    }
    return 0;
}

/* The saved views, the view's heading, filters and the bulk form's head
 * (agents and admins, when there are rows). */
static int list_head(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, enum view v,
                     int64_t queue_id, bool bulk, struct hd_error *err)
{
    if (web_agent_saved_nav(r, h, ag, err) < 0)
        return -1;
    web_html_lit(h, "<section class=\"list\">\n<h1>");
    web_html_text(h, web_at(r->lang, views[v].label));
    web_html_lit(h, "</h1>\n");
    filter_form(r, h, v, queue_id);
    bulk_notice(r, h);
    if (bulk)
        web_agent_bulk_begin(r, h, ag);
    return 0;
}

/* The pager, the save form and the end of the page. */
static void list_tail(struct web_req *r, struct web_html *h,
                      const struct web_agent *ag,
                      const struct hd_queue_query *q,
                      const struct rows_head *rows)
{
    if (rows->n == WEB_PAGE_ROWS)
        next_link(r, h, q->sort, rows->last_due, rows->last_number);
    web_agent_save_form(r, h, ag);
    web_html_lit(h, "</section>\n");
    web_agent_layout_end(r, h);
}

/* Sends the pieces as one page (a 500 when one overflowed). */
static void send_pieces(struct web_req *r, const struct web_safe_piece *ps,
                        size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += ps[i].n;
    char *body = hd_arena_alloc(r->a, len + 1), *w = body;
    for (size_t i = 0; i < n; i++) {
        memcpy(w, ps[i].p, ps[i].n);
        w += ps[i].n;
    }
    *w = '\0';
    web_resp_page(r, 200, body, len);
}

static void queue_page(struct web_req *r, struct web_agent *ag,
                       struct web_qargs *qa, enum view v, int64_t queue_id);

void web_agent_queue(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    struct web_qargs qa = {.r = r};
    enum view v = view_of(web_req_arg(r, "view"));
    int64_t queue_id = arg_id(&qa, "queue");
    struct hd_error err = HD_ERROR_INIT;
    if (v == V_QUEUE) {
        int has = may_see(r, ag, queue_id, &err);
        if (has <= 0) {
            if (has < 0)
                web_agent_fail(r, &err);
            else
                web_error_page(r, 403);
            return;
        }
    }
    queue_page(r, ag, &qa, v, queue_id);
}

static void queue_page(struct web_req *r, struct web_agent *ag,
                       struct web_qargs *qa, enum view v, int64_t queue_id)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_queue_query q;
    web_agent_queue_query(qa, ag, &q);
    q.f.limit = WEB_PAGE_ROWS;
    struct web_html top, mid, end;
    web_html_init(&top);
    web_html_init(&mid);
    web_html_init(&end);
    web_agent_layout_begin(r, &top, ag, web_at(r->lang, A_QUEUE));
    web_html_lit(&top, "<div class=\"live\" id=\"live\" hidden "
                       "role=\"status\">");
    web_html_text(&top, web_at(r->lang, A_NEW_ARRIVED));
    web_html_lit(&top, " <a href=\"\">");
    web_html_text(&top, web_at(r->lang, A_RELOAD));
    web_html_lit(&top, "</a></div>\n");
    struct web_safe_piece ps[5];
    struct rows_head rows = {0, 0, 0};
    const char *keys[2] = {web_qcache_key(r, ag, WEB_QCACHE_NAV),
                           web_qcache_key(r, ag, WEB_QCACHE_ROWS)};
    /* What is not cached is read in one snapshot (navigation, counts,
     * rows), begun after the generation the pieces are checked against
     * was read (web_agent_begin). */
    bool snap = !pieces_cached(r, ag, keys, &ps[1], &rows, &ps[3]);
    int rc = snap ? hd_store_read_begin(r->st, &err) : 0;
    if (rc == 0 && snap)
        rc = pieces_build(r, ag, keys, v, queue_id, &q, &ps[1], &rows,
                          &ps[3], &err);
    if (rc == 0)
        rc = list_head(r, &mid, ag, v, queue_id,
                       ag->role >= WEB_ROLE_AGENT && rows.n > 0, &err);
    if (snap)
        hd_store_read_end(r->st);
    if (rc == 0) {
        list_tail(r, &end, ag, &q, &rows);
        rc = piece_of(r, &top, NULL, 0, &ps[0].p, &ps[0].n, &err);
    }
    if (rc == 0)
        rc = piece_of(r, &mid, NULL, 0, &ps[2].p, &ps[2].n, &err);
    if (rc == 0)
        rc = piece_of(r, &end, NULL, 0, &ps[4].p, &ps[4].n, &err);
    web_html_deinit(&top);
    web_html_deinit(&mid);
    web_html_deinit(&end);
    if (rc < 0)
        web_agent_fail(r, &err);
    else
        send_pieces(r, ps, HD_ARRAY_LEN(ps));
}

/* {"open":N,"newest":NUMBER}: what agent.js compares to announce new
 * tickets.  Numbers only, so no string needs JSON escaping. */
void web_agent_counts(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    struct hd_queue_query q;
    view_query(ag, V_OPEN, 0, &q);
    q.sort = HD_SORT_NEWEST;
    q.f.limit = 1;
    int64_t n = 0;
    struct hd_ticket *ts = NULL;
    size_t k = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_queue_count_cached(r->st, &q, &n, &err) < 0 ||
        hd_store_queue_page(r->st, &q, r->a, &ts, &k, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    const char *body = hd_arena_printf(r->a, "{\"open\":%lld,\"newest\":%lld}\n",
                                       (long long)n,
                                       (long long)(k ? ts[0].number : 0));
    web_resp_data(r, 200, "application/json", body, strlen(body), false);
    web_resp_header(r, "Cache-Control", "no-store");
}
