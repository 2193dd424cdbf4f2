/* static.c - the files of web/static, embedded at build time.  Served as
 * /static/NAME-HASH.EXT (fingerprinted: cached for a year, immutable) and
 * as /static/NAME.EXT (ETag and Last-Modified, 304 when unchanged). */
#include "web_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define WEB_STATIC_MAX 32
#define WEB_HASH_HEX 8

struct hd_embedded {
    const char *name;
    const char *data;
    size_t len;
};
extern const struct hd_embedded web_static[];

struct asset {
    const struct hd_embedded *e;
    char hash[WEB_HASH_HEX + 1];
    char url[128];
    char etag[WEB_HASH_HEX + 3];
};

static struct asset assets[WEB_STATIC_MAX];
static size_t nassets;

static uint32_t fnv1a(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

void web_static_init(void)
{
    for (const struct hd_embedded *e = web_static;
         e->name != NULL && nassets < WEB_STATIC_MAX; e++) {
        struct asset *as = &assets[nassets++];
        as->e = e;
        uint32_t hv = fnv1a(e->data, e->len);
        snprintf(as->hash, sizeof as->hash, "%08x", hv);
        snprintf(as->etag, sizeof as->etag, "\"%08x\"", hv);
        const char *dot = strrchr(e->name, '.');
        int base = dot ? (int)(dot - e->name) : (int)strlen(e->name);
        snprintf(as->url, sizeof as->url, "/static/%.*s-%08x%s", base,
                 e->name, hv, dot ? dot : "");
    }
}

const char *web_static_url(const char *name)
{
    for (size_t i = 0; i < nassets; i++)
        if (strcmp(assets[i].e->name, name) == 0)
            return assets[i].url;
    hd_panic(__FILE__, __LINE__, "no static asset %s", name);
}

bool web_static_get(const char *name, const char **data_r, size_t *len_r)
{
    for (size_t i = 0; i < nassets; i++)
        if (strcmp(assets[i].e->name, name) == 0) {
            *data_r = assets[i].e->data;
            *len_r = assets[i].e->len;
            return true;
        }
    return false;
}

static const char *ctype_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (dot && strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    if (dot && strcmp(dot, ".svg") == 0)
        return "image/svg+xml";
    if (dot && strcmp(dot, ".json") == 0)
        return "application/json";
    if (dot && strcmp(dot, ".png") == 0)
        return "image/png";
    return "application/octet-stream";
}

static void http_date(int64_t t, char out[40])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

void web_static_serve(struct web_req *r, const char *name)
{
    for (size_t i = 0; i < nassets; i++) {
        struct asset *as = &assets[i];
        const char *ct = ctype_of(as->e->name);
        bool text = strncmp(ct, "text/", 5) == 0 || strstr(ct, "svg");
        if (strcmp(r->path, as->url) == 0) {
            web_resp_data(r, 200, ct, as->e->data, as->e->len, text);
            web_resp_header(r, "Cache-Control",
                            "public, max-age=31536000, immutable");
            return;
        }
        if (strcmp(name, as->e->name) != 0)
            continue;
        char *lm = hd_arena_alloc(r->a, 40);
        http_date(r->app->started_at, lm);
        web_resp_header(r, "ETag", as->etag);
        web_resp_header(r, "Last-Modified", lm);
        web_resp_header(r, "Cache-Control", "public, max-age=300");
        const char *inm = web_req_header(r, "If-None-Match");
        const char *ims = web_req_header(r, "If-Modified-Since");
        if ((inm && strstr(inm, as->etag)) ||
            (inm == NULL && ims && strcmp(ims, lm) == 0)) {
            web_resp_data(r, 304, NULL, NULL, 0, false);
            return;
        }
        web_resp_data(r, 200, ct, as->e->data, as->e->len, text);
        return;
    }
    web_error_page(r, 404);
}
