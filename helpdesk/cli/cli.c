/* cli.c - `helpdesk [--data DIR] [--profile NAME] COMMAND ...`: global
 * options, the command table, and the shared helpers of cli_int.h.  Each
 * command lives in its own cli_<area>.c. */
#include "cli.h"
#include "cli_int.h"
#include "cli_blobs.h"
#include "cli_data.h"
#include "cli_faq.h"
#include "cli_report.h"

#include "cli_calendar.h"
#include "cli_opts.h"
#include "clock.h"
#include "sla.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmd_version(struct hd_cli *cli, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (cli->json) {
        json_t *j = json_pack("{s:s, s:i}", "version", HD_VERSION, "schema",
                              hd_store_schema_latest());
        hd_cli_print_json(j);
    } else {
        printf("helpdesk %s (schema %d)\n", HD_VERSION,
               hd_store_schema_latest());
    }
    return HD_EXIT_OK;
}

/* `helpdesk calendar ...`: with an instance its configured calendar and
 * stored closures; without one the default (Asia/Tokyo, Mon-Fri
 * 10:00-19:00, Japanese holidays, 12/29-1/3). */
static int cmd_calendar(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *cal = NULL;
    struct hd_store *st = NULL;
    int rc;
    if (cli->g.data_dir != NULL) {
        if ((rc = hd_cli_open(cli)) != 0)
            return rc;
        st = hd_instance_store(cli->inst);
        if (hd_business_calendar(cli->inst, st, &cal, &err) < 0)
            return hd_cli_fail(&err);
    } else {
        if (hd_clock_set_zone("Asia/Tokyo", &err) < 0 ||
            (cal = hd_calendar_new_default(&err)) == NULL)
            return hd_cli_fail(&err);
    }
    rc = hd_cli_calendar(st, cal, argc - 1, argv + 1);
    hd_calendar_free(&cal);
    return rc;
}

/* `helpdesk config sample|check`: the commented sample with every key, or
 * a check of an instance's file (errors name file, line and key). */
static int cmd_config(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "sample") == 0) {
        struct hd_buf b;
        hd_buf_init(&b, 1 << 20);
        int rc = hd_config_write_sample(&b, &err);
        if (rc == 0)
            fputs(hd_buf_cstr(&b), stdout);
        hd_buf_deinit(&b);
        return rc == 0 ? HD_EXIT_OK : hd_cli_fail(&err);
    }
    if (strcmp(sub, "check") == 0) {
        int rc = hd_cli_open(cli);
        if (rc == 0)
            printf("configuration OK\n");
        return rc;
    }
    return hd_cli_usage("config: expected sample or check");
}

static const struct hd_cli_command commands[] = {
    {"config", cmd_config, "the configuration: sample | check",
     hd_cli_config_opts},
    {"calendar", cmd_calendar,
     "business calendar: holidays|is-open|next-open|add-business-minutes|"
     "import|closures", hd_cli_calendar_opts},
    {"init", hd_cli_cmd_init, "create an instance", hd_cli_init_opts},
    {"user", hd_cli_cmd_user, "agents and admins: user add|list|disable",
     hd_cli_user_opts},
    {"queue", hd_cli_cmd_queue, "queues: queue add|list", hd_cli_queue_opts},
    {"org", hd_cli_cmd_org, "customer organisations: org add|list",
     hd_cli_org_opts},
    {"ticket", hd_cli_cmd_ticket,
     "tickets: ticket list|show|set|note|reply|merge", hd_cli_ticket_opts},
    {"faq", hd_cli_cmd_faq,
     "FAQ articles: faq add|edit|list|delete|import|export|terms",
     hd_cli_faq_opts},
    {"announce", hd_cli_cmd_announce,
     "site announcements: announce add|list|end", hd_cli_announce_opts},
    {"demo", hd_cli_cmd_demo, "fill a dev instance with demo data",
     hd_cli_demo_opts},
    {"backup", hd_cli_cmd_backup,
     "backups: backup run|list|log|verify|restore|export",
     hd_cli_backup_opts},
    {"export", hd_cli_cmd_export, "portable JSON export",
     hd_cli_export_opts},
    {"import", hd_cli_cmd_import, "load an export into an empty instance",
     hd_cli_import_opts},
    {"migrate", hd_cli_cmd_migrate, "move the store to PostgreSQL",
     hd_cli_migrate_opts},
    {"erase", hd_cli_cmd_erase, "erase an org, contact or ticket for good",
     hd_cli_erase_opts},
    {"blobs", hd_cli_cmd_blobs,
     "attachments and raw mail at rest: blobs status|encrypt|key|cat",
     hd_cli_blobs_opts},
    {"verify", hd_cli_cmd_verify, "check blobs, audit chain and database",
     hd_cli_verify_opts},
    {"report", hd_cli_cmd_report,
     "service reports: report availability|checklist", hd_cli_report_opts},
    {"outage", hd_cli_cmd_outage, "outages of the service: outage add|list",
     hd_cli_outage_opts},
    {"token", hd_cli_cmd_token, "API tokens: token add|list|revoke",
     hd_cli_token_opts},
    {"webhook", hd_cli_cmd_webhook, "outgoing webhooks: webhook add|list",
     hd_cli_webhook_opts},
    {"canned", hd_cli_cmd_canned, "canned responses: canned add|list|delete",
     hd_cli_canned_opts},
    {"version", cmd_version, "print the version", hd_cli_version_opts},
};

