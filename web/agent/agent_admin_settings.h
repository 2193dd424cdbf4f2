/* agent_admin_settings.h - the admin pages that show how the instance is
 * set up, and the queues page (agent_admin_settings.c): the router's
 * handlers. */
#ifndef WEB_AGENT_ADMIN_SETTINGS_H
#define WEB_AGENT_ADMIN_SETTINGS_H

#include "web_int.h"

void web_agent_admin_calendar(struct web_req *r, const char *arg);
void web_agent_admin_sla(struct web_req *r, const char *arg);
void web_agent_admin_templates(struct web_req *r, const char *arg);
void web_agent_admin_announcements(struct web_req *r, const char *arg);
void web_agent_admin_queues(struct web_req *r, const char *arg);
void web_agent_admin_queue_add(struct web_req *r, const char *arg);

#endif
