/* log.c - see log.h.  With HELPDESK_LOG_FORMAT=json each line is turned
 * into one JSON object (the same keys; every value a string), for log
 * shippers that want JSON; logfmt stays the default. */
#include "log.h"
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum hd_log_level min_level = HD_LOG_INFO;
static const char *program = "helpdesk";
static _Thread_local char request_id[40];

void hd_log_set_level(enum hd_log_level level)
{
    min_level = level;
}

void hd_log_set_program(const char *name)
{
    program = name;
}

void hd_log_set_request_id(const char *id)
{
    if (id == NULL)
        request_id[0] = '\0';
    else
        hd_log_printable(id, request_id, sizeof request_id - 1);
}

static bool json_format(void)
{
    static int fmt = -1; /* read once; a race only reads it twice */
    if (fmt < 0) {
        const char *e = getenv("HELPDESK_LOG_FORMAT");
        fmt = e != NULL && strcmp(e, "json") == 0;
    }
    return fmt == 1;
}

/* Appends s[0..n) as a JSON string body (escaping what JSON needs). */
static size_t json_str(char *out, size_t o, size_t cap, const char *s,
                       size_t n)
{
    for (size_t i = 0; i < n && o + 7 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    return o;
}

/* key=value key="quoted value" ... -> {"key":"value",...} on stderr. */
static void emit_json(const char *line)
{
    char out[4200];
    size_t o = 0, cap = sizeof out - 4;
    out[o++] = '{';
    const char *p = line;
    while (*p != '\0' && o + 16 < cap) {
        while (*p == ' ')
            p++;
        const char *eq = strchr(p, '=');
        if (eq == NULL || eq == p)
            break;
        const char *v = eq + 1, *ve;
        if (*v == '"') {
            v++;
            ve = strchr(v, '"');
            ve = ve ? ve : v + strlen(v);
        } else {
            ve = v + strcspn(v, " ");
        }
        if (o > 1)
            out[o++] = ',';
        out[o++] = '"';
        o = json_str(out, o, cap, p, (size_t)(eq - p));
        out[o++] = '"';
        out[o++] = ':';
        out[o++] = '"';
        o = json_str(out, o, cap, v, (size_t)(ve - v));
        out[o++] = '"';
        p = *ve == '"' ? ve + 1 : ve;
    }
    out[o++] = '}';
    out[o] = '\0';
    fprintf(stderr, "%s\n", out);
}

void hd_log(enum hd_log_level level, const char *module, const char *event,
            const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (level < min_level)
        return;
    char ts[32], line[2048];
    hd_time_format_utc(hd_clock_now(), ts);
    int n = snprintf(line, sizeof line, "ts=%s level=%s prog=%s mod=%s ev=%s",
                     ts, names[level], program, module, event);
    if (request_id[0] != '\0' && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, " req=%s",
                      request_id);
    if (fmt != NULL && *fmt != '\0' && n > 0 && (size_t)n < sizeof line - 1) {
        line[n++] = ' ';
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
    }
    if (json_format())
        emit_json(line);
    else
        fprintf(stderr, "%s\n", line);
}

char *hd_log_printable(const char *s, char *out, size_t max)
{
    size_t i = 0;
    for (; s != NULL && s[i] != '\0' && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '?'
                                                                  : (char)c;
    }
    out[i] = '\0';
    return out;
}
