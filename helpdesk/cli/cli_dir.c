/* cli_dir.c - `helpdesk user|queue|org ...`: the people and places
 * tickets belong to. */
#include "cli_int.h"

#include "audit.h"

#include <argon2.h>
#include <openssl/rand.h>
#include <stdlib.h>

#include <stdio.h>
#include <string.h>

#define PASSWORD_LINE_MAX 1100
#define PASSWORD_MIN 12

/* Interim: argon2id with the parameters carried in the encoded string. */
static int hash_password(const char *pw, const char *email, char **hash_r,
                         struct hd_error *err)
{
    if (strlen(pw) < PASSWORD_MIN || strcmp(pw, email) == 0) {
        hd_error_set(err, HD_E_INVAL,
                     "password must have at least %d characters and differ "
                     "from the email address", PASSWORD_MIN);
        return -1;
    }
    unsigned char salt[16];
    char enc[128];
    if (RAND_bytes(salt, sizeof salt) != 1 ||
        argon2id_hash_encoded(2, 19456, 1, pw, strlen(pw), salt, sizeof salt,
                              32, enc, sizeof enc) != ARGON2_OK) {
        hd_error_set(err, HD_E_CRYPTO, "password hashing failed");
        return -1;
    }
    *hash_r = hd_xstrdup(enc);
    return 0;
}

/* Reads the password from stdin (never argv, which other users can see
 * in ps).  Returns 1 read, 0 no input. */
static int read_password(char *buf, size_t size)
{
    if (fgets(buf, (int)size, stdin) == NULL)
        return 0;
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf[0] != '\0';
}

static int user_add(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *email = hd_cli_opt(argc, argv, "--email");
    const char *name = hd_cli_opt(argc, argv, "--name");
    const char *role = hd_cli_opt(argc, argv, "--role");
    const char *queues = hd_cli_opt(argc, argv, "--queues");
    if (email == NULL || name == NULL || role == NULL)
        return hd_cli_usage("user add --email E --name N --role "
                            "admin|agent|viewer [--queues Q1,Q2] "
                            "[--no-password] (password on stdin)");
    if (strchr(email, '@') == NULL || strlen(email) > HD_ADDRESS_MAX)
        return hd_cli_usage("'%s' is not an email address", email);
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    char pw[PASSWORD_LINE_MAX];
    char *hash = NULL;
    if (!hd_cli_flag(argc, argv, "--no-password")) {
        if (!read_password(pw, sizeof pw))
            return hd_cli_usage("give the password on stdin (or "
                                "--no-password)");
        rc = hash_password(pw, email, &hash, &err);
        hd_memzero_explicit(pw, sizeof pw);
        if (rc < 0)
            return hd_cli_fail(&err);
    }
    struct hd_store *st = hd_instance_store(cli->inst);
    int64_t uid = 0;
    if (hd_store_begin(st, &err) < 0)
        goto fail;
    if (hd_store_user_add(st, email, name, role, hash, &uid, &err) < 0)
        goto fail_tx;
    /* Without --queues the user sees every queue, later ones too. */
    if (queues == NULL &&
        hd_store_user_set_all_queues(st, uid, true, &err) < 0)
        goto fail_tx;
    /* Every queue unless --queues names some. */
    struct hd_queue *qs;
    size_t nq;
    if (hd_store_queue_list(st, cli->arena, &qs, &nq, &err) < 0)
        goto fail_tx;
    char *list = queues ? hd_arena_strdup(cli->arena, queues) : NULL;
    for (char *q = list ? strtok(list, ",") : NULL; q; q = strtok(NULL, ",")) {
        bool known = false;
        for (size_t i = 0; i < nq; i++)
            known |= strcmp(qs[i].name, q) == 0;
        if (!known) {
            hd_error_set(&err, HD_E_NOTFOUND, "no queue named '%.60s'", q);
            goto fail_tx;
        }
    }
    for (size_t i = 0; i < nq; i++) {
        bool grant = queues == NULL;
        if (queues != NULL) {
            char *l = hd_arena_strdup(cli->arena, queues);
            for (char *q = strtok(l, ","); q; q = strtok(NULL, ","))
                grant |= strcmp(qs[i].name, q) == 0;
        }
        if (grant && hd_store_user_grant_queue(st, uid, qs[i].id, &err) < 0)
            goto fail_tx;
    }
    if (hd_audit_cli(st, cli->arena,
                     hd_arena_printf(cli->arena, "user:%lld", (long long)uid),
                     "user.add", NULL,
                     hd_audit_json(cli->arena,
                                   json_pack("{s:s, s:s, s:s, s:s?, s:b}",
                                             "email", email, "name", name,
                                             "role", role, "queues", queues,
                                             "password", hash != NULL)),
                     &err) < 0)
        goto fail_tx;
    if (hd_store_commit(st, &err) < 0)
        goto fail;
    free(hash);
    if (cli->json)
        hd_cli_print_json(json_pack("{s:I, s:s}", "id", (json_int_t)uid,
                                    "email", email));
    else
        printf("user %lld %s (%s)\n", (long long)uid, email, role);
    return HD_EXIT_OK;
fail_tx:
    hd_store_rollback(st);
fail:
    free(hash);
    return hd_cli_fail(&err);
}

