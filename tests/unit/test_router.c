/* test_router.c - the route table of helpdesk-web: exact paths, prefix
 * routes and the segment they hand over (with and without a suffix),
 * HEAD answered by GET routes, methods compared as sent, and what is left:
 * 405 with the Allow list when the path is routed under other methods
 * only, 404 otherwise.  The 404/405 answers are checked end to end through
 * web_router_dispatch() on /api/ paths, whose error bodies are JSON and
 * need no page layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "agent_act.h"
#include "agent_login.h"
#include "agent_ticket.h"
#include "api.h"
#include "arena.h"
#include "web_int.h"

#include <jansson.h>
#include <string.h>

#define FOUND WEB_ROUTE_FOUND
#define NO_METHOD WEB_ROUTE_NO_METHOD
#define NONE WEB_ROUTE_NONE

static void test_match(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path;
        enum web_route_found want;
        web_handler fn;    /* FOUND */
        const char *arg;   /* FOUND: the segment, NULL for exact routes */
        const char *allow; /* NO_METHOD */
    } cases[] = {
        /* exact paths */
        {"GET", "/", FOUND, web_page_top, NULL, NULL},
        {"HEAD", "/", FOUND, web_page_top, NULL, NULL},
        {"GET", "/faq", FOUND, web_page_faq_index, NULL, NULL},
        {"GET", "/faq/", FOUND, web_page_faq_index, NULL, NULL},
        {"GET", "/faq/search", FOUND, web_page_search, NULL, NULL},
        {"GET", "/agent/login", FOUND, web_agent_login_form, NULL, NULL},
        {"POST", "/agent/login", FOUND, web_agent_login, NULL, NULL},
        {"GET", "/api/v1/tickets", FOUND, web_api_tickets, NULL, NULL},
        {"POST", "/api/v1/tickets", FOUND, web_api_ticket_create, NULL, NULL},
        /* prefix routes: one segment, then the fixed suffix */
        {"GET", "/faq/printer-fire", FOUND, web_page_article, "printer-fire",
         NULL},
        {"POST", "/faq/printer-fire/vote", FOUND, web_page_vote,
         "printer-fire", NULL},
        {"GET", "/t/abc123", FOUND, web_page_customer, "abc123", NULL},
        {"POST", "/t/abc123/reply", FOUND, web_page_customer_reply, "abc123",
         NULL},
        {"GET", "/agent/tickets/42", FOUND, web_agent_ticket, "42", NULL},
        {"HEAD", "/agent/tickets/42", FOUND, web_agent_ticket, "42", NULL},
        {"GET", "/agent/tickets/42/html", FOUND, web_agent_message_html, "42",
         NULL},
        {"POST", "/agent/tickets/42/reply", FOUND, web_agent_reply, "42",
         NULL},
        {"POST", "/agent/tickets/42/note", FOUND, web_agent_note, "42", NULL},
        {"GET", "/api/v1/tickets/10001", FOUND, web_api_ticket_get, "10001",
         NULL},
        {"GET", "/t/%2e%2e", FOUND, web_page_customer, "%2e%2e", NULL},
        /* the path is routed, the method is not */
        {"POST", "/", NO_METHOD, NULL, NULL, "GET"},
        {"get", "/", NO_METHOD, NULL, NULL, "GET"}, /* methods as sent */
        {"PUT", "/agent/login", NO_METHOD, NULL, NULL, "GET, POST"},
        {"DELETE", "/api/v1/tickets", NO_METHOD, NULL, NULL, "GET, POST"},
        {"GET", "/faq/printer-fire/vote", NO_METHOD, NULL, NULL, "POST"},
        {"GET", "/agent/tickets/42/reply", NO_METHOD, NULL, NULL, "POST"},
        {"POST", "/agent/tickets/42", NO_METHOD, NULL, NULL, "GET"},
        {"HEAD", "/agent/logout", NO_METHOD, NULL, NULL, "POST"},
        /* nothing routed */
        {"GET", "/nope", NONE, NULL, NULL, NULL},
        {"GET", "/FAQ", NONE, NULL, NULL, NULL},
        {"GET", "", NONE, NULL, NULL, NULL},
        {"GET", "/t/", NONE, NULL, NULL, NULL},          /* empty segment */
        {"POST", "/t//reply", NONE, NULL, NULL, NULL},   /* empty segment */
        {"GET", "/faq/a/b", NONE, NULL, NULL, NULL},     /* two segments */
        {"GET", "/agent/tickets/42/", NONE, NULL, NULL, NULL},
        {"GET", "/agent/tickets/42/html/x", NONE, NULL, NULL, NULL},
        {"GET", "/api/v1/tickets/", NONE, NULL, NULL, NULL},
        {"GET", "/api/v1/nope", NONE, NULL, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hd_arena *a = hd_arena_new();
        struct web_route_match m;
        enum web_route_found got =
            web_router_match(cases[i].method, cases[i].path, a, &m);
        if (got != cases[i].want)
            fail_msg("case %zu (%s %s): result %d, want %d", i,
                     cases[i].method, cases[i].path, (int)got,
                     (int)cases[i].want);
        if (got == FOUND && m.fn != cases[i].fn)
            fail_msg("case %zu (%s %s): another handler", i, cases[i].method,
                     cases[i].path);
        const char *want_arg = got == FOUND ? cases[i].arg : NULL;
        if ((m.arg == NULL) != (want_arg == NULL) ||
            (m.arg != NULL && strcmp(m.arg, want_arg) != 0))
            fail_msg("case %zu (%s %s): arg '%s', want '%s'", i,
                     cases[i].method, cases[i].path, m.arg ? m.arg : "(null)",
                     want_arg ? want_arg : "(null)");
        if (got == NO_METHOD &&
            (m.allow == NULL || strcmp(m.allow, cases[i].allow) != 0))
            fail_msg("case %zu (%s %s): allow '%s', want '%s'", i,
                     cases[i].method, cases[i].path,
                     m.allow ? m.allow : "(null)", cases[i].allow);
        if (got == NONE && m.allow != NULL)
            fail_msg("case %zu (%s %s): allow '%s' on a 404", i,
                     cases[i].method, cases[i].path, m.allow);
        hd_arena_free(&a);
    }
}

