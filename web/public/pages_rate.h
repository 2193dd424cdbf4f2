/* pages_rate.h - the customer's rating of a solved ticket
 * (pages_rate.c): the form, on /t/TOKEN and behind the closing mail's
 * signed link /r/NUMBER-SIG (csat.h), and the POSTs that record it. */
#ifndef WEB_PAGES_RATE_H
#define WEB_PAGES_RATE_H

#include "web_int.h"

/* The rating form posting to 'action' (a path we made), with the
 * visitor's CSRF token; 'current' ("good", "bad" or NULL) is the rating
 * given before, 'pick' the choice to preselect (NULL: none). */
void web_rate_form(struct web_req *r, struct web_html *h, const char *action,
                   const char *current, const char *pick);

/* Records the form's rating of t by its customer; writes the response
 * (303 to 'back', or 400/403/500). */
void web_rate_post(struct web_req *r, const struct hd_ticket *t,
                   const char *back);

/* Handlers (router.c): GET and POST /r/NUMBER-SIG. */
void web_page_rate(struct web_req *r, const char *arg);
void web_page_rate_post(struct web_req *r, const char *arg);

#endif
