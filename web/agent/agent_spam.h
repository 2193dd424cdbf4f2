/* agent_spam.h - mail held as spam on the ticket page: what the rule
 * said, and the agent's verdict in one click (agent_spam.c). */
#ifndef WEB_AGENT_SPAM_H
#define WEB_AGENT_SPAM_H

#include "agent_session.h"
#include "html.h"
#include "store.h"
#include "web_int.h"

/* The banner and the two verdict forms for a held ticket; nothing for
 * any other.  Returns whether it drew them. */
bool web_agent_spam_box(struct web_req *r, struct web_html *h,
                        const struct web_agent *ag,
                        const struct hd_ticket *t);

/* POST /agent/tickets/N/spam, verdict=release|confirm (router.c). */
void web_agent_spam(struct web_req *r, const char *number);

#endif
