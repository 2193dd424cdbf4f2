/* agent_admin_backup.h - the backups page and its verify button
 * (agent_admin_backup.c): the router's handlers. */
#ifndef WEB_AGENT_ADMIN_BACKUP_H
#define WEB_AGENT_ADMIN_BACKUP_H

#include "web_int.h"

void web_agent_admin_backups(struct web_req *r, const char *arg);
void web_agent_admin_backup_verify(struct web_req *r, const char *arg);

#endif
