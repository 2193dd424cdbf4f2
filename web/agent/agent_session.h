/* agent_session.h - the signed-in agent of a request and the checks
 * every handler of the agents' workplace (/agent/...) runs in its first
 * lines: session, role, CSRF, IP allow-lists; the audit and security log
 * lines those pages write.
 *
 * Sessions: a 256-bit random token in the cookie WEB_AGENT_COOKIE
 * (HttpOnly, SameSite=Strict, Path=/agent, Secure under TLS); the store
 * keeps only its SHA-256.  A new token is issued at every change of
 * privilege (password accepted, second factor accepted), so a token
 * planted before sign-in is worth nothing after it.  Forms carry a CSRF
 * token bound to the session (hd_csrf_token over the stored hash). */
#ifndef WEB_AGENT_SESSION_H
#define WEB_AGENT_SESSION_H

#include "auth.h"
#include "desk.h"
#include "store.h"
#include "store_agent.h"
#include "web_int.h"

#define WEB_AGENT_COOKIE "hd_agent"

enum web_role { WEB_ROLE_VIEWER, WEB_ROLE_AGENT, WEB_ROLE_ADMIN };

/* The signed-in user of a request (arena memory). */
struct web_agent {
    struct hd_user user;
    struct hd_agent_session sess;
    enum web_role role;
    char csrf[HD_CSRF_SIZE]; /* for this session's forms */
    const char *own_ips;     /* the user's own IP allow-list ("" none) */
    /* The queues granted to the user, ascending (NULL: admin, or more
     * than WEB_AGENT_QUEUES_MAX: ask the store). */
    const int64_t *queues;
    size_t nqueues;
    /* agent_generation as read at the start of the request */
    struct hd_agent_gen gen;
};
#define WEB_AGENT_QUEUES_MAX 256 /* grants an agent carries in memory */

/* The signed-in agent with at least role min and a full session, else
 * NULL with the response written (GET: redirect to the sign-in page or
 * to 2FA enrolment; POST: 403).  With post, the form's "csrf" field must
 * be this session's token (403 otherwise).  Checks idle and absolute
 * timeouts, a disabled account and the IP allow-lists (denials go to the
 * security log), and records the activity. */
struct web_agent *web_agent_begin(struct web_req *r, bool post,
                                  enum web_role min);
/* Same, but also accepts a session still waiting for its second factor
 * (the 2FA pages). */
struct web_agent *web_agent_begin_2fa(struct web_req *r, bool post);
/* Starts a new session for user_id (ending the one in the request's
 * cookie, if any) and sets the cookie. */
HD_NODISCARD int web_agent_session_start(struct web_req *r, int64_t user_id,
                                         enum hd_session_stage stage,
                                         struct hd_error *err);
/* Ends the request's session and clears the cookie. */
void web_agent_session_end(struct web_req *r);
/* The client address: r->client_ip, which server.c decides once (the
 * peer, or what the trusted proxy forwarded: forwarded.h). */
const char *web_agent_ip(struct web_req *r);

/* Appends the audit row of a change made by ag through the web UI (actor
 * user:ID, source web, client address, request ID) inside the caller's
 * transaction.  before/after are JSON texts or NULL. */
HD_NODISCARD int web_agent_audit(struct web_req *r,
                                 const struct web_agent *ag,
                                 const char *object, const char *action,
                                 const char *before_json,
                                 const char *after_json,
                                 struct hd_error *err);
/* The desk (desk.h) acting for ag in this request: actor user:ID,
 * source web, the client's address and the request ID; lives in r->a. */
struct hd_desk *web_agent_desk(struct web_req *r, const struct web_agent *ag);
/* True if ip may be used by u (auth.allow_ips.ROLE and the user's own
 * list; an empty list allows all). */
bool web_agent_ip_allowed(struct web_req *r, const struct hd_user *u,
                          const char *ip);
/* Appends to the security log (time, user, IP, request id in detail). */
void web_agent_security(struct web_req *r, const char *kind, int64_t user_id,
                        const char *subject, const char *detail);
enum web_role web_role_of(const char *name);
/* True when the role must use a second factor (auth.require_2fa_roles). */
bool web_agent_2fa_required(struct web_req *r, const char *role);
/* Store failure: log and the 500/503 page. */
void web_agent_fail(struct web_req *r, const struct hd_error *err);

#endif
