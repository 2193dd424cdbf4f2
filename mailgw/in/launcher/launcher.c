/* launcher.c - the `helpdesk-mailgw` users and MTAs run.  It needs only
 * libc and is linked static-pie where the toolchain can (see
 * mailgw/CMakeLists.txt), so it starts faster than an empty dynamically
 * linked program.
 *
 * `deliver` with an envelope recipient: if the instance's LMTP server
 * (`helpdesk-mailgw lmtp`) answers on its socket, the message on stdin
 * is streamed to it and the exit status is the server's answer: 0 on
 * 250 (stored durably), 75 (EX_TEMPFAIL: the MTA retries) on anything
 * else once the transfer has begun.  If the socket is absent or does not
 * accept the hand-off before DATA, nothing has been read from stdin yet
 * and the launcher execs the full program, which delivers in-process
 * exactly as before.
 *
 * Every other command execs the full program, helpdesk-mailgw-core, with
 * the same arguments.  It is looked for next to this file (a build
 * tree), then at HD_MAILGW_CORE_REL from this file's directory (an
 * installed tree, wherever its prefix was moved), then at HD_MAILGW_CORE.
 *
 * The data directory is found as the full program finds it (--data DIR,
 * -d DIR, --data=DIR, else HELPDESK_DATA), and so is the profile
 * (--profile P, else HELPDESK_PROFILE): a server announcing another
 * profile is not used, and the full program refuses the instance as it
 * always did.  The socket is mail.lmtp_socket
 * from DIR/helpdesk.conf, else DIR/run/lmtp.sock. */
#include "exitcode.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef HD_MAILGW_CORE
#define HD_MAILGW_CORE "/usr/local/libexec/helpdesk/helpdesk-mailgw-core"
#endif
#ifndef HD_MAILGW_CORE_REL
#define HD_MAILGW_CORE_REL "../libexec/helpdesk"
#endif
#define CORE_NAME "helpdesk-mailgw-core"
#define PATH_MAX_ 4096
#define CONF_LINE_MAX 4096
#define REPLY_MAX 1024            /* one LMTP reply line we read */
#define CHUNK 16384               /* stdin bytes read at a time */
#define REPLY_TIMEOUT_SECONDS 600 /* the server may wait for the database */
#define ADDR_MAX 256              /* envelope addresses we hand over */

struct link {
    int fd;
    const char *want;  /* a reply line to look for (after the code) */
    bool seen;         /* ... and whether it came */
    char in[REPLY_MAX];
    size_t in_len;
    char out[2 * CHUNK + 8]; /* stuffing at most doubles a chunk */
    size_t out_len;
};

static void exec_core(char **argv)
{
    static const char *const rel[] = {"", HD_MAILGW_CORE_REL "/"};
    char self[PATH_MAX_], core[2 * PATH_MAX_];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char *slash = n > 0 ? memrchr(self, '/', (size_t)n) : NULL;
    for (size_t k = 0; slash != NULL && k < sizeof rel / sizeof *rel; k++) {
        snprintf(core, sizeof core, "%.*s%s%s", (int)(slash - self + 1), self,
                 rel[k], CORE_NAME);
        if (access(core, X_OK) == 0)
            execv(core, argv);
    }
    execv(HD_MAILGW_CORE, argv);
    fprintf(stderr, "helpdesk-mailgw: cannot run %s: %s\n", HD_MAILGW_CORE,
            strerror(errno));
}

/* mail.lmtp_socket from DIR/helpdesk.conf ("" when not set). */
static void conf_socket(const char *dir, char *val, size_t cap)
{
    char path[PATH_MAX_], line[CONF_LINE_MAX];
    static const char key[] = "mail.lmtp_socket";
    val[0] = '\0';
    snprintf(path, sizeof path, "%s/helpdesk.conf", dir);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        char *p = line + strspn(line, " \t");
        if (strncmp(p, key, sizeof key - 1) != 0)
            continue;
        p += sizeof key - 1;
        p += strspn(p, " \t");
        if (*p != '=')
            continue;
        p += 1 + strspn(p + 1, " \t");
        size_t n = strcspn(p, "\r\n");
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        snprintf(val, cap, "%.*s", (int)n, p); /* the last one wins */
    }
    fclose(f);
}

