/* test_ratelimit.c - per-address token buckets when two addresses hash
 * to the same slot: whatever order they come in, together they get no
 * more than one burst (a collision never refills a bucket), while two
 * addresses in different slots each get their own.  Buckets refill on
 * the real monotonic clock at one token a second here, so each count
 * allows a little slack for the time the test takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ratelimit.h"

#include <stdio.h>
#include <string.h>

#define RATE 60 /* a minute: bursts of 60, one token a second */
#define SLACK 3 /* tokens the clock may add while a case runs */

/* Two IPv4 addresses in one slot (collide) or in two (!collide), found
 * by walking 10.x.y.z from seed. */
static void find_pair(bool collide, unsigned seed, char a[32], char b[32])
{
    snprintf(a, 32, "10.%u.%u.%u", (seed >> 16) & 255, (seed >> 8) & 255,
             seed & 255);
    size_t want = web_rate_slot(a);
    for (unsigned i = seed + 1; i < seed + (1u << 22); i++) {
        snprintf(b, 32, "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255,
                 i & 255);
        if ((web_rate_slot(b) == want) == collide)
            return;
    }
    fail_msg("no %s pair from seed %u", collide ? "colliding" : "distinct",
             seed);
}

struct rate_case {
    bool collide;
    /* The order of requests: 'a' or 'b', repeated to make n requests. */
    const char *pattern;
    int n;
    int allowed_min, allowed_max; /* of all n, both addresses together */
    int b_min; /* of those, b's at least (0: no claim) */
};

static const struct rate_case cases[] = {
    /* Alternating between two colliding addresses: one burst between
     * them (each used to reset the other's bucket: all 200 passed). */
    {true, "ab", 200, RATE, RATE + SLACK, 0},
    {true, "aab", 300, RATE, RATE + SLACK, 0},
    /* a spends the burst, then b takes the slot over: b does not start
     * with a full bucket; then a comes back and is not full either. */
    {true, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "bbbbbbbbbbbbbbbbbbbbaaaaaaaaaaaaaaaaaaaa",
     104, RATE, RATE + SLACK, 0},
    /* Addresses in different slots keep separate buckets. */
    {false, "ab", 200, 2 * RATE, 2 * RATE + SLACK, RATE},
};

static void test_collisions_never_refill(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct rate_case *c = &cases[i];
        char a[32], b[32];
        web_rate_init(RATE); /* empties every slot */
        find_pair(c->collide, 0x010000u + 4096u * (unsigned)i, a, b);
        if ((web_rate_slot(a) == web_rate_slot(b)) != c->collide)
            fail_msg("case %zu: %s and %s: wrong pair", i, a, b);
        size_t plen = strlen(c->pattern);
        int allowed = 0, allowed_b = 0;
        for (int k = 0; k < c->n; k++) {
            bool is_b = c->pattern[(size_t)k % plen] == 'b';
            if (web_rate_take(is_b ? b : a) == 0) {
                allowed++;
                allowed_b += is_b;
            }
        }
        if (allowed < c->allowed_min || allowed > c->allowed_max)
            fail_msg("case %zu (%s/%s, \"%.8s...\" x%d): %d allowed, want "
                     "%d..%d", i, a, b, c->pattern, c->n, allowed,
                     c->allowed_min, c->allowed_max);
        if (allowed_b < c->b_min)
            fail_msg("case %zu (%s/%s): b allowed %d, want >= %d", i, a, b,
                     allowed_b, c->b_min);
    }
}

/* A refused request says how long to wait, whichever colliding address
 * asks. */
static void test_retry_after_shared(void **state)
{
    (void)state;
    char a[32], b[32];
    web_rate_init(RATE);
    find_pair(true, 0x020000u, a, b);
    for (int k = 0; k < RATE; k++)
        if (web_rate_take(a) != 0)
            fail_msg("request %d of a's burst refused", k);
    int wa = web_rate_take(a), wb = web_rate_take(b);
    if (wa < 1 || wb < 1)
        fail_msg("after a's burst: a waits %d, b waits %d; want >= 1", wa,
                 wb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_collisions_never_refill),
        cmocka_unit_test(test_retry_after_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
