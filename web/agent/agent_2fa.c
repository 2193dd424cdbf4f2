/* agent_2fa.c - the second factor: asking for the TOTP (or a recovery)
 * code after the password, and enrolment (secret, QR code served as an
 * SVG image, confirmation code, recovery codes shown once).  Codes are
 * checked against replays (last used step) and count towards the same
 * lockout as passwords. */
#include "agent_2fa.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "clock.h"
#include "log.h"
#include "totp.h"

#include <string.h>

static void code_form(struct web_req *r, struct web_html *h,
                      const struct web_agent *ag, const char *action)
{
    web_html_lit(h, "<form class=\"login\" method=\"post\" action=\"");
    web_html_text(h, action);
    web_html_lit(h, "\">\n");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "\n<label for=\"code\">");
    web_html_text(h, web_at(r->lang, A_2FA_CODE));
    web_html_lit(h, "</label><input id=\"code\" name=\"code\" "
                    "autocomplete=\"one-time-code\" inputmode=\"numeric\" "
                    "maxlength=\"32\" required>\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_VERIFY));
    web_html_lit(h, "</button>\n</form>\n");
}

static void code_page(struct web_req *r, const struct web_agent *ag,
                      int status, bool failed)
{
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, NULL, web_at(r->lang, A_2FA_TITLE));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_2FA_TITLE));
    web_html_lit(&h, "</h1>\n");
    if (failed) {
        web_html_lit(&h, "<p class=\"error\" role=\"alert\">");
        web_html_text(&h, web_at(r->lang, A_SIGNIN_FAILED));
        web_html_lit(&h, "</p>\n");
    }
    code_form(r, &h, ag, "/agent/2fa");
    web_agent_layout_end(r, &h);
    web_resp_html(r, status, &h);
    web_html_deinit(&h);
}

void web_agent_2fa_form(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin_2fa(r, false);
    if (ag == NULL)
        return;
    if (ag->sess.stage == HD_SESSION_FULL) {
        web_resp_redirect(r, 303, "/agent/");
        return;
    }
    code_page(r, ag, 200, false);
}

/* Checks a typed TOTP code against the stored secret; on success stores
 * the step (no replay).  1 ok / 0 wrong / -1 error. */
static int check_totp(struct web_req *r, int64_t user_id,
                      const struct hd_user_totp *t, const char *code,
                      bool enable, struct hd_error *err)
{
    uint8_t key[HD_TOTP_SECRET_MAX];
    size_t klen = 0;
    if (hd_totp_secret_decode(t->secret, key, &klen, err) < 0)
        return -1;
    struct hd_totp_params p = HD_TOTP_PARAMS_DEFAULT;
    int64_t step = 0;
    int ok = hd_totp_verify(&p, key, klen, code, hd_clock_now(),
                            t->last_step, &step);
    hd_memzero_explicit(key, sizeof key);
    (void)r;
    if (ok != 1)
        return 0;
    int rc = enable ? hd_store_totp_enable(r->st, user_id, step, err)
                    : hd_store_totp_set_step(r->st, user_id, step, err);
    return rc < 0 ? -1 : 1;
}

/* A recovery code: consumed when it matches.  1 / 0 / -1. */
static int check_recovery(struct web_req *r, int64_t user_id,
                          const char *code, struct hd_error *err)
{
    char(*hs)[HD_SHA256_HEX_SIZE] = NULL;
    size_t n = 0;
    if (hd_store_recovery_list(r->st, user_id, r->a, &hs, &n, err) < 0)
        return -1;
    char(*orig)[HD_SHA256_HEX_SIZE] = hd_arena_alloc(r->a, n * sizeof *hs + 1);
    memcpy(orig, hs, n * sizeof *hs);
    int i = hd_recovery_code_consume(hs, n, code);
    if (i < 0)
        return 0;
    return hd_store_recovery_use(r->st, user_id, orig[i], err) < 0 ? -1 : 1;
}

static bool lockout_open(struct web_req *r, const struct web_agent *ag)
{
    struct hd_lockout_policy p = HD_LOCKOUT_POLICY_DEFAULT;
    p.max_failures = (int)hd_config_get_int(r->app->cfg,
                                            HD_CFG_AUTH_LOCKOUT_FAILURES);
    p.window_secs =
        hd_config_get_int(r->app->cfg, HD_CFG_AUTH_LOCKOUT_WINDOW_MINUTES) * 60;
    struct hd_lockout_state s;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_lockout_get(r->st, ag->user.email, &s, &err) < 0)
        return false;
    int64_t now = hd_clock_now();
    if (hd_lockout_locked(&p, &s, now, NULL))
        return false;
    return true;
}

