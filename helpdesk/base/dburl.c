/* dburl.c - see dburl.h. */
#include "dburl.h"

#include <string.h>

static void put(char *out, size_t n, size_t *len, const char *s, size_t k)
{
    while (k-- > 0 && *len + 1 < n)
        out[(*len)++] = *s++;
    out[*len] = '\0';
}

void hd_dburl_public(const char *url, char *out, size_t n)
{
    size_t len = 0;
    if (n == 0)
        return;
    out[0] = '\0';
    const char *sep = strstr(url, "://");
    const char *rest = sep != NULL ? sep + 3 : url;
    if (sep != NULL)
        put(out, n, &len, url, (size_t)(rest - url));
    size_t end = strcspn(rest, "?#");
    const char *at = NULL;
    for (size_t i = 0; i < end; i++)
        if (rest[i] == '@')
            at = rest + i;
    const char *host = rest;
    if (at != NULL) {
        size_t user = strcspn(rest, ":@"); /* never past at */
        if (user > 0) {
            put(out, n, &len, rest, user);
            put(out, n, &len, "@", 1);
        }
        host = at + 1;
    }
    put(out, n, &len, host, (size_t)(rest + end - host));
}
