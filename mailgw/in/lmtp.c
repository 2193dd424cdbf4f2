/* lmtp.c - see lmtp.h.  Commands are collected line by line in a bounded
 * buffer; message bytes go straight into the message buffer through a
 * four-state scanner (start of line, inside a line, "." at the start of a
 * line, ".\r" at the start of a line), so a message of any line length
 * costs no more than its bytes. */
#include "lmtp.h"

#include "arena.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REPLY_MAX 512   /* one reply line we write */
#define HOST_MAX 128    /* our name in replies */
#define PROFILE_MAX 32  /* the profile we announce */

enum phase { PH_START, PH_READY, PH_MAIL, PH_RCPT, PH_DATA, PH_DONE };
enum scan { SC_BOL, SC_MID, SC_DOT, SC_DOTCR };

struct mg_lmtp {
    char host[HOST_MAX];
    char profile[PROFILE_MAX];
    enum phase phase;
    enum scan scan;
    bool truncated, overlong, fatal;
    char line[MG_LMTP_LINE_MAX];
    size_t line_len;
    struct hd_arena *tx; /* sender and recipients of this transaction */
    const char *sender;
    const char *rcpt[MG_LMTP_RCPT_MAX];
    size_t n_rcpt;
    struct hd_buf msg;
};

struct mg_lmtp *mg_lmtp_new(const char *host, const char *profile,
                            size_t max_message)
{
    struct mg_lmtp *s = hd_xcalloc(1, sizeof *s);
    snprintf(s->host, sizeof s->host, "%s", host);
    snprintf(s->profile, sizeof s->profile, "%s", profile ? profile : "");
    s->tx = hd_arena_new();
    hd_buf_init(&s->msg, max_message);
    return s;
}

void mg_lmtp_free(struct mg_lmtp **s)
{
    if (*s == NULL)
        return;
    hd_arena_free(&(*s)->tx);
    hd_buf_deinit(&(*s)->msg);
    free(*s);
    *s = NULL;
}

void mg_lmtp_reply(struct mg_lmtp *s, struct hd_buf *out, const char *fmt,
                   ...)
{
    char line[REPLY_MAX];
    struct hd_error err = HD_ERROR_INIT;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 2, fmt, ap);
    va_end(ap);
    hd_assert(n >= 0);
    size_t len = (size_t)n < sizeof line - 2 ? (size_t)n : sizeof line - 3;
    memcpy(line + len, "\r\n", 2);
    /* A client that pipelines without ever reading: give up on it. */
    if (hd_buf_append(out, line, len + 2, &err) < 0)
        s->fatal = true;
}

void mg_lmtp_greeting(struct mg_lmtp *s, struct hd_buf *out)
{
    mg_lmtp_reply(s, out, "220 %s LMTP helpdesk-mailgw ready", s->host);
}

static void reset_tx(struct mg_lmtp *s)
{
    hd_arena_free(&s->tx);
    s->tx = hd_arena_new();
    s->sender = NULL;
    s->n_rcpt = 0;
    hd_buf_reset(&s->msg);
    s->truncated = false;
    if (s->phase != PH_START)
        s->phase = PH_READY;
}

/* "FROM:<addr> params" -> addr (arena copy) and params; NULL if bad. */
static const char *parse_path(struct mg_lmtp *s, const char *arg,
                              const char *word, const char **params_r)
{
    size_t wl = strlen(word);
    if (strncasecmp(arg, word, wl) != 0)
        return NULL;
    arg += wl;
    while (*arg == ' ')
        arg++;
    if (*arg != '<')
        return NULL;
    const char *end = strchr(arg + 1, '>');
    if (end == NULL || (size_t)(end - arg - 1) > MG_LMTP_ADDR_MAX)
        return NULL;
    for (const char *p = arg + 1; p < end; p++)
        if ((unsigned char)*p < 0x21 || *p == 0x7f)
            return NULL;
    *params_r = end + 1;
    return hd_arena_strndup(s->tx, arg + 1, (size_t)(end - arg - 1));
}

/* SIZE=N in MAIL FROM's parameters: 1 over our limit, else 0. */
static int declared_too_big(const struct mg_lmtp *s, const char *params)
{
    for (const char *p = params; (p = strcasestr(p, "SIZE=")) != NULL;
         p += 5) {
        if (p != params && p[-1] != ' ')
            continue;
        unsigned long long n = strtoull(p + 5, NULL, 10);
        return n > s->msg.max;
    }
    return 0;
}

