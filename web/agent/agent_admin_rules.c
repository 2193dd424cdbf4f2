/* agent_admin_rules.c - the routing rules at /agent/admin/rules (admins
 * only): the list with conditions and actions in words, adding a rule
 * (conditions as lines "FIELD OP VALUE", actions as lines "ACTION=VALUE",
 * checked by mg_rule_compile(); a refused rule shows the reason and
 * stores nothing), deleting one, and testing the rules against a pasted
 * raw message (the decision is computed inside a transaction that is
 * rolled back, as `helpdesk rule test` does, so it creates nothing).
 * Adding and deleting are recorded in the audit log in the same
 * transaction as the change. */
#include "agent_admin_rules.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "audit.h"
#include "parse.h"
#include "route.h"
#include "rules.h"
#include "store_rule.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define WEB_RULE_LINES_MAX 64 /* lines read from one textarea */

/* What the page shows besides the list: a refused form, a test result. */
struct rules_view {
    const char *error;                  /* reason a rule was refused */
    const char *test_error;             /* reason a message was refused */
    const char *name, *conds, *acts;    /* the refused form, kept */
    const struct mg_route_decision *d;  /* a test's decision */
    const char *queue;                  /* its queue name */
    const char *raw, *rcpt;             /* the test form, kept */
};

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* "field op value" lines from the stored JSON (arena). */
static const char *conds_text(struct hd_arena *a, const char *json)
{
    json_error_t je;
    json_t *arr = json_loads(json ? json : "[]", 0, &je), *c;
    const char *out = "";
    size_t i;
    json_array_foreach(arr, i, c)
        out = hd_arena_printf(
            a, "%s%s%s %s %s", out, i ? "\n" : "",
            jstr(c, "field"),
            jstr(c, "op"),
            jstr(c, "value"));
    json_decref(arr);
    return out;
}

static const char *acts_text(struct hd_arena *a, const char *json)
{
    json_error_t je;
    json_t *arr = json_loads(json ? json : "[]", 0, &je), *c;
    const char *out = "";
    size_t i;
    json_array_foreach(arr, i, c)
        out = hd_arena_printf(
            a, "%s%s%s=%s", out, i ? "\n" : "",
            jstr(c, "action"),
            jstr(c, "value"));
    json_decref(arr);
    return out;
}

