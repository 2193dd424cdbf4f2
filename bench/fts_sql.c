/* fts_sql.c - runs one SQL statement against a help desk database with
 * the "cjkbigram" tokenizer registered, binding the arguments after it as
 * ?1, ?2, ... (integers when they look like one, NULL for NULL), and prints the rows,
 * the time of each of REPEAT runs (env, default 5) and, with PLAN=1, the
 * EXPLAIN QUERY PLAN.  For measuring and explaining the search plans
 * (docs/internals/search.md); not part of any program.
 * build: cc -O2 -Ihelpdesk/store -Ihelpdesk/base bench/fts_sql.c \
 *          build/helpdesk/libhelpdesk_core.a -lsqlite3 -lunistring \
 *          -lcrypto -ljansson -largon2 -lz -lm -lpthread
 * usage: fts_sql DB SQL [ARG...] */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void bind_args(sqlite3_stmt *s, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "NULL") == 0)
            continue; /* left unbound: NULL */
        long long v = strtoll(argv[i], &end, 10);
        if (*argv[i] && *end == '\0')
            sqlite3_bind_int64(s, i + 1, v);
        else
            sqlite3_bind_text(s, i + 1, argv[i], -1, SQLITE_STATIC);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fts_sql DB SQL [ARG...]\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        store_fts_register(db) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], sqlite3_errmsg(db));
        return 1;
    }
    const char *pragmas = getenv("PRAGMAS");
    if (pragmas)
        sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    sqlite3_stmt *s;
    if (getenv("PLAN")) {
        char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", argv[2]);
        if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
            fprintf(stderr, "%s\n", sqlite3_errmsg(db));
            return 1;
        }
        while (sqlite3_step(s) == SQLITE_ROW)
            printf("plan %d %d %s\n", sqlite3_column_int(s, 0),
                   sqlite3_column_int(s, 1),
                   (const char *)sqlite3_column_text(s, 3));
        sqlite3_finalize(s);
        sqlite3_free(q);
    }
    if (sqlite3_prepare_v2(db, argv[2], -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(db));
        return 1;
    }
    int repeat = getenv("REPEAT") ? atoi(getenv("REPEAT")) : 5;
    for (int r = 0; r < repeat; r++) {
        bind_args(s, argc - 3, argv + 3);
        double t0 = now_ms();
        int rows = 0, rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (r == 0 && rows < 3) {
                for (int c = 0; c < sqlite3_column_count(s); c++)
                    printf("%s%s", c ? "|" : "row ",
                           (const char *)sqlite3_column_text(s, c));
                printf("\n");
            }
            rows++;
        }
        if (rc != SQLITE_DONE)
            fprintf(stderr, "%s\n", sqlite3_errmsg(db));
        printf("run %d: %d rows, %.2f ms\n", r, rows, now_ms() - t0);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return 0;
}
