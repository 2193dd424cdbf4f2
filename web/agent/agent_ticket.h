/* agent_ticket.h - shared by agent_ticket.c (the page) and agent_act.c
 * (its forms and what they do). */
#ifndef WEB_AGENT_TICKET_H
#define WEB_AGENT_TICKET_H

#include "agent_int.h"

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
/* Reply, note and change forms (agent_act.c); last = newest message id. */
void web_agent_forms(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, const struct hd_ticket *t,
                     int64_t last, const char *draft, const char *draft_kind);
/* agent_canned.c: the canned-response select and its Insert button, drawn
 * inside the reply form (nothing when there are none). */
void web_agent_canned_picker(struct web_req *r, struct web_html *h,
                             const struct hd_ticket *t);
/* agent_canned.c: the "merge this ticket into #N" form. */
void web_agent_merge_form(struct web_req *r, struct web_html *h,
                          const struct web_agent *ag,
                          const struct hd_ticket *t);

#endif
