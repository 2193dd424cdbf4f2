/* server.c - helpdesk-web's HTTP server: the only file that includes
 * microhttpd.h.  Owns the daemon (epoll, a thread pool, explicit bind,
 * connection, per-IP, memory and time limits, the deadline for request
 * heads and the minimum body rate, TLS), the request life
 * cycle (arena created on the first call, freed in the completion
 * callback), who the client is (once per request: forwarded.h), the body
 * cap (413), per-IP rate limiting (429), the response headers every
 * answer carries, gzip, the access log, and the graceful stop on
 * SIGTERM/SIGINT.  Pages are the router's business. */
#include "web.h"

#include "blob.h"
#include "calendar.h"
#include "clock.h"
#include "forwarded.h"
#include "exitcode.h"
#include "log.h"
#include "opt.h"
#include "ratelimit.h"
#include "store_agent.h"
#include "render.h"
#include "i18n.h"
#include "web_int.h"
#include "api.h"
#include "upload.h"
#include "uptime.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* Per connection: request headers, read buffer and response headers.
 * libmicrohttpd clears the whole pool between two requests on a kept-
 * alive connection, so its size is paid on every request (128 KiB was
 * 11% of an article request's CPU); 32 KiB is the library's default and
 * holds 16 KiB of request headers with room to spare.  Bodies go to the
 * request's own buffer (web.max_body_bytes), not here. */
#define WEB_CONN_MEMORY (32 * 1024)
#define WEB_GZIP_MIN 512             /* smaller bodies go uncompressed */
#define WEB_TLS_FILE_MAX (256 * 1024)
#define WEB_THREADS_MAX 64
#define WEB_STREAM_CHUNK (64 * 1024) /* file responses, per read */
#define WEB_TLS_PRIORITIES "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1"
#define WEB_DRAIN_MS 20000       /* SIGTERM: longest wait for open requests */
#define WEB_DRAIN_STEP_MS 20
#define WEB_BACKLOG_ADOPT_MAX 1024 /* queued connections taken on SIGTERM */
#define WEB_WATCH_TICK_MS 250      /* how often request heads are timed */
#define WEB_BEAT_TICKS 120         /* a heartbeat every 30 s of ticks */
#define WEB_FD_RESERVE 128 /* descriptors beside connections: db, logs */

static const struct web_header security_headers[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; "
     "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
     "base-uri 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "same-origin"},
    {"X-Frame-Options", "DENY"},
};

struct conn_req {
    struct web_req r;
    struct hd_buf body;
    struct MHD_PostProcessor *pp; /* multipart/form-data only */
    struct web_uploads up;
    int reject; /* 413 or 429 decided before the handler */
    int retry_after;
    double t0;
    size_t sent;
    size_t body_got;
};

/* The idle timeout counts only silence, so a client that trickles a
 * header line every few seconds would hold its connection for ever.  Each
 * connection is watched while it owes us a request head: from its
 * opening, and again from the end of each response (keep-alive); the
 * head's arrival (the first call of answer()) ends the wait.  A watcher
 * thread shuts down the socket of any wait older than
 * web.head_timeout_seconds; libmicrohttpd then reads the end of the
 * stream and closes the connection in its own thread.  A closed
 * connection leaves the list (under the lock) before its descriptor is
 * closed, so a descriptor is never shut down after it was reused. */
struct conn_watch {
    struct conn_watch *prev, *next;
    MHD_socket fd;
    double since; /* mono_ms() the wait began; 0: not waiting */
};

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn_watch *watch_head;
static pthread_t watch_thread;
static atomic_bool watch_stop;
static double head_ms;       /* web.head_timeout_seconds, in ms */
static double min_body_rate; /* web.min_body_bytes_per_second */

static struct web_app app;
static pthread_key_t store_key;
static atomic_uint_fast64_t request_seq;
static uint32_t request_prefix;
static size_t max_body;
static bool use_tls;

static void store_destroy(void *p)
{
    struct hd_store *st = p;
    hd_store_close(&st);
}

/* This thread's connection, opened on first use (connections are never
 * shared between threads). */
static struct hd_store *thread_store(void)
{
    struct hd_store *st = pthread_getspecific(store_key);
    if (st != NULL)
        return st;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_instance_store_open(app.inst, &st, &err) < 0) {
        hd_err("web", "store_open", "error=\"%s\"", err.msg);
        return NULL;
    }
    pthread_setspecific(store_key, st);
    return st;
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *web_req_arg(struct web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *web_req_header(struct web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *web_req_cookie(struct web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static void notify_connection(void *cls, struct MHD_Connection *c,
                              void **socket_context,
                              enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    struct conn_watch *w = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        if (w == NULL)
            return;
        pthread_mutex_lock(&watch_lock);
        if (w->prev != NULL)
            w->prev->next = w->next;
        else
            watch_head = w->next;
        if (w->next != NULL)
            w->next->prev = w->prev;
        pthread_mutex_unlock(&watch_lock);
        free(w);
        *socket_context = NULL;
        return;
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci == NULL)
        return;
    w = hd_xcalloc(1, sizeof *w);
    w->fd = ci->connect_fd;
    w->since = mono_ms();
    pthread_mutex_lock(&watch_lock);
    w->next = watch_head;
    if (watch_head != NULL)
        watch_head->prev = w;
    watch_head = w;
    pthread_mutex_unlock(&watch_lock);
    *socket_context = w;
}

/* Starts (waiting) or ends the wait for c's next request head. */
static void head_wait(struct MHD_Connection *c, bool waiting)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn_watch *w = ci != NULL ? ci->socket_context : NULL;
    if (w == NULL)
        return;
    double now = waiting ? mono_ms() : 0;
    pthread_mutex_lock(&watch_lock);
    w->since = now;
    pthread_mutex_unlock(&watch_lock);
}

/* The web server's heartbeat for the availability record and checklist
 * rows 9 and 20: without it web downtime would be invisible. */
static void web_beat(void)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = thread_store();
    if (st != NULL && hd_uptime_beat(st, "web", &err) < 0)
        hd_warn("web", "heartbeat", "error=\"%s\"", err.msg);
}

static void *watch_main(void *arg)
{
    (void)arg;
    struct timespec tick = {0, WEB_WATCH_TICK_MS * 1000000L};
    unsigned ticks = 0;
    web_beat();
    while (!atomic_load(&watch_stop)) {
        nanosleep(&tick, NULL);
        if (++ticks % WEB_BEAT_TICKS == 0)
            web_beat();
        if (head_ms <= 0)
            continue;
        double now = mono_ms();
        int cut = 0;
        pthread_mutex_lock(&watch_lock);
        for (struct conn_watch *w = watch_head; w != NULL; w = w->next)
            if (w->since > 0 && now - w->since > head_ms) {
                shutdown(w->fd, SHUT_RDWR);
                w->since = 0;
                cut++;
            }
        pthread_mutex_unlock(&watch_lock);
        if (cut > 0)
            hd_info("web", "head_timeout", "connections=%d", cut);
    }
    return NULL;
}

/* False when a request body arrives slower than web.min_body_bytes_per_
 * second on average, once the head timeout has passed (the idle timeout
 * covers a body that stops). */
static bool body_rate_ok(struct conn_req *cr, size_t got)
{
    cr->body_got += got;
    double ms = mono_ms() - cr->t0;
    if (ms <= head_ms || (double)cr->body_got >= min_body_rate * ms / 1e3)
        return true;
    hd_info("web", "slow_body", "ip=%s bytes=%zu ms=%.0f", cr->r.client_ip,
            cr->body_got, ms);
    return false;
}

static const char *peer_ip(struct MHD_Connection *c, struct hd_arena *a)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char buf[INET6_ADDRSTRLEN] = "?";
    if (ci != NULL && ci->client_addr != NULL) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
                      buf, sizeof buf);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6,
                      &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
                      sizeof buf);
    }
    return hd_arena_strdup(a, buf);
}

