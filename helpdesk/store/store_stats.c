/* store_stats.c - see store_stats.h.  Each kind of rows is one statement
 * walking one covering index (INDEXED BY: the planner must not pick a
 * narrower index that sends it to the table rows): the period's tickets
 * by ticket_created (in creation order, which lets the report cache
 * business hours per stretch), the open ones by ticket_open_age, the
 * solved ones by ticket_resolved. */
#include "store_stats.h"

#include "clock.h"
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

enum { ST_CREATED, ST_OPEN, ST_RESOLVED, ST_CREATED_SLOTS, ST_OPEN_SLOTS,
       ST_RESOLVED_SLOTS, ST_GRANTED, ST_CSAT_PUT, ST_CSAT_GET, ST_CSAT_COUNTS,
       ST_COUNT };

/* Columns 0-9 of struct hd_stats_row, each walk reading only what its
 * covering index holds (0025_reports.sql); the rest are constants.
 * Column 10 is the number of tickets the row stands for, column 11 the
 * time bucket of a slot row (-2 on a ticket's row: stats.c works it
 * out). */
#define ROW_GRANTED                                                          \
    "AND t.spam = 0 AND (CAST(?3 AS bigint) IS NULL OR " STORE_TICKET_GRANTED("?3") ") "
/* The slot rows (0027_report_rollup.sql), spam already left out; the
 * user's queues are checked as the rows are read (hd_store_stats_next). */
#define SLOT_GRANTED "AND r.n > 0 "
/* Integer division on both engines; the casts keep PostgreSQL from
 * reading the times as 32-bit integers. */
#define SLOT_RANGE(len)                                                      \
    "r.slot >= CAST(?1 AS bigint) / " len " AND "                           \
    "r.slot < CAST(?2 AS bigint) / " len " "

static const char *const sql[ST_COUNT] = {
    [ST_CREATED] =
        "SELECT t.created_at, coalesce(t.first_response_at, 0), "
        "coalesce(t.resolved_at, 0), t.sla_paused_secs, "
        "coalesce(t.queue_id, 0), coalesce(t.assignee_id, 0), t.category, "
        "t.priority, t.sla_first_state, t.sla_resolve_state, 1, -2 "
        "FROM ticket t INDEXED BY ticket_created "
        "WHERE t.created_at >= ?1 AND t.created_at < ?2 " ROW_GRANTED
        "ORDER BY t.created_at",
    [ST_OPEN] =
        "SELECT t.created_at, 0, 0, 0, coalesce(t.queue_id, 0), "
        "coalesce(t.assignee_id, 0), t.category, 'normal', 'running', "
        "'running', 1, -2 FROM ticket t INDEXED BY ticket_open_age "
        "WHERE t.status IN ('new', 'open', 'pending') "
        "AND t.created_at >= ?1 AND t.created_at < ?2 " ROW_GRANTED,
    [ST_RESOLVED] =
        "SELECT t.created_at, 0, t.resolved_at, t.sla_paused_secs, "
        "coalesce(t.queue_id, 0), coalesce(t.assignee_id, 0), 'general', "
        "'normal', 'running', 'running', 1, -2 FROM ticket t INDEXED BY "
        "ticket_resolved WHERE t.resolved_at >= ?1 AND t.resolved_at < ?2 "
        "AND t.resolved_at IS NOT NULL " ROW_GRANTED,
    /* ?1 and ?2 are whole slots' bounds for these three */
    [ST_CREATED_SLOTS] =
        "SELECT r.slot * " HD_STATS_SLOT_SQL ", 0, 0, 0, r.queue_id, 0, "
        "r.category, r.priority, r.first_state, r.resolve_state, r.n, "
        "r.frt FROM report_created r WHERE " SLOT_RANGE(HD_STATS_SLOT_SQL)
        SLOT_GRANTED
        "ORDER BY r.slot",
    [ST_OPEN_SLOTS] =
        "SELECT r.slot * " HD_STATS_DAY_SQL ", 0, 0, 0, r.queue_id, "
        "r.assignee_id, r.category, 'normal', 'running', 'running', r.n, -1 "
        "FROM report_open r WHERE CAST(?1 AS bigint) IS NOT NULL AND "
        "CAST(?2 AS bigint) IS NOT NULL "
        SLOT_GRANTED "ORDER BY r.slot",
    [ST_RESOLVED_SLOTS] =
        "SELECT 0, 0, r.slot * " HD_STATS_DAY_SQL ", 0, r.queue_id, "
        "r.assignee_id, 'general', 'normal', 'running', 'running', r.n, "
        "r.rtime FROM report_resolved r WHERE " SLOT_RANGE(HD_STATS_DAY_SQL)
        SLOT_GRANTED
        "ORDER BY r.slot",
    [ST_GRANTED] = "SELECT queue_id FROM user_queue WHERE user_id = ?1",
    [ST_CSAT_PUT] = "INSERT INTO csat(ticket_id, rating, comment, "
                    "created_at) VALUES (?1, ?2, ?3, ?4) "
                    "ON CONFLICT(ticket_id) DO UPDATE SET "
                    "rating = excluded.rating, comment = excluded.comment, "
                    "created_at = excluded.created_at",
    [ST_CSAT_GET] = "SELECT rating, comment FROM csat WHERE ticket_id = ?1",
    [ST_CSAT_COUNTS] =
        "SELECT coalesce(t.queue_id, 0), "
        "count(*) FILTER (WHERE r.rating = 'good'), "
        "count(*) FILTER (WHERE r.rating = 'bad') FROM csat r JOIN ticket t ON t.id = "
        "r.ticket_id WHERE r.created_at >= ?1 AND r.created_at < ?2 "
        ROW_GRANTED "GROUP BY 1 ORDER BY 1",
};

