/* store_sqlite.h - for the store files that use what only SQLite has
 * (the search tokenizer, backups by page copy, WAL checkpoints, the
 * counts cache's hooks, the bulk authorizer).  Each checks
 * store_backend() first: on another backend store_db() is NULL. */
#ifndef HD_STORE_SQLITE_H
#define HD_STORE_SQLITE_H

#include "store_int.h"

#include <sqlite3.h>

/* The SQLite connection of st; NULL on another backend. */
sqlite3 *store_db(struct hd_store *st);

/* Registers the "cjkbigram" FTS5 tokenizer on a connection (store_fts.c). */
int store_fts_register(sqlite3 *db);

/* Installs the hooks that let the queue counts cache (store_count.c) see
 * this connection's ticket changes; *dirty lives as long as db. */
void store_count_watch(sqlite3 *db, bool *dirty);

#endif
