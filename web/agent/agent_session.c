/* agent_session.c - who is signed in: the session cookie, its timeouts,
 * the CSRF token bound to it, roles, IP allow-lists and the security log
 * lines the agents' pages write.  Every /agent/ handler begins with
 * web_agent_begin() (or _begin_2fa for the second-factor pages). */
#include "agent_session.h"

#include "agent_i18n.h"
#include "agent_memo.h"
#include "agent_sessmemo.h"
#include "audit.h"
#include "cidr.h"
#include "clock.h"
#include "log.h"

#include <string.h>

#define WEB_TOUCH_SECS 60 /* least time between two activity writes */

enum web_role web_role_of(const char *name)
{
    if (name != NULL && strcmp(name, "admin") == 0)
        return WEB_ROLE_ADMIN;
    if (name != NULL && strcmp(name, "agent") == 0)
        return WEB_ROLE_AGENT;
    return WEB_ROLE_VIEWER;
}

void web_agent_fail(struct web_req *r, const struct hd_error *err)
{
    hd_err("web", "agent_store", "error=\"%s\"", err->msg);
    web_fail_page(r, err);
}

const char *web_agent_ip(struct web_req *r)
{
    return r->client_ip;
}

/* The configured list of u's role and u's own list (own: its text, NULL
 * to read it from the store) both allow ip. */
static bool ip_allowed(struct web_req *r, const struct hd_user *u,
                       const char *own, const char *ip)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_cidr_list l;
    enum web_role role = web_role_of(u->role);
    enum hd_cfg_key key = role == WEB_ROLE_ADMIN ? HD_CFG_AUTH_ALLOW_IPS_ADMIN
                          : role == WEB_ROLE_AGENT
                              ? HD_CFG_AUTH_ALLOW_IPS_AGENT
                              : HD_CFG_AUTH_ALLOW_IPS_VIEWER;
    const struct hd_cidr_list *cfg_l =
        web_memo_cidr_list(hd_config_get(r->app->cfg, key), &l, &err);
    if (cfg_l == NULL) {
        hd_err("web", "allow_ips", "key=%s error=\"%s\"",
               hd_config_key_name(key), err.msg);
        return false; /* a broken list fails closed */
    }
    if (!hd_cidr_match(cfg_l, ip))
        return false;
    char *text = NULL;
    if (own == NULL &&
        hd_store_user_ips_get(r->st, u->id, r->a, &text, &err) < 0)
        return false;
    if (own == NULL)
        own = text;
    if (*own == '\0')
        return true; /* no list of its own */
    return hd_cidr_list_parse(own, &l, &err) == 0 && hd_cidr_match(&l, ip);
}

bool web_agent_ip_allowed(struct web_req *r, const struct hd_user *u,
                          const char *ip)
{
    return ip_allowed(r, u, NULL, ip);
}

void web_agent_security(struct web_req *r, const char *kind, int64_t user_id,
                        const char *subject, const char *detail)
{
    struct hd_security_event ev = {
        .kind = kind,
        .user_id = user_id,
        .subject = subject,
        .ip = web_agent_ip(r),
        .detail = hd_arena_printf(r->a, "request_id=%s%s%s", r->request_id,
                                  detail ? " " : "", detail ? detail : ""),
    };
    struct hd_error err = HD_ERROR_INIT;
    if (hd_security_log_append(r->st, &ev, &err) < 0)
        hd_err("web", "security_log", "kind=%s error=\"%s\"", kind, err.msg);
    char safe[121];
    hd_info("web", "security", "kind=%s user=%lld ip=%s subject=\"%s\"", kind,
            (long long)user_id, ev.ip,
            hd_log_printable(subject ? subject : "", safe, 120));
}

bool web_agent_2fa_required(struct web_req *r, const char *role)
{
    const char *list =
        hd_config_get(r->app->cfg, HD_CFG_AUTH_REQUIRE_2FA_ROLES);
    size_t rl = strlen(role);
    for (const char *p = list; *p != '\0';) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *e = p;
        while (*e != '\0' && *e != ' ' && *e != ',')
            e++;
        if ((size_t)(e - p) == rl && memcmp(p, role, rl) == 0)
            return true;
        p = e;
    }
    return false;
}

static const char *cookie_attrs(struct web_req *r)
{
    return r->https ? "; Path=/agent; HttpOnly; SameSite=Strict; Secure"
                  : "; Path=/agent; HttpOnly; SameSite=Strict";
}

/* The hash of the cookie's token, or NULL when there is none. */
static const char *cookie_hash(struct web_req *r)
{
    const char *tok = web_req_cookie(r, WEB_AGENT_COOKIE);
    if (tok == NULL || strlen(tok) != HD_TOKEN_SIZE - 1)
        return NULL;
    char *h = hd_arena_alloc(r->a, HD_SHA256_HEX_SIZE);
    hd_token_hash(tok, h);
    return h;
}

