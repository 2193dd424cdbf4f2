/* cli_calendar.h - `helpdesk calendar ...`: holidays, opening questions,
 * due times and the stored closures, from the command line.  Kept apart
 * from cli.c so it needs nothing but a store and a calendar. */
#ifndef HD_CLI_CALENDAR_H
#define HD_CLI_CALENDAR_H

struct hd_store;
struct hd_calendar;

/* Runs one calendar command and returns the exit status (exitcode.h; a
 * bad command line is HD_EXIT_CAL_USAGE).  argv[0] is
 * "calendar" (optional), then the verb and its arguments:
 *   holidays YEAR [--json]       Japanese holidays, one per line
 *                                ("2026-01-01 元日 New Year's Day") or a
 *                                JSON array of {date, name_ja, name_en}
 *   is-open TIME                 "open" (0) or "closed (reason)" (1)
 *   next-open TIME               first open instant, RFC 3339
 *   add-business-minutes TIME N  due time, RFC 3339
 *   business-minutes TIME TIME   open minutes between two instants
 *   closures                     stored closures, one per line
 *   add-closure FROM TO NAME     stores a closure (dates YYYY-MM-DD)
 *   delete-closure ID            removes one
 *   import FILE.ics              stores every event of the file as a
 *                                closure, all or nothing, prints the count
 * TIME is RFC 3339 ("2026-12-25T18:59:00+09:00") or "now"; output times
 * are in the calendar's zone.  st may be NULL for the pure calculations;
 * the closure commands then fail with a usage error.  Output goes to
 * stdout, errors to stderr. */
int hd_cli_calendar(struct hd_store *st, struct hd_calendar *cal, int argc,
                    char **argv);

#endif
