/* agent_int.h - what the files of the agents' workplace (/agent/...)
 * share: the signed-in agent of a request, the checks every handler runs
 * in its first lines, the page frame, the interface strings, and the
 * handlers the router knows.
 *
 * Sessions: a 256-bit random token in the cookie WEB_AGENT_COOKIE
 * (HttpOnly, SameSite=Strict, Path=/agent, Secure under TLS); the store
 * keeps only its SHA-256.  A new token is issued at every change of
 * privilege (password accepted, second factor accepted), so a token
 * planted before sign-in is worth nothing after it.  Forms carry a CSRF
 * token bound to the session (hd_csrf_token over the stored hash). */
#ifndef WEB_AGENT_INT_H
#define WEB_AGENT_INT_H

#include "desk.h"
#include "auth.h"
#include "store.h"
#include "store_agent.h"
#include "web_int.h"

#define WEB_AGENT_COOKIE "hd_agent"
#define WEB_PAGE_ROWS 50               /* tickets per queue page */
#define WEB_COLLISION_SECS (5 * 60)    /* "another agent viewed" window */
#define WEB_DORMANT_SECS (90 * 86400)  /* users page: dormant after */
#define WEB_BREACH_SOON_SECS (2 * 3600) /* "breaching soon" view */
#define WEB_REPLY_MAX (256 * 1024)     /* bytes of one reply or note */
#define WEB_CODE_MAX 32                /* bytes of a typed 2FA code */

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

/* ---- agent_session.c: the checks every handler starts with ------------ */

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
/* The client address: the peer, or the last X-Forwarded-For entry when
 * the peer is the trusted proxy (web.trusted_proxy). */
const char *web_agent_ip(struct web_req *r);

/* ---- agent_memo.c: per-thread memos of the session check -------------- */

struct hd_cidr_list;
/* The allow-list text parsed (hd_cidr_list_parse), from this thread's
 * memo when the same text was parsed before; NULL with *err when it does
 * not parse.  The result lives in the memo (until this thread's next
 * call) or in *scratch. */
const struct hd_cidr_list *web_memo_cidr_list(const char *text,
                                              struct hd_cidr_list *scratch,
                                              struct hd_error *err);
/* hd_csrf_token(key, session_id), from this thread's memo when it was
 * computed before for the same key (by address: the instance key is fixed
 * once the server runs) and session. */
void web_memo_csrf(const uint8_t key[HD_KEY_LEN], const char *session_id,
                   char out[HD_CSRF_SIZE]);
/* ---- agent_sessmemo.c: validated sessions, per thread -----------------
 * A session that passed the check is remembered by this thread, keyed by
 * its token's hash, with the user's row, own allow-list and grants.  It
 * is used again only while agent_generation.auth is unchanged (any end of
 * a session, role, grant or allow-list change by any process moves it),
 * for at most WEB_SESSION_MEMO_SECS, and while the session's recorded
 * activity is younger than the touch interval, so the idle and absolute
 * timeouts are checked on the same values the table holds. */
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

/* ---- agent_layout.c ---------------------------------------------------- */
void web_agent_layout_begin(struct web_req *r, struct web_html *h,
                            const struct web_agent *ag, const char *title);
void web_agent_layout_end(struct web_req *r, struct web_html *h);
/* <input type=hidden name=csrf value=...> */
void web_agent_csrf_field(struct web_html *h, const char *token);
/* "2026-05-01 10:30" in the instance zone, in a <time>. */
void web_agent_time(struct web_req *r, struct web_html *h, int64_t t);
/* "3h 20m" / "-1h 05m" (overdue) from now to due. */
void web_agent_left(struct web_req *r, struct web_html *h, int64_t due,
                    int64_t now);

/* ---- the queue's arguments, bulk actions, saved views ---------------------
 * (agent_queue.c, agent_bulk.c, agent_views.c) */
#define WEB_BULK_MAX 200         /* tickets one bulk request may name */
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
/* The queue query for the arguments in qa as ag sees it: the view, the
 * filters and ag's visibility (limit left as initialised). */
