/* exitcode.h - the exit statuses of every program and command, in one
 * place: sysexits.h numbers where one fits, so scripts and the MTA can
 * tell "no" from "broken" from "try again" (an MTA retries on 75).
 *
 * Plain #defines and no includes: the static launcher
 * (mailgw/in/launcher/launcher.c) uses it without linking anything. */
#ifndef HD_EXITCODE_H
#define HD_EXITCODE_H

#define HD_EXIT_OK 0
#define HD_EXIT_NO 1          /* a negative answer (is-open: closed) */
#define HD_EXIT_CAL_USAGE 2   /* `helpdesk calendar`'s bad command line */
#define HD_EXIT_USAGE 64      /* EX_USAGE: bad command line */
#define HD_EXIT_DATAERR 65    /* EX_DATAERR: bad input data */
#define HD_EXIT_NOINPUT 66    /* EX_NOINPUT: a named thing does not exist */
#define HD_EXIT_UNAVAILABLE 69 /* EX_UNAVAILABLE: a service refused */
#define HD_EXIT_SOFTWARE 70   /* EX_SOFTWARE: internal error */
#define HD_EXIT_CANTCREAT 73  /* EX_CANTCREAT */
#define HD_EXIT_IOERR 74      /* EX_IOERR */
#define HD_EXIT_TEMPFAIL 75   /* EX_TEMPFAIL: try again later */
#define HD_EXIT_NOPERM 77     /* EX_NOPERM */
#define HD_EXIT_CONFIG 78     /* EX_CONFIG: configuration or profile refused */

#endif