static void cmd_mail(struct mg_lmtp *s, const char *arg, struct hd_buf *out)
{
    const char *params;
    if (s->phase == PH_START) {
        mg_lmtp_reply(s, out, "503 5.5.1 LHLO first");
        return;
    }
    if (s->phase != PH_READY) {
        mg_lmtp_reply(s, out, "503 5.5.1 nested MAIL command");
        return;
    }
    const char *from = parse_path(s, arg, "FROM:", &params);
    if (from == NULL) {
        mg_lmtp_reply(s, out, "501 5.5.4 syntax: MAIL FROM:<address>");
        return;
    }
    if (declared_too_big(s, params)) {
        mg_lmtp_reply(s, out, "552 5.3.4 message size exceeds %zu bytes",
              s->msg.max);
        return;
    }
    s->sender = from;
    s->phase = PH_MAIL;
    mg_lmtp_reply(s, out, "250 2.1.0 sender ok");
}

static void cmd_rcpt(struct mg_lmtp *s, const char *arg, struct hd_buf *out)
{
    const char *params;
    if (s->phase != PH_MAIL && s->phase != PH_RCPT) {
        mg_lmtp_reply(s, out, "503 5.5.1 MAIL first");
        return;
    }
    const char *to = parse_path(s, arg, "TO:", &params);
    if (to == NULL || to[0] == '\0') {
        mg_lmtp_reply(s, out, "501 5.5.4 syntax: RCPT TO:<address>");
        return;
    }
    if (s->n_rcpt == MG_LMTP_RCPT_MAX) {
        mg_lmtp_reply(s, out, "452 4.5.3 too many recipients");
        return;
    }
    s->rcpt[s->n_rcpt++] = to;
    s->phase = PH_RCPT;
    mg_lmtp_reply(s, out, "250 2.1.5 recipient ok");
}

static void cmd_lhlo(struct mg_lmtp *s, const char *arg, struct hd_buf *out)
{
    if (arg[0] == '\0') {
        mg_lmtp_reply(s, out, "501 5.5.4 syntax: LHLO hostname");
        return;
    }
    s->phase = PH_READY;
    reset_tx(s);
    mg_lmtp_reply(s, out, "250-%s", s->host);
    mg_lmtp_reply(s, out, "250-PIPELINING");
    mg_lmtp_reply(s, out, "250-ENHANCEDSTATUSCODES");
    mg_lmtp_reply(s, out, "250-8BITMIME");
    if (s->profile[0] != '\0')
        mg_lmtp_reply(s, out, "250-X-HELPDESK-PROFILE %s", s->profile);
    mg_lmtp_reply(s, out, "250 SIZE %zu", s->msg.max);
}

static void command(struct mg_lmtp *s, char *line, struct hd_buf *out)
{
    char *arg = line;
    while (*arg != '\0' && *arg != ' ')
        arg++;
    if (*arg == ' ')
        *arg++ = '\0';
    if (strcasecmp(line, "LHLO") == 0)
        cmd_lhlo(s, arg, out);
    else if (strcasecmp(line, "MAIL") == 0)
        cmd_mail(s, arg, out);
    else if (strcasecmp(line, "RCPT") == 0)
        cmd_rcpt(s, arg, out);
    else if (strcasecmp(line, "DATA") == 0) {
        if (s->phase != PH_RCPT) {
            mg_lmtp_reply(s, out, "503 5.5.1 RCPT first");
            return;
        }
        s->phase = PH_DATA;
        s->scan = SC_BOL;
        mg_lmtp_reply(s, out, "354 end data with <CR><LF>.<CR><LF>");
    } else if (strcasecmp(line, "RSET") == 0) {
        reset_tx(s);
        mg_lmtp_reply(s, out, "250 2.0.0 reset");
    } else if (strcasecmp(line, "NOOP") == 0)
        mg_lmtp_reply(s, out, "250 2.0.0 ok");
    else if (strcasecmp(line, "VRFY") == 0)
        mg_lmtp_reply(s, out, "252 2.5.2 will try");
    else if (strcasecmp(line, "QUIT") == 0) {
        mg_lmtp_reply(s, out, "221 2.0.0 bye");
        s->phase = PH_DONE;
    } else if (strcasecmp(line, "HELO") == 0 || strcasecmp(line, "EHLO") == 0)
        mg_lmtp_reply(s, out, "500 5.5.1 this is LMTP: use LHLO");
    else
        mg_lmtp_reply(s, out, "500 5.5.2 unknown command");
}

