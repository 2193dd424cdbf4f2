/* session.c - what the public site remembers about a visitor: the
 * language (?lang= sets the "lang" cookie; else the cookie; else
 * Accept-Language; else the instance default), a random visitor id
 * (cookie "v", for one vote per article) and the CSRF token derived from
 * it: HMAC-SHA256(instance secret, "csrf:" visitor).  The secret lives
 * in the database (meta key web.secret), so every worker and restart
 * agrees on it.
 *
 * Reading an article makes no visitor: a request without the cookie
 * gets the vote form with the anonymous token, HMAC(secret, "csrf-anon:"
 * period number), and no Set-Cookie.  The vote that carries it makes the
 * visitor (cookie on the 303).  Such a POST has no cookie to ride on, so
 * a forged one could only vote for a browser that has no visitor yet or
 * whose SameSite=Lax cookie was withheld (a cross-site POST); browsers
 * say where a form came from, and a POST with the anonymous token is
 * refused when Sec-Fetch-Site is not same-origin, or when its Origin (or,
 * without one, Referer) names another host than Host or public_url.  A
 * request with none of the three comes from no browser form (curl, a
 * script), which could fetch the token itself anyway. */
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "web_int.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#define WEB_COOKIE_YEAR "Max-Age=31536000"

static void hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

bool web_session_visitor_valid(const char *v)
{
    if (v == NULL || strlen(v) != WEB_VISITOR_HEX)
        return false;
    for (const char *p = v; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static const char *cookie_attrs(struct web_req *r, bool http_only)
{
    return hd_arena_printf(r->a, "; Path=/; " WEB_COOKIE_YEAR
                           "; SameSite=Lax%s%s",
                           http_only ? "; HttpOnly" : "",
                           r->https ? "; Secure" : "");
}

void web_session_begin(struct web_req *r)
{
    const char *q = web_lang_norm(web_req_arg(r, "lang"));
    const char *c = web_lang_norm(web_req_cookie(r, "lang"));
    if (q != NULL) {
        r->lang = q;
        if (c == NULL || strcmp(c, q) != 0)
            web_resp_header(r, "Set-Cookie",
                            hd_arena_printf(r->a, "lang=%s%s", q,
                                            cookie_attrs(r, false)));
    } else if (c != NULL) {
        r->lang = c;
    } else {
        const char *al = web_lang_accept(web_req_header(r, "Accept-Language"));
        r->lang = al ? al : r->app->default_lang;
    }
    const char *v = web_req_cookie(r, "v");
    r->visitor = web_session_visitor_valid(v) ? v : NULL;
}

const char *web_session_visitor(struct web_req *r)
{
    if (r->visitor != NULL)
        return r->visitor;
    unsigned char raw[WEB_VISITOR_HEX / 2];
    char *v = hd_arena_alloc(r->a, WEB_VISITOR_HEX + 1);
    /* the kernel's generator: a fraction of the cost of RAND_bytes() on
     * a page every new visitor requests (a read this small is never cut
     * short) */
    hd_assert(getrandom(raw, sizeof raw, 0) == (ssize_t)sizeof raw);
    hex(raw, sizeof raw, v);
    r->visitor = v;
    web_resp_header(r, "Set-Cookie",
                    hd_arena_printf(r->a, "v=%s%s", v, cookie_attrs(r, true)));
    return v;
}

/* "Host" or "host:port" of an absolute URL ("https://h:1/x" -> "h:1"),
 * as a pointer and length into url; false when url has no scheme. */
static bool url_authority(const char *url, const char **p_r, size_t *n_r)
{
    const char *s = url ? strstr(url, "://") : NULL;
    if (s == NULL)
        return false;
    s += 3;
    *p_r = s;
    *n_r = strcspn(s, "/?#");
    return *n_r > 0;
}

static bool authority_is(const char *p, size_t n, const char *host)
{
    return host != NULL && strlen(host) == n && strncasecmp(p, host, n) == 0;
}

bool web_session_origin_ok(const char *site, const char *origin,
                           const char *referer, const char *host,
                           const char *public_url)
{
    if (site != NULL && strcmp(site, "same-origin") != 0)
        return false;
    const char *from = origin != NULL ? origin : referer;
    if (from == NULL)
        return true;
    const char *p, *pub;
    size_t n, pn;
    if (!url_authority(from, &p, &n)) /* "null": a sandbox, a data: URL */
        return false;
    if (authority_is(p, n, host))
        return true;
    return url_authority(public_url, &pub, &pn) && pn == n &&
           strncasecmp(p, pub, n) == 0;
}

bool web_session_same_origin(struct web_req *r)
{
    return web_session_origin_ok(web_req_header(r, "Sec-Fetch-Site"),
                                 web_req_header(r, "Origin"),
                                 web_req_header(r, "Referer"),
                                 web_req_header(r, "Host"),
                                 r->app->public_url);
}

static pthread_key_t mac_key;
static pthread_once_t mac_once = PTHREAD_ONCE_INIT;

/* This thread's HMAC-SHA256 keyed with a secret, set up once: fetching
 * the algorithm for every token cost more than the hash. */
struct thread_mac {
    EVP_MAC_CTX *ctx;
    unsigned char secret[WEB_SECRET_BYTES]; /* the key ctx holds */
};

static void mac_free(void *p)
{
    struct thread_mac *tm = p;
    EVP_MAC_CTX_free(tm->ctx);
    OPENSSL_cleanse(tm->secret, sizeof tm->secret);
    free(tm);
}

static void mac_key_init(void)
{
    pthread_key_create(&mac_key, mac_free);
}

/* The context keyed with secret, or NULL when OpenSSL refuses (the
 * caller then uses the one-shot HMAC()). */
static EVP_MAC_CTX *thread_mac(const unsigned char *secret)
{
    pthread_once(&mac_once, mac_key_init);
    struct thread_mac *tm = pthread_getspecific(mac_key);
    if (tm != NULL &&
        CRYPTO_memcmp(tm->secret, secret, WEB_SECRET_BYTES) == 0)
        return tm->ctx;
    if (tm == NULL) {
        tm = hd_xcalloc(1, sizeof *tm);
        pthread_setspecific(mac_key, tm);
    }
    EVP_MAC_CTX_free(tm->ctx);
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    tm->ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                         (char *)"SHA256", 0),
        OSSL_PARAM_construct_end()};
    if (tm->ctx == NULL ||
        EVP_MAC_init(tm->ctx, secret, WEB_SECRET_BYTES, params) != 1) {
        EVP_MAC_CTX_free(tm->ctx);
        tm->ctx = NULL;
        return NULL;
    }
    memcpy(tm->secret, secret, WEB_SECRET_BYTES);
    return tm->ctx;
}

