/* cli_opts.c - what every core `helpdesk` command accepts: one table per
 * command (subcommands as "queue add" entries), checked by cli.c before
 * the command runs, and the source of `--help`, helpdesk(8) and the bash
 * completion.  A command that reads an option not declared here aborts
 * (hd_cli_opt), so the tables cannot fall behind the code. */
#include "cli_opts.h"

#include <stddef.h>

const struct hd_opt hd_cli_globals[] = {
    {"--data", "DIR", "the instance's data directory (else HELPDESK_DATA)"},
    {"--profile", "dev|test|prod",
     "refuse a database stamped with another profile (else "
     "HELPDESK_PROFILE)"},
    {NULL}};

const struct hd_opt hd_cli_common[] = {
    {"--json", NULL, "print JSON instead of text"},
    {NULL}};

#define STATUS_HELP "new, open, pending, resolved or closed"

const struct hd_optcmd hd_cli_config_opts[] = {
    {"config sample", NULL, "print every setting with its default, commented",
     NULL},
    {"config check", NULL,
     "check the instance's helpdesk.conf (errors name file, line and key)",
     NULL},
    {NULL}};

const struct hd_optcmd hd_cli_calendar_opts[] = {
    {"calendar holidays", "YEAR", "Japanese public holidays of YEAR", NULL},
    {"calendar is-open", "[TIME|now]",
     "exit 0 when the desk is open at TIME (default: now), 1 when closed",
     NULL},
    {"calendar next-open", "[TIME|now]",
     "the next opening at or after TIME (default: now)", NULL},
    {"calendar add-business-minutes", "TIME MINUTES",
     "TIME plus MINUTES of business time", NULL},
    {"calendar business-minutes", "FROM TO",
     "business minutes between FROM and TO", NULL},
    {"calendar closures", NULL, "stored closures (needs --data)", NULL},
    {"calendar add-closure", "FIRST LAST NAME",
     "close the desk from FIRST to LAST (dates)", NULL},
    {"calendar delete-closure", "ID", "remove a closure", NULL},
    {"calendar import", "FILE.ics", "add the all-day events of FILE as "
     "closures", NULL},
    {NULL}};

const struct hd_optcmd hd_cli_init_opts[] = {
    {"init", NULL,
     "create an instance: DIR/helpdesk.conf, DIR/helpdesk.db and the backup "
     "key DIR.backup-key (keep a copy off this machine)",
     HD_OPTS({"--profile", "dev|test|prod",
              "stamp the database with this profile (default dev)"},
             {"--store", "postgresql://...",
              "keep the store in this PostgreSQL database instead of "
              "DIR/helpdesk.db (written to helpdesk.conf as store.url)"})},
    {NULL}};

const struct hd_optcmd hd_cli_user_opts[] = {
    {"user add", NULL, "add an agent or admin; the password is read from "
     "stdin",
     HD_OPTS({"--email", "EMAIL", "sign-in address (required)"},
             {"--name", "NAME", "display name (required)"},
             {"--role", "admin|agent|viewer", "role (required)"},
             {"--queues", "Q1,Q2", "queues granted (default: all)"},
             {"--no-password", NULL, "no password: sign-in by other means"})},
    {"user list", NULL, "every user", NULL},
    {"user disable", "EMAIL", "disable a user (sessions end)", NULL},
    {"user oncall", "EMAIL on|off",
     "put an agent on call for incident alerts, or take them off", NULL},
    {"user allow-ips", "EMAIL 'CIDR ...'",
     "limit a user's sign-in to these networks ('' removes the list)", NULL},
    {"user review", NULL,
     "record an access review: list accounts unused for report.unused_days",
     NULL},
    {NULL}};

const struct hd_optcmd hd_cli_queue_opts[] = {
    {"queue add", "NAME", "add a queue",
     HD_OPTS({"--address", "ADDR", "mail to this address lands in the "
              "queue"},
             {"--description", "TEXT", "what the queue is for"})},
    {"queue list", NULL, "every queue", NULL},
    {NULL}};

const struct hd_optcmd hd_cli_org_opts[] = {
    {"org add", "NAME", "add a customer organisation",
     HD_OPTS({"--tier", "basic|standard|premium|enterprise",
              "support tier (SLA targets)"},
             {"--domain", "example.com,...",
              "mail domains whose senders belong to it"})},
    {"org list", NULL, "every organisation", NULL},
    {NULL}};

