/* store_logsearch.h - reading the audit log, the security log and the
 * backup log back for people: filtered, newest first, a page at a time.
 * (Writing them is store_audit.c's business.) */
#ifndef HD_STORE_LOGSEARCH_H
#define HD_STORE_LOGSEARCH_H

#include "arena.h"
#include "store.h"

#define HD_LOG_PAGE_MAX 1000 /* rows one search returns at most */

enum hd_log_kind { HD_LOG_AUDIT, HD_LOG_SECURITY, HD_LOG_BACKUP };

/* What to look for; NULL strings and zero times mean "any".  A filter a
 * log does not record (the IP of a backup run, the ticket of a sign-in)
 * matches none of its rows.
 *   user:       audit actor ('user:3' or the user's email), security
 *               user id, email or address tried
 *   ticket:     ticket number (audit object 'ticket:N')
 *   request_id: audit request id; security detail 'request_id=...'
 *   ip:         exact client address
 *   from/until: from <= at < until (UTC seconds) */
struct hd_log_filter {
    const char *user, *ticket, *request_id, *ip;
    int64_t from, until;
};

/* One row of any of the three logs, in common columns. */
struct hd_log_row {
    int64_t id, at;
    const char *who;        /* actor / email or subject / '' */
    const char *ip;         /* NULL when not recorded */
    const char *request_id; /* audit only; NULL otherwise */
    const char *object;     /* audit object / subject / generation */
    const char *action;     /* audit action / kind / backup action */
    const char *detail;     /* after_json / detail / detail */
    bool ok;                /* backup log: succeeded; others true */
};

/* Up to limit (<= HD_LOG_PAGE_MAX) rows of log kind matching f, newest
 * first, skipping offset rows.  Strings live in a. */
HD_NODISCARD int hd_store_log_search(struct hd_store *st, enum hd_log_kind kind,
                                     const struct hd_log_filter *f,
                                     size_t limit, int64_t offset,
                                     struct hd_arena *a,
                                     struct hd_log_row **rows_r, size_t *n_r,
                                     struct hd_error *err);

#endif
