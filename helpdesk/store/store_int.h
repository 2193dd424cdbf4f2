/* store_int.h - shared by the store*.c files only.  Nothing outside
 * helpdesk/store*.c includes this header.  It names no database library:
 * the verbs reach the database through the seam below, which SQLite
 * (store.c) implements and PostgreSQL can implement beside it.  The few
 * files that use SQLite-only features include store_sqlite.h as well
 * (docs/internals/store.md lists them).
 *
 * Each store_<area>.c keeps its statements in its own static table
 *     static const char *const sql[] = { [ST_X] = "SELECT ...", };
 * and gets them with store_stmt(st, &sql[ST_X]): prepared once per
 * connection, cached by the address of the table slot, handed back reset
 * with bindings cleared. */
#ifndef HD_STORE_INT_H
#define HD_STORE_INT_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* Which engine a connection talks to. */
enum store_backend { STORE_SQLITE = 1, STORE_PG = 2 };
enum store_backend store_backend(const struct hd_store *st);

/* A prepared statement of either backend (opaque). */
struct store_q;

/* What store_step() returns besides an error code for store_fail(). */
enum { STORE_OK = 0, STORE_ERROR = 1, STORE_ROW = 100, STORE_DONE = 101 };
/* STORE_ERROR: the SQL or its input could not be run (a search query
 * the index cannot parse); other codes are the backend's own. */

/* Never NULL: our own SQL failing to prepare is a bug and aborts. */
struct store_q *store_stmt(struct hd_store *st, const char *const *sql);
/* The same for a statement whose SQL must differ between the engines
 * (search, planner hints): sqlite's slot on SQLite, pg's on PostgreSQL.
 * Everything else is written once, in SQL both accept. */
struct store_q *store_stmt_alt(struct hd_store *st,
                               const char *const *sqlite,
                               const char *const *pg);

/* Parameters are numbered from 1, as ?N in the SQL.  Strings and blobs
 * are not copied: they must live until the statement is reset.  Each
 * returns STORE_OK or an error code. */
int store_bind_int64(struct store_q *q, int i, int64_t v);
int store_bind_int(struct store_q *q, int i, int v);
int store_bind_double(struct store_q *q, int i, double v);
int store_bind_null(struct store_q *q, int i);
/* Binds NULL for a NULL string. */
int store_bind_text(struct store_q *q, int i, const char *v);
int store_bind_textn(struct store_q *q, int i, const char *v, size_t n);
/* A blob (an empty one when n is 0, never NULL). */
int store_bind_blob(struct store_q *q, int i, const void *p, size_t n);
/* Binds NULL for a zero id (ids start at 1). */
int store_bind_id(struct store_q *q, int i, int64_t v);
/* How many parameters the statement has. */
int store_bind_count(struct store_q *q);

/* Runs the statement to its next row: STORE_ROW, STORE_DONE, or an error
 * code to hand to store_fail(). */
int store_step(struct store_q *q);
/* Ends a run (keeps the bindings); always safe to call. */
void store_reset(struct store_q *q);

/* Columns of the current row, numbered from 0.  A NULL reads as 0 or a
 * NULL pointer; text and blobs stay valid until the next step or reset. */
int64_t store_col_int64(struct store_q *q, int i);
int store_col_int(struct store_q *q, int i);
double store_col_double(struct store_q *q, int i);
const char *store_col_str(struct store_q *q, int i);
const void *store_col_blob(struct store_q *q, int i);
/* Bytes of the text or blob just read from column i. */
size_t store_col_bytes(struct store_q *q, int i);
bool store_col_null(struct store_q *q, int i);
/* Integer, real or other (text, blob) value of a column whose SQL type
 * is not known in advance (export). */
enum store_coltype { STORE_COL_NULL, STORE_COL_INT, STORE_COL_REAL,
                     STORE_COL_TEXT };
enum store_coltype store_col_type(struct store_q *q, int i);
int store_col_count(struct store_q *q);
const char *store_col_name(struct store_q *q, int i);
/* Column as an arena string (NULL stays NULL). */
char *store_col_text(struct store_q *q, int i, struct hd_arena *a);

/* Rows changed by the last INSERT, UPDATE or DELETE run on st. */
int64_t store_changes(struct hd_store *st);
/* True while the connection is inside a transaction (any kind). */
bool store_in_tx(struct hd_store *st);
/* Runs one or more statements of SQL text without parameters (schema
 * files, maintenance).  0 or -1 with err set. */
int store_exec(struct hd_store *st, const char *sql, struct hd_error *err);

/* Turns a backend result code into err (busy -> HD_E_BUSY, full ->
 * HD_E_NOSPACE, unique violation -> HD_E_EXISTS, ...) and returns -1. */
int store_fail(struct hd_store *st, int rc, struct hd_error *err);
/* Sets err for a feature this backend does not have; returns -1. */
int store_unsupported(struct hd_store *st, const char *what,
                      struct hd_error *err);
