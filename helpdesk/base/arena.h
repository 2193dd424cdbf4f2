/* arena.h - memory for one unit of work (a request, a message, a job tick).
 * Everything allocated from an arena is released by hd_arena_free(); no
 * individual frees.  Cleanups registered on the arena run first, newest
 * first, for fds and temp files tied to the unit of work. */
#ifndef HD_ARENA_H
#define HD_ARENA_H

#include "hd.h"

struct hd_arena;

struct hd_arena *hd_arena_new(void);
void hd_arena_free(struct hd_arena **a); /* sets *a = NULL */

/* Aligned for any type; never NULL (aborts on out-of-memory). */
void *hd_arena_alloc(struct hd_arena *a, size_t n);
void *hd_arena_zalloc(struct hd_arena *a, size_t n);
char *hd_arena_strdup(struct hd_arena *a, const char *s);
char *hd_arena_strndup(struct hd_arena *a, const char *s, size_t n);
char *hd_arena_printf(struct hd_arena *a, const char *fmt, ...)
    HD_PRINTF(2, 3);
void hd_arena_cleanup(struct hd_arena *a, void (*fn)(void *), void *arg);
/* Bytes handed out so far (for tests and limits). */
size_t hd_arena_used(const struct hd_arena *a);

#endif
