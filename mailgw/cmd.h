/* cmd.h - the subcommands of helpdesk-mailgw beyond `parse`. */
#ifndef MG_CMD_H
#define MG_CMD_H

#include "instance.h"

/* Each returns the process exit status. */
int mg_cmd_deliver(int argc, char **argv, const struct hd_globals *g);
int mg_cmd_import(int argc, char **argv, const struct hd_globals *g);

#endif
