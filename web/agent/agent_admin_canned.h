/* agent_admin_canned.h - the canned responses admin page
 * (agent_admin_canned.c): the router's handlers. */
#ifndef WEB_AGENT_ADMIN_CANNED_H
#define WEB_AGENT_ADMIN_CANNED_H

#include "web_int.h"

void web_agent_admin_canned(struct web_req *r, const char *arg);
void web_agent_admin_canned_add(struct web_req *r, const char *arg);
void web_agent_admin_canned_edit(struct web_req *r, const char *id);
void web_agent_admin_canned_delete(struct web_req *r, const char *id);

#endif
