/* cli_access.c - `helpdesk user oncall|allow-ips|review`: who gets
 * incident alerts, where each user may sign in from, and the periodic
 * review of accounts.  Every change is audited with the real Unix user
 * as actor (the change itself is user_access.c's, as on the users page);
 * the checklist (rows 27, 59, 60, 63) reads these records. */
#include "cli_int.h"

#include "audit.h"
#include "user_access.h"

#include <stdio.h>
#include <string.h>

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

/* user oncall EMAIL on|off */
static int user_oncall(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (argc < 4 || (strcmp(argv[3], "on") != 0 &&
                     strcmp(argv[3], "off") != 0))
        return hd_cli_usage("user oncall EMAIL on|off");
    struct hd_user u;
    int rc = load_user(cli, argv[2], &u);
    if (rc != 0)
        return rc;
    struct hd_audit_entry who = {.actor = hd_audit_cli_actor(cli->arena),
                                 .source = "cli"};
    if (hd_user_set_on_call(hd_instance_store(cli->inst), cli->arena, &u,
                            strcmp(argv[3], "on") == 0, &who, &err) < 0)
        return err.code == HD_E_INVAL
                   ? hd_cli_usage("user oncall: %s", err.msg)
                   : hd_cli_fail(&err);
    if (!cli->json)
        printf("%s is %s call\n", u.email, argv[3]);
    return HD_EXIT_OK;
}

/* user allow-ips EMAIL "CIDR ..." ("" removes the list) */
static int user_allow_ips(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (argc < 4)
        return hd_cli_usage("user allow-ips EMAIL 'CIDR ...' ('' removes)");
    if (hd_user_allow_ips_check(argv[3], &err) < 0)
        return hd_cli_usage("user allow-ips: not a CIDR list of at most %d "
                            "bytes: %s", HD_ALLOW_IPS_MAX, err.msg);
    struct hd_user u;
    int rc = load_user(cli, argv[2], &u);
    if (rc != 0)
        return rc;
    struct hd_audit_entry who = {.actor = hd_audit_cli_actor(cli->arena),
                                 .source = "cli"};
    if (hd_user_set_allow_ips(hd_instance_store(cli->inst), cli->arena, &u,
                              argv[3], &who, &err) < 0)
        return hd_cli_fail(&err);
    if (!cli->json)
        printf("%s may sign in from: %s\n", u.email,
               argv[3][0] ? argv[3] : "(the role's list)");
    return HD_EXIT_OK;
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
