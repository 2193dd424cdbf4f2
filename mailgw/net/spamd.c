/* spamd.c - see spamd.h.  The exchange (spamd(1), "PROTOCOL"):
 *
 *   C: CHECK SPAMC/1.5\r\n
 *      Content-length: <bytes>\r\n
 *      \r\n
 *      <message>                       then half-close
 *   S: SPAMD/1.1 0 EX_OK\r\n
 *      Spam: True ; 1000.0 / 5.0\r\n
 *      \r\n
 *
 * CHECK sends nothing back but the verdict, so the reply is small and
 * bounded (HD_SPAMD_REPLY_MAX). */
#include "spamd.h"

#include "scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Reads until spamd closes (or the cap); the length, or -1. */
static ssize_t read_all(int fd, char *out, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t k = recv(fd, out + n, cap - 1 - n, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        n += (size_t)k;
    }
    out[n] = '\0';
    return (ssize_t)n;
}

int hd_spamd_parse_reply(const char *rep, size_t n,
                         struct hd_spamd_result *r, struct hd_error *err)
{
    int code = -1, used = 0;
    if (n < 12 || strncmp(rep, "SPAMD/1.", 8) != 0 ||
        sscanf(rep + 8, "%*d %d %n", &code, &used) != 1 || code != 0) {
        hd_error_set(err, HD_E_TEMP, "spamd answered '%.60s'", rep);
        return -1;
    }
    /* The "Spam:" header line: "Spam: True ; 15.3 / 5.0" */
    for (const char *l = strchr(rep, '\n'); l != NULL && l < rep + n;
         l = strchr(l + 1, '\n')) {
        char verdict[8];
        double score, thr;
        if (strncasecmp(l + 1, "Spam:", 5) != 0)
            continue;
        if (sscanf(l + 6, " %7s ; %lf / %lf", verdict, &score, &thr) != 3)
            break;
        r->spam = strcasecmp(verdict, "True") == 0 ||
                  strcasecmp(verdict, "Yes") == 0;
        r->score = score;
        r->threshold = thr;
        return 0;
    }
    hd_error_set(err, HD_E_TEMP, "spamd's answer has no Spam: line");
    return -1;
}

int hd_spamd_check(const char *addr, const char *msg, size_t len,
                   struct hd_spamd_result *r, struct hd_error *err)
{
    char head[96], rep[HD_SPAMD_REPLY_MAX];
    if (len > HD_SPAMD_MESSAGE_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "message of %zu bytes, spamd takes "
                     "at most %d", len, HD_SPAMD_MESSAGE_MAX);
        return -1;
    }
    int fd = hd_scan_connect(addr, "spamd", HD_SPAMD_TIMEOUT_MS, err);
    if (fd < 0)
        return -1;
    int hn = snprintf(head, sizeof head,
                      "CHECK SPAMC/1.5\r\nContent-length: %zu\r\n\r\n", len);
    ssize_t got = -1;
    if (hd_scan_send_all(fd, head, (size_t)hn) == 0 &&
        hd_scan_send_all(fd, msg, len) == 0 && shutdown(fd, SHUT_WR) == 0)
        got = read_all(fd, rep, sizeof rep);
    close(fd);
    if (got <= 0) {
        hd_error_set(err, HD_E_TEMP, "spamd at %s: no answer", addr);
        return -1;
    }
    return hd_spamd_parse_reply(rep, (size_t)got, r, err);
}
