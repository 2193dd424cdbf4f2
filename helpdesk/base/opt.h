/* opt.h - the command lines of all three programs, declared as tables
 * and checked strictly.  A program is a table of commands ("queue add",
 * "init", "" for a program without commands); a command is its
 * positional synopsis, a help line and a table of options.  Everything a
 * user can type is in those tables, so the same tables give the check
 * (an unknown option or a missing value is refused, never ignored), the
 * usage text, the COMMANDS section of the manual page and the bash
 * completion.  Knows nothing about what the commands do.
 *
 * The check does not consume anything: commands still read their
 * options out of argv after it has passed. */
#ifndef HD_OPT_H
#define HD_OPT_H

#include "hd.h"

#include <stdbool.h>
#include <stdio.h>

struct hd_opt {
    const char *name; /* "--address" */
    const char *arg;  /* the value's name ("ADDR"); NULL: a flag */
    const char *help; /* one line */
};

struct hd_optcmd {
    const char *name;          /* "queue add", "init"; "": the program */
    const char *args;          /* positional synopsis ("NAME"), or NULL */
    const char *help;          /* one line */
    const struct hd_opt *opts; /* ends with {NULL}; NULL: no options */
};

struct hd_optprog {
    const char *name;             /* "helpdesk" */
    const struct hd_opt *globals; /* before the command (--data DIR) */
    const struct hd_opt *common;  /* after any command (--json), or NULL */
    const struct hd_optcmd *cmds;
    size_t n_cmds;
};

/* Edit distance for "did you mean": the candidate of cands (n entries)
 * nearest to word when close enough to be a typo (at most 2 edits, and
 * fewer than half of word), else NULL. */
const char *hd_opt_nearest(const char *word, const char *const *cands,
                           size_t n);

/* The command argv (after the global options) names: 1 found (*cmd_r,
 * *words_r = 1 or 2 words used), 0 when argv names a group without one
 * of its subcommands and asks for help or gives none (*cmd_r = the
 * group's first command, *words_r = 1), -1 unknown (err says what, with
 * the nearest name). */
int hd_opt_find(const struct hd_optprog *p, int argc, char **argv,
                const struct hd_optcmd **cmd_r, int *words_r,
                struct hd_error *err);

/* Checks argv[from..argc) against cmd's options and the program's common
 * ones: 0 all known, 1 when --help or -h is among them, -1 with err on
 * an unknown option (with the nearest declared one), a value given to a
 * flag, or an option missing its value.  "--" ends the options; "-",
 * "-5" and other words are positional. */
int hd_opt_check(const struct hd_optprog *p, const struct hd_optcmd *cmd,
                 int argc, char **argv, int from, struct hd_error *err);

/* True when cmd (or the program's common table) declares name. */
bool hd_opt_declared(const struct hd_optprog *p, const struct hd_optcmd *cmd,
                     const char *name);

/* "usage: helpdesk queue add NAME [OPTIONS]", the help line and the
 * options, one a line. */
void hd_opt_usage(FILE *f, const struct hd_optprog *p,
                  const struct hd_optcmd *cmd);
/* Every command of cmd's group (all sharing its first word), one
 * synopsis a line. */
void hd_opt_group_usage(FILE *f, const struct hd_optprog *p,
                        const struct hd_optcmd *cmd);

/* The program's commands and options as roff (.SS per command, .TP per
 * option), for the COMMANDS section of its manual page. */
void hd_opt_roff(FILE *f, const struct hd_optprog *p);
/* A bash completion function for the program, registered with
 * `complete -F`. */
void hd_opt_bash(FILE *f, const struct hd_optprog *p);
/* Every command name, one a line (tests walk them). */
void hd_opt_list(FILE *f, const struct hd_optprog *p);

/* The program-level `--help=list|roff|bash` the man pages, the
 * completion and the tests are generated from: 1 and printed when arg
 * is one of those, 0 when arg is something else. */
int hd_opt_dump(const struct hd_optprog *p, const char *arg);

#endif
