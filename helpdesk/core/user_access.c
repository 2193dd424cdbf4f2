/* user_access.c - on call and per-user IP allow-lists, audited
 * (user_access.h). */
#include "user_access.h"

#include "audit.h"
#include "cidr.h"
#include "store_agent.h"

#include <jansson.h>
#include <string.h>

int hd_user_allow_ips_check(const char *cidrs, struct hd_error *err)
{
    struct hd_cidr_list l;
    if (strlen(cidrs) > HD_ALLOW_IPS_MAX) {
        hd_error_set(err, HD_E_INVAL, "not a CIDR list of at most %d bytes",
                     HD_ALLOW_IPS_MAX);
        return -1;
    }
    if (cidrs[0] != '\0' && hd_cidr_list_parse(cidrs, &l, err) < 0)
        return -1;
    return 0;
}

/* The audit row of who for u in a. */
static struct hd_audit_entry entry(struct hd_arena *a,
                                   const struct hd_user *u,
                                   const struct hd_audit_entry *who,
                                   const char *action, const char *before,
                                   const char *after)
{
    struct hd_audit_entry e = {
        .actor = who->actor,
        .source = who->source,
        .ip = who->ip,
        .request_id = who->request_id,
        .object = hd_arena_printf(a, "user:%lld (%s)", (long long)u->id,
                                  u->email),
        .action = action,
        .before_json = before,
        .after_json = after,
    };
    return e;
}

int hd_user_set_on_call(struct hd_store *st, struct hd_arena *a,
                        const struct hd_user *u, bool on,
                        const struct hd_audit_entry *who,
                        struct hd_error *err)
{
    if (u->disabled && on) {
        hd_error_set(err, HD_E_INVAL, "%s is disabled", u->email);
        return -1;
    }
    struct hd_audit_entry e =
        entry(a, u, who, "user.oncall",
              u->on_call ? "{\"on_call\":true}" : "{\"on_call\":false}",
              on ? "{\"on_call\":true}" : "{\"on_call\":false}");
    if (hd_store_begin(st, err) < 0)
        return -1;
    if (hd_store_user_set_on_call(st, u->id, on, err) < 0 ||
        hd_audit_append(st, &e, a, err) < 0 || hd_store_commit(st, err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    return 0;
}

int hd_user_set_allow_ips(struct hd_store *st, struct hd_arena *a,
                          const struct hd_user *u, const char *cidrs,
                          const struct hd_audit_entry *who,
                          struct hd_error *err)
{
    if (hd_user_allow_ips_check(cidrs, err) < 0)
        return -1;
    if (hd_store_begin(st, err) < 0)
        return -1;
    char *old = NULL;
    if (hd_store_user_ips_get(st, u->id, a, &old, err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    struct hd_audit_entry e = entry(
        a, u, who, "user.allow_ips",
        hd_audit_json(a, json_pack("{s:s}", "allow_ips", old)),
        hd_audit_json(a, json_pack("{s:s}", "allow_ips", cidrs)));
    if (hd_store_user_ips_set(st, u->id, cidrs, err) < 0 ||
        hd_audit_append(st, &e, a, err) < 0 || hd_store_commit(st, err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    return 0;
}
