/* store_pg.h - the PostgreSQL side of the store's seam (store_pg.c),
 * called by store.c when a connection was opened on a postgresql:// URL.
 * Nothing else includes this header; only store_pg.c includes libpq.
 *
 * What differs from SQLite, in one place (docs/internals/store.md):
 *  - SQL is translated once per statement: ?N -> $N, LIMIT -1 -> LIMIT
 *    ALL, INDEXED BY name / NOT INDEXED dropped; nothing else.
 *  - Parameters travel as text (types inferred by the server), blobs as
 *    binary bytea; results come back as text, booleans read 1 / 0, bytea
 *    decoded.
 *  - A write statement inside a transaction runs under its own savepoint,
 *    so a failed statement undoes only itself, as on SQLite.
 *  - A lost connection is reopened (a multi-host URL finds the new
 *    primary) at the next statement outside a transaction; inside one,
 *    every statement fails until the ROLLBACK. */
#ifndef HD_STORE_PG_H
#define HD_STORE_PG_H

#include "store_int.h"

struct store_pg;  /* a connection */
struct store_pgq; /* a statement on it */

/* Connects to url; 0 or -1 with err set (HD_E_TEMP when the server
 * cannot be reached, so mail is deferred, not refused). */
int store_pg_connect(const char *url, int busy_ms, struct store_pg **c_r,
                     struct hd_error *err);
void store_pg_close(struct store_pg *c);
/* Sets lock_timeout; 0 puts back the connection's own after a longer
 * wait (migrations). */
void store_pg_set_busy_timeout(struct store_pg *c, int busy_ms);

/* A statement for sql, prepared on first use on this connection (and
 * again after a reconnect); a prepare failure of our own SQL aborts. */
struct store_pgq *store_pg_stmt(struct store_pg *c, const char *sql);
void store_pg_free(struct store_pgq *q);
/* Ends the run and drops the bindings. */
void store_pg_clear(struct store_pgq *q);

/* Binds parameter i (from 1): NULL v for SQL NULL; text is copied;
 * binary (blobs) is not copied and must live until the reset. */
int store_pg_bind(struct store_pgq *q, int i, const char *v, size_t n,
                  bool binary);
int store_pg_param_count(struct store_pgq *q);

int store_pg_step(struct store_pgq *q);
void store_pg_reset(struct store_pgq *q);

/* Column i of the current row: text, or the decoded bytes of a bytea;
 * NULL for SQL NULL.  *n_r (may be NULL) gets the length. */
const char *store_pg_col(struct store_pgq *q, int i, size_t *n_r);
enum store_coltype store_pg_col_type(struct store_pgq *q, int i);
int store_pg_col_count(struct store_pgq *q);
const char *store_pg_col_name(struct store_pgq *q, int i);

int64_t store_pg_changes(struct store_pg *c);
bool store_pg_in_tx(struct store_pg *c);
int store_pg_exec(struct store_pg *c, const char *sql, struct hd_error *err);
/* Maps the last error (its SQLSTATE) into err; returns -1. */
int store_pg_fail(struct store_pg *c, struct hd_error *err);
/* The server's version string, e.g. "15.10"; "" when unknown. */
const char *store_pg_server_version(struct store_pg *c);

#endif
