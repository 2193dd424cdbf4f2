/* cli_attach.c - `helpdesk attachments usage|quota|purge|scan`: storage
 * per organisation and the virus-scan pass, from the command line.
 *
 *   attachments usage [--json]
 *   attachments quota --org ID BYTES|default
 *   attachments purge --org ID --older-than DAYS (--yes | --dry-run)
 *   attachments scan [--retry-noted] [--json]
 *
 * scan exits 0 after a full pass, 75 (EX_TEMPFAIL) when clamd could not
 * be reached (nothing changed, run it again later) and 78 when
 * scan.clamd_socket is not set. */
#include "cli_attach.h"

#include "audit.h"
#include "blob.h"
#include "clock.h"
#include "config.h"
#include "log.h"
#include "scanjob.h"
#include "store_attach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ATT_DAY_SECS 86400
#define ATT_DAYS_MAX 36500 /* 100 years: anything larger is a typo */

/* Parses a non-negative decimal; false when s is not one. */
static bool parse_count(const char *s, long long max, long long *v_r)
{
    char *end;
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *v_r = v;
    return true;
}

static int64_t effective_quota(struct hd_cli *cli,
                               const struct hd_org_usage *u)
{
    return u->quota_bytes >= 0
               ? u->quota_bytes
               : hd_config_get_int(hd_instance_config(cli->inst),
                                   HD_CFG_ATTACHMENTS_ORG_QUOTA_BYTES);
}

static int att_usage(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_org_usage *us;
    size_t n;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    if (hd_store_attach_usage(hd_instance_store(cli->inst), cli->arena, &us,
                              &n, &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    if (!cli->json)
        printf("%-5s %-30s %14s %14s %7s %5s\n", "ORG", "NAME", "USED",
               "QUOTA", "STORED", "HELD");
    for (size_t i = 0; i < n; i++) {
        int64_t q = effective_quota(cli, &us[i]);
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:I, s:I, s:b, s:I, s:I}", "org_id",
                           (json_int_t)us[i].org_id, "name", us[i].name,
                           "used_bytes", (json_int_t)us[i].used_bytes,
                           "quota_bytes", (json_int_t)q, "quota_default",
                           us[i].quota_bytes < 0, "stored",
                           (json_int_t)us[i].stored, "held",
                           (json_int_t)us[i].held));
        if (!cli->json)
            printf("%-5lld %-30.30s %14lld %14lld%s %6lld %5lld\n",
                   (long long)us[i].org_id, us[i].name,
                   (long long)us[i].used_bytes, (long long)q,
                   us[i].quota_bytes < 0 ? "*" : " ",
                   (long long)us[i].stored, (long long)us[i].held);
    }
    if (cli->json)
        hd_cli_print_json(arr);
    else
        json_decref(arr);
    return HD_EXIT_OK;
}

/* Sets the quota and writes its audit row (-1: the instance default) in
 * one transaction; 1 set, 0 no such organisation, -1 error. */
static int quota_set_audited(struct hd_cli *cli, int64_t org, int64_t bytes,
                             struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(cli->inst);
    struct hd_org o;
    if (hd_store_begin(st, err) < 0)
        return -1;
    int f = hd_store_org_get(st, org, NULL, cli->arena, &o, err);
    if (f == 1)
        f = hd_store_org_set_quota(st, org, bytes, err);
    if (f == 1 &&
        hd_audit_cli(st, cli->arena,
                     hd_arena_printf(cli->arena, "org:%lld", (long long)org),
                     "attachments.quota",
                     hd_arena_printf(cli->arena, "{\"quota_bytes\":%lld}",
                                     (long long)o.quota_bytes),
                     hd_arena_printf(cli->arena, "{\"quota_bytes\":%lld}",
                                     (long long)(bytes < 0 ? -1 : bytes)),
                     err) < 0)
        f = -1;
    if (f <= 0) {
        hd_store_rollback(st);
        return f;
    }
    return hd_store_commit(st, err) < 0 ? -1 : 1;
}

static int att_quota(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    long long org, bytes = -1;
    const char *v = argc > 1 ? argv[argc - 1] : NULL;
    if (!parse_count(hd_cli_opt(argc, argv, "--org"), INT64_MAX, &org) ||
        v == NULL ||
        (strcmp(v, "default") != 0 && !parse_count(v, INT64_MAX, &bytes)))
        return hd_cli_usage("attachments quota --org ID BYTES|default");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    int f = quota_set_audited(cli, org, bytes, &err);
    if (f == 0)
        hd_error_set(&err, HD_E_NOTFOUND, "no organisation %lld", org);
    if (f <= 0)
        return hd_cli_fail(&err);
    if (bytes < 0)
        printf("organisation %lld: instance default quota\n", org);
    else
        printf("organisation %lld: quota %lld bytes\n", org, bytes);
    return HD_EXIT_OK;
}

/* Marks the rows purged with an event each; collects the blobs whose
 * files may go once this commits. */
static int purge_rows(struct hd_store *st, const struct hd_attach_item *its,
                      size_t n, struct hd_arena *a, const char **gone,
                      size_t *ngone_r, struct hd_error *err)
{
    *ngone_r = 0;
    for (size_t i = 0; i < n; i++) {
        const char *detail = hd_arena_printf(
            a, "attachment %.200s (%lld bytes) purged to free storage",
            its[i].at.filename, (long long)its[i].at.size);
        if (hd_store_attach_set_state(st, its[i].at.id, "purged", err) < 0 ||
            hd_store_event_add(st, its[i].ticket_id, "cli", "attachment",
                               "state", "stored", "purged", detail, err) < 0)
            return -1;
        int r = hd_store_blob_release(st, its[i].at.sha256, err);
        if (r < 0)
            return -1;
        if (r == 1)
            gone[(*ngone_r)++] = its[i].at.sha256;
    }
    return 0;
}

