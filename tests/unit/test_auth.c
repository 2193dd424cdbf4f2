/* test_auth.c - argon2id hashing and upgrades, the password policy,
 * tokens, CSRF tokens and the lockout back-off at fixed times. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "codec.h"

#define CASE_FAIL(i, ...)                                                    \
    do {                                                                     \
        print_error("case %zu: ", (size_t)(i));                              \
        print_error(__VA_ARGS__);                                            \
        print_error("\n");                                                   \
        fail();                                                              \
    } while (0)

/* Cheap parameters so the table runs fast; the defaults run once. */
static const struct hd_argon2_params cheap = {1, 1024, 1};

static void test_password_hash_verify(void **state)
{
    (void)state;
    static const struct {
        const char *password, *attempt;
        int want;
    } cases[] = {
        {"correct horse battery staple", "correct horse battery staple", 1},
        {"correct horse battery staple", "Correct horse battery staple", 0},
        {"correct horse battery staple", "correct horse battery stapl", 0},
        {"correct horse battery staple", "", 0},
        {"", "", 1},
        {"p\xc3\xa4ssw\xc3\xb6rd-\xe6\x97\xa5\xe6\x9c\xac",
         "p\xc3\xa4ssw\xc3\xb6rd-\xe6\x97\xa5\xe6\x9c\xac", 1},
        {"p\xc3\xa4ssword", "pa\xcc\x88ssword", 0}, /* no normalisation */
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        char enc[HD_PASSWORD_HASH_SIZE], enc2[HD_PASSWORD_HASH_SIZE];
        struct hd_error err = HD_ERROR_INIT;
        if (hd_password_hash(cases[i].password, &cheap, enc, &err) < 0)
            CASE_FAIL(i, "hash: %s", err.msg);
        if (strncmp(enc, "$argon2id$v=19$m=1024,t=1,p=1$", 30) != 0)
            CASE_FAIL(i, "encoded %s", enc);
        int got = hd_password_verify(cases[i].attempt, enc, &err);
        if (got != cases[i].want)
            CASE_FAIL(i, "verify = %d, want %d (%s)", got, cases[i].want,
                      err.msg);
        /* fresh salt each time */
        assert_int_equal(hd_password_hash(cases[i].password, &cheap, enc2,
                                          &err), 0);
        if (strcmp(enc, enc2) == 0)
            CASE_FAIL(i, "two hashes are equal: salt reused");
    }
}

