/* web_int.h - what the files of helpdesk-web share: the application
 * (instance, settings, secret), one request and its response, and the
 * handlers the router knows.  server.c fills a struct web_req and sends
 * what the handler leaves in it; no handler sees libmicrohttpd. */
#ifndef WEB_WEB_INT_H
#define WEB_WEB_INT_H

#include "arena.h"
#include "cidr.h"
#include "hd.h"
#include "html.h"
#include "i18n.h"
#include "instance.h"

#define WEB_SECRET_BYTES 32
#define WEB_RESP_HEADERS_MAX 12
#define WEB_VISITOR_HEX 32 /* visitor cookie: 16 random bytes in hex */

struct web_app {
    struct hd_instance *inst;
    const struct hd_config *cfg;
    unsigned char secret[WEB_SECRET_BYTES]; /* CSRF HMAC key */
    const char *public_url;                 /* no trailing slash; "" */
    const char *default_lang;
    int64_t started_at; /* Last-Modified of unfingerprinted assets */
    struct hd_calendar *cal; /* business hours; read-only once built */
    struct hd_cidr_list trusted_proxy; /* web.trusted_proxy, parsed */
    struct hd_cidr_list metrics_allow; /* web.metrics_allow_ips, parsed */
};

struct web_header {
    const char *name, *value;
};

struct web_req {
    struct hd_arena *a;
    struct web_app *app;
    struct hd_store *st; /* this thread's connection */
    void *conn;          /* server.c's connection; opaque elsewhere */
    const char *method, *path, *request_id;
    /* The client's address, decided once by server.c: the peer's, or what
     * web.trusted_proxy forwarded (forwarded.h).  Every check and log
     * uses it; peer_ip is the socket's, for the access log only. */
    const char *client_ip, *peer_ip;
    const char *lang; /* "ja" or "en", chosen by web_session_begin() */
    const char *visitor; /* visitor id, NULL until ensured */
    bool https; /* the client's side is HTTPS: our TLS or the proxy's */
    const char *body; /* request body (POST), NUL-terminated; of a
                         multipart form, its text fields urlencoded */
    size_t body_len;
    /* the files of a multipart/form-data body (upload.h), NULL for any
     * other body */
    struct web_uploads *uploads;
    /* why a request of the agents' pages was refused, in r->lang: the 403
     * page says it (NULL: the general reason) */
    const char *error_why;

    /* response, filled by the handler */
    int status;
    const char *content_type;
    const char *resp_body;
    size_t resp_len;
    bool compressible; /* text worth gzip */
    /* optional: resp_body already gzipped (a cached page), sent instead
     * of compressing when the client accepts gzip */
    const char *resp_gz;
    size_t resp_gz_len;
    struct web_header headers[WEB_RESP_HEADERS_MAX];
    size_t nheaders;
    /* instead of resp_body: send this file in chunks (bounded memory) */
    const char *stream_path;
    bool stream_unlink; /* remove the file once sent (temporary export) */
    /* or this blob's plaintext, decrypted as it is sent (owned) */
    struct hd_blob_reader *stream_blob;
};

/* ---- server.c: request accessors ------------------------------------ */
const char *web_req_arg(struct web_req *r, const char *name);
const char *web_req_header(struct web_req *r, const char *name);
const char *web_req_cookie(struct web_req *r, const char *name);

/* ---- response helpers (response.c) --------------------------------- */
void web_resp_header(struct web_req *r, const char *name, const char *value);
/* Sends the page built in h (a 500 page if it overflowed). */
void web_resp_html(struct web_req *r, int status, struct web_html *h);
/* Sends an HTML page already assembled (in the arena) from fragments
 * html.c built, with the same headers as web_resp_html(). */
void web_resp_page(struct web_req *r, int status, const char *body,
                   size_t len);
void web_resp_data(struct web_req *r, int status, const char *ctype,
                   const char *data, size_t len, bool compressible);
void web_resp_redirect(struct web_req *r, int status, const char *location);
/* Streams the file at path (arena string) as the body; with unlink_after
 * the file is removed when the response ends. */
void web_resp_file(struct web_req *r, int status, const char *ctype,
                   const char *path, bool unlink_after);
/* Streams the blob b opens (its plaintext; a sealed blob is decrypted a
 * chunk at a time) as the body.  Takes b; it is closed when the response
 * ends, or with the request if it is never sent.  A blob that fails
 * authentication mid-way ends the response short, never with bad bytes. */
