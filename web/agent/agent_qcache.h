/* agent_qcache.h - rendered pieces of the queue page kept in memory and
 * shared by the server's threads: the rows (the table and the bulk form's
 * list of the page's tickets) and the side navigation with the views'
 * counts.  What stays per request is filled in around them: the CSRF
 * token, the user's name, the filter and save forms, the pager's link.
 *
 * A piece is keyed by everything it shows that depends on the request:
 * language, the queues the user may see (all, for an admin), the view,
 * filters, order and page position, the user for "mine" and the
 * navigation, and whether the rows carry selection boxes.  It is served
 * only while agent_generation.tickets (read at the start of the request,
 * moved by every change to a ticket, tag, queue, assignee name or
 * requester address by any process) is the one it was built under, and
 * for at most WEB_QCACHE_SECS (hd_clock_now() seconds), since the SLA
 * column and the "breaching soon" view are relative to the time: a piece
 * is at most 2 s old.  Bounded in entries and bytes (pages_cache.c).
 * Full-text searches are never cached. */
#ifndef WEB_AGENT_QCACHE_H
#define WEB_AGENT_QCACHE_H

#include "agent_session.h"

#define WEB_QCACHE_SECS 2 /* age limit of a piece, whole clock seconds */

enum web_qcache_kind { WEB_QCACHE_ROWS, WEB_QCACHE_NAV, WEB_QCACHE_KINDS };

/* The key of the request's piece (arena memory), or NULL when it is not
 * to be cached (a search, grants not known, arguments too long). */
const char *web_qcache_key(struct web_req *r, const struct web_agent *ag,
                           enum web_qcache_kind kind);
/* The piece under key built under ag's generation (a copy in the arena):
 * true with *val_r and *len_r, false when absent, stale or too old. */
bool web_qcache_get(enum web_qcache_kind kind, const char *key,
                    const struct web_agent *ag, struct hd_arena *a,
                    const char **val_r, size_t *len_r);
/* Keeps a copy of the piece (built from a read that began after ag's
 * generation was read). */
void web_qcache_put(enum web_qcache_kind kind, const char *key,
                    const struct web_agent *ag, const void *val, size_t len);

#endif
