/* cli_data.h - the data-safety commands: backup, export, import, erase,
 * verify, migrate. */
#ifndef HD_CLI_DATA_H
#define HD_CLI_DATA_H

#include "cli_int.h"

int hd_cli_cmd_backup(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_export(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_import(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_erase(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_verify(struct hd_cli *cli, int argc, char **argv);
int hd_cli_cmd_migrate(struct hd_cli *cli, int argc, char **argv);

#endif
