/* agent_views.c - the queue page's arguments as a query string, and the
 * personal saved views built on it: "Save this view" (POST /agent/views),
 * the list with counts in the queue's side navigation, opening
 * (GET /agent/views/ID: a redirect to the stored query) and deleting
 * (POST /agent/views/ID/delete).  A view belongs to one user; any other
 * user's id is answered 404, as if it did not exist. */
#include "agent_views.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_queue.h"
#include "agent_session.h"
#include "clock.h"
#include "log.h"
#include "store_count.h"
#include "store_view.h"

#include <stdlib.h>
#include <string.h>

/* The arguments that make a queue view, in the order they are written;
 * "after" (the page position) comes last and only on request. */
static const char *const view_keys[] = {"view", "queue", "q", "status",
                                        "priority", "category", "tag",
                                        "sort"};

const char *web_qarg(const struct web_qargs *qa, const char *name)
{
    if (qa->query == NULL)
        return web_req_arg(qa->r, name);
    return web_urlenc_field(qa->r->a, qa->query, strlen(qa->query), name);
}

/* Appends key=value, value percent-encoded (unreserved characters kept);
 * -1 past the buffer's ceiling. */
static int qs_put(struct hd_buf *b, const char *key, const char *v,
                  struct hd_error *err)
{
    static const char hex[] = "0123456789ABCDEF";
    if ((b->len > 0 && hd_buf_append(b, "&", 1, err) < 0) ||
        hd_buf_append(b, key, strlen(key), err) < 0 ||
        hd_buf_append(b, "=", 1, err) < 0)
        return -1;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || strchr("-_.~", *p) != NULL;
        if (hd_buf_append(b, plain ? (const char *)p : e, plain ? 1 : 3,
                          err) < 0)
            return -1;
    }
    return 0;
}

const char *web_agent_queue_qs(const struct web_qargs *qa, bool with_after)
{
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    int rc = 0;
    hd_buf_init(&b, WEB_VIEW_QUERY_MAX);
    for (size_t i = 0; i < HD_ARRAY_LEN(view_keys) && rc == 0; i++) {
        const char *v = web_qarg(qa, view_keys[i]);
        if (v != NULL && *v != '\0')
            rc = qs_put(&b, view_keys[i], v, &err);
    }
    const char *after = with_after ? web_qarg(qa, "after") : NULL;
    if (rc == 0 && after != NULL && *after != '\0')
        rc = qs_put(&b, "after", after, &err);
    /* over WEB_VIEW_QUERY_MAX (a huge search): the plain queue */
    const char *out =
        rc < 0 ? "" : hd_arena_strndup(qa->r->a, hd_buf_cstr(&b), b.len);
    hd_buf_deinit(&b);
    return out;
}

bool web_agent_qs_ok(const char *s)
{
    if (s == NULL || strlen(s) > WEB_VIEW_QUERY_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || strchr("-_.~%=&", *p) != NULL))
            return false;
    return true;
}

/* ---- side navigation and the save form -------------------------------- */

static void delete_form(struct web_html *h, const struct web_agent *ag,
                        const char *lang, int64_t id)
{
    web_html_lit(h, "<form class=\"inline\" method=\"post\" "
                    "action=\"/agent/views/");
    web_html_int(h, id);
    web_html_lit(h, "/delete\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<button type=\"submit\" class=\"link\">");
    web_html_text(h, web_at(lang, A_DELETE));
    web_html_lit(h, "</button></form>");
}

int web_agent_saved_nav(struct web_req *r, struct web_html *h,
                        const struct web_agent *ag, struct hd_error *err)
{
    struct hd_saved_view *vs = NULL;
    size_t n = 0;
    if (hd_store_view_list(r->st, ag->user.id, r->a, &vs, &n, err) < 0)
        return -1;
    if (n == 0)
        return 0;
    const char *cur = web_req_arg(r, "sv");
    int64_t cur_id = cur ? strtoll(cur, NULL, 10) : 0;
    web_html_lit(h, "<nav class=\"views saved\" aria-labelledby=\"saved-h\">"
                    "<h2 id=\"saved-h\">");
    web_html_text(h, web_at(r->lang, A_SAVED_VIEWS));
    web_html_lit(h, "</h2><ul>\n");
    for (size_t i = 0; i < n; i++) {
        struct web_qargs qa = {.r = r, .query = vs[i].query};
        struct hd_queue_query q;
        int64_t count = 0;
        web_agent_queue_query(&qa, ag, &q);
        if (hd_store_queue_count_cached(r->st, &q, &count, err) < 0)
            return -1;
        web_html_lit(h, "<li><a href=\"/agent/views/");
        web_html_int(h, vs[i].id);
        web_html_lit(h, "\"");
        if (vs[i].id == cur_id)
            web_html_lit(h, " aria-current=\"page\"");
        web_html_lit(h, ">");
        web_html_text(h, vs[i].name);
        web_html_lit(h, " <span class=\"count\">");
        web_html_int(h, count);
        web_html_lit(h, "</span></a> ");
        delete_form(h, ag, r->lang, vs[i].id);
        web_html_lit(h, "</li>\n");
    }
    web_html_lit(h, "</ul></nav>\n");
    return 0;
}

