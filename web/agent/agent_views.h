/* agent_views.h - the queue page's arguments as a query string, and the
 * personal saved views built on it (agent_views.c). */
#ifndef WEB_AGENT_VIEWS_H
#define WEB_AGENT_VIEWS_H

#include "agent_session.h"
#include "html.h"
#include "web_int.h"

#define WEB_VIEW_NAME_MAX 80     /* bytes of a saved view's name */
#define WEB_VIEW_QUERY_MAX 1024  /* bytes of a queue query string kept */

/* Where the queue reads its arguments: the request's query string (query
 * NULL) or a saved view's stored query. */
struct web_qargs {
    struct web_req *r;
    const char *query;
};
/* Argument name of qa (decoded, arena memory), NULL when absent. */
const char *web_qarg(const struct web_qargs *qa, const char *name);
/* The query string of the view arguments present in qa, percent-encoded
 * ("view=open&status=new"; "" for none or when over WEB_VIEW_QUERY_MAX);
 * with_after keeps the page position too. */
const char *web_agent_queue_qs(const struct web_qargs *qa, bool with_after);
/* True when s could have come from web_agent_queue_qs (unreserved
 * characters, %, = and & only, at most WEB_VIEW_QUERY_MAX bytes): safe to
 * put after "/agent/?" in a Location header. */
bool web_agent_qs_ok(const char *s);
/* The signed-in user's saved views with their counts (nothing when
 * there are none), and the "Save this view" form for the current view. */
HD_NODISCARD int web_agent_saved_nav(struct web_req *r, struct web_html *h,
                                     const struct web_agent *ag,
                                     struct hd_error *err);
void web_agent_save_form(struct web_req *r, struct web_html *h,
                         const struct web_agent *ag);

/* Handlers (router.c). */
void web_agent_view_save(struct web_req *r, const char *arg);
void web_agent_view_open(struct web_req *r, const char *id);
void web_agent_view_delete(struct web_req *r, const char *id);

#endif
