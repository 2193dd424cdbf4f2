/* cli_data.c - `helpdesk backup|export|import|erase|verify`: argument
 * handling and output only; the work is in backup.c, export.c, erase.c
 * and verify.c. */
#include "cli_data.h"

#include "audit.h"
#include "backup.h"
#include "clock.h"
#include "erase.h"
#include "export.h"
#include "migrate.h"
#include "store_data.h"
#include "store_report.h"
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BACKUP_LOG_ROWS 100

/* hd_cli_fail, but a failed hash, tag or signature is damaged data (65),
 * not an internal error. */
static int fail(const struct hd_error *err)
{
    int rc = hd_cli_fail(err);
    return err->code == HD_E_CRYPTO ? HD_EXIT_DATAERR : rc;
}

static int backup_run(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_backup_stats s;
    if (hd_backup_run(cli->inst, &s, &err) < 0)
        return fail(&err);
    if (cli->json)
        hd_cli_print_json(json_pack(
            "{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "generation",
            s.generation,
            "bytes", (json_int_t)s.bytes, "duration_ms",
            (json_int_t)s.duration_ms, "tickets", (json_int_t)s.tickets,
            "blobs_new", (json_int_t)s.blobs_new, "blobs_referenced",
            (json_int_t)s.blobs_referenced, "blobs_inline",
            (json_int_t)s.blobs_inline, "pruned", (json_int_t)s.pruned));
    else
        printf("%s: %lld tickets, %lld new blobs, %lld referenced, %lld "
               "bytes, %lld ms, %lld pruned\n",
               s.generation, (long long)s.tickets, (long long)s.blobs_new,
               (long long)s.blobs_referenced, (long long)s.bytes,
               (long long)s.duration_ms, (long long)s.pruned);
    return HD_EXIT_OK;
}

static int backup_list(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    json_t *l = hd_backup_list(cli->inst, &err);
    if (l == NULL)
        return fail(&err);
    if (cli->json) {
        hd_cli_print_json(l);
        return HD_EXIT_OK;
    }
    size_t i;
    json_t *g;
    json_array_foreach(l, i, g)
    {
        printf("%-26s %-22s %6lld tickets %6lld blobs%s%s\n",
               json_string_value(json_object_get(g, "name")),
               json_string_value(json_object_get(g, "created_at"))
                   ?: "?",
               (long long)json_integer_value(json_object_get(g, "tickets")),
               (long long)json_integer_value(json_object_get(g, "blobs")),
               json_is_true(json_object_get(g, "manifest_ok")) ? ""
                                                                : "  BAD: ",
               json_string_value(json_object_get(g, "problem")));
    }
    json_decref(l);
    return HD_EXIT_OK;
}

static int backup_log(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_backup_log_row *rs;
    size_t n;
    if (hd_store_backup_log_list(hd_instance_store(cli->inst),
                                 BACKUP_LOG_ROWS, cli->arena, &rs, &n,
                                 &err) < 0)
        return fail(&err);
    json_t *l = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!cli->json) {
            char at[32];
            hd_time_format_local(rs[i].at, at);
            printf("%s %-8s %-26s %s %lld bytes %lld ms %s\n", at,
                   rs[i].action, rs[i].generation, rs[i].ok ? "ok" : "FAILED",
                   (long long)rs[i].bytes, (long long)rs[i].duration_ms,
                   rs[i].detail);
            continue;
        }
        json_array_append_new(
            l, json_pack("{s:o, s:s, s:s, s:b, s:I, s:I, s:s}", "at",
                         hd_cli_json_time(rs[i].at), "action", rs[i].action,
                         "generation", rs[i].generation, "ok", rs[i].ok,
                         "bytes", (json_int_t)rs[i].bytes, "duration_ms",
                         (json_int_t)rs[i].duration_ms, "detail",
                         rs[i].detail));
    }
    if (cli->json)
        hd_cli_print_json(l);
    else
        json_decref(l);
    return HD_EXIT_OK;
}

static int verify_one(struct hd_cli *cli, const char *gen)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_backup_stats s;
    if (hd_backup_verify(cli->inst, gen, &s, &err) < 0)
        return fail(&err);
    printf("%s: intact (%lld bytes checked, %lld ms)\n", gen,
           (long long)s.bytes, (long long)s.duration_ms);
    return HD_EXIT_OK;
}

/* `backup verify [GEN] [--all]`: without GEN the newest generation, as
 * an operator checking last night's backup expects; --all every one
 * (the first failure decides the exit status, the rest still run). */
static int backup_verify(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    bool all = hd_cli_flag(argc, argv, "--all");
    const char *gen = argc > 2 && argv[2][0] != '-' ? argv[2] : NULL;
    if (gen != NULL && all)
        return hd_cli_usage("backup verify: give GEN or --all, not both");
    if (gen != NULL)
        return verify_one(cli, gen);
    json_t *l = hd_backup_list(cli->inst, &err);
    if (l == NULL)
        return fail(&err);
    size_t n = json_array_size(l);
    int rc = HD_EXIT_OK;
    if (n == 0) {
        hd_error_set(&err, HD_E_NOTFOUND, "no backup generation yet "
                     "(helpdesk backup run)");
        rc = fail(&err);
    }
    for (size_t i = all ? 0 : n - 1; i < n; i++) {
        const char *name =
            json_string_value(json_object_get(json_array_get(l, i), "name"));
        int one = verify_one(cli, name != NULL ? name : "?");
        if (rc == HD_EXIT_OK)
            rc = one;
    }
    json_decref(l);
    return rc;
}

