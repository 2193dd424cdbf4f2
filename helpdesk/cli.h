/* cli.h - the `helpdesk` command line (admin CLI and worker). */
#ifndef HD_CLI_H
#define HD_CLI_H

/* Runs the CLI; returns the process exit status (see cli.c). */
int hd_cli_main(int argc, char **argv);

#endif
