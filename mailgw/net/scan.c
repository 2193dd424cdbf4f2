/* scan.c - see scan.h.  Owns the clamd protocol; not what to do with an
 * infected attachment.
 *
 * The z-prefixed commands end with NUL and so do the replies.  INSTREAM
 * data goes as chunks, each preceded by its length as 4 bytes big-endian,
 * then a zero-length chunk.  When the stream exceeds clamd's
 * StreamMaxLength, clamd replies "INSTREAM size limit exceeded. ERROR"
 * and closes the socket while we may still be sending: sends use
 * MSG_NOSIGNAL (no SIGPIPE) and a failed send still reads the reply. */
#include "scan.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int connect_unix(const char *path, const char *what,
                        struct hd_error *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        hd_error_set(err, HD_E_CONFIG, "%s socket path too long", what);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        hd_error_set(err, HD_E_TEMP, "%s at %s: %s", what, path,
                     strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* "host:port"; the last colon splits, so "[::1]" style is not needed
 * for names and IPv4. */
static int connect_tcp(const char *addr, const char *what,
                       struct hd_error *err)
{
    char host[HD_SCAN_ADDR_MAX];
    const char *c = strrchr(addr, ':');
    size_t hl = (size_t)(c - addr);
    if (hl == 0 || hl >= sizeof host || c[1] == '\0') {
        hd_error_set(err, HD_E_CONFIG, "%s address '%s' not host:port",
                     what, addr);
        return -1;
    }
    memcpy(host, addr, hl);
    host[hl] = '\0';
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo(host, c + 1, &hints, &res) != 0) {
        hd_error_set(err, HD_E_TEMP, "%s host %s not resolved", what, host);
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        hd_error_set(err, HD_E_TEMP, "%s at %s: %s", what, addr,
                     strerror(errno));
    return fd;
}

int hd_scan_connect(const char *addr, const char *what, int timeout_ms,
                    struct hd_error *err)
{
    int fd = addr[0] == '/' ? connect_unix(addr, what, err)
                            : connect_tcp(addr, what, err);
    if (fd < 0)
        return -1;
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

int hd_scan_send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t k = send(fd, c, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Reads up to the NUL (or EOF) into out; returns the length or -1. */
static ssize_t read_reply(int fd, char *out, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t k = recv(fd, out + n, cap - 1 - n, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        n += (size_t)k;
        if (memchr(out, '\0', n))
            break;
    }
    out[n] = '\0';
    return n > 0 ? (ssize_t)strlen(out) : -1;
}

static int send_stream(int fd, const unsigned char *d, size_t len)
{
    if (hd_scan_send_all(fd, "zINSTREAM", sizeof "zINSTREAM") < 0)
        return -1;
    for (size_t off = 0; off < len; off += HD_SCAN_CHUNK) {
        uint32_t n = (uint32_t)(len - off < HD_SCAN_CHUNK ? len - off
                                                          : HD_SCAN_CHUNK);
        unsigned char hdr[4] = {n >> 24, n >> 16, n >> 8, n};
        if (hd_scan_send_all(fd, hdr, 4) < 0 ||
            hd_scan_send_all(fd, d + off, n) < 0)
            return -1;
    }
    static const unsigned char end[4] = {0, 0, 0, 0};
    return hd_scan_send_all(fd, end, 4);
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* "stream: OK", "stream: <name> FOUND", "<message> ERROR". */
static int parse_reply(const char *rep, size_t n, char *vn, size_t vn_len,
                       enum hd_scan_result *r, struct hd_error *err)
{
    static const char pfx[] = "stream: ";
    const char *body = strncmp(rep, pfx, strlen(pfx)) == 0
                           ? rep + strlen(pfx) : rep;
    size_t bl = n - (size_t)(body - rep);
    if (strcmp(body, "OK") == 0) {
        *r = HD_SCAN_CLEAN;
        return 0;
    }
    if (ends_with(body, bl, " FOUND")) {
        *r = HD_SCAN_INFECTED;
        if (vn_len > 0)
            snprintf(vn, vn_len, "%.*s", (int)(bl - strlen(" FOUND")), body);
        return 0;
    }
    *r = HD_SCAN_ERROR;
    hd_error_set(err, strstr(rep, "size limit") ? HD_E_TOOBIG : HD_E_INTERNAL,
                 "clamd: %.200s", rep);
    return 0;
}

int hd_scan_buffer(const char *socket, const void *data, size_t len,
                   char *virus_name, size_t vn_len, enum hd_scan_result *r,
                   struct hd_error *err)
{
    if (vn_len > 0)
        virus_name[0] = '\0';
    int fd = hd_scan_connect(socket, "clamd", HD_SCAN_TIMEOUT_MS, err);
    if (fd < 0)
        return -1;
    /* A failed send is not final: clamd may have answered (size limit)
     * and closed; the reply says why. */
    int sent = send_stream(fd, data, len);
    char rep[HD_SCAN_REPLY_MAX];
    ssize_t n = read_reply(fd, rep, sizeof rep);
    close(fd);
    if (n <= 0) {
        hd_error_set(err, HD_E_TEMP, "clamd at %s: %s", socket,
                     sent < 0 ? "connection lost while sending"
                              : "no reply");
        return -1;
    }
    return parse_reply(rep, (size_t)n, virus_name, vn_len, r, err);
}

int hd_scan_ping(const char *socket, struct hd_error *err)
{
    int fd = hd_scan_connect(socket, "clamd", HD_SCAN_TIMEOUT_MS, err);
    if (fd < 0)
        return -1;
    char rep[HD_SCAN_REPLY_MAX];
    ssize_t n = hd_scan_send_all(fd, "zPING", sizeof "zPING") < 0
                    ? -1 : read_reply(fd, rep, sizeof rep);
    close(fd);
    if (n <= 0 || strcmp(rep, "PONG") != 0) {
        hd_error_set(err, HD_E_TEMP, "clamd at %s did not answer PING",
                     socket);
        return -1;
    }
    return 0;
}