static int sla_state(const char *s)
{
    if (s == NULL)
        return HD_CLOCK_RUNNING;
    switch (s[0]) {
    case 'w': return HD_CLOCK_WARNED;
    case 'm': return HD_CLOCK_MET;
    case 'b': return HD_CLOCK_BREACHED;
    default: return HD_CLOCK_RUNNING;
    }
}

void hd_store_stats_init(struct hd_stats_iter *it, struct hd_store *st,
                         enum hd_stats_rows kind, int64_t since,
                         int64_t until, int64_t visible_to_user)
{
    static const int which[] = {
        [HD_STATS_CREATED] = ST_CREATED,
        [HD_STATS_OPEN] = ST_OPEN,
        [HD_STATS_RESOLVED] = ST_RESOLVED,
        [HD_STATS_CREATED_SLOTS] = ST_CREATED_SLOTS,
        [HD_STATS_OPEN_SLOTS] = ST_OPEN_SLOTS,
        [HD_STATS_RESOLVED_SLOTS] = ST_RESOLVED_SLOTS};
    struct store_q *s = store_stmt(st, &sql[which[kind]]);
    store_bind_int64(s, 1, since);
    store_bind_int64(s, 2, until);
    *it = (struct hd_stats_iter){.st = st, .stmt = s, .rc = STORE_OK,
                                 .all_queues = true};
    if (kind < HD_STATS_CREATED_SLOTS) {
        store_bind_id(s, 3, visible_to_user);
        return;
    }
    if (visible_to_user == 0)
        return;
    /* the user's queues, for hd_store_stats_next */
    size_t cap = 8;
    it->all_queues = false;
    it->queues = hd_xmalloc(cap * sizeof *it->queues);
    struct store_q *g = store_stmt(st, &sql[ST_GRANTED]);
    store_bind_int64(g, 1, visible_to_user);
    while ((it->rc = store_step(g)) == STORE_ROW) {
        if (it->nqueues == cap) {
            cap *= 2;
            it->queues = hd_xrealloc(it->queues, cap * sizeof *it->queues);
        }
        it->queues[it->nqueues++] = store_col_int64(g, 0);
    }
    store_reset(g);
    if (it->rc == STORE_DONE)
        it->rc = STORE_OK;
}

