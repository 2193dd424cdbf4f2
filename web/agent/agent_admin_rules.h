/* agent_admin_rules.h - the routing rules pages (agent_admin_rules.c):
 * the router's handlers. */
#ifndef WEB_AGENT_ADMIN_RULES_H
#define WEB_AGENT_ADMIN_RULES_H

#include "web_int.h"

void web_agent_admin_rules(struct web_req *r, const char *arg);
void web_agent_admin_rule_add(struct web_req *r, const char *arg);
void web_agent_admin_rule_move(struct web_req *r, const char *id);
void web_agent_admin_rule_delete(struct web_req *r, const char *id);
void web_agent_admin_rule_test(struct web_req *r, const char *arg);

#endif