void web_agent_session_end(struct web_req *r)
{
    const char *h = cookie_hash(r);
    struct hd_error err = HD_ERROR_INIT;
    if (h != NULL && hd_store_session_delete(r->st, h, &err) < 0)
        hd_err("web", "session_end", "error=\"%s\"", err.msg);
    web_resp_header(r, "Set-Cookie",
                    hd_arena_printf(r->a, WEB_AGENT_COOKIE "=; Max-Age=0%s",
                                    cookie_attrs(r)));
}

int web_agent_session_start(struct web_req *r, int64_t user_id,
                            enum hd_session_stage stage, struct hd_error *err)
{
    const char *old = cookie_hash(r);
    if (old != NULL && hd_store_session_delete(r->st, old, err) < 0)
        return -1;
    char tok[HD_TOKEN_SIZE], h[HD_SHA256_HEX_SIZE];
    hd_token_new(tok);
    hd_token_hash(tok, h);
    struct hd_agent_session s = {
        .id_hash = h,
        .user_id = user_id,
        .stage = stage,
        .created_at = hd_clock_now(),
    };
    int rc = hd_store_session_add(r->st, &s, web_agent_ip(r), err);
    if (rc == 0)
        web_resp_header(r, "Set-Cookie",
                        hd_arena_printf(r->a, WEB_AGENT_COOKIE "=%s%s", tok,
                                        cookie_attrs(r)));
    hd_memzero_explicit(tok, sizeof tok);
    return rc;
}

/* Sends the browser to the sign-in page (GET) or refuses (POST). */
static struct web_agent *refuse(struct web_req *r, bool post, int status)
{
    if (post || status == 403) {
        if (r->error_why == NULL)
            r->error_why = web_at(r->lang, A_WHY_CSRF);
        web_error_page(r, 403);
    }
    else
        web_resp_redirect(r, 303, "/agent/login");
    return NULL;
}

/* Reads the session, its user, the user's own allow-list and grants into
 * ag; 1 found, 0 refused (response written), -1 failure (written). */
static int load_stored(struct web_req *r, bool post, const char *h,
                       struct web_agent *ag)
{
    struct hd_error err = HD_ERROR_INIT;
    ag->queues = NULL; /* whatever a stale memo left */
    ag->nqueues = 0;
    int found = hd_store_session_get(r->st, h, r->a, &ag->sess, &err);
    if (found <= 0) {
        if (found < 0)
            web_agent_fail(r, &err);
        else
            refuse(r, post, 303);
        return found;
    }
    char *hash = NULL, *ips = NULL;
    found = hd_store_user_get(r->st, ag->sess.user_id, NULL, r->a, &ag->user,
                              &hash, &err);
    if (found < 0 ||
        hd_store_user_ips_get(r->st, ag->sess.user_id, r->a, &ips, &err) < 0) {
        web_agent_fail(r, &err);
        return -1;
    }
    if (found == 0)
        memset(&ag->user, 0, sizeof ag->user); /* id 0: the user is gone */
    ag->own_ips = ips;
    ag->role = web_role_of(found ? ag->user.role : NULL);
    if (found == 0 || ag->role == WEB_ROLE_ADMIN)
        return 1;
    int64_t *ids = hd_arena_alloc(r->a, WEB_AGENT_QUEUES_MAX * sizeof *ids);
    size_t n = 0;
    int rc = hd_store_user_queue_ids(r->st, ag->user.id, ids,
                                     WEB_AGENT_QUEUES_MAX, &n, &err);
    if (rc < 0) {
        web_agent_fail(r, &err);
        return -1;
    }
    ag->queues = rc == 1 ? ids : NULL; /* NULL: too many, ask the store */
    ag->nqueues = rc == 1 ? n : 0;
    return 1;
}

/* Loads the session and its user (from this thread's memo when it is
 * still good); NULL (response written) when there is no valid one. */
