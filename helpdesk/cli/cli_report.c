/* cli_report.c - the service checklist and availability reports, and
 * outages of the service entered by hand (audit logged).  Arguments are
 * checked here; the arithmetic is uptime.c's, the answers report.c's. */
#include "cli_report.h"

#include "audit.h"
#include "clock.h"
#include "report.h"
#include "scan.h"
#include "uptime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTAGE_CAUSE_MAX 1000 /* bytes of an outage's cause */
#define REPORT_DAYS_MAX 3660  /* --days: ten years at most */

/* [from, to) of --year YYYY (instance zone) or --days N (default 365). */
static int report_period(int argc, char **argv, int64_t now, int64_t *from_r,
                         int64_t *to_r)
{
    const char *year = hd_cli_opt(argc, argv, "--year");
    const char *days = hd_cli_opt(argc, argv, "--days");
    char *end;
    if (year != NULL && days != NULL)
        return hd_cli_usage("report: give --year or --days, not both");
    if (year != NULL) {
        long y = strtol(year, &end, 10);
        if (*end != '\0' || y < 2000 || y > 2999)
            return hd_cli_usage("report: --year wants YYYY, got '%s'", year);
        *from_r = hd_time_from_local((int)y, 1, 1, 0, 0, 0);
        *to_r = hd_time_from_local((int)y + 1, 1, 1, 0, 0, 0);
        return 0;
    }
    long n = HD_REPORT_DAYS;
    if (days != NULL) {
        n = strtol(days, &end, 10);
        if (*end != '\0' || n < 1 || n > REPORT_DAYS_MAX)
            return hd_cli_usage("report: --days wants 1..%d, got '%s'",
                                REPORT_DAYS_MAX, days);
    }
    *from_r = now - (int64_t)n * 86400;
    *to_r = now;
    return 0;
}

static json_t *outage_json(const struct hd_outage *o)
{
    return json_pack("{s:I, s:o, s:o, s:I, s:s, s:s, s:s}", "id",
                     (json_int_t)o->id, "start", hd_cli_json_time(o->start_at),
                     "end", hd_cli_json_time(o->end_at), "seconds",
                     (json_int_t)(o->end_at - o->start_at), "kind", o->kind,
                     "cause", o->cause, "recorded_by", o->recorded_by);
}

static json_t *availability_json(const struct hd_uptime_report *rep)
{
    json_t *outs = json_array(), *down = json_array();
    for (size_t i = 0; i < rep->n_outages; i++)
        json_array_append_new(outs, outage_json(&rep->outages[i]));
    for (size_t i = 0; i < rep->r.n_down; i++)
        json_array_append_new(
            down, json_pack("{s:o, s:o, s:I}", "start",
                            hd_cli_json_time(rep->r.down[i].start), "end",
                            hd_cli_json_time(rep->r.down[i].end), "seconds",
                            (json_int_t)(rep->r.down[i].end -
                                         rep->r.down[i].start)));
    char pct[32];
    snprintf(pct, sizeof pct, "%.3f", rep->r.percent);
    return json_pack(
        "{s:o, s:o, s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
        "from", hd_cli_json_time(rep->from), "to", hd_cli_json_time(rep->to),
        "availability", pct, "percent", rep->r.percent, "period_seconds",
        (json_int_t)rep->r.period_secs, "planned_seconds",
        (json_int_t)rep->r.planned_secs, "maintenance_seconds",
        (json_int_t)rep->r.maintenance_secs, "down_seconds",
        (json_int_t)rep->r.down_secs, "worker_beats",
        (json_int_t)rep->beats, "maintenance_windows",
        (json_int_t)rep->maintenance_windows, "long_outages",
        (json_int_t)rep->r.long_incidents, "outages", down, "recorded",
        outs);
}

