/* test_json.c - helpdesk-web's JSON writer (web/http/json.c): the body,
 * type and reference handling of a JSON response, the ETag and its
 * If-None-Match test, the error body of every API refusal and the status
 * each store error maps to, and the query-string encoder.  ETags
 * are checked against SHA-256 computed here with OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "api.h"
#include "arena.h"
#include "web_int.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static struct web_app app = {.public_url = "", .default_lang = "en"};

static struct web_req req(const char *method)
{
    struct web_req r = {.app = &app, .method = method, .path = "/api/v1/x"};
    r.a = hd_arena_new();
    return r;
}

static const char *resp_header(const struct web_req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

/* The response body's {"error": {"code", "message"}}; fails the case
 * when it is not that. */
static void error_body(const struct web_req *r, size_t i, const char **code_r,
                       const char **msg_r, struct hd_arena *a)
{
    json_error_t jerr;
    json_t *j = json_loadb(r->resp_body, r->resp_len, 0, &jerr);
    const char *code, *msg;
    if (j == NULL || json_unpack(j, "{s:{s:s, s:s}}", "error", "code", &code,
                                 "message", &msg) != 0 ||
        json_object_size(j) != 1)
        fail_msg("case %zu: body is no error object: %.*s", i,
                 (int)r->resp_len, r->resp_body);
    *code_r = hd_arena_strdup(a, code);
    *msg_r = hd_arena_strdup(a, msg);
    json_decref(j);
}

static void test_resp_json(void **state)
{
    (void)state;
    static const struct {
        const char *method;
        int status;
        const char *json; /* what is sent, parsed */
        const char *body; /* what goes out */
    } cases[] = {
        {"POST", 201, "{\"id\": 10001}", "{\"id\":10001}\n"},
        {"POST", 200, "[1, 2, 3]", "[1,2,3]\n"},
        {"POST", 200, "{\"s\": \"障害</script>\"}",
         "{\"s\":\"障害</script>\"}\n"},
        {"GET", 404, "{}", "{}\n"},   /* not 200: no ETag */
        {"PATCH", 422, "{\"a\": null, \"b\": [true]}",
         "{\"a\":null,\"b\":[true]}\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct web_req r = req(cases[i].method);
        json_t *j = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
        assert_non_null(j);
        json_incref(j); /* ours, to see that the call takes one */
        web_resp_json(&r, cases[i].status, j);
        if (j->refcount != 1)
            fail_msg("case %zu: refcount %zu after the call, want 1", i,
                     (size_t)j->refcount);
        json_decref(j);
        if (r.status != cases[i].status)
            fail_msg("case %zu: status %d", i, r.status);
        if (r.resp_len != strlen(cases[i].body) ||
            memcmp(r.resp_body, cases[i].body, r.resp_len) != 0)
            fail_msg("case %zu: body '%.*s', want '%s'", i, (int)r.resp_len,
                     r.resp_body, cases[i].body);
        if (r.content_type == NULL ||
            strcmp(r.content_type, "application/json; charset=utf-8") != 0 ||
            !r.compressible)
            fail_msg("case %zu: content type %s", i,
                     r.content_type ? r.content_type : "(none)");
        if (resp_header(&r, "ETag") != NULL)
            fail_msg("case %zu: an ETag on a %s %d", i, cases[i].method,
                     cases[i].status);
        hd_arena_free(&r.a);
    }
}

static void test_etag(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "", "{}\n", "{\"id\":10001}\n", "[1,2,3]\n", "{\"id\":10002}\n",
    };
    struct hd_arena *a = hd_arena_new();
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        assert_int_equal(EVP_Digest(bodies[i], strlen(bodies[i]), md, &n,
                                    EVP_sha256(), NULL),
                         1);
        char want[2 + 32 + 1] = "\"";
        for (unsigned int k = 0; k < 16; k++)
            snprintf(want + 1 + 2 * k, 3, "%02x", md[k]);
        want[33] = '"';
        want[34] = '\0';
        const char *got = web_json_etag(a, bodies[i], strlen(bodies[i]));
        if (strcmp(got, want) != 0)
            fail_msg("case %zu: ETag %s, want %s", i, got, want);
    }
    hd_arena_free(&a);
}