static const char *resp_header(const struct web_req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

/* 404 and 405 through the dispatcher: status, Allow, the JSON error. */
static void test_dispatch_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path;
        int status;
        const char *allow; /* NULL: no Allow header */
        const char *code;  /* error.code of the body */
    } cases[] = {
        {"GET", "/api/v1/nope", 404, NULL, "not_found"},
        {"POST", "/api/v1/tickets/10001/nope", 404, NULL, "not_found"},
        {"DELETE", "/api/v1/tickets", 405, "GET, POST", "method_not_allowed"},
        /* a GET-only path also allows HEAD */
        {"POST", "/api/v1/openapi.json", 405, "GET, HEAD",
         "method_not_allowed"},
        {"GET", "/api/v1/tickets/10001/reply", 405, "POST",
         "method_not_allowed"},
    };
    struct web_app app = {.public_url = "", .default_lang = "en"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct web_req r = {.app = &app, .lang = "en"};
        r.a = hd_arena_new();
        r.method = cases[i].method;
        r.path = cases[i].path;
        web_router_dispatch(&r);
        if (r.status != cases[i].status)
            fail_msg("case %zu: status %d, want %d", i, r.status,
                     cases[i].status);
        const char *allow = resp_header(&r, "Allow");
        if ((allow == NULL) != (cases[i].allow == NULL) ||
            (allow != NULL && strcmp(allow, cases[i].allow) != 0))
            fail_msg("case %zu: Allow '%s', want '%s'", i,
                     allow ? allow : "(none)",
                     cases[i].allow ? cases[i].allow : "(none)");
        if (r.content_type == NULL ||
            strncmp(r.content_type, "application/json", 16) != 0)
            fail_msg("case %zu: content type %s", i,
                     r.content_type ? r.content_type : "(none)");
        json_error_t jerr;
        json_t *j = json_loadb(r.resp_body, r.resp_len, 0, &jerr);
        const char *code = NULL;
        if (j == NULL ||
            json_unpack(j, "{s:{s:s}}", "error", "code", &code) != 0 ||
            strcmp(code, cases[i].code) != 0)
            fail_msg("case %zu: body %.*s, want code %s", i,
                     (int)r.resp_len, r.resp_body, cases[i].code);
        json_decref(j);
        hd_arena_free(&r.a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_dispatch_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
