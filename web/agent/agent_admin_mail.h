/* agent_admin_mail.h - the demo's caught outbound mail (smtp.maildir)
 * listed for admins (agent_admin_mail.c): the router's handler. */
#ifndef WEB_AGENT_ADMIN_MAIL_H
#define WEB_AGENT_ADMIN_MAIL_H

#include "web_int.h"

void web_agent_admin_mail(struct web_req *r, const char *arg);

#endif
