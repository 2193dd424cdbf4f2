/* response.c - filling the response of a request: headers, pages, data,
 * redirects, error pages; and reading urlencoded form bodies. */
#include "attach.h"
#include "blob.h"
#include "codec.h"
#include "i18n.h"
#include "log.h"
#include "web_int.h"
#include "api.h"

#include <string.h>

#define WEB_FORM_FIELDS_MAX 32

void web_resp_header(struct web_req *r, const char *name, const char *value)
{
    hd_assert(r->nheaders < WEB_RESP_HEADERS_MAX);
    r->headers[r->nheaders++] = (struct web_header){name, value};
}

void web_resp_data(struct web_req *r, int status, const char *ctype,
                   const char *data, size_t len, bool compressible)
{
    r->status = status;
    r->content_type = ctype;
    r->resp_body = data;
    r->resp_len = len;
    r->compressible = compressible;
    r->resp_gz = NULL; /* a page may set it after, for this body only */
    r->resp_gz_len = 0;
}

void web_resp_html(struct web_req *r, int status, struct web_html *h)
{
    if (h->failed) {
        hd_err("web", "page_too_big", "path_len=%zu", strlen(r->path));
        web_error_page(r, 500);
        return;
    }
    char *body = hd_arena_strndup(r->a, hd_buf_cstr(&h->b), h->b.len);
    web_resp_page(r, status, body, h->b.len);
}

void web_resp_page(struct web_req *r, int status, const char *body,
                   size_t len)
{
    web_resp_data(r, status, "text/html; charset=utf-8", body, len, true);
    web_resp_header(r, "Content-Language", r->lang);
    if (r->nheaders < WEB_RESP_HEADERS_MAX)
        web_resp_header(r, "Cache-Control", "no-cache");
}

void web_resp_file(struct web_req *r, int status, const char *ctype,
                   const char *path, bool unlink_after)
{
    web_resp_data(r, status, ctype, NULL, 0, false);
    r->stream_path = path;
    r->stream_unlink = unlink_after;
}

static void close_stream_blob(void *arg)
{
    struct web_req *r = arg;
    hd_blob_reader_close(&r->stream_blob);
}

void web_resp_blob(struct web_req *r, int status, const char *ctype,
                   struct hd_blob_reader *b)
{
    web_resp_data(r, status, ctype, NULL, 0, false);
    if (r->stream_blob == NULL)
        hd_arena_cleanup(r->a, close_stream_blob, r);
    else
        hd_blob_reader_close(&r->stream_blob);
    r->stream_blob = b;
}

void web_resp_redirect(struct web_req *r, int status, const char *location)
{
    web_resp_data(r, status, "text/plain; charset=utf-8", "", 0, false);
    web_resp_header(r, "Location", location);
}

int web_error_status(const struct hd_error *err)
{
    switch (err->code) {
    case HD_E_INVAL:
    case HD_E_PARSE:
        return 422;
    case HD_E_NOTFOUND:
        return 404;
    case HD_E_EXISTS:
        return 409;
    case HD_E_TOOBIG:
        return 413;
    case HD_E_PERM:
        return 403;
    case HD_E_BUSY:
    case HD_E_NOSPACE:
    case HD_E_TEMP:
        return 503;
    default:
        return 500;
    }
}

void web_fail_page(struct web_req *r, const struct hd_error *err)
{
    web_error_page(r, web_error_status(err) == 503 ? 503 : 500);
}

static enum web_msg status_msg(int status)
{
    switch (status) {
    case 400: return M_BAD_REQUEST;
    case 403: return M_FORBIDDEN;
    case 404: return M_NOT_FOUND;
    case 405: return M_METHOD;
    case 413: return M_TOO_BIG;
    case 422: return M_FILE_REFUSED;
    case 429: return M_TOO_MANY;
    default: return M_SERVER_ERROR;
    }
}

/* The head of an agent page up to its stylesheets (not </head>): one
 * place for the agent pages' and the agent error pages' markup. */
void web_agent_head(struct web_req *r, struct web_html *h, const char *title)
{
    web_html_lit(h, "<!DOCTYPE html>\n<html lang=\"");
    web_html_text(h, r->lang);
    web_html_lit(h, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\">\n<meta name=\"robots\" "
                    "content=\"noindex\">\n<title>");
    web_html_text(h, title);
    web_html_lit(h, "</title>\n<link rel=\"icon\" href=\"data:,\">\n"
                    "<link rel=\"stylesheet\" href=\"");
    web_html_text(h, web_static_url("app.css"));
    web_html_lit(h, "\">\n<link rel=\"stylesheet\" href=\"");
    web_html_text(h, web_static_url("agent.css"));
    web_html_lit(h, "\">\n");
}

/* An error of the agents' pages stays in their frame: their stylesheet,
 * why (r->error_why for a refusal), and the way back to the queue. */
