/* store_stats.h - the rows behind the managers' reports (helpdesk/data/
 * stats.h adds them up) and the customers' satisfaction ratings.  Every
 * read leaves out spam and keeps to the queues granted to a user when
 * visible_to_user is not 0.  Same rules as store.h. */
#ifndef HD_STORE_STATS_H
#define HD_STORE_STATS_H

#include "store.h"

enum hd_stats_rows {
    HD_STATS_CREATED,  /* created in [since, until), oldest first */
    HD_STATS_OPEN,     /* open now (new, open, pending), created in
                          [since, until) */
    HD_STATS_RESOLVED, /* resolved in [since, until) */
    /* The same counted per slot, oldest slot first
     * (0027_report_rollup.sql): since and until are multiples of the
     * slot's length, hd_stats_slot() (the OPEN slots ignore them: every
     * open ticket). */
    HD_STATS_CREATED_SLOTS,
    HD_STATS_OPEN_SLOTS,
    HD_STATS_RESOLVED_SLOTS,
};

/* A slot's length in seconds: a ticket created at t counts in created
 * slot t / 900 (zones' offsets are multiples of it, so a slot usually
 * lies within one local hour), in open slot t / 86400, and when resolved
 * at r in resolved slot r / 86400.  stats.c reads the tickets of a slot
 * that a local hour, business hours, an age limit or the period cut. */
#define HD_STATS_SLOT_SQL "900"
#define HD_STATS_DAY_SQL "86400"
static inline int64_t hd_stats_slot(enum hd_stats_rows kind)
{
    return kind == HD_STATS_CREATED_SLOTS ? 900 : 86400;
}

/* SLA clock states as numbers (the ticket's sla_*_state). */
enum hd_stats_clock {
    HD_CLOCK_RUNNING, HD_CLOCK_WARNED, HD_CLOCK_MET, HD_CLOCK_BREACHED
};

/* One ticket as the reports see it. */
struct hd_stats_row {
    int64_t created_at, first_response_at, resolved_at; /* 0: not yet */
    int64_t paused_secs; /* time spent waiting on the customer */
    int64_t queue_id, assignee_id; /* 0: none */
    int category, priority;        /* enum hd_category, hd_priority */
    int first_state, resolve_state; /* enum hd_stats_clock */
    /* A ticket's row: n = 1, bucket = -2.  A slot's row: n tickets alike
     * in everything above, created_at (or resolved_at) the slot's first
     * second, and bucket the time_limits bucket of their first response
     * (-1: none yet) or resolution time (stats.c). */
    int64_t n;
    int bucket;
};

/* Walks one kind of rows:
 *     struct hd_stats_iter it;
 *     hd_store_stats_init(&it, st, HD_STATS_CREATED, since, until, uid);
 *     while (hd_store_stats_next(&it, &row) == 1) ...
 *     if (hd_store_stats_deinit(&it, &err) < 0) ...
 * next returns 1 with a row, 0 at the end or on error; deinit says
 * which (0, or -1 with err) and must always be called. */
struct hd_stats_iter {
    struct hd_store *st;
    void *stmt; /* the statement, reset by deinit */
    int rc;     /* the last step's SQLite result */
    /* The slot walks keep to the user's queues here (a lookup per row
     * in SQL cost more than the walk): malloc'd, freed by deinit. */
    int64_t *queues;
    size_t nqueues;
    bool all_queues;
};
void hd_store_stats_init(struct hd_stats_iter *it, struct hd_store *st,
                         enum hd_stats_rows kind, int64_t since,
                         int64_t until, int64_t visible_to_user);
int hd_store_stats_next(struct hd_stats_iter *it, struct hd_stats_row *r);
HD_NODISCARD int hd_store_stats_deinit(struct hd_stats_iter *it,
                                       struct hd_error *err);

/* ---- customer satisfaction ------------------------------------------- */

/* Records the customer's rating of ticket_id ("good" or "bad", comment
 * may be ""), replacing an earlier one. */
HD_NODISCARD int hd_store_csat_put(struct hd_store *st, int64_t ticket_id,
                                   const char *rating, const char *comment,
                                   struct hd_error *err);
/* The rating of ticket_id: 1 found (*rating_r and *comment_r in a) /
 * 0 none / -1. */
HD_NODISCARD int hd_store_csat_get(struct hd_store *st, int64_t ticket_id,
                                   struct hd_arena *a, const char **rating_r,
                                   const char **comment_r,
                                   struct hd_error *err);

struct hd_csat_count {
    int64_t queue_id; /* 0: no queue */
    int64_t good, bad;
};
/* Ratings given in [since, until) per queue, within the granted
 * queues; arena array ordered by queue id. */
HD_NODISCARD int hd_store_csat_counts(struct hd_store *st, int64_t since,
                                      int64_t until, int64_t visible_to_user,
                                      struct hd_arena *a,
                                      struct hd_csat_count **cs_r, size_t *n_r,
                                      struct hd_error *err);

#endif
