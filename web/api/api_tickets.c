/* api_tickets.c - /api/v1/tickets: list (filters, keyset pages), read,
 * create (Idempotency-Key), change, reply (real mail through the
 * outbox), internal notes, merge and messages.  Every change is one
 * transaction with its history event, its audit row and its webhook
 * deliveries. */
#include "api.h"

#include "auth.h"
#include "clock.h"
#include "crypt.h"
#include "outbound.h"
#include "store_api.h"
#include "webhook.h"

#include <stdlib.h>
#include <string.h>

/* Parses a ticket number from the path and loads a ticket the caller may
 * see; false with 404 sent otherwise (a hidden ticket is not found). */
bool web_api_load_ticket(struct web_req *r, const struct web_api_caller *c,
                        const char *text, struct hd_ticket *t)
{
    struct hd_error err = HD_ERROR_INIT;
    char *end = NULL;
    long long n = strtoll(text, &end, 10);
    if (n <= 0 || *end != '\0') {
        web_api_error(r, 404, "not_found", "no ticket '%.20s'", text);
        return false;
    }
    int found = hd_store_ticket_get(r->st, 0, n, r->a, t, &err);
    if (found < 0) {
        web_api_fail(r, &err);
        return false;
    }
    if (found == 0 || !web_api_queue_ok(r, c, t->queue_id)) {
        web_api_error(r, 404, "not_found", "no ticket %lld", n);
        return false;
    }
    return true;
}

/* ---- list ------------------------------------------------------------- */

/* One enum filter from the query: true when absent or valid. */
static bool enum_arg(struct web_req *r, const char *name, int *out,
                     int (*parse)(const char *, int *, struct hd_error *))
{
    struct hd_error err = HD_ERROR_INIT;
    const char *v = web_req_arg(r, name);
    if (v == NULL)
        return true;
    if (parse(v, out, &err) == 0)
        return true;
    web_api_error(r, 400, "bad_parameter", "%s: %s", name, err.msg);
    return false;
}

static int parse_status(const char *s, int *o, struct hd_error *e)
{
    enum hd_status v;
    if (strcmp(s, "active") == 0) {
        *o = HD_STATUS_COUNT;
        return 0;
    }
    int rc = hd_status_parse(s, &v, e);
    *o = (int)v;
    return rc;
}
static int parse_prio(const char *s, int *o, struct hd_error *e)
{
    enum hd_priority v;
    int rc = hd_priority_parse(s, &v, e);
    *o = (int)v;
    return rc;
}
static int parse_cat(const char *s, int *o, struct hd_error *e)
{
    enum hd_category v;
    int rc = hd_category_parse(s, &v, e);
    *o = (int)v;
    return rc;
}

/* A positive integer query argument within [1, max]; def when absent. */
static bool int_arg(struct web_req *r, const char *name, long long max,
                    long long def, long long *out)
{
    const char *v = web_req_arg(r, name);
    char *end = NULL;
    *out = def;
    if (v == NULL)
        return true;
    *out = strtoll(v, &end, 10);
    if (*v != '\0' && *end == '\0' && *out >= 1 && *out <= max)
        return true;
    web_api_error(r, 400, "bad_parameter", "%s: expected an integer 1..%lld",
                  name, max);
    return false;
}

/* Queue and assignee filters by name/email; false with the error sent. */
static bool ref_filters(struct web_req *r, const struct web_api_caller *c,
                        struct hd_ticket_filter *f)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *q = web_req_arg(r, "queue"), *as = web_req_arg(r, "assignee");
    if (q != NULL) {
        struct hd_queue qu;
        int found = hd_store_queue_get(r->st, 0, q, r->a, &qu, &err);
        if (found < 0) {
            web_api_fail(r, &err);
            return false;
        }
        if (found == 0 || !web_api_queue_ok(r, c, qu.id)) {
            web_api_error(r, 404, "not_found", "no queue '%.60s'", q);
            return false;
        }
        f->queue_id = qu.id;
    }
    if (as != NULL && strcmp(as, "none") == 0) {
        f->unassigned = true;
    } else if (as != NULL) {
        struct hd_user u;
        int found = hd_store_user_get(r->st, 0, as, r->a, &u, NULL, &err);
        if (found < 0) {
            web_api_fail(r, &err);
            return false;
        }
        f->assignee_id = found ? u.id : -1; /* unknown: matches nothing */
    }
    return true;
}

