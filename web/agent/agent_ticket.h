/* agent_ticket.h - the ticket page of the agents' workplace
 * (agent_ticket.c): loading a ticket an agent may see, drawing the page
 * (again, with a refused form refilled), and the router's handlers. */
#ifndef WEB_AGENT_TICKET_H
#define WEB_AGENT_TICKET_H

#include "agent_session.h"
#include "html.h"
#include "store.h"
#include "web_int.h"

#define WEB_COLLISION_SECS (5 * 60) /* "another agent viewed" window */

/* Loads ticket NUMBER and checks that ag may see it: 1 ok, else 0/-1
 * with the response (404, 403 logged, 500) written. */
int web_agent_ticket_load(struct web_req *r, const struct web_agent *ag,
                          const char *number, struct hd_ticket *t_r);
/* The ticket page; draft (may be NULL) refills the form of draft_kind
 * ("reply" or "note") after a refused submit, with the collision note. */
void web_agent_ticket_page(struct web_req *r, const struct web_agent *ag,
                           const struct hd_ticket *t, int status,
                           const char *draft, const char *draft_kind);

/* A form to refill when the page is drawn again. */
struct web_ticket_draft {
    const char *text, *kind; /* kind "reply" or "note" */
    bool collided;           /* a message arrived since the form was drawn */
    const char *notice;      /* shown above the forms, or NULL */
};
/* The ticket page with d (may be NULL) refilled. */
void web_agent_ticket_page_draft(struct web_req *r,
                                 const struct web_agent *ag,
                                 const struct hd_ticket *t, int status,
                                 const struct web_ticket_draft *d);

/* Handlers (router.c). */
void web_agent_ticket(struct web_req *r, const char *number);
void web_agent_message_html(struct web_req *r, const char *number);
void web_agent_attachment(struct web_req *r, const char *number);

#endif