/* Connects to the instance's LMTP socket; -1 if nothing answers. */
static int lmtp_connect(const char *dir)
{
    char val[PATH_MAX_];
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    conf_socket(dir, val, sizeof val);
    int n;
    if (val[0] == '/')
        n = snprintf(sa.sun_path, sizeof sa.sun_path, "%s", val);
    else
        n = snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", dir,
                     val[0] ? val : "run/lmtp.sock");
    if (n < 0 || (size_t)n >= sizeof sa.sun_path)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {REPLY_TIMEOUT_SECONDS, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Reads one reply (the last line of a multi-line one) into line; returns
 * its code, or -1 when the server is gone. */
static int reply(struct link *l, char *line, size_t cap)
{
    for (;;) {
        char *nl = memchr(l->in, '\n', l->in_len);
        if (nl != NULL) {
            size_t n = (size_t)(nl - l->in) + 1, len = n - 1;
            if (len > 0 && l->in[len - 1] == '\r')
                len--;
            snprintf(line, cap, "%.*s", (int)len, l->in);
            memmove(l->in, l->in + n, l->in_len - n);
            l->in_len -= n;
            if (l->want != NULL && strlen(line) > 4 &&
                strcmp(line + 4, l->want) == 0)
                l->seen = true;
            if (strlen(line) >= 4 && line[3] == '-')
                continue;
            return strlen(line) >= 3 ? atoi(line) : -1;
        }
        if (l->in_len == sizeof l->in)
            return -1;
        ssize_t r = recv(l->fd, l->in + l->in_len, sizeof l->in - l->in_len,
                         0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        l->in_len += (size_t)r;
    }
}

/* Streams stdin as DATA: dot-stuffed, line endings as they come, a final
 * newline added if the message lacks one, then the terminator. */
static bool stream(struct link *l)
{
    char chunk[CHUNK];
    bool bol = true, last_nl = true;
    ssize_t n;
    while ((n = read(0, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        l->out_len = 0;
        for (ssize_t i = 0; i < n; i++) {
            if (bol && chunk[i] == '.')
                l->out[l->out_len++] = '.';
            l->out[l->out_len++] = chunk[i];
            bol = chunk[i] == '\n';
        }
        last_nl = bol;
        if (!send_all(l->fd, l->out, l->out_len))
            return false;
    }
    return last_nl ? send_all(l->fd, ".\r\n", 3)
                   : send_all(l->fd, "\r\n.\r\n", 5);
}

/* 1: handed over (exit with *status_r); 0: not taken, nothing read.
 * With a profile, only a server announcing that profile takes it. */
static int hand_over(const char *dir, const char *profile, const char *rcpt,
                     int *status_r)
{
    char want[REPLY_MAX];
    /* Fields one by one: "= {...}" would clear the whole struct, its
     * output buffer included, and every page cleared is a page fault
     * that costs more than the rest of a small delivery. */
    struct link l;
    l.fd = lmtp_connect(dir);
    l.want = NULL;
    l.seen = false;
    l.in_len = l.out_len = 0;
    char cmd[4 * ADDR_MAX], line[REPLY_MAX];
    if (profile != NULL && profile[0] != '\0') {
        snprintf(want, sizeof want, "X-HELPDESK-PROFILE %s", profile);
        l.want = want;
    }
    const char *sender = getenv("SENDER");
    if (l.fd < 0)
        return 0;
    if (sender == NULL || strlen(sender) > ADDR_MAX ||
        strpbrk(sender, "<> \r\n") != NULL)
        sender = "";
    /* Our server announces PIPELINING (RFC 2920): the envelope goes in
     * one write and the replies are read in order.  A refusal anywhere,
     * or a server of another profile, closes the connection before any
     * message byte is sent, which the server takes as an aborted
     * transaction (nothing stored). */
    snprintf(cmd, sizeof cmd,
             "LHLO localhost\r\nMAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n",
             sender, rcpt);
    if (!send_all(l.fd, cmd, strlen(cmd)) ||
        reply(&l, line, sizeof line) != 220 ||
        reply(&l, line, sizeof line) != 250 || (l.want != NULL && !l.seen) ||
        reply(&l, line, sizeof line) != 250 ||
        reply(&l, line, sizeof line) != 250 ||
        reply(&l, line, sizeof line) != 354) {
        close(l.fd);
        return 0;
    }
    int code = stream(&l) ? reply(&l, line, sizeof line) : -1;
    if (code == 250) {
        *status_r = 0;
        /* stored: say goodbye without waiting for the answer */
        (void)send_all(l.fd, "QUIT\r\n", 6);
    } else {
        *status_r = HD_EXIT_TEMPFAIL;
        fprintf(stderr, "helpdesk-mailgw: deliver deferred (lmtp): %s\n",
                code < 0 ? "the LMTP server went away" : line);
    }
    close(l.fd);
    return 1;
}

/* The subcommand's index after the global options, or argc. */
static int globals(int argc, char **argv, const char **dir_r,
                   const char **profile_r)
{
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 || strcmp(argv[i], "-d") == 0) {
            if (i + 1 >= argc)
                return argc;
            *dir_r = argv[++i];
        } else if (strncmp(argv[i], "--data=", 7) == 0)
            *dir_r = argv[i] + 7;
        else if (strcmp(argv[i], "--profile") == 0) {
            if (i + 1 >= argc)
                return argc;
            *profile_r = argv[++i];
        } else if (strncmp(argv[i], "--profile=", 10) == 0)
            *profile_r = argv[i] + 10;
        else
            break;
    }
    return i;
}

/* deliver's recipient when the fast path can take the message; NULL
 * when only the full program can (no recipient, unknown options). */
static const char *deliver_rcpt(int argc, char **argv)
{
    const char *rcpt = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--recipient") == 0 && i + 1 < argc)
            rcpt = argv[++i];
        else
            return NULL;
    }
    if (rcpt == NULL)
        rcpt = getenv("ORIGINAL_RECIPIENT");
    if (rcpt == NULL || rcpt[0] == '\0' || strlen(rcpt) > ADDR_MAX ||
        strpbrk(rcpt, "<> \t\r\n") != NULL)
        return NULL;
    return rcpt;
}

int main(int argc, char **argv)
{
    const char *dir = getenv("HELPDESK_DATA");
    const char *profile = getenv("HELPDESK_PROFILE");
    int i = globals(argc, argv, &dir, &profile);
    if (i < argc && strcmp(argv[i], "deliver") == 0 && dir != NULL &&
        dir[0] != '\0') {
        const char *rcpt = deliver_rcpt(argc - i, argv + i);
        int status;
        if (rcpt != NULL && hand_over(dir, profile, rcpt, &status))
            return status;
    }
    exec_core(argv);
    return i < argc && strcmp(argv[i], "deliver") == 0 ? HD_EXIT_TEMPFAIL
                                                       : HD_EXIT_SOFTWARE;
}
