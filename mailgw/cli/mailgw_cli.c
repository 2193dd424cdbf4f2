/* mailgw_cli.c - `helpdesk-mailgw [--data DIR] [--profile P] SUBCOMMAND`:
 * global options, the subcommand table, and `parse` (one message in, one
 * JSON object out).  deliver/import/fetch live in their own files. */
#include "mailgw.h"

#include "exitcode.h"
#include "instance.h"
#include "log.h"
#include "opt.h"

#include <errno.h>
#include <stdint.h>
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

static const struct {
    const char *name;
    int (*run)(int, char **, const struct mg_globals *);
} commands[] = {
    {"parse", mg_cmd_parse},     {"deliver", mg_cmd_deliver},
    {"import", mg_cmd_import},   {"lmtp", mg_cmd_lmtp},
    {"fetch", mg_cmd_fetch},     {"version", cmd_version},
};

/* What every command accepts (opt.h); checked before it runs, and the
 * source of --help, helpdesk-mailgw(8) and the bash completion. */
#define OPTS(...) ((const struct hd_opt[]){__VA_ARGS__, {NULL}})
static const struct hd_optcmd cmd_opts[] = {
    {"parse", "FILE|-", "print one message as JSON (no instance needed)",
     NULL},
    {"deliver", NULL, "read one message from stdin and store it (an MTA "
     "pipe); exit 0 stored durably, 75 try again later",
     OPTS({"--recipient", "ADDR", "the envelope recipient (else "
           "ORIGINAL_RECIPIENT)"})},
    {"import", "MAILDIR|MBOX|FILE.eml", "import existing mail", NULL},
    {"lmtp", NULL, "serve LMTP on mail.lmtp_socket (default "
     "DIR/run/lmtp.sock) until SIGTERM", NULL},
    {"fetch", NULL, "take mail from an IMAP or POP3 mailbox (defaults from "
     "fetch.* in helpdesk.conf)",
     OPTS({"--url", "URL", "imaps://USER@HOST:PORT/MAILBOX, pop3s://..."},
          {"--password-file", "FILE", "the mailbox password"},
          {"--ca-file", "FILE", "trust this CA bundle"},
          {"--once", NULL, "take what is there and exit"})},
    {"version", NULL, "print the version", NULL},
};

static const struct hd_opt globals[] = {
    {"--data", "DIR", "the instance's data directory (else HELPDESK_DATA)"},
    {"--profile", "dev|test|prod", "refuse a database stamped with another "
     "profile"},
    {NULL}};

static const struct hd_optprog prog = {"helpdesk-mailgw", globals, NULL,
                                       cmd_opts, HD_ARRAY_LEN(cmd_opts)};

static void cmd_help(FILE *f)
{
    fprintf(f, "usage: helpdesk-mailgw [--data DIR] [--profile P] "
               "COMMAND ...\n");
    for (size_t i = 0; i < HD_ARRAY_LEN(cmd_opts); i++)
        fprintf(f, "  %-8s %s\n", cmd_opts[i].name, cmd_opts[i].help);
    fprintf(f, "`helpdesk-mailgw COMMAND --help` shows its options.\n");
}

/* Refuses what cmd does not declare: -1 to run it, else an exit
 * status. */
static int check_args(const struct hd_optcmd *cmd, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    int rc = hd_opt_check(&prog, cmd, argc, argv, 1, &err);
    if (rc < 0) {
        hd_opt_usage(stderr, &prog, cmd);
        fprintf(stderr, "helpdesk-mailgw: %s: %s\n", cmd->name, err.msg);
        return HD_EXIT_USAGE;
    }
    if (rc == 1) {
        hd_opt_usage(stdout, &prog, cmd);
        return HD_EXIT_OK;
    }
    return -1;
}

/* Reads a file (or stdin for "-") into an exact-size buffer through
 * deliver's cap: at most HD_MAIL_MAX bytes are kept (never allocated
 * beyond that, whatever the file's size), the rest is cut as deliver cuts
 * it, with a warning.  Returns 0, or an exit status. */
static int read_input(const char *path, char **buf_r, size_t *len_r)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "helpdesk-mailgw: %s: %s\n", path, strerror(errno));
        return HD_EXIT_NOINPUT;
    }
    struct stat st;
    size_t cap = READ_CHUNK;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
        cap = (uint64_t)st.st_size < HD_MAIL_MAX ? (size_t)st.st_size + 1
                                                 : (size_t)HD_MAIL_MAX + 1;
    size_t len = 0;
    char *buf = hd_xmalloc(cap);
    int rc = 0;
    for (;;) {
        if (len == cap) {
            cap = cap > HD_MAIL_MAX / 2 ? (size_t)HD_MAIL_MAX + 1 : cap * 2;
            buf = hd_xrealloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len > HD_MAIL_MAX) {
            fprintf(stderr, "helpdesk-mailgw: %s: larger than %u bytes, "
                    "cut there as deliver cuts it\n", path, HD_MAIL_MAX);
            len = HD_MAIL_MAX;
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
        cmd_help(stderr);
        return HD_EXIT_USAGE;
    }
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
        cmd_help(stdout);
        return HD_EXIT_OK;
    }
    if (hd_opt_dump(&prog, argv[i]))
        return HD_EXIT_OK;
    const struct hd_optcmd *cmd;
    int words;
    if (hd_opt_find(&prog, argc - i, argv + i, &cmd, &words, &err) <= 0) {
        cmd_help(stderr);
        fprintf(stderr, "helpdesk-mailgw: %s\n", err.msg);
        return HD_EXIT_USAGE;
    }
    int rc = check_args(cmd, argc - i, argv + i);
    if (rc >= 0)
        return rc;
    for (size_t k = 0; k < HD_ARRAY_LEN(commands); k++)
        if (strcmp(cmd->name, commands[k].name) == 0)
            return commands[k].run(argc - i, argv + i, &g);
    hd_assert(!"every declared command has a function");
    return HD_EXIT_SOFTWARE;
}
