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
 * cannot see the change yet) is not kept under the new number.
 *
 * What is counted: the queue page asks for the open tickets of a queue,
 * of an assignee, without one, of a category, all of them, each within
 * the queues granted to the agent.  All of those are sums over one small
 * table, the open tickets grouped by (state, queue, assignee, category),
 * which one walk of the index ticket_open_counts (0015) yields; it is
 * kept like a count and summed per question in C.  "Breaching soon" walks the range
 * of the index ticket_sla_due below the limit.  Anything else runs the
 * general count of store_agent.c, cached by its filter values. */
#include "store_count.h"

#include "clock.h"
#include "store_sqlite.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_GROUPS_MAX 8192 /* (state, queue, assignee, category) kept */
#define COUNT_GRANTS_MAX 256  /* queues granted to one agent, summed in C */

#define OPEN_STATES "('new', 'open', 'pending')"

enum { ST_GROUPS, ST_GRANTS, ST_DUE_COUNT, ST_COUNT };

static const char *const sql[ST_COUNT] = {
    [ST_GROUPS] = "SELECT coalesce(queue_id, 0), coalesce(assignee_id, 0), "
                  "category, count(*) FROM ticket WHERE status IN "
                  OPEN_STATES " GROUP BY status, queue_id, assignee_id, "
                  "category", /* the index's order: no sorting */
    [ST_GRANTS] = "SELECT queue_id FROM user_queue WHERE user_id = ?1",
    /* "|| ''": the state must not pick the index; the due range is
     * narrow */
    [ST_DUE_COUNT] = "SELECT count(*) FROM ticket t WHERE " STORE_DUE_EXPR
                     " < ?1 AND t.status || '' IN " OPEN_STATES " AND "
                     "(CAST(?2 AS bigint) IS NULL "
                     "OR EXISTS (SELECT 1 FROM user_queue uq WHERE "
                     "uq.user_id = ?2 AND uq.queue_id = t.queue_id))",
};

/* The filter values a count depends on; the rest of the query (keyset,
 * limit, sort) does not change a count. */
struct count_key {
    int status, priority, category;
    int64_t queue_id, assignee_id, org_id, requester_id, visible_to_user;
    int64_t due_before;
    int spam;
    bool unassigned;
};

struct count_entry {
    struct count_key key;
    int64_t n, at;     /* the count; hd_clock_now() when counted */
    uint64_t gen;      /* generation when counting began */
    bool used;
};

/* Open tickets of one state, queue (0: none), assignee (0: none) and
 * category (-1: a name we do not know); the state is not kept. */
struct group {
    int64_t queue_id, assignee_id, n;
    int category;
};

/* Everything below is guarded by lock, except generation (atomic). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct count_entry cache[HD_COUNT_CACHE_SLOTS];
static struct group groups[COUNT_GROUPS_MAX];
static size_t ngroups;
static int64_t groups_at;  /* hd_clock_now() when counted */
static uint64_t groups_gen; /* 0: none kept */
static bool refreshing;     /* a thread is reading the groups */
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
    k->spam = q->f.spam;
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
    /* memcpy, not assignment: the key's padding must stay zero */
    memcpy(&slot->key, k, sizeof *k);
    slot->n = n;
    slot->at = now;
    slot->gen = gen;
    slot->used = true;
    pthread_mutex_unlock(&lock);
}

/* ---- open tickets by group ---------------------------------------------- */

/* Can the groups answer q?  Open states, and no filter but queue,
 * assignee, unassigned, category and visibility. */
static bool groups_answer(const struct hd_queue_query *q)
{
    const struct hd_ticket_filter *f = &q->f;
    return f->status == HD_STATUS_COUNT && f->spam == HD_SPAM_NO &&
           f->priority < 0 &&
           f->org_id == 0 && f->requester_id == 0 && f->tag == NULL &&
           q->text == NULL && q->due_before == 0;
}

static bool fresh(int64_t at, uint64_t gen, int64_t now)
{
    return gen == atomic_load(&generation) && now >= at &&
           now - at < HD_COUNT_CACHE_SECS;
}

/* Reads the groups into gs (COUNT_GROUPS_MAX); 1 read, 0 too many, -1. */
static int groups_read(struct hd_store *st, struct group *gs, size_t *n_r,
                       struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_GROUPS]);
    size_t n = 0;
    int rc;
    while ((rc = store_step(s)) == STORE_ROW && n < COUNT_GROUPS_MAX) {
        enum hd_category c;
        struct hd_error ignored = HD_ERROR_INIT;
        const char *name = store_col_str(s, 2);
        gs[n].queue_id = store_col_int64(s, 0);
        gs[n].assignee_id = store_col_int64(s, 1);
        gs[n].category = name && hd_category_parse(name, &c, &ignored) == 0
                             ? (int)c
                             : -1;
        gs[n++].n = store_col_int64(s, 3);
    }
    store_reset(s);
    if (rc != STORE_ROW && rc != STORE_DONE)
        return store_fail(st, rc, err);
    *n_r = n;
    return rc == STORE_DONE ? 1 : 0;
}

