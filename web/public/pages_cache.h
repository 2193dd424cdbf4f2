/* pages_cache.h - a small in-memory cache of rendered public-site
 * fragments (articles, search results), shared by the server's threads.
 *
 * An entry is a byte string under a text key, stamped with the FAQ
 * generation it was built from (hd_store_faq_generation(): every edit,
 * import or delete by any process moves it) and the time it was built.
 * A lookup finds it only when the generation still matches and it is
 * younger than the cache's time to live, so a stale entry is never
 * served.  The cache is bounded in entries (set-associative, least
 * recently used within a set is replaced) and in total bytes (a value
 * that does not fit is simply not kept).  Values are produced by the
 * pages through html.c, so what comes out is as escaped as what went
 * in. */
#ifndef WEB_PAGES_CACHE_H
#define WEB_PAGES_CACHE_H

#include "arena.h"
#include "hd.h"

struct web_cache;

/* A cache of at most max_entries entries and max_bytes bytes of keys and
 * values; entries older than ttl_seconds are not served. */
struct web_cache *web_cache_new(size_t max_entries, size_t max_bytes,
                                int64_t ttl_seconds);
void web_cache_free(struct web_cache **c);

/* Copies the value stored under key for generation gen into the arena:
 * true with *val_r and *len_r, false when absent, stale or expired. */
bool web_cache_get(struct web_cache *c, const char *key, int64_t gen,
                   struct hd_arena *a, const char **val_r, size_t *len_r);
/* Stores a copy of val under key (replacing the key's old value). */
void web_cache_put(struct web_cache *c, const char *key, int64_t gen,
                   const void *val, size_t len);

/* The FAQ generation to compare entries with: read from the store at
 * most once per WEB_CACHE_GEN_RECHECK_MS across all threads, so a change
 * made by another process (`helpdesk faq edit`, `faq import`, `announce
 * add`) is served at most that long after its commit. */
#define WEB_CACHE_GEN_RECHECK_MS 500
struct hd_store;
HD_NODISCARD int web_cache_generation(struct hd_store *st, int64_t *gen_r,
                                      struct hd_error *err);

/* ---- gzip of cached pages ---------------------------------------------
 * A cached page is compressed once, when it is stored.  A page with a
 * visitor's own text inside (the CSRF token of the article page) is
 * compressed in pieces: each piece is raw deflate ending on a byte
 * boundary (a full flush), the visitor's text goes in as a stored block,
 * and web_gz_join() wraps the pieces in one gzip member (header, CRC-32
 * combined from the pieces' CRCs, length), so no request compresses. */
struct web_gz {
    const char *z;  /* raw deflate bytes */
    size_t zlen;
    size_t len;     /* bytes of text they stand for */
    uint32_t crc;   /* CRC-32 of that text */
};

/* Compresses n bytes of in as one piece (last: the final piece of a
 * page), into the arena. */
void web_gz_piece(struct hd_arena *a, const void *in, size_t n, bool last,
                  struct web_gz *out);
/* in as a stored (uncompressed) piece; never the last one. */
void web_gz_stored(struct hd_arena *a, const void *in, size_t n,
                   struct web_gz *out);
/* The gzip body of the pieces in order (the last made with last=true),
 * in the arena. */
void web_gz_join(struct hd_arena *a, const struct web_gz *ps, size_t n,
                 const char **gz_r, size_t *len_r);

/* A whole page (the same for every visitor) with its gzip: stored
 * compressed once; a hit gives both, in the arena. */
void web_cache_put_page(struct web_cache *c, const char *key, int64_t gen,
                        struct hd_arena *a, const char *body, size_t len);
bool web_cache_get_page(struct web_cache *c, const char *key, int64_t gen,
                        struct hd_arena *a, const char **body_r,
                        size_t *len_r, const char **gz_r, size_t *gz_len_r);

#endif
