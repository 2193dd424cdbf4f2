/* api_write.c - the changing /api/v1/tickets calls: create, PATCH,
 * reply, note and merge.  Each checks the body and the caller's grants,
 * then hands the change to the desk (desk.h: history with actor
 * "api:TOKENID", audit row, SLA, webhook) inside one transaction that
 * also holds the idempotency key; nothing is half-done on failure. */
#include "api.h"

#include "auth.h"
#include "clock.h"
#include "crypt.h"
#include "upload.h"

#include <stdlib.h>
#include <string.h>

#define WEB_API_EMAIL_MAX 254

/* A string member: 0 with *out (NULL when absent and optional), or -1
 * with 422 sent (wrong type, missing, empty or too long). */
static int str_field(struct web_req *r, json_t *body, const char *key,
                     bool required, size_t max, const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if (v == NULL && !required)
        return 0;
    if (v == NULL) {
        web_api_error(r, 422, "missing_field", "'%s' is required", key);
        return -1;
    }
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        json_string_length(v) > max) {
        web_api_error(r, 422, "invalid_field", "'%s' must be a non-empty "
                      "string of at most %zu bytes", key, max);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

/* Refuses members not in 'allowed' (NULL-terminated): typos are errors. */
static int only_fields(struct web_req *r, json_t *body,
                       const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok) {
            web_api_error(r, 422, "unknown_field", "unknown field '%.60s'",
                          key);
            return -1;
        }
    }
    return 0;
}

/* Ends a write: commit, or roll back and send the error. */
static bool finish(struct web_req *r, bool ok, struct hd_error *err)
{
    if (ok && hd_store_commit(r->st, err) == 0)
        return true;
    hd_store_rollback(r->st);
    web_api_fail(r, err);
    return false;
}

static const char *new_msgid(struct web_req *r)
{
    char tok[HD_TOKEN_SIZE];
    hd_token_new(tok);
    return hd_arena_printf(r->a, "api.%.22s@helpdesk", tok);
}

/* ---- create ----------------------------------------------------------- */

struct create_in {
    const char *subject, *requester, *body, *category, *priority, *queue;
};

/* Validates the body into tn; -1 with the error sent. */
static int create_parse(struct web_req *r, const struct web_api_caller *c,
                        json_t *b, struct create_in *in,
                        struct hd_ticket_new *tn)
{
    static const char *const allowed[] = {"subject", "requester", "body",
        "category", "priority", "queue", NULL};
    struct hd_error err = HD_ERROR_INIT;
    enum hd_category cat = HD_CAT_GENERAL;
    enum hd_priority prio = HD_PRIO_NORMAL;
    if (only_fields(r, b, allowed) < 0 ||
        str_field(r, b, "subject", true, WEB_API_SUBJECT_MAX, &in->subject) ||
        str_field(r, b, "requester", true, WEB_API_EMAIL_MAX,
                  &in->requester) ||
        str_field(r, b, "body", true, WEB_API_TEXT_MAX, &in->body) ||
        str_field(r, b, "category", false, 20, &in->category) ||
        str_field(r, b, "priority", false, 20, &in->priority) ||
        str_field(r, b, "queue", !c->admin, 200, &in->queue))
        return -1;
    if (strchr(in->requester, '@') == NULL ||
        strpbrk(in->requester, " \r\n<>,") != NULL) {
        web_api_error(r, 422, "invalid_field", "'requester' must be one "
                      "mail address");
        return -1;
    }
    if ((in->category && hd_category_parse(in->category, &cat, &err) < 0) ||
        (in->priority && hd_priority_parse(in->priority, &prio, &err) < 0)) {
        web_api_error(r, 422, "invalid_field", "%s", err.msg);
        return -1;
    }
    *tn = (struct hd_ticket_new){.subject = in->subject, .priority = prio,
                                 .category = cat, .lang = r->app->default_lang};
    if (in->queue != NULL) {
        struct hd_queue q;
        int found = hd_store_queue_get(r->st, 0, in->queue, r->a, &q, &err);
        if (found < 0) {
            web_api_fail(r, &err);
            return -1;
        }
        if (found == 0 || !web_api_queue_ok(r, c, q.id)) {
            web_api_error(r, 403, "queue_not_granted", "you may not file "
                          "tickets in queue '%.60s'", in->queue);
            return -1;
        }
        tn->queue_id = q.id;
    }
    return 0;
}