static int backup_gen_cmd(struct hd_cli *cli, const char *sub, int argc,
                          char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (strcmp(sub, "verify") == 0)
        return backup_verify(cli, argc, argv);
    if (argc < 3 || argv[2][0] == '-')
        return hd_cli_usage("backup %s GEN ...", sub);
    const char *gen = argv[2];
    if (strcmp(sub, "restore") == 0) {
        const char *to = hd_cli_opt(argc, argv, "--to");
        const char *store = hd_cli_opt(argc, argv, "--store");
        bool replace = hd_cli_flag(argc, argv, "--replace");
        if (to == NULL)
            return hd_cli_usage("backup restore GEN --to DIR [--store URL "
                                "[--replace]]");
        if (replace && store == NULL)
            return hd_cli_usage("backup restore: --replace goes with "
                                "--store URL");
        if (hd_backup_restore_store(cli->inst, gen, to, store, replace,
                                    &err) < 0)
            return fail(&err);
        printf("restored %s into %s\n", gen, to);
        return HD_EXIT_OK;
    }
    const char *out = hd_cli_opt(argc, argv, "--out");
    if (out == NULL)
        return hd_cli_usage("backup export GEN --out FILE.json");
    if (hd_backup_export(cli->inst, gen, out, &err) < 0)
        return fail(&err);
    return HD_EXIT_OK;
}

int hd_cli_cmd_backup(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv) || *sub == '\0') {
        printf("usage: helpdesk backup run | list | log | verify [GEN] | "
               "restore GEN --to DIR [--store URL [--replace]] | export GEN "
               "--out FILE.json  [--json]\n");
        return *sub ? HD_EXIT_OK : HD_EXIT_USAGE;
    }
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    if (strcmp(sub, "run") == 0)
        return backup_run(cli);
    if (strcmp(sub, "list") == 0)
        return backup_list(cli);
    if (strcmp(sub, "log") == 0)
        return backup_log(cli);
    if (strcmp(sub, "verify") == 0 || strcmp(sub, "restore") == 0 ||
        strcmp(sub, "export") == 0)
        return backup_gen_cmd(cli, sub, argc, argv);
    return hd_cli_usage("unknown backup subcommand '%s'", sub);
}

int hd_cli_cmd_export(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *out = hd_cli_opt(argc, argv, "--out");
    const char *org = hd_cli_opt(argc, argv, "--org");
    if (hd_cli_wants_help(argc, argv) || out == NULL)
        return hd_cli_usage("usage: export --out FILE.json|- [--org ID]");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_export_opts o = {
        .org_id = org ? strtoll(org, NULL, 10) : 0,
        .blobs_dir = hd_arena_printf(cli->arena, "%s/blobs",
                                     hd_instance_dir(cli->inst))};
    if (org != NULL && o.org_id <= 0)
        return hd_cli_usage("--org needs an organisation id");
    struct hd_store *st = hd_instance_store(cli->inst);
    if (hd_export_write(st, &o, out, &err) < 0)
        return fail(&err);
    /* Every export is audited: who, what scope, how many bytes (checklist
     * rows 16 and 52). */
    struct stat sb;
    long long bytes = strcmp(out, "-") != 0 && stat(out, &sb) == 0
                          ? (long long)sb.st_size
                          : -1;
    const char *after = hd_audit_json(
        cli->arena, json_pack("{s:s, s:I, s:I}", "scope",
                              org ? "org" : "all", "org_id",
                              (json_int_t)o.org_id, "bytes",
                              (json_int_t)bytes));
    if (hd_store_begin(st, &err) < 0 ||
        hd_audit_cli(st, cli->arena,
                     org ? hd_arena_printf(cli->arena, "org:%lld",
                                           (long long)o.org_id)
                         : "instance",
                     "export", NULL, after, &err) < 0 ||
        hd_store_commit(st, &err) < 0) {
        hd_store_rollback(st);
        return fail(&err);
    }
    return HD_EXIT_OK;
}

int hd_cli_cmd_import(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (hd_cli_wants_help(argc, argv) || argc < 2)
        return hd_cli_usage("usage: import FILE.json (into an empty "
                            "instance)");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    const char *blobs = hd_arena_printf(cli->arena, "%s/blobs",
                                        hd_instance_dir(cli->inst));
    if (hd_import_read(hd_instance_store(cli->inst), blobs, argv[1], &err) <
        0)
        return fail(&err);
    printf("imported %s\n", argv[1]);
    return HD_EXIT_OK;
}