static enum MHD_Result forwarded_header(void *cls, enum MHD_ValueKind kind,
                                        const char *key, const char *value)
{
    (void)kind;
    struct web_forwarded *f = cls;
    if (value == NULL)
        return MHD_YES;
    if (strcasecmp(key, "X-Forwarded-For") == 0)
        web_forwarded_add_xff(f, value);
    else if (strcasecmp(key, "X-Forwarded-Proto") == 0)
        f->proto = value;
    return MHD_YES;
}

/* The one place that decides the client's address and scheme: the
 * socket's, or the trusted proxy's word for them (web.trusted_proxy). */
static void client_of(struct MHD_Connection *c, struct web_req *r)
{
    r->peer_ip = peer_ip(c, r->a);
    r->client_ip = r->peer_ip;
    r->https = use_tls;
    if (!web_forwarded_trusts(&app.trusted_proxy, r->peer_ip))
        return;
    struct web_forwarded f = {.nxff = 0};
    bool fwd_https = false;
    MHD_get_connection_values(c, MHD_HEADER_KIND, forwarded_header, &f);
    web_forwarded_client(&app.trusted_proxy, r->peer_ip, &f, r->a,
                         &r->client_ip, &fwd_https);
    r->https = r->https || fwd_https;
}

static bool accepts_gzip(struct web_req *r)
{
    const char *ae = web_req_header(r, "Accept-Encoding");
    return ae != NULL && strstr(ae, "gzip") != NULL &&
           strstr(ae, "gzip;q=0") == NULL;
}

