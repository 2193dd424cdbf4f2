/* agent_login.c - signing in and out of the agents' workplace: the
 * password step (CSRF of the visitor, lockout, argon2id, IP allow-lists),
 * sign-out and sign-out everywhere.  The second factor is agent_2fa.c's.
 * Whatever went wrong, the person at the form reads only "sign-in
 * failed"; the security log says what it was. */
#include "agent_login.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "clock.h"
#include "log.h"

#include <pthread.h>
#include <string.h>

#define WEB_EMAIL_MAX 254

static char dummy_hash[HD_PASSWORD_HASH_SIZE];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* A hash to verify against when the address is unknown, so the answer
 * takes as long as for a known one. */
static void dummy_init(void)
{
    struct hd_argon2_params p = HD_ARGON2_PARAMS_DEFAULT;
    struct hd_error err = HD_ERROR_INIT;
    hd_assert(hd_password_hash("not a password of anybody", &p, dummy_hash,
                               &err) == 0);
}

/* email: what was typed before a failed attempt (kept, so only the
 * password is typed again). */
static void login_page(struct web_req *r, int status, bool failed,
                       const char *email)
{
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, NULL, web_at(r->lang, A_SIGNIN_TITLE));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_SIGNIN_TITLE));
    web_html_lit(&h, "</h1>\n");
    if (failed) {
        web_html_lit(&h, "<p class=\"error\" role=\"alert\">");
        web_html_text(&h, web_at(r->lang, A_SIGNIN_FAILED));
        web_html_lit(&h, "</p>\n");
    }
    web_html_lit(&h, "<form class=\"login\" method=\"post\" "
                     "action=\"/agent/login\">\n");
    web_agent_csrf_field(&h, web_session_csrf(r));
    web_html_lit(&h, "\n<label for=\"email\">");
    web_html_text(&h, web_at(r->lang, A_EMAIL));
    web_html_lit(&h, "</label><input id=\"email\" name=\"email\" "
                     "type=\"email\" autocomplete=\"username\" required "
                     "value=\"");
    web_html_text(&h, email != NULL && strlen(email) <= WEB_EMAIL_MAX ? email
                                                                    : "");
    web_html_lit(&h, "\">\n<label for=\"password\">");
    web_html_text(&h, web_at(r->lang, A_PASSWORD));
    web_html_lit(&h, "</label><input id=\"password\" name=\"password\" "
                     "type=\"password\" autocomplete=\"current-password\" "
                     "required>\n<button type=\"submit\">");
    web_html_text(&h, web_at(r->lang, A_SIGNIN));
    web_html_lit(&h, "</button>\n</form>\n");
    web_agent_layout_end(r, &h);
    web_resp_html(r, status, &h);
    web_html_deinit(&h);
}

void web_agent_login_form(struct web_req *r, const char *arg)
{
    (void)arg;
    login_page(r, 200, false, NULL);
}

static struct hd_lockout_policy policy(struct web_req *r)
{
    struct hd_lockout_policy p = HD_LOCKOUT_POLICY_DEFAULT;
    const struct hd_config *cfg = r->app->cfg;
    long long n = hd_config_get_int(cfg, HD_CFG_AUTH_LOCKOUT_FAILURES);
    long long w = hd_config_get_int(cfg, HD_CFG_AUTH_LOCKOUT_WINDOW_MINUTES);
    p.max_failures = n >= 1 ? (int)n : 1;
    p.window_secs = w >= 1 ? w * 60 : 60;
    return p;
}

/* Counts a failure for the address; logs the lockout it may cause. */
static void count_failure(struct web_req *r, const char *email,
                          int64_t user_id, const char *why)
{
    struct hd_lockout_policy p = policy(r);
    struct hd_lockout_state s;
    struct hd_error err = HD_ERROR_INIT;
    int64_t now = hd_clock_now();
    web_agent_security(r, "signin_failed", user_id, email, why);
    if (hd_store_lockout_get(r->st, email, &s, &err) < 0)
        goto fail;
    bool locked = hd_lockout_fail(&p, &s, now);
    if (hd_store_lockout_put(r->st, email, &s, &err) < 0)
        goto fail;
    if (locked)
        web_agent_security(r, "lockout", user_id, email,
                           hd_arena_printf(r->a, "until=%lld",
                                           (long long)s.locked_until));
    return;
fail:
    hd_err("web", "lockout", "error=\"%s\"", err.msg);
}

/* Where a user whose password was right goes next. */
static const char *next_step(struct web_req *r, const struct hd_user *u,
                             enum hd_session_stage *stage_r,
                             struct hd_error *err)
{
    int has = hd_store_user_has_totp(r->st, u->id, err);
    if (has < 0)
        return NULL;
    *stage_r = HD_SESSION_PASSWORD;
    if (has)
        return "/agent/2fa";
    if (web_agent_2fa_required(r, u->role))
        return "/agent/2fa/enrol";
    *stage_r = HD_SESSION_FULL;
    return "/agent/";
}

static void upgrade_hash(struct web_req *r, const struct hd_user *u,
                         const char *hash, const char *password)
{
    struct hd_argon2_params p = HD_ARGON2_PARAMS_DEFAULT;
    char fresh[HD_PASSWORD_HASH_SIZE];
    struct hd_error err = HD_ERROR_INIT;
    if (!hd_password_needs_rehash(hash, &p))
        return;
    if (hd_password_hash(password, &p, fresh, &err) < 0 ||
        hd_store_user_set_password(r->st, u->id, fresh, &err) < 0)
        hd_warn("web", "rehash", "error=\"%s\"", err.msg);
}