static void print_availability(const struct hd_uptime_report *rep)
{
    char a[32], b[32];
    hd_time_format_local(rep->from, a);
    hd_time_format_local(rep->to, b);
    printf("availability %.3f%% from %s to %s\n", rep->r.percent, a, b);
    printf("planned %lld s (maintenance %lld s, %lld windows), down %lld s, "
           "%zu outage(s), %lld of a day or more, %lld worker beats\n",
           (long long)rep->r.planned_secs, (long long)rep->r.maintenance_secs,
           (long long)rep->maintenance_windows, (long long)rep->r.down_secs,
           rep->r.n_down, (long long)rep->r.long_incidents,
           (long long)rep->beats);
    for (size_t i = 0; i < rep->r.n_down; i++) {
        hd_time_format_local(rep->r.down[i].start, a);
        hd_time_format_local(rep->r.down[i].end, b);
        printf("  down %s .. %s\n", a, b);
    }
    for (size_t i = 0; i < rep->n_outages; i++) {
        const struct hd_outage *o = &rep->outages[i];
        hd_time_format_local(o->start_at, a);
        hd_time_format_local(o->end_at, b);
        printf("  #%lld %s %s .. %s: %s\n", (long long)o->id, o->kind, a, b,
               o->cause);
    }
}

static int cmd_availability(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t now = hd_clock_now(), from, to;
    int rc = report_period(argc, argv, now, &from, &to);
    if (rc != 0 || (rc = hd_cli_open(cli)) != 0)
        return rc;
    struct hd_uptime_report rep;
    if (hd_uptime_report(hd_instance_store(cli->inst), from, to, now,
                         cli->arena, &rep, &err) < 0)
        return hd_cli_fail(&err);
    if (cli->json)
        hd_cli_print_json(availability_json(&rep));
    else
        print_availability(&rep);
    return HD_EXIT_OK;
}

static void print_checklist(const json_t *rows)
{
    size_t i;
    const json_t *r;
    json_array_foreach(rows, i, r) {
        printf("%2lld [%s] %s\n    %s\n    %s\n",
               (long long)json_integer_value(json_object_get(r, "no")),
               json_string_value(json_object_get(r, "status")),
               json_string_value(json_object_get(r, "item")),
               json_string_value(json_object_get(r, "answer")),
               json_string_value(json_object_get(r, "evidence")));
    }
}

static int cmd_checklist(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *lang = hd_cli_opt(argc, argv, "--lang");
    if (lang == NULL)
        lang = "ja";
    if (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0)
        return hd_cli_usage("report checklist: --lang wants ja or en");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    json_t *rows;
    if (hd_report_checklist(cli->inst, hd_instance_store(cli->inst), lang,
                            hd_scan_ping, &rows, &err) < 0)
        return hd_cli_fail(&err);
    if (hd_cli_flag(argc, argv, "--html")) {
        struct hd_buf b;
        hd_buf_init(&b, HD_REPORT_HTML_MAX);
        const char *name = hd_config_instance_name(
            hd_instance_config(cli->inst), lang);
        const char *title = hd_arena_printf(
            cli->arena, strcmp(lang, "ja") == 0
                            ? "%s クラウドサービスチェックリスト"
                            : "%s cloud service checklist", name);
        rc = hd_report_checklist_html(rows, lang, title, &b, &err);
        if (rc == 0)
            fputs(hd_buf_cstr(&b), stdout);
        hd_buf_deinit(&b);
        json_decref(rows);
        return rc == 0 ? HD_EXIT_OK : hd_cli_fail(&err);
    }
    if (cli->json) {
        hd_cli_print_json(rows);
        return HD_EXIT_OK;
    }
    print_checklist(rows);
    json_decref(rows);
    return HD_EXIT_OK;
}

int hd_cli_cmd_report(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk report availability [--year YYYY | --days N] "
               "[--json]\n"
               "       helpdesk report checklist [--lang ja|en] "
               "[--json | --html]\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "availability") == 0)
        return cmd_availability(cli, argc - 1, argv + 1);
    if (strcmp(sub, "checklist") == 0)
        return cmd_checklist(cli, argc - 1, argv + 1);
    return hd_cli_usage("report: expected availability or checklist");
}

/* ---- outages ------------------------------------------------------------ */

