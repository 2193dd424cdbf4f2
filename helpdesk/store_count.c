/* store_count.c - see store_count.h.  One table of HD_COUNT_CACHE_SLOTS
 * entries under a mutex, keyed by the query's filter values; a process
 * generation number, bumped by SQLite's update and commit hooks on every
 * connection this process opens, says whether an entry is still good.
 *
 * Why hooks and not calls in the write functions: tickets are changed by
 * many store functions (insert, set, merge, bulk actions, retention) and
 * by triggers; the update hook sees every row change of a rowid table
 * whatever the path.  It does not see WITHOUT ROWID tables, so the grant
 * functions (user_queue) call store_count_changed() themselves.
 * The update hook runs before the commit; the commit hook bumps again so
 * that a count computed between the row change and the commit (which
 * cannot see the change yet) is not kept under the new number. */
#include "store_count.h"

#include "clock.h"
#include "store_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* The filter values a count depends on; the rest of the query (keyset,
 * limit, sort) does not change a count. */
struct count_key {
    int status, priority, category;
    int64_t queue_id, assignee_id, org_id, requester_id, visible_to_user;
    int64_t due_before;
    bool unassigned;
};

struct count_entry {
    struct count_key key;
    int64_t n, at;     /* the count; hd_clock_now() when counted */
    uint64_t gen;      /* generation when counting began */
    bool used;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct count_entry cache[HD_COUNT_CACHE_SLOTS];
static _Atomic uint64_t generation = 1;

void hd_store_count_invalidate(void)
{
    atomic_fetch_add(&generation, 1);
}

static void key_of(const struct hd_queue_query *q, struct count_key *k)
{
    memset(k, 0, sizeof *k); /* padding too: keys compare with memcmp */
    k->status = q->f.status;
    k->priority = q->f.priority;
    k->category = q->f.category;
    k->queue_id = q->f.queue_id;
    k->assignee_id = q->f.assignee_id;
    k->org_id = q->f.org_id;
    k->requester_id = q->f.requester_id;
    k->visible_to_user = q->f.visible_to_user;
    k->due_before = q->due_before;
    k->unassigned = q->f.unassigned;
}

/* The entry for k if it is still good. */
static bool lookup(const struct count_key *k, int64_t now, int64_t *n_r)
{
    uint64_t gen = atomic_load(&generation);
    bool hit = false;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < HD_COUNT_CACHE_SLOTS && !hit; i++) {
        const struct count_entry *e = &cache[i];
        if (e->used && e->gen == gen && now - e->at < HD_COUNT_CACHE_SECS &&
            now >= e->at && memcmp(&e->key, k, sizeof *k) == 0) {
            *n_r = e->n;
            hit = true;
        }
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

/* Keeps a count in the slot of the same key, else a free or stale one,
 * else the oldest. */
static void keep(const struct count_key *k, int64_t n, int64_t now,
                 uint64_t gen)
{
    uint64_t cur = atomic_load(&generation);
    pthread_mutex_lock(&lock);
    struct count_entry *same = NULL, *free_ = NULL, *oldest = &cache[0];
    for (size_t i = 0; i < HD_COUNT_CACHE_SLOTS && same == NULL; i++) {
        struct count_entry *e = &cache[i];
        if (e->used && memcmp(&e->key, k, sizeof *k) == 0)
            same = e;
        else if (free_ == NULL &&
                 (!e->used || e->gen != cur ||
                  now - e->at >= HD_COUNT_CACHE_SECS))
            free_ = e;
        if (e->at < oldest->at)
            oldest = e;
    }
    struct count_entry *slot = same ? same : free_ ? free_ : oldest;
    *slot = (struct count_entry){*k, n, now, gen, true};
    pthread_mutex_unlock(&lock);
}

int hd_store_queue_count_cached(struct hd_store *st,
                                const struct hd_queue_query *q, int64_t *n_r,
                                struct hd_error *err)
{
    if (q->text != NULL || q->f.tag != NULL)
        return hd_store_queue_count(st, q, n_r, err);
    struct count_key k;
    key_of(q, &k);
    int64_t now = hd_clock_now();
    if (lookup(&k, now, n_r))
        return 0;
    uint64_t gen = atomic_load(&generation); /* before the read begins */
    if (hd_store_queue_count(st, q, n_r, err) < 0)
        return -1;
    keep(&k, *n_r, now, gen);
    return 0;
}

/* ---- the hooks ------------------------------------------------------------ */

static void on_update(void *arg, int op, const char *dbname,
                      const char *table, sqlite3_int64 rowid)
{
    (void)op, (void)dbname, (void)rowid;
    if (strcmp(table, "ticket") == 0) {
        *(bool *)arg = true;
        atomic_fetch_add(&generation, 1);
    }
}

static int on_commit(void *arg)
{
    bool *dirty = arg;
    if (*dirty) {
        *dirty = false;
        atomic_fetch_add(&generation, 1);
    }
    return 0; /* non-zero would turn the commit into a rollback */
}

static void on_rollback(void *arg)
{
    *(bool *)arg = false;
}

void store_count_watch(sqlite3 *db, bool *dirty)
{
    sqlite3_update_hook(db, on_update, dirty);
    sqlite3_commit_hook(db, on_commit, dirty);
    sqlite3_rollback_hook(db, on_rollback, dirty);
}
