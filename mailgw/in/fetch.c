/* fetch.c - mailbox URL parsing, the password file, stop signals, waits
 * and the hand-over to intake shared by the IMAP and POP3 fetchers (see
 * fetch.h).  No protocol code here. */
#include "fetch.h"

#include "codec.h"
#include "intake.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MG_FETCH_WAIT_SLICE_MS 1000 /* stop requests seen within this */

static volatile sig_atomic_t stop_requested;

static const struct {
    const char *prefix;
    enum mg_fetch_proto proto;
    enum mg_fetch_tls tls;
    uint16_t port;
} schemes[] = {
    {"imaps://", MG_FETCH_IMAP, MG_FETCH_TLS_IMPLICIT, 993},
    {"imap://", MG_FETCH_IMAP, MG_FETCH_TLS_STARTTLS, 143},
    {"pop3s://", MG_FETCH_POP3, MG_FETCH_TLS_IMPLICIT, 995},
    {"pop3://", MG_FETCH_POP3, MG_FETCH_TLS_STARTTLS, 110},
};

/* Copies s[0..n) into out (cap bytes), undoing %XX.  0 or -1. */
static int copy_decoded(const char *s, size_t n, char *out, size_t cap)
{
    size_t len;
    struct hd_error err;
    return hd_pct_decode(s, n, HD_PCT_STRICT, out, cap, &len, &err);
}

/* HOST[:PORT] or [V6]:PORT in s[0..n). */
static int parse_hostport(const char *s, size_t n, struct mg_fetch *f)
{
    const char *end = s + n, *colon;
    if (n > 0 && s[0] == '[') {
        const char *rb = memchr(s, ']', n);
        if (rb == NULL || copy_decoded(s + 1, (size_t)(rb - s - 1), f->host,
                                       sizeof f->host) < 0)
            return -1;
        colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
        if (colon == NULL && rb + 1 != end)
            return -1;
    } else {
        colon = memchr(s, ':', n);
        size_t hn = colon ? (size_t)(colon - s) : n;
        if (copy_decoded(s, hn, f->host, sizeof f->host) < 0)
            return -1;
    }
    if (f->host[0] == '\0')
        return -1;
    if (colon != NULL) {
        char *e;
        long p = strtol(colon + 1, &e, 10);
        if (e != end || p <= 0 || p > 65535)
            return -1;
        f->port = (uint16_t)p;
    }
    return 0;
}

static int parse_rest(const char *p, struct mg_fetch *f)
{
    const char *q = strchr(p, '?');
    const char *path_end = q ? q : p + strlen(p);
    const char *slash = memchr(p, '/', (size_t)(path_end - p));
    const char *auth_end = slash ? slash : path_end;
    const char *at = memchr(p, '@', (size_t)(auth_end - p));
    if (at == NULL ||
        copy_decoded(p, (size_t)(at - p), f->user, sizeof f->user) < 0 ||
        f->user[0] == '\0')
        return -1;
    if (parse_hostport(at + 1, (size_t)(auth_end - at - 1), f) < 0)
        return -1;
    snprintf(f->mailbox, sizeof f->mailbox, "INBOX");
    if (slash != NULL && slash + 1 < path_end &&
        copy_decoded(slash + 1, (size_t)(path_end - slash - 1), f->mailbox,
                     sizeof f->mailbox) < 0)
        return -1;
    if (q == NULL)
        return 0;
    if (strcmp(q, "?tls=none") != 0 || f->tls != MG_FETCH_TLS_STARTTLS)
        return -1;
    f->tls = MG_FETCH_TLS_NONE;
    return 0;
}

int mg_fetch_url_parse(const char *url, struct mg_fetch *f,
                       struct hd_error *err)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(schemes); i++) {
        size_t n = strlen(schemes[i].prefix);
        if (strncmp(url, schemes[i].prefix, n) != 0)
            continue;
        f->proto = schemes[i].proto;
        f->tls = schemes[i].tls;
        f->port = schemes[i].port;
        if (parse_rest(url + n, f) < 0)
            break;
        size_t src = strcspn(url, "?");
        if (src >= sizeof f->source)
            break;
        memcpy(f->source, url, src);
        f->source[src] = '\0';
        return 0;
    }
    hd_error_set(err, HD_E_CONFIG,
                 "fetch URL not understood (want imaps://USER@HOST:PORT/"
                 "MAILBOX, imap://, pop3s:// or pop3://; ?tls=none only "
                 "after imap:// or pop3://)");
    return -1;
}

int mg_fetch_password_load(struct mg_fetch *f, const char *path,
                           struct hd_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        hd_error_set(err, HD_E_CONFIG, "password file %s: %s", path,
                     strerror(errno));
        return -1;
    }
    size_t n = fread(f->password, 1, sizeof f->password - 1, fp);
    bool more = fgetc(fp) != EOF;
    fclose(fp);
    f->password[n] = '\0';
    f->password[strcspn(f->password, "\r\n")] = '\0';
    if (more && strlen(f->password) == n) {
        hd_memzero_explicit(f->password, sizeof f->password);
        hd_error_set(err, HD_E_CONFIG, "password in %s longer than %d bytes",
                     path, MG_FETCH_PASSWORD_MAX - 1);
        return -1;
    }
    return 0;
}

void mg_fetch_deinit(struct mg_fetch *f)
{
    hd_memzero_explicit(f->password, sizeof f->password);
}

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

void mg_fetch_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: blocked reads return EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

bool mg_fetch_stopping(void)
{
    return stop_requested != 0;
}

void mg_fetch_signals_hold(bool hold)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

int mg_fetch_wait(int fd, int seconds)
{
    int64_t left_ms = (int64_t)seconds * 1000;
    while (left_ms > 0) {
        if (mg_fetch_stopping())
            return -1;
        int slice = left_ms < MG_FETCH_WAIT_SLICE_MS ? (int)left_ms
                                                     : MG_FETCH_WAIT_SLICE_MS;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, fd >= 0 ? 1 : 0, slice);
        if (n > 0)
            return 1;
        if (n == 0)
            left_ms -= slice;
    }
    return mg_fetch_stopping() ? -1 : 0;
}

int mg_fetch_intake(struct mg_fetch *f, const char *raw, size_t len,
                    struct hd_error *err)
{
    struct mg_intake_opts o = {.envelope_rcpt = NULL, .actor = "fetch"};
    struct mg_intake_result r;
    if (mg_intake_message(f->inst, hd_instance_store(f->inst), raw, len, &o,
                          &r, err) < 0)
        return -1;
    f->stats.fetched++;
    if (r.duplicate)
        f->stats.duplicate++;
    else if (r.created)
        f->stats.created++;
    else
        f->stats.threaded++;
    return 0;
}
