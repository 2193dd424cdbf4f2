/* hdt_scan.c - test tool: scan a file with hd_scan_buffer().
 *
 *   hdt_scan SOCKET FILE      prints "clean", "infected <name>" or
 *                             "error <code>: <msg>"
 *   hdt_scan SOCKET --ping    prints "pong" or the error
 *
 * Exits 0 after an answer from clamd, 75 on a temporary error, 1 else. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "scan.h"

#define TOOL_FILE_MAX (64u * 1024 * 1024)

static int load(const char *path, struct hd_buf *b, struct hd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hd_error_set(err, HD_E_IO, "cannot open %s", path);
        return -1;
    }
    char chunk[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = hd_buf_append(b, chunk, n, err);
    fclose(f);
    return rc;
}

int main(int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (argc != 3) {
        fputs("usage: hdt_scan SOCKET FILE|--ping\n", stderr);
        return 2;
    }
    int rc;
    enum hd_scan_result r = HD_SCAN_ERROR;
    char name[128];
    if (strcmp(argv[2], "--ping") == 0) {
        rc = hd_scan_ping(argv[1], &err);
        if (rc == 0)
            puts("pong");
    } else {
        struct hd_buf b;
        hd_buf_init(&b, TOOL_FILE_MAX);
        rc = load(argv[2], &b, &err);
        if (rc == 0)
            rc = hd_scan_buffer(argv[1], b.data ? b.data : "", b.len, name,
                                sizeof name, &r, &err);
        hd_buf_deinit(&b);
        if (rc == 0 && r == HD_SCAN_CLEAN)
            puts("clean");
        else if (rc == 0 && r == HD_SCAN_INFECTED)
            printf("infected %s\n", name);
        else if (rc == 0)
            printf("error %s: %s\n", hd_errcode_name(err.code), err.msg);
    }
    if (rc == 0)
        return 0;
    printf("error %s: %s\n", hd_errcode_name(err.code), err.msg);
    return hd_error_is_temporary(&err) ? 75 : 1;
}