/* HMAC-SHA256(secret, msg) into mac; *n_r bytes. */
static void csrf_mac(const unsigned char *secret, const char *msg,
                     unsigned char *mac, unsigned int *n_r)
{
    EVP_MAC_CTX *ctx = thread_mac(secret);
    size_t n = 0;
    if (ctx != NULL && EVP_MAC_init(ctx, NULL, 0, NULL) == 1 &&
        EVP_MAC_update(ctx, (const unsigned char *)msg, strlen(msg)) == 1 &&
        EVP_MAC_final(ctx, mac, &n, EVP_MAX_MD_SIZE) == 1) {
        *n_r = (unsigned int)n;
        return;
    }
    HMAC(EVP_sha256(), secret, WEB_SECRET_BYTES, (const unsigned char *)msg,
         strlen(msg), mac, n_r);
}

const char *web_session_csrf(struct web_req *r)
{
    const char *v = web_session_visitor(r);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char msg[WEB_VISITOR_HEX + 8];
    snprintf(msg, sizeof msg, "csrf:%s", v);
    csrf_mac(r->app->secret, msg, mac, &n);
    char *out = hd_arena_alloc(r->a, 2 * n + 1);
    hex(mac, n, out);
    return out;
}

bool web_session_csrf_ok(struct web_req *r, const char *token)
{
    if (r->visitor == NULL || token == NULL)
        return false;
    const char *want = web_session_csrf(r);
    size_t n = strlen(want);
    return strlen(token) == n && CRYPTO_memcmp(want, token, n) == 0;
}

/* The anonymous token of period (hex, in the arena). */
static const char *anon_token(struct web_req *r, int64_t period)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char msg[48];
    snprintf(msg, sizeof msg, "csrf-anon:%lld", (long long)period);
    csrf_mac(r->app->secret, msg, mac, &n);
    char *out = hd_arena_alloc(r->a, 2 * n + 1);
    hex(mac, n, out);
    return out;
}

/* This thread's copy of the current period's anonymous token: one HMAC
 * a period instead of one per page. */
static const char *anon_token_now(struct web_req *r)
{
    static _Thread_local int64_t period = -1;
    static _Thread_local char tok[2 * EVP_MAX_MD_SIZE + 1];
    int64_t now = hd_clock_now() / WEB_ANON_TOKEN_PERIOD;
    if (now != period) {
        const char *t = anon_token(r, now);
        hd_assert(strlen(t) < sizeof tok);
        memcpy(tok, t, strlen(t) + 1);
        period = now;
    }
    return tok;
}

const char *web_session_form_token(struct web_req *r)
{
    return r->visitor != NULL ? web_session_csrf(r) : anon_token_now(r);
}

static bool token_is(const char *want, const char *token)
{
    size_t n = strlen(want);
    return strlen(token) == n && CRYPTO_memcmp(want, token, n) == 0;
}

bool web_session_anon_ok(struct web_req *r, const char *token)
{
    if (token == NULL)
        return false;
    int64_t now = hd_clock_now() / WEB_ANON_TOKEN_PERIOD;
    return token_is(anon_token_now(r), token) ||
           token_is(anon_token(r, now - 1), token);
}

bool web_session_form_ok(struct web_req *r, const char *token)
{
    if (token == NULL)
        return false;
    if (r->visitor != NULL)
        return web_session_csrf_ok(r, token);
    return web_session_anon_ok(r, token) && web_session_same_origin(r);
}

int web_session_secret(struct hd_store *st, unsigned char out[WEB_SECRET_BYTES],
                       struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    char *v = NULL;
    int rc = -1;
    int found = hd_store_meta_get(st, "web.secret", a, &v, err);
    if (found < 0)
        goto out;
    if (found == 0 || strlen(v) != 2 * WEB_SECRET_BYTES) {
        char h[2 * WEB_SECRET_BYTES + 1];
        hd_assert(RAND_bytes(out, WEB_SECRET_BYTES) == 1);
        hex(out, WEB_SECRET_BYTES, h);
        rc = hd_store_meta_set(st, "web.secret", h, err);
        hd_memzero_explicit(h, sizeof h);
        goto out;
    }
    for (size_t i = 0; i < WEB_SECRET_BYTES; i++) {
        unsigned x;
        sscanf(v + 2 * i, "%2x", &x);
        out[i] = (unsigned char)x;
    }
    hd_memzero_explicit(v, strlen(v));
    rc = 0;
out:
    hd_arena_free(&a);
    return rc;
}
