/* main.c - the `helpdesk` admin CLI and worker.  The core's commands are
 * in cli.c; the ones built from the mail code are added here, where every
 * library is linked. */
#include "cli.h"
#include "hd.h"
#include "cli_attach.h"
#include "cli_rule.h"
#include "cmd_worker.h"

static const struct hd_cli_command extra[] = {
    {"worker", mg_cli_worker,
     "background jobs: outbox, SLA escalation, backups [--once]"},
    {"rule", mg_cli_rule, "routing rules: rule add|list|test|delete"},
    {"attachments", mg_cli_attachments,
     "attachment storage and scanning: usage|quota|purge|scan"},
};

int main(int argc, char **argv)
{
    return hd_cli_main(argc, argv, extra, HD_ARRAY_LEN(extra));
}
