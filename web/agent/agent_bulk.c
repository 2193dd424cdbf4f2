/* agent_bulk.c - bulk actions on the queue page: the controls of the
 * form that wraps the ticket table, and POST /agent/bulk, which assigns,
 * changes the status of, or merges the tickets ticked (at most
 * WEB_BULK_MAX) in one transaction.  Each ticket goes through the verbs
 * of the single-ticket actions (history events, SLA clocks, audit rows);
 * a ticket the agent may not see, or that cannot take the change, is
 * skipped and counted, never changed.  The answer is a redirect to the
 * same queue view with the counts (done=N&skipped=M). */
#include "agent_bulk.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "agent_views.h"
#include "codec.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* ---- the controls ---------------------------------------------------------- */

static void opt(struct web_html *h, const char *value, const char *label)
{
    web_html_lit(h, "<option value=\"");
    web_html_text(h, value);
    web_html_lit(h, "\">");
    web_html_text(h, label);
    web_html_lit(h, "</option>");
}

static void assign_select(struct web_req *r, struct web_html *h)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_user *us = NULL;
    size_t nu = 0;
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, A_ASSIGN_TO));
    web_html_lit(h, " <select name=\"assignee\">");
    opt(h, "me", web_at(r->lang, A_ME));
    opt(h, "none", web_at(r->lang, A_VIEW_UNASSIGNED));
    if (hd_store_user_list(r->st, r->a, &us, &nu, &err) == 0)
        for (size_t i = 0; i < nu; i++)
            if (!us[i].disabled && strcmp(us[i].role, "viewer") != 0)
                opt(h, hd_arena_printf(r->a, "%lld", (long long)us[i].id),
                    us[i].name);
    web_html_lit(h, "</select></label>\n<button type=\"submit\" name=\"op\" "
                    "value=\"assign\">");
    web_html_text(h, web_at(r->lang, A_APPLY));
    web_html_lit(h, "</button>\n");
}

static void status_select(struct web_req *r, struct web_html *h)
{
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, A_STATUS));
    web_html_lit(h, " <select name=\"to_status\">");
    for (int i = 0; i < HD_STATUS_COUNT; i++)
        opt(h, hd_status_name(i), web_at_status(r->lang, i));
    web_html_lit(h, "</select></label>\n<button type=\"submit\" name=\"op\" "
                    "value=\"status\">");
    web_html_text(h, web_at(r->lang, A_APPLY));
    web_html_lit(h, "</button>\n");
}

static void merge_input(struct web_req *r, struct web_html *h)
{
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, A_MERGE_INTO));
    web_html_lit(h, " <input name=\"into\" inputmode=\"numeric\" "
                    "pattern=\"[0-9]*\" size=\"8\" placeholder=\"");
    web_html_text(h, web_at(r->lang, A_MERGE_LOWEST));
    web_html_lit(h, "\"></label>\n<button type=\"submit\" name=\"op\" "
                    "value=\"merge\">");
    web_html_text(h, web_at(r->lang, A_BULK_MERGE));
    web_html_lit(h, "</button>\n");
}

void web_agent_bulk_begin(struct web_req *r, struct web_html *h,
                          const struct web_agent *ag)
{
    struct web_qargs qa = {.r = r};
    web_html_lit(h, "<form class=\"bulk\" id=\"bulk\" method=\"post\" "
                    "action=\"/agent/bulk\">\n");
    web_agent_csrf_field(h, ag->csrf);
    /* the default button: Enter in the form (or on a checkbox) changes
     * nothing */
    web_html_lit(h, "<button type=\"submit\" name=\"op\" value=\"none\" "
                    "hidden tabindex=\"-1\"></button>\n");
    web_html_lit(h, "<input type=\"hidden\" name=\"back\" value=\"");
    web_html_text(h, web_agent_queue_qs(&qa, true));
    web_html_lit(h, "\">\n<fieldset class=\"bulk-controls\"><legend>");
    web_html_text(h, web_at(r->lang, A_BULK_TITLE));
    web_html_lit(h, "</legend>\n");
    assign_select(r, h);
    status_select(r, h);
    merge_input(r, h);
    web_html_lit(h, "</fieldset>\n");
}