static const char *next_link(struct web_req *r, long long limit,
                             int64_t after)
{
    static const char *const keep[] = {"status", "priority", "category",
                                       "queue", "assignee", "tag"};
    const char *q = hd_arena_printf(r->a, "/api/v1/tickets?limit=%lld", limit);
    for (size_t i = 0; i < HD_ARRAY_LEN(keep); i++) {
        const char *v = web_req_arg(r, keep[i]);
        if (v != NULL)
            q = hd_arena_printf(r->a, "%s&%s=%s", q, keep[i],
                                web_url_encode(r->a, v));
    }
    return hd_arena_printf(r->a, "%s&after=%lld", q, (long long)after);
}

void web_api_tickets(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket_filter f;
    long long limit, after;
    if (!web_api_auth(r, HD_SCOPE_READ, &c))
        return;
    hd_ticket_filter_init(&f);
    if (!enum_arg(r, "status", &f.status, parse_status) ||
        !enum_arg(r, "priority", &f.priority, parse_prio) ||
        !enum_arg(r, "category", &f.category, parse_cat) ||
        !int_arg(r, "limit", WEB_API_PAGE_MAX, WEB_API_PAGE_DEFAULT, &limit) ||
        !int_arg(r, "after", INT64_MAX, 0, &after) ||
        !ref_filters(r, &c, &f))
        return;
    f.tag = web_req_arg(r, "tag");
    f.visible_to_user = c.admin ? 0 : c.tok.user_id;
    f.after_number = after;
    f.limit = (size_t)limit + 1; /* one more tells whether a next page exists */
    struct hd_ticket *ts;
    size_t n;
    if (hd_store_ticket_list(r->st, &f, r->a, &ts, &n, &err) < 0) {
        web_api_fail(r, &err);
        return;
    }
    bool more = n > (size_t)limit;
    n = more ? (size_t)limit : n;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, hd_ticket_json(&ts[i]));
    json_t *j = json_pack("{s:o}", "items", items);
    json_object_set_new(j, "next", more ? json_string(next_link(
                                              r, limit, ts[n - 1].number))
                                        : json_null());
    web_resp_json(r, 200, j);
}

/* ---- one ticket ------------------------------------------------------- */

static json_t *message_json(struct web_req *r, const struct hd_message *m)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_attachment *as = NULL;
    size_t na = 0;
    if (hd_store_attachment_list(r->st, m->id, r->a, &as, &na, &err) < 0)
        na = 0;
    json_t *atts = json_array();
    for (size_t i = 0; i < na; i++)
        json_array_append_new(atts, json_pack(
            "{s:I, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)as[i].id,
            "filename", as[i].filename, "content_type", as[i].content_type,
            "size", (json_int_t)as[i].size, "state", as[i].state,
            "scan_state", as[i].scan_state));
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id",
                     (json_int_t)m->id, "kind", hd_msg_kind_name(m->kind),
                     "from", m->from_addr ? m->from_addr : "", "from_name",
                     m->from_name ? m->from_name : "", "subject",
                     m->subject ? m->subject : "", "body",
                     m->body_text ? m->body_text : "", "created_at",
                     hd_json_time(m->created_at), "attachments", atts);
}

static json_t *messages_json(struct web_req *r, const struct web_api_caller *c,
                             const struct hd_ticket *t, struct hd_error *err)
{
    struct hd_message *ms;
    size_t n;
    if (hd_store_message_list(r->st, t->id, c->scope >= HD_SCOPE_WRITE, r->a,
                              &ms, &n, err) < 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, message_json(r, &ms[i]));
    return arr;
}

void web_api_ticket_get(struct web_req *r, const char *number)
{
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    if (!web_api_auth(r, HD_SCOPE_READ, &c) || !web_api_load_ticket(r, &c, number, &t))
        return;
    const char *want = web_req_arg(r, "messages");
    if (want != NULL && strcmp(want, "0") != 0 && strcmp(want, "1") != 0) {
        web_api_error(r, 400, "bad_parameter", "messages: expected 0 or 1");
        return;
    }
    json_t *j = hd_ticket_json(&t);
    if (want == NULL || strcmp(want, "1") == 0) {
        json_t *ms = messages_json(r, &c, &t, &err);
        if (ms == NULL) {
            json_decref(j);
            web_api_fail(r, &err);
            return;
        }
        json_object_set_new(j, "messages", ms);
    }
    web_resp_json(r, 200, j);
}

void web_api_ticket_messages(struct web_req *r, const char *number)
{
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    if (!web_api_auth(r, HD_SCOPE_READ, &c) || !web_api_load_ticket(r, &c, number, &t))
        return;
    json_t *ms = messages_json(r, &c, &t, &err);
    if (ms == NULL) {
        web_api_fail(r, &err);
        return;
    }
    web_resp_json(r, 200, json_pack("{s:o}", "items", ms));
}