void web_agent_save_form(struct web_req *r, struct web_html *h,
                         const struct web_agent *ag)
{
    struct web_qargs qa = {.r = r};
    web_html_lit(h, "<form class=\"save-view\" method=\"post\" "
                    "action=\"/agent/views\">\n");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<input type=\"hidden\" name=\"query\" value=\"");
    web_html_text(h, web_agent_queue_qs(&qa, false));
    web_html_lit(h, "\">\n<label>");
    web_html_text(h, web_at(r->lang, A_VIEW_NAME));
    web_html_lit(h, " <input name=\"name\" required maxlength=\"");
    web_html_int(h, WEB_VIEW_NAME_MAX);
    web_html_lit(h, "\"></label>\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_SAVE_VIEW));
    web_html_lit(h, "</button>\n</form>\n");
}

/* ---- handlers ------------------------------------------------------------ */

static const char *view_url(struct web_req *r, const char *query, int64_t id)
{
    return hd_arena_printf(r->a, "/agent/?%s%ssv=%lld", query,
                           *query ? "&" : "", (long long)id);
}

/* POST /agent/views: name, query (as web_agent_queue_qs wrote it). */
void web_agent_view_save(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    const char *name = web_form_field(r, "name");
    const char *query = web_form_field(r, "query");
    if (query == NULL)
        query = "";
    if (name == NULL || name[strspn(name, " \t")] == '\0' ||
        strlen(name) > WEB_VIEW_NAME_MAX || strpbrk(name, "\r\n") != NULL ||
        !web_agent_qs_ok(query)) {
        web_error_page(r, 400);
        return;
    }
    struct hd_error err = HD_ERROR_INIT;
    int64_t id = 0;
    if (hd_store_view_put(r->st, ag->user.id, name, query, hd_clock_now(),
                          &id, &err) < 0) {
        if (err.code == HD_E_TOOBIG)
            web_error_page(r, 413);
        else
            web_agent_fail(r, &err);
        return;
    }
    hd_info("web", "view.save", "user=%lld view=%lld",
            (long long)ag->user.id, (long long)id);
    web_resp_redirect(r, 303, view_url(r, query, id));
}

/* The view named by the path segment if it is ag's: 1, else 0 with 404
 * written, or -1 with the failure written. */
static int own_view(struct web_req *r, const struct web_agent *ag,
                    const char *seg, struct hd_saved_view *v)
{
    char *end = NULL;
    long long id = strtoll(seg, &end, 10);
    struct hd_error err = HD_ERROR_INIT;
    int found = 0;
    if (end != seg && *end == '\0' && id > 0)
        found = hd_store_view_get(r->st, id, ag->user.id, r->a, v, &err);
    if (found < 0)
        web_agent_fail(r, &err);
    else if (found == 0)
        web_error_page(r, 404);
    return found;
}

/* GET /agent/views/ID: to the queue with the view's query. */
void web_agent_view_open(struct web_req *r, const char *seg)
{
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    struct hd_saved_view v;
    if (ag == NULL || own_view(r, ag, seg, &v) <= 0)
        return;
    /* stored by view_save after the same check; checked again because
     * it goes into a Location header */
    web_resp_redirect(r, 303, web_agent_qs_ok(v.query)
                                  ? view_url(r, v.query, v.id)
                                  : "/agent/");
}

/* POST /agent/views/ID/delete */
void web_agent_view_delete(struct web_req *r, const char *seg)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_VIEWER);
    struct hd_saved_view v;
    if (ag == NULL || own_view(r, ag, seg, &v) <= 0)
        return;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_view_delete(r->st, v.id, ag->user.id, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    hd_info("web", "view.delete", "user=%lld view=%lld",
            (long long)ag->user.id, (long long)v.id);
    web_resp_redirect(r, 303, "/agent/");
}
