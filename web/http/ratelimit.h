/* ratelimit.h - per-client-IP token buckets: rate_per_minute tokens a
 * minute, bursts up to the same number.  A fixed table of slots hashed by
 * address (no allocation per client).  A collision shares a bucket: the
 * slot keeps its tokens when another key takes it over, which only ever
 * makes the limit stricter for the two clients, never resets it. */
#ifndef WEB_RATELIMIT_H
#define WEB_RATELIMIT_H

#include "hd.h"

#define WEB_RATE_SLOTS 4096

/* rate_per_minute 0 disables limiting. */
void web_rate_init(long rate_per_minute);
/* Takes one token for ip.  Returns 0 when allowed, else the seconds to
 * wait before the next token (for Retry-After). */
int web_rate_take(const char *ip);
/* The same for any key (such as "token:12") with its own rate; keys
 * share the slot table with addresses. */
int web_rate_take_key(const char *key, long rate_per_minute);
/* The slot key's bucket lives in (0 .. WEB_RATE_SLOTS-1), for tests that
 * need two keys that collide. */
size_t web_rate_slot(const char *key);

#endif
