/* cmd_worker.h - `helpdesk worker [--once]`: runs mg_worker_tick
 * (worker.h) every interval until SIGTERM. */
#ifndef MG_CMD_WORKER_H
#define MG_CMD_WORKER_H

#include "cli_int.h"

int mg_cli_worker(struct hd_cli *cli, int argc, char **argv);

#endif
