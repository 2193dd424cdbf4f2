/* mailgw_cli.c - `helpdesk-mailgw [--data DIR] [--profile P] SUBCOMMAND`:
 * global options, the subcommand table, and `parse` (one message in, one
 * JSON object out).  deliver/import/fetch live in their own files. */
#include "mailgw.h"

#include "exitcode.h"
#include "instance.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "hd.h"
#include "mailjson.h"
#include "parse.h"

#define READ_CHUNK 65536

static int cmd_version(int argc, char **argv, const struct mg_globals *g)
{
    (void)argc, (void)argv, (void)g;
    printf("helpdesk-mailgw %s\n", HD_VERSION);
    return 0;
}

static int cmd_help(int argc, char **argv, const struct mg_globals *g);

static const struct {
    const char *name;
    int (*run)(int, char **, const struct mg_globals *);
    const char *help;
} commands[] = {
    {"parse", mg_cmd_parse, "parse FILE|-      print one message as JSON"},
    /* Built by the intake/threading side (see cmd_stubs.c until then). */
    {"deliver", mg_cmd_deliver, "deliver           read one message from stdin (MTA pipe)"},
    {"import", mg_cmd_import, "import PATH...    import mbox/Maildir/.eml files"},
    {"lmtp", mg_cmd_lmtp, "lmtp              serve LMTP on mail.lmtp_socket (MTA hand-off)"},
    {"fetch", mg_cmd_fetch, "fetch [--once]    take mail from the IMAP/POP3 mailbox"},
    {"version", cmd_version, "version           print the version"},
    {"--help", cmd_help, "--help            this text"},
};

static int cmd_help(int argc, char **argv, const struct mg_globals *g)
{
    (void)argc, (void)argv, (void)g;
    printf("usage: helpdesk-mailgw [--data DIR] [--profile P] SUBCOMMAND ...\n");
    for (size_t i = 0; i < HD_ARRAY_LEN(commands); i++)
        printf("  %s\n", commands[i].help);
    return 0;
}

/* Reads a whole file (or stdin for "-") into an exact-size buffer of at
 * most HD_MAIL_MAX bytes.  Returns 0, or an exit status. */
static int read_input(const char *path, char **buf_r, size_t *len_r)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "helpdesk-mailgw: %s: %s\n", path, strerror(errno));
        return HD_EXIT_NOINPUT;
    }
    struct stat st;
    size_t cap = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)
                     ? (size_t)st.st_size + 1 : READ_CHUNK;
    size_t len = 0;
    char *buf = hd_xmalloc(cap);
    int rc = 0;
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = hd_xrealloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len > HD_MAIL_MAX) {
            fprintf(stderr, "helpdesk-mailgw: %s: larger than %u bytes\n",
                    path, HD_MAIL_MAX);
            rc = HD_EXIT_DATAERR;
            break;
        }
        if (n == 0) {
            if (ferror(f)) {
                fprintf(stderr, "helpdesk-mailgw: %s: read error\n", path);
                rc = HD_EXIT_IOERR;
            }
            break;
        }
    }
    if (f != stdin)
        fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    *buf_r = buf;
    *len_r = len;
    return 0;
}

int mg_cmd_parse(int argc, char **argv, const struct mg_globals *g)
{
    (void)g;
    if (argc != 2) {
        fprintf(stderr, "usage: helpdesk-mailgw parse FILE|-\n");
        return HD_EXIT_USAGE;
    }
    char *raw;
    size_t len;
    int rc = read_input(argv[1], &raw, &len);
    if (rc)
        return rc;
    struct hd_arena *a = hd_arena_new();
    struct hd_error err = HD_ERROR_INIT;
    struct mg_mail *m;
    if (mg_parse_message(raw, len, a, &m, &err) < 0) {
        fprintf(stderr, "helpdesk-mailgw: %s\n", err.msg);
        rc = HD_EXIT_DATAERR;
    } else {
        json_t *j = mg_mail_to_json(m);
        if (json_dumpf(j, stdout, JSON_COMPACT) < 0 || putchar('\n') == EOF
            || fflush(stdout) != 0)
            rc = HD_EXIT_IOERR;
        json_decref(j);
    }
    hd_arena_free(&a); /* the record points into raw: free it first */
    free(raw);
    return rc;
}

int mg_main(int argc, char **argv)
{
    struct mg_globals g = {0};
    struct hd_globals hg = {.program = "helpdesk-mailgw"};
    struct hd_error err = HD_ERROR_INIT;
    int i = hd_globals_parse(argc, argv, &hg, &err);
    if (i < 0) {
        fprintf(stderr, "helpdesk-mailgw: %s\n", err.msg);
        return HD_EXIT_USAGE;
    }
    g.data_dir = hg.data_dir;
    g.profile = hg.profile;
    hd_log_set_program("helpdesk-mailgw");
    if (i == argc) {
        cmd_help(0, NULL, &g);
        return HD_EXIT_USAGE;
    }
    for (size_t k = 0; k < HD_ARRAY_LEN(commands); k++)
        if (strcmp(argv[i], commands[k].name) == 0 || (strcmp(argv[i], "-h") == 0
                                                       && commands[k].run == cmd_help))
            return commands[k].run(argc - i, argv + i, &g);
    fprintf(stderr, "helpdesk-mailgw: unknown subcommand '%s' (try --help)\n",
            argv[i]);
    return HD_EXIT_USAGE;
}
