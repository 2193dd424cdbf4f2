/* store_int.h - shared by the store*.c files only.  Nothing outside
 * helpdesk/store*.c includes sqlite3.h or this header.
 *
 * Each store_<area>.c keeps its statements in its own static table
 *     static const char *const sql[] = { [ST_X] = "SELECT ...", };
 * and gets them with store_stmt(st, &sql[ST_X]): prepared once per
 * connection (SQLITE_PREPARE_PERSISTENT), cached by the address of the
 * table slot, handed back reset with bindings cleared. */
#ifndef HD_STORE_INT_H
#define HD_STORE_INT_H

#include "store.h"

#include <sqlite3.h>

sqlite3 *store_db(struct hd_store *st);
/* Never NULL: our own SQL failing to prepare is a bug and aborts. */
sqlite3_stmt *store_stmt(struct hd_store *st, const char *const *sql);
/* Turns a SQLite result code into err (BUSY/LOCKED -> HD_E_BUSY, FULL ->
 * HD_E_NOSPACE, CONSTRAINT_UNIQUE -> HD_E_EXISTS, ...) and returns -1. */
int store_fail(struct hd_store *st, int rc, struct hd_error *err);
/* Binds NULL for a NULL string or a zero id (ids start at 1). */
int store_bind_text(sqlite3_stmt *s, int i, const char *v);
int store_bind_id(sqlite3_stmt *s, int i, int64_t v);
/* Column as an arena string (NULL stays NULL). */
char *store_col_text(sqlite3_stmt *s, int i, struct hd_arena *a);
/* Runs a statement to completion expecting no rows; 0 or -1. */
int store_exec_done(struct hd_store *st, sqlite3_stmt *s,
                    struct hd_error *err);

/* Steps s once; on a row stores column 0 in *id_r (may be NULL).
 * Returns 1 row / 0 none / -1 error; s is reset. */
int store_step_id(struct hd_store *st, sqlite3_stmt *s, int64_t *id_r,
                  struct hd_error *err);
/* Runs an INSERT and stores the new rowid in *id_r (may be NULL). */
int store_insert(struct hd_store *st, sqlite3_stmt *s, int64_t *id_r,
                 struct hd_error *err);
/* Collects every row of s into an arena array of 'size'-byte records,
 * each filled by fill(). */
int store_collect(struct hd_store *st, sqlite3_stmt *s, struct hd_arena *a,
                  size_t size,
                  void (*fill)(sqlite3_stmt *, struct hd_arena *, void *),
                  void **out_r, size_t *n_r, struct hd_error *err);

/* The columns store_ticket_fill() reads, with ORG and CNAME as the
 * expressions of the organisation's and the requester's names (a list
 * that does not show them passes "NULL" and leaves out the org join). */
#define STORE_TICKET_COLS_OF(ORG, CNAME)                                     \
    "t.id, t.number, t.subject, t.status, t.priority, t.category, "          \
    "coalesce(t.queue_id, 0), coalesce(t.org_id, 0), "                       \
    "coalesce(t.requester_id, 0), coalesce(t.assignee_id, 0), "              \
    "q.name, " ORG ", c.address, " CNAME ", u.name, t.lang, "                \
    "t.needs_review, "                                                       \
    "coalesce(t.merged_into, 0), t.created_at, t.updated_at, "               \
    "coalesce(t.first_response_due, 0), coalesce(t.resolution_due, 0), "     \
    "coalesce(t.first_response_at, 0), coalesce(t.resolved_at, 0), "         \
    "t.sla_first_state, t.sla_resolve_state, coalesce(t.sla_paused_at, 0), " \
    "t.sla_paused_secs, t.spam, t.spam_reason, q.description "

/* The columns store_ticket_fill() reads, with the joins they need
 * (ticket t, queue q, org o, contact c, user u); append WHERE ... */
#define STORE_TICKET_COLS                                                    \
    STORE_TICKET_COLS_OF("o.name", "c.name")                                 \
    "FROM ticket t LEFT JOIN queue q ON q.id = t.queue_id "                  \
    "LEFT JOIN org o ON o.id = t.org_id "                                    \
    "LEFT JOIN contact c ON c.id = t.requester_id "                          \
    "LEFT JOIN user u ON u.id = t.assignee_id "