#define TICKET_CHANGE_OPTS                                                   \
    {"--status", "STATUS", STATUS_HELP},                                     \
        {"--priority", "low|normal|high|urgent", "priority"},                \
        {"--category", "incident|general", "category"},                      \
        {"--queue", "QUEUE", "move to this queue"},                          \
        {"--assignee", "EMAIL|none", "assign, or unassign with none"},       \
        {"--as", "EMAIL", "act as this user (default: the system)"}

const struct hd_optcmd hd_cli_ticket_opts[] = {
    {"ticket list", NULL, "tickets, newest first",
     HD_OPTS({"--status", "STATUS|open-any", STATUS_HELP
              "; open-any: not resolved or closed"},
             {"--priority", "PRIORITY", "only this priority"},
             {"--category", "incident|general", "only this category"},
             {"--queue", "QUEUE", "only this queue"},
             {"--tag", "TAG", "only tickets with this tag"},
             {"--limit", "N", "at most N tickets"})},
    {"ticket show", "NUMBER", "one ticket with its messages", NULL},
    {"ticket set", "NUMBER", "change fields of a ticket",
     HD_OPTS(TICKET_CHANGE_OPTS)},
    {"ticket note", "NUMBER", "add an internal note",
     HD_OPTS({"--body-file", "FILE|-", "the note's text (required)"},
             {"--as", "EMAIL", "author (required)"})},
    {"ticket reply", "NUMBER", "reply to the customer by mail",
     HD_OPTS({"--body-file", "FILE|-", "the reply's text (required)"},
             {"--as", "EMAIL", "author (required)"})},
    {"ticket merge", "NUMBER", "merge the ticket into another",
     HD_OPTS({"--into", "NUMBER", "the ticket that stays (required)"},
             {"--as", "EMAIL", "act as this user"})},
    {NULL}};

const struct hd_optcmd hd_cli_faq_opts[] = {
    {"faq add", "FILE", "add an article from SLUG.ja.md or SLUG.en.md "
     "(front matter: title, category, visibility, status)", NULL},
    {"faq edit", "FILE", "replace an article's language version", NULL},
    {"faq list", NULL, "every article", NULL},
    {"faq delete", "SLUG", "delete an article", NULL},
    {"faq import", "DIR", "add or replace every article in DIR", NULL},
    {"faq export", "DIR", "write every article to DIR", NULL},
    {"faq terms", "ja|en FILE", "load search synonyms for a language", NULL},
    {NULL}};

const struct hd_optcmd hd_cli_announce_opts[] = {
    {"announce add", NULL, "show an announcement on the public pages",
     HD_OPTS({"--kind", "maintenance|service-end|status", "kind (required)"},
             {"--title-ja", "TEXT", "Japanese title (required)"},
             {"--title-en", "TEXT", "English title (required)"},
             {"--body-ja", "MARKDOWN", "Japanese body"},
             {"--body-en", "MARKDOWN", "English body"},
             {"--start", "TIME", "shown from (RFC 3339; default now)"},
             {"--end", "TIME", "shown until (RFC 3339)"},
             {"--force", NULL, "accept a window that overlaps another"})},
    {"announce list", NULL, "every announcement", NULL},
    {"announce end", "ID", "end an announcement now", NULL},
    {NULL}};

const struct hd_optcmd hd_cli_demo_opts[] = {
    {"demo", NULL, "fill a dev or test instance with demo organisations, "
     "agents, queues, tickets and FAQ articles",
     HD_OPTS({"--tickets", "N", "how many tickets"},
             {"--messages", "M", "how many messages in all"},
             {"--faq", "DIR", "FAQ articles to load (default: the shipped "
              "demo set)"})},
    {NULL}};

const struct hd_optcmd hd_cli_backup_opts[] = {
    {"backup run", NULL, "take a backup generation now", NULL},
    {"backup list", NULL, "the generations kept", NULL},
    {"backup log", NULL, "backups, verifications and restores done", NULL},
    {"backup verify", "[GEN]",
     "check a generation against its checksums and key (default: the "
     "newest)",
     HD_OPTS({"--all", NULL, "verify every generation"})},
    {"backup restore", "GEN", "restore a generation into a new directory",
     HD_OPTS({"--to", "DIR", "where (required; must not exist)"},
             {"--store", "URL",
              "the empty PostgreSQL database a PostgreSQL instance's "
              "generation goes into (required for one, refused for an "
              "SQLite one)"},
             {"--replace", NULL,
              "with --store: restore into a database that is not empty, "
              "dropping the objects the backup holds first"})},
    {"backup export", "GEN", "a generation as portable JSON",
     HD_OPTS({"--out", "FILE.json", "where (required)"})},
    {NULL}};

