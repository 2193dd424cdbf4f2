/* agent_admin_canned.c - /agent/admin/canned (admins only): the canned
 * responses agents insert into replies.  Lists them (name, language,
 * shortcut, category, last change), adds one, edits one (?edit=ID fills
 * the form) and deletes one; every POST carries the CSRF token and writes
 * an audit row (canned:ID, canned.add / .update / .delete, before and
 * after) in the same transaction as the change.  What a body may say,
 * and the placeholders, are helpdesk/core/canned.h's. */
#include "agent_admin_canned.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "audit.h"
#include "canned.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct canned_view {
    int status;
    const char *notice;              /* result line, or NULL */
    bool error;                      /* the notice is a refusal */
    const struct hd_canned_row *form; /* refill the form, or NULL */
};

static const char *actor(struct web_req *r, const struct web_agent *ag)
{
    return hd_arena_printf(r->a, "user:%lld", (long long)ag->user.id);
}

static void canned_row(struct web_req *r, struct web_html *h,
                       const struct web_agent *ag,
                       const struct hd_canned_row *c)
{
    web_html_lit(h, "<tr><td>");
    web_html_text(h, c->name);
    web_html_lit(h, "</td><td>");
    web_html_text(h, c->lang);
    web_html_lit(h, "</td><td>");
    web_html_text(h, c->shortcut ? c->shortcut : "");
    web_html_lit(h, "</td><td>");
    web_html_text(h, c->category ? c->category : "");
    web_html_lit(h, "</td><td>");
    web_agent_time(r, h, c->updated_at);
    web_html_lit(h, " ");
    web_html_text(h, c->updated_by);
    web_html_lit(h, "</td><td><a href=\"/agent/admin/canned?edit=");
    web_html_int(h, c->id);
    web_html_lit(h, "#canned-form\">");
    web_html_text(h, web_at(r->lang, A_EDIT));
    web_html_lit(h, "</a> <form method=\"post\" action=\"/agent/admin/"
                    "canned/");
    web_html_int(h, c->id);
    web_html_lit(h, "/delete\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_DELETE));
    web_html_lit(h, "</button></form></td></tr>\n");
}

static void input(struct web_html *h, const char *label, const char *name,
                  const char *value, int max, bool required)
{
    web_html_lit(h, "<label>");
    web_html_text(h, label);
    web_html_lit(h, " <input name=\"");
    web_html_text(h, name);
    web_html_lit(h, "\" maxlength=\"");
    web_html_int(h, max);
    web_html_lit(h, "\" value=\"");
    web_html_text(h, value ? value : "");
    if (required)
        web_html_lit(h, "\" required></label>\n");
    else
        web_html_lit(h, "\"></label>\n");
}

static void lang_select(struct web_req *r, struct web_html *h,
                        const char *lang)
{
    static const char *const langs[] = {"ja", "en"};
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, A_LANGUAGE));
    web_html_lit(h, " <select name=\"lang\">");
    for (size_t i = 0; i < HD_ARRAY_LEN(langs); i++) {
        bool sel = lang && strcmp(lang, langs[i]) == 0;
        web_html_lit(h, "<option");
        if (sel)
            web_html_lit(h, " selected");
        web_html_lit(h, ">");
        web_html_text(h, langs[i]);
        web_html_lit(h, "</option>");
    }
    web_html_lit(h, "</select></label>\n");
}

