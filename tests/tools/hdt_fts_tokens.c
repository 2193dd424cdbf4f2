/* hdt_fts_tokens.c - prints the tokens the "cjkbigram" FTS5 tokenizer
 * (helpdesk/store/store_fts.c) makes of each line of stdin, as indexed
 * documents: "LINE<TAB>POSITION<TAB>TOKEN", lines and positions from 0,
 * in that order.  tests/e2e/pg_fts_tokens.test.sh compares them with
 * what PostgreSQL's hd_fts_tsvector() (schema/pg/0002_faq.sql) makes. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_fts_register(sqlite3 *db); /* store_fts.c, not a public API */

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "hdt_fts_tokens: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

int main(void)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        die(db, "open");
    if (store_fts_register(db) != SQLITE_OK)
        die(db, "register");
    if (sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE d USING fts5(x, "
                     "tokenize='cjkbigram');"
                     "CREATE VIRTUAL TABLE v USING fts5vocab(d, 'instance');",
                     NULL, NULL, NULL) != SQLITE_OK)
        die(db, "create");
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO d(rowid, x) VALUES (?1, ?2)", -1,
                           &ins, NULL) != SQLITE_OK)
        die(db, "prepare");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long no = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            n--;
        sqlite3_bind_int64(ins, 1, no++);
        sqlite3_bind_text(ins, 2, line, (int)n, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            die(db, "insert");
        sqlite3_reset(ins);
    }
    free(line);
    sqlite3_finalize(ins);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT doc, offset, term FROM v "
                           "ORDER BY doc, offset",
                           -1, &q, NULL) != SQLITE_OK)
        die(db, "prepare vocab");
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        printf("%lld\t%lld\t%s\n", (long long)sqlite3_column_int64(q, 0),
               (long long)sqlite3_column_int64(q, 1),
               (const char *)sqlite3_column_text(q, 2));
    if (rc != SQLITE_DONE)
        die(db, "vocab");
    sqlite3_finalize(q);
    sqlite3_close(db);
    return 0;
}