static void rule_row(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, const struct hd_rule_row *rr)
{
    web_html_lit(h, "<tr><td><form method=\"post\" "
                    "action=\"/agent/admin/rules/");
    web_html_int(h, rr->id);
    web_html_lit(h, "/move\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<label class=\"sr-only\" for=\"pos-");
    web_html_int(h, rr->id);
    web_html_lit(h, "\">");
    web_html_text(h, web_at(r->lang, A_POSITION));
    web_html_lit(h, "</label><input type=\"number\" name=\"position\" "
                    "min=\"1\" max=\"1000000\" size=\"5\" id=\"pos-");
    web_html_int(h, rr->id);
    web_html_lit(h, "\" value=\"");
    web_html_int(h, rr->position);
    web_html_lit(h, "\"><button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_MOVE));
    web_html_lit(h, "</button></form></td><th scope=\"row\">");
    web_html_text(h, rr->name);
    web_html_lit(h, "</th><td><pre>");
    web_html_text(h, conds_text(r->a, rr->conditions));
    web_html_lit(h, "</pre></td><td><pre>");
    web_html_text(h, acts_text(r->a, rr->actions));
    web_html_lit(h, "</pre></td><td>");
    web_html_text(h, web_at(r->lang, rr->stop ? A_ON : A_OFF));
    web_html_lit(h, "</td><td><form method=\"post\" "
                    "action=\"/agent/admin/rules/");
    web_html_int(h, rr->id);
    web_html_lit(h, "/delete\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_DELETE));
    web_html_lit(h, "</button></form></td></tr>\n");
}

static void rules_table(struct web_req *r, struct web_html *h,
                        const struct web_agent *ag,
                        const struct hd_rule_row *rs, size_t n)
{
    static const enum web_amsg cols[] = {A_POSITION, A_RULE_NAME,
                                         A_CONDITIONS, A_ACTIONS, A_STOP,
                                         A_DELETE};
    web_html_lit(h, "<table class=\"rules\"><thead><tr>");
    for (size_t i = 0; i < HD_ARRAY_LEN(cols); i++) {
        web_html_lit(h, "<th scope=\"col\">");
        web_html_text(h, web_at(r->lang, cols[i]));
        web_html_lit(h, "</th>");
    }
    web_html_lit(h, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++)
        rule_row(r, h, ag, &rs[i]);
    web_html_lit(h, "</tbody></table>\n");
}

static void textarea(struct web_html *h, const char *id, const char *label,
                     const char *value, int rows)
{
    web_html_lit(h, "<p><label for=\"");
    web_html_text(h, id);
    web_html_lit(h, "\">");
    web_html_text(h, label);
    web_html_lit(h, "</label><br><textarea id=\"");
    web_html_text(h, id);
    web_html_lit(h, "\" name=\"");
    web_html_text(h, id);
    web_html_lit(h, "\" rows=\"");
    web_html_int(h, rows);
    web_html_lit(h, "\" cols=\"72\">");
    web_html_text(h, value ? value : "");
    web_html_lit(h, "</textarea></p>\n");
}

static void add_form(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, const struct rules_view *v)
{
    web_html_lit(h, "<h2>");
    web_html_text(h, web_at(r->lang, A_ADD));
    web_html_lit(h, "</h2>\n");
    if (v->error != NULL) {
        web_html_lit(h, "<p class=\"error\" role=\"alert\">");
        web_html_text(h, web_at(r->lang, A_RULE_REFUSED));
        web_html_text(h, v->error);
        web_html_lit(h, "</p>\n");
    }
    web_html_lit(h, "<form method=\"post\" action=\"/agent/admin/rules/add\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<p><label>");
    web_html_text(h, web_at(r->lang, A_RULE_NAME));
    web_html_lit(h, " <input type=\"text\" name=\"name\" required value=\"");
    web_html_text(h, v->name ? v->name : "");
    web_html_lit(h, "\"></label></p>\n");
    textarea(h, "conditions", web_at(r->lang, A_CONDITIONS), v->conds, 4);
    textarea(h, "actions", web_at(r->lang, A_ACTIONS), v->acts, 3);
    web_html_lit(h, "<p><label><input type=\"checkbox\" name=\"stop\" "
                    "value=\"1\"> ");
    web_html_text(h, web_at(r->lang, A_STOP));
    web_html_lit(h, "</label></p>\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_ADD));
    web_html_lit(h, "</button></form>\n");
}

static void decision_html(struct web_req *r, struct web_html *h,
                          const struct rules_view *v)
{
    const struct mg_route_decision *d = v->d;
    web_html_lit(h, "<section class=\"decision\" aria-live=\"polite\"><h3>");
    web_html_text(h, web_at(r->lang, A_REASONS));
    web_html_lit(h, "</h3>\n");
    if (d->n_reasons == 0) {
        web_html_lit(h, "<p>");
        web_html_text(h, web_at(r->lang, A_NO_MATCH));
        web_html_lit(h, "</p>\n");
    } else {
        web_html_lit(h, "<ul>");
        for (size_t i = 0; i < d->n_reasons; i++) {
            web_html_lit(h, "<li>");
            web_html_text(h, d->reasons[i]);
            web_html_lit(h, "</li>");
        }
        web_html_lit(h, "</ul>\n");
    }
    web_html_lit(h, "<h3>");
    web_html_text(h, web_at(r->lang, A_DECISION));
    web_html_lit(h, "</h3>\n<dl><dt>");
    web_html_text(h, web_at(r->lang, A_QUEUE));
    web_html_lit(h, "</dt><dd>");
    web_html_text(h, v->queue);
    web_html_lit(h, "</dd><dt>");
    web_html_text(h, web_at(r->lang, A_CATEGORY));
    web_html_lit(h, "</dt><dd>");
    web_html_text(h, hd_category_name(d->category));
    web_html_lit(h, "</dd><dt>");
    web_html_text(h, web_at(r->lang, A_PRIORITY));
    web_html_lit(h, "</dt><dd>");
    web_html_text(h, hd_priority_name(d->priority));
    web_html_lit(h, "</dd><dt>");
    web_html_text(h, web_at(r->lang, A_TAG));
    web_html_lit(h, "</dt><dd>");
    for (size_t i = 0; i < d->n_tags; i++) {
        web_html_text(h, i ? ", " : "");
        web_html_text(h, d->tags[i]);
    }
    web_html_lit(h, "</dd><dt>");
    web_html_text(h, web_at(r->lang, A_AUTOMATIC));
    web_html_lit(h, "</dt><dd>");
    web_html_text(h, web_at(r->lang, d->automatic ? A_ON : A_OFF));
    web_html_lit(h, "</dd></dl></section>\n");
}

static void test_form(struct web_req *r, struct web_html *h,
                      const struct web_agent *ag, const struct rules_view *v)
{
    web_html_lit(h, "<h2>");
    web_html_text(h, web_at(r->lang, A_RULE_TEST));
    web_html_lit(h, "</h2>\n");
    if (v->d != NULL)
        decision_html(r, h, v);
    if (v->test_error != NULL) {
        web_html_lit(h, "<p class=\"error\" role=\"alert\">");
        web_html_text(h, v->test_error);
        web_html_lit(h, "</p>\n");
    }
    web_html_lit(h, "<form method=\"post\" "
                    "action=\"/agent/admin/rules/test\">");
    web_agent_csrf_field(h, ag->csrf);
    textarea(h, "message", web_at(r->lang, A_RAW_MESSAGE), v->raw, 12);
    web_html_lit(h, "<p><label>");
    web_html_text(h, web_at(r->lang, A_RECIPIENT));
    web_html_lit(h, " <input type=\"email\" name=\"recipient\" value=\"");
    web_html_text(h, v->rcpt ? v->rcpt : "");
    web_html_lit(h, "\"></label></p>\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_TEST));
    web_html_lit(h, "</button></form>\n");
}

static void rules_page(struct web_req *r, const struct web_agent *ag,
                       int status, const struct rules_view *v)
{
    struct hd_rule_row *rs = NULL;
    size_t n = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_rule_list(r->st, true, r->a, &rs, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_RULES));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_RULES));
    web_html_lit(&h, "</h1>\n");
    const char *added = web_req_arg(r, "added");
    if (added != NULL && v->error == NULL) {
        web_html_lit(&h, "<p class=\"notice\" role=\"status\">");
        web_html_text(&h, web_at(r->lang, A_RULE_ADDED));
        web_html_lit(&h, "</p>\n");
    }
    rules_table(r, &h, ag, rs, n);
    add_form(r, &h, ag, v);
    test_form(r, &h, ag, v);
    web_agent_layout_end(r, &h);
    web_resp_html(r, status, &h);
    web_html_deinit(&h);
}

void web_agent_admin_rules(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct rules_view v = {0};
    rules_page(r, ag, 200, &v);
}

/* ---- adding and deleting -------------------------------------------- */

/* The next non-blank line of *p (trimmed, arena), or NULL at the end. */
static const char *next_line(struct hd_arena *a, const char **p)
{
    while (**p != '\0') {
        const char *s = *p, *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        *p = s + n + (e != NULL);
        while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' ||
                         s[n - 1] == '\t'))
            n--;
        while (n > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        if (n > 0)
            return hd_arena_strndup(a, s, n);
    }
    return NULL;
}

