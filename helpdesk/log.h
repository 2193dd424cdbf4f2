/* log.h - one line per event, logfmt, to stderr (journald picks it up).
 * Untrusted text goes through hd_log_printable() first so a hostile
 * subject cannot forge a log line.  Secrets are never passed here. */
#ifndef HD_LOG_H
#define HD_LOG_H

#include "hd.h"

enum hd_log_level { HD_LOG_DEBUG, HD_LOG_INFO, HD_LOG_WARN, HD_LOG_ERROR };

void hd_log_set_level(enum hd_log_level level);
void hd_log_set_program(const char *name);
/* Per-thread request ID added to every line while set (NULL clears). */
void hd_log_set_request_id(const char *id);
/* msg is a short event name; fmt adds key=value pairs. */
void hd_log(enum hd_log_level level, const char *module, const char *event,
            const char *fmt, ...) HD_PRINTF(4, 5);
/* Copies at most max bytes of s into out (size max+1), replacing control
 * bytes, quotes and backslashes with '?'. Returns out. */
char *hd_log_printable(const char *s, char *out, size_t max);

#define hd_info(mod, ev, ...) hd_log(HD_LOG_INFO, mod, ev, __VA_ARGS__)
#define hd_warn(mod, ev, ...) hd_log(HD_LOG_WARN, mod, ev, __VA_ARGS__)
#define hd_err(mod, ev, ...) hd_log(HD_LOG_ERROR, mod, ev, __VA_ARGS__)

#endif