void web_resp_blob(struct web_req *r, int status, const char *ctype,
                   struct hd_blob_reader *b);
/* Sends an attachment the caller may hand out (grants and token checked)
 * as a download: 404 when it is not downloadable (attach.h: stored and
 * scanned clean), else its bytes as application/octet-stream with its
 * name (RFC 6266 filename*). */
struct hd_attachment;
void web_resp_attachment(struct web_req *r, const struct hd_attachment *at);
/* The error page for status (400, 403, 404, 405, 413, 422, 429, 500). */
void web_error_page(struct web_req *r, int status);
/* The one mapping of an error code to an HTTP status: 422 for invalid or
 * unparsable input, 404, 409, 413, 403, 503 for codes a retry may cure,
 * 500 for the rest.  The API answers with it (web_api_fail()). */
int web_error_status(const struct hd_error *err);
/* The error page for a failure the handler did not expect (it answers
 * the refusals it expects itself): 503 when web_error_status() says a
 * retry may cure it, else 500. */
void web_fail_page(struct web_req *r, const struct hd_error *err);
/* Value of a urlencoded form field in the body, decoded; NULL absent. */
const char *web_form_field(struct web_req *r, const char *name);
/* Same for the urlencoded text[0..len) (a stored query string); the value
 * lives in a. */
const char *web_urlenc_field(struct hd_arena *a, const char *text,
                             size_t len, const char *name);
/* Every value of a repeated form field (checkboxes), in order: the first
 * max go to vals; returns how many there were (may exceed max). */
size_t web_form_values(struct web_req *r, const char *name,
                       const char **vals, size_t max);

/* ---- session.c: language, visitor, CSRF ------------------------------ */
void web_session_begin(struct web_req *r);
/* Makes sure the visitor has an id (sets the cookie when new). */
const char *web_session_visitor(struct web_req *r);
/* The CSRF token for the current visitor (hex HMAC). */
const char *web_session_csrf(struct web_req *r);
/* True when token is the current visitor's. */
bool web_session_csrf_ok(struct web_req *r, const char *token);
/* A public form's token without making a visitor: the visitor's own
 * token when the request carries a visitor cookie, otherwise the
 * anonymous token of the current period (the same for every visitor
 * without a cookie, valid for WEB_ANON_TOKEN_PERIOD to twice that).
 * Sets no cookie. */
#define WEB_ANON_TOKEN_PERIOD 86400 /* seconds */
const char *web_session_form_token(struct web_req *r);
/* Checks a public form's token: a visitor with a cookie must send their
 * own token; a request without one may send the anonymous token, and
 * then must not come from another site (Sec-Fetch-Site, Origin, or
 * Referer when present: see session.c).  The caller then makes the
 * visitor with web_session_visitor(). */
bool web_session_form_ok(struct web_req *r, const char *token);
/* The parts of the checks above that need no connection, for tests: */
/* True when v is a visitor id as web_session_visitor() makes them
 * (WEB_VISITOR_HEX lower-case hex digits); a cookie that is not one is
 * ignored. */
bool web_session_visitor_valid(const char *v);
/* True when token is the anonymous token of the current period or of the
 * one before (hd_clock_now()); the origin is not checked. */
bool web_session_anon_ok(struct web_req *r, const char *token);
/* The browser's word on where a form came from: false when site
 * (Sec-Fetch-Site) is present and not "same-origin", or when origin (or,
 * without it, referer) names another authority than host or public_url's;
 * true when all three are NULL.  Any argument may be NULL. */
bool web_session_origin_ok(const char *site, const char *origin,
                           const char *referer, const char *host,
                           const char *public_url);
/* web_session_origin_ok() with the request's headers, Host and the
 * public URL: the form was posted from one of our pages, as far as the
 * browser says. */
bool web_session_same_origin(struct web_req *r);
/* Loads or creates the instance secret (meta key web.secret). */
HD_NODISCARD int web_session_secret(struct hd_store *st,
                                    unsigned char out[WEB_SECRET_BYTES],
                                    struct hd_error *err);

/* ---- router.c -------------------------------------------------------- */
typedef void (*web_handler)(struct web_req *r, const char *arg);
/* Runs the handler for r->method and r->path, or an error page (405 with
 * Allow when the path is routed under other methods only, else 404). */
void web_router_dispatch(struct web_req *r);

