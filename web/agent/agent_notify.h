/* agent_notify.h - an agent's notifications and notification settings
 * (agent_notify.c): the list with "mark read", the unread count the
 * header shows and agent.js polls, and the preferences page.  Who is told
 * what is the desk's (notify.h). */
#ifndef WEB_AGENT_NOTIFY_H
#define WEB_AGENT_NOTIFY_H

#include "agent_session.h"
#include "html.h"
#include "web_int.h"

/* GET /agent/notifications: the newest HD_NOTIFY_PAGE notifications. */
void web_agent_notifications(struct web_req *r, const char *arg);
/* POST /agent/notifications/read: id=N marks one, none marks all. */
void web_agent_notifications_read(struct web_req *r, const char *arg);
/* GET /agent/notifications.json: {"unread":N}. */
void web_agent_notifications_json(struct web_req *r, const char *arg);
/* GET and POST /agent/preferences. */
void web_agent_preferences(struct web_req *r, const char *arg);
void web_agent_preferences_save(struct web_req *r, const char *arg);

/* The header's link to the list with the unread count (layout). */
void web_agent_notify_link(struct web_req *r, struct web_html *h,
                           const struct web_agent *ag);

#endif
