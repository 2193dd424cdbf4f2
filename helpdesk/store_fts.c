/* store_fts.c - the "cjkbigram" FTS5 tokenizer (placeholder until the
 * search module lands: registers nothing). */
#include "store_int.h"

int store_fts_register(sqlite3 *db)
{
    (void)db;
    return SQLITE_OK;
}
