/* cli_attach.h - `helpdesk attachments ...` (see cli_attach.c). */
#ifndef MG_CLI_ATTACH_H
#define MG_CLI_ATTACH_H

#include "cli_int.h"

int mg_cli_attachments(struct hd_cli *cli, int argc, char **argv);

#endif