static int create_rows(struct web_req *r, const struct web_api_caller *c,
                       const struct create_in *in, struct hd_ticket_new *tn,
                       struct hd_ticket *t, struct hd_error *err)
{
    struct hd_contact ct;
    if (hd_store_contact_ensure(r->st, in->requester, "", &tn->requester_id,
                                NULL, err) < 0 ||
        hd_store_contact_get(r->st, tn->requester_id, r->a, &ct, err) < 0)
        return -1;
    tn->org_id = ct.org_id;
    char hash[HD_SHA256_HEX_SIZE];
    hd_sha256_hex(in->body, strlen(in->body), hash);
    struct hd_message m = {
        .kind = HD_MSG_INBOUND,
        .author_contact_id = tn->requester_id, .from_addr = in->requester,
        .subject = in->subject, .message_id = new_msgid(r),
        .body_text = in->body, .body_hash = hash,
        .created_at = hd_clock_now(),
    };
    struct hd_desk_open o = {.tn = *tn, .first = &m};
    return hd_desk_open(web_api_desk(r, c), &o, t, err);
}

void web_api_ticket_create(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    const char *key;
    struct create_in in;
    struct hd_ticket_new tn;
    struct hd_ticket t;
    if (!web_api_auth(r, HD_SCOPE_WRITE, &c) ||
        web_api_idem_replay(r, &c, &key))
        return;
    json_t *b = web_api_body(r);
    if (b == NULL)
        return;
    int bad = create_parse(r, &c, b, &in, &tn);
    if (bad || hd_store_begin(r->st, &err) < 0) {
        if (!bad)
            web_api_fail(r, &err);
        json_decref(b);
        return;
    }
    bool ok = create_rows(r, &c, &in, &tn, &t, &err) == 0;
    json_t *tj = ok ? hd_ticket_json(&t) : NULL;
    if (ok) {
        web_resp_json(r, 201, json_incref(tj));
        web_resp_header(r, "Location", hd_arena_printf(
            r->a, "/api/v1/tickets/%lld", (long long)t.number));
        if (web_api_idem_store(r, &c, key, &err) < 0) {
            ok = false;
            if (err.code == HD_E_EXISTS) /* a concurrent twin won */
                hd_error_set(&err, HD_E_EXISTS, "a request with this "
                             "Idempotency-Key is being made; retry for its "
                             "answer");
        }
    }
    finish(r, ok, &err);
    json_decref(tj);
    json_decref(b);
}

/* ---- PATCH ------------------------------------------------------------ */

/* Queue name or assignee email to its id: 1 found, 0 unknown (or not
 * granted, or not an agent), -1 error. */
static int ref_id(struct web_req *r, const struct web_api_caller *c,
                  bool queue, const char *name, int64_t *id_r,
                  struct hd_error *err)
{
    int found;
    if (queue) {
        struct hd_queue q = {0};
        found = hd_store_queue_get(r->st, 0, name, r->a, &q, err);
        if (found == 1 && !web_api_queue_ok(r, c, q.id))
            found = 0;
        *id_r = q.id;
    } else {
        struct hd_user u = {0};
        found = hd_store_user_get(r->st, 0, name, r->a, &u, NULL, err);
        if (found == 1 && (u.disabled || strcmp(u.role, "viewer") == 0))
            found = 0;
        *id_r = u.id;
    }
    return found;
}

/* One enum member into c; 0, or -1 with err set. */
static int enum_value(const char *key, const char *s,
                      struct hd_desk_change *c, struct hd_error *err)
{
    enum hd_status st;
    enum hd_priority p;
    enum hd_category cat;
    if (strcmp(key, "priority") == 0) {
        if (hd_priority_parse(s, &p, err) < 0)
            return -1;
        c->priority = (int)p;
    } else if (strcmp(key, "category") == 0) {
        if (hd_category_parse(s, &cat, err) < 0)
            return -1;
        c->category = (int)cat;
    } else {
        if (hd_status_parse(s, &st, err) < 0)
            return -1;
        c->status = (int)st;
    }
    return 0;
}

