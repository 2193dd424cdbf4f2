/* forwarded.c - see forwarded.h.  Only the right end of X-Forwarded-For
 * is believed: each proxy appends the address it saw, so entries left of
 * the first untrusted one were written by the client and can say
 * anything. */
#include "forwarded.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

void web_forwarded_add_xff(struct web_forwarded *f, const char *value)
{
    if (f->nxff == WEB_XFF_HEADERS_MAX) {
        memmove(f->xff, f->xff + 1,
                (WEB_XFF_HEADERS_MAX - 1) * sizeof *f->xff);
        f->nxff--;
    }
    f->xff[f->nxff++] = value;
}

bool web_forwarded_trusts(const struct hd_cidr_list *trusted,
                          const char *peer)
{
    return trusted->n > 0 && hd_cidr_match(trusted, peer);
}

/* [p, p+n) without surrounding blanks. */
static void trim(const char **p, size_t *n)
{
    while (*n > 0 && (**p == ' ' || **p == '\t'))
        (*p)++, (*n)--;
    while (*n > 0 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
        (*n)--;
}

/* The IP address written in [p, p+n) as inet_ntop writes it; false when
 * it is not one. */
static bool addr_norm(const char *p, size_t n, char out[INET6_ADDRSTRLEN])
{
    char buf[INET6_ADDRSTRLEN];
    unsigned char bin[16];
    trim(&p, &n);
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    int af = strchr(buf, ':') ? AF_INET6 : AF_INET;
    return inet_pton(af, buf, bin) == 1 &&
           inet_ntop(af, bin, out, INET6_ADDRSTRLEN) != NULL;
}

static bool proto_https(const char *proto)
{
    if (proto == NULL)
        return false;
    const char *comma = strrchr(proto, ',');
    const char *p = comma ? comma + 1 : proto;
    size_t n = strlen(p);
    trim(&p, &n);
    return n == 5 && strncasecmp(p, "https", 5) == 0;
}

void web_forwarded_client(const struct hd_cidr_list *trusted,
                          const char *peer, const struct web_forwarded *f,
                          struct hd_arena *a, const char **ip_r,
                          bool *https_r)
{
    char addr[INET6_ADDRSTRLEN];
    int hops = 0;
    *ip_r = peer;
    *https_r = proto_https(f->proto);
    for (size_t h = f->nxff; h-- > 0;) {
        const char *s = f->xff[h];
        size_t end = strlen(s);
        for (;;) {
            size_t start = end;
            while (start > 0 && s[start - 1] != ',')
                start--;
            if (++hops > WEB_XFF_HOPS_MAX ||
                !addr_norm(s + start, end - start, addr))
                return;
            *ip_r = hd_arena_strdup(a, addr);
            if (!hd_cidr_match(trusted, addr))
                return;
            if (start == 0)
                break;
            end = start - 1;
        }
    }
}
