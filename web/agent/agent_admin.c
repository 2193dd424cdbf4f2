/* agent_admin.c - the users page at /agent/admin/users (admins only):
 * every user with role, queues, second factor, last sign-in and last
 * activity, dormant accounts highlighted; disabling (with a confirmation
 * step), queue grants/revokes, on call and each user's own IP
 * allow-list (user_access.c, as `helpdesk user oncall|allow-ips`), each
 * recorded in the audit log (who, whom, what, when) in the same
 * transaction as the change. */
#include "agent_admin.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "audit.h"
#include "clock.h"
#include "store_agent.h"
#include "user_access.h"

#include <stdlib.h>
#include <string.h>

/* The on-call toggle and the own allow-list field of u (two cells). */
static void access_cells(struct web_req *r, struct web_html *h,
                         const struct web_agent *ag, const struct hd_user *u)
{
    struct hd_error err = HD_ERROR_INIT;
    char *own = NULL;
    const char *ips =
        hd_store_user_ips_get(r->st, u->id, r->a, &own, &err) < 0 || !own
            ? ""
            : own;
    web_html_text(h, web_at(r->lang, u->on_call ? A_ON : A_OFF));
    if (!u->disabled || u->on_call) {
        web_html_lit(h, "<form method=\"post\" action=\"/agent/admin/users/");
        web_html_int(h, u->id);
        web_html_lit(h, "/access\">");
        web_agent_csrf_field(h, ag->csrf);
        web_html_lit(h, "<input type=\"hidden\" name=\"on_call\" value=\"");
        if (u->on_call)
            web_html_lit(h, "off");
        else
            web_html_lit(h, "on");
        web_html_lit(h, "\"><button type=\"submit\">");
        web_html_text(h, web_at(r->lang, u->on_call ? A_ONCALL_TAKE
                                                     : A_ONCALL_PUT));
        web_html_lit(h, "</button></form>");
    }
    web_html_lit(h, "</td><td><form method=\"post\" "
                    "action=\"/agent/admin/users/");
    web_html_int(h, u->id);
    web_html_lit(h, "/access\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<label><span class=\"sr-only\">");
    web_html_text(h, web_at(r->lang, A_ALLOW_IPS));
    web_html_lit(h, " ");
    web_html_text(h, u->email);
    web_html_lit(h, "</span><input name=\"allow_ips\" maxlength=\"");
    web_html_int(h, HD_ALLOW_IPS_MAX);
    web_html_lit(h, "\" placeholder=\"10.0.0.0/8 192.0.2.7\" title=\"");
    web_html_text(h, web_at(r->lang, A_ALLOW_IPS_HINT));
    web_html_lit(h, "\" value=\"");
    web_html_text(h, ips);
    web_html_lit(h, "\"></label> <button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_SAVE));
    web_html_lit(h, "</button></form>");
}

static void user_row(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, const struct hd_user *u,
                     int64_t now)
{
    struct hd_error err = HD_ERROR_INIT;
    int totp = hd_store_user_has_totp(r->st, u->id, &err);
    bool dormant = !u->disabled && (u->last_login_at == 0
                                        ? now - u->created_at > WEB_DORMANT_SECS
                                        : now - u->last_login_at >
                                              WEB_DORMANT_SECS);
    if (dormant)
        web_html_lit(h, "<tr class=\"dormant\">");
    else
        web_html_lit(h, "<tr>");
    web_html_lit(h, "<td>");
    web_html_text(h, u->name);
    web_html_lit(h, "<br><small>");
    web_html_text(h, u->email);
    web_html_lit(h, "</small>");
    if (dormant) {
        web_html_lit(h, " <strong class=\"label-dormant\">");
        web_html_text(h, web_at(r->lang, A_DORMANT));
        web_html_lit(h, "</strong>");
    }
    web_html_lit(h, "</td><td>");
    web_html_text(h, u->role);
    web_html_lit(h, "</td><td>");
    web_html_text(h, u->queues ? u->queues : "");
    web_html_lit(h, "</td><td>");
    web_html_text(h, web_at(r->lang, totp == 1 ? A_ON : A_OFF));
    web_html_lit(h, "</td><td>");
    if (u->last_login_at)
        web_agent_time(r, h, u->last_login_at);
    else
        web_html_text(h, web_at(r->lang, A_NEVER));
    web_html_lit(h, "</td><td>");
    if (u->last_activity_at)
        web_agent_time(r, h, u->last_activity_at);
    else
        web_html_text(h, web_at(r->lang, A_NEVER));
    web_html_lit(h, "</td><td>");
    access_cells(r, h, ag, u);
    web_html_lit(h, "</td><td>");
    if (u->disabled) {
        web_html_text(h, web_at(r->lang, A_DISABLED));
    } else if (u->id != ag->user.id) {
        web_html_lit(h, "<form method=\"post\" action=\"/agent/admin/users/");
        web_html_int(h, u->id);
        web_html_lit(h, "/disable\">");
        web_agent_csrf_field(h, ag->csrf);
        web_html_lit(h, "<button type=\"submit\">");
        web_html_text(h, web_at(r->lang, A_DISABLE));
        web_html_lit(h, "</button></form>");
    }
    web_html_lit(h, "</td></tr>\n");
}

static void grant_form(struct web_req *r, struct web_html *h,
                       const struct web_agent *ag, const struct hd_user *us,
                       size_t nu)
{
    struct hd_queue *qs = NULL;
    size_t nq = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_queue_list(r->st, r->a, &qs, &nq, &err) < 0)
        return;
    web_html_lit(h, "<form class=\"grant\" method=\"post\" "
                    "action=\"/agent/admin/users/0/grant\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, A_USERS));
    web_html_lit(h, " <select name=\"user\">");
    for (size_t i = 0; i < nu; i++) {
        web_html_lit(h, "<option value=\"");
        web_html_int(h, us[i].id);
        web_html_lit(h, "\">");
        web_html_text(h, us[i].email);
        web_html_lit(h, "</option>");
    }
    web_html_lit(h, "</select></label> <label>");
    web_html_text(h, web_at(r->lang, A_QUEUE));
    web_html_lit(h, " <select name=\"queue\">");
    for (size_t i = 0; i < nq; i++) {
        web_html_lit(h, "<option value=\"");
        web_html_int(h, qs[i].id);
        web_html_lit(h, "\">");
        web_html_text(h, qs[i].name);
        web_html_lit(h, "</option>");
    }
    web_html_lit(h, "</select></label> <button name=\"op\" value=\"grant\">");
    web_html_text(h, web_at(r->lang, A_GRANT));
    web_html_lit(h, "</button> <button name=\"op\" value=\"revoke\">");
    web_html_text(h, web_at(r->lang, A_REVOKE));
    web_html_lit(h, "</button></form>\n");
}

/* The users page with status and, when not NULL, a notice (error: a
 * refusal). */
static void users_page(struct web_req *r, const struct web_agent *ag,
                       int status, const char *notice, bool error)
{
    struct hd_user *us = NULL;
    size_t n = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_user_list(r->st, r->a, &us, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    static const enum web_amsg cols[] = {
        A_NAME,         A_ROLE,   A_QUEUES,    A_2FA_TITLE, A_LAST_LOGIN,
        A_LAST_ACTIVITY, A_ONCALL, A_ALLOW_IPS, A_DISABLE};
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_USERS));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_USERS));
    web_html_lit(&h, "</h1>\n");
    if (notice != NULL) {
        if (error)
            web_html_lit(&h, "<p class=\"error\" role=\"alert\">");
        else
            web_html_lit(&h, "<p class=\"notice\" role=\"status\">");
        web_html_text(&h, notice);
        web_html_lit(&h, "</p>\n");
    }
    web_html_lit(&h, "<table class=\"users\"><thead><tr>");
    for (size_t i = 0; i < HD_ARRAY_LEN(cols); i++) {
        web_html_lit(&h, "<th scope=\"col\">");
        web_html_text(&h, web_at(r->lang, cols[i]));
        web_html_lit(&h, "</th>");
    }
    web_html_lit(&h, "</tr></thead>\n<tbody>\n");
    int64_t now = hd_clock_now();
    for (size_t i = 0; i < n; i++)
        user_row(r, &h, ag, &us[i], now);
    web_html_lit(&h, "</tbody></table>\n");
    grant_form(r, &h, ag, us, n);
    web_agent_layout_end(r, &h);
    web_resp_html(r, status, &h);
    web_html_deinit(&h);
}