static int erase_target(int argc, char **argv, struct hd_erase_target *t)
{
    const char *org = hd_cli_opt(argc, argv, "--org");
    const char *contact = hd_cli_opt(argc, argv, "--contact");
    const char *ticket = hd_cli_opt(argc, argv, "--ticket");
    if ((org != NULL) + (contact != NULL) + (ticket != NULL) != 1)
        return hd_cli_usage("erase --org ID | --contact ADDRESS | --ticket N "
                            "[--yes] [--dry-run]");
    t->kind = org ? HD_ERASE_ORG : contact ? HD_ERASE_CONTACT
                                           : HD_ERASE_TICKET;
    t->address = contact;
    t->id = contact ? 0 : strtoll(org ? org : ticket, NULL, 10);
    if (!contact && t->id <= 0)
        return hd_cli_usage("erase: '%s' is not a number",
                            org ? org : ticket);
    return 0;
}

/* Asks on a terminal; refuses without one unless --yes was given. */
static bool confirmed(const char *cert)
{
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "helpdesk: erase needs --yes when not on a "
                        "terminal\n");
        return false;
    }
    printf("%s\nErase this for good? Type 'yes': ", cert);
    fflush(stdout);
    char line[16];
    return fgets(line, sizeof line, stdin) != NULL &&
           strcmp(line, "yes\n") == 0;
}

int hd_cli_cmd_erase(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_erase_target t;
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk erase --org ID | --contact ADDRESS | "
               "--ticket N [--yes] [--dry-run]\n");
        return HD_EXIT_OK;
    }
    int rc = erase_target(argc, argv, &t);
    if (rc == 0)
        rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    bool dry = hd_cli_flag(argc, argv, "--dry-run");
    char *cert = NULL;
    /* The real Unix user, not $USER (unset under cron, forgeable). */
    const char *actor = hd_audit_cli_actor(cli->arena);
    if (!dry && !hd_cli_flag(argc, argv, "--yes")) {
        if (hd_erase(cli->inst, &t, true, actor, cli->arena, &cert, &err) < 0)
            return fail(&err);
        if (!confirmed(cert))
            return HD_EXIT_NO;
    }
    if (hd_erase(cli->inst, &t, dry, actor, cli->arena, &cert, &err) < 0)
        return fail(&err);
    puts(cert);
    return HD_EXIT_OK;
}

int hd_cli_cmd_verify(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk verify [--json]\nRe-hashes every blob, "
               "checks the audit chain and the database; exit 0 only when "
               "all is intact.\n");
        return HD_EXIT_OK;
    }
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    json_t *r = hd_verify_instance(cli->inst, &err);
    if (r == NULL)
        return fail(&err);
    bool ok = json_is_true(json_object_get(r, "intact"));
    /* The checklist (row 41) shows when the instance was last verified. */
    json_t *first = json_array_get(json_object_get(r, "problems"), 0);
    if (hd_store_report_verify_record(
            hd_instance_store(cli->inst), ok, 0,
            first ? json_string_value(first) : "", &err) < 0)
        return fail(&err);
    if (cli->json) {
        hd_cli_print_json(r);
        return ok ? HD_EXIT_OK : HD_EXIT_DATAERR;
    }
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(r, "problems"), i, p)
        printf("damaged: %s\n", json_string_value(p));
    json_array_foreach(json_object_get(r, "warnings"), i, p)
        printf("warning: %s\n", json_string_value(p));
    printf("%s: %lld blobs, %lld audit rows, database %s\n",
           ok ? "intact" : "DAMAGED",
           (long long)json_integer_value(json_object_get(r, "blobs")),
           (long long)json_integer_value(json_object_get(r, "audit_rows")),
           ok ? "ok" : "see above");
    json_decref(r);
    return ok ? HD_EXIT_OK : HD_EXIT_DATAERR;
}

/* `migrate --to URL`: the copy prints a line per table on stderr, the
 * result on stdout. */
int hd_cli_cmd_migrate(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *to = hd_cli_opt(argc, argv, "--to");
    if (hd_cli_wants_help(argc, argv) || to == NULL)
        return hd_cli_usage("usage: migrate --to postgresql://... (stop "
                            "the services first)");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_migrate_stats s;
    if (hd_migrate(cli->inst, to, stderr, &s, &err) < 0)
        return fail(&err);
    const char *shown = hd_migrate_url_shown(cli->arena, to);
    if (cli->json)
        hd_cli_print_json(json_pack(
            "{s:s, s:I, s:I, s:I, s:I}", "to", shown, "tables",
            (json_int_t)s.tables, "rows", (json_int_t)s.rows, "audit_rows",
            (json_int_t)s.audit_rows, "duration_ms",
            (json_int_t)s.duration_ms));
    else
        printf("migrated to %s: %lld tables, %lld rows, audit chain of "
               "%lld rows intact, %lld ms; helpdesk.conf now says "
               "store.url\n",
               shown, (long long)s.tables, (long long)s.rows,
               (long long)s.audit_rows, (long long)s.duration_ms);
    return HD_EXIT_OK;
}
