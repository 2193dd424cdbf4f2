/* agent_act.h - what agents do to a ticket (agent_act.c): the forms of
 * the ticket page and the router's handlers. */
#ifndef WEB_AGENT_ACT_H
#define WEB_AGENT_ACT_H

#include "agent_session.h"
#include "html.h"
#include "store.h"
#include "web_int.h"

#define WEB_REPLY_MAX (256 * 1024) /* bytes of one reply or note */

/* Reply, note and change forms of the ticket page; last = newest
 * message id. */
void web_agent_forms(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, const struct hd_ticket *t,
                     int64_t last, const char *draft, const char *draft_kind);

/* Handlers (router.c). */
void web_agent_reply(struct web_req *r, const char *number);
void web_agent_note(struct web_req *r, const char *number);
void web_agent_update(struct web_req *r, const char *number);

#endif
