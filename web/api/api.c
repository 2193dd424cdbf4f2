/* api.c - what every /api/v1 handler goes through: bearer-token
 * authentication (scope, expiry, revocation, IP allow-list, per-token
 * rate limit, security log), JSON request bodies, audit rows,
 * Idempotency-Key replay and queue visibility. */
#include "api.h"

#include "audit.h"
#include "clock.h"
#include "log.h"
#include "ratelimit.h"
#include "store_api.h"

#include <string.h>
#include <unistr.h>

/* Records a token use or refusal; a failure here is logged, not fatal. */
static void security(struct web_req *r, const char *kind, int64_t user_id,
                     const char *subject, const char *detail)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_security_event ev = {.kind = kind, .user_id = user_id,
                                   .subject = subject, .ip = r->client_ip,
                                   .detail = detail};
    if (hd_security_log_append(r->st, &ev, &err) < 0)
        hd_warn("api", "security_log", "error=\"%s\"", err.msg);
}

/* Writes the last use (time, address) at most every HD_API_TOUCH_SECS
 * per token and address, so reads stay reads under load. */
static void touch(struct web_req *r, const struct hd_api_token *t,
                  int64_t now)
{
    if (t->last_used_at > now - HD_API_TOUCH_SECS && t->last_used_ip &&
        strcmp(t->last_used_ip, r->client_ip) == 0)
        return;
    struct hd_error err = HD_ERROR_INIT;
    const char *subj = hd_arena_printf(r->a, "token:%lld", (long long)t->id);
    if (hd_store_begin(r->st, &err) < 0)
        goto fail;
    if (hd_store_api_token_touch(r->st, t->id, now, r->client_ip, &err) < 0) {
        hd_store_rollback(r->st);
        goto fail;
    }
    security(r, "api_token_use", t->user_id, subj, r->path);
    if (hd_store_commit(r->st, &err) == 0)
        return;
fail:
    hd_warn("api", "token_touch", "error=\"%s\"", err.msg);
}