/* The add form, or the edit form when c has an id. */
static void canned_form(struct web_req *r, struct web_html *h,
                        const struct web_agent *ag,
                        const struct hd_canned_row *c)
{
    web_html_lit(h, "<h2 id=\"canned-form\">");
    web_html_text(h, web_at(r->lang, c->id ? A_EDIT : A_ADD));
    web_html_lit(h, "</h2>\n<form class=\"canned\" method=\"post\" action=\"");
    if (c->id) {
        web_html_lit(h, "/agent/admin/canned/");
        web_html_int(h, c->id);
        web_html_lit(h, "/edit\">");
    } else {
        web_html_lit(h, "/agent/admin/canned/add\">");
    }
    web_agent_csrf_field(h, ag->csrf);
    input(h, web_at(r->lang, A_NAME), "name", c->name, HD_CANNED_NAME_MAX,
          true);
    lang_select(r, h, c->lang);
    input(h, web_at(r->lang, A_SHORTCUT), "shortcut", c->shortcut,
          HD_CANNED_SHORT_MAX, false);
    input(h, web_at(r->lang, A_CATEGORY), "category", c->category,
          HD_CANNED_SHORT_MAX, false);
    web_html_lit(h, "<label for=\"canned-body\">");
    web_html_text(h, web_at(r->lang, A_BODY));
    web_html_lit(h, "</label>\n<textarea id=\"canned-body\" name=\"body\" "
                    "rows=\"10\" required>");
    web_html_text(h, c->body ? c->body : "");
    web_html_lit(h, "</textarea>\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_SAVE));
    web_html_lit(h, "</button></form>\n");
}

static void placeholders(struct web_req *r, struct web_html *h)
{
    web_html_lit(h, "<p class=\"placeholders\">");
    web_html_text(h, web_at(r->lang, A_PLACEHOLDERS));
    web_html_lit(h, ":");
    for (size_t i = 0; hd_canned_placeholders[i] != NULL; i++) {
        web_html_lit(h, " <code>{{");
        web_html_text(h, hd_canned_placeholders[i]);
        web_html_lit(h, "}}</code>");
    }
    web_html_lit(h, "</p>\n");
}

static void notice(struct web_html *h, const struct canned_view *v)
{
    if (v->notice == NULL)
        return;
    if (v->error)
        web_html_lit(h, "<p class=\"error\" role=\"alert\">");
    else
        web_html_lit(h, "<p class=\"notice\" role=\"status\">");
    web_html_text(h, v->notice);
    web_html_lit(h, "</p>\n");
}

static void canned_page(struct web_req *r, const struct web_agent *ag,
                        const struct canned_view *v)
{
    static const enum web_amsg cols[] = {A_NAME,     A_LANGUAGE, A_SHORTCUT,
                                         A_CATEGORY, A_UPDATED,  A_ACTIONS};
    struct hd_error err = HD_ERROR_INIT;
    struct hd_canned_row *cs = NULL, blank = {.lang = r->lang};
    size_t n = 0;
    if (hd_store_canned_list(r->st, NULL, r->a, &cs, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_CANNED));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_CANNED));
    web_html_lit(&h, "</h1>\n");
    notice(&h, v);
    web_html_lit(&h, "<table class=\"canned\">");
    web_agent_table_head(r, &h, cols, HD_ARRAY_LEN(cols));
    for (size_t i = 0; i < n; i++)
        canned_row(r, &h, ag, &cs[i]);
    web_html_lit(&h, "</tbody></table>\n");
    canned_form(r, &h, ag, v->form ? v->form : &blank);
    placeholders(r, &h);
    web_agent_layout_end(r, &h);
    web_resp_header(r, "Cache-Control", "no-store");
    web_resp_html(r, v->status, &h);
    web_html_deinit(&h);
}

void web_agent_admin_canned(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct canned_view v = {.status = 200};
    const char *e = web_req_arg(r, "edit");
    struct hd_canned_row c;
    struct hd_error err = HD_ERROR_INIT;
    if (e != NULL) {
        int found = hd_store_canned_get(r->st, strtoll(e, NULL, 10), r->a,
                                        &c, &err);
        if (found <= 0) {
            if (found < 0)
                web_agent_fail(r, &err);
            else
                web_error_page(r, 404);
            return;
        }
        v.form = &c;
    }
    canned_page(r, ag, &v);
}

static const char *row_json(struct hd_arena *a, const struct hd_canned_row *c)
{
    return hd_audit_json(
        a, json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "name", c->name, "lang",
                     c->lang, "shortcut", c->shortcut, "category",
                     c->category, "body", c->body));
}

