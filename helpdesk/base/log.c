/* log.c - see log.h.  With HELPDESK_LOG_FORMAT=json each line is turned
 * into one JSON object (the same keys; every value a string), for log
 * shippers that want JSON; logfmt stays the default. */
#include "log.h"
#include "clock.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048
#define LOG_JSON_MAX 4200 /* a line as JSON: escapes may grow it */

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

/* key=value key="quoted value" ... -> {"key":"value",...} and a newline
 * into out (LOG_JSON_MAX bytes); returns the length. */
static size_t to_json(const char *line, char *out)
{
    size_t o = 0, cap = LOG_JSON_MAX - 4;
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
    out[o++] = '\n';
    return o;
}

/* ---- output: one write(2) per line, or per thread's buffer ---------- */

struct log_buf {
    pthread_mutex_t mu;
    size_t len;
    double first_ms; /* monotonic time of the oldest buffered line */
    struct log_buf *next;
    char data[HD_LOG_BUF_BYTES];
};

static atomic_bool buffered;
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct log_buf *reg_head; /* every thread's buffer */
static pthread_key_t buf_key;
static pthread_once_t buf_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t flusher_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flusher_cv;
static pthread_t flusher;
static bool flusher_on, flusher_stop;

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* All of p[0..n) to stderr; a failing stderr loses the text (there is
 * nowhere else to say so). */
static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Writes b's lines; b->mu is held. */
static void buf_write(struct log_buf *b)
{
    write_all(b->data, b->len);
    b->len = 0;
}

static void buf_unregister(void *p)
{
    struct log_buf *b = p;
    pthread_mutex_lock(&reg_mu);
    for (struct log_buf **pp = &reg_head; *pp != NULL; pp = &(*pp)->next)
        if (*pp == b) {
            *pp = b->next;
            break;
        }
    pthread_mutex_unlock(&reg_mu);
    pthread_mutex_lock(&b->mu);
    buf_write(b);
    pthread_mutex_unlock(&b->mu);
    pthread_mutex_destroy(&b->mu);
    free(b);
}

static void buf_key_init(void)
{
    pthread_key_create(&buf_key, buf_unregister);
}

/* This thread's buffer, made and registered on first use. */
static struct log_buf *thread_buf(void)
{
    pthread_once(&buf_once, buf_key_init);
    struct log_buf *b = pthread_getspecific(buf_key);
    if (b != NULL)
        return b;
    b = hd_xcalloc(1, sizeof *b);
    pthread_mutex_init(&b->mu, NULL);
    pthread_mutex_lock(&reg_mu);
    b->next = reg_head;
    reg_head = b;
    pthread_mutex_unlock(&reg_mu);
    pthread_setspecific(buf_key, b);
    return b;
}

/* One whole line (newline included) out, buffered when that is on. */
static void emit(enum hd_log_level level, const char *line, size_t n)
{
    if (!atomic_load_explicit(&buffered, memory_order_relaxed)) {
        write_all(line, n);
        return;
    }
    struct log_buf *b = thread_buf();
    hd_assert(n <= sizeof b->data);
    double now = mono_ms();
    pthread_mutex_lock(&b->mu);
    if (level >= HD_LOG_WARN || b->len + n > sizeof b->data)
        buf_write(b);
    if (level >= HD_LOG_WARN) {
        write_all(line, n);
    } else {
        if (b->len == 0)
            b->first_ms = now;
        memcpy(b->data + b->len, line, n);
        b->len += n;
        if (now - b->first_ms >= HD_LOG_FLUSH_MS)
            buf_write(b);
    }
    pthread_mutex_unlock(&b->mu);
}

void hd_log_flush(void)
{
    pthread_mutex_lock(&reg_mu);
    for (struct log_buf *b = reg_head; b != NULL; b = b->next) {
        pthread_mutex_lock(&b->mu);
        buf_write(b);
        pthread_mutex_unlock(&b->mu);
    }
    pthread_mutex_unlock(&reg_mu);
}

