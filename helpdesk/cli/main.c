/* main.c - the `helpdesk` admin CLI and worker.  The core's commands are
 * in cli.c; the ones built from the mail code are added here, where every
 * library is linked, each with its option table (opt.h). */
#include "cli.h"
#include "cli_opts.h"
#include "hd.h"
#include "cli_attach.h"
#include "cli_rule.h"
#include "cmd_worker.h"

static const struct hd_optcmd worker_opts[] = {
    {"worker", NULL, "background jobs: delivers the outbox, escalates SLA "
     "clocks, scans new attachments, records heartbeats, runs the daily "
     "backup and prunes logs older than log.retention_days",
     HD_OPTS({"--once", NULL, "one round, then exit"},
             {"--interval", "SECONDS", "pause between rounds"})},
    {NULL}};

static const struct hd_optcmd rule_opts[] = {
    {"rule add", NULL, "add a routing rule.  Fields: to envelope from "
     "from_domain org tier subject body text header:NAME hours channel auto "
     "bounce; ops: = != ~ ~any in =~; actions: queue category priority "
     "assign tag",
     HD_OPTS({"--name", "NAME", "the rule's name (required)"},
             {"--if", "'FIELD OP VALUE'", "a condition (repeat: all must "
              "hold)"},
             {"--then", "ACTION=VALUE", "an action (repeat for more)"},
             {"--stop", NULL, "no later rule runs after this one"},
             {"--position", "P", "place in the order (default: last)"})},
    {"rule list", NULL, "every rule in order", NULL},
    {"rule test", "FILE.eml", "what the rules would do with a message",
     HD_OPTS({"--recipient", "ADDR", "the envelope recipient"})},
    {"rule delete", "ID", "delete a rule", NULL},
    {NULL}};

static const struct hd_optcmd attach_opts[] = {
    {"attachments usage", NULL, "storage used per organisation", NULL},
    {"attachments quota", "BYTES|default", "set an organisation's quota",
     HD_OPTS({"--org", "ID", "the organisation (required)"})},
    {"attachments purge", NULL, "delete an organisation's old attachments",
     HD_OPTS({"--org", "ID", "the organisation (required)"},
             {"--older-than", "DAYS", "age (required)"},
             {"--yes", NULL, "really delete"},
             {"--dry-run", NULL, "only count"})},
    {"attachments scan", NULL, "scan unscanned attachments with clamd "
     "(exit 75 when clamd cannot be reached)",
     HD_OPTS({"--retry-noted", NULL, "also those a scan could not finish"})},
    {NULL}};

static const struct hd_cli_command extra[] = {
    {"worker", mg_cli_worker,
     "background jobs: outbox, SLA escalation, backups [--once]",
     worker_opts},
    {"rule", mg_cli_rule, "routing rules: rule add|list|test|delete",
     rule_opts},
    {"attachments", mg_cli_attachments,
     "attachment storage and scanning: usage|quota|purge|scan", attach_opts},
};

int main(int argc, char **argv)
{
    return hd_cli_main(argc, argv, extra, HD_ARRAY_LEN(extra));
}