static int user_list(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_user *us;
    size_t n;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    if (hd_store_user_list(hd_instance_store(cli->inst), cli->arena, &us, &n,
                           &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (cli->json) {
            json_array_append_new(
                arr, json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:o, s:o}",
                               "id", (json_int_t)us[i].id, "email",
                               us[i].email, "name", us[i].name, "role",
                               us[i].role, "disabled", us[i].disabled,
                               "queues", us[i].queues ? us[i].queues : "",
                               "last_login_at",
                               hd_cli_json_time(us[i].last_login_at),
                               "created_at",
                               hd_cli_json_time(us[i].created_at)));
        } else {
            printf("%-4lld %-32s %-7s %-8s %s\n", (long long)us[i].id,
                   us[i].email, us[i].role,
                   us[i].disabled ? "disabled" : "active",
                   us[i].queues ? us[i].queues : "-");
        }
    }
    if (cli->json)
        hd_cli_print_json(arr);
    else
        json_decref(arr);
    return HD_EXIT_OK;
}

static int user_disable(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (argc < 3)
        return hd_cli_usage("user disable EMAIL");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    struct hd_user u;
    int found = hd_store_user_get(st, 0, argv[2], cli->arena, &u, NULL, &err);
    if (found == 0)
        hd_error_set(&err, HD_E_NOTFOUND, "no user %.100s", argv[2]);
    if (found <= 0 || hd_store_begin(st, &err) < 0)
        return hd_cli_fail(&err);
    if (hd_store_user_set_disabled(st, u.id, true, &err) < 0 ||
        hd_audit_cli(st, cli->arena,
                     hd_arena_printf(cli->arena, "user:%lld",
                                     (long long)u.id),
                     "user.disable",
                     hd_audit_json(cli->arena, json_pack("{s:b}", "disabled",
                                                         u.disabled)),
                     "{\"disabled\":true}", &err) < 0) {
        hd_store_rollback(st);
        return hd_cli_fail(&err);
    }
    if (hd_store_commit(st, &err) < 0)
        return hd_cli_fail(&err);
    if (!cli->json)
        printf("disabled %s\n", u.email);
    return HD_EXIT_OK;
}