static bool granted(const struct hd_stats_iter *it, int64_t queue_id)
{
    if (it->all_queues)
        return true;
    for (size_t i = 0; i < it->nqueues; i++)
        if (it->queues[i] == queue_id)
            return true;
    return false;
}

int hd_store_stats_next(struct hd_stats_iter *it, struct hd_stats_row *r)
{
    struct store_q *s = it->stmt;
    struct hd_error ignore;
    if (it->rc != STORE_OK && it->rc != STORE_ROW)
        return 0;
    do
        it->rc = store_step(s);
    while (it->rc == STORE_ROW && !granted(it, store_col_int64(s, 4)));
    if (it->rc != STORE_ROW)
        return 0;
    enum hd_category c = HD_CAT_GENERAL;
    enum hd_priority p = HD_PRIO_NORMAL;
    r->created_at = store_col_int64(s, 0);
    r->first_response_at = store_col_int64(s, 1);
    r->resolved_at = store_col_int64(s, 2);
    r->paused_secs = store_col_int64(s, 3);
    r->queue_id = store_col_int64(s, 4);
    r->assignee_id = store_col_int64(s, 5);
    if (hd_category_parse((const char *)store_col_str(s, 6), &c,
                          &ignore) < 0)
        c = HD_CAT_GENERAL; /* the schema's CHECK makes this unreachable */
    if (hd_priority_parse((const char *)store_col_str(s, 7), &p,
                          &ignore) < 0)
        p = HD_PRIO_NORMAL;
    r->category = (int)c;
    r->priority = (int)p;
    r->first_state = sla_state(store_col_str(s, 8));
    r->resolve_state = sla_state(store_col_str(s, 9));
    r->n = store_col_int64(s, 10);
    r->bucket = store_col_int(s, 11);
    return 1;
}

int hd_store_stats_deinit(struct hd_stats_iter *it, struct hd_error *err)
{
    int rc = it->rc;
    store_reset(it->stmt);
    it->stmt = NULL;
    free(it->queues);
    it->queues = NULL;
    if (rc == STORE_DONE || rc == STORE_OK || rc == STORE_ROW)
        return 0;
    return store_fail(it->st, rc, err);
}

int hd_store_csat_put(struct hd_store *st, int64_t ticket_id,
                      const char *rating, const char *comment,
                      struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CSAT_PUT]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_text(s, 2, rating);
    store_bind_text(s, 3, comment ? comment : "");
    store_bind_int64(s, 4, hd_clock_now());
    return store_exec_done(st, s, err);
}

int hd_store_csat_get(struct hd_store *st, int64_t ticket_id,
                      struct hd_arena *a, const char **rating_r,
                      const char **comment_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CSAT_GET]);
    store_bind_int64(s, 1, ticket_id);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        *rating_r = store_col_text(s, 0, a);
        *comment_r = store_col_text(s, 1, a);
    }
    store_reset(s);
    if (rc == STORE_ROW)
        return 1;
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

static void csat_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    (void)a;
    struct hd_csat_count *c = p;
    c->queue_id = store_col_int64(s, 0);
    c->good = store_col_int64(s, 1);
    c->bad = store_col_int64(s, 2);
}

int hd_store_csat_counts(struct hd_store *st, int64_t since, int64_t until,
                         int64_t visible_to_user, struct hd_arena *a,
                         struct hd_csat_count **cs_r, size_t *n_r,
                         struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CSAT_COUNTS]);
    store_bind_int64(s, 1, since);
    store_bind_int64(s, 2, until);
    store_bind_id(s, 3, visible_to_user);
    return store_collect(st, s, a, sizeof **cs_r, csat_fill, (void **)cs_r,
                         n_r, err);
}