/* gzip of the response body into the arena; false when not worth it. */
static bool gzip_body(struct web_req *r, const char **out, size_t *out_len)
{
    z_stream z = {0};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return false;
    size_t cap = deflateBound(&z, r->resp_len);
    unsigned char *buf = hd_arena_alloc(r->a, cap);
    z.next_in = (unsigned char *)r->resp_body;
    z.avail_in = (uInt)r->resp_len;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || n >= r->resp_len)
        return false;
    *out = (const char *)buf;
    *out_len = n;
    return true;
}

/* A file sent in chunks: the fd is closed (and the file removed when
 * asked) by the free callback, whatever ends the response. */
struct stream {
    int fd;
    char *unlink_path; /* NULL: keep the file */
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *sm = cls;
    size_t n = max < WEB_STREAM_CHUNK ? max : WEB_STREAM_CHUNK;
    ssize_t got = pread(sm->fd, buf, n, (off_t)pos);
    if (got == 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    return got < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : got;
}

static void stream_free(void *cls)
{
    struct stream *sm = cls;
    close(sm->fd);
    if (sm->unlink_path != NULL)
        unlink(sm->unlink_path);
    free(sm->unlink_path);
    free(sm);
}

/* The response for a file body, or NULL (the file is then a 404/500). */
static struct MHD_Response *file_response(struct web_req *r, size_t *len_r)
{
    int fd = open(r->stream_path, O_RDONLY | O_CLOEXEC);
    off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
    if (size < 0) {
        if (fd >= 0)
            close(fd);
        if (r->stream_unlink)
            unlink(r->stream_path);
        return NULL;
    }
    struct stream *sm = hd_xcalloc(1, sizeof *sm);
    sm->fd = fd;
    sm->unlink_path = r->stream_unlink ? hd_xstrdup(r->stream_path) : NULL;
    *len_r = (size_t)size;
    return MHD_create_response_from_callback((uint64_t)size,
                                             WEB_STREAM_CHUNK, stream_read,
                                             sm, stream_free);
}

/* A blob sent as it is read (and decrypted); the reader is closed by the
 * free callback. */
struct blob_stream {
    struct hd_blob_reader *b;
    uint64_t pos;
};

static ssize_t blob_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct blob_stream *bs = cls;
    struct hd_error err = HD_ERROR_INIT;
    size_t n = max < WEB_STREAM_CHUNK ? max : WEB_STREAM_CHUNK, got = 0;
    if (pos != bs->pos) /* MHD reads forward only */
        return MHD_CONTENT_READER_END_WITH_ERROR;
    if (hd_blob_reader_read(bs->b, buf, n, &got, &err) < 0) {
        hd_err("web", "blob_stream", "%s", err.msg);
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    bs->pos += got;
    return got == 0 ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)got;
}

static void blob_free(void *cls)
{
    struct blob_stream *bs = cls;
    hd_blob_reader_close(&bs->b);
    free(bs);
}

static struct MHD_Response *blob_response(struct web_req *r, size_t *len_r)
{
    struct blob_stream *bs = hd_xcalloc(1, sizeof *bs);
    bs->b = r->stream_blob;
    r->stream_blob = NULL; /* MHD owns it now */
    *len_r = (size_t)hd_blob_reader_size(bs->b);
    struct MHD_Response *resp = MHD_create_response_from_callback(
        (uint64_t)*len_r, WEB_STREAM_CHUNK, blob_read, bs, blob_free);
    if (resp == NULL)
        blob_free(bs);
    return resp;
}

