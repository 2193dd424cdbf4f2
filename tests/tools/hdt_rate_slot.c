/* hdt_rate_slot.c - prints two loopback addresses (127.0.0.2 upwards)
 * whose rate-limit buckets share a slot (web/http/ratelimit.h), for the
 * e2e test that alternates between them. */
#include "ratelimit.h"

#include <stdio.h>

int main(void)
{
    static char seen[WEB_RATE_SLOTS][16];
    for (unsigned i = 2; i < 65536; i++) {
        char ip[16];
        snprintf(ip, sizeof ip, "127.0.%u.%u", i >> 8, i & 255);
        if ((i & 255) == 0 || (i & 255) == 255)
            continue;
        size_t s = web_rate_slot(ip);
        if (seen[s][0] != '\0') {
            printf("%s %s\n", seen[s], ip);
            return 0;
        }
        snprintf(seen[s], sizeof seen[s], "%s", ip);
    }
    return 1;
}
