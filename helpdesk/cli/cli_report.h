/* cli_report.h - `helpdesk report availability|checklist` and
 * `helpdesk outage add|list`. */
#ifndef HD_CLI_REPORT_H
#define HD_CLI_REPORT_H

#include "cli_int.h"

int hd_cli_cmd_report(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_outage(struct hd_cli *cli, int argc, char **argv);

#endif