const struct hd_optcmd hd_cli_export_opts[] = {
    {"export", NULL, "portable JSON export of the instance",
     HD_OPTS({"--out", "FILE.json|-", "where (required)"},
             {"--org", "ID", "only this organisation's data"})},
    {NULL}};

const struct hd_optcmd hd_cli_import_opts[] = {
    {"import", "FILE.json", "load an export into an empty instance", NULL},
    {NULL}};

const struct hd_optcmd hd_cli_migrate_opts[] = {
    {"migrate", NULL,
     "move the instance's SQLite store into an empty PostgreSQL database "
     "and point helpdesk.conf at it (stop the services first; helpdesk.db "
     "is left as it was)",
     HD_OPTS({"--to", "postgresql://...", "the target database "
              "(required)"})},
    {NULL}};

const struct hd_optcmd hd_cli_erase_opts[] = {
    {"erase", NULL, "erase an organisation, a contact or a ticket for good",
     HD_OPTS({"--org", "ID", "the organisation and everything of it"},
             {"--contact", "ADDRESS", "one contact and their messages"},
             {"--ticket", "N", "one ticket"},
             {"--yes", NULL, "really erase"},
             {"--dry-run", NULL, "only count what would go"})},
    {NULL}};

const struct hd_optcmd hd_cli_blobs_opts[] = {
    {"blobs status", NULL, "how attachments and raw mail are stored at rest",
     HD_OPTS({"--root", "DIR", "read /proc and /sys under DIR instead of "
              "/ (tests)"})},
    {"blobs encrypt", NULL, "seal every plaintext blob (safe to rerun)",
     NULL},
    {"blobs key", NULL, "create the data key if there is none, print its id",
     NULL},
    {"blobs cat", "SHA256", "write a blob's bytes (decrypted) to stdout",
     NULL},
    {NULL}};

const struct hd_optcmd hd_cli_verify_opts[] = {
    {"verify", NULL, "re-hash every blob, check the audit chain and the "
     "database", NULL},
    {NULL}};

const struct hd_optcmd hd_cli_report_opts[] = {
    {"report availability", NULL, "uptime of the service from heartbeats "
     "and outages",
     HD_OPTS({"--year", "YYYY", "one calendar year"},
             {"--days", "N", "the last N days (default 30)"})},
    {"report checklist", NULL, "the operations checklist, each item with "
     "its evidence",
     HD_OPTS({"--lang", "ja|en", "language of the report"},
             {"--html", NULL, "an HTML page instead of text"})},
    {NULL}};

const struct hd_optcmd hd_cli_outage_opts[] = {
    {"outage add", NULL, "record an outage of the service",
     HD_OPTS({"--start", "TIME", "start (RFC 3339; required)"},
             {"--end", "TIME", "end (RFC 3339; required)"},
             {"--cause", "TEXT", "what happened (required)"},
             {"--planned", NULL, "a planned maintenance window"})},
    {"outage list", NULL, "recorded outages",
     HD_OPTS({"--year", "YYYY", "one calendar year"},
             {"--days", "N", "the last N days"})},
    {NULL}};

const struct hd_optcmd hd_cli_token_opts[] = {
    {"token add", NULL, "create an API token (printed once)",
     HD_OPTS({"--user", "EMAIL", "the token acts as this user (required)"},
             {"--scope", "read|write|admin", "what it may do (required)"},
             {"--expires-days", "N", "expiry in days"},
             {"--allow-ips", "CIDRS", "only from these networks"})},
    {"token list", NULL, "every token (never the secret)", NULL},
    {"token revoke", "ID", "revoke a token", NULL},
    {NULL}};

const struct hd_optcmd hd_cli_webhook_opts[] = {
    {"webhook add", "URL", "send ticket events to URL",
     HD_OPTS({"--events", "created,updated,sla_breached",
              "events sent (required)"},
             {"--secret-file", "FILE", "HMAC signing secret (required)"})},
    {"webhook list", NULL, "every webhook", NULL},
    {NULL}};

const struct hd_optcmd hd_cli_canned_opts[] = {
    {"canned add", NULL, "add a canned response",
     HD_OPTS({"--name", "NAME", "name (required)"},
             {"--lang", "ja|en", "language (required)"},
             {"--body-file", "FILE|-", "the text (required)"},
             {"--shortcut", "S", "short name to insert it by"},
             {"--category", "C", "category"})},
    {"canned list", NULL, "every canned response", NULL},
    {"canned delete", "ID", "delete a canned response", NULL},
    {NULL}};

const struct hd_optcmd hd_cli_version_opts[] = {
    {"version", NULL, "print the version and schema", NULL},
    {NULL}};
