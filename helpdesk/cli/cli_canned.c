/* cli_canned.c - `helpdesk canned list|add|delete`: the canned responses
 * agents insert into replies (helpdesk/core/canned.h).  The body comes from a
 * file or stdin, so multi-line Japanese text needs no shell quoting.
 * Adds and deletes are audited like the admin page's (source cli). */
#include "cli_int.h"

#include "audit.h"
#include "canned.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int canned_audit(struct hd_cli *cli, struct hd_store *st, int64_t id,
                        const char *action, struct hd_error *err)
{
    struct hd_audit_entry e = {
        .actor = "cli", .source = "cli",
        .object = hd_arena_printf(cli->arena, "canned:%lld", (long long)id),
        .action = action,
    };
    return hd_audit_append(st, &e, cli->arena, err);
}

static int canned_add(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *file = hd_cli_opt(argc, argv, "--body-file");
    struct hd_canned_row c = {
        .name = hd_cli_opt(argc, argv, "--name"),
        .lang = hd_cli_opt(argc, argv, "--lang"),
        .shortcut = hd_cli_opt(argc, argv, "--shortcut"),
        .category = hd_cli_opt(argc, argv, "--category"),
        .created_by = "cli",
    };
    if (c.name == NULL || c.lang == NULL || file == NULL)
        return hd_cli_usage("canned add --name NAME --lang ja|en "
                            "--body-file FILE|- [--shortcut S] "
                            "[--category C]");
    if ((c.body = hd_cli_read_text(cli, file, HD_CANNED_BODY_MAX)) == NULL)
        return HD_EXIT_NOINPUT;
    if (hd_canned_check(&c, &err) < 0)
        return hd_cli_fail(&err);
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    int64_t id = 0;
    if (hd_store_begin(st, &err) < 0)
        return hd_cli_fail(&err);
    if (hd_store_canned_add(st, &c, &id, &err) < 0 ||
        canned_audit(cli, st, id, "canned.add", &err) < 0 ||
        hd_store_commit(st, &err) < 0) {
        hd_store_rollback(st);
        return hd_cli_fail(&err);
    }
    printf("canned response %lld added\n", (long long)id);
    return HD_EXIT_OK;
}

static int canned_list(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_canned_row *cs = NULL;
    size_t n = 0;
    if (hd_store_canned_list(hd_instance_store(cli->inst), NULL, cli->arena,
                             &cs, &n, &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s, s:o}", "id",
                           (json_int_t)cs[i].id, "name", cs[i].name, "lang",
                           cs[i].lang, "shortcut", cs[i].shortcut,
                           "category", cs[i].category, "body", cs[i].body,
                           "updated_at", hd_cli_json_time(cs[i].updated_at)));
    if (cli->json) {
        hd_cli_print_json(arr);
        return HD_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++)
        printf("%-4lld %-2s %-12s %s\n", (long long)cs[i].id, cs[i].lang,
               cs[i].shortcut ? cs[i].shortcut : "-", cs[i].name);
    json_decref(arr);
    return HD_EXIT_OK;
}

static int canned_delete(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    char *end = NULL;
    long long id = argc > 2 ? strtoll(argv[2], &end, 10) : 0;
    if (id <= 0 || *end != '\0')
        return hd_cli_usage("canned delete ID");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    if (hd_store_begin(st, &err) < 0)
        return hd_cli_fail(&err);
    int done = hd_store_canned_delete(st, id, &err);
    if (done < 0 ||
        (done == 1 && canned_audit(cli, st, id, "canned.delete", &err) < 0) ||
        hd_store_commit(st, &err) < 0) {
        hd_store_rollback(st);
        return hd_cli_fail(&err);
    }
    if (done == 0) {
        fprintf(stderr, "helpdesk: no canned response %lld\n", id);
        return HD_EXIT_NOINPUT;
    }
    printf("canned response %lld deleted\n", id);
    return HD_EXIT_OK;
}

int hd_cli_cmd_canned(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk canned add --name NAME --lang ja|en "
               "--body-file FILE|- [--shortcut S] [--category C]\n"
               "       helpdesk canned list [--json]\n"
               "       helpdesk canned delete ID\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "add") == 0)
        return canned_add(cli, argc, argv);
    if (strcmp(sub, "list") == 0)
        return canned_list(cli);
    if (strcmp(sub, "delete") == 0)
        return canned_delete(cli, argc, argv);
    return hd_cli_usage("canned: expected add, list or delete");
}