void web_agent_users(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    const char *saved = web_req_arg(r, "saved");
    users_page(r, ag, 200, saved ? web_at(r->lang, A_ACCESS_SAVED) : NULL,
               false);
}

static int audit(struct web_req *r, const struct web_agent *ag,
                 int64_t whom, const char *action, const char *after,
                 struct hd_error *err)
{
    return web_agent_audit(
        r, ag, hd_arena_printf(r->a, "user:%lld", (long long)whom), action,
        NULL, after, err);
}

static void confirm_page(struct web_req *r, const struct web_agent *ag,
                         const struct hd_user *u)
{
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_CONFIRM_DISABLE));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_CONFIRM_DISABLE));
    web_html_lit(&h, "</h1>\n<p>");
    web_html_text(&h, u->name);
    web_html_lit(&h, " &lt;");
    web_html_text(&h, u->email);
    web_html_lit(&h, "&gt;</p>\n<form method=\"post\" "
                     "action=\"/agent/admin/users/");
    web_html_int(&h, u->id);
    web_html_lit(&h, "/disable\">");
    web_agent_csrf_field(&h, ag->csrf);
    web_html_lit(&h, "<input type=\"hidden\" name=\"confirm\" value=\"yes\">"
                     "<button type=\"submit\">");
    web_html_text(&h, web_at(r->lang, A_DISABLE));
    web_html_lit(&h, "</button></form>\n");
    web_agent_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}