void web_agent_bulk_end(struct web_html *h, const struct hd_ticket *ts,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) { /* what "all on this page" means */
        web_html_lit(h, "<input type=\"hidden\" name=\"p\" value=\"");
        web_html_int(h, ts[i].number);
        web_html_lit(h, "\">");
    }
    web_html_lit(h, "\n</form>\n");
}

/* ---- POST /agent/bulk ------------------------------------------------------ */

struct bulk {
    struct web_req *r;
    const struct web_agent *ag;
    struct hd_desk *desk;       /* acts for ag, in the one transaction */
    int64_t nums[WEB_BULK_MAX]; /* ticket numbers, ascending, distinct */
    size_t n;
    int64_t done, skipped;
};

static int cmp_num(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The numbers ticked ("t"), or every row of the page ("p") when "all"
 * was ticked.  False with 413 written over WEB_BULK_MAX; values that are
 * not numbers are skipped. */
static bool selected(struct bulk *b)
{
    const char *vals[WEB_BULK_MAX];
    const char *all = web_form_field(b->r, "all");
    size_t n = web_form_values(b->r, all && strcmp(all, "1") == 0 ? "p" : "t",
                               vals, WEB_BULK_MAX);
    if (n > WEB_BULK_MAX) {
        web_error_page(b->r, 413);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t v;
        if (hd_decimal_decode(vals[i], &v, NULL) == 0 && v > 0)
            b->nums[b->n++] = v;
        else
            b->skipped++;
    }
    qsort(b->nums, b->n, sizeof b->nums[0], cmp_num);
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++)
        if (k == 0 || b->nums[k - 1] != b->nums[i])
            b->nums[k++] = b->nums[i];
    b->n = k;
    return true;
}

/* 1 when ticket number exists, is not merged away and is in a queue the
 * agent may see; 0 when it must be skipped (a queue not granted goes to
 * the security log); -1 on a store error. */
static int load(struct bulk *b, int64_t number, struct hd_ticket *t,
                struct hd_error *err)
{
    int found = hd_store_ticket_get(b->r->st, 0, number, b->r->a, t, err);
    if (found <= 0 || t->merged_into != 0)
        return found < 0 ? -1 : 0;
    if (b->ag->role == WEB_ROLE_ADMIN)
        return 1;
    int has = t->queue_id > 0 ? hd_store_user_has_queue(
                                    b->r->st, b->ag->user.id, t->queue_id, err)
                              : 0;
    if (has == 0)
        web_agent_security(b->r, "forbidden", b->ag->user.id,
                           b->ag->user.email,
                           hd_arena_printf(b->r->a, "bulk ticket:%lld",
                                           (long long)number));
    return has;
}

/* One ticket through the desk: counted done when something changed,
 * skipped when the rules refuse the change for this ticket (a status
 * that cannot follow, an assignee without the ticket's queue). */
static int change_one(struct bulk *b, struct hd_ticket *t,
                      const struct hd_desk_change *c, struct hd_error *err)
{
    bool changed;
    if (hd_desk_check(b->desk, t, c, err) < 0) {
        if (err->code != HD_E_INVAL)
            return -1;
        hd_error_clear(err);
        b->skipped++;
        return 0;
    }
    if (hd_desk_set(b->desk, t, c, &changed, err) < 0)
        return -1;
    b->done += changed;
    return 0;
}

/* Every ticket but the target into the target (the lowest number ticked,
 * or the one typed).  A target the agent may not use skips the lot. */
static int merge_all(struct bulk *b, int64_t into_number,
                     struct hd_error *err)
{
    struct hd_ticket into, from;
    int ok = load(b, into_number > 0 ? into_number : b->nums[0], &into, err);
    if (ok <= 0) {
        b->skipped += (int64_t)b->n;
        return ok;
    }
    for (size_t i = 0; i < b->n; i++) {
        if (b->nums[i] == into.number)
            continue;
        ok = load(b, b->nums[i], &from, err);
        if (ok < 0)
            return -1;
        if (ok == 0) {
            b->skipped++;
            continue;
        }
        if (hd_desk_merge(b->desk, &from, &into, err) < 0)
            return -1;
        b->done++;
    }
    return 0;
}

