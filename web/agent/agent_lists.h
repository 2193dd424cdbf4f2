/* agent_lists.h - the short lists the ticket page's forms offer: the
 * queues, the users a ticket can be assigned to and the canned
 * responses.  They seldom change and are read on every ticket page, so
 * each worker thread keeps them and reads one row instead, the
 * generation that schema 0019's triggers increment on every change to
 * those tables (from any process).  A list longer than
 * WEB_LISTS_ROWS_MAX is not kept: it is read for the request. */
#ifndef WEB_AGENT_LISTS_H
#define WEB_AGENT_LISTS_H

#include "store_ticket_page.h"
#include "web_int.h"

#define WEB_LISTS_ROWS_MAX 1000 /* rows of one list a thread keeps */

struct web_agent_lists {
    const struct hd_queue *queues;     /* id, name; by name */
    const struct hd_assignee *users;   /* by e-mail address */
    const struct hd_canned_row *canned; /* no body; by lang, name, id */
    size_t nq, nu, nc;
};

/* The lists as of the caller's read snapshot (call inside it).  The
 * memory stays valid until the end of the request; one request reads the
 * generation once, however often it asks. */
HD_NODISCARD int web_agent_lists_get(struct web_req *r,
                                     struct web_agent_lists *l_r,
                                     struct hd_error *err);

#endif
