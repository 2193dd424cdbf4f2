/* test_bodyhash.c - the body hash de-duplication compares: the same
 * message framed as the pipe, LMTP and Postfix's LMTP client frame it
 * hashes the same (and gets the same synthetic Message-ID); different
 * bodies do not; a canonical body hashes as its plain sha256; a CR LF
 * split across the pass's chunks is still one line end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bodyhash.h"
#include "parse.h"

#define HEAD "From: ann@example.org\nSubject: hi\n\n"
#define HEAD_CRLF "From: ann@example.org\r\nSubject: hi\r\n\r\n"

/* Parses s (copied to an exact-size buffer) into m. */
static struct mg_mail *parse(const char *s, struct hd_arena *a)
{
    struct mg_mail *m;
    struct hd_error err = HD_ERROR_INIT;
    size_t n = strlen(s);
    char *b = hd_arena_alloc(a, n ? n : 1);
    memcpy(b, s, n);
    assert_int_equal(mg_parse_message(b, n, a, &m, &err), 0);
    return m;
}

static void test_same(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        bool same;
    } cases[] = {
        /* no final newline: in-process, and after LMTP's framing */
        {HEAD "Body.", HEAD "Body.\r\n", true},
        {HEAD "Body.", HEAD "Body.\n", true},
        /* LF from the pipe, CR LF from Postfix's LMTP client */
        {HEAD "a\nb\n", HEAD_CRLF "a\r\nb\r\n", true},
        {HEAD "a\nb", HEAD_CRLF "a\r\nb\r\n", true},
        {HEAD "a\n\nb\n", HEAD "a\r\n\r\nb", true},
        /* line ends at the end do not count, inside they do */
        {HEAD "a\n\n\n", HEAD "a", true},
        {HEAD "a\nb", HEAD "ab", false},
        {HEAD "a\n\nb", HEAD "a\nb", false},
        /* a CR without LF is content */
        {HEAD "a\rb", HEAD "a\nb", false},
        {HEAD "a\rb", HEAD "a\r\nb", false},
        {HEAD "a\r", HEAD "a", false},
        {HEAD "a\r\r\nb", HEAD "a\r\nb", false},
        {HEAD "a\r\r\nb", HEAD "a\r\nb\n", false},
        {HEAD "a\r\r\nb", HEAD_CRLF "a\r\r\nb\r\n", true},
        {HEAD "", HEAD "\r\n", true},
        {HEAD "x", HEAD "y", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hd_arena *a = hd_arena_new();
        struct mg_mail *ma = parse(cases[i].a, a), *mb = parse(cases[i].b, a);
        bool same = strcmp(ma->body_hash, mb->body_hash) == 0;
        bool same_id = strcmp(ma->message_id, mb->message_id) == 0;
        if (same != cases[i].same || same_id != cases[i].same)
            fail_msg("case %zu: hash %s, synthetic id %s, expected %s", i,
                     same ? "same" : "differs", same_id ? "same" : "differs",
                     cases[i].same ? "same" : "different");
        hd_arena_free(&a);
    }
}

/* A body in canonical form hashes as its plain sha256 (hashes stored
 * before the canonical form existed still match). */
static void test_plain(void **state)
{
    (void)state;
    static const char *const bodies[] = {"", "a\n", "a\nb\n", "a\rb\n",
                                         "\n\nx\n"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        char h1[65], h2[65];
        size_t n = strlen(bodies[i]);
        mg_body_hash_hex(bodies[i], n, false, h1);
        mg_raw_sha256_hex(bodies[i], n, false, h2);
        if (strcmp(h1, h2) != 0)
            fail_msg("case %zu: %s != %s", i, h1, h2);
    }
}

/* Line ends at every place around the pass's chunk boundary. */
static void test_chunks(void **state)
{
    (void)state;
    size_t n = MG_RAW_DROP_STEP + 8;
    char *crlf = malloc(n), *lf = malloc(n);
    for (size_t at = MG_RAW_DROP_STEP - 3; at <= MG_RAW_DROP_STEP + 1; at++) {
        char h1[65], h2[65];
        memset(crlf, 'x', n);
        memcpy(crlf + at, "\r\n", 2);
        memcpy(crlf + n - 2, "\r\n", 2);
        memset(lf, 'x', n);
        memcpy(lf + at, "\n", 1);
        memcpy(lf + n - 3, "\n", 1);
        mg_body_hash_hex(crlf, n, false, h1);
        mg_body_hash_hex(lf, n - 2, false, h2);
        if (strcmp(h1, h2) != 0)
            fail_msg("CR LF at %zu: %s != %s", at, h1, h2);
    }
    free(crlf);
    free(lf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same),
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
