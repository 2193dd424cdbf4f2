/* cli_access.c - `helpdesk user oncall|allow-ips|review`: who gets
 * incident alerts, where each user may sign in from, and the periodic
 * review of accounts.  Every change is audited with the real Unix user
 * as actor; the checklist (rows 27, 59, 60, 63) reads these records. */
#include "cli_int.h"

#include "audit.h"
#include "cidr.h"
#include "store_agent.h"

#include <stdio.h>
#include <string.h>

#define ALLOW_IPS_MAX 1000 /* bytes of one user's CIDR list */

/* The user named by EMAIL, or an exit status (message printed). */
static int load_user(struct hd_cli *cli, const char *email,
                     struct hd_user *u)
{
    struct hd_error err = HD_ERROR_INIT;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    int found = hd_store_user_get(hd_instance_store(cli->inst), 0, email,
                                  cli->arena, u, NULL, &err);
    if (found == 0)
        hd_error_set(&err, HD_E_NOTFOUND, "no user %.100s", email);
    return found == 1 ? 0 : hd_cli_fail(&err);
}

/* Runs the change 'apply' and its audit row in one transaction. */
static int audited(struct hd_cli *cli, const struct hd_user *u,
                   const char *action, const char *before,
                   const char *after,
                   int (*apply)(struct hd_store *, const struct hd_user *,
                                const char *, struct hd_error *),
                   const char *arg)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(cli->inst);
    if (hd_store_begin(st, &err) < 0)
        return hd_cli_fail(&err);
    if ((apply && apply(st, u, arg, &err) < 0) ||
        hd_audit_cli(st, cli->arena,
                     hd_arena_printf(cli->arena, "user:%lld (%s)",
                                     (long long)u->id, u->email),
                     action, before, after, &err) < 0) {
        hd_store_rollback(st);
        return hd_cli_fail(&err);
    }
    return hd_store_commit(st, &err) < 0 ? hd_cli_fail(&err) : HD_EXIT_OK;
}

static int set_oncall(struct hd_store *st, const struct hd_user *u,
                      const char *arg, struct hd_error *err)
{
    return hd_store_user_set_on_call(st, u->id, strcmp(arg, "on") == 0, err);
}

static int set_ips(struct hd_store *st, const struct hd_user *u,
                   const char *arg, struct hd_error *err)
{
    return hd_store_user_ips_set(st, u->id, arg, err);
}

/* user oncall EMAIL on|off */
static int user_oncall(struct hd_cli *cli, int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[3], "on") != 0 &&
                     strcmp(argv[3], "off") != 0))
        return hd_cli_usage("user oncall EMAIL on|off");
    struct hd_user u;
    int rc = load_user(cli, argv[2], &u);
    if (rc != 0)
        return rc;
    if (u.disabled && strcmp(argv[3], "on") == 0)
        return hd_cli_usage("user oncall: %s is disabled", u.email);
    rc = audited(cli, &u, "user.oncall",
                 u.on_call ? "{\"on_call\":true}" : "{\"on_call\":false}",
                 strcmp(argv[3], "on") == 0 ? "{\"on_call\":true}"
                                            : "{\"on_call\":false}",
                 set_oncall, argv[3]);
    if (rc == 0 && !cli->json)
        printf("%s is %s call\n", u.email, argv[3]);
    return rc;
}

/* user allow-ips EMAIL "CIDR ..." ("" removes the list) */
static int user_allow_ips(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (argc < 4)
        return hd_cli_usage("user allow-ips EMAIL 'CIDR ...' ('' removes)");
    struct hd_cidr_list l;
    if (strlen(argv[3]) > ALLOW_IPS_MAX ||
        (argv[3][0] != '\0' && hd_cidr_list_parse(argv[3], &l, &err) < 0))
        return hd_cli_usage("user allow-ips: not a CIDR list of at most %d "
                            "bytes: %s", ALLOW_IPS_MAX, err.msg);
    struct hd_user u;
    int rc = load_user(cli, argv[2], &u);
    if (rc != 0)
        return rc;
    char *old = NULL;
    if (hd_store_user_ips_get(hd_instance_store(cli->inst), u.id,
                              cli->arena, &old, &err) < 0)
        return hd_cli_fail(&err);
    rc = audited(cli, &u, "user.allow_ips",
                 hd_audit_json(cli->arena, json_pack("{s:s}", "allow_ips",
                                                     old)),
                 hd_audit_json(cli->arena, json_pack("{s:s}", "allow_ips",
                                                     argv[3])),
                 set_ips, argv[3]);
    if (rc == 0 && !cli->json)
        printf("%s may sign in from: %s\n", u.email,
               argv[3][0] ? argv[3] : "(the role's list)");
    return rc;
}

/* user review: records that the accounts were reviewed (checklist 59). */
static int user_review(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    (void)argc;
    (void)argv;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    if (hd_store_begin(st, &err) < 0 ||
        hd_audit_cli(st, cli->arena, "users", "user.review", NULL,
                     "{\"reviewed\":true}", &err) < 0 ||
        hd_store_commit(st, &err) < 0) {
        hd_store_rollback(st);
        return hd_cli_fail(&err);
    }
    if (!cli->json)
        printf("account review recorded\n");
    return HD_EXIT_OK;
}

int hd_cli_user_access(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argv[1];
    if (strcmp(sub, "oncall") == 0)
        return user_oncall(cli, argc, argv);
    if (strcmp(sub, "allow-ips") == 0)
        return user_allow_ips(cli, argc, argv);
    return user_review(cli, argc, argv);
}