static int purge_commit(struct hd_cli *cli, int64_t org,
                        const struct hd_attach_item *its, size_t n,
                        size_t *files_r, struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(cli->inst);
    const char **gone = hd_arena_alloc(cli->arena, (n + 1) * sizeof *gone);
    size_t ngone;
    *files_r = 0;
    if (hd_store_begin(st, err) < 0)
        return -1;
    json_t *ids = json_array();
    int64_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(ids, json_integer(its[i].at.id));
        bytes += its[i].at.size;
    }
    if (purge_rows(st, its, n, cli->arena, gone, &ngone, err) < 0 ||
        hd_audit_cli(st, cli->arena,
                     hd_arena_printf(cli->arena, "org:%lld", (long long)org),
                     "attachments.purge", "{\"state\":\"stored\"}",
                     hd_audit_json(cli->arena,
                                   json_pack("{s:s, s:o, s:I}", "state",
                                             "purged", "attachments", ids,
                                             "bytes", (json_int_t)bytes)),
                     err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    if (hd_store_commit(st, err) < 0)
        return -1;
    /* After the commit: a crash here leaves unreferenced files, never a
     * row that names a missing file. */
    const char *blobs = hd_arena_printf(cli->arena, "%s/blobs",
                                        hd_instance_dir(cli->inst));
    for (size_t i = 0; i < ngone; i++) {
        if (hd_blob_remove_file(blobs, gone[i]) == 0)
            (*files_r)++;
        else
            hd_warn("attach", "unlink_failed", "blob=%s error=\"%s\"",
                    gone[i], strerror(errno));
    }
    return 0;
}

static int att_purge(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    long long org, days;
    bool yes = hd_cli_flag(argc, argv, "--yes");
    bool dry = hd_cli_flag(argc, argv, "--dry-run");
    if (!parse_count(hd_cli_opt(argc, argv, "--org"), INT64_MAX, &org) ||
        !parse_count(hd_cli_opt(argc, argv, "--older-than"), ATT_DAYS_MAX,
                     &days) ||
        yes == dry)
        return hd_cli_usage("attachments purge --org ID --older-than DAYS "
                            "(--yes | --dry-run)");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_attach_item *its;
    size_t n, files = 0;
    int64_t bytes = 0;
    if (hd_store_attach_purgeable(hd_instance_store(cli->inst), org,
                                  hd_clock_now() - days * ATT_DAY_SECS,
                                  cli->arena, &its, &n, &err) < 0)
        return hd_cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        bytes += its[i].at.size;
        if (!cli->json)
            printf("%s #%lld %s (%lld bytes)\n", dry ? "would purge" : "purge",
                   (long long)its[i].ticket_number, its[i].at.filename,
                   (long long)its[i].at.size);
    }
    if (!dry && purge_commit(cli, org, its, n, &files, &err) < 0)
        return hd_cli_fail(&err);
    if (!dry)
        hd_info("attach", "purged", "org=%lld count=%zu bytes=%lld "
                "files=%zu", org, n, (long long)bytes, files);
    if (cli->json)
        hd_cli_print_json(json_pack("{s:I, s:b, s:I, s:I, s:I}", "org_id",
                                    (json_int_t)org, "dry_run", dry, "count",
                                    (json_int_t)n, "bytes",
                                    (json_int_t)bytes, "files_deleted",
                                    (json_int_t)files));
    else
        printf("%s %zu attachment(s), %lld bytes; %zu file(s) deleted\n",
               dry ? "would purge" : "purged", n, (long long)bytes, files);
    return HD_EXIT_OK;
}

static int att_scan(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    struct mg_scan_stats s;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    if (mg_scan_run(cli->inst, hd_instance_store(cli->inst),
                    hd_cli_flag(argc, argv, "--retry-noted"), &s, &err) < 0)
        return hd_cli_fail(&err);
    if (!s.configured) {
        hd_error_set(&err, HD_E_CONFIG, "scan.clamd_socket is not set");
        return hd_cli_fail(&err);
    }
    if (cli->json)
        hd_cli_print_json(json_pack("{s:I, s:I, s:I, s:b}", "clean",
                                    (json_int_t)s.clean, "infected",
                                    (json_int_t)s.infected, "noted",
                                    (json_int_t)s.noted, "clamd_down",
                                    s.clamd_down));
    else
        printf("clean %zu, infected %zu, not scannable %zu%s\n", s.clean,
               s.infected, s.noted,
               s.clamd_down ? "; clamd unreachable, the rest waits" : "");
    return s.clamd_down ? HD_EXIT_TEMPFAIL : HD_EXIT_OK;
}

int mg_cli_attachments(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk attachments usage [--json]\n"
               "       helpdesk attachments quota --org ID BYTES|default\n"
               "       helpdesk attachments purge --org ID --older-than "
               "DAYS (--yes | --dry-run) [--json]\n"
               "       helpdesk attachments scan [--retry-noted] [--json]\n"
               "scan exits 75 when clamd cannot be reached (retry later).\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "usage") == 0)
        return att_usage(cli);
    if (strcmp(sub, "quota") == 0)
        return att_quota(cli, argc, argv);
    if (strcmp(sub, "purge") == 0)
        return att_purge(cli, argc, argv);
    if (strcmp(sub, "scan") == 0)
        return att_scan(cli, argc, argv);
    return hd_cli_usage("attachments: expected usage, quota, purge or scan");
}