/* The JSON texts of the typed conditions and actions (arena), or -1
 * with the reason. */
static int form_json(struct web_req *r, const char *conds, const char *acts,
                     const char **cj_r, const char **aj_r,
                     struct hd_error *err)
{
    json_t *cj = json_array(), *aj = json_array();
    const char *line, *p = conds;
    int rc = 0;
    for (int i = 0; rc == 0 && i < WEB_RULE_LINES_MAX &&
                    (line = next_line(r->a, &p)) != NULL; i++) {
        const char *f, *o, *v;
        rc = mg_rule_cond_from_text(line, r->a, &f, &o, &v, err);
        if (rc == 0)
            json_array_append_new(cj, json_pack("{s:s, s:s, s:s}", "field",
                                                f, "op", o, "value", v));
    }
    p = acts;
    for (int i = 0; rc == 0 && i < WEB_RULE_LINES_MAX &&
                    (line = next_line(r->a, &p)) != NULL; i++) {
        const char *eq = strchr(line, '=');
        json_array_append_new(
            aj, json_pack("{s:s, s:s}", "action",
                          eq ? hd_arena_strndup(r->a, line,
                                                (size_t)(eq - line))
                             : line,
                          "value", eq ? eq + 1 : ""));
    }
    char *cs = json_dumps(cj, JSON_COMPACT | JSON_ENSURE_ASCII);
    char *as = json_dumps(aj, JSON_COMPACT | JSON_ENSURE_ASCII);
    *cj_r = hd_arena_strdup(r->a, cs);
    *aj_r = hd_arena_strdup(r->a, as);
    free(cs);
    free(as);
    json_decref(cj);
    json_decref(aj);
    return rc;
}