/* The row typed into the form (id 0), by ag. */
static struct hd_canned_row form_row(struct web_req *r,
                                     const struct web_agent *ag)
{
    const char *who = actor(r, ag);
    return (struct hd_canned_row){
        .name = web_form_field(r, "name"),
        .lang = web_form_field(r, "lang"),
        .body = web_form_field(r, "body"),
        .shortcut = web_form_field(r, "shortcut"),
        .category = web_form_field(r, "category"),
        .created_by = who,
        .updated_by = who,
    };
}

/* A refusal the form answers (bad field, name taken) or a failure. */
static void refused(struct web_req *r, const struct web_agent *ag,
                    const struct hd_canned_row *c, const struct hd_error *err)
{
    if (err->code != HD_E_INVAL && err->code != HD_E_EXISTS) {
        web_agent_fail(r, err);
        return;
    }
    struct canned_view v = {
        .status = 422, .error = true, .form = c,
        .notice = hd_arena_printf(r->a, "%s%s",
                                  web_at(r->lang, A_CANNED_REFUSED),
                                  err->code == HD_E_EXISTS
                                      ? "name and language already used"
                                      : err->msg),
    };
    canned_page(r, ag, &v);
}

static void saved(struct web_req *r, const struct web_agent *ag,
                  enum web_amsg m)
{
    struct canned_view v = {.status = 200, .notice = web_at(r->lang, m)};
    canned_page(r, ag, &v);
}

void web_agent_admin_canned_add(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct hd_canned_row c = form_row(r, ag);
    struct hd_error err = HD_ERROR_INIT;
    int64_t id = 0;
    if (hd_canned_check(&c, &err) < 0 || hd_store_begin(r->st, &err) < 0) {
        refused(r, ag, &c, &err);
        return;
    }
    if (hd_store_canned_add(r->st, &c, &id, &err) < 0 ||
        web_agent_audit(r, ag,
                        hd_arena_printf(r->a, "canned:%lld", (long long)id),
                        "canned.add", NULL, row_json(r->a, &c), &err) < 0 ||
        hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        refused(r, ag, &c, &err);
        return;
    }
    saved(r, ag, A_CANNED_SAVED);
}

/* Loads the row named by the path segment; 1, or 0/-1 answered. */
static int load_row(struct web_req *r, const char *id,
                    struct hd_canned_row *c_r)
{
    struct hd_error err = HD_ERROR_INIT;
    char *end = NULL;
    long long n = strtoll(id, &end, 10);
    int found = n > 0 && *end == '\0'
                    ? hd_store_canned_get(r->st, n, r->a, c_r, &err)
                    : 0;
    if (found < 0)
        web_agent_fail(r, &err);
    else if (found == 0)
        web_error_page(r, 404);
    return found;
}

void web_agent_admin_canned_edit(struct web_req *r, const char *id)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    struct hd_canned_row old, c;
    if (ag == NULL || load_row(r, id, &old) <= 0)
        return;
    c = form_row(r, ag);
    c.id = old.id;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_canned_check(&c, &err) < 0 || hd_store_begin(r->st, &err) < 0) {
        refused(r, ag, &c, &err);
        return;
    }
    if (hd_store_canned_update(r->st, &c, &err) < 0 ||
        web_agent_audit(r, ag,
                        hd_arena_printf(r->a, "canned:%lld", (long long)c.id),
                        "canned.update", row_json(r->a, &old),
                        row_json(r->a, &c), &err) < 0 ||
        hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        refused(r, ag, &c, &err);
        return;
    }
    saved(r, ag, A_CANNED_SAVED);
}

void web_agent_admin_canned_delete(struct web_req *r, const char *id)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    struct hd_canned_row old;
    if (ag == NULL || load_row(r, id, &old) <= 0)
        return;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    if (hd_store_canned_delete(r->st, old.id, &err) < 0 ||
        web_agent_audit(r, ag,
                        hd_arena_printf(r->a, "canned:%lld",
                                        (long long)old.id),
                        "canned.delete", row_json(r->a, &old), NULL,
                        &err) < 0 ||
        hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        web_agent_fail(r, &err);
        return;
    }
    saved(r, ag, A_CANNED_DELETED);
}