/* Parses and checks the options of `outage add` into o. */
static int outage_args(int argc, char **argv, struct hd_outage *o,
                       struct hd_error *err)
{
    const char *start = hd_cli_opt(argc, argv, "--start");
    const char *end = hd_cli_opt(argc, argv, "--end");
    const char *cause = hd_cli_opt(argc, argv, "--cause");
    if (start == NULL || end == NULL || cause == NULL) {
        hd_error_set(err, HD_E_INVAL, "outage add needs --start T --end T "
                                      "--cause TEXT");
        return -1;
    }
    if (hd_time_parse(start, &o->start_at, err) < 0 ||
        hd_time_parse(end, &o->end_at, err) < 0) {
        hd_error_set(err, HD_E_INVAL, "outage: times are RFC 3339, e.g. "
                                      "2026-03-01T02:00:00+09:00 (got '%.40s' "
                                      "and '%.40s')", start, end);
        return -1;
    }
    if (o->end_at <= o->start_at) {
        hd_error_set(err, HD_E_INVAL, "outage: --end must be after --start");
        return -1;
    }
    if (o->end_at > hd_clock_now()) {
        hd_error_set(err, HD_E_INVAL, "outage: --end is in the future; "
                                      "record an outage once it is over");
        return -1;
    }
    size_t n = strlen(cause);
    if (n == 0 || n > OUTAGE_CAUSE_MAX) {
        hd_error_set(err, HD_E_INVAL, "outage: --cause must be 1..%d bytes",
                     OUTAGE_CAUSE_MAX);
        return -1;
    }
    o->cause = cause;
    o->kind = hd_cli_flag(argc, argv, "--planned") ? "planned" : "unplanned";
    return 0;
}

static int outage_add(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_outage o = {.recorded_by = hd_audit_cli_actor(cli->arena)};
    if (outage_args(argc, argv, &o, &err) < 0)
        return hd_cli_fail(&err);
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    int64_t origin;
    if (hd_uptime_record_start(st, cli->arena, &origin, &err) < 0)
        return hd_cli_fail(&err);
    if (o.start_at < origin) {
        /* Counted against no record, it would vanish from the report
         * (rows 11, 13, 19): refuse it rather than lose it silently. */
        char t[32];
        hd_time_format_local(origin, t);
        hd_error_set(&err, HD_E_INVAL, "outage: --start is before the "
                     "availability record starts (%s)", t);
        return hd_cli_fail(&err);
    }
    int64_t id;
    json_t *after = outage_json(&o);
    struct hd_audit_entry e = {.actor = o.recorded_by, .source = "cli",
                               .action = "outage.add"};
    if (hd_store_begin(st, &err) < 0)
        goto fail;
    if (hd_store_outage_add(st, &o, &id, &err) < 0)
        goto rollback;
    e.object = hd_arena_printf(cli->arena, "outage:%lld", (long long)id);
    json_object_set_new(after, "id", json_integer(id));
    char *dump = json_dumps(after, JSON_COMPACT);
    hd_assert(dump != NULL);
    e.after_json = hd_arena_strdup(cli->arena, dump);
    free(dump);
    if (hd_audit_append(st, &e, cli->arena, &err) < 0)
        goto rollback;
    if (hd_store_commit(st, &err) < 0)
        goto fail;
    json_decref(after);
    if (cli->json)
        hd_cli_print_json(json_pack("{s:I, s:s}", "id", (json_int_t)id,
                                    "kind", o.kind));
    else
        printf("outage %lld recorded (%s)\n", (long long)id, o.kind);
    return HD_EXIT_OK;
rollback:
    hd_store_rollback(st);
fail:
    json_decref(after);
    return hd_cli_fail(&err);
}

static int outage_list(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t now = hd_clock_now(), from, to;
    int rc = report_period(argc, argv, now, &from, &to);
    if (rc != 0 || (rc = hd_cli_open(cli)) != 0)
        return rc;
    struct hd_outage *os;
    size_t n;
    if (hd_store_outage_list(hd_instance_store(cli->inst), from, to,
                             cli->arena, &os, &n, &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, outage_json(&os[i]));
    if (!cli->json) {
        size_t i;
        json_t *x;
        json_array_foreach(arr, i, x)
            printf("#%lld %s %s .. %s: %s\n",
                   (long long)json_integer_value(json_object_get(x, "id")),
                   json_string_value(json_object_get(x, "kind")),
                   json_string_value(json_object_get(x, "start")),
                   json_string_value(json_object_get(x, "end")),
                   json_string_value(json_object_get(x, "cause")));
        json_decref(arr);
        return HD_EXIT_OK;
    }
    hd_cli_print_json(arr);
    return HD_EXIT_OK;
}

int hd_cli_cmd_outage(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk outage add --start T --end T --cause TEXT "
               "[--planned]\n       helpdesk outage list [--year YYYY | "
               "--days N] [--json]\nT is RFC 3339.  Outages count in "
               "helpdesk report availability.\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "add") == 0)
        return outage_add(cli, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0)
        return outage_list(cli, argc - 1, argv + 1);
    return hd_cli_usage("outage: expected add or list");
}