/* The assignee chosen: "me", "none" (0) or an enabled non-viewer user's
 * id; 0 with *id_r, 1 when the choice is not one of those, -1 error. */
static int assignee_of(struct bulk *b, const char *v, int64_t *id_r,
                       struct hd_error *err)
{
    if (v == NULL)
        return 1;
    if (strcmp(v, "me") == 0 || strcmp(v, "none") == 0) {
        *id_r = strcmp(v, "me") == 0 ? b->ag->user.id : 0;
        return 0;
    }
    int64_t id;
    struct hd_user u;
    if (hd_decimal_decode(v, &id, NULL) < 0 || id <= 0)
        return 1;
    int found = hd_store_user_get(b->r->st, id, NULL, b->r->a, &u, NULL, err);
    if (found < 0)
        return -1;
    if (found == 0 || u.disabled || strcmp(u.role, "viewer") == 0)
        return 1;
    *id_r = id;
    return 0;
}

/* Runs op over the selection inside the open transaction: 0, 1 when the
 * form asked for something impossible (400), -1 on a store error. */
static int run(struct bulk *b, const char *op, struct hd_error *err)
{
    struct hd_ticket t;
    struct hd_desk_change c;
    int64_t to = 0;
    enum hd_status st = HD_STATUS_NEW;
    const char *v;
    int rc = 0;
    hd_desk_change_init(&c);
    if (strcmp(op, "merge") == 0) { /* into: empty for the lowest ticked */
        int64_t into = 0;
        v = web_form_field(b->r, "into");
        if (v && *v && (hd_decimal_decode(v, &into, NULL) < 0 || into <= 0))
            return 1;
        return b->n == 0 ? 0 : merge_all(b, into, err);
    }
    if (strcmp(op, "assign") == 0) {
        rc = assignee_of(b, web_form_field(b->r, "assignee"), &to, err);
        c.assignee_id = to;
    } else if (strcmp(op, "status") == 0) {
        v = web_form_field(b->r, "to_status");
        if (v == NULL || hd_status_parse(v, &st, NULL) < 0)
            return 1;
        c.status = (int)st;
    } else {
        return 1;
    }
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        rc = load(b, b->nums[i], &t, err);
        if (rc == 0)
            b->skipped++;
        else if (rc == 1)
            rc = change_one(b, &t, &c, err);
    }
    return rc;
}

void web_agent_bulk(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_AGENT);
    if (ag == NULL)
        return;
    struct bulk *b = hd_arena_alloc(r->a, sizeof *b);
    *b = (struct bulk){.r = r, .ag = ag};
    b->desk = web_agent_desk(r, ag);
    const char *op = web_form_field(r, "op");
    const char *back = web_form_field(r, "back");
    if (!web_agent_qs_ok(back))
        back = "";
    if (op == NULL) {
        web_error_page(r, 400);
        return;
    }
    if (strcmp(op, "none") == 0) {
        web_resp_redirect(r, 303, hd_arena_printf(r->a, "/agent/?%s", back));
        return;
    }
    if (!selected(b))
        return;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    int rc = run(b, op, &err);
    if (rc != 0 || hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        if (rc == 1)
            web_error_page(r, 400);
        else
            web_agent_fail(r, &err);
        return;
    }
    hd_info("web", "bulk", "op=%s user=%lld done=%lld skipped=%lld", op,
            (long long)ag->user.id, (long long)b->done,
            (long long)b->skipped);
    web_resp_redirect(r, 303, hd_arena_printf(r->a,
                                              "/agent/?%s%sdone=%lld&"
                                              "skipped=%lld",
                                              back, *back ? "&" : "",
                                              (long long)b->done,
                                              (long long)b->skipped));
}