void web_agent_queue_query(const struct web_qargs *qa,
                           const struct web_agent *ag,
                           struct hd_queue_query *q);
/* The query string of the view arguments present in qa, percent-encoded
 * ("view=open&status=new"; "" for none or when over WEB_VIEW_QUERY_MAX);
 * with_after keeps the page position too. */
const char *web_agent_queue_qs(const struct web_qargs *qa, bool with_after);
/* True when s could have come from web_agent_queue_qs (unreserved
 * characters, %, = and & only, at most WEB_VIEW_QUERY_MAX bytes): safe to
 * put after "/agent/?" in a Location header. */
bool web_agent_qs_ok(const char *s);
/* The bulk form around the ticket table: _begin writes the <form>, its
 * CSRF token, the way back and the controls; _end the hidden list of the
 * page's rows ("select all on this page") and </form>. */
void web_agent_bulk_begin(struct web_req *r, struct web_html *h,
                          const struct web_agent *ag);
void web_agent_bulk_end(struct web_html *h, const struct hd_ticket *ts,
                        size_t n);
/* The signed-in user's saved views with their counts (nothing when
 * there are none), and the "Save this view" form for the current view. */
HD_NODISCARD int web_agent_saved_nav(struct web_req *r, struct web_html *h,
                                     const struct web_agent *ag,
                                     struct hd_error *err);
void web_agent_save_form(struct web_req *r, struct web_html *h,
                         const struct web_agent *ag);