/* One PATCH member into the change; -1 with the error sent. */
static int patch_value(struct web_req *r, const struct web_api_caller *c,
                       const char *key, json_t *v, struct hd_desk_change *ch)
{
    struct hd_error err = HD_ERROR_INIT;
    bool queue = strcmp(key, "queue") == 0;
    if (json_is_null(v) && strcmp(key, "assignee") == 0) {
        ch->assignee_id = 0;
        return 0;
    }
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        json_string_length(v) > 254) {
        web_api_error(r, 422, "invalid_field", "'%s' must be a non-empty "
                      "string", key);
        return -1;
    }
    const char *s = json_string_value(v);
    if (!queue && strcmp(key, "assignee") != 0) {
        if (enum_value(key, s, ch, &err) == 0)
            return 0;
        web_api_error(r, 422, "invalid_field", "%s", err.msg);
        return -1;
    }
    int64_t id = 0;
    int found = ref_id(r, c, queue, s, &id, &err);
    if (found < 0)
        web_api_fail(r, &err);
    else if (found == 0 && queue)
        web_api_error(r, 403, "queue_not_granted", "queue '%.60s' does not "
                      "exist or is not granted to you", s);
    else if (found == 0)
        web_api_error(r, 422, "invalid_field", "no agent '%.100s'", s);
    if (found != 1)
        return -1;
    if (queue)
        ch->queue_id = id;
    else
        ch->assignee_id = id;
    return 0;
}

static const char *const patch_fields[] = {"status", "priority", "category",
                                           "queue", "assignee", NULL};

/* The body as a change (every value checked); 1 when refused (the answer
 * is sent), else what the desk says. */
static int patch_apply(struct web_req *r, const struct web_api_caller *c,
                       json_t *b, struct hd_ticket *t, struct hd_error *err)
{
    struct hd_desk_change ch;
    hd_desk_change_init(&ch);
    for (size_t i = 0; patch_fields[i] != NULL; i++) {
        json_t *v = json_object_get(b, patch_fields[i]);
        if (v != NULL && patch_value(r, c, patch_fields[i], v, &ch))
            return 1;
    }
    if (ch.status != HD_DESK_KEEP && ch.status != (int)t->status &&
        !hd_status_can_change(t->status, (enum hd_status)ch.status)) {
        web_api_error(r, 422, "invalid_field", "status cannot go from %s "
                      "to %s", hd_status_name(t->status),
                      hd_status_name((enum hd_status)ch.status));
        return 1;
    }
    return hd_desk_set(web_api_desk(r, c), t, &ch, NULL, err);
}

void web_api_ticket_patch(struct web_req *r, const char *number)
{
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    if (!web_api_auth(r, HD_SCOPE_WRITE, &c) ||
        !web_api_load_ticket(r, &c, number, &t))
        return;
    json_t *b = web_api_body(r);
    if (b == NULL)
        return;
    if (only_fields(r, b, patch_fields) < 0 || json_object_size(b) == 0) {
        if (json_object_size(b) == 0)
            web_api_error(r, 422, "empty_patch", "nothing to change");
        json_decref(b);
        return;
    }
    if (hd_store_begin(r->st, &err) < 0) {
        web_api_fail(r, &err);
        json_decref(b);
        return;
    }
    int rc = patch_apply(r, &c, b, &t, &err);
    json_decref(b);
    if (rc == 1) { /* refused: the answer is sent */
        hd_store_rollback(r->st);
        return;
    }
    if (finish(r, rc == 0, &err))
        web_resp_json(r, 200, hd_ticket_json(&t));
}

/* ---- reply, note, merge ---------------------------------------------- */

/* The text of a reply or note: a JSON body {"body": "..."}, or a
 * multipart/form-data body (upload.h) with a "body" field and files,
 * which *fs_r and *nfs_r get (none for JSON).  NULL with the error sent;
 * a refused file is 422 "file_refused" saying which and why.  *b_r
 * holds the parsed body (caller decrefs). */
