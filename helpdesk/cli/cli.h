/* cli.h - the `helpdesk` command line (admin CLI and worker). */
#ifndef HD_CLI_H
#define HD_CLI_H

#include "opt.h"

#include <stddef.h>

struct hd_cli;

/* One command.  The core's commands live in cli.c; programs add the
 * ones built from other parts (the worker and rule tester need the mail
 * code) through hd_cli_main's extra table.  opts declares everything the
 * command accepts (opt.h): one entry named like the command, or one per
 * subcommand ("rule add"); cli.c refuses anything else before run is
 * called, and answers --help from it.  NULL: no options at all. */
struct hd_cli_command {
    const char *name;
    int (*run)(struct hd_cli *cli, int argc, char **argv);
    const char *help;
    const struct hd_optcmd *opts; /* ends with {NULL} */
};

/* Runs the CLI; returns the process exit status (see cli.c). */
int hd_cli_main(int argc, char **argv, const struct hd_cli_command *extra,
                size_t n_extra);

#endif