/* ---- agent_i18n.c ------------------------------------------------------- */
enum web_amsg {
    A_SIGNIN_TITLE, A_EMAIL, A_PASSWORD, A_SIGNIN, A_SIGNIN_FAILED,
    A_SIGNOUT, A_SIGNOUT_ALL, A_2FA_TITLE, A_2FA_CODE, A_VERIFY,
    A_ENROL_TITLE, A_ENROL_TEXT, A_ENROL_SECRET, A_QR_ALT, A_RECOVERY_TITLE,
    A_RECOVERY_TEXT, A_CONTINUE, A_QUEUE, A_VIEW_MINE, A_VIEW_UNASSIGNED,
    A_VIEW_INCIDENTS, A_VIEW_BREACHING, A_VIEW_OPEN, A_SEARCH, A_FILTER,
    A_STATUS, A_PRIORITY, A_CATEGORY, A_ASSIGNEE, A_TAG, A_ANY, A_SORT,
    A_SORT_DUE, A_SORT_NEW, A_NUMBER, A_SUBJECT, A_REQUESTER, A_SLA_LEFT,
    A_OVERDUE, A_INCIDENT_LABEL, A_NEXT_PAGE, A_NO_TICKETS, A_NEW_ARRIVED,
    A_RELOAD, A_THREAD, A_NOTE_LABEL, A_OUR_REPLY, A_CUSTOMER, A_QUOTED,
    A_SIGNATURE, A_SHOW_HTML, A_SHOW_TEXT, A_ATTACHMENTS, A_REPLY,
    A_ADD_NOTE, A_SEND, A_UPDATE, A_NONE, A_COLLISION_VIEW, A_COLLISION_NEW,
    A_FIRST_RESPONSE, A_RESOLUTION, A_MET, A_HISTORY, A_USERS, A_ROLE,
    A_QUEUES, A_ON, A_OFF, A_LAST_LOGIN, A_LAST_ACTIVITY, A_NEVER, A_DORMANT,
    A_DISABLE, A_DISABLED, A_CONFIRM_DISABLE, A_NAME, A_KEYS, A_READ_ONLY,
    A_GRANT, A_REVOKE, A_SIZE, A_SCAN, A_SYSTEM, A_LOCKED_USER, A_BYTES,
    /* admin pages (agent_admin_*.c) */
    A_ADMIN, A_CHECKLIST, A_ITEM, A_ANSWER, A_EVIDENCE, A_ST_OK,
    A_ST_ATTENTION, A_ST_OPERATOR, A_DOWNLOAD_JSON, A_DOWNLOAD_CSV, A_LOGS,
    A_LOG_KIND, A_LOG_AUDIT, A_LOG_SECURITY, A_LOG_BACKUP, A_USER, A_TICKET,
    A_REQUEST_ID, A_IP, A_FROM, A_UNTIL, A_TIME, A_WHO, A_OBJECT, A_ACTION,
    A_DETAIL, A_PREV_PAGE, A_NEXT_ROWS, A_NO_ROWS, A_BAD_FILTER, A_RULES,
    A_RULE_NAME, A_CONDITIONS, A_ACTIONS, A_STOP, A_ADD, A_DELETE, A_MOVE,
    A_POSITION, A_RULE_REFUSED, A_RULE_ADDED, A_RULE_TEST, A_RAW_MESSAGE,
    A_RECIPIENT, A_TEST, A_DECISION, A_REASONS, A_NO_MATCH, A_AUTOMATIC,
    A_BACKUPS, A_GENERATION, A_CREATED, A_VERIFIED, A_VERIFIED_AT_RUN,
    A_NOT_VERIFIED, A_VERIFY_OK, A_VERIFY_FAILED, A_NO_BACKUPS, A_RESULT,
    /* settings pages (agent_admin_settings.c, agent_admin_tokens.c) */
    A_CALENDAR, A_HOURS, A_TIMEZONE, A_HOLIDAYS, A_DAYS, A_CLOSURES,
    A_FIRST_DAY, A_LAST_DAY, A_SOURCE, A_DATE, A_OPEN_NOW, A_CLOSED_NOW,
    A_NEXT_OPEN, A_SLA, A_CLOCK, A_BUSINESS_HOURS, A_ALWAYS, A_HOURS_UNIT,
    A_TEMPLATES, A_EDIT_FILE, A_ANNOUNCEMENTS, A_KIND, A_TITLE, A_STARTS,
    A_ENDS, A_PUBLISHED, A_ENDED, A_FORCED, A_YES, A_TOKENS, A_SCOPE,
    A_EXPIRES, A_LAST_USED, A_EXPIRES_DAYS, A_CREATE, A_TOKEN_ONCE,
    A_TOKEN_REFUSED, A_TOKEN_REVOKED, A_ACTIVE, A_REVOKED,
    A_ADDRESS, A_DESCRIPTION, A_OPEN_TICKETS, A_QUEUE_REFUSED,
    /* canned responses and merge (agent_admin_canned.c, agent_canned.c) */
    A_CANNED, A_INSERT, A_LANGUAGE, A_SHORTCUT, A_BODY, A_EDIT, A_SAVE,
    A_UPDATED, A_CANNED_REFUSED, A_CANNED_SAVED, A_CANNED_DELETED,
    A_PLACEHOLDERS, A_UNKNOWN_PLACEHOLDERS, A_MERGE, A_MERGE_CONFIRM,
    A_MERGE_TEXT, A_MERGE_REFUSED, A_CANCEL,
    /* bulk actions and saved views (agent_bulk.c, agent_views.c) */
    A_BULK_TITLE, A_SELECT, A_SELECT_PAGE, A_ASSIGN_TO, A_ME, A_APPLY,
    A_BULK_MERGE, A_MERGE_INTO, A_MERGE_LOWEST, A_BULK_DONE, A_BULK_SKIPPED,
    A_SAVED_VIEWS, A_VIEW_NAME, A_SAVE_VIEW, A_MERGED_INTO,
    A_COUNT
};
const char *web_at(const char *lang, enum web_amsg m);
const char *web_at_status(const char *lang, enum hd_status s);
const char *web_at_priority(const char *lang, enum hd_priority p);
const char *web_at_category(const char *lang, enum hd_category c);