static const char *bearer(struct web_req *r)
{
    const char *h = web_req_header(r, "Authorization");
    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

static bool refuse(struct web_req *r, int status, const char *code,
                   const char *msg, int64_t user_id, const char *subj)
{
    security(r, "api_token_denied", user_id, subj, code);
    if (status == 401)
        web_resp_header(r, "WWW-Authenticate", "Bearer realm=\"api\"");
    web_api_error(r, status, code, "%s", msg);
    return false;
}

bool web_api_auth(struct web_req *r, enum hd_api_scope need,
                  struct web_api_caller *c)
{
    struct hd_error err = HD_ERROR_INIT;
    enum hd_api_verdict v;
    int64_t now = hd_clock_now();
    memset(c, 0, sizeof *c);
    const char *tok = bearer(r);
    if (tok == NULL)
        return refuse(r, 401, "unauthorized", "Authorization: Bearer TOKEN "
                      "is required", 0, "");
    if (hd_api_token_check(r->st, tok, r->client_ip, now, r->a, &c->tok, &v,
                           &err) < 0) {
        web_api_fail(r, &err);
        return false;
    }
    const char *subj = v == HD_API_UNKNOWN ? "" : hd_arena_printf(
        r->a, "token:%lld", (long long)c->tok.id);
    switch (v) {
    case HD_API_OK: break;
    case HD_API_IP:
        return refuse(r, 403, "ip_denied", "this token may not be used "
                      "from your address", c->tok.user_id, subj);
    default:
        return refuse(r, 401, hd_api_verdict_name(v), "token is not valid",
                      c->tok.user_id, subj);
    }
    hd_assert(hd_api_scope_parse(c->tok.scope, &c->scope, NULL) == 0);
    if (c->scope < need)
        return refuse(r, 403, "insufficient_scope", hd_arena_printf(
            r->a, "this needs a %s token", hd_api_scope_name(need)),
            c->tok.user_id, subj);
    long rate =
        hd_config_get_int(r->app->cfg, HD_CFG_API_RATE_LIMIT_PER_MINUTE);
    int wait = web_rate_take_key(subj, rate);
    if (wait > 0) {
        web_resp_header(r, "Retry-After", hd_arena_printf(r->a, "%d", wait));
        web_api_error(r, 429, "rate_limited", "too many requests for this "
                      "token; retry in %d s", wait);
        return false;
    }
    c->admin = strcmp(c->tok.user_role, "admin") == 0;
    c->actor = hd_arena_printf(r->a, "api:%lld", (long long)c->tok.id);
    touch(r, &c->tok, now);
    return true;
}

static bool is_json_type(const char *ct)
{
    if (ct == NULL)
        return false;
    size_t n = strcspn(ct, ";");
    while (n > 0 && ct[n - 1] == ' ')
        n--;
    return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

json_t *web_api_body(struct web_req *r)
{
    if (!is_json_type(web_req_header(r, "Content-Type"))) {
        web_api_error(r, 415, "unsupported_media_type",
                      "send Content-Type: application/json");
        return NULL;
    }
    if (r->body_len > WEB_API_BODY_MAX) {
        web_api_error(r, 413, "too_large", "body is %zu bytes, max %d",
                      r->body_len, WEB_API_BODY_MAX);
        return NULL;
    }
    if (u8_check((const uint8_t *)r->body, r->body_len) != NULL) {
        web_api_error(r, 400, "invalid_utf8", "the body is not valid UTF-8");
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        web_api_error(r, 400, "invalid_json", "line %d column %d: %s",
                      je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        web_api_error(r, 422, "invalid", "the body must be a JSON object");
        return NULL;
    }
    return j;
}

struct hd_desk *web_api_desk(struct web_req *r, const struct web_api_caller *c)
{
    const struct hd_desk_who who = {
        .actor = c->actor, .source = "api", .user_id = c->tok.user_id,
        .ip = r->client_ip, .request_id = r->request_id,
    };
    return hd_desk_new(r->app->inst, r->st, r->a, &who);
}

int web_api_audit(struct web_req *r, const struct web_api_caller *c,
                  const char *object, const char *action, json_t *after,
                  struct hd_error *err)
{
    char *aj = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS)
                     : NULL;
    struct hd_audit_entry e = {
        .actor = c->actor, .source = "api", .ip = r->client_ip,
        .request_id = r->request_id, .object = object, .action = action,
        .after_json = aj ? hd_arena_strdup(r->a, aj) : NULL,
    };
    free(aj);
    return hd_audit_append(r->st, &e, r->a, err);
}

bool web_api_idem_replay(struct web_req *r, const struct web_api_caller *c,
                         const char **key_r)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *key = web_req_header(r, "Idempotency-Key");
    *key_r = NULL;
    if (key == NULL)
        return false;
    if (*key == '\0' || strlen(key) > WEB_API_IDEM_KEY_MAX) {
        web_api_error(r, 400, "bad_idempotency_key", "Idempotency-Key must "
                      "be 1..%d characters", WEB_API_IDEM_KEY_MAX);
        return true;
    }
    int status;
    char *body;
    int found = hd_store_api_idem_get(r->st, c->tok.id, key,
                                      hd_clock_now() - WEB_API_IDEM_SECS,
                                      r->a, &status, &body, &err);
    if (found < 0) {
        web_api_fail(r, &err);
        return true;
    }
    if (found == 0) {
        *key_r = hd_arena_strdup(r->a, key);
        return false;
    }
    web_resp_data(r, status, "application/json; charset=utf-8", body,
                  strlen(body), true);
    web_resp_header(r, "Idempotent-Replayed", "true");
    return true;
}

int web_api_idem_store(struct web_req *r, const struct web_api_caller *c,
                       const char *key, struct hd_error *err)
{
    if (key == NULL || r->status < 200 || r->status > 299)
        return 0;
    int64_t now = hd_clock_now();
    return hd_store_api_idem_put(r->st, c->tok.id, key, r->status,
                                 r->resp_body, now, now - WEB_API_IDEM_SECS,
                                 err);
}

bool web_api_queue_ok(struct web_req *r, const struct web_api_caller *c,
                      int64_t queue_id)
{
    struct hd_error err = HD_ERROR_INIT;
    if (c->admin)
        return true;
    if (queue_id == 0)
        return false;
    return hd_store_user_has_queue(r->st, c->tok.user_id, queue_id, &err) ==
           1;
}