static enum MHD_Result send_response(struct MHD_Connection *c,
                                     struct conn_req *cr)
{
    struct web_req *r = &cr->r;
    const char *body = r->resp_body ? r->resp_body : "";
    size_t len = r->resp_body ? r->resp_len : 0;
    bool gz = false;
    struct MHD_Response *resp = NULL;
    if (r->stream_path != NULL && (resp = file_response(r, &len)) == NULL) {
        r->stream_path = NULL;
        hd_err("web", "stream_open", "errno=%d", errno);
        web_resp_data(r, 500, "text/plain; charset=utf-8", "error\n", 6,
                      false);
        body = r->resp_body;
        len = r->resp_len;
    }
    if (resp == NULL && r->stream_blob != NULL &&
        (resp = blob_response(r, &len)) == NULL)
        return MHD_NO;
    if (resp == NULL && r->compressible && len >= WEB_GZIP_MIN &&
        accepts_gzip(r)) {
        if (r->resp_gz != NULL && r->resp_gz_len < len) {
            body = r->resp_gz; /* compressed once, when cached */
            len = r->resp_gz_len;
            gz = true;
        } else {
            gz = gzip_body(r, &body, &len);
        }
    }
    if (resp == NULL)
        resp = MHD_create_response_from_buffer(len, (void *)body,
                                               MHD_RESPMEM_PERSISTENT);
    if (resp == NULL)
        return MHD_NO;
    for (size_t i = 0; i < HD_ARRAY_LEN(security_headers); i++)
        MHD_add_response_header(resp, security_headers[i].name,
                                security_headers[i].value);
    if (r->https)
        MHD_add_response_header(resp, "Strict-Transport-Security",
                                "max-age=31536000; includeSubDomains");
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    if (r->content_type != NULL)
        MHD_add_response_header(resp, "Content-Type", r->content_type);
    if (r->compressible)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (gz)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    for (size_t i = 0; i < r->nheaders; i++)
        MHD_add_response_header(resp, r->headers[i].name,
                                r->headers[i].value);
    cr->sent = len;
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* The next request id: the process's random prefix and the low 32 bits
 * of a sequence number, 16 hex digits (without printf's cost). */
static const char *request_id(struct hd_arena *a)
{
    static const char digits[] = "0123456789abcdef";
    uint64_t v = ((uint64_t)request_prefix << 32) |
                 (uint32_t)atomic_fetch_add(&request_seq, 1);
    char *id = hd_arena_alloc(a, 17);
    for (int i = 15; i >= 0; i--, v >>= 4)
        id[i] = digits[v & 15];
    id[16] = '\0';
    return id;
}

static struct conn_req *req_new(struct MHD_Connection *c, const char *url,
                                const char *method)
{
    struct conn_req *cr = hd_xcalloc(1, sizeof *cr);
    struct web_req *r = &cr->r;
    r->a = hd_arena_new();
    r->app = &app;
    r->conn = c;
    r->method = hd_arena_strdup(r->a, method);
    r->path = hd_arena_strdup(r->a, url);
    r->request_id = request_id(r->a);
    client_of(c, r);
    r->status = 200;
    r->lang = app.default_lang;
    cr->t0 = mono_ms();
    hd_buf_init(&cr->body, max_body);
    return cr;
}

static enum MHD_Result upload_part(void *cls, enum MHD_ValueKind kind,
                                   const char *key, const char *filename,
                                   const char *content_type,
                                   const char *transfer_encoding,
                                   const char *data, uint64_t off,
                                   size_t size)
{
    (void)kind;
    (void)transfer_encoding;
    struct conn_req *cr = cls;
    return web_uploads_feed(&cr->up, key, filename, content_type, data, off,
                            size) == 0
               ? MHD_YES
               : MHD_NO;
}

/* The forms that take files (and the composer's Insert button, which
 * posts the same form): no other path streams anything to disk. */
static bool takes_files(const char *path)
{
    static const char *const pre[] = {"/agent/tickets/", "/t/",
                                      "/api/v1/tickets/"};
    static const char *const suf[] = {"/reply", "/note", "/notes",
                                      "/canned"};
    size_t n = strlen(path);
    for (size_t i = 0; i < HD_ARRAY_LEN(pre); i++) {
        if (strncmp(path, pre[i], strlen(pre[i])) != 0)
            continue;
        for (size_t j = 0; j < HD_ARRAY_LEN(suf); j++) {
            size_t k = strlen(suf[j]);
            if (n > strlen(pre[i]) + k && strcmp(path + n - k, suf[j]) == 0)
                return true;
        }
    }
    return false;
}

/* A multipart/form-data POST to a form that takes files gets the post
 * processor (upload.h); its bound is the files' (WEB_UPLOAD_FILES_MAX of
 * mail.max_attachment_bytes) plus the form's own. */
static size_t multipart_begin(struct conn_req *cr)
{
    struct web_req *r = &cr->r;
    const char *ct = web_req_header(r, "Content-Type");
    if (strcmp(r->method, "POST") != 0 || ct == NULL ||
        strncasecmp(ct, "multipart/form-data", 19) != 0 ||
        !takes_files(r->path))
        return max_body;
    cr->pp = MHD_create_post_processor(r->conn, 64 * 1024, upload_part, cr);
    if (cr->pp == NULL)
        return max_body;
    web_uploads_init(&cr->up, app.cfg,
                     hd_arena_printf(r->a, "%s/blobs",
                                     hd_instance_dir(app.inst)),
                     &cr->body);
    r->uploads = &cr->up;
    size_t file_max = (size_t)hd_config_get_int(
        app.cfg, HD_CFG_MAIL_MAX_ATTACHMENT_BYTES);
    return max_body + WEB_UPLOAD_FILES_MAX * (file_max + 4096);
}

/* Checks made before reading any body: declared size and rate. */
static void precheck(struct conn_req *cr)
{
    struct web_req *r = &cr->r;
    const char *cl = web_req_header(r, "Content-Length");
    size_t limit = multipart_begin(cr);
    if (cl != NULL && strtoull(cl, NULL, 10) > limit)
        cr->reject = 413;
    else if (strcmp(r->path, "/healthz") != 0 &&
             strcmp(r->path, "/readyz") != 0 &&
             (cr->retry_after = web_rate_take(r->client_ip)) > 0)
        cr->reject = 429;
}

static void rejected(struct conn_req *cr)
{
    struct web_req *r = &cr->r;
    if (cr->reject == 429)
        web_resp_header(r, "Retry-After",
                        hd_arena_printf(r->a, "%d", cr->retry_after));
    web_session_begin(r);
    if (cr->reject == 413 && (r->error_why = web_uploads_too_big(r)) != NULL &&
        strncmp(r->path, "/api/", 5) == 0) {
        web_api_error(r, 413, "file_too_large", "%s", r->error_why);
        return;
    }
    web_error_page(r, cr->reject);
}

static void handle(struct conn_req *cr)
{
    struct web_req *r = &cr->r;
    r->body = hd_buf_cstr(&cr->body);
    r->body_len = cr->body.len;
    r->st = thread_store();
    web_session_begin(r);
    if (r->st == NULL) {
        web_error_page(r, 500);
        return;
    }
    web_router_dispatch(r);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
    (void)cls;
    (void)version;
    struct conn_req *cr = *req_cls;
    if (cr == NULL) {
        head_wait(c, false);
        cr = req_new(c, url, method);
        *req_cls = cr;
        precheck(cr);
        if (cr->reject == 0)
            return MHD_YES;
        /* Answer at once: the body is never read. */
        hd_log_set_request_id(cr->r.request_id);
        rejected(cr);
        return send_response(c, cr);
    }
    if (*upload_size > 0) {
        if (!body_rate_ok(cr, *upload_size))
            return MHD_NO; /* closes the connection */
        struct hd_error err = HD_ERROR_INIT;
        if (cr->pp != NULL) {
            if (cr->reject == 0 &&
                MHD_post_process(cr->pp, upload, *upload_size) != MHD_YES)
                cr->reject = cr->body.len >= max_body ? 413 : 400;
            if (cr->reject == 0 && cr->up.too_big)
                cr->reject = 413; /* its bytes are dropped from now on */
        } else if (cr->reject == 0 &&
                   hd_buf_append(&cr->body, upload, *upload_size, &err) < 0)
            cr->reject = 413;
        *upload_size = 0;
        return MHD_YES;
    }
    if (cr->pp != NULL) {
        web_uploads_finish(&cr->up);
        if (cr->reject == 0 && cr->up.failed)
            cr->reject = 500;
    }
    hd_log_set_request_id(cr->r.request_id);
    if (cr->reject != 0)
        rejected(cr);
    else
        handle(cr);
    return send_response(c, cr);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    head_wait(c, true); /* the next request's head, on keep-alive */
    struct conn_req *cr = *req_cls;
    if (cr == NULL)
        return;
    char path[201];
    bool peer = strcmp(cr->r.peer_ip, cr->r.client_ip) != 0;
    double ms = mono_ms() - cr->t0;
    /* ms=%.1f without formatting a double */
    long long tenths = ms < 0 ? 0 : (long long)(ms * 10 + 0.5);
    hd_log_set_request_id(cr->r.request_id);
    hd_info("web", "request",
            "ip=%s%s%s method=%s path=\"%s\" status=%d bytes=%zu "
            "ms=%lld.%d%s",
            cr->r.client_ip, peer ? " peer=" : "", peer ? cr->r.peer_ip : "",
            cr->r.method,
            hd_log_printable(cr->r.path, path, sizeof path - 1),
            cr->r.status, cr->sent, tenths / 10, (int)(tenths % 10),
            toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
    web_metrics_observe(cr->r.status, ms);
    hd_log_set_request_id(NULL);
    if (cr->pp != NULL) {
        MHD_destroy_post_processor(cr->pp);
        web_uploads_deinit(&cr->up);
    }
    hd_buf_deinit(&cr->body);
    hd_arena_free(&cr->r.a);
    free(cr);
    *req_cls = NULL;
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[256], safe[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '\n')
        msg[--n] = '\0';
    hd_warn("web", "mhd", "msg=\"%s\"", hd_log_printable(msg, safe, 200));
}

/* "127.0.0.1:8080" or "[::1]:8080" into a socket address. */
static int parse_listen(const char *s, struct sockaddr_storage *ss,
                        socklen_t *len_r, struct hd_error *err)
{
    char host[INET6_ADDRSTRLEN + 2];
    const char *colon = strrchr(s, ':');
    size_t hl = colon ? (size_t)(colon - s) : 0;
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (colon == NULL || hl == 0 || hl >= sizeof host || *end != '\0' ||
        port < 0 || port > 65535) {
        hd_error_set(err, HD_E_CONFIG, "listen address '%.60s': expected "
                     "ADDR:PORT", s);
        return -1;
    }
    memcpy(host, s, hl);
    host[hl] = '\0';
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len_r = sizeof *v4;
        return 0;
    }
    if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1) {
            v6->sin6_family = AF_INET6;
            v6->sin6_port = htons((uint16_t)port);
            *len_r = sizeof *v6;
            return 0;
        }
    }
    hd_error_set(err, HD_E_CONFIG, "listen address '%.60s': not an IP "
                 "address (give one explicitly)", s);
    return -1;
}