/* The command being run, for hd_cli_opt's check that it reads only
 * what the command declares. */
static const struct hd_optprog *cur_prog;
static const struct hd_optcmd *cur_cmd;

static void usage(FILE *f, const struct hd_cli_command *extra, size_t nx)
{
    fprintf(f, "usage: helpdesk [--data DIR] [--profile dev|test|prod] "
               "COMMAND [ARGS] [--json]\n\ncommands:\n");
    for (size_t i = 0; i < HD_ARRAY_LEN(commands); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    for (size_t i = 0; i < nx; i++)
        fprintf(f, "  %-10s %s\n", extra[i].name, extra[i].help);
    fprintf(f, "\n`helpdesk COMMAND --help` shows a command's options.\n"
               "DIR may also come from HELPDESK_DATA.  HELPDESK_NOW (RFC "
               "3339) freezes the clock.\n"
               "Exit: 0 ok, 1 no, 64 usage, 65 bad data, 66 not found, "
               "75 try again, 78 config/profile refused.\n");
}

/* Appends c's option entries (or, when it declares none, one bare entry
 * for it) to out. */
static size_t add_entries(const struct hd_cli_command *c,
                          struct hd_optcmd *out, size_t n)
{
    if (c->opts == NULL) {
        out[n] = (struct hd_optcmd){c->name, NULL, c->help, NULL};
        return n + 1;
    }
    for (const struct hd_optcmd *o = c->opts; o->name != NULL; o++)
        out[n++] = *o;
    return n;
}

/* The whole program's table: the core's commands, then the extra ones. */
static void build_prog(struct hd_arena *a, const struct hd_cli_command *extra,
                       size_t nx, struct hd_optprog *p)
{
    size_t max = 0;
    for (size_t i = 0; i < HD_ARRAY_LEN(commands) + nx; i++) {
        const struct hd_cli_command *c =
            i < HD_ARRAY_LEN(commands) ? &commands[i]
                                       : &extra[i - HD_ARRAY_LEN(commands)];
        max += 1;
        for (const struct hd_optcmd *o = c->opts; o && o->name; o++)
            max++;
    }
    struct hd_optcmd *t = hd_arena_alloc(a, max * sizeof *t);
    size_t n = 0;
    for (size_t i = 0; i < HD_ARRAY_LEN(commands); i++)
        n = add_entries(&commands[i], t, n);
    for (size_t i = 0; i < nx; i++)
        n = add_entries(&extra[i], t, n);
    *p = (struct hd_optprog){"helpdesk", hd_cli_globals, hd_cli_common, t, n};
}

static const struct hd_cli_command *
find_command(const char *name, const struct hd_cli_command *extra, size_t nx)
{
    size_t len = strcspn(name, " ");
    for (size_t i = 0; i < HD_ARRAY_LEN(commands); i++)
        if (strncmp(commands[i].name, name, len) == 0 &&
            commands[i].name[len] == '\0')
            return &commands[i];
    for (size_t i = 0; i < nx; i++)
        if (strncmp(extra[i].name, name, len) == 0 &&
            extra[i].name[len] == '\0')
            return &extra[i];
    return NULL;
}

/* Checks argv[first..] against the tables before anything runs: 0 and
 * *cmd_r to run, or an exit status (help printed, or a refusal with the
 * command's usage). */
static int check_args(const struct hd_optprog *p, int argc, char **argv,
                      int first, const struct hd_optcmd **cmd_r,
                      const struct hd_cli_command *extra, size_t nx)
{
    struct hd_error err = HD_ERROR_INIT;
    const struct hd_optcmd *c = NULL;
    int words = 0;
    if (argv[first][0] == '-') {
        const char *cands[8];
        size_t n = 0;
        for (const struct hd_opt *o = hd_cli_globals; o->name; o++)
            cands[n++] = o->name;
        const char *near = hd_opt_nearest(argv[first], cands, n);
        usage(stderr, extra, nx);
        return near ? hd_cli_usage("unknown option '%s' (did you mean %s?)",
                                   argv[first], near)
                    : hd_cli_usage("unknown option '%s'", argv[first]);
    }
    int found = hd_opt_find(p, argc - first, argv + first, &c, &words, &err);
    if (found < 0) {
        if (c != NULL) /* a group's unknown subcommand */
            hd_opt_group_usage(stderr, p, c);
        else
            usage(stderr, extra, nx);
        return hd_cli_usage("%s", err.msg);
    }
    if (found == 0) {
        bool help = first + 1 < argc;
        hd_opt_group_usage(help ? stdout : stderr, p, c);
        return help ? HD_EXIT_OK
                    : hd_cli_usage("%s: expected a subcommand", argv[first]);
    }
    int rc = hd_opt_check(p, c, argc, argv, first + words, &err);
    if (rc < 0) {
        hd_opt_usage(stderr, p, c);
        return hd_cli_usage("%s: %s", c->name, err.msg);
    }
    if (rc == 1) {
        hd_opt_usage(stdout, p, c);
        return HD_EXIT_OK;
    }
    *cmd_r = c;
    return -1;
}

int hd_cli_main(int argc, char **argv, const struct hd_cli_command *extra,
                size_t n_extra)
{
    struct hd_cli cli = {0};
    struct hd_error err = HD_ERROR_INIT;
    struct hd_optprog prog;
    const struct hd_optcmd *oc = NULL;
    hd_log_set_program("helpdesk");
    cli.g.program = "helpdesk";
    int first = hd_globals_parse(argc, argv, &cli.g, &err);
    if (first < 0)
        return hd_cli_usage("%s", err.msg);
    if (first >= argc || strcmp(argv[first], "--help") == 0 ||
        strcmp(argv[first], "-h") == 0 || strcmp(argv[first], "help") == 0) {
        usage(first >= argc ? stderr : stdout, extra, n_extra);
        return first >= argc ? HD_EXIT_USAGE : HD_EXIT_OK;
    }
    cli.arena = hd_arena_new();
    build_prog(cli.arena, extra, n_extra, &prog);
    int rc = hd_opt_dump(&prog, argv[first]) ? HD_EXIT_OK
             : check_args(&prog, argc, argv, first, &oc, extra, n_extra);
    if (oc != NULL) {
        const struct hd_cli_command *cmd = find_command(oc->name, extra,
                                                        n_extra);
        hd_assert(cmd != NULL);
        cur_prog = &prog;
        cur_cmd = oc;
        cli.json = hd_cli_flag(argc - first, argv + first, "--json");
        rc = cmd->run(&cli, argc - first, argv + first);
        cur_cmd = NULL;
        hd_instance_close(&cli.inst);
    }
    hd_arena_free(&cli.arena);
    return rc;
}

int hd_cli_open(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    if (cli->inst != NULL)
        return 0;
    if (hd_instance_open(&cli->g, 0, &cli->inst, &err) < 0)
        return hd_cli_fail(&err);
    return 0;
}

int hd_cli_fail(const struct hd_error *err)
{
    fprintf(stderr, "helpdesk: %s\n", err->msg);
    switch (err->code) {
    case HD_E_INVAL:
    case HD_E_PARSE:
    case HD_E_TOOBIG:
    case HD_E_EXISTS:
        return HD_EXIT_DATAERR;
    case HD_E_NOTFOUND:
        return HD_EXIT_NOINPUT;
    case HD_E_PERM:
        return HD_EXIT_NOPERM;
    case HD_E_CONFIG:
    case HD_E_PROFILE:
        return HD_EXIT_CONFIG;
    case HD_E_BUSY:
    case HD_E_NOSPACE:
    case HD_E_TEMP:
        return HD_EXIT_TEMPFAIL;
    case HD_E_IO:
        return HD_EXIT_IOERR;
    default:
        return HD_EXIT_SOFTWARE;
    }
}

int hd_cli_usage(const char *fmt, ...)
{
    va_list ap;
    fputs("helpdesk: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return HD_EXIT_USAGE;
}

void hd_cli_print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    hd_assert(s != NULL);
    puts(s);
    free(s);
    json_decref(j);
}

json_t *hd_cli_json_time(int64_t t)
{
    if (t == 0)
        return json_null();
    char buf[32];
    hd_time_format_local(t, buf);
    return json_string(buf);
}

/* A command reading an option its table does not declare is a bug: the
 * check would have refused what the command wants. */
static void assert_declared(const char *name)
{
    if (cur_cmd != NULL && !hd_opt_declared(cur_prog, cur_cmd, name)) {
        fprintf(stderr, "helpdesk: %s reads undeclared option %s\n",
                cur_cmd->name, name);
        abort();
    }
}

const char *hd_cli_opt(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    assert_declared(name);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    }
    return NULL;
}

