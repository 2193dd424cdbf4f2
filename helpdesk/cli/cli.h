/* cli.h - the `helpdesk` command line (admin CLI and worker). */
#ifndef HD_CLI_H
#define HD_CLI_H

#include <stddef.h>

struct hd_cli;

/* One subcommand.  The core's commands live in cli.c; programs add the
 * ones built from other parts (the worker and rule tester need the mail
 * code) through hd_cli_main's extra table. */
struct hd_cli_command {
    const char *name;
    int (*run)(struct hd_cli *cli, int argc, char **argv);
    const char *help;
};

/* Runs the CLI; returns the process exit status (see cli.c). */
int hd_cli_main(int argc, char **argv, const struct hd_cli_command *extra,
                size_t n_extra);

#endif