static void agent_error_body(struct web_req *r, struct web_html *h,
                             int status, const char *title)
{
    web_agent_head(r, h, title);
    web_html_lit(h, "</head>\n<body class=\"agent\">\n<a class=\"skip\" "
                    "href=\"#main\">");
    web_html_text(h, web_t(r->lang, M_SKIP));
    web_html_lit(h, "</a>\n<header class=\"agent\">\n<a class=\"brand\" "
                    "href=\"/agent/\">");
    web_html_text(h, web_t(r->lang, M_HOME_TITLE));
    web_html_lit(h, "</a>\n</header>\n<main id=\"main\">\n<h1>");
    web_html_text(h, title);
    web_html_lit(h, "</h1>\n");
    const char *why = r->error_why;
    if (why == NULL && status == 403)
        why = web_t(r->lang, M_AGENT_FORBIDDEN);
    if (why == NULL && status == 404)
        why = web_t(r->lang, M_AGENT_NOT_FOUND);
    if (why != NULL) {
        web_html_lit(h, "<p class=\"why\">");
        web_html_text(h, why);
        web_html_lit(h, "</p>\n");
    }
    web_html_lit(h, "<p><a class=\"back\" href=\"/agent/\">");
    web_html_text(h, web_t(r->lang, M_BACK_TO_QUEUE));
    web_html_lit(h, "</a></p>\n</main>\n</body>\n</html>\n");
}

static bool agent_path(const char *path)
{
    return strncmp(path, "/agent/", 7) == 0 || strcmp(path, "/agent") == 0;
}

void web_error_page(struct web_req *r, int status)
{
    if (strncmp(r->path, "/api/", 5) == 0) { /* API clients read JSON */
        web_api_error_status(r, status);
        return;
    }
    struct web_html h;
    web_html_init(&h);
    if (agent_path(r->path)) {
        agent_error_body(r, &h, status, web_t(r->lang, status == 403
                                                           ? M_FORBIDDEN_AGENT
                                                           : status_msg(status)));
        goto send;
    }
    const char *title = web_t(r->lang, status_msg(status));
    struct web_page p = {.title = title, .description = title};
    web_layout_begin(r, &h, &p);
    web_html_lit(&h, "<h1>");
    web_html_text(&h, title);
    web_html_lit(&h, "</h1>\n");
    if (r->error_why != NULL) {
        web_html_lit(&h, "<p class=\"why\">");
        web_html_text(&h, r->error_why);
        web_html_lit(&h, "</p>\n");
    }
    if (status == 404) {
        web_html_lit(&h, "<p>");
        web_html_text(&h, web_t(r->lang, M_NOT_FOUND_TEXT));
        web_html_lit(&h, "</p>\n");
        web_layout_search_form(r, &h, NULL);
    }
    web_layout_end(r, &h);
send:
    if (h.failed) { /* cannot happen for pages this small */
        web_resp_data(r, 500, "text/plain; charset=utf-8", "error\n", 6,
                      false);
    } else {
        char *body = hd_arena_strndup(r->a, hd_buf_cstr(&h.b), h.b.len);
        web_resp_data(r, status, "text/html; charset=utf-8", body, h.b.len,
                      true);
    }
    web_html_deinit(&h);
}

void web_resp_attachment(struct web_req *r, const struct hd_attachment *at)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_blob_reader *b = NULL;
    const char *blobs = hd_arena_printf(r->a, "%s/blobs",
                                        hd_instance_dir(r->app->inst));
    int f = hd_attachment_downloadable(at)
                ? hd_blob_open(r->st, blobs, at->sha256, &b, &err)
                : 0;
    if (f <= 0) {
        if (f < 0)
            hd_warn("web", "attachment_open", "error=\"%s\"", err.msg);
        web_error_page(r, f < 0 ? 500 : 404);
        return;
    }
    web_resp_header(r, "Content-Disposition", hd_arena_printf(
        r->a, "attachment; filename*=UTF-8''%s",
        web_url_encode(r->a, at->filename[0] ? at->filename : "attachment")));
    web_resp_blob(r, 200, "application/octet-stream", b);
}

/* Decodes application/x-www-form-urlencoded text of length n. */
static char *form_decode(struct hd_arena *a, const char *s, size_t n)
{
    char *out = hd_arena_alloc(a, n + 1);
    size_t len;
    struct hd_error err;
    int rc = hd_pct_decode(s, n, HD_PCT_FORM, out, n + 1, &len, &err);
    hd_assert(rc == 0); /* n + 1 bytes hold any lenient decoding */
    return out;
}

const char *web_urlenc_field(struct hd_arena *a, const char *text,
                             size_t len, const char *name)
{
    const char *p = text, *end = text + len;
    size_t nl = strlen(name);
    for (int k = 0; p < end && k < WEB_FORM_FIELDS_MAX; k++) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *fe = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(fe - p));
        if (eq != NULL && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0)
            return form_decode(a, eq + 1, (size_t)(fe - eq - 1));
        p = fe + 1;
    }
    return NULL;
}

const char *web_form_field(struct web_req *r, const char *name)
{
    return web_urlenc_field(r->a, r->body, r->body_len, name);
}

size_t web_form_values(struct web_req *r, const char *name,
                       const char **vals, size_t max)
{
    const char *p = r->body, *end = r->body + r->body_len;
    size_t nl = strlen(name), n = 0;
    while (p != NULL && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *fe = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(fe - p));
        if (eq != NULL && (size_t)(eq - p) == nl &&
            memcmp(p, name, nl) == 0) {
            if (n < max)
                vals[n] = form_decode(r->a, eq + 1, (size_t)(fe - eq - 1));
            n++;
        }
        p = fe + 1;
    }
    return n;
}
