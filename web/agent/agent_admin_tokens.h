/* agent_admin_tokens.h - the admin's own API tokens page
 * (agent_admin_tokens.c): the router's handlers. */
#ifndef WEB_AGENT_ADMIN_TOKENS_H
#define WEB_AGENT_ADMIN_TOKENS_H

#include "web_int.h"

void web_agent_admin_tokens(struct web_req *r, const char *arg);
void web_agent_admin_token_add(struct web_req *r, const char *arg);
void web_agent_admin_token_revoke(struct web_req *r, const char *id);

#endif