bool hd_cli_flag(int argc, char **argv, const char *name)
{
    assert_declared(name);
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

bool hd_cli_wants_help(int argc, char **argv)
{
    return hd_cli_flag(argc, argv, "--help") || hd_cli_flag(argc, argv, "-h");
}

/* A new instance has one queue, support.default_queue, where mail to no
 * other queue's address lands: no ticket starts outside every queue. */
static int default_queue(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    const char *name = hd_config_get(hd_instance_config(cli->inst),
                                     HD_CFG_SUPPORT_DEFAULT_QUEUE);
    int64_t id;
    /* Part of creating the instance, like the schema: not audited, so an
     * import still finds the instance new (hd_store_drop_fresh_queue). */
    if (hd_store_queue_add(st, name, NULL, HD_QUEUE_DEFAULT_DESCRIPTION,
                           &id, &err) < 0)
        return hd_cli_fail(&err);
    return 0;
}

static int cmd_init_impl(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk --data DIR [--profile dev|test|prod] init "
               "[--store postgresql://...]\n"
               "Creates DIR/helpdesk.conf, DIR/helpdesk.db (or the schema "
               "in the PostgreSQL database of --store) and the keys.\n");
        return HD_EXIT_OK;
    }
    const char *profile = hd_cli_opt(argc, argv, "--profile");
    if (profile == NULL)
        profile = cli->g.profile;
    if (cli->g.data_dir == NULL)
        return hd_cli_usage("init needs --data DIR (or HELPDESK_DATA)");
    const char *store = hd_cli_opt(argc, argv, "--store");
    if (hd_instance_init_store(cli->g.data_dir, profile, store, &err) < 0)
        return hd_cli_fail(&err);
    int rc = default_queue(cli);
    if (rc != 0)
        return rc;
    if (!cli->json)
        printf("created %s (profile %s)\n", cli->g.data_dir,
               profile ? profile : "dev");
    return HD_EXIT_OK;
}

int hd_cli_cmd_init(struct hd_cli *cli, int argc, char **argv)
{
    return cmd_init_impl(cli, argc, argv);
}

char *hd_cli_read_text(struct hd_cli *cli, const char *path, size_t max)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "helpdesk: cannot open %s\n", path);
        return NULL;
    }
    char *buf = hd_arena_alloc(cli->arena, max + 2);
    size_t n = fread(buf, 1, max + 1, f);
    bool bad = ferror(f) != 0;
    if (f != stdin)
        fclose(f);
    if (bad || n > max) {
        fprintf(stderr, "helpdesk: %s: unreadable or over %zu bytes\n", path,
                max);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}
