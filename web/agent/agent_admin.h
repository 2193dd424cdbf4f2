/* agent_admin.h - the users page at /agent/admin/users (agent_admin.c):
 * the router's handlers. */
#ifndef WEB_AGENT_ADMIN_H
#define WEB_AGENT_ADMIN_H

#include "web_int.h"

#define WEB_DORMANT_SECS (90 * 86400) /* users page: dormant after */

void web_agent_users(struct web_req *r, const char *arg);
void web_agent_user_disable(struct web_req *r, const char *id);
void web_agent_user_grant(struct web_req *r, const char *id);
void web_agent_user_access(struct web_req *r, const char *id);

#endif
