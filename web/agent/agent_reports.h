/* agent_reports.h - the managers' reports at /agent/reports (tables and
 * server-drawn SVG charts, no script) and /agent/reports.csv; the
 * numbers are helpdesk/data/stats.h's, kept to the agent's queues
 * (admins: all). */
#ifndef WEB_AGENT_REPORTS_H
#define WEB_AGENT_REPORTS_H

#include "web_int.h"

/* Handlers (router.c). */
void web_agent_reports(struct web_req *r, const char *arg);
void web_agent_reports_csv(struct web_req *r, const char *arg);

#endif