/* Sort key of the running SLA clock of ticket t; written exactly as the
 * index ticket_sla_due (0009_agent.sql) so the planner can use it. */
#define STORE_DUE_EXPR                                                       \
    "coalesce(CASE WHEN t.first_response_at IS NULL THEN "                   \
    "t.first_response_due ELSE t.resolution_due END, 9223372036854775807)"

/* Fills a struct hd_ticket (p) from a row of STORE_TICKET_COLS. */
void store_ticket_fill(sqlite3_stmt *s, struct hd_arena *a, void *p);

/* The WHERE clause of struct hd_ticket_filter, parameters ?1-?11 (NULL:
 * any), bound by store_ticket_bind_filter(); the ticket list and the
 * agents' queue append their own predicates from ?12 on. */
#define STORE_TICKET_FILTER_WHERE                                            \
    "WHERE (?1 IS NULL OR t.status = ?1) "                                   \
    "AND (?2 IS NULL OR t.status IN ('new', 'open', 'pending')) "            \
    "AND (?3 IS NULL OR t.priority = ?3) "                                   \
    "AND (?4 IS NULL OR t.category = ?4) "                                   \
    "AND (?5 IS NULL OR t.queue_id = ?5) "                                   \
    "AND (?6 IS NULL OR t.assignee_id = ?6) "                                \
    "AND (?7 IS NULL OR t.org_id = ?7) "                                     \
    "AND (?8 IS NULL OR t.requester_id = ?8) "                               \
    "AND (?9 IS NULL OR t.assignee_id IS NULL) "                             \
    "AND (?10 IS NULL OR EXISTS (SELECT 1 FROM ticket_tag g "                \
    "     WHERE g.ticket_id = t.id AND g.tag = ?10)) "                       \
    "AND (?11 IS NULL OR " STORE_TICKET_GRANTED("?11") ") "                 \
    "AND t.spam = coalesce(?20, 0) " /* high: callers use ?12-?19 */

/* True when ticket t is in a queue granted to the user bound as 'param':
 * the filter's visible_to_user, and the directory's lists, which show a
 * contact or organisation only with such a ticket. */
#define STORE_TICKET_GRANTED(param)                                          \
    "EXISTS (SELECT 1 FROM user_queue uq WHERE uq.user_id = " param " "      \
    "AND uq.queue_id = t.queue_id)"

/* Binds parameters ?1-?11 and ?20 of STORE_TICKET_FILTER_WHERE. */
void store_ticket_bind_filter(sqlite3_stmt *s,
                              const struct hd_ticket_filter *f);

/* Fills a struct hd_attachment from columns 0-10 of an attachment row
 * (id, message_id, filename, content_type, sha256, state, scan_state,
 * size, inline, created_at, detected_type). */
void store_attachment_fill(sqlite3_stmt *s, struct hd_arena *a, void *p);

/* What hd_store_search_tune() set (store_queue.c): the sample size,
 * dflt when unset, and the plan forced (0: none). */
int store_search_sample(struct hd_store *st, int dflt);
int store_search_force(struct hd_store *st);

/* Registers the "cjkbigram" FTS5 tokenizer on a connection (store_fts.c). */
int store_fts_register(sqlite3 *db);

/* Installs the hooks that let the queue counts cache (store_count.c) see
 * this connection's ticket changes; *dirty lives as long as db. */
void store_count_watch(sqlite3 *db, bool *dirty);
/* Tells the counts cache that this connection changed what a count
 * depends on in a table the hooks do not see (WITHOUT ROWID). */
void store_count_changed(struct hd_store *st);

/* Search indexing deferred to the commit on a bulk connection
 * (store_bulk.c): begin notes the highest message and ticket ids and
 * leaves the indexing INSERT out of their triggers; index writes the rows
 * above those ids (call it just before COMMIT); end (after COMMIT or
 * ROLLBACK, and once when the connection becomes bulk) puts the triggers
 * back for statements prepared from then on. */
struct store_bulk {
    bool on;
    int64_t last_message, last_ticket;
};
int store_bulk_begin(struct hd_store *st, struct store_bulk *b,
                     struct hd_error *err);
int store_bulk_index(struct hd_store *st, const struct store_bulk *b,
                     struct hd_error *err);
void store_bulk_end(struct hd_store *st);

#endif
