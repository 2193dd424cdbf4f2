/* cli_int.h - shared by the cli*.c files: the context every subcommand
 * gets, exit codes and small output helpers. */
#ifndef HD_CLI_INT_H
#define HD_CLI_INT_H

#include "arena.h"
#include "exitcode.h"
#include "instance.h"

#include <jansson.h>

struct hd_cli {
    struct hd_globals g;
    struct hd_instance *inst; /* opened on demand by hd_cli_open() */
    struct hd_arena *arena;   /* lives for the whole command */
    bool json;                /* --json anywhere after the subcommand */
};

/* Opens the instance named by the globals once; prints the error and
 * returns an exit status (non-zero) on failure, 0 on success. */
int hd_cli_open(struct hd_cli *cli);
/* Prints "helpdesk: <msg>" to stderr and maps err->code to an exit
 * status. */
int hd_cli_fail(const struct hd_error *err);
/* Prints a usage error and returns HD_EXIT_USAGE. */
int hd_cli_usage(const char *fmt, ...) HD_PRINTF(1, 2);
/* The whole of path ("-": stdin) as an arena string; NULL (message
 * printed) when unreadable or larger than max bytes. */
char *hd_cli_read_text(struct hd_cli *cli, const char *path, size_t max);
/* Prints j (steals the reference) as indented UTF-8 JSON + newline. */
void hd_cli_print_json(json_t *j);
/* "2026-12-25T18:59:00+09:00" in the instance zone, or JSON null for 0. */
json_t *hd_cli_json_time(int64_t t);
/* Value of "--name VALUE" in argv (removed from nothing); NULL if absent. */
const char *hd_cli_opt(int argc, char **argv, const char *name);
bool hd_cli_flag(int argc, char **argv, const char *name);
/* True when argv asks for help (-h/--help). */
bool hd_cli_wants_help(int argc, char **argv);

int hd_cli_cmd_init(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_user(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_queue(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_org(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_ticket(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_demo(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_token(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_webhook(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_canned(struct hd_cli *cli, int argc, char **argv);

/* Ticket to JSON (shared by `ticket list` and `ticket show`). */
json_t *hd_cli_ticket_json(const struct hd_ticket *t);
/* Ticket "NUMBER" or "#NUMBER": 1 found, 0 absent (err says so), -1. */
int hd_cli_ticket_load(struct hd_cli *cli, const char *text,
                       struct hd_ticket *t, struct hd_error *err);
/* cli_access.c: `helpdesk user oncall|allow-ips|review`. */
int hd_cli_user_access(struct hd_cli *cli, int argc, char **argv);
/* cli_ticket_act.c: `helpdesk ticket set|note|reply|merge`. */
int hd_cli_ticket_act(struct hd_cli *cli, int argc, char **argv);

#endif
