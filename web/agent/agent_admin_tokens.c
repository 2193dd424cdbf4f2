/* agent_admin_tokens.c - /agent/admin/tokens (admins only): the signed-in
 * admin's own API tokens with scope, expiry, last use (time and IP);
 * creating one (POST: scope within the role, optional days of validity;
 * the token text is shown once, on the result page, and never again) and
 * revoking one of one's own (POST).  Both go to the audit log with the
 * admin, the IP and the request id. */
#include "agent_admin_tokens.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "api_token.h"
#include "audit.h"
#include "clock.h"

#include <stdlib.h>
#include <string.h>

#define WEB_TOKEN_TEXT 44 /* bytes of a token's text with NUL */
#define WEB_DAYS_DIGITS 4 /* digits of HD_API_EXPIRES_DAYS_MAX */

struct token_view {
    int status;
    const char *token;  /* just created, shown once; or NULL */
    const char *notice; /* result line, or NULL */
    bool error;         /* the notice is a refusal */
};

static void token_audit(struct web_req *r, const struct web_agent *ag,
                        int64_t id, const char *action, struct hd_error *err,
                        int *rc)
{
    if (*rc >= 0 &&
        web_agent_audit(r, ag,
                        hd_arena_printf(r->a, "api_token:%lld", (long long)id),
                        action, NULL, NULL, err) < 0)
        *rc = -1;
}

static void token_row(struct web_req *r, struct web_html *h,
                      const struct web_agent *ag, const struct hd_api_token *t)
{
    web_html_lit(h, "<tr><td>");
    web_html_int(h, t->id);
    web_html_lit(h, "</td><td>");
    web_html_text(h, t->scope);
    web_html_lit(h, "</td><td>");
    web_agent_time(r, h, t->created_at);
    web_html_lit(h, "</td><td>");
    if (t->expires_at != 0)
        web_agent_time(r, h, t->expires_at);
    else
        web_html_text(h, web_at(r->lang, A_NEVER));
    web_html_lit(h, "</td><td>");
    if (t->last_used_at != 0) {
        web_agent_time(r, h, t->last_used_at);
        web_html_lit(h, " ");
        web_html_text(h, t->last_used_ip ? t->last_used_ip : "");
    } else {
        web_html_text(h, web_at(r->lang, A_NEVER));
    }
    web_html_lit(h, "</td><td>");
    if (t->revoked_at != 0) {
        web_html_text(h, web_at(r->lang, A_REVOKED));
    } else {
        web_html_lit(h, "<form method=\"post\" action=\"/agent/admin/tokens/");
        web_html_int(h, t->id);
        web_html_lit(h, "/revoke\">");
        web_agent_csrf_field(h, ag->csrf);
        web_html_lit(h, "<button type=\"submit\">");
        web_html_text(h, web_at(r->lang, A_REVOKE));
        web_html_lit(h, "</button></form>");
    }
    web_html_lit(h, "</td></tr>\n");
}

static void tokens_table(struct web_req *r, struct web_html *h,
                         const struct web_agent *ag,
                         const struct hd_api_token *ts, size_t n)
{
    static const enum web_amsg cols[] = {A_NUMBER,  A_SCOPE,     A_CREATED,
                                         A_EXPIRES, A_LAST_USED, A_STATUS};
    web_html_lit(h, "<table class=\"tokens\">");
    web_agent_table_head(r, h, cols, HD_ARRAY_LEN(cols));
    for (size_t i = 0; i < n; i++)
        if (ts[i].user_id == ag->user.id)
            token_row(r, h, ag, &ts[i]);
    web_html_lit(h, "</tbody></table>\n");
}

static void add_form(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag)
{
    static const char *const scopes[] = {"read", "write", "admin"};
    enum hd_api_scope top = hd_api_role_ceiling(ag->user.role);
    web_html_lit(h, "<h2>");
    web_html_text(h, web_at(r->lang, A_CREATE));
    web_html_lit(h, "</h2>\n<form method=\"post\" "
                    "action=\"/agent/admin/tokens/add\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, A_SCOPE));
    web_html_lit(h, " <select name=\"scope\">");
    for (size_t i = 0; i < HD_ARRAY_LEN(scopes) && i < (size_t)top; i++) {
        web_html_lit(h, "<option>");
        web_html_text(h, scopes[i]);
        web_html_lit(h, "</option>");
    }
    web_html_lit(h, "</select></label>\n<label>");
    web_html_text(h, web_at(r->lang, A_EXPIRES_DAYS));
    web_html_lit(h, " <input type=\"number\" name=\"expires_days\" min=\"1\" "
                    "max=\"3650\"></label>\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_CREATE));
    web_html_lit(h, "</button></form>\n");
}

static void view_notice(struct web_req *r, struct web_html *h,
                        const struct token_view *v)
{
    if (v->notice != NULL) {
        if (v->error)
            web_html_lit(h, "<p class=\"error\" role=\"alert\">");
        else
            web_html_lit(h, "<p class=\"notice\" role=\"status\">");
        web_html_text(h, v->notice);
        web_html_lit(h, "</p>\n");
    }
    if (v->token == NULL)
        return;
    web_html_lit(h, "<p class=\"notice\" role=\"status\">");
    web_html_text(h, web_at(r->lang, A_TOKEN_ONCE));
    web_html_lit(h, "</p>\n<p><code class=\"token\">");
    web_html_text(h, v->token);
    web_html_lit(h, "</code></p>\n");
}

static void tokens_page(struct web_req *r, const struct web_agent *ag,
                        const struct token_view *v)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_api_token *ts = NULL;
    size_t n = 0;
    if (hd_store_api_token_list(r->st, r->a, &ts, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_TOKENS));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_TOKENS));
    web_html_lit(&h, "</h1>\n");
    view_notice(r, &h, v);
    tokens_table(r, &h, ag, ts, n);
    add_form(r, &h, ag);
    web_agent_layout_end(r, &h);
    web_resp_header(r, "Cache-Control", "no-store");
    web_resp_html(r, v->status, &h);
    web_html_deinit(&h);
}

