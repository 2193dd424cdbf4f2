/* hdt_fts_tokens.c - the SQLite side of tests/e2e/pg_fts_tokens.test.sh.
 *
 *   hdt_fts_tokens < DOCS
 *       the tokens the "cjkbigram" FTS5 tokenizer (store_fts.c) makes of
 *       each line as an indexed document: "LINE<TAB>POSITION<TAB>TOKEN",
 *       from 0, in that order (PostgreSQL: hd_fts_tsvector());
 *   hdt_fts_tokens --match FLAGS QUERIES < DOCS
 *       for each line of QUERIES, hd_fts_query_build(line, FLAGS) as FTS5
 *       MATCH over the documents: "QUERY<TAB>DOC" per match;
 *   hdt_fts_tokens --tsquery FLAGS < QUERIES
 *       "QUERY<TAB>TSQUERY" per line (the same builder, HD_FTS_Q_TSQUERY
 *       added), for PostgreSQL to run the same searches. */
#include "store_fts_query.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_fts_register(sqlite3 *db); /* store_fts.c, not a public API */

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "hdt_fts_tokens: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

/* The query of line q (NULL: nothing searchable). */
static char *query_of(const char *q, unsigned flags, struct hd_arena *a)
{
    struct hd_error err = HD_ERROR_INIT;
    char *out = NULL;
    int rc = hd_fts_query_build(q, flags, a, &out, &err);
    if (rc < 0) {
        fprintf(stderr, "hdt_fts_tokens: %s: %s\n", q, err.msg);
        exit(1);
    }
    return rc == 0 ? NULL : out;
}

static int tsquery_mode(unsigned flags)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long no = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
        struct hd_arena *a = hd_arena_new();
        char *q = query_of(line, flags | HD_FTS_Q_TSQUERY, a);
        if (q != NULL)
            printf("%ld\t%s\n", no, q);
        no++;
        hd_arena_free(&a);
    }
    free(line);
    return 0;
}

static void match_mode(sqlite3 *db, unsigned flags, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM d WHERE d MATCH ?1 "
                               "ORDER BY rowid", -1, &s, NULL) != SQLITE_OK)
        die(db, "prepare match");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long no = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
        struct hd_arena *a = hd_arena_new();
        char *q = query_of(line, flags, a);
        if (q != NULL) {
            sqlite3_bind_text(s, 1, q, -1, SQLITE_STATIC);
            int rc;
            while ((rc = sqlite3_step(s)) == SQLITE_ROW)
                printf("%ld\t%lld\n", no,
                       (long long)sqlite3_column_int64(s, 0));
            if (rc != SQLITE_DONE)
                die(db, q);
            sqlite3_reset(s);
        }
        no++;
        hd_arena_free(&a);
    }
    free(line);
    fclose(f);
    sqlite3_finalize(s);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--tsquery") == 0)
        return tsquery_mode((unsigned)atoi(argv[2]));
    bool match = argc == 4 && strcmp(argv[1], "--match") == 0;
    if (argc != 1 && !match) {
        fprintf(stderr, "usage: hdt_fts_tokens [--match FLAGS QUERIES | "
                        "--tsquery FLAGS]\n");
        return 2;
    }
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
    if (match) {
        match_mode(db, (unsigned)atoi(argv[2]), argv[3]);
        sqlite3_close(db);
        return 0;
    }
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
