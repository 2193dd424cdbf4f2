/* log.c - see log.h. */
#include "log.h"
#include "clock.h"

#include <stdio.h>
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
