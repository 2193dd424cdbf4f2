/* json.c - the only JSON writer of helpdesk-web: responses, the error
 * body every API refusal uses, ETags, times and query-string encoding. */
#include "api.h"

#include "clock.h"
#include "crypt.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WEB_ETAG_HEX 32 /* first 128 bits of the body's SHA-256 */

bool web_json_etag_matches(const char *inm, const char *etag)
{
    return inm != NULL && (strcmp(inm, "*") == 0 || strstr(inm, etag));
}

const char *web_json_etag(struct hd_arena *a, const char *body, size_t n)
{
    char hex[HD_SHA256_HEX_SIZE];
    hd_sha256_hex(body, n, hex);
    return hd_arena_printf(a, "\"%.*s\"", WEB_ETAG_HEX, hex);
}

void web_resp_json(struct web_req *r, int status, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    hd_assert(text != NULL); /* only allocation failure: aborts elsewhere */
    size_t n = strlen(text);
    char *body = hd_arena_alloc(r->a, n + 2);
    memcpy(body, text, n);
    body[n++] = '\n';
    body[n] = '\0';
    free(text);
    bool get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    if (get && status == 200) {
        const char *etag = web_json_etag(r->a, body, n);
        web_resp_header(r, "ETag", etag);
        if (web_json_etag_matches(web_req_header(r, "If-None-Match"), etag)) {
            web_resp_data(r, 304, NULL, NULL, 0, false);
            return;
        }
    }
    web_resp_data(r, status, "application/json; charset=utf-8", body, n,
                  true);
}

void web_api_error(struct web_req *r, int status, const char *code,
                   const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *j = json_pack("{s:{s:s, s:s}}", "error", "code", code,
                          "message", msg);
    web_resp_json(r, status, j);
}

void web_api_error_status(struct web_req *r, int status)
{
    switch (status) {
    case 400: web_api_error(r, 400, "bad_request", "malformed request"); break;
    case 401: web_api_error(r, 401, "unauthorized", "a valid bearer token "
                            "is required"); break;
    case 403: web_api_error(r, 403, "forbidden", "not allowed"); break;
    case 404: web_api_error(r, 404, "not_found", "no such resource"); break;
    case 405: web_api_error(r, 405, "method_not_allowed", "method not "
                            "allowed here"); break;
    case 413: web_api_error(r, 413, "too_large", "request body too large");
        break;
    case 429: web_api_error(r, 429, "rate_limited", "too many requests");
        break;
    default: web_api_error(r, 500, "internal", "internal error"); break;
    }
}

void web_api_fail(struct web_req *r, const struct hd_error *err)
{
    switch (web_error_status(err)) {
    case 422:
        web_api_error(r, 422, "invalid", "%s", err->msg);
        return;
    case 404:
        web_api_error(r, 404, "not_found", "%s", err->msg);
        return;
    case 409:
        web_api_error(r, 409, "conflict", "%s", err->msg);
        return;
    case 413:
        web_api_error(r, 413, "too_large", "%s", err->msg);
        return;
    case 403:
        web_api_error(r, 403, "forbidden", "%s", err->msg);
        return;
    case 503:
        web_resp_header(r, "Retry-After", "1");
        web_api_error(r, 503, "busy", "%s", err->msg);
        return;
    default:
        hd_err("api", "failed", "error=\"%s\"", err->msg);
        web_api_error(r, 500, "internal", "internal error");
    }
}

const char *web_url_encode(struct hd_arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = hd_arena_alloc(a, 3 * n + 1), *w = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
            *w++ = (char)*p;
        } else {
            *w++ = '%';
            *w++ = hex[*p >> 4];
            *w++ = hex[*p & 15];
        }
    }
    *w = '\0';
    return out;
}