static char *slurp(const char *path, struct hd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hd_error_set(err, HD_E_CONFIG, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = hd_xmalloc(WEB_TLS_FILE_MAX + 1);
    size_t n = fread(buf, 1, WEB_TLS_FILE_MAX, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

struct tls_files {
    char *cert, *key;
};

/* web.max_connections, lowered to what the descriptor limit allows after
 * raising the soft limit as far as the hard one (systemd's soft default
 * of 1024 would otherwise fail accept() before the limit is reached). */
static unsigned fit_fd_limit(long want)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)want + WEB_FD_RESERVE;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return (unsigned)want;
    if (rl.rlim_cur < need) {
        rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur >= need)
        return (unsigned)want;
    long fit = rl.rlim_cur > 2 * WEB_FD_RESERVE
                   ? (long)rl.rlim_cur - WEB_FD_RESERVE
                   : (long)rl.rlim_cur / 2;
    hd_warn("web", "max_connections", "configured=%ld fd_limit=%llu used=%ld",
            want, (unsigned long long)rl.rlim_cur, fit);
    return (unsigned)fit;
}

static int start_daemon(const char *listen, struct tls_files *tls,
                        struct MHD_Daemon **d_r, struct hd_error *err)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    if (parse_listen(listen, &ss, &sl, err) < 0)
        return -1;
    const struct hd_config *cfg = app.cfg;
    long threads = hd_config_get_int(cfg, HD_CFG_WEB_THREADS);
    threads = threads < 1 ? 1 : threads > WEB_THREADS_MAX ? WEB_THREADS_MAX
                                                          : threads;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (tls->cert != NULL)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, tls->cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, tls->key},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)WEB_TLS_PRIORITIES},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_OptionItem no_opts[] = {{MHD_OPTION_END, 0, NULL}};
    head_ms =
        1e3 * (double)hd_config_get_int(cfg, HD_CFG_WEB_HEAD_TIMEOUT_SECONDS);
    min_body_rate =
        (double)hd_config_get_int(cfg, HD_CFG_WEB_MIN_BODY_BYTES_PER_SECOND);
    *d_r = MHD_start_daemon(
        flags, 0, NULL, NULL, answer, NULL, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_logger, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT,
        fit_fd_limit(hd_config_get_int(cfg, HD_CFG_WEB_MAX_CONNECTIONS)),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)hd_config_get_int(cfg, HD_CFG_WEB_PER_IP_CONNECTIONS),
        MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)hd_config_get_int(cfg, HD_CFG_WEB_TIMEOUT_SECONDS),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_CONN_MEMORY,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, notify_connection, NULL,
        MHD_OPTION_ARRAY,
        tls->cert ? tls_opts : no_opts, MHD_OPTION_END);
    (void)sl;
    if (*d_r == NULL) {
        hd_error_set(err, HD_E_IO, "cannot listen on %s (address in use "
                     "or not ours?)", listen);
        return -1;
    }
    if (pthread_create(&watch_thread, NULL, watch_main, NULL) != 0) {
        MHD_stop_daemon(*d_r);
        *d_r = NULL;
        hd_error_set(err, HD_E_IO, "cannot start the watch thread");
        return -1;
    }
    return 0;
}