void web_agent_user_disable(struct web_req *r, const char *id)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    int64_t uid = strtoll(id, NULL, 10);
    struct hd_user u;
    struct hd_error err = HD_ERROR_INIT;
    int found = uid > 0 ? hd_store_user_get(r->st, uid, NULL, r->a, &u, NULL,
                                            &err)
                        : 0;
    if (found <= 0 || uid == ag->user.id) {
        if (found < 0)
            web_agent_fail(r, &err);
        else
            web_error_page(r, found == 0 ? 404 : 400);
        return;
    }
    const char *confirm = web_form_field(r, "confirm");
    if (confirm == NULL || strcmp(confirm, "yes") != 0) {
        confirm_page(r, ag, &u);
        return;
    }
    if (hd_store_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    if (hd_store_user_set_disabled(r->st, uid, true, &err) < 0 ||
        hd_store_session_delete_user(r->st, uid, NULL, &err) < 0 ||
        audit(r, ag, uid, "user.disable", "{\"disabled\":true}", &err) < 0 ||
        hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        web_agent_fail(r, &err);
        return;
    }
    web_agent_security(r, "user_disabled", uid, u.email,
                       hd_arena_printf(r->a, "by=user:%lld",
                                       (long long)ag->user.id));
    web_resp_redirect(r, 303, "/agent/admin/users");
}

void web_agent_user_grant(struct web_req *r, const char *id)
{
    (void)id;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    const char *us = web_form_field(r, "user"), *qs = web_form_field(r, "queue");
    const char *op = web_form_field(r, "op");
    int64_t uid = us ? strtoll(us, NULL, 10) : 0;
    int64_t qid = qs ? strtoll(qs, NULL, 10) : 0;
    bool grant = op != NULL && strcmp(op, "grant") == 0;
    struct hd_error err = HD_ERROR_INIT;
    if (uid <= 0 || qid <= 0 || op == NULL) {
        web_error_page(r, 400);
        return;
    }
    if (hd_store_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    int rc = grant ? hd_store_user_grant_queue(r->st, uid, qid, &err)
                   : hd_store_user_revoke_queue(r->st, uid, qid, &err);
    if (rc < 0 ||
        audit(r, ag, uid, grant ? "user.grant_queue" : "user.revoke_queue",
              hd_arena_printf(r->a, "{\"queue_id\":%lld}", (long long)qid),
              &err) < 0 ||
        hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        web_agent_fail(r, &err);
        return;
    }
    web_resp_redirect(r, 303, "/agent/admin/users");
}

/* POST /agent/admin/users/ID/access: on_call=on|off, or allow_ips=CIDRs
 * ("" removes the user's own list), through user_access.c as the CLI. */
void web_agent_user_access(struct web_req *r, const char *id)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    int64_t uid = strtoll(id, NULL, 10);
    const char *oncall = web_form_field(r, "on_call");
    const char *ips = web_form_field(r, "allow_ips");
    struct hd_user u;
    struct hd_error err = HD_ERROR_INIT;
    if ((oncall == NULL) == (ips == NULL) ||
        (oncall && strcmp(oncall, "on") != 0 && strcmp(oncall, "off") != 0)) {
        web_error_page(r, 400);
        return;
    }
    int found = uid > 0 ? hd_store_user_get(r->st, uid, NULL, r->a, &u, NULL,
                                            &err)
                        : 0;
    if (found <= 0) {
        if (found < 0)
            web_agent_fail(r, &err);
        else
            web_error_page(r, 404);
        return;
    }
    struct hd_audit_entry who = {
        .actor = hd_arena_printf(r->a, "user:%lld", (long long)ag->user.id),
        .source = "web",
        .ip = web_agent_ip(r),
        .request_id = r->request_id,
    };
    int rc = oncall ? hd_user_set_on_call(r->st, r->a, &u,
                                          strcmp(oncall, "on") == 0, &who,
                                          &err)
                    : hd_user_set_allow_ips(r->st, r->a, &u, ips, &who, &err);
    if (rc < 0 && (err.code == HD_E_INVAL || err.code == HD_E_PARSE)) {
        /* refused by user_access.c: a disabled user, a bad list */
        users_page(r, ag, 422,
                   oncall ? web_at(r->lang, A_ONCALL_DISABLED)
                          : hd_arena_printf(r->a, "%s%s",
                                            web_at(r->lang, A_ALLOW_IPS_BAD),
                                            err.msg),
                   true);
        return;
    }
    if (rc < 0) {
        web_agent_fail(r, &err);
        return;
    }
    web_resp_redirect(r, 303, "/agent/admin/users?saved=1");
}