static void code_failed(struct web_req *r, const struct web_agent *ag)
{
    struct hd_lockout_policy p = HD_LOCKOUT_POLICY_DEFAULT;
    p.max_failures = (int)hd_config_get_int(r->app->cfg,
                                            HD_CFG_AUTH_LOCKOUT_FAILURES);
    p.window_secs =
        hd_config_get_int(r->app->cfg, HD_CFG_AUTH_LOCKOUT_WINDOW_MINUTES) * 60;
    struct hd_lockout_state s;
    struct hd_error err = HD_ERROR_INIT;
    web_agent_security(r, "2fa_failed", ag->user.id, ag->user.email, NULL);
    if (hd_store_lockout_get(r->st, ag->user.email, &s, &err) < 0)
        return;
    if (hd_lockout_fail(&p, &s, hd_clock_now()))
        web_agent_security(r, "lockout", ag->user.id, ag->user.email, "2fa");
    if (hd_store_lockout_put(r->st, ag->user.email, &s, &err) < 0)
        hd_err("web", "lockout", "error=\"%s\"", err.msg);
}

/* The second factor was right: a new session at full privilege. */
static void promote(struct web_req *r, const struct web_agent *ag,
                    const char *how, const char *next)
{
    struct hd_error err = HD_ERROR_INIT;
    if (web_agent_session_start(r, ag->user.id, HD_SESSION_FULL, &err) < 0 ||
        hd_store_user_touch(r->st, ag->user.id, true, hd_clock_now(),
                            &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    web_agent_security(r, "signin", ag->user.id, ag->user.email, how);
    if (next != NULL)
        web_resp_redirect(r, 303, next);
}

void web_agent_2fa(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin_2fa(r, true);
    if (ag == NULL)
        return;
    const char *code = web_form_field(r, "code");
    struct hd_user_totp t;
    struct hd_error err = HD_ERROR_INIT;
    int found = hd_store_totp_get(r->st, ag->user.id, r->a, &t, &err);
    if (found < 0) {
        web_agent_fail(r, &err);
        return;
    }
    if (found == 0 || !t.enabled || code == NULL ||
        strlen(code) > WEB_CODE_MAX || !lockout_open(r, ag)) {
        code_failed(r, ag);
        code_page(r, ag, 401, true);
        return;
    }
    int ok = check_totp(r, ag->user.id, &t, code, false, &err);
    const char *how = "totp";
    if (ok == 0) {
        ok = check_recovery(r, ag->user.id, code, &err);
        how = "recovery_code";
    }
    if (ok < 0) {
        web_agent_fail(r, &err);
        return;
    }
    if (ok == 0) {
        code_failed(r, ag);
        code_page(r, ag, 401, true);
        return;
    }
    promote(r, ag, how, "/agent/");
}

/* ---- enrolment ------------------------------------------------------ */

/* The user's pending (not yet enabled) secret, created when missing.
 * NULL with err, or with err unset when the user already has 2FA. */
static const char *pending_secret(struct web_req *r,
                                  const struct web_agent *ag,
                                  struct hd_error *err)
{
    struct hd_user_totp t;
    int found = hd_store_totp_get(r->st, ag->user.id, r->a, &t, err);
    if (found < 0 || (found == 1 && t.enabled))
        return NULL;
    if (found == 1)
        return t.secret;
    char s[HD_TOTP_SECRET_B32_SIZE];
    hd_totp_secret_new(s);
    if (hd_store_totp_put(r->st, ag->user.id, s, err) < 0)
        return NULL;
    return hd_arena_strdup(r->a, s);
}

void web_agent_enrol_form(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin_2fa(r, false);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    const char *secret = pending_secret(r, ag, &err);
    if (secret == NULL) {
        if (err.code != 0)
            web_agent_fail(r, &err);
        else
            web_resp_redirect(r, 303, "/agent/2fa");
        return;
    }
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, NULL, web_at(r->lang, A_ENROL_TITLE));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_ENROL_TITLE));
    web_html_lit(&h, "</h1>\n<p>");
    web_html_text(&h, web_at(r->lang, A_ENROL_TEXT));
    web_html_lit(&h, "</p>\n<img class=\"qr\" src=\"/agent/2fa/qr.svg\" "
                     "width=\"240\" height=\"240\" alt=\"");
    web_html_text(&h, web_at(r->lang, A_QR_ALT));
    web_html_lit(&h, "\">\n<p>");
    web_html_text(&h, web_at(r->lang, A_ENROL_SECRET));
    /* in groups of 4, as authenticator apps accept it typed */
    web_html_lit(&h, ": <code id=\"secret\" class=\"totp-key\">");
    for (size_t i = 0; secret[i] != '\0'; i += 4) {
        if (i > 0)
            web_html_lit(&h, " ");
        web_html_textn(&h, secret + i, strnlen(secret + i, 4));
    }
    web_html_lit(&h, "</code></p>\n");
    code_form(r, &h, ag, "/agent/2fa/enrol");
    web_agent_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}

