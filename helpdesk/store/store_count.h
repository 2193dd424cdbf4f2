/* store_count.h - the counts of the agents' queue views, cached for the
 * whole process.  A count over 100,000 tickets costs milliseconds and the
 * queue page shows one per view and per queue, for every page view; the
 * numbers change far less often than they are read.
 *
 * Freshness: every commit of this process that changed a row of ticket
 * (through any store function, on any connection) or a queue grant
 * invalidates the whole cache, so a change made in this process shows at
 * once.  A change made by another process (mail intake, the CLI) shows
 * within HD_COUNT_CACHE_SECS, plus the time one recount takes (while one
 * thread recounts, the others hand out the previous numbers unless this
 * process changed a ticket meanwhile).  The same bound covers a count
 * computed while another thread's commit lands. */
#ifndef HD_STORE_COUNT_H
#define HD_STORE_COUNT_H

#include "store_agent.h"

#define HD_COUNT_CACHE_SECS 2    /* oldest cached count handed out, s */
#define HD_COUNT_CACHE_SLOTS 256 /* distinct queries kept at once */

/* Like hd_store_queue_count(), answered from the cache when an entry for
 * the same query is younger than HD_COUNT_CACHE_SECS (hd_clock_now()) and
 * no ticket changed in this process since.  Queries with a full-text
 * search or a tag are never cached.  Thread-safe. */
HD_NODISCARD int hd_store_queue_count_cached(struct hd_store *st,
                                             const struct hd_queue_query *q,
                                             int64_t *n_r,
                                             struct hd_error *err);

/* Drops every cached count (the next read of each recounts). */
void hd_store_count_invalidate(void);

#endif
