/* pages_cache.c - see pages_cache.h.  One mutex per cache: a hit holds it
 * for one short scan of a set and one memcpy of the value. */
#include "pages_cache.h"

#include "clock.h"
#include "store_faq.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define WEB_CACHE_WAYS 4 /* entries compared per lookup */
#define WEB_GZ_LEVEL 6
#define WEB_GZ_STORED_MAX 65535 /* one stored deflate block */
#define WEB_GZ_HEADER 10
#define WEB_GZ_TRAILER 8

struct entry {
    char *key; /* NULL: free slot */
    uint64_t hash;
    int64_t gen, built_at;
    uint64_t used; /* tick of the last hit or store */
    char *val;
    size_t len;
};

struct web_cache {
    pthread_mutex_t lock;
    struct entry *e;
    size_t nsets, max_bytes, bytes;
    int64_t ttl;
    uint64_t tick;
};

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

struct web_cache *web_cache_new(size_t max_entries, size_t max_bytes,
                                int64_t ttl_seconds)
{
    struct web_cache *c = hd_xcalloc(1, sizeof *c);
    c->nsets = max_entries / WEB_CACHE_WAYS ? max_entries / WEB_CACHE_WAYS
                                            : 1;
    c->e = hd_xcalloc(c->nsets * WEB_CACHE_WAYS, sizeof *c->e);
    c->max_bytes = max_bytes;
    c->ttl = ttl_seconds;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void drop(struct web_cache *c, struct entry *e)
{
    if (e->key == NULL)
        return;
    c->bytes -= strlen(e->key) + e->len;
    free(e->key);
    free(e->val);
    memset(e, 0, sizeof *e);
}

void web_cache_free(struct web_cache **c)
{
    if (*c == NULL)
        return;
    for (size_t i = 0; i < (*c)->nsets * WEB_CACHE_WAYS; i++)
        drop(*c, &(*c)->e[i]);
    pthread_mutex_destroy(&(*c)->lock);
    free((*c)->e);
    free(*c);
    *c = NULL;
}

/* The entry holding key in its set, or NULL (caller holds the lock). */
static struct entry *find(struct web_cache *c, const char *key, uint64_t h)
{
    struct entry *set = c->e + (h % c->nsets) * WEB_CACHE_WAYS;
    for (int i = 0; i < WEB_CACHE_WAYS; i++)
        if (set[i].key != NULL && set[i].hash == h &&
            strcmp(set[i].key, key) == 0)
            return &set[i];
    return NULL;
}

bool web_cache_get(struct web_cache *c, const char *key, int64_t gen,
                   struct hd_arena *a, const char **val_r, size_t *len_r)
{
    uint64_t h = hash_key(key);
    int64_t now = hd_clock_now();
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    struct entry *e = find(c, key, h);
    if (e != NULL && (e->gen != gen || now - e->built_at >= c->ttl ||
                      now < e->built_at))
        drop(c, e); /* stale: never served again */
    else if (e != NULL) {
        char *v = hd_arena_alloc(a, e->len + 1);
        memcpy(v, e->val, e->len);
        v[e->len] = '\0';
        *val_r = v;
        *len_r = e->len;
        e->used = ++c->tick;
        hit = true;
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

/* The slot of key's set to overwrite: its own, a free one, else the
 * least recently used (caller holds the lock). */
static struct entry *victim(struct web_cache *c, const char *key,
                            uint64_t h)
{
    struct entry *own = find(c, key, h);
    if (own != NULL)
        return own;
    struct entry *set = c->e + (h % c->nsets) * WEB_CACHE_WAYS, *v = set;
    for (int i = 0; i < WEB_CACHE_WAYS; i++) {
        if (set[i].key == NULL)
            return &set[i];
        if (set[i].used < v->used)
            v = &set[i];
    }
    return v;
}

void web_cache_put(struct web_cache *c, const char *key, int64_t gen,
                   const void *val, size_t len)
{
    uint64_t h = hash_key(key);
    size_t need = strlen(key) + len;
    pthread_mutex_lock(&c->lock);
    struct entry *e = victim(c, key, h);
    drop(c, e);
    if (c->bytes + need <= c->max_bytes) {
        e->key = hd_xstrdup(key);
        e->hash = h;
        e->gen = gen;
        e->built_at = hd_clock_now();
        e->used = ++c->tick;
        e->val = hd_xmalloc(len ? len : 1);
        memcpy(e->val, val, len);
        e->len = len;
        c->bytes += need;
    }
    pthread_mutex_unlock(&c->lock);
}

static atomic_int_fast64_t known_gen;
static atomic_int_fast64_t gen_checked_ms; /* 0: never */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int web_cache_generation(struct hd_store *st, int64_t *gen_r,
                         struct hd_error *err)
{
    int64_t now = mono_ms(), at = atomic_load(&gen_checked_ms);
    if (at != 0 && now - at < WEB_CACHE_GEN_RECHECK_MS && now >= at) {
        *gen_r = atomic_load(&known_gen);
        return 0;
    }
    int64_t gen;
    if (hd_store_faq_generation(st, &gen, err) < 0)
        return -1;
    atomic_store(&known_gen, gen);
    atomic_store(&gen_checked_ms, now);
    *gen_r = gen;
    return 0;
}

void web_gz_piece(struct hd_arena *a, const void *in, size_t n, bool last,
                  struct web_gz *out)
{
    z_stream z = {0};
    hd_assert(deflateInit2(&z, WEB_GZ_LEVEL, Z_DEFLATED, -15, 8,
                           Z_DEFAULT_STRATEGY) == Z_OK);
    /* bound for the data plus the flush's empty stored block */
    size_t cap = deflateBound(&z, n) + 16;
    unsigned char *buf = hd_arena_alloc(a, cap);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)n;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, last ? Z_FINISH : Z_FULL_FLUSH);
    hd_assert(last ? rc == Z_STREAM_END : rc == Z_OK);
    hd_assert(z.avail_in == 0);
    *out = (struct web_gz){(const char *)buf, cap - z.avail_out, n,
                           (uint32_t)crc32(0, in, (uInt)n)};
    deflateEnd(&z);
}

void web_gz_stored(struct hd_arena *a, const void *in, size_t n,
                   struct web_gz *out)
{
    hd_assert(n <= WEB_GZ_STORED_MAX);
    unsigned char *b = hd_arena_alloc(a, n + 5);
    b[0] = 0x00; /* not final, stored; the pieces before end aligned */
    b[1] = (unsigned char)(n & 0xff);
    b[2] = (unsigned char)(n >> 8);
    b[3] = (unsigned char)~b[1];
    b[4] = (unsigned char)~b[2];
    memcpy(b + 5, in, n);
    *out = (struct web_gz){(const char *)b, n + 5, n,
                           (uint32_t)crc32(0, in, (uInt)n)};
}

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

void web_gz_join(struct hd_arena *a, const struct web_gz *ps, size_t n,
                 const char **gz_r, size_t *len_r)
{
    static const unsigned char header[WEB_GZ_HEADER] = {
        0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}; /* deflate, no name, Unix */
    size_t total = WEB_GZ_HEADER + WEB_GZ_TRAILER, len = 0;
    for (size_t i = 0; i < n; i++)
        total += ps[i].zlen;
    unsigned char *out = hd_arena_alloc(a, total), *w = out;
    memcpy(w, header, sizeof header);
    w += sizeof header;
    uLong crc = crc32(0, NULL, 0);
    for (size_t i = 0; i < n; i++) {
        memcpy(w, ps[i].z, ps[i].zlen);
        w += ps[i].zlen;
        crc = crc32_combine(crc, ps[i].crc, (z_off_t)ps[i].len);
        len += ps[i].len;
    }
    put_le32(w, (uint32_t)crc);
    put_le32(w + 4, (uint32_t)len);
    *gz_r = (const char *)out;
    *len_r = total;
}

struct page_hdr {
    size_t len, gz_len;
};

void web_cache_put_page(struct web_cache *c, const char *key, int64_t gen,
                        struct hd_arena *a, const char *body, size_t len)
{
    struct web_gz piece;
    const char *gz;
    struct page_hdr h = {.len = len};
    web_gz_piece(a, body, len, true, &piece);
    web_gz_join(a, &piece, 1, &gz, &h.gz_len);
    char *v = hd_arena_alloc(a, sizeof h + len + h.gz_len);
    memcpy(v, &h, sizeof h);
    memcpy(v + sizeof h, body, len);
    memcpy(v + sizeof h + len, gz, h.gz_len);
    web_cache_put(c, key, gen, v, sizeof h + len + h.gz_len);
}

bool web_cache_get_page(struct web_cache *c, const char *key, int64_t gen,
                        struct hd_arena *a, const char **body_r,
                        size_t *len_r, const char **gz_r, size_t *gz_len_r)
{
    const char *v;
    size_t n;
    struct page_hdr h;
    if (!web_cache_get(c, key, gen, a, &v, &n))
        return false;
    hd_assert(n >= sizeof h);
    memcpy(&h, v, sizeof h);
    hd_assert(n == sizeof h + h.len + h.gz_len);
    *body_r = v + sizeof h;
    *len_r = h.len;
    *gz_r = v + sizeof h + h.len;
    *gz_len_r = h.gz_len;
    return true;
}
