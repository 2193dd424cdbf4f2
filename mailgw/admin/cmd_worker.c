/* cmd_worker.c - see cmd_worker.h. */
#include "cmd_worker.h"
#include "worker.h"

#include "clock.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int mg_cli_worker(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk worker [--once] [--interval SECONDS]\n"
               "Delivers the outbox, escalates SLA clocks, scans new "
               "attachments, records heartbeats, runs the daily "
               "backup and prunes logs older than log.retention_days.\n");
        return HD_EXIT_OK;
    }
    bool once = hd_cli_flag(argc, argv, "--once");
    const char *iv = hd_cli_opt(argc, argv, "--interval");
    unsigned interval = iv ? (unsigned)strtoul(iv, NULL, 10)
                           : MG_WORKER_INTERVAL;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    mg_worker_catch_signals();
    do {
        hd_clock_reload();
        if (mg_worker_tick(cli->inst, &err) < 0) {
            hd_err("worker", "tick_failed", "error=\"%s\"", err.msg);
            if (once)
                return hd_cli_fail(&err);
        }
        for (unsigned s = 0; !once && !mg_worker_stopping() && s < interval; s++)
            sleep(1);
    } while (!once && !mg_worker_stopping());
    return HD_EXIT_OK;
}