static void test_password_bad_input(void **state)
{
    (void)state;
    static const struct {
        const char *encoded;
        enum hd_errcode code;
    } cases[] = {
        {"", HD_E_PARSE},
        {"plaintext", HD_E_PARSE},
        {"$argon2i$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo",
         HD_E_PARSE},
        {"$argon2id$v=19$m=1024,t=1,p=1$!!!$aGFzaA", HD_E_PARSE},
        {"$argon2id$v=19$m=1024", HD_E_PARSE},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_error err = HD_ERROR_INIT;
        if (hd_password_verify("secret", cases[i].encoded, &err) != -1 ||
            err.code != cases[i].code)
            CASE_FAIL(i, "'%s' gave %s", cases[i].encoded,
                      hd_errcode_name(err.code));
    }
    static char big[HD_PASSWORD_MAX + 2];
    char enc[HD_PASSWORD_HASH_SIZE];
    struct hd_error err = HD_ERROR_INIT;
    memset(big, 'x', HD_PASSWORD_MAX);
    assert_int_equal(hd_password_hash(big, &cheap, enc, &err), 0);
    assert_int_equal(hd_password_verify(big, enc, &err), 1);
    big[HD_PASSWORD_MAX] = 'x';
    assert_int_equal(hd_password_hash(big, &cheap, enc, &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    assert_int_equal(hd_password_verify(big, enc, &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    struct hd_argon2_params bad = {0, 1024, 1};
    assert_int_equal(hd_password_hash("x", &bad, enc, &err), -1);
    assert_int_equal(err.code, HD_E_INTERNAL);
}

static void test_needs_rehash(void **state)
{
    (void)state;
    const struct hd_argon2_params def = HD_ARGON2_PARAMS_DEFAULT;
    static const struct {
        const char *encoded;
        bool want;
    } cases[] = {
        {"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", false},
        {"$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA", false}, /* stronger */
        {"$argon2id$v=19$m=1024,t=2,p=1$c2FsdA$aGFzaA", true},
        {"$argon2id$v=19$m=19456,t=1,p=1$c2FsdA$aGFzaA", true},
        {"$argon2id$v=19$m=19456,t=2,p=4$c2FsdA$aGFzaA", true},
        {"$argon2id$v=16$m=19456,t=2,p=1$c2FsdA$aGFzaA", true},
        {"$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", true},
        {"$argon2id$v=19$m=19456,t=2,p=1", true},
        {"", true},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++)
        if (hd_password_needs_rehash(cases[i].encoded, &def) != cases[i].want)
            CASE_FAIL(i, "needs_rehash(%s)", cases[i].encoded);
    /* the real default parameters, once */
    char enc[HD_PASSWORD_HASH_SIZE];
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_password_hash("a long passphrase", &def, enc, &err),
                     0);
    assert_false(hd_password_needs_rehash(enc, &def));
    assert_int_equal(hd_password_verify("a long passphrase", enc, &err), 1);
    assert_int_equal(hd_password_hash("a long passphrase", &cheap, enc, &err),
                     0);
    assert_true(hd_password_needs_rehash(enc, &def));
}

static void test_password_policy(void **state)
{
    (void)state;
    static const struct {
        const char *password, *email;
        const char *why; /* NULL: accepted; else a word of the message */
    } cases[] = {
        {"correct horse battery", "ann@example.org", NULL},
        {"Tr0ub4dor&3xyz", NULL, NULL},
        {"short", NULL, "at least 12"},
        {"elevenchars", NULL, "at least 12"},
        {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac"
         "\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
         NULL, "at least 12"}, /* 9 characters, 27 bytes */
        {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe5\xa5\xbd\xe3"
         "\x81\x8d\xe3\x81\xaa\xe8\xa8\x80\xe8\x91\x89\xe3\x81\xa7\xe3\x81"
         "\x99\xe3\x80\x82",
         NULL, NULL}, /* 12 characters */
        {"aaaaaaaaaaaa", NULL, "one character"},
        {"############", NULL, "one character"},
        {"123456789012", NULL, "run"},
        {"abcdefghijklm", NULL, "run"},
        {"zyxwvutsrqpo", NULL, "run"},
        {"987654321098", NULL, "run"},
        {"qwertyuiopas", NULL, "run"},
        {"QWERTYUIOPASDF", NULL, "run"},
        {"1qaz2wsx3edc", NULL, "run"},
        {"Password2024!", NULL, "common"},
        {"!!password!!", NULL, "common"},
        {"passwordpassword", NULL, "common"},
        {"123456123456", NULL, "common"},
        {"monkeymonkey", NULL, "common"},
        {"P@ssw0rd12345", NULL, "common"},
        {"Helpdesk2025", NULL, "common"},
        {"iloveyou1234", NULL, "common"},
        {"summer in the city", NULL, NULL}, /* a word inside is fine */
        {"ann.smith.1990", "ann.smith.1990@example.org", "email"},
        {"Ann.Smith.1990@Example.org", "ann.smith.1990@example.org", "email"},
        {"2024annsmithxy!", "annsmithxy@example.org", "email"},
        {"ann.smith.1990", "bob@example.org", NULL},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_error err = HD_ERROR_INIT;
        int rc = hd_password_policy_check(cases[i].password, cases[i].email,
                                          &err);
        if (cases[i].why == NULL && rc != 0)
            CASE_FAIL(i, "'%s' refused: %s", cases[i].password, err.msg);
        if (cases[i].why != NULL &&
            (rc != -1 || err.code != HD_E_INVAL ||
             strstr(err.msg, cases[i].why) == NULL))
            CASE_FAIL(i, "'%s': rc %d, message '%s', want '%s'",
                      cases[i].password, rc, err.msg, cases[i].why);
    }
    static char big[HD_PASSWORD_MAX + 2];
    struct hd_error err = HD_ERROR_INIT;
    for (size_t i = 0; i <= HD_PASSWORD_MAX; i++)
        big[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7) % 36];
    assert_int_equal(hd_password_policy_check(big, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "at most"));
    big[HD_PASSWORD_MAX] = '\0';
    assert_int_equal(hd_password_policy_check(big, NULL, &err), 0);
}

static void test_tokens(void **state)
{
    (void)state;
    char a[HD_TOKEN_SIZE], b[HD_TOKEN_SIZE], h[HD_SHA256_HEX_SIZE],
        h2[HD_SHA256_HEX_SIZE];
    uint8_t raw[64];
    size_t n;
    struct hd_error err = HD_ERROR_INIT;
    hd_token_new(a);
    hd_token_new(b);
    assert_int_equal(strlen(a), 43);
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                               "qrstuvwxyz0123456789-_"), 43);
    assert_string_not_equal(a, b);
    assert_int_equal(hd_base64url_decode(a, raw, sizeof raw, &n, &err), 0);
    assert_int_equal(n, HD_TOKEN_BYTES);
    hd_token_hash(a, h);
    hd_sha256_hex(a, strlen(a), h2);
    assert_string_equal(h, h2);
    assert_int_equal(strlen(h), 64);
    static const struct {
        const char *x, *y;
        bool want;
    } eq[] = {
        {"abc", "abc", true}, {"abc", "abd", false}, {"abc", "ab", false},
        {"", "", true},       {"ab", "abc", false},  {"Abc", "abc", false},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(eq); i++)
        if (hd_token_equal(eq[i].x, eq[i].y) != eq[i].want)
            CASE_FAIL(i, "token_equal('%s', '%s')", eq[i].x, eq[i].y);
}