void web_agent_admin_tokens(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct token_view v = {.status = 200};
    tokens_page(r, ag, &v);
}

/* The typed days of validity: 0 for empty, -1 when not 1..max. */
static int expires_days(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    if (strspn(s, "0123456789") != strlen(s) || strlen(s) > WEB_DAYS_DIGITS)
        return -1;
    int d = atoi(s);
    return d >= 1 && d <= HD_API_EXPIRES_DAYS_MAX ? d : -1;
}

/* True for the errors of hd_api_token_create() that answer the form
 * (scope above the role, bad scope); others are failures. */
static bool refusal(enum hd_errcode code)
{
    return code == HD_E_PERM || code == HD_E_INVAL || code == HD_E_PARSE;
}

/* Creates the token in one transaction with its audit row. */
static int token_create(struct web_req *r, const struct web_agent *ag,
                        const struct hd_api_token_spec *spec, char *token,
                        struct hd_error *err)
{
    int64_t id = 0;
    if (hd_store_begin(r->st, err) < 0)
        return -1;
    int rc = hd_api_token_create(r->st, spec, token, &id, err);
    token_audit(r, ag, id, "api_token.add", err, &rc);
    if (rc < 0 || hd_store_commit(r->st, err) < 0) {
        hd_store_rollback(r->st);
        return -1;
    }
    return 0;
}

void web_agent_admin_token_add(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    const char *scope = web_form_field(r, "scope");
    int days = expires_days(web_form_field(r, "expires_days"));
    struct hd_api_token_spec spec = {
        .email = ag->user.email, .scope = scope ? scope : "",
        .expires_days = days,
    };
    struct token_view v = {.status = 422, .error = true};
    struct hd_error err = HD_ERROR_INIT;
    char token[WEB_TOKEN_TEXT];
    if (days < 0) {
        v.notice = hd_arena_printf(r->a, "%s%s",
                                   web_at(r->lang, A_TOKEN_REFUSED),
                                   web_at(r->lang, A_EXPIRES_DAYS));
    } else if (token_create(r, ag, &spec, token, &err) < 0) {
        if (!refusal(err.code)) {
            web_agent_fail(r, &err);
            return;
        }
        v.notice = hd_arena_printf(r->a, "%s%s",
                                   web_at(r->lang, A_TOKEN_REFUSED), err.msg);
    } else {
        v = (struct token_view){.status = 200,
                                .token = hd_arena_strdup(r->a, token)};
        hd_memzero_explicit(token, sizeof token);
    }
    tokens_page(r, ag, &v);
}

void web_agent_admin_token_revoke(struct web_req *r, const char *id)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    int64_t tid = strtoll(id, NULL, 10);
    struct hd_error err = HD_ERROR_INIT;
    struct hd_api_token *ts = NULL;
    size_t n = 0;
    bool mine = false;
    if (hd_store_api_token_list(r->st, r->a, &ts, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    for (size_t i = 0; i < n; i++)
        mine = mine || (ts[i].id == tid && ts[i].user_id == ag->user.id);
    if (tid <= 0 || !mine) {
        web_error_page(r, 404);
        return;
    }
    if (hd_store_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    int rc = hd_store_api_token_revoke(r->st, tid, hd_clock_now(), &err);
    if (rc == 1)
        token_audit(r, ag, tid, "api_token.revoke", &err, &rc);
    if (rc < 0 || hd_store_commit(r->st, &err) < 0) {
        hd_store_rollback(r->st);
        web_agent_fail(r, &err);
        return;
    }
    struct token_view v = {.status = 200,
                           .notice = web_at(r->lang, A_TOKEN_REVOKED)};
    tokens_page(r, ag, &v);
}