static int bound_port(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (di == NULL || getsockname(di->listen_fd, (struct sockaddr *)&ss,
                                  &sl) < 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* An address-list setting, parsed once: a list that does not parse stops
 * the start rather than trusting (or refusing) the wrong clients. */
static int cidr_setting(enum hd_cfg_key key, struct hd_cidr_list *l,
                        struct hd_error *err)
{
    struct hd_error perr = HD_ERROR_INIT;
    if (hd_cidr_list_parse(hd_config_get(app.cfg, key), l, &perr) == 0)
        return 0;
    hd_error_set(err, HD_E_CONFIG, "%s: %.200s", hd_config_key_name(key),
                 perr.msg);
    return -1;
}

static int app_init(struct hd_instance *inst, struct hd_error *err)
{
    app.inst = inst;
    app.cfg = hd_instance_config(inst);
    app.public_url = hd_config_get(app.cfg, HD_CFG_INSTANCE_PUBLIC_URL);
    app.default_lang = web_lang_norm(
        hd_config_get(app.cfg, HD_CFG_INSTANCE_DEFAULT_LANG));
    if (app.default_lang == NULL)
        app.default_lang = "ja";
    app.started_at = hd_clock_now();
    max_body = (size_t)hd_config_get_int(app.cfg, HD_CFG_WEB_MAX_BODY_BYTES);
    if (cidr_setting(HD_CFG_WEB_TRUSTED_PROXY, &app.trusted_proxy, err) < 0 ||
        cidr_setting(HD_CFG_WEB_METRICS_ALLOW_IPS, &app.metrics_allow,
                     err) < 0)
        return -1;
    web_rate_init(hd_config_get_int(app.cfg, HD_CFG_WEB_RATE_LIMIT_PER_MINUTE));
    RAND_bytes((unsigned char *)&request_prefix, sizeof request_prefix);
    web_static_init();
    faq_render_init();
    xmlInitParser();
    pthread_key_create(&store_key, store_destroy);
    if (web_contact_calendar(hd_instance_store(inst), app.cfg, &app.cal,
                             err) < 0)
        return -1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (hd_store_search_warm(hd_instance_store(inst), err) < 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    hd_info("web", "search_warmed", "ms=%lld",
            (long long)((t1.tv_sec - t0.tv_sec) * 1000 +
                        (t1.tv_nsec - t0.tv_nsec) / 1000000));
    size_t texts, bytes;
    if (web_faq_index_init(hd_instance_store(inst), &texts, &bytes, err) < 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    hd_info("web", "faq_indexed", "texts=%zu bytes=%zu ms=%lld", texts,
            bytes,
            (long long)((t0.tv_sec - t1.tv_sec) * 1000 +
                        (t0.tv_nsec - t1.tv_nsec) / 1000000));
    return web_session_secret(hd_instance_store(inst), app.secret, err);
}

static int load_tls(struct tls_files *tls, struct hd_error *err)
{
    const char *cert = hd_config_get(app.cfg, HD_CFG_WEB_TLS_CERT);
    const char *key = hd_config_get(app.cfg, HD_CFG_WEB_TLS_KEY);
    if (*cert == '\0')
        return 0;
    if ((tls->cert = slurp(cert, err)) == NULL ||
        (tls->key = slurp(key, err)) == NULL)
        return -1;
    use_tls = true;
    return 0;
}

/* The host part of "ADDR:PORT", for the "listening on" line. */
static const char *ss_host(const char *listen)
{
    static char host[INET6_ADDRSTRLEN + 2];
    const char *colon = strrchr(listen, ':');
    size_t n = colon ? (size_t)(colon - listen) : strlen(listen);
    n = n < sizeof host ? n : sizeof host - 1;
    memcpy(host, listen, n);
    host[n] = '\0';
    return host;
}

/* The command line (opt.h): checked strictly, and the source of
 * --help, helpdesk-web(8) and the bash completion. */
static const struct hd_opt web_globals[] = {
    {"--data", "DIR", "the instance's data directory (else HELPDESK_DATA)"},
    {"--profile", "dev|test|prod", "refuse a database stamped with another "
     "profile"},
    {NULL}};

static const struct hd_optcmd web_cmd[] = {
    {"", NULL, "serve the agent pages, the public pages and the API until "
     "SIGTERM or SIGINT (then drain running requests)",
     (const struct hd_opt[]){
         {"--listen", "ADDR:PORT", "where to listen (else web.listen; port "
          "0: any free port, printed)"},
         {NULL}}},
};

static const struct hd_optprog web_prog = {"helpdesk-web", web_globals, NULL,
                                           web_cmd, 1};

/* -1 to go on, else the exit status (help printed, or a refusal). */
static int check_args(int argc, char **argv, int from)
{
    struct hd_error err = HD_ERROR_INIT;
    if (from < argc && hd_opt_dump(&web_prog, argv[from]))
        return HD_EXIT_OK;
    int rc = hd_opt_check(&web_prog, web_cmd, argc, argv, from, &err);
    if (rc == 0) {
        for (int i = from; i < argc; i++) {
            if (strcmp(argv[i], "--listen") == 0) {
                i++;
                continue;
            }
            if (strncmp(argv[i], "--listen=", 9) != 0) {
                hd_error_set(&err, HD_E_INVAL, "unexpected argument "
                             "'%.60s'", argv[i]);
                rc = -1;
                break;
            }
        }
    }
    if (rc != 0) {
        hd_opt_usage(rc < 0 ? stderr : stdout, &web_prog, web_cmd);
        if (rc < 0)
            fprintf(stderr, "helpdesk-web: %s\n", err.msg);
    }
    return rc < 0 ? HD_EXIT_USAGE : rc == 1 ? HD_EXIT_OK : -1;
}

/* Hands the connections the kernel completed but we never accepted to
 * the daemon, so closing the listening socket resets none of them. */
static void adopt_backlog(struct MHD_Daemon *d, MHD_socket fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return;
    for (int i = 0; i < WEB_BACKLOG_ADOPT_MAX; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int c = accept(fd, (struct sockaddr *)&ss, &sl);
        if (c < 0)
            break;
        if (MHD_add_connection(d, c, (struct sockaddr *)&ss, sl) != MHD_YES)
            hd_warn("web", "adopt_failed", "fd=%d", c);
    }
}

/* Waits (at most WEB_DRAIN_MS) until the daemon has no connection left. */
static void drain(struct MHD_Daemon *d)
{
    for (int ms = 0; ms < WEB_DRAIN_MS; ms += WEB_DRAIN_STEP_MS) {
        const union MHD_DaemonInfo *di =
            MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (di == NULL || di->num_connections == 0)
            return;
        struct timespec ts = {0, WEB_DRAIN_STEP_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    hd_warn("web", "drain_timeout", "ms=%d", WEB_DRAIN_MS);
}

/* Blocks SIGTERM/SIGINT in every thread (the pool inherits the mask) and
 * waits for one in the main thread, then stops gracefully: no new
 * connections (quiesce; the backlog is adopted), running requests and
 * their responses finish (drain, bounded), then stop. */
static void serve_until_signal(struct MHD_Daemon *d)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sig = 0;
    sigwait(&set, &sig);
    hd_info("web", "stopping", "signal=%d", sig);
    MHD_socket fd = MHD_quiesce_daemon(d);
    if (fd != MHD_INVALID_SOCKET) {
        adopt_backlog(d, fd);
        close(fd);
    }
    drain(d);
    MHD_stop_daemon(d);
    atomic_store(&watch_stop, true);
    pthread_join(watch_thread, NULL);
    web_views_flush(hd_instance_store(app.inst));
}

int web_main(int argc, char **argv)
{
    struct hd_globals g = {.program = "helpdesk-web"};
    struct hd_error err = HD_ERROR_INIT;
    hd_log_set_program("helpdesk-web");
    int i = hd_globals_parse(argc, argv, &g, &err);
    const char *listen = NULL;
    if (i < 0) {
        fprintf(stderr, "helpdesk-web: %s\n", err.msg);
        return HD_EXIT_USAGE;
    }
    int checked = check_args(argc, argv, i);
    if (checked >= 0)
        return checked;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--listen") == 0)
            listen = argv[++i];
        else
            listen = argv[i] + strlen("--listen=");
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct hd_instance *inst = NULL;
    struct tls_files tls = {0};
    struct MHD_Daemon *d = NULL;
    int rc = 1;
    if (hd_instance_open(&g, 0, &inst, &err) < 0 || app_init(inst, &err) < 0 ||
        load_tls(&tls, &err) < 0)
        goto out;
    if (listen == NULL)
        listen = hd_config_get(app.cfg, HD_CFG_WEB_LISTEN);
    if (hd_log_buffer_start(&err) < 0 ||
        start_daemon(listen, &tls, &d, &err) < 0)
        goto out;
    printf("listening on %s://%s:%d\n", use_tls ? "https" : "http",
           ss_host(listen), bound_port(d));
    fflush(stdout);
    hd_info("web", "started", "listen=%s port=%d", listen, bound_port(d));
    serve_until_signal(d);
    rc = 0;
out:
    hd_log_buffer_stop(); /* the pool's threads have ended: all is here */
    if (rc != 0)
        fprintf(stderr, "helpdesk-web: %s\n", err.msg);
    if (tls.key != NULL)
        hd_memzero_explicit(tls.key, strlen(tls.key));
    free(tls.cert);
    free(tls.key);
    hd_calendar_free(&app.cal);
    hd_instance_close(&inst);
    xmlCleanupParser();
    return rc;
}
