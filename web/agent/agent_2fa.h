/* agent_2fa.h - the second factor and its enrolment (agent_2fa.c): the
 * router's handlers. */
#ifndef WEB_AGENT_2FA_H
#define WEB_AGENT_2FA_H

#include "web_int.h"

#define WEB_CODE_MAX 32 /* bytes of a typed 2FA code */

void web_agent_2fa_form(struct web_req *r, const char *arg);
void web_agent_2fa(struct web_req *r, const char *arg);
void web_agent_enrol_form(struct web_req *r, const char *arg);
void web_agent_enrol(struct web_req *r, const char *arg);
void web_agent_enrol_qr(struct web_req *r, const char *arg);

#endif
