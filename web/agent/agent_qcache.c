/* agent_qcache.c - see agent_qcache.h.  The storage is pages_cache.c's
 * set-associative cache; this file makes the keys. */
#include "agent_qcache.h"

#include "buf.h"
#include "pages_cache.h"

#include <pthread.h>
#include <string.h>

#define WEB_QCACHE_ROWS_ENTRIES 256
#define WEB_QCACHE_ROWS_BYTES (8u * 1024 * 1024)
#define WEB_QCACHE_NAV_ENTRIES 256
#define WEB_QCACHE_NAV_BYTES (2u * 1024 * 1024)
#define WEB_QCACHE_KEY_MAX 2048 /* longer keys: not cached */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct web_cache *caches[WEB_QCACHE_KINDS];

static void caches_init(void)
{
    caches[WEB_QCACHE_ROWS] = web_cache_new(
        WEB_QCACHE_ROWS_ENTRIES, WEB_QCACHE_ROWS_BYTES, WEB_QCACHE_SECS);
    caches[WEB_QCACHE_NAV] = web_cache_new(
        WEB_QCACHE_NAV_ENTRIES, WEB_QCACHE_NAV_BYTES, WEB_QCACHE_SECS);
}

/* Appends "name=LEN:value;" (absent: "name;"): the length keeps any byte
 * of a value from being read as a separator. */
static int put_arg(struct hd_buf *b, const char *name, const char *v,
                   struct hd_error *err)
{
    if (v == NULL)
        return hd_buf_printf(b, err, "%s;", name);
    return hd_buf_printf(b, err, "%s=%zu:", name, strlen(v)) < 0 ||
                   hd_buf_append(b, v, strlen(v), err) < 0 ||
                   hd_buf_append(b, ";", 1, err) < 0
               ? -1
               : 0;
}

/* The queues ag may see: "*" (admin) or the granted ids. */
static int put_visibility(struct hd_buf *b, const struct web_agent *ag,
                          struct hd_error *err)
{
    if (ag->role == WEB_ROLE_ADMIN)
        return hd_buf_append(b, "vis=*;", 6, err);
    if (hd_buf_append(b, "vis=", 4, err) < 0)
        return -1;
    for (size_t i = 0; i < ag->nqueues; i++)
        if (hd_buf_printf(b, err, "%lld,", (long long)ag->queues[i]) < 0)
            return -1;
    return hd_buf_append(b, ";", 1, err);
}

static int build_key(struct web_req *r, const struct web_agent *ag,
                     enum web_qcache_kind kind, struct hd_buf *b,
                     struct hd_error *err)
{
    static const char *const row_args[] = {"view", "queue", "q", "status",
                                           "priority", "category", "tag",
                                           "sort", "after"};
    static const char *const nav_args[] = {"view", "queue"};
    bool rows = kind == WEB_QCACHE_ROWS;
    const char *view = web_req_arg(r, "view");
    bool per_user = !rows || (view != NULL && strcmp(view, "mine") == 0);
    if (hd_buf_printf(b, err, "%s|%s|%d|%lld|", rows ? "rows" : "nav",
                      r->lang, (int)ag->role,
                      per_user ? (long long)ag->user.id : 0LL) < 0 ||
        put_visibility(b, ag, err) < 0)
        return -1;
    const char *const *args = rows ? row_args : nav_args;
    size_t n = rows ? HD_ARRAY_LEN(row_args) : HD_ARRAY_LEN(nav_args);
    for (size_t i = 0; i < n; i++)
        if (put_arg(b, args[i], web_req_arg(r, args[i]), err) < 0)
            return -1;
    return 0;
}

const char *web_qcache_key(struct web_req *r, const struct web_agent *ag,
                           enum web_qcache_kind kind)
{
    const char *q = web_req_arg(r, "q");
    if ((kind == WEB_QCACHE_ROWS && q != NULL && *q != '\0') ||
        (ag->role != WEB_ROLE_ADMIN && ag->queues == NULL))
        return NULL;
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, WEB_QCACHE_KEY_MAX);
    const char *key = NULL;
    if (build_key(r, ag, kind, &b, &err) == 0)
        key = hd_arena_strndup(r->a, hd_buf_cstr(&b), b.len);
    hd_buf_deinit(&b);
    return key;
}

bool web_qcache_get(enum web_qcache_kind kind, const char *key,
                    const struct web_agent *ag, struct hd_arena *a,
                    const char **val_r, size_t *len_r)
{
    pthread_once(&once, caches_init);
    return web_cache_get(caches[kind], key, ag->gen.tickets, a, val_r,
                         len_r);
}

void web_qcache_put(enum web_qcache_kind kind, const char *key,
                    const struct web_agent *ag, const void *val, size_t len)
{
    pthread_once(&once, caches_init);
    web_cache_put(caches[kind], key, ag->gen.tickets, val, len);
}