void web_agent_enrol_qr(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin_2fa(r, false);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    const char *secret = pending_secret(r, ag, &err);
    if (secret == NULL) {
        web_error_page(r, err.code != 0 ? 500 : 404);
        return;
    }
    struct hd_buf uri, svg;
    hd_buf_init(&uri, HD_TOTP_URI_MAX);
    hd_buf_init(&svg, HD_QR_SVG_MAX);
    struct hd_totp_params p = HD_TOTP_PARAMS_DEFAULT;
    if (hd_totp_uri(hd_config_instance_name(r->app->cfg, r->lang),
                    ag->user.email, secret, &p, &uri, &err) < 0 ||
        hd_qr_svg(hd_buf_cstr(&uri), &svg, &err) < 0) {
        web_agent_fail(r, &err);
    } else {
        web_resp_data(r, 200, "image/svg+xml",
                      hd_arena_strndup(r->a, hd_buf_cstr(&svg), svg.len),
                      svg.len, true);
        web_resp_header(r, "Cache-Control", "no-store");
    }
    if (uri.data != NULL)
        hd_memzero_explicit(uri.data, uri.len);
    hd_buf_deinit(&uri);
    hd_buf_deinit(&svg);
}

static void recovery_page(struct web_req *r, const struct web_agent *ag,
                          char codes[][HD_RECOVERY_CODE_SIZE], size_t n)
{
    (void)ag;
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, NULL, web_at(r->lang, A_RECOVERY_TITLE));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_RECOVERY_TITLE));
    web_html_lit(&h, "</h1>\n<p>");
    web_html_text(&h, web_at(r->lang, A_RECOVERY_TEXT));
    web_html_lit(&h, "</p>\n<ul class=\"recovery codes\" id=\"codes\">\n");
    for (size_t i = 0; i < n; i++) {
        web_html_lit(&h, "<li><code>");
        web_html_text(&h, codes[i]);
        web_html_lit(&h, "</code></li>\n");
    }
    /* kept as a file (a data: link, nothing stored on the server) or
     * copied (the button appears with JavaScript) */
    web_html_lit(&h, "</ul>\n<p class=\"code-actions\"><a id=\"codes-file\" "
                     "download=\"recovery-codes.txt\" "
                     "href=\"data:text/plain;charset=utf-8,");
    for (size_t i = 0; i < n; i++) {
        web_html_urlq(&h, codes[i]);
        web_html_lit(&h, "%0A");
    }
    web_html_lit(&h, "\">");
    web_html_text(&h, web_at(r->lang, A_DOWNLOAD));
    web_html_lit(&h, "</a> <button type=\"button\" id=\"codes-copy\" "
                     "hidden>");
    web_html_text(&h, web_at(r->lang, A_COPY));
    web_html_lit(&h, "</button></p>\n<p><a class=\"button\" href=\"/agent/\">");
    web_html_text(&h, web_at(r->lang, A_CONTINUE));
    web_html_lit(&h, "</a></p>\n");
    web_agent_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_resp_header(r, "Cache-Control", "no-store");
    web_html_deinit(&h);
}

void web_agent_enrol(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin_2fa(r, true);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_user_totp t;
    int found = hd_store_totp_get(r->st, ag->user.id, r->a, &t, &err);
    const char *code = web_form_field(r, "code");
    if (found < 0) {
        web_agent_fail(r, &err);
        return;
    }
    if (found == 0 || t.enabled || code == NULL ||
        strlen(code) > WEB_CODE_MAX || !lockout_open(r, ag)) {
        code_failed(r, ag);
        web_resp_redirect(r, 303, "/agent/2fa/enrol");
        return;
    }
    int ok = check_totp(r, ag->user.id, &t, code, true, &err);
    if (ok <= 0) {
        if (ok < 0)
            web_agent_fail(r, &err);
        else {
            code_failed(r, ag);
            web_resp_redirect(r, 303, "/agent/2fa/enrol");
        }
        return;
    }
    char codes[HD_RECOVERY_CODES_DEFAULT][HD_RECOVERY_CODE_SIZE];
    char hashes[HD_RECOVERY_CODES_DEFAULT][HD_SHA256_HEX_SIZE];
    hd_recovery_codes_new(HD_RECOVERY_CODES_DEFAULT, codes, hashes);
    if (hd_store_recovery_set(r->st, ag->user.id, hashes,
                              HD_RECOVERY_CODES_DEFAULT, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    web_agent_security(r, "2fa_enabled", ag->user.id, ag->user.email, NULL);
    promote(r, ag, "totp_enrolled", NULL);
    recovery_page(r, ag, codes, HD_RECOVERY_CODES_DEFAULT);
    hd_memzero_explicit(codes, sizeof codes);
}
