/* test_fetch.c - the fetch mailbox URL: schemes, default ports, TLS mode
 * (?tls=none only where STARTTLS would be used), percent-decoded users,
 * IPv6 literals, and what is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fetch.h"

#define CASE_FAIL(i, ...)                                                    \
    do {                                                                     \
        print_error("case %zu: ", (size_t)(i));                              \
        print_error(__VA_ARGS__);                                            \
        print_error("\n");                                                   \
        fail();                                                              \
    } while (0)

static void test_url(void **state)
{
    (void)state;
    static const struct {
        const char *url;
        int ok, proto, tls, port;
        const char *user, *host, *mailbox, *source;
    } cases[] = {
        {"imaps://agent@localhost:10993/INBOX", 1, MG_FETCH_IMAP,
         MG_FETCH_TLS_IMPLICIT, 10993, "agent", "localhost", "INBOX",
         "imaps://agent@localhost:10993/INBOX"},
        {"imaps://a%40b.example@mail.example", 1, MG_FETCH_IMAP,
         MG_FETCH_TLS_IMPLICIT, 993, "a@b.example", "mail.example", "INBOX",
         "imaps://a%40b.example@mail.example"},
        {"imap://u@h/Support/Japan", 1, MG_FETCH_IMAP,
         MG_FETCH_TLS_STARTTLS, 143, "u", "h", "Support/Japan",
         "imap://u@h/Support/Japan"},
        {"imap://u@127.0.0.1:1143/INBOX?tls=none", 1, MG_FETCH_IMAP,
         MG_FETCH_TLS_NONE, 1143, "u", "127.0.0.1", "INBOX",
         "imap://u@127.0.0.1:1143/INBOX"},
        {"pop3s://u@[::1]:995", 1, MG_FETCH_POP3, MG_FETCH_TLS_IMPLICIT, 995,
         "u", "::1", "INBOX", "pop3s://u@[::1]:995"},
        {"pop3://u@h?tls=none", 1, MG_FETCH_POP3, MG_FETCH_TLS_NONE, 110, "u",
         "h", "INBOX", "pop3://u@h"},
        {"imaps://u@h/INBOX?tls=none", 0, 0, 0, 0, 0, 0, 0, 0}, /* TLS kept */
        {"imap://u@h/INBOX?tls=off", 0, 0, 0, 0, 0, 0, 0, 0},
        {"imap://h/INBOX", 0, 0, 0, 0, 0, 0, 0, 0},        /* no user */
        {"imap://u@:143/INBOX", 0, 0, 0, 0, 0, 0, 0, 0},   /* no host */
        {"imap://u@h:0/INBOX", 0, 0, 0, 0, 0, 0, 0, 0},
        {"imap://u@h:70000", 0, 0, 0, 0, 0, 0, 0, 0},
        {"imap://u@h:12x", 0, 0, 0, 0, 0, 0, 0, 0},
        {"imap://u%0@h", 0, 0, 0, 0, 0, 0, 0, 0},          /* bad escape */
        {"imap://u%00x@h", 0, 0, 0, 0, 0, 0, 0, 0},        /* NUL */
        {"http://u@h", 0, 0, 0, 0, 0, 0, 0, 0},
        {"pop3s://u@[::1", 0, 0, 0, 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mg_fetch f;
        struct hd_error err = HD_ERROR_INIT;
        memset(&f, 0, sizeof f);
        int rc = mg_fetch_url_parse(cases[i].url, &f, &err);
        if ((rc == 0) != cases[i].ok)
            CASE_FAIL(i, "%s: rc %d (%s)", cases[i].url, rc, err.msg);
        if (!cases[i].ok) {
            if (err.code != HD_E_CONFIG)
                CASE_FAIL(i, "error code %d", (int)err.code);
            continue;
        }
        if ((int)f.proto != cases[i].proto || (int)f.tls != cases[i].tls ||
            f.port != cases[i].port)
            CASE_FAIL(i, "proto %d tls %d port %u", f.proto, f.tls, f.port);
        if (strcmp(f.user, cases[i].user) || strcmp(f.host, cases[i].host) ||
            strcmp(f.mailbox, cases[i].mailbox) ||
            strcmp(f.source, cases[i].source))
            CASE_FAIL(i, "user [%s] host [%s] mailbox [%s] source [%s]",
                      f.user, f.host, f.mailbox, f.source);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