enum web_route_found {
    WEB_ROUTE_FOUND,     /* fn and arg set */
    WEB_ROUTE_NO_METHOD, /* the path is routed, not for this method */
    WEB_ROUTE_NONE,      /* no route has the path */
};
struct web_route_match {
    web_handler fn;
    const char *arg;   /* the path segment of a prefix route, else NULL */
    const char *allow; /* WEB_ROUTE_NO_METHOD: "GET, POST" (arena) */
};
/* The route table's answer for method and path, first match in table
 * order; HEAD matches GET routes.  Strings it makes live in a. */
enum web_route_found web_router_match(const char *method, const char *path,
                                      struct hd_arena *a,
                                      struct web_route_match *m_r);

/* ---- handlers -------------------------------------------------------- */
void web_page_top(struct web_req *r, const char *arg);
void web_page_faq_index(struct web_req *r, const char *arg);
void web_page_article(struct web_req *r, const char *slug);
void web_page_vote(struct web_req *r, const char *slug);
void web_page_search(struct web_req *r, const char *arg);
/* Builds the FAQ search index at start (faq/lib/faq_index.h): texts
 * indexed and bytes held. */
HD_NODISCARD int web_faq_index_init(struct hd_store *st, size_t *texts_r,
                                    size_t *bytes_r, struct hd_error *err);
void web_page_terms(struct web_req *r, const char *arg);
void web_page_healthz(struct web_req *r, const char *arg);
void web_feed_sitemap(struct web_req *r, const char *arg);
void web_feed_atom(struct web_req *r, const char *arg);
void web_static_serve(struct web_req *r, const char *name);
void web_page_customer(struct web_req *r, const char *token);
void web_page_customer_reply(struct web_req *r, const char *token);
void web_page_customer_file(struct web_req *r, const char *token);
void web_page_customer_rate(struct web_req *r, const char *token);

/* ---- static.c --------------------------------------------------------- */
/* Computes the fingerprints; call once before serving. */
void web_static_init(void);
/* "/static/app-1a2b3c4d.css" for "app.css" (the asset must exist). */
const char *web_static_url(const char *name);
/* The head of an agent page up to its stylesheets (the caller ends it). */
void web_agent_head(struct web_req *r, struct web_html *h, const char *title);
/* The embedded bytes of an asset; false when there is none. */
bool web_static_get(const char *name, const char **data_r, size_t *len_r);

/* ---- layout.c --------------------------------------------------------- */
struct web_page {
    const char *title;       /* plain text; the site name is appended */
    const char *description; /* meta description, plain text */
    const char *canonical;   /* path such as "/faq/x"; NULL: none */
    const char *lang_query;  /* extra query kept by the language switch */
};
void web_layout_begin(struct web_req *r, struct web_html *h,
                      const struct web_page *p);
void web_layout_end(struct web_req *r, struct web_html *h);
/* The search form (used on several pages); q may be NULL. */
void web_layout_search_form(struct web_req *r, struct web_html *h,
                            const char *q);
/* Local date "2026-05-01" (ja: 2026年5月1日) in the instance zone. */
void web_layout_date(struct web_req *r, struct web_html *h, int64_t t);
/* The day and time, in the words of web_layout_date(). */
void web_layout_datetime(struct web_req *r, struct web_html *h, int64_t t);
/* The support addresses and when each is answered, under an <h2> heading:
 * what every dead end (no search result, a "no" vote, a wrong link)
 * offers.  now: whether it is open now, too (not on cached pages). */
void web_layout_contact(struct web_req *r, struct web_html *h,
                        enum web_msg heading, bool now);

/* ---- views.c: batched view counts ------------------------------------ */
void web_views_add(struct hd_store *st, int64_t article_id);
/* Writes the pending counts now (at shutdown). */
void web_views_flush(struct hd_store *st);

/* ---- contact.c -------------------------------------------------------- */
struct web_hours {
    bool open_now;
    int64_t next_open; /* when closed: next opening (UTC seconds); 0 none */
};
struct hd_calendar;
/* Business hours of the general address at 'now'. */
void web_contact_hours(const struct hd_calendar *cal, int64_t now,
                       struct web_hours *h);
/* Builds the instance calendar from the configuration and the store. */
HD_NODISCARD int web_contact_calendar(struct hd_store *st,
                                      const struct hd_config *cfg,
                                      struct hd_calendar **cal_r,
                                      struct hd_error *err);

#endif
