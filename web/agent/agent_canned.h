/* agent_canned.h - canned responses and merging on the ticket page
 * (agent_canned.c): the pieces the page draws and the router's
 * handlers. */
#ifndef WEB_AGENT_CANNED_H
#define WEB_AGENT_CANNED_H

#include "agent_session.h"
#include "html.h"
#include "store.h"
#include "web_int.h"

/* The canned-response select and its Insert button, drawn inside the
 * reply form (nothing when there are none). */
void web_agent_canned_picker(struct web_req *r, struct web_html *h,
                             const struct hd_ticket *t);
/* The "merge this ticket into #N" form. */
void web_agent_merge_form(struct web_req *r, struct web_html *h,
                          const struct web_agent *ag,
                          const struct hd_ticket *t);

/* Handlers (router.c). */
void web_agent_canned_insert(struct web_req *r, const char *number);
void web_agent_merge(struct web_req *r, const char *number);

#endif
