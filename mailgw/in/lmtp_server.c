/* lmtp_server.c - see lmtp_server.h.  Timeouts use CLOCK_MONOTONIC, not
 * hd_clock_now(): the help desk clock may be frozen (HELPDESK_NOW) in
 * tests, and an idle timeout must still fire. */
#include "lmtp_server.h"

#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK 65536      /* bytes read from a client at a time */
#define OUT_MAX (1024 * 1024) /* replies queued for one client */
#define LISTEN_BACKLOG 64
#define POLL_MS 1000          /* wake-up for timeouts and the tick */

struct conn {
    int fd;
    struct mg_lmtp *s;
    struct hd_buf out;
    int64_t last; /* monotonic seconds of the last input */
};

struct server {
    const struct mg_lmtp_server_opts *o;
    const struct mg_lmtp_server_cb *cb;
    int lfd[2]; /* UNIX, TCP (-1: none) */
    struct conn *conns;
    int n_conns;
    bool stopping;
    int64_t drain_until;
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int64_t mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A socket file left by a server that is gone is removed; one that
 * answers means another server runs: HD_E_EXISTS. */
static int clear_stale(const struct sockaddr_un *sa, struct hd_error *err)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    int rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
    close(fd);
    if (rc == 0) {
        hd_error_set(err, HD_E_EXISTS, "%s: another LMTP server answers",
                     sa->sun_path);
        return -1;
    }
    if (errno == ECONNREFUSED)
        unlink(sa->sun_path);
    return 0;
}

