/* cli_rule.h - `helpdesk rule ...` (see cli_rule.c). */
#ifndef MG_CLI_RULE_H
#define MG_CLI_RULE_H

#include "cli_int.h"

int mg_cli_rule(struct hd_cli *cli, int argc, char **argv);

#endif