/* Runs a statement to completion expecting no rows; 0 or -1. */
int store_exec_done(struct hd_store *st, struct store_q *s,
                    struct hd_error *err);

/* Steps s once; on a row stores column 0 in *id_r (may be NULL).
 * Returns 1 row / 0 none / -1 error; s is reset. */
int store_step_id(struct hd_store *st, struct store_q *s, int64_t *id_r,
                  struct hd_error *err);
/* Runs an INSERT ... RETURNING id and stores the new id in *id_r (may be
 * NULL).  The statement must end in RETURNING id. */
int store_insert(struct hd_store *st, struct store_q *s, int64_t *id_r,
                 struct hd_error *err);
/* Collects every row of s into an arena array of 'size'-byte records,
 * each filled by fill(). */
int store_collect(struct hd_store *st, struct store_q *s, struct hd_arena *a,
                  size_t size,
                  void (*fill)(struct store_q *, struct hd_arena *, void *),
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
    "LEFT JOIN \"user\" u ON u.id = t.assignee_id "

/* Sort key of the running SLA clock of ticket t; written exactly as the
 * index ticket_sla_due (0009_agent.sql) so the planner can use it. */
#define STORE_DUE_EXPR                                                       \
    "coalesce(CASE WHEN t.first_response_at IS NULL THEN "                   \
    "t.first_response_due ELSE t.resolution_due END, 9223372036854775807)"

/* Fills a struct hd_ticket (p) from a row of STORE_TICKET_COLS. */
void store_ticket_fill(struct store_q *s, struct hd_arena *a, void *p);

/* The WHERE clause of struct hd_ticket_filter, parameters ?1-?11 (NULL:
 * any), bound by store_ticket_bind_filter(); the ticket list and the
 * agents' queue append their own predicates from ?12 on. */
#define STORE_TICKET_FILTER_WHERE                                            \
    "WHERE (CAST(?1 AS text) IS NULL OR t.status = ?1) "                                   \
    "AND (CAST(?2 AS bigint) IS NULL OR t.status IN ('new', 'open', 'pending')) "            \
    "AND (CAST(?3 AS text) IS NULL OR t.priority = ?3) "                                   \
    "AND (CAST(?4 AS text) IS NULL OR t.category = ?4) "                                   \
    "AND (CAST(?5 AS bigint) IS NULL OR t.queue_id = ?5) "                                   \
    "AND (CAST(?6 AS bigint) IS NULL OR t.assignee_id = ?6) "                                \
    "AND (CAST(?7 AS bigint) IS NULL OR t.org_id = ?7) "                                     \
    "AND (CAST(?8 AS bigint) IS NULL OR t.requester_id = ?8) "                               \
    "AND (CAST(?9 AS bigint) IS NULL OR t.assignee_id IS NULL) "                             \
    "AND (CAST(?10 AS text) IS NULL OR EXISTS (SELECT 1 FROM ticket_tag g "                \
    "     WHERE g.ticket_id = t.id AND g.tag = ?10)) "                       \
    "AND (CAST(?11 AS bigint) IS NULL OR " STORE_TICKET_GRANTED("?11") ") "                 \
    "AND t.spam = coalesce(?17, 0) " /* high: callers use ?12-?16 */

/* The value to bind to a "LIMIT ?N" that must not limit: SQLite reads a
 * negative limit as none, PostgreSQL refuses it (and SQLite refuses
 * NULL). */
#define STORE_NO_LIMIT INT64_MAX

/* Always true: names parameter N (type: bigint, text) in a statement
 * that leaves it out of a shared numbering, because PostgreSQL cannot
 * prepare a statement that skips a number (it would not know its
 * type). */
#define STORE_PARAM_UNUSED(N, type)                                          \
    "(CAST(" N " AS " type ") IS NULL OR 1 = 1)"

/* True when ticket t is in a queue granted to the user bound as 'param':
 * the filter's visible_to_user, and the directory's lists, which show a
 * contact or organisation only with such a ticket. */
#define STORE_TICKET_GRANTED(param)                                          \
    "EXISTS (SELECT 1 FROM user_queue uq WHERE uq.user_id = " param " "      \
    "AND uq.queue_id = t.queue_id)"

/* Binds parameters ?1-?11 and ?17 of STORE_TICKET_FILTER_WHERE. */
void store_ticket_bind_filter(struct store_q *s,
                              const struct hd_ticket_filter *f);

/* Fills a struct hd_attachment from columns 0-10 of an attachment row
 * (id, message_id, filename, content_type, sha256, state, scan_state,
 * size, inline, created_at, detected_type). */
void store_attachment_fill(struct store_q *s, struct hd_arena *a, void *p);

/* What hd_store_search_tune() set (store_queue.c): the sample size,
 * dflt when unset, and the plan forced (0: none). */
int store_search_sample(struct hd_store *st, int dflt);
int store_search_force(struct hd_store *st);

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
