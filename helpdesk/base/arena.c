/* arena.c - bump allocator in chained blocks.  Large requests get a block
 * of their own so a 20 MB attachment does not waste a 20 MB tail. */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192
#define ARENA_ALIGN 16

struct block {
    struct block *next;
    size_t cap, used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

struct cleanup {
    struct cleanup *next;
    void (*fn)(void *);
    void *arg;
};

struct hd_arena {
    struct block *head;
    struct cleanup *cleanups;
    size_t used;
};

struct hd_arena *hd_arena_new(void)
{
    return hd_xcalloc(1, sizeof(struct hd_arena));
}

void hd_arena_free(struct hd_arena **ap)
{
    struct hd_arena *a = *ap;
    if (a == NULL)
        return;
    for (struct cleanup *c = a->cleanups; c != NULL; c = c->next)
        c->fn(c->arg);
    struct block *b = a->head;
    while (b != NULL) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
    *ap = NULL;
}

static struct block *block_new(size_t cap)
{
    struct block *b = hd_xmalloc(sizeof *b + cap);
    b->next = NULL;
    b->cap = cap;
    b->used = 0;
    return b;
}

void *hd_arena_alloc(struct hd_arena *a, size_t n)
{
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < n)
        hd_panic(__FILE__, __LINE__, "arena request overflow");
    a->used += n;
    if (need > ARENA_BLOCK / 4) {
        /* Big: own block, linked behind the head so the head keeps its
         * free tail. */
        struct block *b = block_new(need);
        b->used = need;
        if (a->head == NULL) {
            a->head = b;
        } else {
            b->next = a->head->next;
            a->head->next = b;
        }
        return b->data;
    }
    if (a->head == NULL || a->head->cap - a->head->used < need) {
        struct block *b = block_new(ARENA_BLOCK);
        b->next = a->head;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += need;
    return p;
}

void *hd_arena_zalloc(struct hd_arena *a, size_t n)
{
    void *p = hd_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *hd_arena_strndup(struct hd_arena *a, const char *s, size_t n)
{
    char *p = hd_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *hd_arena_strdup(struct hd_arena *a, const char *s)
{
    return s == NULL ? NULL : hd_arena_strndup(a, s, strlen(s));
}

char *hd_arena_printf(struct hd_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    hd_assert(n >= 0);
    char *p = hd_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void hd_arena_cleanup(struct hd_arena *a, void (*fn)(void *), void *arg)
{
    struct cleanup *c = hd_arena_alloc(a, sizeof *c);
    c->fn = fn;
    c->arg = arg;
    c->next = a->cleanups;
    a->cleanups = c;
}

size_t hd_arena_used(const struct hd_arena *a)
{
    return a->used;
}
