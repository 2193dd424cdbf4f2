/* cli_webhook.c - `helpdesk webhook add|list`: receivers of ticket
 * events.  The secret comes from a file so it never appears in argv or
 * shell history. */
#include "cli_int.h"

#include "store_api.h"
#include "webhook.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Reads the secret (first line, at most HD_WEBHOOK_SECRET_MAX bytes). */
static int read_secret(const char *path, char out[HD_WEBHOOK_SECRET_MAX + 2],
                       struct hd_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        hd_error_set(err, HD_E_IO, "%.200s: %s", path, strerror(errno));
        return -1;
    }
    size_t n = fread(out, 1, HD_WEBHOOK_SECRET_MAX + 1, f);
    fclose(f);
    out[n] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    n = strlen(out);
    if (n < HD_WEBHOOK_SECRET_MIN || n > HD_WEBHOOK_SECRET_MAX) {
        hd_error_set(err, HD_E_INVAL, "secret is %zu bytes: expected %d..%d",
                     n, HD_WEBHOOK_SECRET_MIN, HD_WEBHOOK_SECRET_MAX);
        return -1;
    }
    return 0;
}

static int webhook_add(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *url = argc > 2 ? argv[2] : NULL;
    const char *events = hd_cli_opt(argc, argv, "--events");
    const char *sf = hd_cli_opt(argc, argv, "--secret-file");
    if (url == NULL || url[0] == '-' || events == NULL || sf == NULL)
        return hd_cli_usage("webhook add URL --events created,updated,"
                            "sla_breached --secret-file F");
    if ((strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        || strlen(url) > HD_WEBHOOK_URL_MAX)
        return hd_cli_usage("webhook URL must be http:// or https://");
    char secret[HD_WEBHOOK_SECRET_MAX + 2];
    if (hd_webhook_events_check(events, &err) < 0 ||
        read_secret(sf, secret, &err) < 0)
        return hd_cli_fail(&err);
    int rc = hd_cli_open(cli);
    int64_t id = 0;
    if (rc == 0 && hd_store_webhook_add(hd_instance_store(cli->inst), url,
                                        events, secret, &id, &err) < 0)
        rc = hd_cli_fail(&err);
    hd_memzero_explicit(secret, sizeof secret);
    if (rc != 0)
        return rc;
    if (cli->json)
        hd_cli_print_json(json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id,
                                    "url", url, "events", events));
    else
        printf("webhook %lld %s (%s)\n", (long long)id, url, events);
    return HD_EXIT_OK;
}

static int webhook_list(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_webhook *ws;
    size_t n;
    if (hd_store_webhook_list(hd_instance_store(cli->inst), cli->arena, &ws,
                              &n, &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!cli->json) {
            printf("%-4lld %s %s%s\n", (long long)ws[i].id, ws[i].url,
                   ws[i].events, ws[i].disabled ? " disabled" : "");
            continue;
        }
        json_array_append_new(arr, json_pack(
            "{s:I, s:s, s:s, s:b}", "id", (json_int_t)ws[i].id, "url",
            ws[i].url, "events", ws[i].events, "disabled", ws[i].disabled));
    }
    if (cli->json)
        hd_cli_print_json(arr);
    else
        json_decref(arr);
    return HD_EXIT_OK;
}

int hd_cli_cmd_webhook(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk webhook add URL --events "
               "created,updated,sla_breached --secret-file F\n"
               "       helpdesk webhook list [--json]\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "add") == 0)
        return webhook_add(cli, argc, argv);
    if (strcmp(sub, "list") == 0)
        return webhook_list(cli);
    return hd_cli_usage("webhook: expected add or list");
}