int hd_cli_cmd_user(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv) && argc <= 2) {
        printf("usage: helpdesk user add --email E --name N --role "
               "admin|agent|viewer [--queues Q1,Q2]  (password on stdin)\n"
               "       helpdesk user list [--json]\n"
               "       helpdesk user disable EMAIL\n"
               "       helpdesk user oncall EMAIL on|off\n"
               "       helpdesk user allow-ips EMAIL 'CIDR ...'  ('' "
               "removes)\n"
               "       helpdesk user review\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "add") == 0)
        return user_add(cli, argc, argv);
    if (strcmp(sub, "list") == 0)
        return user_list(cli);
    if (strcmp(sub, "disable") == 0)
        return user_disable(cli, argc, argv);
    if (strcmp(sub, "oncall") == 0 || strcmp(sub, "allow-ips") == 0 ||
        strcmp(sub, "review") == 0)
        return hd_cli_user_access(cli, argc, argv);
    return hd_cli_usage("user: expected add, list, disable, oncall, "
                        "allow-ips or review");
}

int hd_cli_cmd_queue(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk queue add NAME [--address ADDR] "
               "[--description TEXT]\n       helpdesk queue list [--json]\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0)
        return hd_cli_usage("queue: expected add or list");
    if (strcmp(sub, "add") == 0 && (argc < 3 || argv[2][0] == '-'))
        return hd_cli_usage("queue add NAME [--address ADDR]");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    if (strcmp(sub, "add") == 0) {
        int64_t id;
        const char *addr = hd_cli_opt(argc, argv, "--address");
        const char *desc = hd_cli_opt(argc, argv, "--description");
        if (hd_store_begin(st, &err) < 0)
            return hd_cli_fail(&err);
        /* The default queue made by init takes the first address given
         * to its name; any other existing name is refused by the add. */
        int adopted = strcmp(argv[2], hd_config_get(
                                          hd_instance_config(cli->inst),
                                          HD_CFG_SUPPORT_DEFAULT_QUEUE)) == 0
                          ? hd_store_queue_adopt(st, argv[2], addr, desc,
                                                 &id, &err)
                          : 0;
        if (adopted < 0 ||
            (adopted == 0 &&
             (hd_store_queue_add(st, argv[2], addr, desc, &id, &err) < 0 ||
              hd_store_queue_grant_all(st, id, &err) < 0)) ||
            hd_audit_cli(st, cli->arena,
                         hd_arena_printf(cli->arena, "queue:%lld",
                                         (long long)id),
                         "queue.add", NULL,
                         hd_audit_json(cli->arena,
                                       json_pack("{s:s, s:s?, s:s?}", "name",
                                                 argv[2], "address", addr,
                                                 "description", desc)),
                         &err) < 0) {
            hd_store_rollback(st);
            return hd_cli_fail(&err);
        }
        if (hd_store_commit(st, &err) < 0)
            return hd_cli_fail(&err);
        if (cli->json)
            hd_cli_print_json(json_pack("{s:I, s:s}", "id", (json_int_t)id,
                                        "name", argv[2]));
        else
            printf("queue %lld %s\n", (long long)id, argv[2]);
        return HD_EXIT_OK;
    }
    struct hd_queue *qs;
    size_t n;
    if (hd_store_queue_list(st, cli->arena, &qs, &n, &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (cli->json)
            json_array_append_new(
                arr, json_pack("{s:I, s:s, s:s?, s:s, s:I}", "id",
                               (json_int_t)qs[i].id, "name", qs[i].name,
                               "address", qs[i].address, "description",
                               qs[i].description, "open_tickets",
                               (json_int_t)qs[i].open_tickets));
        else
            printf("%-4lld %-20s %-32s %lld open\n", (long long)qs[i].id,
                   qs[i].name, qs[i].address ? qs[i].address : "-",
                   (long long)qs[i].open_tickets);
    }
    if (cli->json)
        hd_cli_print_json(arr);
    else
        json_decref(arr);
    return HD_EXIT_OK;
}

int hd_cli_cmd_org(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk org add NAME [--tier basic|standard|premium|"
               "enterprise] [--domain example.com,...]\n"
               "       helpdesk org list [--json]\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0)
        return hd_cli_usage("org: expected add or list");
    if (strcmp(sub, "add") == 0 && (argc < 3 || argv[2][0] == '-'))
        return hd_cli_usage("org add NAME [--tier T] [--domain D]");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    if (strcmp(sub, "add") == 0) {
        int64_t id;
        const char *domains = hd_cli_opt(argc, argv, "--domain");
        if (hd_store_begin(st, &err) < 0)
            return hd_cli_fail(&err);
        if (hd_store_org_add(st, argv[2], hd_cli_opt(argc, argv, "--tier"),
                             &id, &err) < 0)
            goto fail;
        char *l = domains ? hd_arena_strdup(cli->arena, domains) : NULL;
        for (char *d = l ? strtok(l, ",") : NULL; d; d = strtok(NULL, ","))
            if (hd_store_org_add_domain(st, id, d, &err) < 0)
                goto fail;
        if (hd_audit_cli(st, cli->arena,
                         hd_arena_printf(cli->arena, "org:%lld",
                                         (long long)id),
                         "org.add", NULL,
                         hd_audit_json(cli->arena,
                                       json_pack("{s:s, s:s?, s:s?}", "name",
                                                 argv[2], "tier",
                                                 hd_cli_opt(argc, argv,
                                                            "--tier"),
                                                 "domains", domains)),
                         &err) < 0)
            goto fail;
        if (hd_store_commit(st, &err) < 0)
            return hd_cli_fail(&err);
        if (cli->json)
            hd_cli_print_json(json_pack("{s:I, s:s}", "id", (json_int_t)id,
                                        "name", argv[2]));
        else
            printf("org %lld %s\n", (long long)id, argv[2]);
        return HD_EXIT_OK;
    fail:
        hd_store_rollback(st);
        return hd_cli_fail(&err);
    }
    struct hd_org *os;
    size_t n;
    if (hd_store_org_list(st, 0, cli->arena, &os, &n, &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (cli->json)
            json_array_append_new(
                arr, json_pack("{s:I, s:s, s:s, s:I, s:I}", "id",
                               (json_int_t)os[i].id, "name", os[i].name,
                               "tier", os[i].tier, "contacts",
                               (json_int_t)os[i].contacts, "tickets",
                               (json_int_t)os[i].tickets));
        else
            printf("%-4lld %-30s %-10s %lld contacts %lld tickets\n",
                   (long long)os[i].id, os[i].name, os[i].tier,
                   (long long)os[i].contacts, (long long)os[i].tickets);
    }
    if (cli->json)
        hd_cli_print_json(arr);
    else
        json_decref(arr);
    return HD_EXIT_OK;
}