/* Appends message bytes; past the ceiling they are dropped. */
static void keep(struct mg_lmtp *s, const char *p, size_t n)
{
    struct hd_error err = HD_ERROR_INIT;
    size_t room = s->msg.max - s->msg.len;
    if (n > room) {
        s->truncated = true;
        n = room;
    }
    if (n > 0 && hd_buf_append(&s->msg, p, n, &err) < 0)
        hd_assert(!"append within the ceiling failed");
}

/* Scans message bytes; returns true at the terminating "." line. */
static bool scan_data(struct mg_lmtp *s, const char *in, size_t len,
                      size_t *used_r)
{
    size_t i = 0;
    while (i < len) {
        char c = in[i];
        switch (s->scan) {
        case SC_BOL:
            if (c == '.') {
                s->scan = SC_DOT;
                i++;
                break;
            }
            s->scan = SC_MID;
            /* fall through */
        case SC_MID: {
            const char *nl = memchr(in + i, '\n', len - i);
            size_t n = nl ? (size_t)(nl - (in + i)) + 1 : len - i;
            keep(s, in + i, n);
            i += n;
            if (nl)
                s->scan = SC_BOL;
            break;
        }
        case SC_DOT:
            i++;
            if (c == '\n') {
                *used_r = i;
                return true;
            }
            if (c == '\r') {
                s->scan = SC_DOTCR;
                break;
            }
            keep(s, &c, 1); /* the dot was stuffing: drop it */
            s->scan = SC_MID;
            break;
        case SC_DOTCR:
            if (c == '\n') {
                *used_r = i + 1;
                return true;
            }
            keep(s, "\r", 1);
            s->scan = SC_MID;
            break;
        }
    }
    *used_r = len;
    return false;
}

/* Collects one command line; returns true when it is complete. */
static bool take_line(struct mg_lmtp *s, const char *in, size_t len,
                      size_t *used_r)
{
    const char *nl = memchr(in, '\n', len);
    size_t n = nl ? (size_t)(nl - in) + 1 : len;
    *used_r = n;
    size_t room = sizeof s->line - 1 - s->line_len;
    if (n > room) {
        s->overlong = true;
        memcpy(s->line + s->line_len, in, room);
        s->line_len += room;
    } else {
        memcpy(s->line + s->line_len, in, n);
        s->line_len += n;
    }
    return nl != NULL;
}

enum mg_lmtp_event mg_lmtp_feed(struct mg_lmtp *s, const char *in,
                                size_t len, size_t *used_r,
                                struct hd_buf *out)
{
    size_t used = 0;
    while (used < len && s->phase != PH_DONE && !s->fatal) {
        size_t n;
        if (s->phase == PH_DATA) {
            bool end = scan_data(s, in + used, len - used, &n);
            used += n;
            if (end) {
                *used_r = used;
                return MG_LMTP_MESSAGE;
            }
            continue;
        }
        bool complete = take_line(s, in + used, len - used, &n);
        used += n;
        if (!complete)
            continue;
        s->line[s->line_len] = '\0';
        while (s->line_len > 0 && (s->line[s->line_len - 1] == '\n' ||
                                   s->line[s->line_len - 1] == '\r'))
            s->line[--s->line_len] = '\0';
        if (s->overlong)
            mg_lmtp_reply(s, out, "500 5.5.6 line longer than %d bytes",
                  MG_LMTP_LINE_MAX);
        else
            command(s, s->line, out);
        s->line_len = 0;
        s->overlong = false;
    }
    *used_r = used;
    return s->phase == PH_DONE || s->fatal ? MG_LMTP_QUIT : MG_LMTP_MORE;
}

const char *mg_lmtp_message(const struct mg_lmtp *s, size_t *len_r,
                            bool *truncated_r)
{
    *len_r = s->msg.len;
    *truncated_r = s->truncated;
    return hd_buf_cstr(&s->msg);
}

size_t mg_lmtp_rcpt_count(const struct mg_lmtp *s)
{
    return s->n_rcpt;
}

const char *mg_lmtp_rcpt(const struct mg_lmtp *s, size_t i)
{
    hd_assert(i < s->n_rcpt);
    return s->rcpt[i];
}

const char *mg_lmtp_sender(const struct mg_lmtp *s)
{
    return s->sender ? s->sender : "";
}

void mg_lmtp_done(struct mg_lmtp *s)
{
    hd_assert(s->phase == PH_DATA);
    reset_tx(s);
}

bool mg_lmtp_in_data(const struct mg_lmtp *s)
{
    return s->phase == PH_DATA;
}
