/* agent_queue.h - the queue at /agent/ and /agent/counts.json
 * (agent_queue.c). */
#ifndef WEB_AGENT_QUEUE_H
#define WEB_AGENT_QUEUE_H

#include "agent_session.h"
#include "html.h"
#include "store.h"
#include "web_int.h"

struct web_qargs; /* agent_views.h */

#define WEB_PAGE_ROWS 50                /* tickets per queue page */
#define WEB_BREACH_SOON_SECS (2 * 3600) /* "breaching soon" view */

/* The queue query for the arguments in qa as ag sees it: the view, the
 * filters and ag's visibility (limit left as initialised). */
void web_agent_queue_query(const struct web_qargs *qa,
                           const struct web_agent *ag,
                           struct hd_queue_query *q);
/* " merged into #N" (a link) for a ticket merged away; nothing otherwise.
 * Shown in the queue row and on the ticket page. */
void web_agent_merged_note(struct web_req *r, struct web_html *h,
                           const struct hd_ticket *t);

/* Handlers (router.c). */
void web_agent_queue(struct web_req *r, const char *arg);
void web_agent_counts(struct web_req *r, const char *arg);

#endif