/* ---- handlers (router.c) ------------------------------------------------ */
void web_agent_login_form(struct web_req *r, const char *arg);
void web_agent_login(struct web_req *r, const char *arg);
void web_agent_logout(struct web_req *r, const char *arg);
void web_agent_logout_all(struct web_req *r, const char *arg);
void web_agent_2fa_form(struct web_req *r, const char *arg);
void web_agent_2fa(struct web_req *r, const char *arg);
void web_agent_enrol_form(struct web_req *r, const char *arg);
void web_agent_enrol(struct web_req *r, const char *arg);
void web_agent_enrol_qr(struct web_req *r, const char *arg);
void web_agent_queue(struct web_req *r, const char *arg);
void web_agent_counts(struct web_req *r, const char *arg);
void web_agent_ticket(struct web_req *r, const char *number);
void web_agent_message_html(struct web_req *r, const char *number);
void web_agent_reply(struct web_req *r, const char *number);
void web_agent_note(struct web_req *r, const char *number);
void web_agent_update(struct web_req *r, const char *number);
void web_agent_users(struct web_req *r, const char *arg);
void web_agent_user_disable(struct web_req *r, const char *id);
void web_agent_user_grant(struct web_req *r, const char *id);
/* agent_admin_report.c */
void web_agent_admin_checklist(struct web_req *r, const char *arg);
void web_agent_admin_checklist_json(struct web_req *r, const char *arg);
/* agent_admin_logs.c */
void web_agent_admin_logs(struct web_req *r, const char *arg);
void web_agent_admin_logs_csv(struct web_req *r, const char *arg);
void web_agent_admin_logs_json(struct web_req *r, const char *arg);
/* agent_admin_rules.c */
void web_agent_admin_rules(struct web_req *r, const char *arg);
void web_agent_admin_rule_add(struct web_req *r, const char *arg);
void web_agent_admin_rule_move(struct web_req *r, const char *id);
void web_agent_admin_queues(struct web_req *r, const char *arg);
void web_agent_admin_queue_add(struct web_req *r, const char *arg);
void web_agent_admin_rule_delete(struct web_req *r, const char *id);
void web_agent_admin_rule_test(struct web_req *r, const char *arg);
/* agent_admin_backup.c */
void web_agent_admin_backups(struct web_req *r, const char *arg);
void web_agent_admin_backup_verify(struct web_req *r, const char *arg);
/* agent_admin_settings.c (read-only pages) */
void web_agent_admin_calendar(struct web_req *r, const char *arg);
void web_agent_admin_sla(struct web_req *r, const char *arg);
void web_agent_admin_templates(struct web_req *r, const char *arg);
void web_agent_admin_announcements(struct web_req *r, const char *arg);
/* agent_admin_tokens.c */
void web_agent_admin_tokens(struct web_req *r, const char *arg);
void web_agent_admin_token_add(struct web_req *r, const char *arg);
void web_agent_admin_token_revoke(struct web_req *r, const char *id);
/* agent_admin_canned.c */
void web_agent_admin_canned(struct web_req *r, const char *arg);
void web_agent_admin_canned_add(struct web_req *r, const char *arg);
void web_agent_admin_canned_edit(struct web_req *r, const char *id);
void web_agent_admin_canned_delete(struct web_req *r, const char *id);
/* agent_canned.c (ticket page: insert a canned response, merge) */
void web_agent_canned_insert(struct web_req *r, const char *number);
void web_agent_merge(struct web_req *r, const char *number);
/* agent_bulk.c: bulk actions on the queue page */
void web_agent_bulk(struct web_req *r, const char *arg);
/* agent_views.c: saved views */
void web_agent_view_save(struct web_req *r, const char *arg);
void web_agent_view_open(struct web_req *r, const char *id);
void web_agent_view_delete(struct web_req *r, const char *id);
/* " merged into #N" (a link) for a ticket merged away; nothing otherwise.
 * Shown in the queue row and on the ticket page. */
void web_agent_merged_note(struct web_req *r, struct web_html *h,
                           const struct hd_ticket *t);
/* A table head: <thead> with the column names, then <tbody>. */
void web_agent_table_head(struct web_req *r, struct web_html *h,
                          const enum web_amsg *cols, size_t n);

#endif
