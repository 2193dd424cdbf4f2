/* agent_bulk.h - bulk actions on the queue page (agent_bulk.c). */
#ifndef WEB_AGENT_BULK_H
#define WEB_AGENT_BULK_H

#include "agent_session.h"
#include "html.h"
#include "store.h"
#include "web_int.h"

#define WEB_BULK_MAX 200 /* tickets one bulk request may name */

/* The bulk form around the ticket table: _begin writes the <form>, its
 * CSRF token, the way back and the controls; _end the hidden list of the
 * page's rows ("select all on this page") and </form>. */
void web_agent_bulk_begin(struct web_req *r, struct web_html *h,
                          const struct web_agent *ag);
void web_agent_bulk_end(struct web_html *h, const struct hd_ticket *ts,
                        size_t n);

/* Handler (router.c). */
void web_agent_bulk(struct web_req *r, const char *arg);

#endif
