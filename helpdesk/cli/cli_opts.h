/* cli_opts.h - the option tables of the core's `helpdesk` commands (see
 * opt.h): what each command accepts, which the parser checks before the
 * command runs and the manual page and completion are made from. */
#ifndef HD_CLI_OPTS_H
#define HD_CLI_OPTS_H

#include "opt.h"

/* Wraps an option list in a {NULL}-terminated static array. */
#define HD_OPTS(...) ((const struct hd_opt[]){__VA_ARGS__, {NULL}})
/* Wraps command entries in a {NULL}-terminated static array. */
#define HD_OPTCMDS(...) ((const struct hd_optcmd[]){__VA_ARGS__, {NULL}})

/* The global options (before the command) and the common ones (after
 * any command). */
extern const struct hd_opt hd_cli_globals[];
extern const struct hd_opt hd_cli_common[];

extern const struct hd_optcmd hd_cli_config_opts[], hd_cli_calendar_opts[],
    hd_cli_init_opts[], hd_cli_user_opts[], hd_cli_queue_opts[],
    hd_cli_org_opts[], hd_cli_ticket_opts[], hd_cli_faq_opts[],
    hd_cli_announce_opts[], hd_cli_demo_opts[], hd_cli_backup_opts[],
    hd_cli_export_opts[], hd_cli_import_opts[], hd_cli_migrate_opts[],
    hd_cli_erase_opts[],
    hd_cli_blobs_opts[],
    hd_cli_verify_opts[], hd_cli_report_opts[], hd_cli_outage_opts[],
    hd_cli_token_opts[], hd_cli_webhook_opts[], hd_cli_canned_opts[],
    hd_cli_version_opts[];

#endif