/* Writes the buffers every HD_LOG_FLUSH_MS until told to stop. */
static void *flusher_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&flusher_mu);
    while (!flusher_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += HD_LOG_FLUSH_MS / 1000;
        ts.tv_nsec += (long)(HD_LOG_FLUSH_MS % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&flusher_cv, &flusher_mu, &ts);
        pthread_mutex_unlock(&flusher_mu);
        hd_log_flush();
        pthread_mutex_lock(&flusher_mu);
    }
    pthread_mutex_unlock(&flusher_mu);
    return NULL;
}

int hd_log_buffer_start(struct hd_error *err)
{
    pthread_mutex_lock(&flusher_mu);
    int rc = 0;
    if (!flusher_on) {
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&flusher_cv, &ca);
        pthread_condattr_destroy(&ca);
        flusher_stop = false;
        rc = pthread_create(&flusher, NULL, flusher_main, NULL);
        if (rc != 0) {
            pthread_cond_destroy(&flusher_cv);
            hd_error_set(err, HD_E_IO, "log flusher thread: %s",
                         strerror(rc));
        } else {
            flusher_on = true;
            atexit(hd_log_buffer_stop);
        }
    }
    if (rc == 0)
        atomic_store(&buffered, true);
    pthread_mutex_unlock(&flusher_mu);
    return rc == 0 ? 0 : -1;
}

void hd_log_buffer_stop(void)
{
    atomic_store(&buffered, false);
    pthread_mutex_lock(&flusher_mu);
    bool join = flusher_on;
    flusher_stop = true;
    flusher_on = false;
    pthread_cond_signal(&flusher_cv);
    pthread_mutex_unlock(&flusher_mu);
    if (join) {
        pthread_join(flusher, NULL);
        pthread_cond_destroy(&flusher_cv);
    }
    hd_log_flush();
}

/* "ts=... level=..." for this second, formatted once per second and
 * thread. */
static const char *timestamp(void)
{
    static _Thread_local int64_t last = -1;
    static _Thread_local char ts[32];
    int64_t now = hd_clock_now();
    if (now != last) {
        hd_time_format_utc(now, ts);
        last = now;
    }
    return ts;
}

/* Appends s to line[*n..cap) (cut at cap); *n never passes cap. */
static void put(char *line, size_t *n, size_t cap, const char *s)
{
    size_t k = strlen(s);
    if (k > cap - *n)
        k = cap - *n;
    memcpy(line + *n, s, k);
    *n += k;
}

/* "ts=... level=... prog=... mod=... ev=...[ req=...]" into line, as
 * snprintf would, without its format machinery (a line per request). */
static size_t prefix(char *line, size_t cap, enum hd_log_level level,
                     const char *module, const char *event)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    size_t n = 0;
    const char *parts[] = {"ts=", timestamp(), " level=", names[level],
                           " prog=", program, " mod=", module, " ev=",
                           event, request_id[0] ? " req=" : "", request_id};
    size_t np = HD_ARRAY_LEN(parts) - (request_id[0] ? 0 : 2);
    for (size_t i = 0; i < np; i++)
        put(line, &n, cap, parts[i]);
    return n;
}

void hd_log(enum hd_log_level level, const char *module, const char *event,
            const char *fmt, ...)
{
    if (level < min_level)
        return;
    char line[LOG_LINE_MAX + 1];
    size_t cap = LOG_LINE_MAX - 1; /* room for the newline and a NUL */
    size_t len = prefix(line, cap, level, module, event);
    if (fmt != NULL && *fmt != '\0' && len < cap - 1) {
        line[len++] = ' ';
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(line + len, cap + 1 - len, fmt, ap);
        va_end(ap);
        len += k < 0 ? 0 : (size_t)k < cap + 1 - len ? (size_t)k : cap - len;
    }
    if (json_format()) {
        char out[LOG_JSON_MAX];
        line[len] = '\0';
        emit(level, out, to_json(line, out));
        return;
    }
    line[len++] = '\n';
    emit(level, line, len);
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
