/* mailgw.h - the helpdesk-mailgw program: subcommands parse, deliver,
 * import, fetch, lmtp, dispatched by mg_main() in mailgw_cli.c. */
#ifndef MG_MAILGW_H
#define MG_MAILGW_H

/* Options that come before the subcommand. */
struct mg_globals {
    const char *data_dir; /* --data DIR, or NULL for the configured one */
    const char *profile;  /* --profile P, or NULL */
};

/* Runs the program; returns the exit status (75 = EX_TEMPFAIL). */
int mg_main(int argc, char **argv);

/* Subcommands; argv[0] is the subcommand name.  Each returns an exit
 * status (sysexits.h codes). */
int mg_cmd_parse(int argc, char **argv, const struct mg_globals *g);
int mg_cmd_deliver(int argc, char **argv, const struct mg_globals *g);
int mg_cmd_import(int argc, char **argv, const struct mg_globals *g);
int mg_cmd_fetch(int argc, char **argv, const struct mg_globals *g);
int mg_cmd_lmtp(int argc, char **argv, const struct mg_globals *g);

#endif