/* Makes the kept groups fresh; 1 they are, 0 too many groups, -1. */
static int groups_refresh(struct hd_store *st, int64_t now,
                          struct hd_error *err)
{
    uint64_t gen = atomic_load(&generation); /* before the read begins */
    pthread_mutex_lock(&lock);
    bool ok = groups_gen != 0 && fresh(groups_at, groups_gen, now);
    /* Only too old, nothing changed here, and another thread is already
     * recounting: the kept groups do until it is done, rather than every
     * thread walking the index at once. */
    if (!ok && groups_gen == gen && refreshing)
        ok = true;
    if (!ok)
        refreshing = true;
    pthread_mutex_unlock(&lock);
    if (ok)
        return 1;
    struct group *gs = hd_xmalloc(COUNT_GROUPS_MAX * sizeof *gs);
    size_t n = 0;
    int rc = groups_read(st, gs, &n, err);
    pthread_mutex_lock(&lock);
    if (rc == 1) {
        memcpy(groups, gs, n * sizeof *gs);
        ngroups = n;
        groups_at = now;
        groups_gen = gen;
    }
    refreshing = false;
    pthread_mutex_unlock(&lock);
    free(gs);
    return rc;
}

/* The queues granted to user_id; 1, 0 more than COUNT_GRANTS_MAX, -1. */
static int grants_read(struct hd_store *st, int64_t user_id, int64_t *ids,
                       size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_GRANTS]);
    store_bind_int64(s, 1, user_id);
    size_t n = 0;
    int rc;
    while ((rc = store_step(s)) == STORE_ROW && n < COUNT_GRANTS_MAX)
        ids[n++] = store_col_int64(s, 0);
    store_reset(s);
    if (rc != STORE_ROW && rc != STORE_DONE)
        return store_fail(st, rc, err);
    *n_r = n;
    return rc == STORE_DONE ? 1 : 0;
}

static bool granted(const int64_t *ids, size_t n, int64_t queue_id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == queue_id)
            return true;
    return false;
}

/* The sum over the kept groups that match f (grants: when visibility is
 * restricted).  Caller holds lock. */
static int64_t groups_sum(const struct hd_ticket_filter *f,
                          const int64_t *grants, size_t ngrants)
{
    int64_t sum = 0;
    for (size_t i = 0; i < ngroups; i++) {
        const struct group *g = &groups[i];
        if ((f->queue_id != 0 && g->queue_id != f->queue_id) ||
            (f->assignee_id != 0 && g->assignee_id != f->assignee_id) ||
            (f->unassigned && g->assignee_id != 0) ||
            (f->category >= 0 && g->category != f->category) ||
            (f->visible_to_user != 0 &&
             !granted(grants, ngrants, g->queue_id)))
            continue;
        sum += g->n;
    }
    return sum;
}

/* 1 answered in *n_r, 0 the groups cannot answer, -1 error. */
static int count_by_groups(struct hd_store *st, const struct hd_queue_query *q,
                           int64_t *n_r, struct hd_error *err)
{
    int64_t grants[COUNT_GRANTS_MAX];
    size_t ngrants = 0;
    if (q->f.visible_to_user != 0) {
        int rc = grants_read(st, q->f.visible_to_user, grants, &ngrants, err);
        if (rc <= 0)
            return rc;
    }
    int rc = groups_refresh(st, hd_clock_now(), err);
    if (rc <= 0)
        return rc;
    pthread_mutex_lock(&lock);
    *n_r = groups_sum(&q->f, grants, ngrants);
    pthread_mutex_unlock(&lock);
    return 1;
}

/* ---- other counts ---------------------------------------------------------- */

/* "Breaching soon": open, visible, running clock due before a limit. */
static bool due_only(const struct hd_queue_query *q)
{
    const struct hd_ticket_filter *f = &q->f;
    return f->status == HD_STATUS_COUNT && f->priority < 0 &&
           f->category < 0 && f->queue_id == 0 && f->assignee_id == 0 &&
           f->org_id == 0 && f->requester_id == 0 && !f->unassigned &&
           f->tag == NULL && q->text == NULL && q->due_before != 0;
}

static int count_uncached(struct hd_store *st, const struct hd_queue_query *q,
                          int64_t *n_r, struct hd_error *err)
{
    if (!due_only(q))
        return hd_store_queue_count(st, q, n_r, err);
    struct store_q *s = store_stmt(st, &sql[ST_DUE_COUNT]);
    store_bind_int64(s, 1, q->due_before);
    store_bind_id(s, 2, q->f.visible_to_user);
    return store_step_id(st, s, n_r, err) < 0 ? -1 : 0;
}

int hd_store_queue_count_cached(struct hd_store *st,
                                const struct hd_queue_query *q, int64_t *n_r,
                                struct hd_error *err)
{
    if (groups_answer(q)) {
        int rc = count_by_groups(st, q, n_r, err);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    if (q->text != NULL || q->f.tag != NULL)
        return hd_store_queue_count(st, q, n_r, err);
    struct count_key k;
    key_of(q, &k);
    int64_t now = hd_clock_now();
    if (lookup(&k, now, n_r))
        return 0;
    uint64_t gen = atomic_load(&generation); /* before the read begins */
    if (count_uncached(st, q, n_r, err) < 0)
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
