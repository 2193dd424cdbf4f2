/* agent_login.h - signing in and out of the agents' workplace
 * (agent_login.c): the router's handlers. */
#ifndef WEB_AGENT_LOGIN_H
#define WEB_AGENT_LOGIN_H

#include "web_int.h"

void web_agent_login_form(struct web_req *r, const char *arg);
void web_agent_login(struct web_req *r, const char *arg);
void web_agent_logout(struct web_req *r, const char *arg);
void web_agent_logout_all(struct web_req *r, const char *arg);

/* GET /agent/profile: who is signed in; sign out everywhere. */
void web_agent_profile(struct web_req *r, const char *arg);

#endif
