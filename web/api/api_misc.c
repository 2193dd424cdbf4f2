/* api_misc.c - the read-only directory of /api/v1 (contacts,
 * organisations, queues, users), the public FAQ, announcements,
 * attachment downloads, the streamed export and the OpenAPI document. */
#include "api.h"
#include "attach.h"
#include "blob.h"

#include "clock.h"
#include "export.h"
#include "store_api.h"
#include "store_faq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void web_api_contacts(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_contact *cs;
    size_t n;
    const char *av = web_req_arg(r, "after");
    long long after = av ? strtoll(av, NULL, 10) : 0;
    if (!web_api_auth(r, HD_SCOPE_READ, &c))
        return;
    if (after < 0) {
        web_api_error(r, 400, "bad_parameter", "after: expected an id");
        return;
    }
    if (hd_store_api_contact_list(r->st, after, WEB_API_PAGE_MAX + 1,
                                  c.admin ? 0 : c.tok.user_id, r->a, &cs, &n,
                                  &err) < 0) {
        web_api_fail(r, &err);
        return;
    }
    bool more = n > WEB_API_PAGE_MAX;
    n = more ? WEB_API_PAGE_MAX : n;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack(
            "{s:I, s:s, s:s, s:s?, s:o}", "id", (json_int_t)cs[i].id,
            "address", cs[i].address, "name", cs[i].name, "lang", cs[i].lang,
            "created_at", hd_json_time(cs[i].created_at)));
    json_t *next = more ? json_string(hd_arena_printf(
                              r->a, "/api/v1/contacts?after=%lld",
                              (long long)cs[n - 1].id))
                        : json_null();
    web_resp_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next",
                                    next));
}