static struct web_agent *load(struct web_req *r, bool post)
{
    const char *h = cookie_hash(r);
    if (h == NULL)
        return refuse(r, post, 303);
    struct web_agent *ag = hd_arena_alloc(r->a, sizeof *ag);
    memset(ag, 0, sizeof *ag);
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_agent_generation(r->st, &ag->gen, &err) < 0) {
        web_agent_fail(r, &err);
        return NULL;
    }
    int64_t now = hd_clock_now();
    /* A memo whose activity is due to be written is not used: the idle
     * timeout is then checked on the table's own value. */
    bool memo = web_memo_session_get(h, ag->gen.auth, now, r->a, ag) &&
                now - ag->sess.last_seen_at < WEB_TOUCH_SECS;
    if (!memo && load_stored(r, post, h, ag) <= 0)
        return NULL;
    const struct hd_config *cfg = r->app->cfg;
    int64_t idle =
        hd_config_get_int(cfg, HD_CFG_AUTH_SESSION_IDLE_MINUTES) * 60;
    int64_t life = hd_config_get_int(cfg, HD_CFG_AUTH_SESSION_MAX_HOURS) * 3600;
    if (now - ag->sess.last_seen_at > idle || now - ag->sess.created_at > life) {
        web_agent_session_end(r);
        web_agent_security(r, "session_expired", ag->sess.user_id, NULL,
                           NULL);
        return refuse(r, post, 303);
    }
    if (ag->user.id == 0 || ag->user.disabled) {
        web_agent_session_end(r);
        return refuse(r, post, 303);
    }
    ag->role = web_role_of(ag->user.role);
    if (!memo)
        web_memo_session_put(ag, ag->gen.auth, now);
    web_memo_csrf(r->app->secret, ag->sess.id_hash, ag->csrf);
    return ag;
}

/* The checks after the session was found: address, CSRF, activity. */
static struct web_agent *admit(struct web_req *r, struct web_agent *ag,
                               bool post)
{
    const char *ip = web_agent_ip(r);
    if (!ip_allowed(r, &ag->user, ag->own_ips, ip)) {
        web_agent_security(r, "ip_denied", ag->user.id, ag->user.email,
                           r->path);
        return refuse(r, post, 403);
    }
    const char *tok = post ? web_form_field(r, "csrf") : NULL;
    if (post && (tok == NULL ||
                 !hd_token_equal(tok, ag->csrf))) { /* load() made it */
        web_agent_security(r, "csrf_refused", ag->user.id, ag->user.email,
                           r->path);
        return refuse(r, post, 403);
    }
    struct hd_error err = HD_ERROR_INIT;
    int64_t now = hd_clock_now();
    /* Activity is written at most every WEB_TOUCH_SECS a session: a write
     * per page view would queue every signed-in request on the database
     * write lock.  The idle timeout counts in minutes, so it may run up
     * to WEB_TOUCH_SECS late. */
    if (now - ag->sess.last_seen_at < WEB_TOUCH_SECS)
        return ag;
    if (hd_store_session_touch(r->st, ag->sess.id_hash, now, &err) < 0 ||
        hd_store_user_touch(r->st, ag->user.id, false, now, &err) < 0)
        hd_warn("web", "touch", "error=\"%s\"", err.msg);
    else
        web_memo_session_seen(ag->sess.id_hash, now);
    return ag;
}

struct web_agent *web_agent_begin(struct web_req *r, bool post,
                                  enum web_role min)
{
    struct web_agent *ag = load(r, post);
    if (ag == NULL)
        return NULL;
    if (ag->sess.stage != HD_SESSION_FULL) {
        if (post)
            return refuse(r, post, 403);
        web_resp_redirect(r, 303, "/agent/2fa");
        return NULL;
    }
    if (admit(r, ag, post) == NULL)
        return NULL;
    if (ag->role < min) {
        web_agent_security(r, "forbidden", ag->user.id, ag->user.email,
                           r->path);
        r->error_why = web_at(r->lang, A_WHY_ROLE);
        web_error_page(r, 403);
        return NULL;
    }
    return ag;
}

struct web_agent *web_agent_begin_2fa(struct web_req *r, bool post)
{
    struct web_agent *ag = load(r, post);
    return ag == NULL ? NULL : admit(r, ag, post);
}

struct hd_desk *web_agent_desk(struct web_req *r, const struct web_agent *ag)
{
    const struct hd_desk_who who = {
        .actor = hd_arena_printf(r->a, "user:%lld", (long long)ag->user.id),
        .source = "web",
        .user_id = ag->user.id,
        .ip = web_agent_ip(r),
        .request_id = r->request_id,
    };
    return hd_desk_new(r->app->inst, r->st, r->a, &who);
}

int web_agent_audit(struct web_req *r, const struct web_agent *ag,
                    const char *object, const char *action,
                    const char *before_json, const char *after_json,
                    struct hd_error *err)
{
    struct hd_audit_entry e = {
        .actor = hd_arena_printf(r->a, "user:%lld", (long long)ag->user.id),
        .source = "web",
        .ip = web_agent_ip(r),
        .request_id = r->request_id,
        .object = object,
        .action = action,
        .before_json = before_json,
        .after_json = after_json,
    };
    return hd_audit_append(r->st, &e, r->a, err);
}