static int audit_rule(struct web_req *r, const struct web_agent *ag,
                      int64_t id, const char *action, const char *after,
                      struct hd_error *err)
{
    return web_agent_audit(
        r, ag, hd_arena_printf(r->a, "rule:%lld", (long long)id), action,
        NULL, after, err);
}

static int store_rule(struct web_req *r, const struct web_agent *ag,
                      const struct hd_rule_row *row, int64_t *id_r,
                      struct hd_error *err)
{
    if (hd_store_begin(r->st, err) < 0)
        return -1;
    json_t *after = json_pack("{s:s, s:s, s:s, s:b}", "name", row->name,
                              "conditions", row->conditions, "actions",
                              row->actions, "stop", row->stop);
    char *aj = json_dumps(after, JSON_COMPACT);
    json_decref(after);
    int rc = hd_store_rule_add(r->st, row, id_r, err) < 0 ||
                     audit_rule(r, ag, *id_r, "rule.add", aj, err) < 0 ||
                     hd_store_commit(r->st, err) < 0
                 ? -1
                 : 0;
    free(aj);
    if (rc < 0)
        hd_store_rollback(r->st);
    return rc;
}

void web_agent_admin_rule_add(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct rules_view v = {.name = web_form_field(r, "name"),
                           .conds = web_form_field(r, "conditions"),
                           .acts = web_form_field(r, "actions")};
    const char *stop = web_form_field(r, "stop");
    struct hd_error err = HD_ERROR_INIT;
    struct hd_rule_row row = {.name = v.name ? v.name : "",
                              .stop = stop != NULL && *stop != '\0'};
    struct mg_rule *compiled = NULL;
    if (*row.name == '\0') {
        hd_error_set(&err, HD_E_INVAL, "a rule needs a name");
    } else if (form_json(r, v.conds ? v.conds : "", v.acts ? v.acts : "",
                         &row.conditions, &row.actions, &err) == 0 &&
               mg_rule_compile(row.conditions, row.actions, r->st, &compiled,
                               &err) == 0) {
        mg_rule_free(&compiled);
        int64_t id = 0;
        if (store_rule(r, ag, &row, &id, &err) < 0) {
            web_agent_fail(r, &err);
            return;
        }
        web_resp_redirect(r, 303, hd_arena_printf(r->a, "/agent/admin/rules"
                                                        "?added=%lld",
                                                  (long long)id));
        return;
    }
    v.error = err.msg;
    rules_page(r, ag, 422, &v);
}