static int make_dir_of(const char *path, struct hd_error *err)
{
    char dir[sizeof ((struct sockaddr_un *)0)->sun_path];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        hd_error_set(err, HD_E_IO, "%s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

static int listen_unix(const char *path, struct hd_error *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        hd_error_set(err, HD_E_CONFIG, "socket path longer than %zu bytes: %s",
                     sizeof sa.sun_path - 1, path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (make_dir_of(path, err) < 0 || clear_stale(&sa, err) < 0)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    mode_t old = umask(0117); /* the socket is born 0660 */
    int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc < 0 || chmod(path, 0660) < 0 || listen(fd, LISTEN_BACKLOG) < 0 ||
        set_nonblock(fd) < 0) {
        hd_error_set(err, HD_E_IO, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    printf("listening on unix:%s\n", path);
    return fd;
}

/* "127.0.0.1:PORT" (any 127/8 address); port 0 picks a free one. */
static int listen_tcp(const char *spec, struct hd_error *err)
{
    char host[64];
    const char *colon = strrchr(spec, ':');
    struct sockaddr_in sa = {.sin_family = AF_INET};
    if (colon == NULL || (size_t)(colon - spec) >= sizeof host) {
        hd_error_set(err, HD_E_CONFIG, "mail.lmtp_listen: want ADDR:PORT");
        return -1;
    }
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 || *end != '\0' ||
        port < 0 || port > 65535 ||
        (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
        hd_error_set(err, HD_E_CONFIG,
                     "mail.lmtp_listen: '%s' is not 127.x.x.x:PORT", spec);
        return -1;
    }
    sa.sin_port = htons((uint16_t)port);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    socklen_t sl = sizeof sa;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(fd, LISTEN_BACKLOG) < 0 || set_nonblock(fd) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
        hd_error_set(err, HD_E_IO, "%s: %s", spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    printf("listening on tcp:%s:%u\n", host, ntohs(sa.sin_port));
    return fd;
}

/* Writes out completely (waiting at most the idle timeout); false when
 * the client is gone or stuck. */
static bool flush(struct server *sv, struct conn *c)
{
    size_t off = 0;
    while (off < c->out.len) {
        ssize_t w = send(c->fd, c->out.data + off, c->out.len - off,
                         MSG_NOSIGNAL);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        struct pollfd p = {.fd = c->fd, .events = POLLOUT};
        if (w < 0 && errno == EAGAIN &&
            poll(&p, 1, sv->o->timeout_seconds * 1000) == 1)
            continue;
        return false;
    }
    hd_buf_reset(&c->out);
    return true;
}

static void conn_close(struct server *sv, int i)
{
    struct conn *c = &sv->conns[i];
    close(c->fd);
    mg_lmtp_free(&c->s);
    hd_buf_deinit(&c->out);
    sv->conns[i] = sv->conns[--sv->n_conns];
}

/* Says 421 (reason) and closes. */
static void conn_drop(struct server *sv, int i, const char *reason)
{
    struct conn *c = &sv->conns[i];
    mg_lmtp_reply(c->s, &c->out, "421 %s", reason);
    (void)flush(sv, c);
    conn_close(sv, i);
}

static void accept_one(struct server *sv, int lfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    if (sv->n_conns == sv->o->max_connections) {
        static const char busy[] = "421 4.3.2 too many connections, try "
                                   "again later\r\n";
        (void)!send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        close(fd);
        hd_warn("lmtp", "connection_refused", "max=%d",
                sv->o->max_connections);
        return;
    }
    struct conn *c = &sv->conns[sv->n_conns++];
    c->fd = fd;
    c->s = mg_lmtp_new(sv->o->host, sv->o->profile, sv->o->max_message);
    hd_buf_init(&c->out, OUT_MAX);
    c->last = mono_now();
    mg_lmtp_greeting(c->s, &c->out);
    if (!flush(sv, c))
        conn_close(sv, sv->n_conns - 1);
}

/* Feeds what the client sent; false when the connection is to close. */
static bool conn_input(struct server *sv, struct conn *c)
{
    char in[READ_CHUNK];
    ssize_t n = recv(c->fd, in, sizeof in, 0);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    if (n == 0)
        return false; /* a message cut short is not acknowledged */
    c->last = mono_now();
    size_t off = 0;
    while (off < (size_t)n) {
        size_t used;
        enum mg_lmtp_event ev =
            mg_lmtp_feed(c->s, in + off, (size_t)n - off, &used, &c->out);
        off += used;
        if (ev == MG_LMTP_MESSAGE) {
            sv->cb->deliver(sv->cb->ctx, c->s, &c->out);
            mg_lmtp_done(c->s);
            if (!flush(sv, c))
                return false;
        } else if (ev == MG_LMTP_QUIT) {
            (void)flush(sv, c);
            return false;
        }
    }
    return flush(sv, c);
}

/* Timeouts, and on stop everything not in the middle of a message. */
static void sweep(struct server *sv)
{
    int64_t now = mono_now();
    for (int i = sv->n_conns - 1; i >= 0; i--) {
        struct conn *c = &sv->conns[i];
        if (now - c->last > sv->o->timeout_seconds)
            conn_drop(sv, i, "4.4.2 idle too long, closing");
        else if (sv->stopping &&
                 (!mg_lmtp_in_data(c->s) || now > sv->drain_until))
            conn_drop(sv, i, "4.3.2 shutting down, try again later");
    }
}

static void begin_stop(struct server *sv)
{
    sv->stopping = true;
    sv->drain_until = mono_now() + MG_LMTP_DRAIN_SECONDS;
    for (int k = 0; k < 2; k++)
        if (sv->lfd[k] >= 0) {
            close(sv->lfd[k]);
            sv->lfd[k] = -1;
        }
    unlink(sv->o->socket_path);
    hd_info("lmtp", "stopping", "connections=%d", sv->n_conns);
}

static void poll_once(struct server *sv, const sigset_t *waitmask)
{
    struct pollfd p[2 + MG_LMTP_CONN_LIMIT];
    int n = 0;
    for (int k = 0; k < 2; k++)
        if (sv->lfd[k] >= 0)
            p[n++] = (struct pollfd){.fd = sv->lfd[k], .events = POLLIN};
    int first = n;
    for (int i = 0; i < sv->n_conns; i++)
        p[n++] = (struct pollfd){.fd = sv->conns[i].fd, .events = POLLIN};
    struct timespec ts = {POLL_MS / 1000, (POLL_MS % 1000) * 1000000L};
    if (ppoll(p, (nfds_t)n, &ts, waitmask) <= 0)
        return;
    /* Backwards: closing connection i moves the last one into slot i. */
    for (int k = n - 1; k >= first; k--)
        if (p[k].revents != 0 && !conn_input(sv, &sv->conns[k - first]))
            conn_close(sv, k - first);
    for (int k = 0; k < first; k++)
        if (p[k].revents & POLLIN)
            accept_one(sv, p[k].fd);
}

static void signals(sigset_t *waitmask)
{
    struct sigaction sa = {.sa_handler = on_stop};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    /* Blocked except inside ppoll(): a signal never slips in between
     * the check of stop_requested and the wait. */
    sigprocmask(SIG_BLOCK, &block, waitmask);
    sigdelset(waitmask, SIGTERM);
    sigdelset(waitmask, SIGINT);
}

int mg_lmtp_serve(const struct mg_lmtp_server_opts *o,
                  const struct mg_lmtp_server_cb *cb, struct hd_error *err)
{
    hd_assert(o->max_connections > 0 &&
              o->max_connections <= MG_LMTP_CONN_LIMIT);
    struct server sv = {.o = o, .cb = cb, .lfd = {-1, -1}};
    sigset_t waitmask;
    signals(&waitmask);
    if ((sv.lfd[0] = listen_unix(o->socket_path, err)) < 0)
        return -1;
    if (o->tcp_listen != NULL &&
        (sv.lfd[1] = listen_tcp(o->tcp_listen, err)) < 0) {
        close(sv.lfd[0]);
        unlink(o->socket_path);
        return -1;
    }
    fflush(stdout);
    sv.conns = hd_xcalloc((size_t)o->max_connections, sizeof *sv.conns);
    while (!sv.stopping || sv.n_conns > 0) {
        if (stop_requested && !sv.stopping)
            begin_stop(&sv);
        poll_once(&sv, &waitmask);
        sweep(&sv);
        if (cb->tick != NULL)
            cb->tick(cb->ctx);
    }
    free(sv.conns);
    hd_info("lmtp", "stopped", "%s", "");
    return 0;
}
