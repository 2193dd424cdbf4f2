/* cli_rule.c - `helpdesk rule add|list|test|delete`: the routing rules.
 *
 *   rule add --name N --if 'subject ~ 障害' [--if ...] --then priority=high
 *            [--then ...] [--stop] [--position P]
 *   rule list [--json]
 *   rule test FILE.eml [--recipient ADDR]   shows which rules match and why,
 *                                           creating nothing
 *   rule delete ID */
#include "cli_rule.h"

#include "audit.h"
#include "clock.h"
#include "parse.h"
#include "route.h"
#include "rules.h"
#include "store_rule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *rule_json(const struct hd_rule_row *r)
{
    json_error_t je;
    return json_pack("{s:I, s:s, s:o, s:o, s:b}", "position",
                     (json_int_t)r->position, "name", r->name, "conditions",
                     json_loads(r->conditions, 0, &je), "actions",
                     json_loads(r->actions, 0, &je), "stop", r->stop);
}

/* Stores the rule and its audit row in one transaction. */
static int rule_add_audited(struct hd_cli *cli, const struct hd_rule_row *row,
                            int64_t *id_r, struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(cli->inst);
    if (hd_store_begin(st, err) < 0)
        return -1;
    if (hd_store_rule_add(st, row, id_r, err) < 0 ||
        hd_audit_cli(st, cli->arena,
                     hd_arena_printf(cli->arena, "rule:%lld",
                                     (long long)*id_r),
                     "rule.add", NULL, hd_audit_json(cli->arena, rule_json(row)),
                     err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    return hd_store_commit(st, err);
}

/* Deletes rule id and writes its audit row (before: the rule) in one
 * transaction; 1 deleted, 0 none, -1 error. */
static int rule_delete_audited(struct hd_cli *cli, int64_t id,
                               struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(cli->inst);
    struct hd_rule_row *rs;
    size_t n;
    if (hd_store_begin(st, err) < 0)
        return -1;
    int f = hd_store_rule_list(st, true, cli->arena, &rs, &n, err);
    const struct hd_rule_row *old = NULL;
    for (size_t i = 0; f == 0 && i < n; i++)
        old = rs[i].id == id ? &rs[i] : old;
    if (f == 0)
        f = hd_store_rule_delete(st, id, err);
    if (f == 1 && old != NULL &&
        hd_audit_cli(st, cli->arena,
                     hd_arena_printf(cli->arena, "rule:%lld", (long long)id),
                     "rule.delete", hd_audit_json(cli->arena, rule_json(old)),
                     NULL, err) < 0)
        f = -1;
    if (f <= 0) {
        hd_store_rollback(st);
        return f;
    }
    return hd_store_commit(st, err) < 0 ? -1 : 1;
}

static int rule_add(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *name = hd_cli_opt(argc, argv, "--name");
    const char *pos = hd_cli_opt(argc, argv, "--position");
    json_t *conds = json_array(), *acts = json_array();
    int rc = HD_EXIT_USAGE;
    if (name == NULL || *name == '\0') {
        rc = hd_cli_usage("rule add --name N --if 'FIELD OP VALUE' ... "
                          "--then ACTION=VALUE ... [--stop]");
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        /* "--if X" and "--if=X" alike: the option check accepts both. */
        const char *val = NULL;
        bool is_if = strcmp(argv[i], "--if") == 0 ||
                     strncmp(argv[i], "--if=", 5) == 0;
        bool is_then = strcmp(argv[i], "--then") == 0 ||
                       strncmp(argv[i], "--then=", 7) == 0;
        if (!is_if && !is_then)
            continue;
        val = strchr(argv[i], '=');
        if (val != NULL)
            val++;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            break; /* refused by the option check before we run */
        if (is_if) {
            const char *f, *o, *v;
            if (mg_rule_cond_from_text(val, cli->arena, &f, &o, &v,
                                       &err) < 0) {
                rc = hd_cli_fail(&err);
                goto out;
            }
            json_array_append_new(conds, json_pack("{s:s, s:s, s:s}",
                                                   "field", f, "op", o,
                                                   "value", v));
        } else {
            const char *eq = strchr(val, '=');
            const char *act = eq ? hd_arena_strndup(cli->arena, val,
                                                    (size_t)(eq - val))
                                 : val;
            json_array_append_new(acts, json_pack("{s:s, s:s}", "action", act,
                                                  "value", eq ? eq + 1 : ""));
        }
    }
    if ((rc = hd_cli_open(cli)) != 0)
        goto out;
    struct hd_store *st = hd_instance_store(cli->inst);
    char *cj = json_dumps(conds, JSON_COMPACT | JSON_ENSURE_ASCII);
    char *aj = json_dumps(acts, JSON_COMPACT | JSON_ENSURE_ASCII);
    struct mg_rule *r = NULL;
    struct hd_rule_row row = {
        .position = pos ? strtoll(pos, NULL, 10) : 0,
        .name = name, .conditions = cj, .actions = aj,
        .stop = hd_cli_flag(argc, argv, "--stop"),
    };
    int64_t id;
    if (mg_rule_compile(cj, aj, st, &r, &err) < 0 ||
        rule_add_audited(cli, &row, &id, &err) < 0) {
        rc = hd_cli_fail(&err);
    } else {
        printf("rule %lld added\n", (long long)id);
        rc = HD_EXIT_OK;
    }
    mg_rule_free(&r);
    free(cj);
    free(aj);
out:
    json_decref(conds);
    json_decref(acts);
    return rc;
}

static int rule_list(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_rule_row *rs;
    size_t n;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    if (hd_store_rule_list(hd_instance_store(cli->inst), true, cli->arena,
                           &rs, &n, &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_error_t je;
        json_array_append_new(
            arr, json_pack("{s:I, s:I, s:s, s:o, s:o, s:b, s:b}", "id",
                           (json_int_t)rs[i].id, "position",
                           (json_int_t)rs[i].position, "name", rs[i].name,
                           "conditions", json_loads(rs[i].conditions, 0, &je),
                           "actions", json_loads(rs[i].actions, 0, &je),
                           "stop", rs[i].stop, "enabled", rs[i].enabled));
        if (!cli->json)
            printf("%3lld  %-4lld %s%s\n      if %s\n      then %s\n",
                   (long long)rs[i].id, (long long)rs[i].position,
                   rs[i].name, rs[i].stop ? " [stop]" : "",
                   rs[i].conditions, rs[i].actions);
    }
    if (cli->json)
        hd_cli_print_json(arr);
    else
        json_decref(arr);
    return HD_EXIT_OK;
}

static int rule_test(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (argc < 3)
        return hd_cli_usage("rule test FILE.eml [--recipient ADDR]");
    FILE *f = fopen(argv[2], "rb");
    if (f == NULL) {
        hd_error_set(&err, HD_E_NOTFOUND, "cannot open %s", argv[2]);
        return hd_cli_fail(&err);
    }
    struct hd_buf raw;
    char chunk[65536];
    size_t k;
    hd_buf_init(&raw, HD_MAIL_MAX);
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (hd_buf_append(&raw, chunk, k, &err) < 0)
            break;
    fclose(f);
    int rc = err.code != HD_OK ? hd_cli_fail(&err) : hd_cli_open(cli);
    if (rc != 0)
        goto out;
    struct hd_store *st = hd_instance_store(cli->inst);
    struct mg_mail *m;
    struct mg_route_decision d;
    struct hd_contact c = {.address = "", .name = ""};
    int64_t org = 0;
    const char *at;
    mg_parse_init();
    if (mg_parse_message(raw.data ? raw.data : "", raw.len, cli->arena, &m,
                         &err) < 0)
        goto fail;
    at = strrchr(m->from.address, '@');
    if (at != NULL && hd_store_org_by_domain(st, at + 1, &org, &err) < 0)
        goto fail;
    c.org_id = org;
    /* Read-only: the decision is computed in a transaction that is rolled
     * back (round-robin pointers move otherwise). */
    if (hd_store_begin(st, &err) < 0)
        goto fail;
    if (mg_route_decide(cli->inst, st, m, hd_cli_opt(argc, argv,
                                                     "--recipient"),
                        &c, cli->arena, &d, &err) < 0) {
        hd_store_rollback(st);
        goto fail;
    }
    hd_store_rollback(st);
    struct hd_queue q = {.name = "(none)"};
    if (d.queue_id > 0 &&
        hd_store_queue_get(st, d.queue_id, NULL, cli->arena, &q, &err) < 0)
        goto fail;
    if (cli->json) {
        json_t *why = json_array(), *tags = json_array();
        for (size_t i = 0; i < d.n_reasons; i++)
            json_array_append_new(why, json_string(d.reasons[i]));
        for (size_t i = 0; i < d.n_tags; i++)
            json_array_append_new(tags, json_string(d.tags[i]));
        hd_cli_print_json(json_pack(
            "{s:s, s:s, s:s, s:o, s:o, s:b}", "queue", q.name, "category",
            hd_category_name(d.category), "priority",
            hd_priority_name(d.priority), "tags", tags, "reasons", why,
            "automatic", d.automatic));
    } else {
        for (size_t i = 0; i < d.n_reasons; i++)
            printf("%s\n", d.reasons[i]);
        printf("=> queue %s, category %s, priority %s\n", q.name,
               hd_category_name(d.category), hd_priority_name(d.priority));
    }
    rc = HD_EXIT_OK;
    goto out;
fail:
    rc = hd_cli_fail(&err);
out:
    hd_buf_deinit(&raw);
    return rc;
}

static int rule_delete(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (argc < 3)
        return hd_cli_usage("rule delete ID");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    int f = rule_delete_audited(cli, strtoll(argv[2], NULL, 10), &err);
    if (f == 0)
        hd_error_set(&err, HD_E_NOTFOUND, "no rule %s", argv[2]);
    if (f <= 0)
        return hd_cli_fail(&err);
    printf("rule %s deleted\n", argv[2]);
    return HD_EXIT_OK;
}

int mg_cli_rule(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk rule add --name N --if 'FIELD OP VALUE' ... "
               "--then ACTION=VALUE ... [--stop] [--position P]\n"
               "       helpdesk rule list [--json]\n"
               "       helpdesk rule test FILE.eml [--recipient ADDR] "
               "[--json]\n"
               "       helpdesk rule delete ID\n"
               "fields: to envelope from from_domain org tier subject body "
               "text header:NAME hours channel auto bounce\n"
               "ops: = != ~ ~any in =~    actions: queue category priority "
               "assign tag\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "add") == 0)
        return rule_add(cli, argc, argv);
    if (strcmp(sub, "list") == 0)
        return rule_list(cli);
    if (strcmp(sub, "test") == 0)
        return rule_test(cli, argc, argv);
    if (strcmp(sub, "delete") == 0)
        return rule_delete(cli, argc, argv);
    return hd_cli_usage("rule: expected add, list, test or delete");
}
