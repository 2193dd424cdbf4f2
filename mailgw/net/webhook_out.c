/* webhook_out.c - see webhook_out.h.  A minimal HTTP/1.1 client: parse
 * http://host[:port]/path, connect with timeouts, send one POST with
 * Connection: close, read the status line.  2xx is delivered; anything
 * else is retried (30 s, 60 s, ... up to HD_WEBHOOK_BACKOFF_MAX). */
#include "webhook_out.h"

#include "clock.h"
#include "log.h"
#include "store_api.h"
#include "webhook.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define HOST_MAX 256

struct url {
    char host[HOST_MAX], port[8];
    const char *path;
};

static int parse_url(const char *u, struct url *out, struct hd_error *err)
{
    if (strncmp(u, "http://", 7) != 0) {
        hd_error_set(err, HD_E_INVAL, "only http:// URLs are delivered");
        return -1;
    }
    const char *h = u + 7, *slash = strchr(h, '/');
    size_t hl = slash ? (size_t)(slash - h) : strlen(h);
    const char *colon = memchr(h, ':', hl);
    size_t nl = colon ? (size_t)(colon - h) : hl;
    size_t pl = colon ? hl - nl - 1 : 0;
    if (nl == 0 || nl >= HOST_MAX || pl >= sizeof out->port) {
        hd_error_set(err, HD_E_INVAL, "bad URL host");
        return -1;
    }
    memcpy(out->host, h, nl);
    out->host[nl] = '\0';
    if (colon) {
        memcpy(out->port, colon + 1, pl);
        out->port[pl] = '\0';
    } else {
        memcpy(out->port, "80", 3);
    }
    out->path = slash ? slash : "/";
    return 0;
}

static int dial(const struct url *u, struct hd_error *err)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo(u->host, u->port, &hints, &res) != 0) {
        hd_error_set(err, HD_E_TEMP, "cannot resolve %s", u->host);
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
        struct timeval tv = {.tv_sec = HD_WEBHOOK_TIMEOUT_SECS};
        if (fd >= 0) {
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
                close(fd);
                fd = -1;
            }
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        hd_error_set(err, HD_E_TEMP, "cannot connect to %s:%s", u->host,
                     u->port);
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* POSTs one delivery; returns the HTTP status, or 0 with err set. */
static int post(struct hd_arena *a, const struct hd_webhook_delivery *d,
                struct hd_error *err)
{
    struct url u;
    if (parse_url(d->url, &u, err) < 0)
        return 0;
    char sig[HD_WEBHOOK_SIG_SIZE];
    size_t blen = strlen(d->payload);
    hd_webhook_sign(d->secret, d->payload, blen, sig);
    const char *head = hd_arena_printf(
        a, "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: helpdesk-webhook\r\n"
        "Content-Type: application/json\r\nContent-Length: %zu\r\n"
        "X-Helpdesk-Event: %s\r\nX-Helpdesk-Delivery: %lld\r\n"
        "X-Helpdesk-Signature: %s\r\nConnection: close\r\n\r\n",
        u.path, u.host, blen, d->event, (long long)d->id, sig);
    int fd = dial(&u, err);
    if (fd < 0)
        return 0;
    char line[128];
    ssize_t got = -1;
    if (send_all(fd, head, strlen(head)) == 0 &&
        send_all(fd, d->payload, blen) == 0)
        got = recv(fd, line, sizeof line - 1, 0);
    close(fd);
    int status = 0;
    if (got > 0) {
        line[got] = '\0';
        if (sscanf(line, "HTTP/1.%*d %d", &status) != 1)
            status = 0;
    }
    if (status == 0)
        hd_error_set(err, HD_E_TEMP, "no HTTP answer from %s", u.host);
    return status;
}

static int64_t backoff(int attempts)
{
    int64_t s = 30;
    for (int i = 0; i < attempts && s < HD_WEBHOOK_BACKOFF_MAX; i++)
        s *= 2;
    return s < HD_WEBHOOK_BACKOFF_MAX ? s : HD_WEBHOOK_BACKOFF_MAX;
}

/* 1 claimed (committed) / 0 another worker has it / -1 error. */
static int claim(struct hd_store *st, int64_t id, struct hd_error *err)
{
    int64_t now = hd_clock_now();
    if (hd_store_begin(st, err) < 0)
        return -1;
    int c = hd_store_webhook_claim(st, id, now, now + HD_WEBHOOK_LEASE, err);
    if (c <= 0) {
        hd_store_rollback(st);
        return c;
    }
    return hd_store_commit(st, err) < 0 ? -1 : 1;
}

int hd_webhook_run(struct hd_instance *inst, struct hd_store *st,
                   struct hd_error *err)
{
    (void)inst;
    struct hd_arena *a = hd_arena_new();
    struct hd_webhook_delivery *ds;
    size_t n;
    int64_t now = hd_clock_now();
    int rc = hd_store_webhook_due(st, now, HD_WEBHOOK_BATCH, a, &ds, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct hd_error perr = HD_ERROR_INIT;
        int c = claim(st, ds[i].id, err);
        if (c < 0)
            rc = -1;
        if (c <= 0)
            continue; /* another worker has it */
        int status = post(a, &ds[i], &perr);
        bool ok = status >= 200 && status < 300;
        bool give_up = !ok && ds[i].attempts + 1 >= HD_WEBHOOK_ATTEMPTS_MAX;
        const char *why = ok ? NULL : status ? hd_arena_printf(
                                         a, "HTTP %d", status) : perr.msg;
        rc = hd_store_webhook_mark(st, ds[i].id, ok ? "sent" : give_up
                                   ? "failed" : "queued",
                                   now + backoff(ds[i].attempts), status,
                                   why, now, err);
        hd_info("webhook", ok ? "delivered" : "failed",
                "id=%lld status=%d attempts=%d", (long long)ds[i].id, status,
                ds[i].attempts + 1);
    }
    hd_arena_free(&a);
    return rc;
}
