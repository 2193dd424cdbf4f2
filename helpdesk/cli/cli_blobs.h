/* cli_blobs.h - `helpdesk blobs status|encrypt|key`: how attachments and
 * raw mail are stored at rest (atrest.h) and sealing the old ones. */
#ifndef HD_CLI_BLOBS_H
#define HD_CLI_BLOBS_H

#include "cli_int.h"

int hd_cli_cmd_blobs(struct hd_cli *cli, int argc, char **argv);

#endif