static void test_csrf(void **state)
{
    (void)state;
    static const uint8_t k1[HD_KEY_LEN] = "an instance key of 32 bytes....";
    static const uint8_t k2[HD_KEY_LEN] = "another instance key, 32 bytes.";
    char t[HD_CSRF_SIZE], t2[HD_CSRF_SIZE];
    hd_csrf_token(k1, "session-1", t);
    hd_csrf_token(k1, "session-1", t2);
    assert_string_equal(t, t2); /* deterministic per session */
    assert_int_equal(strlen(t), 43);
    /* HMAC-SHA256(k1, "csrf:session-1") computed independently */
    uint8_t mac[HD_SHA256_LEN];
    char want[HD_CSRF_SIZE];
    hd_hmac_sha256(k1, HD_KEY_LEN, "csrf:session-1", 14, mac);
    hd_base64url_encode(mac, sizeof mac, want, sizeof want);
    assert_string_equal(t, want);
    char cut[HD_CSRF_SIZE], flipped[HD_CSRF_SIZE];
    memcpy(cut, t, sizeof cut);
    cut[42] = '\0';
    memcpy(flipped, t, sizeof flipped);
    flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
    static const struct {
        int key; /* 1 or 2 */
        const char *session;
        int token; /* 0 right, 1 cut, 2 flipped, 3 empty */
        bool want;
    } cases[] = {
        {1, "session-1", 0, true},  {2, "session-1", 0, false},
        {1, "session-2", 0, false}, {1, "session-1", 1, false},
        {1, "session-1", 2, false}, {1, "session-1", 3, false},
        {1, "", 0, false},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        const char *tok = cases[i].token == 0   ? t
                          : cases[i].token == 1 ? cut
                          : cases[i].token == 2 ? flipped
                                                : "";
        if (hd_csrf_check(cases[i].key == 1 ? k1 : k2, cases[i].session,
                          tok) != cases[i].want)
            CASE_FAIL(i, "csrf_check");
    }
}

static void test_lockout_duration(void **state)
{
    (void)state;
    const struct hd_lockout_policy p = HD_LOCKOUT_POLICY_DEFAULT;
    static const int64_t want[] = {60, 120, 240, 480, 960, 1920, 3600, 3600};
    for (size_t k = 0; k < HD_ARRAY_LEN(want); k++)
        if (hd_lockout_duration(&p, (int)k) != want[k])
            CASE_FAIL(k, "duration %lld", (long long)hd_lockout_duration(&p,
                                                                (int)k));
    assert_int_equal(hd_lockout_duration(&p, 1000), 3600);
}

/* A script of events at fixed times against the default policy
 * (5 failures in 600 s; 60 s, doubling, at most 3600 s; forget after a
 * day).  Each step checks the lock state right after the event. */
enum ev { FAIL, OK, CHECK };