/* Reordering: rules run in position order, so moving one is setting
 * its position (ties run in id order). */
void web_agent_admin_rule_move(struct web_req *r, const char *id)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    int64_t rid = strtoll(id, NULL, 10);
    const char *pv = web_form_field(r, "position");
    char *end = NULL;
    long long pos = pv ? strtoll(pv, &end, 10) : 0;
    if (rid <= 0 || pv == NULL || *end != '\0' || pos < 1 || pos > 1000000) {
        web_error_page(r, rid <= 0 ? 404 : 400);
        return;
    }
    if (hd_store_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    const char *after = hd_arena_printf(r->a, "{\"position\":%lld}", pos);
    int found = hd_store_rule_move(r->st, rid, pos, &err);
    if (found <= 0 || audit_rule(r, ag, rid, "rule.move", after, &err) < 0 ||
        hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        if (found == 0)
            web_error_page(r, 404);
        else
            web_agent_fail(r, &err);
        return;
    }
    web_resp_redirect(r, 303, "/agent/admin/rules");
}

void web_agent_admin_rule_delete(struct web_req *r, const char *id)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    int64_t rid = strtoll(id, NULL, 10);
    struct hd_error err = HD_ERROR_INIT;
    if (rid <= 0) {
        web_error_page(r, 404);
        return;
    }
    if (hd_store_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    int found = hd_store_rule_delete(r->st, rid, &err);
    if (found <= 0 || audit_rule(r, ag, rid, "rule.delete", NULL, &err) < 0 ||
        hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        if (found == 0)
            web_error_page(r, 404);
        else
            web_agent_fail(r, &err);
        return;
    }
    web_resp_redirect(r, 303, "/agent/admin/rules");
}

/* ---- testing against a pasted message ------------------------------- */

/* Routes the raw message as mg_route_decide() would for a new ticket,
 * inside a transaction that is rolled back.  *queue_r: the queue name. */
static int decide(struct web_req *r, const char *raw, const char *rcpt,
                  struct mg_route_decision *d, const char **queue_r,
                  struct hd_error *err)
{
    struct mg_mail *m;
    struct hd_contact c = {.address = "", .name = ""};
    int64_t org = 0;
    mg_parse_init();
    if (mg_parse_message(raw, strlen(raw), r->a, &m, err) < 0)
        return -1;
    const char *at = strrchr(m->from.address, '@');
    if (at != NULL && hd_store_org_by_domain(r->st, at + 1, &org, err) < 0)
        return -1;
    c.org_id = org;
    if (hd_store_begin(r->st, err) < 0)
        return -1;
    int rc = mg_route_decide(r->app->inst, r->st, m, rcpt, &c, r->a, d, err);
    hd_store_rollback(r->st);
    if (rc < 0)
        return -1;
    struct hd_queue q = {.name = "-"};
    if (d->queue_id > 0 &&
        hd_store_queue_get(r->st, d->queue_id, NULL, r->a, &q, err) < 0)
        return -1;
    *queue_r = q.name;
    return 0;
}

void web_agent_admin_rule_test(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    const char *rcpt = web_form_field(r, "recipient");
    struct rules_view v = {.raw = web_form_field(r, "message"),
                           .rcpt = rcpt};
    struct mg_route_decision d;
    struct hd_error err = HD_ERROR_INIT;
    memset(&d, 0, sizeof d);
    if (decide(r, v.raw ? v.raw : "", rcpt && *rcpt ? rcpt : NULL, &d,
               &v.queue, &err) < 0) {
        if (err.code != HD_E_INVAL && err.code != HD_E_TOOBIG) {
            web_agent_fail(r, &err);
            return;
        }
        v.test_error = err.msg;
        rules_page(r, ag, 422, &v);
        return;
    }
    v.d = &d;
    rules_page(r, ag, 200, &v);
}
