/* ratelimit.c - see ratelimit.h.  Buckets run on CLOCK_MONOTONIC: they
 * measure elapsed time, not dates, so a frozen or stepped wall clock
 * (hd_clock_now) must not affect them. */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define WEB_RATE_IP_MAX 46 /* INET6_ADDRSTRLEN; also fits "token:ID" */

struct bucket {
    char ip[WEB_RATE_IP_MAX];
    double tokens;
    double last; /* monotonic seconds */
};

static struct bucket buckets[WEB_RATE_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double per_second, burst;

void web_rate_init(long rate_per_minute)
{
    per_second = rate_per_minute > 0 ? (double)rate_per_minute / 60.0 : 0;
    burst = (double)rate_per_minute;
    memset(buckets, 0, sizeof buckets);
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int take(const char *ip, double rate, double cap);

size_t web_rate_slot(const char *ip)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)ip; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % WEB_RATE_SLOTS;
}

int web_rate_take(const char *ip)
{
    return take(ip, per_second, burst);
}

int web_rate_take_key(const char *key, long rate_per_minute)
{
    if (rate_per_minute <= 0)
        return 0;
    return take(key, (double)rate_per_minute / 60.0,
                (double)rate_per_minute);
}

static int take(const char *ip, double rate, double cap)
{
    if (rate <= 0)
        return 0;
    double now = mono_now();
    int wait = 0;
    pthread_mutex_lock(&lock);
    struct bucket *b = &buckets[web_rate_slot(ip)];
    /* Only a slot nobody used starts full.  A key that collides takes the
     * slot over with the tokens left in it, and the key it evicted gets
     * them back the same way: the two share one bucket, so alternating
     * between them never refills it. */
    if (b->ip[0] == '\0') {
        b->tokens = cap;
        b->last = now;
    }
    if (strncmp(b->ip, ip, sizeof b->ip) != 0)
        snprintf(b->ip, sizeof b->ip, "%s", ip);
    b->tokens = fmin(cap, b->tokens + (now - b->last) * rate);
    b->last = now;
    if (b->tokens >= 1.0)
        b->tokens -= 1.0;
    else
        wait = (int)ceil((1.0 - b->tokens) / rate);
    pthread_mutex_unlock(&lock);
    return wait;
}
