/* api_token.h - API bearer tokens: scopes, the owner-role ceiling,
 * creation and the check made on every request.  Tokens are
 * hd_token_new() strings; only their SHA-256 is stored (store_api.h).
 *
 * A scope never exceeds what the owner's role allows (viewer: read;
 * agent: read, write; admin: everything).  The ceiling is applied when a
 * token is made and again on every use, so demoting a user demotes their
 * tokens at once. */
#ifndef HD_API_TOKEN_H
#define HD_API_TOKEN_H

#include "store_api.h"

#define HD_API_EXPIRES_DAYS_MAX 3650
#define HD_API_TOUCH_SECS 60 /* last-use time is written at most this often */

enum hd_api_scope { HD_SCOPE_NONE, HD_SCOPE_READ, HD_SCOPE_WRITE,
                    HD_SCOPE_ADMIN };

/* "read"/"write"/"admin" to the enum: 0, or -1 with HD_E_INVAL. */
HD_NODISCARD int hd_api_scope_parse(const char *s, enum hd_api_scope *r,
                                    struct hd_error *err);
const char *hd_api_scope_name(enum hd_api_scope s);
/* The highest scope a role may hold (HD_SCOPE_NONE for unknown roles). */
enum hd_api_scope hd_api_role_ceiling(const char *role);

/* What a new token is. */
struct hd_api_token_spec {
    const char *email;     /* owner */
    const char *scope;     /* "read", "write", "admin" */
    int expires_days;      /* 0: never */
    const char *allow_ips; /* CIDR list or NULL */
};

/* Creates a token for an existing, enabled user within the role ceiling
 * (HD_E_PERM above it, HD_E_NOTFOUND unknown user, HD_E_PARSE bad CIDR).
 * token_r gets the text to show once; *id_r the row id. */
HD_NODISCARD int hd_api_token_create(struct hd_store *st,
                                     const struct hd_api_token_spec *spec,
                                     char token_r[44], int64_t *id_r,
                                     struct hd_error *err);

enum hd_api_verdict {
    HD_API_OK,
    HD_API_UNKNOWN,  /* no such token */
    HD_API_REVOKED,
    HD_API_EXPIRED,
    HD_API_DISABLED, /* owner disabled, or role allows nothing */
    HD_API_IP,       /* address not in the token's allow-list */
};

/* Why a verdict refuses, for logs and error bodies ("expired", ...). */
const char *hd_api_verdict_name(enum hd_api_verdict v);

/* Looks up the token text and judges it for a request from ip at now.
 * Returns 0 with *verdict_r (and *t_r filled unless UNKNOWN; t_r->scope
 * already lowered to the owner's role ceiling), -1 on database error. */
HD_NODISCARD int hd_api_token_check(struct hd_store *st, const char *token,
                                    const char *ip, int64_t now,
                                    struct hd_arena *a,
                                    struct hd_api_token *t_r,
                                    enum hd_api_verdict *verdict_r,
                                    struct hd_error *err);

#endif
