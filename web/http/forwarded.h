/* forwarded.h - who the client is when a reverse proxy stands between
 * us: the peer's own address, or, when the peer is one of
 * web.trusted_proxy, what its X-Forwarded-For and X-Forwarded-Proto say.
 * server.c asks once per request and stores the answer in r->client_ip
 * and r->https; every check (rate limit, allow-lists, /metrics, security
 * log, audit rows, cookies, HSTS) reads those two and nothing else.
 * Knows no connection: the caller hands it the header values. */
#ifndef WEB_FORWARDED_H
#define WEB_FORWARDED_H

#include "arena.h"
#include "cidr.h"
#include "hd.h"

#define WEB_XFF_HEADERS_MAX 8 /* X-Forwarded-For fields kept (the last) */
#define WEB_XFF_HOPS_MAX 16   /* addresses examined, from the right */

/* The forwarding headers of one request, as received. */
struct web_forwarded {
    const char *xff[WEB_XFF_HEADERS_MAX]; /* X-Forwarded-For, in order */
    size_t nxff;
    const char *proto; /* the last X-Forwarded-Proto, or NULL */
};

/* Adds one X-Forwarded-For field value; past WEB_XFF_HEADERS_MAX the
 * earliest is dropped (the proxy's own entry is at the end). */
void web_forwarded_add_xff(struct web_forwarded *f, const char *value);

/* True when peer (text) is one of trusted; an empty list trusts nobody
 * (unlike an allow-list, where empty allows all). */
bool web_forwarded_trusts(const struct hd_cidr_list *trusted,
                          const char *peer);

/* The client of a request whose peer is trusted: X-Forwarded-For read
 * from the right, skipping addresses that are themselves trusted; the
 * first one that is not is the client.  When every address examined is
 * trusted, the left-most of them; when an entry is not an IP address (or
 * WEB_XFF_HOPS_MAX are passed), the last trusted hop before it (at
 * worst peer).  *ip_r is peer or an address normalised by inet_ntop in
 * a.  *https_r is true when the last X-Forwarded-Proto entry is "https"
 * (any case).  The caller checks web_forwarded_trusts() first. */
void web_forwarded_client(const struct hd_cidr_list *trusted,
                          const char *peer, const struct web_forwarded *f,
                          struct hd_arena *a, const char **ip_r,
                          bool *https_r);

#endif
