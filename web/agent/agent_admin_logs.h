/* agent_admin_logs.h - the log search page and its downloads
 * (agent_admin_logs.c): the router's handlers. */
#ifndef WEB_AGENT_ADMIN_LOGS_H
#define WEB_AGENT_ADMIN_LOGS_H

#include "web_int.h"

void web_agent_admin_logs(struct web_req *r, const char *arg);
void web_agent_admin_logs_csv(struct web_req *r, const char *arg);
void web_agent_admin_logs_json(struct web_req *r, const char *arg);

#endif
