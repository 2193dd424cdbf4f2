/* hdt_store.c - drives one store connection from lines on stdin, for the
 * e2e tests of the store's engines (tests/e2e/pg_driver.test.sh): what a
 * transaction keeps after a failed statement, what a lost server does to
 * a connection and to the transaction it was in.
 *
 *   hdt_store PATH_OR_URL
 *   begin | read | commit | rollback | set KEY VALUE | get KEY |
 *   queue NAME | version | backend | wait (reads one more line: a pause the
 *   script fills, e.g. while it restarts the server)
 *
 * Prints one line per command: "ok [VALUE]", "none", or "err NAME: msg". */
#include "store.h"

#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void report(int rc, struct hd_error *err)
{
    if (rc < 0)
        printf("err %s: %s\n", hd_errcode_name(err->code), err->msg);
    else
        printf("ok\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: hdt_store PATH_OR_URL\n");
        return 64;
    }
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    if (hd_store_open(argv[1], HD_STORE_CREATE, 2000, &st, &err) < 0) {
        printf("err %s: %s\n", hd_errcode_name(err.code), err.msg);
        return 1;
    }
    char line[1024];
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *arg = strchr(line, ' ');
        if (arg != NULL)
            *arg++ = '\0';
        char *arg2 = arg ? strchr(arg, ' ') : NULL;
        if (arg2 != NULL)
            *arg2++ = '\0';
        hd_error_clear(&err);
        if (strcmp(line, "begin") == 0) {
            report(hd_store_begin(st, &err), &err);
        } else if (strcmp(line, "read") == 0) {
            report(hd_store_read_begin(st, &err), &err);
        } else if (strcmp(line, "commit") == 0) {
            report(hd_store_commit(st, &err), &err);
        } else if (strcmp(line, "rollback") == 0) {
            hd_store_rollback(st);
            hd_store_read_end(st);
            report(0, &err);
        } else if (strcmp(line, "set") == 0 && arg2 != NULL) {
            report(hd_store_meta_set(st, arg, arg2, &err), &err);
        } else if (strcmp(line, "get") == 0 && arg != NULL) {
            struct hd_arena *a = hd_arena_new();
            char *v = NULL;
            int rc = hd_store_meta_get(st, arg, a, &v, &err);
            if (rc > 0)
                printf("ok %s\n", v);
            else if (rc == 0)
                printf("none\n");
            else
                printf("err %s: %s\n", hd_errcode_name(err.code), err.msg);
            fflush(stdout);
            hd_arena_free(&a);
        } else if (strcmp(line, "queue") == 0 && arg != NULL) {
            int64_t id = 0;
            report(hd_store_queue_add(st, arg, NULL, NULL, &id, &err), &err);
        } else if (strcmp(line, "version") == 0) {
            printf("ok %d\n", hd_store_schema_version(st));
            fflush(stdout);
        } else if (strcmp(line, "backend") == 0) {
            printf("ok %s\n", hd_store_is_pg(st) ? "postgresql" : "sqlite");
            fflush(stdout);
        } else if (strcmp(line, "wait") == 0) {
            printf("waiting\n");
            fflush(stdout);
            if (fgets(line, sizeof line, stdin) == NULL)
                break;
            printf("ok\n");
            fflush(stdout);
        } else {
            printf("err usage: %s\n", line);
            fflush(stdout);
        }
    }
    hd_store_close(&st);
    return 0;
}
