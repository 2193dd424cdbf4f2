/* log.h - one line per event, logfmt, to stderr (journald picks it up).
 * Untrusted text goes through hd_log_printable() first so a hostile
 * subject cannot forge a log line.  Secrets are never passed here.
 *
 * By default every line is one write(2).  A server that logs a line per
 * request turns on buffering with hd_log_buffer_start(): debug and info
 * lines then collect in a buffer of the logging thread (HD_LOG_BUF_BYTES)
 * written whole when full, when its oldest line is HD_LOG_FLUSH_MS old
 * (checked by the thread's next line and by a flusher thread), on
 * hd_log_flush(), on hd_log_buffer_stop() and when the thread exits.
 * Warnings and errors write the thread's buffer and then themselves at
 * once.  Lines are never split, and each thread's lines keep their
 * order; lines of different threads may interleave by up to a buffer. */
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

#define HD_LOG_BUF_BYTES (16 * 1024) /* per thread, buffered mode */
#define HD_LOG_FLUSH_MS 1000         /* oldest buffered line's max age */

/* Turns buffering on and starts the flusher thread (idempotent). */
HD_NODISCARD int hd_log_buffer_start(struct hd_error *err);
/* Writes every thread's buffered lines now. */
void hd_log_flush(void);
/* Writes what is buffered, stops the flusher; lines are written one by
 * one again (idempotent; also run at exit). */
void hd_log_buffer_stop(void);

#define hd_info(mod, ev, ...) hd_log(HD_LOG_INFO, mod, ev, __VA_ARGS__)
#define hd_warn(mod, ev, ...) hd_log(HD_LOG_WARN, mod, ev, __VA_ARGS__)
#define hd_err(mod, ev, ...) hd_log(HD_LOG_ERROR, mod, ev, __VA_ARGS__)

#endif
