/* agent_lists.c - see agent_lists.h.  One memo per thread (a request runs
 * on one thread from start to end, so the rows a request was handed are
 * only replaced by a later request), freed with the thread. */
#include "agent_lists.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WEB_LISTS_REQ_ID 40 /* bytes of a request id kept */

struct memo {
    struct hd_arena *a; /* owns l's rows; NULL: nothing kept */
    int64_t gen;
    char req[WEB_LISTS_REQ_ID]; /* the last request that checked gen */
    struct web_agent_lists l;
};

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void memo_free(void *p)
{
    struct memo *m = p;
    hd_arena_free(&m->a);
    free(m);
}

static void key_make(void)
{
    hd_assert(pthread_key_create(&key, memo_free) == 0);
}

static struct memo *memo_get(void)
{
    pthread_once(&once, key_make);
    struct memo *m = pthread_getspecific(key);
    if (m == NULL) {
        m = hd_xcalloc(1, sizeof *m);
        hd_assert(pthread_setspecific(key, m) == 0);
    }
    return m;
}

static int lists_read(struct hd_store *st, struct hd_arena *a,
                      struct web_agent_lists *l, struct hd_error *err)
{
    struct hd_queue *qs = NULL;
    struct hd_assignee *us = NULL;
    struct hd_canned_row *cs = NULL;
    if (hd_store_queue_names(st, a, &qs, &l->nq, err) < 0 ||
        hd_store_assignee_list(st, a, &us, &l->nu, err) < 0 ||
        hd_store_canned_names(st, a, &cs, &l->nc, err) < 0)
        return -1;
    l->queues = qs;
    l->users = us;
    l->canned = cs;
    return 0;
}

static void arena_release(void *p)
{
    struct hd_arena *a = p;
    hd_arena_free(&a);
}

static void remember_request(struct memo *m, const struct web_req *r)
{
    snprintf(m->req, sizeof m->req, "%s", r->request_id ? r->request_id : "");
}

int web_agent_lists_get(struct web_req *r, struct web_agent_lists *l_r,
                        struct hd_error *err)
{
    struct memo *m = memo_get();
    int64_t gen = 0;
    if (m->a != NULL && r->request_id != NULL &&
        strcmp(m->req, r->request_id) == 0) {
        *l_r = m->l;
        return 0;
    }
    if (hd_store_agent_lists_generation(r->st, &gen, err) < 0)
        return -1;
    if (m->a == NULL || m->gen != gen) {
        struct hd_arena *a = hd_arena_new();
        struct web_agent_lists l = {0};
        if (lists_read(r->st, a, &l, err) < 0) {
            hd_arena_free(&a);
            return -1;
        }
        if (l.nq > WEB_LISTS_ROWS_MAX || l.nu > WEB_LISTS_ROWS_MAX ||
            l.nc > WEB_LISTS_ROWS_MAX) {
            hd_arena_cleanup(r->a, arena_release, a); /* this request's */
            *l_r = l;
            return 0;
        }
        hd_arena_free(&m->a);
        *m = (struct memo){.a = a, .gen = gen, .l = l};
    }
    remember_request(m, r);
    *l_r = m->l;
    return 0;
}
