/* agent_sessmemo.h - validated agent sessions, per thread
 * (agent_sessmemo.c).
 *
 * A session that passed the check is remembered by this thread, keyed by
 * its token's hash, with the user's row, own allow-list and grants.  It
 * is used again only while agent_generation.auth is unchanged (any end of
 * a session, role, grant or allow-list change by any process moves it),
 * for at most WEB_SESSION_MEMO_SECS, and while the session's recorded
 * activity is younger than the touch interval, so the idle and absolute
 * timeouts are checked on the same values the table holds. */
#ifndef WEB_AGENT_SESSMEMO_H
#define WEB_AGENT_SESSMEMO_H

#include "agent_session.h"
#include "arena.h"

#define WEB_SESSION_MEMO_SECS 30
/* Fills ag (sess, user, own_ips, queues; strings copied into a) from the
 * memo of id_hash: true when one is good for auth_gen at now. */
bool web_memo_session_get(const char *id_hash, int64_t auth_gen, int64_t now,
                          struct hd_arena *a, struct web_agent *ag);
/* Remembers ag's validated session (read under auth_gen) at now; does
 * nothing when its texts or grants do not fit a memo. */
void web_memo_session_put(const struct web_agent *ag, int64_t auth_gen,
                          int64_t now);
/* The session's activity was written at 'at'. */
void web_memo_session_seen(const char *id_hash, int64_t at);

#endif