static void test_lockout_script(void **state)
{
    (void)state;
    static const struct {
        enum ev ev;
        int64_t t;
        bool locks;    /* FAIL: this failure locked the account */
        int64_t until; /* locked until, 0 if not locked at t */
    } s[] = {
        {FAIL, 1000, false, 0},  {FAIL, 1010, false, 0},
        {FAIL, 1020, false, 0},  {FAIL, 1030, false, 0},
        {FAIL, 1040, true, 1100}, /* 5th in the window: 60 s */
        {FAIL, 1060, false, 1100}, /* while locked: ignored */
        {CHECK, 1099, false, 1100}, {CHECK, 1100, false, 0},
        {FAIL, 1100, false, 0},  {FAIL, 1101, false, 0},
        {FAIL, 1102, false, 0},  {FAIL, 1103, false, 0},
        {FAIL, 1104, true, 1224}, /* second lock: 120 s */
        {FAIL, 1300, false, 0},  {FAIL, 1301, false, 0},
        {FAIL, 1302, false, 0},  {FAIL, 1303, false, 0},
        {FAIL, 1304, true, 1544}, /* third: 240 s */
        /* slow failures: the window restarts, no lock */
        {FAIL, 2000, false, 0},  {FAIL, 2200, false, 0},
        {FAIL, 2400, false, 0},  {FAIL, 2599, false, 0},
        {FAIL, 2600, false, 0}, /* 600 s after 2000: new run of 1 */
        {FAIL, 2601, false, 0},  {FAIL, 2602, false, 0},
        {FAIL, 2603, false, 0},
        {FAIL, 2604, true, 3084}, /* fourth: 480 s */
        /* a quiet day forgets the lockouts */
        {FAIL, 2604 + 86400, false, 0}, {FAIL, 2605 + 86400, false, 0},
        {FAIL, 2606 + 86400, false, 0}, {FAIL, 2607 + 86400, false, 0},
        {FAIL, 2608 + 86400, true, 2668 + 86400}, /* 60 s again */
        {CHECK, 2700 + 86400, false, 0},
        {FAIL, 2700 + 86400, false, 0}, {FAIL, 2701 + 86400, false, 0},
        {OK, 2702 + 86400, false, 0}, /* success resets the run too */
        {FAIL, 2703 + 86400, false, 0}, {FAIL, 2704 + 86400, false, 0},
        {FAIL, 2705 + 86400, false, 0}, {FAIL, 2706 + 86400, false, 0},
        {FAIL, 2707 + 86400, true, 2767 + 86400}, /* 60 s: count reset */
    };
    const struct hd_lockout_policy p = HD_LOCKOUT_POLICY_DEFAULT;
    struct hd_lockout_state st = {0};
    for (size_t i = 0; i < HD_ARRAY_LEN(s); i++) {
        bool locked_now = false;
        int64_t until = -1;
        if (s[i].ev == FAIL)
            locked_now = hd_lockout_fail(&p, &st, s[i].t);
        else if (s[i].ev == OK)
            hd_lockout_success(&st);
        if (locked_now != s[i].locks)
            CASE_FAIL(i, "fail at %lld: locked_now %d", (long long)s[i].t,
                      locked_now);
        bool locked = hd_lockout_locked(&p, &st, s[i].t, &until);
        if (locked != (s[i].until != 0) || until != s[i].until)
            CASE_FAIL(i, "at %lld: locked %d until %lld, want %lld",
                      (long long)s[i].t, locked, (long long)until,
                      (long long)s[i].until);
    }
}

static void test_lockout_cap(void **state)
{
    (void)state;
    const struct hd_lockout_policy p = {3, 600, 100, 1000, 3, 86400};
    struct hd_lockout_state st = {0};
    static const int64_t want[] = {100, 300, 900, 1000, 1000};
    int64_t t = 10000;
    for (size_t k = 0; k < HD_ARRAY_LEN(want); k++) {
        int64_t until;
        for (int f = 0; f < 2; f++)
            assert_false(hd_lockout_fail(&p, &st, t++));
        if (!hd_lockout_fail(&p, &st, t))
            CASE_FAIL(k, "third failure did not lock");
        assert_true(hd_lockout_locked(&p, &st, t, &until));
        if (until - t != want[k])
            CASE_FAIL(k, "lock of %lld s, want %lld", (long long)(until - t),
                      (long long)want[k]);
        t = until;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_hash_verify),
        cmocka_unit_test(test_password_bad_input),
        cmocka_unit_test(test_needs_rehash),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_lockout_duration),
        cmocka_unit_test(test_lockout_script),
        cmocka_unit_test(test_lockout_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
