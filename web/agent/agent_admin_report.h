/* agent_admin_report.h - the service checklist page and its JSON
 * (agent_admin_report.c): the router's handlers. */
#ifndef WEB_AGENT_ADMIN_REPORT_H
#define WEB_AGENT_ADMIN_REPORT_H

#include "web_int.h"

void web_agent_admin_checklist(struct web_req *r, const char *arg);
void web_agent_admin_checklist_json(struct web_req *r, const char *arg);

#endif
