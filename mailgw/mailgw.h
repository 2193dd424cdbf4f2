/* mailgw.h - the helpdesk-mailgw program: subcommands parse, deliver,
 * import, fetch. */
#ifndef MG_MAILGW_H
#define MG_MAILGW_H

/* Runs the program; returns the exit status (75 = EX_TEMPFAIL). */
int mg_main(int argc, char **argv);

#endif