/* The password was right: allow-list, then a new session. */
static void signed_in(struct web_req *r, const struct hd_user *u,
                      const char *email)
{
    struct hd_error err = HD_ERROR_INIT;
    if (!web_agent_ip_allowed(r, u, web_agent_ip(r))) {
        web_agent_security(r, "ip_denied", u->id, email, "signin");
        login_page(r, 403, true, email);
        return;
    }
    struct hd_lockout_state s;
    enum hd_session_stage stage;
    const char *next = next_step(r, u, &stage, &err);
    if (next == NULL || hd_store_lockout_get(r->st, email, &s, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    hd_lockout_success(&s);
    if (hd_store_lockout_put(r->st, email, &s, &err) < 0 ||
        web_agent_session_start(r, u->id, stage, &err) < 0 ||
        (stage == HD_SESSION_FULL &&
         hd_store_user_touch(r->st, u->id, true, hd_clock_now(), &err) < 0)) {
        web_agent_fail(r, &err);
        return;
    }
    web_agent_security(r, stage == HD_SESSION_FULL ? "signin" : "signin_password",
                       u->id, email, NULL);
    web_resp_redirect(r, 303, next);
}

void web_agent_login(struct web_req *r, const char *arg)
{
    (void)arg;
    /* The token alone does not stop login CSRF: it is tied to the
     * visitor cookie, which a sibling subdomain (or anyone in the middle
     * of plain HTTP) can plant together with its token, and so sign the
     * victim's browser in as the attacker.  The browser's word on where
     * the form came from (Sec-Fetch-Site, Origin) does. */
    if (!web_session_same_origin(r) ||
        !web_session_csrf_ok(r, web_form_field(r, "csrf"))) {
        web_agent_security(r, "csrf_refused", 0, NULL, r->path);
        web_error_page(r, 403);
        return;
    }
    const char *email = web_form_field(r, "email");
    const char *pw = web_form_field(r, "password");
    if (email == NULL || pw == NULL || *email == '\0' ||
        strlen(email) > WEB_EMAIL_MAX || strlen(pw) > HD_PASSWORD_MAX) {
        login_page(r, 401, true, email);
        return;
    }
    struct hd_error err = HD_ERROR_INIT;
    struct hd_lockout_policy p = policy(r);
    struct hd_lockout_state s;
    if (hd_store_lockout_get(r->st, email, &s, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    if (hd_lockout_locked(&p, &s, hd_clock_now(), NULL)) {
        web_agent_security(r, "signin_locked", 0, email, NULL);
        login_page(r, 401, true, email);
        return;
    }
    pthread_once(&dummy_once, dummy_init);
    struct hd_user u;
    char *hash = NULL;
    int found = hd_store_user_get(r->st, 0, email, r->a, &u, &hash, &err);
    if (found < 0) {
        web_agent_fail(r, &err);
        return;
    }
    bool usable = found == 1 && !u.disabled && hash != NULL && *hash != '\0';
    int ok = hd_password_verify(pw, usable ? hash : dummy_hash, &err);
    if (!usable || ok != 1) {
        count_failure(r, email, found == 1 ? u.id : 0,
                      found == 0   ? "unknown address"
                      : !usable    ? "account disabled or without password"
                                   : "wrong password");
        login_page(r, 401, true, email);
        return;
    }
    upgrade_hash(r, &u, hash, pw);
    signed_in(r, &u, email);
}

void web_agent_logout(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin_2fa(r, true);
    if (ag == NULL)
        return;
    web_agent_session_end(r);
    web_agent_security(r, "signout", ag->user.id, ag->user.email, NULL);
    web_resp_redirect(r, 303, "/agent/login");
}

void web_agent_logout_all(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin_2fa(r, true);
    if (ag == NULL)
        return;
    int64_t n = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_session_delete_user(r->st, ag->user.id, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    web_agent_session_end(r);
    web_agent_security(r, "signout_all", ag->user.id, ag->user.email,
                       hd_arena_printf(r->a, "sessions=%lld", (long long)n));
    web_resp_redirect(r, 303, "/agent/login");
}

/* The agent's own page: who they are, and "sign out everywhere" (kept
 * off the header, where it was a Tab stop on every page). */
void web_agent_profile(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_PROFILE));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_PROFILE));
    web_html_lit(&h, "</h1>\n<dl class=\"facts\"><dt>");
    web_html_text(&h, web_at(r->lang, A_NAME));
    web_html_lit(&h, "</dt><dd>");
    web_html_text(&h, ag->user.name);
    web_html_lit(&h, "</dd><dt>");
    web_html_text(&h, web_at(r->lang, A_EMAIL));
    web_html_lit(&h, "</dt><dd>");
    web_html_text(&h, ag->user.email);
    web_html_lit(&h, "</dd><dt>");
    web_html_text(&h, web_at(r->lang, A_ROLE));
    web_html_lit(&h, "</dt><dd>");
    web_html_text(&h, web_at_role(r->lang, ag->user.role));
    web_html_lit(&h, "</dd></dl>\n<form class=\"stack\" method=\"post\" "
                     "action=\"/agent/logout-all\">");
    web_agent_csrf_field(&h, ag->csrf);
    web_html_lit(&h, "<p>");
    web_html_text(&h, web_at(r->lang, A_SIGNOUT_ALL_TEXT));
    web_html_lit(&h, "</p><button type=\"submit\" class=\"danger\">");
    web_html_text(&h, web_at(r->lang, A_SIGNOUT_ALL));
    web_html_lit(&h, "</button></form>\n");
    web_agent_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}