static void test_etag_matches(void **state)
{
    (void)state;
    static const char etag[] = "\"0123456789abcdef0123456789abcdef\"";
    static const struct {
        const char *inm;
        bool match;
    } cases[] = {
        {"\"0123456789abcdef0123456789abcdef\"", true},
        {"*", true},
        {"\"aaaa\", \"0123456789abcdef0123456789abcdef\"", true},
        {"W/\"0123456789abcdef0123456789abcdef\"", true}, /* weak: same */
        {NULL, false},
        {"", false},
        {"\"0123456789abcdef0123456789abcde\"", false},  /* one short */
        {"0123456789abcdef0123456789abcdef", false},     /* unquoted */
        {"\"0123456789ABCDEF0123456789ABCDEF\"", false}, /* case */
        {"**", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (web_json_etag_matches(cases[i].inm, etag) != cases[i].match)
            fail_msg("case %zu (%s): want %s", i,
                     cases[i].inm ? cases[i].inm : "(null)",
                     cases[i].match ? "match" : "no match");
}

static void test_error_status(void **state)
{
    (void)state;
    static const struct {
        int in, status;
        const char *code, *message;
    } cases[] = {
        {400, 400, "bad_request", "malformed request"},
        {401, 401, "unauthorized", "a valid bearer token is required"},
        {403, 403, "forbidden", "not allowed"},
        {404, 404, "not_found", "no such resource"},
        {405, 405, "method_not_allowed", "method not allowed here"},
        {413, 413, "too_large", "request body too large"},
        {429, 429, "rate_limited", "too many requests"},
        {500, 500, "internal", "internal error"},
        {418, 500, "internal", "internal error"}, /* anything else */
        {503, 500, "internal", "internal error"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct web_req r = req("GET");
        web_api_error_status(&r, cases[i].in);
        const char *code, *msg;
        error_body(&r, i, &code, &msg, r.a);
        if (r.status != cases[i].status || strcmp(code, cases[i].code) != 0 ||
            strcmp(msg, cases[i].message) != 0)
            fail_msg("case %zu: %d %s \"%s\", want %d %s \"%s\"", i, r.status,
                     code, msg, cases[i].status, cases[i].code,
                     cases[i].message);
        hd_arena_free(&r.a);
    }
}

static void test_api_fail(void **state)
{
    (void)state;
    static const struct {
        enum hd_errcode err;
        int status;
        const char *code;
        bool detail;      /* the error's text is the message */
        bool retry_after; /* Retry-After: 1 */
    } cases[] = {
        {HD_E_INVAL, 422, "invalid", true, false},
        {HD_E_PARSE, 422, "invalid", true, false},
        {HD_E_NOTFOUND, 404, "not_found", true, false},
        {HD_E_EXISTS, 409, "conflict", true, false},
        {HD_E_TOOBIG, 413, "too_large", true, false},
        {HD_E_PERM, 403, "forbidden", true, false},
        {HD_E_BUSY, 503, "busy", true, true},
        {HD_E_TEMP, 503, "busy", true, true},
        {HD_E_NOSPACE, 503, "busy", true, true},
        /* the rest says nothing of the inside */
        {HD_E_IO, 500, "internal", false, false},
        {HD_E_INTERNAL, 500, "internal", false, false},
        {HD_E_CONFIG, 500, "internal", false, false},
        {HD_E_CRYPTO, 500, "internal", false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct web_req r = req("POST");
        struct hd_error err = HD_ERROR_INIT;
        hd_error_set(&err, cases[i].err, "subject is %d bytes, max %d", 300,
                     255);
        web_api_fail(&r, &err);
        const char *code, *msg;
        error_body(&r, i, &code, &msg, r.a);
        const char *want_msg = cases[i].detail ? err.msg : "internal error";
        if (r.status != cases[i].status || strcmp(code, cases[i].code) != 0 ||
            strcmp(msg, want_msg) != 0)
            fail_msg("case %zu: %d %s \"%s\", want %d %s \"%s\"", i, r.status,
                     code, msg, cases[i].status, cases[i].code, want_msg);
        const char *ra = resp_header(&r, "Retry-After");
        if (cases[i].retry_after ? ra == NULL || strcmp(ra, "1") != 0
                                 : ra != NULL)
            fail_msg("case %zu: Retry-After %s", i, ra ? ra : "(none)");
        hd_arena_free(&r.a);
    }
}

/* The message is formatted, escaped as JSON and capped at 511 bytes. */
static void test_api_error_message(void **state)
{
    (void)state;
    char long_text[1000];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    static const struct {
        const char *arg;
        size_t want_len; /* 0: the formatted text itself */
    } cases[] = {
        {"plain", 0},
        {"quote \" backslash \\ newline \n tab \t", 0},
        {"障害 <b>", 0},
        {NULL, 511}, /* long_text */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct web_req r = req("POST");
        const char *arg = cases[i].arg ? cases[i].arg : long_text;
        web_api_error(&r, 400, "bad_field", "field: %s", arg);
        const char *code, *msg;
        error_body(&r, i, &code, &msg, r.a);
        const char *full = hd_arena_printf(r.a, "field: %s", arg);
        size_t want_len = cases[i].want_len ? cases[i].want_len : strlen(full);
        if (r.status != 400 || strcmp(code, "bad_field") != 0 ||
            strlen(msg) != want_len || strncmp(msg, full, want_len) != 0)
            fail_msg("case %zu: %d %s \"%.40s\" (%zu bytes), want %zu bytes",
                     i, r.status, code, msg, strlen(msg), want_len);
        hd_arena_free(&r.a);
    }
}

static void test_url_encode(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"abcXYZ019", "abcXYZ019"},
        {"-._~", "-._~"},
        {"a b", "a%20b"},
        {"a+b", "a%2Bb"},
        {"a&b=c", "a%26b%3Dc"},
        {"/?#%", "%2F%3F%23%25"},
        {"障害", "%E9%9A%9C%E5%AE%B3"},
        {"\x01\x7f\xff", "%01%7F%FF"},
        {"view=open&status=new", "view%3Dopen%26status%3Dnew"},
    };
    struct hd_arena *a = hd_arena_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = web_url_encode(a, cases[i].in);
        if (strcmp(got, cases[i].out) != 0)
            fail_msg("case %zu: got %s, want %s", i, got, cases[i].out);
    }
    hd_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp_json),
        cmocka_unit_test(test_etag),
        cmocka_unit_test(test_etag_matches),
        cmocka_unit_test(test_error_status),
        cmocka_unit_test(test_api_fail),
        cmocka_unit_test(test_api_error_message),
        cmocka_unit_test(test_url_encode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