void web_api_orgs(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_org *os;
    size_t n;
    if (!web_api_auth(r, HD_SCOPE_READ, &c))
        return;
    if (hd_store_org_list(r->st, c.admin ? 0 : c.tok.user_id, r->a, &os, &n,
                          &err) < 0) {
        web_api_fail(r, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack(
            "{s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)os[i].id, "name",
            os[i].name, "tier", os[i].tier, "contacts",
            (json_int_t)os[i].contacts, "tickets", (json_int_t)os[i].tickets));
    web_resp_json(r, 200, json_pack("{s:o}", "items", items));
}

void web_api_queues(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_queue *qs;
    size_t n;
    if (!web_api_auth(r, HD_SCOPE_READ, &c))
        return;
    if (hd_store_queue_list(r->st, r->a, &qs, &n, &err) < 0) {
        web_api_fail(r, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        if (web_api_queue_ok(r, &c, qs[i].id))
            json_array_append_new(items, json_pack(
                "{s:I, s:s, s:s?, s:s, s:I}", "id", (json_int_t)qs[i].id,
                "name", qs[i].name, "address", qs[i].address, "description",
                qs[i].description ? qs[i].description : "", "open_tickets",
                (json_int_t)qs[i].open_tickets));
    web_resp_json(r, 200, json_pack("{s:o}", "items", items));
}

void web_api_users(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_user *us;
    size_t n;
    if (!web_api_auth(r, HD_SCOPE_ADMIN, &c))
        return;
    if (hd_store_user_list(r->st, r->a, &us, &n, &err) < 0) {
        web_api_fail(r, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack(
            "{s:I, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)us[i].id,
            "email", us[i].email, "name", us[i].name, "role", us[i].role,
            "disabled", us[i].disabled, "last_login_at",
            hd_json_time(us[i].last_login_at)));
    web_resp_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- public FAQ -------------------------------------------------------- */

void web_api_faq_list(struct web_req *r, const char *arg)
{
    (void)arg;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_faq_article *as;
    size_t n;
    struct hd_faq_filter f = {.public_only = true,
                              .order = HD_FAQ_BY_CATEGORY};
    if (hd_store_faq_article_list(r->st, &f, r->a, &as, &n, &err) < 0) {
        web_api_fail(r, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack(
            "{s:s, s:s?, s:s?, s:s?, s:o}", "slug", as[i].slug, "category",
            as[i].category_slug, "title_ja", as[i].title_ja, "title_en",
            as[i].title_en, "updated_at", hd_json_time(as[i].updated_at)));
    web_resp_json(r, 200, json_pack("{s:o}", "items", items));
}

void web_api_faq_article(struct web_req *r, const char *slug)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_faq_article art;
    int found = hd_store_faq_article_get(r->st, slug, r->a, &art, &err);
    if (found < 0) {
        web_api_fail(r, &err);
        return;
    }
    if (found == 0 || art.internal || art.draft) {
        web_api_error(r, 404, "not_found", "no article '%.80s'", slug);
        return;
    }
    json_t *texts = json_object();
    static const char *const langs[] = {"ja", "en"};
    for (size_t i = 0; i < HD_ARRAY_LEN(langs); i++) {
        struct hd_faq_text t;
        int got = hd_store_faq_text_get(r->st, art.id, langs[i], r->a, &t,
                                        &err);
        if (got == 1)
            json_object_set_new(texts, langs[i], json_pack(
                "{s:s, s:s, s:o}", "title", t.title, "body_md", t.body_md,
                "updated_at", hd_json_time(t.updated_at)));
    }
    web_resp_json(r, 200, json_pack(
        "{s:s, s:s?, s:o, s:o}", "slug", art.slug, "category",
        art.category_slug, "texts", texts, "updated_at",
        hd_json_time(art.updated_at)));
}

void web_api_announcements(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_announcement *as;
    size_t n;
    if (!web_api_auth(r, HD_SCOPE_READ, &c))
        return;
    if (hd_store_announce_list(r->st, hd_clock_now(), r->a, &as, &n, &err) <
        0) {
        web_api_fail(r, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack(
            "{s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:o}", "id",
            (json_int_t)as[i].id, "kind", as[i].kind, "title_ja",
            as[i].title_ja, "title_en", as[i].title_en, "body_ja",
            as[i].body_ja, "body_en", as[i].body_en, "starts_at",
            hd_json_time(as[i].starts_at), "ends_at",
            hd_json_time(as[i].ends_at)));
    web_resp_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- attachments, export ---------------------------------------------- */

/* Why an attachment may not be downloaded, or NULL when it may. */
static const char *not_downloadable(const struct hd_attachment *at)
{
    if (hd_attachment_downloadable(at))
        return NULL;
    if (strcmp(at->state, "stored") != 0)
        return at->state; /* oversize, refused, held, quarantined, purged */
    return at->scan_state; /* unscanned or infected */
}

/* Sends the plaintext of a blob, read (and decrypted, blob.h) as it is
 * sent: memory stays one chunk whatever the size. */
static void send_blob(struct web_req *r, const char *sha256)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *blobs = hd_arena_printf(r->a, "%s/blobs",
                                        hd_instance_dir(r->app->inst));
    struct hd_blob_reader *b;
    int f = hd_blob_open(r->st, blobs, sha256, &b, &err);
    if (f != 1) {
        if (f >= 0)
            hd_error_set(&err, HD_E_IO, "blob %.16s... is missing", sha256);
        web_api_fail(r, &err);
        return;
    }
    web_resp_blob(r, 200, "application/octet-stream", b);
}

void web_api_attachment(struct web_req *r, const char *idtext)
{
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_attachment at;
    struct hd_ticket t;
    int64_t tid = 0;
    char *end = NULL;
    long long id = strtoll(idtext, &end, 10);
    if (!web_api_auth(r, HD_SCOPE_READ, &c))
        return;
    int found = id > 0 && *end == '\0'
                    ? hd_store_api_attachment_get(r->st, id, r->a, &at, &tid,
                                                  &err)
                    : 0;
    if (found == 1)
        found = hd_store_ticket_get(r->st, tid, 0, r->a, &t, &err);
    if (found < 0) {
        web_api_fail(r, &err);
        return;
    }
    if (found == 0 || !web_api_queue_ok(r, &c, t.queue_id)) {
        web_api_error(r, 404, "not_found", "no attachment %.20s", idtext);
        return;
    }
    const char *why = not_downloadable(&at);
    if (why != NULL) {
        web_api_error(r, 409, "not_downloadable", "attachment is %s; only "
                      "stored attachments scanned clean can be downloaded",
                      why);
        return;
    }
    web_resp_header(r, "Content-Disposition", hd_arena_printf(
        r->a, "attachment; filename*=UTF-8''%s",
        web_url_encode(r->a, at.filename[0] ? at.filename : "attachment")));
    send_blob(r, at.sha256);
}

void web_api_export(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    if (!web_api_auth(r, HD_SCOPE_ADMIN, &c))
        return;
    const char *dir = hd_instance_dir(r->app->inst);
    struct hd_export_opts o = {
        .blobs_dir = hd_arena_printf(r->a, "%s/blobs", dir)};
    const char *path = hd_arena_printf(r->a, "%s/tmp-api-export-%s.json", dir,
                                       r->request_id);
    bool ok = hd_export_write(r->st, &o, path, &err) == 0;
    if (ok && hd_store_begin(r->st, &err) < 0)
        ok = false;
    else if (ok) {
        ok = web_api_audit(r, &c, "instance", "export", NULL, &err) == 0 &&
             hd_store_commit(r->st, &err) == 0;
        if (!ok)
            hd_store_rollback(r->st);
    }
    if (!ok) {
        unlink(path);
        web_api_fail(r, &err);
        return;
    }
    web_resp_header(r, "Content-Disposition",
                    "attachment; filename=\"helpdesk-export.json\"");
    web_resp_file(r, 200, "application/json", path, true);
}

void web_api_openapi(struct web_req *r, const char *arg)
{
    (void)arg;
    const char *data;
    size_t len;
    hd_assert(web_static_get("openapi.json", &data, &len));
    web_resp_data(r, 200, "application/json; charset=utf-8", data, len, true);
    web_resp_header(r, "Cache-Control", "public, max-age=300");
}
