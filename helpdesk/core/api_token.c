/* api_token.c - see api_token.h. */
#include "api_token.h"

#include "auth.h"
#include "cidr.h"
#include "clock.h"

#include <stdlib.h>
#include <string.h>

static const char *const scope_names[] = {"none", "read", "write", "admin"};

int hd_api_scope_parse(const char *s, enum hd_api_scope *r,
                       struct hd_error *err)
{
    for (int i = HD_SCOPE_READ; i <= HD_SCOPE_ADMIN; i++)
        if (s != NULL && strcmp(s, scope_names[i]) == 0) {
            *r = (enum hd_api_scope)i;
            return 0;
        }
    hd_error_set(err, HD_E_INVAL, "scope '%.20s': expected read, write or "
                 "admin", s ? s : "");
    return -1;
}

const char *hd_api_scope_name(enum hd_api_scope s)
{
    hd_assert(s <= HD_SCOPE_ADMIN);
    return scope_names[s];
}

enum hd_api_scope hd_api_role_ceiling(const char *role)
{
    if (role == NULL)
        return HD_SCOPE_NONE;
    if (strcmp(role, "admin") == 0)
        return HD_SCOPE_ADMIN;
    if (strcmp(role, "agent") == 0)
        return HD_SCOPE_WRITE;
    if (strcmp(role, "viewer") == 0)
        return HD_SCOPE_READ;
    return HD_SCOPE_NONE;
}

int hd_api_token_create(struct hd_store *st,
                        const struct hd_api_token_spec *spec, char token_r[44],
                        int64_t *id_r, struct hd_error *err)
{
    enum hd_api_scope sc;
    struct hd_cidr_list *ips = hd_xcalloc(1, sizeof *ips);
    struct hd_arena *a = hd_arena_new();
    struct hd_user u;
    int ret = -1, found;
    if (hd_api_scope_parse(spec->scope, &sc, err) < 0 ||
        hd_cidr_list_parse(spec->allow_ips ? spec->allow_ips : "", ips,
                           err) < 0)
        goto out;
    if (spec->expires_days < 0 ||
        spec->expires_days > HD_API_EXPIRES_DAYS_MAX) {
        hd_error_set(err, HD_E_INVAL, "expiry of %d days: expected 0..%d",
                     spec->expires_days, HD_API_EXPIRES_DAYS_MAX);
        goto out;
    }
    if ((found = hd_store_user_get(st, 0, spec->email, a, &u, NULL, err)) <
        0)
        goto out;
    if (found == 0 || u.disabled) {
        hd_error_set(err, HD_E_NOTFOUND, "no enabled user %.100s",
                     spec->email);
        goto out;
    }
    if (sc > hd_api_role_ceiling(u.role)) {
        hd_error_set(err, HD_E_PERM, "a %s may hold at most %s tokens",
                     u.role, hd_api_scope_name(hd_api_role_ceiling(u.role)));
        goto out;
    }
    char hash[HD_SHA256_HEX_SIZE];
    hd_token_new(token_r);
    hd_token_hash(token_r, hash);
    int64_t exp = spec->expires_days > 0
                      ? hd_clock_now() + (int64_t)spec->expires_days * 86400
                      : 0;
    ret = hd_store_api_token_add(st, u.id, hash, hd_api_scope_name(sc),
                                 spec->allow_ips, exp, id_r, err);
out:
    free(ips);
    hd_arena_free(&a);
    return ret;
}

const char *hd_api_verdict_name(enum hd_api_verdict v)
{
    switch (v) {
    case HD_API_OK: return "ok";
    case HD_API_UNKNOWN: return "unknown";
    case HD_API_REVOKED: return "revoked";
    case HD_API_EXPIRED: return "expired";
    case HD_API_DISABLED: return "disabled";
    case HD_API_IP: return "ip_denied";
    }
    return "?";
}

static enum hd_api_verdict judge(struct hd_api_token *t, const char *ip,
                                 int64_t now)
{
    if (t->revoked_at != 0)
        return HD_API_REVOKED;
    if (t->expires_at != 0 && now >= t->expires_at)
        return HD_API_EXPIRED;
    enum hd_api_scope sc = HD_SCOPE_NONE, ceil = hd_api_role_ceiling(
                                              t->user_role);
    if (t->user_disabled || ceil == HD_SCOPE_NONE ||
        hd_api_scope_parse(t->scope, &sc, NULL) < 0)
        return HD_API_DISABLED;
    if (sc > ceil)
        t->scope = hd_api_scope_name(ceil);
    struct hd_cidr_list *ips = hd_xcalloc(1, sizeof *ips);
    bool ok = hd_cidr_list_parse(t->allow_ips, ips, NULL) == 0 &&
              hd_cidr_match(ips, ip);
    free(ips);
    return ok ? HD_API_OK : HD_API_IP;
}

int hd_api_token_check(struct hd_store *st, const char *token, const char *ip,
                       int64_t now, struct hd_arena *a,
                       struct hd_api_token *t_r,
                       enum hd_api_verdict *verdict_r, struct hd_error *err)
{
    char hash[HD_SHA256_HEX_SIZE];
    *verdict_r = HD_API_UNKNOWN;
    if (token == NULL || strlen(token) != HD_TOKEN_SIZE - 1)
        return 0;
    hd_token_hash(token, hash);
    int found = hd_store_api_token_find(st, hash, a, t_r, err);
    if (found < 0)
        return -1;
    if (found == 1)
        *verdict_r = judge(t_r, ip, now);
    return 0;
}
