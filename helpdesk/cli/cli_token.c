/* cli_token.c - `helpdesk token add|list|revoke`: API bearer tokens.  The
 * token text is printed once, at creation; only its hash is kept. */
#include "cli_int.h"

#include "api_token.h"
#include "audit.h"
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int token_audit(struct hd_cli *cli, struct hd_store *st, int64_t id,
                       const char *action, struct hd_error *err)
{
    struct hd_audit_entry e = {
        .actor = "cli", .source = "cli",
        .object = hd_arena_printf(cli->arena, "api_token:%lld",
                                  (long long)id),
        .action = action,
    };
    return hd_audit_append(st, &e, cli->arena, err);
}

static int token_add(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *days = hd_cli_opt(argc, argv, "--expires-days");
    struct hd_api_token_spec spec = {
        .email = hd_cli_opt(argc, argv, "--user"),
        .scope = hd_cli_opt(argc, argv, "--scope"),
        .expires_days = days ? atoi(days) : 0,
        .allow_ips = hd_cli_opt(argc, argv, "--allow-ips"),
    };
    if (spec.email == NULL || spec.scope == NULL)
        return hd_cli_usage("token add --user EMAIL --scope "
                            "read|write|admin [--expires-days N] "
                            "[--allow-ips CIDRS]");
    if (days != NULL && (atoi(days) <= 0 || strspn(days, "0123456789") !=
                                                strlen(days)))
        return hd_cli_usage("--expires-days: expected a positive number");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    char token[44];
    int64_t id;
    if (hd_store_begin(st, &err) < 0)
        return hd_cli_fail(&err);
    if (hd_api_token_create(st, &spec, token, &id, &err) < 0 ||
        token_audit(cli, st, id, "api_token.add", &err) < 0 ||
        hd_store_commit(st, &err) < 0) {
        hd_store_rollback(st);
        return hd_cli_fail(&err);
    }
    if (cli->json)
        hd_cli_print_json(json_pack("{s:I, s:s}", "id", (json_int_t)id,
                                    "token", token));
    else
        printf("token %lld: %s\n(shown only now; store it safely)\n",
               (long long)id, token);
    hd_memzero_explicit(token, sizeof token);
    return HD_EXIT_OK;
}

static json_t *token_json(const struct hd_api_token *t)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s?}", "id",
                     (json_int_t)t->id, "user", t->user_email, "scope",
                     t->scope, "allow_ips", t->allow_ips, "created_at",
                     hd_cli_json_time(t->created_at), "expires_at",
                     hd_cli_json_time(t->expires_at), "revoked_at",
                     hd_cli_json_time(t->revoked_at), "last_used_at",
                     hd_cli_json_time(t->last_used_at), "last_used_ip",
                     t->last_used_ip);
}

static int token_list(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_api_token *ts;
    size_t n;
    if (hd_store_api_token_list(hd_instance_store(cli->inst), cli->arena, &ts,
                                &n, &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, token_json(&ts[i]));
    if (cli->json) {
        hd_cli_print_json(arr);
        return HD_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *j = json_array_get(arr, i);
        const char *lu = json_string_value(json_object_get(j,
                                                           "last_used_at"));
        const char *ex = json_string_value(json_object_get(j, "expires_at"));
        printf("%-4lld %-30s %-5s %-9s expires=%s last_used=%s %s\n",
               (long long)ts[i].id, ts[i].user_email, ts[i].scope,
               ts[i].revoked_at ? "revoked" : "active", ex ? ex : "never",
               lu ? lu : "never", ts[i].last_used_ip ? ts[i].last_used_ip
                                                     : "");
    }
    json_decref(arr);
    return HD_EXIT_OK;
}

static int token_revoke(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    char *end = NULL;
    long long id = argc > 2 ? strtoll(argv[2], &end, 10) : 0;
    if (id <= 0 || *end != '\0')
        return hd_cli_usage("token revoke ID");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    if (hd_store_begin(st, &err) < 0)
        return hd_cli_fail(&err);
    int done = hd_store_api_token_revoke(st, id, hd_clock_now(), &err);
    if (done < 0 || (done == 1 && token_audit(cli, st, id,
                                              "api_token.revoke", &err) < 0) ||
        hd_store_commit(st, &err) < 0) {
        hd_store_rollback(st);
        return hd_cli_fail(&err);
    }
    if (done == 0) {
        fprintf(stderr, "helpdesk: no active token %lld\n", id);
        return HD_EXIT_NOINPUT;
    }
    printf("token %lld revoked\n", id);
    return HD_EXIT_OK;
}

int hd_cli_cmd_token(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk token add --user EMAIL --scope "
               "read|write|admin [--expires-days N] [--allow-ips CIDRS]\n"
               "       helpdesk token list [--json]\n"
               "       helpdesk token revoke ID\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "add") == 0)
        return token_add(cli, argc, argv);
    if (strcmp(sub, "list") == 0)
        return token_list(cli);
    if (strcmp(sub, "revoke") == 0)
        return token_revoke(cli, argc, argv);
    return hd_cli_usage("token: expected add, list or revoke");
}
