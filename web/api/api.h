/* api.h - what the files of the JSON API (/api/v1) and the operations
 * endpoints share: the authenticated caller, JSON responses and errors,
 * body parsing, audit, and the handlers the router knows.
 *
 * Every handler starts with web_api_auth() (or serves public data), so
 * the permission check is the first thing it does. */
#ifndef WEB_API_H
#define WEB_API_H

#include "desk.h"
#include "ticket_json.h"
#include "api_token.h"
#include "web_int.h"

#include <jansson.h>

#define WEB_API_BODY_MAX (256 * 1024) /* JSON request body */
#define WEB_API_PAGE_DEFAULT 50
#define WEB_API_PAGE_MAX 200
#define WEB_API_IDEM_KEY_MAX 200
#define WEB_API_IDEM_SECS 86400 /* an Idempotency-Key is kept 24 h */
#define WEB_API_TEXT_MAX (128 * 1024) /* a message body */
#define WEB_API_SUBJECT_MAX 998

/* The caller of an API request. */
struct web_api_caller {
    struct hd_api_token tok;
    enum hd_api_scope scope; /* after the role ceiling */
    bool admin;              /* sees every queue */
    const char *actor;       /* "api:12" for history and audit */
};

/* ---- json.c: the only JSON writer ------------------------------------ */
/* Sends j (reference stolen) as application/json.  A GET answered 200
 * gets an ETag over the body, and 304 when If-None-Match matches. */
void web_resp_json(struct web_req *r, int status, json_t *j);
/* The ETag web_resp_json() gives body[0..n): the first 128 bits of its
 * SHA-256 in hex, quoted (arena string). */
const char *web_json_etag(struct hd_arena *a, const char *body, size_t n);
/* True when the If-None-Match value inm (may be NULL) is "*" or names
 * etag. */
bool web_json_etag_matches(const char *inm, const char *etag);
/* {"error": {"code": code, "message": ...}} with status. */
void web_api_error(struct web_req *r, int status, const char *code,
                   const char *fmt, ...) HD_PRINTF(4, 5);
/* The API error for status when nothing more precise is known (router and
 * server refusals under /api/). */
void web_api_error_status(struct web_req *r, int status);
/* Maps a store error to a status and sends it. */
void web_api_fail(struct web_req *r, const struct hd_error *err);
/* Percent-encodes s for a query string value (arena string). */
const char *web_url_encode(struct hd_arena *a, const char *s);

/* ---- api.c: authentication, bodies, audit ---------------------------- */
/* Authenticates the bearer token and checks it holds at least 'need'.
 * Returns true with c filled, or false with the error response sent
 * (401, 403, 429, 500) and the denial in the security log. */
bool web_api_auth(struct web_req *r, enum hd_api_scope need,
                  struct web_api_caller *c);
/* Parses the request body as a JSON object: Content-Type must be JSON
 * (415), size within WEB_API_BODY_MAX (413), valid UTF-8 and JSON (400),
 * an object (422).  NULL with the error sent. */
json_t *web_api_body(struct web_req *r);
/* Appends an audit row for a change made through the API (inside the
 * caller's transaction).  after may be NULL. */
HD_NODISCARD int web_api_audit(struct web_req *r,
                               const struct web_api_caller *c,
                               const char *object, const char *action,
                               json_t *after, struct hd_error *err);
/* The desk (desk.h) acting for caller c: actor api:TOKENID, source api,
 * the token's user, the client's address and the request ID. */
struct hd_desk *web_api_desk(struct web_req *r, const struct web_api_caller *c);
/* For POSTs carrying Idempotency-Key: true when a stored answer was
 * replayed (the handler stops).  *key_r gets the key (or NULL). */
bool web_api_idem_replay(struct web_req *r, const struct web_api_caller *c,
                         const char **key_r);
/* Stores the answer just made under key, inside the transaction that
 * made it (no-op for NULL key or a non-2xx answer); -1 with HD_E_EXISTS
 * when a concurrent request with the same key won. */
HD_NODISCARD int web_api_idem_store(struct web_req *r,
                                    const struct web_api_caller *c,
                                    const char *key, struct hd_error *err);
/* May the caller see tickets of this queue?  Admins see all. */
bool web_api_queue_ok(struct web_req *r, const struct web_api_caller *c,
                      int64_t queue_id);

/* ---- api_tickets.c --------------------------------------------------- */
/* Loads ticket NUMBER (path text) if the caller may see it; false with
 * 404 sent otherwise (a ticket in a queue not granted is not found). */
bool web_api_load_ticket(struct web_req *r, const struct web_api_caller *c,
                         const char *text, struct hd_ticket *t);

/* ---- metrics.c: in-memory HTTP counters ------------------------------ */
void web_metrics_observe(int status, double ms);
/* Appends the HTTP series in Prometheus text format. */
void web_metrics_http(struct hd_buf *b);

/* ---- handlers (api_tickets.c, api_misc.c, ops.c) --------------------- */
void web_api_tickets(struct web_req *r, const char *arg);
void web_api_ticket_create(struct web_req *r, const char *arg);
void web_api_ticket_get(struct web_req *r, const char *number);
void web_api_ticket_patch(struct web_req *r, const char *number);
void web_api_ticket_reply(struct web_req *r, const char *number);
void web_api_ticket_note(struct web_req *r, const char *number);
void web_api_ticket_merge(struct web_req *r, const char *number);
void web_api_ticket_messages(struct web_req *r, const char *number);
void web_api_attachment(struct web_req *r, const char *id);
void web_api_contacts(struct web_req *r, const char *arg);
void web_api_orgs(struct web_req *r, const char *arg);
void web_api_queues(struct web_req *r, const char *arg);
void web_api_reports(struct web_req *r, const char *arg);
void web_api_users(struct web_req *r, const char *arg);
void web_api_faq_list(struct web_req *r, const char *arg);
void web_api_faq_article(struct web_req *r, const char *slug);
void web_api_announcements(struct web_req *r, const char *arg);
void web_api_export(struct web_req *r, const char *arg);
void web_api_openapi(struct web_req *r, const char *arg);
void web_page_readyz(struct web_req *r, const char *arg);
void web_page_metrics(struct web_req *r, const char *arg);

#endif