static const char *text_body(struct web_req *r, json_t **b_r,
                             struct hd_desk_file **fs_r, size_t *nfs_r)
{
    static const char *const allowed[] = {"body", NULL};
    const char *text = NULL, *why;
    *fs_r = NULL;
    *nfs_r = 0;
    if (r->uploads != NULL) {
        *b_r = json_object();
        text = web_form_field(r, "body");
        if (text == NULL || *text == '\0' || strlen(text) > WEB_API_TEXT_MAX) {
            web_api_error(r, 422, "invalid_field", "body: a text of 1 to %d "
                          "bytes is required", WEB_API_TEXT_MAX);
            text = NULL;
        } else if (!web_uploads_take(r, fs_r, nfs_r, &why)) {
            web_api_error(r, 422, "file_refused", "%s", why);
            text = NULL;
        }
        if (text == NULL) {
            json_decref(*b_r);
            *b_r = NULL;
        }
        return text;
    }
    *b_r = web_api_body(r);
    if (*b_r == NULL)
        return NULL;
    if (only_fields(r, *b_r, allowed) < 0 ||
        str_field(r, *b_r, "body", true, WEB_API_TEXT_MAX, &text) < 0) {
        json_decref(*b_r);
        *b_r = NULL;
    }
    return text;
}

void web_api_ticket_reply(struct web_req *r, const char *number)
{
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    json_t *b;
    struct hd_desk_file *fs;
    size_t nfs;
    const char *msgid = NULL, *text;
    if (!web_api_auth(r, HD_SCOPE_WRITE, &c) ||
        !web_api_load_ticket(r, &c, number, &t) ||
        (text = text_body(r, &b, &fs, &nfs)) == NULL)
        return;
    if (t.requester_address == NULL || t.status == HD_STATUS_CLOSED) {
        web_api_error(r, 409, "cannot_reply", t.requester_address == NULL
                      ? "the ticket has no requester to write to"
                      : "the ticket is closed");
        json_decref(b);
        return;
    }
    bool ok = hd_store_begin(r->st, &err) == 0 &&
              hd_desk_reply_files(web_api_desk(r, &c), &t, text, fs, nfs,
                                  &msgid, &err) == 0;
    if (finish(r, ok, &err))
        web_resp_json(r, 201, json_pack("{s:s, s:s, s:I}", "message_id",
                                        msgid, "state", "queued", "files",
                                        (json_int_t)nfs));
    json_decref(b);
}

void web_api_ticket_note(struct web_req *r, const char *number)
{
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    json_t *b;
    struct hd_desk_file *fs;
    size_t nfs;
    const char *text;
    int64_t mid = 0;
    if (!web_api_auth(r, HD_SCOPE_WRITE, &c) ||
        !web_api_load_ticket(r, &c, number, &t) ||
        (text = text_body(r, &b, &fs, &nfs)) == NULL)
        return;
    bool ok = hd_store_begin(r->st, &err) == 0 &&
              hd_desk_note_files(web_api_desk(r, &c), &t, text, fs, nfs, &mid,
                                 &err) == 0;
    if (finish(r, ok, &err))
        web_resp_json(r, 201, json_pack("{s:I, s:I}", "id", (json_int_t)mid,
                                        "files", (json_int_t)nfs));
    json_decref(b);
}

void web_api_ticket_merge(struct web_req *r, const char *number)
{
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket from, into;
    if (!web_api_auth(r, HD_SCOPE_WRITE, &c) ||
        !web_api_load_ticket(r, &c, number, &from))
        return;
    json_t *b = web_api_body(r), *v = b ? json_object_get(b, "into") : NULL;
    if (b == NULL)
        return;
    if (!json_is_integer(v) || json_object_size(b) != 1) {
        web_api_error(r, 422, "invalid_field", "expected {\"into\": NUMBER}");
        json_decref(b);
        return;
    }
    const char *num = hd_arena_printf(r->a, "%lld",
                                      (long long)json_integer_value(v));
    json_decref(b);
    if (!web_api_load_ticket(r, &c, num, &into))
        return;
    if (into.id == from.id || from.merged_into != 0 || into.merged_into != 0) {
        web_api_error(r, 409, "cannot_merge", "a ticket merges once, into "
                      "another unmerged ticket");
        return;
    }
    bool ok = hd_store_begin(r->st, &err) == 0 &&
              hd_desk_merge(web_api_desk(r, &c), &from, &into, &err) == 0;
    if (finish(r, ok, &err))
        web_resp_json(r, 200, hd_ticket_json(&into));
}
