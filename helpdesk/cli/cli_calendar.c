/* cli_calendar.c - see cli_calendar.h.  One function per verb; each
 * checks its arguments first and maps errors to an exit status in
 * exit_for(). */
#include "cli_calendar.h"

#include "arena.h"
#include "audit.h"
#include "buf.h"
#include "calendar.h"
#include "clock.h"
#include "exitcode.h"
#include "holiday_jp.h"
#include "ics.h"
#include "store.h"
#include "store_calendar.h"

#include <errno.h>
#include <limits.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int exit_for(const struct hd_error *err)
{
    fprintf(stderr, "helpdesk calendar: %s\n", err->msg);
    switch (err->code) {
    case HD_E_INVAL:
    case HD_E_PARSE:
    case HD_E_TOOBIG:
        return HD_EXIT_DATAERR;
    default:
        return hd_error_is_temporary(err) ? HD_EXIT_TEMPFAIL
                                          : HD_EXIT_SOFTWARE;
    }
}

static int usage(const char *msg)
{
    fprintf(stderr,
            "helpdesk calendar: %s\n"
            "usage: helpdesk calendar holidays YEAR [--json]\n"
            "       helpdesk calendar is-open|next-open [TIME]\n"
            "       helpdesk calendar add-business-minutes TIME MINUTES\n"
            "       helpdesk calendar business-minutes FROM TO\n"
            "       helpdesk calendar closures | import FILE.ics\n"
            "       helpdesk calendar add-closure FIRST LAST NAME\n"
            "       helpdesk calendar delete-closure ID\n",
            msg);
    return HD_EXIT_CAL_USAGE;
}

static int parse_time_arg(const char *s, int64_t *t_r, struct hd_error *err)
{
    if (strcmp(s, "now") == 0) {
        *t_r = hd_clock_now();
        return 0;
    }
    return hd_time_parse(s, t_r, err);
}

/* Whole decimal number within [lo, hi]; 0 or -1. */
static int parse_long(const char *s, long lo, long hi, long *v_r)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *v_r = v;
    return 0;
}

/* A closure name fit for one output line: control bytes become spaces,
 * at most HD_NAME_MAX bytes cut on a UTF-8 boundary. */
static char *one_line_name(struct hd_arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n > HD_NAME_MAX) {
        n = HD_NAME_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* s[n] continues a sequence: cut before it starts */
    }
    char *out = hd_arena_strndup(a, s, n);
    for (char *p = out; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return *out != '\0' ? out : hd_arena_strdup(a, "臨時休業");
}

/* ---- pure calculations ------------------------------------------------ */

static int cmd_holidays(int argc, char **argv)
{
    long year;
    bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
    if ((argc != 2 && !json) ||
        parse_long(argv[1], HD_HOLIDAY_JP_FIRST, HD_HOLIDAY_JP_LAST, &year))
        return usage("holidays wants a YEAR from 1980 to 2099");
    struct hd_holiday h[HD_HOLIDAY_JP_YEAR_MAX];
    int n = hd_holiday_jp_list((int)year, h, HD_ARRAY_LEN(h));
    hd_assert(n >= 0);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        char d[11];
        hd_date_format(h[i].date, d);
        if (!json)
            printf("%s %s %s\n", d, h[i].name_ja, h[i].name_en);
        else
            json_array_append_new(arr,
                                  json_pack("{s:s, s:s, s:s}", "date", d,
                                            "name_ja", h[i].name_ja,
                                            "name_en", h[i].name_en));
    }
    if (json) {
        char *s = json_dumps(arr, JSON_INDENT(2));
        hd_assert(s != NULL);
        printf("%s\n", s);
        free(s);
    }
    json_decref(arr);
    return HD_EXIT_OK;
}

static int cmd_is_open(struct hd_calendar *cal, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t t;
    if (argc > 2)
        return usage("is-open wants one TIME");
    if (parse_time_arg(argc == 2 ? argv[1] : "now", &t, &err) < 0)
        return exit_for(&err);
    struct hd_calendar_reason r;
    hd_calendar_closed_reason(cal, t, &r);
    if (r.why == HD_CALENDAR_OPEN) {
        printf("open\n");
        return HD_EXIT_OK;
    }
    if (r.why == HD_CALENDAR_HOLIDAY)
        printf("closed (holiday: %s / %s)\n", r.name_ja, r.name_en);
    else if (r.why == HD_CALENDAR_OUTSIDE_HOURS)
        printf("closed (outside hours)\n");
    else if (r.why == HD_CALENDAR_DAY_OFF)
        printf("closed (%s)\n", r.name_en);
    else
        printf("closed (%s: %s)\n", hd_calendar_why_name(r.why), r.name_ja);
    return HD_EXIT_NO;
}

static int cmd_next_open(struct hd_calendar *cal, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t t, r;
    char out[32];
    if (argc > 2)
        return usage("next-open wants one TIME");
    if (parse_time_arg(argc == 2 ? argv[1] : "now", &t, &err) < 0 ||
        hd_calendar_next_open(cal, t, &r, &err) < 0)
        return exit_for(&err);
    hd_calendar_format(cal, r, out);
    printf("%s\n", out);
    return HD_EXIT_OK;
}

static int cmd_add_minutes(struct hd_calendar *cal, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t t, due;
    long minutes;
    char out[32];
    if (argc != 3 || parse_long(argv[2], 0, HD_CALENDAR_ADD_MAX, &minutes))
        return usage("add-business-minutes wants TIME and MINUTES "
                     "(0 to 527040)");
    if (parse_time_arg(argv[1], &t, &err) < 0 ||
        hd_calendar_add_minutes(cal, t, (int)minutes, &due, &err) < 0)
        return exit_for(&err);
    hd_calendar_format(cal, due, out);
    printf("%s\n", out);
    return HD_EXIT_OK;
}

static int cmd_between(struct hd_calendar *cal, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t a, b;
    if (argc != 3)
        return usage("business-minutes wants FROM and TO");
    if (parse_time_arg(argv[1], &a, &err) < 0 ||
        parse_time_arg(argv[2], &b, &err) < 0)
        return exit_for(&err);
    printf("%lld\n",
           (long long)hd_calendar_business_minutes_between(cal, a, b));
    return HD_EXIT_OK;
}

/* ---- stored closures -------------------------------------------------- */

static int cmd_closures(struct hd_store *st, int argc)
{
    struct hd_error err = HD_ERROR_INIT;
    if (argc != 1)
        return usage("closures takes no arguments");
    struct hd_arena *a = hd_arena_new();
    struct hd_closure *cs;
    size_t n;
    int rc = HD_EXIT_OK;
    if (hd_store_closure_list(st, a, &cs, &n, &err) < 0)
        rc = exit_for(&err);
    for (size_t i = 0; rc == HD_EXIT_OK && i < n; i++) {
        char f[11], l[11];
        hd_date_format(cs[i].first, f);
        hd_date_format(cs[i].last, l);
        printf("%lld %s %s %s [%s]\n", (long long)cs[i].id, f, l,
               one_line_name(a, cs[i].name), one_line_name(a, cs[i].source));
    }
    hd_arena_free(&a);
    return rc;
}

/* {"first","last","name","source"} of a closure, for the audit log. */
static json_t *closure_json(const struct hd_closure *c)
{
    char f[11], l[11];
    hd_date_format(c->first, f);
    hd_date_format(c->last, l);
    return json_pack("{s:s, s:s, s:s, s:s}", "first", f, "last", l, "name",
                     c->name, "source", c->source);
}

/* Adds one closure and its audit row in one transaction. */
static int closure_add_audited(struct hd_store *st, const struct hd_closure *c,
                               struct hd_arena *a, int64_t *id_r,
                               struct hd_error *err)
{
    if (hd_store_begin(st, err) < 0)
        return -1;
    if (hd_store_closure_add(st, c, id_r, err) < 0 ||
        hd_audit_cli(st, a,
                     hd_arena_printf(a, "closure:%lld", (long long)*id_r),
                     "calendar.add_closure", NULL,
                     hd_audit_json(a, closure_json(c)), err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    return hd_store_commit(st, err);
}

static int cmd_add_closure(struct hd_store *st, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_closure c = {0};
    int64_t id;
    if (argc != 4)
        return usage("add-closure wants FIRST LAST NAME");
    if (hd_date_parse(argv[1], &c.first, &err) < 0 ||
        hd_date_parse(argv[2], &c.last, &err) < 0)
        return exit_for(&err);
    struct hd_arena *a = hd_arena_new();
    c.name = one_line_name(a, argv[3]);
    c.source = "manual";
    int rc = closure_add_audited(st, &c, a, &id, &err);
    if (rc == 0)
        printf("%lld\n", (long long)id);
    hd_arena_free(&a);
    return rc == 0 ? HD_EXIT_OK : exit_for(&err);
}

/* Deletes closure id and writes its audit row (before: the closure) in
 * one transaction; 1 deleted, 0 no such closure, -1 error. */
static int closure_delete_audited(struct hd_store *st, long id,
                                  struct hd_arena *a, struct hd_error *err)
{
    struct hd_closure *cs;
    size_t n;
    if (hd_store_begin(st, err) < 0)
        return -1;
    int rc = hd_store_closure_list(st, a, &cs, &n, err);
    const struct hd_closure *old = NULL;
    for (size_t i = 0; rc == 0 && i < n; i++)
        old = cs[i].id == id ? &cs[i] : old;
    if (rc == 0)
        rc = hd_store_closure_delete(st, id, err);
    if (rc == 1 && old != NULL &&
        hd_audit_cli(st, a, hd_arena_printf(a, "closure:%ld", id),
                     "calendar.delete_closure",
                     hd_audit_json(a, closure_json(old)), NULL, err) < 0)
        rc = -1;
    if (rc <= 0) {
        hd_store_rollback(st);
        return rc;
    }
    return hd_store_commit(st, err) < 0 ? -1 : 1;
}

static int cmd_delete_closure(struct hd_store *st, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    long id;
    if (argc != 2 || parse_long(argv[1], 1, LONG_MAX, &id))
        return usage("delete-closure wants an ID");
    struct hd_arena *a = hd_arena_new();
    int rc = closure_delete_audited(st, id, a, &err);
    hd_arena_free(&a);
    if (rc < 0)
        return exit_for(&err);
    if (rc == 0) {
        fprintf(stderr, "helpdesk calendar: no closure %ld\n", id);
        return HD_EXIT_DATAERR;
    }
    return HD_EXIT_OK;
}

/* Reads at most HD_ICS_MAX_BYTES; 0, or -1 with err (HD_E_TOOBIG,
 * HD_E_NOTFOUND when it cannot be opened, HD_E_IO). */
static int read_capped(const char *path, struct hd_buf *b,
                       struct hd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hd_error_set(err, HD_E_NOTFOUND, "cannot open %.200s: %s", path,
                     strerror(errno));
        return -1;
    }
    char chunk[65536];
    size_t got;
    int rc = 0;
    while (rc == 0 && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = hd_buf_append(b, chunk, got, err);
    if (rc == 0 && ferror(f)) {
        hd_error_set(err, HD_E_IO, "cannot read %.200s", path);
        rc = -1;
    } else if (rc < 0) {
        hd_error_set(err, HD_E_TOOBIG, "%.200s is larger than %u bytes",
                     path, HD_ICS_MAX_BYTES);
    }
    fclose(f);
    return rc;
}

/* Parses and places every event before the first write, then writes all
 * of them in one transaction: a bad event leaves the database as it was. */
static int import_events(struct hd_store *st, struct hd_calendar *cal,
                         const char *path, struct hd_arena *a,
                         size_t *n_r, struct hd_error *err)
{
    struct hd_buf b;
    struct hd_ics_event *evs;
    size_t n;
    hd_buf_init(&b, HD_ICS_MAX_BYTES);
    int rc = read_capped(path, &b, err);
    if (rc == 0)
        rc = hd_ics_parse(b.data ? b.data : "", b.len, a, &evs, &n, err);
    hd_buf_deinit(&b);
    if (rc < 0)
        return -1;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *source = one_line_name(a, hd_arena_printf(a, "ics:%s", base));
    struct hd_closure *cs = hd_arena_zalloc(a, (n + 1) * sizeof *cs);
    for (size_t i = 0; i < n; i++) {
        if (hd_calendar_ics_days(cal, &evs[i], &cs[i].first, &cs[i].last,
                                 err) < 0)
            return -1;
        cs[i].name = one_line_name(a, evs[i].summary);
        cs[i].source = source;
    }
    if (hd_store_begin(st, err) < 0)
        return -1;
    json_t *added = json_array();
    for (size_t i = 0; i < n; i++) {
        if (hd_store_closure_add(st, &cs[i], NULL, err) < 0) {
            json_decref(added);
            hd_store_rollback(st);
            return -1;
        }
        json_array_append_new(added, closure_json(&cs[i]));
    }
    if (hd_audit_cli(st, a, hd_arena_printf(a, "calendar:%s", source),
                     "calendar.import", NULL,
                     hd_audit_json(a, json_pack("{s:o}", "closures", added)),
                     err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    if (hd_store_commit(st, err) < 0)
        return -1;
    *n_r = n;
    return 0;
}

static int cmd_import(struct hd_store *st, struct hd_calendar *cal, int argc,
                      char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    size_t n = 0;
    if (argc != 2)
        return usage("import wants one FILE.ics");
    struct hd_arena *a = hd_arena_new();
    int rc = import_events(st, cal, argv[1], a, &n, &err);
    hd_arena_free(&a);
    if (rc < 0 && err.code == HD_E_NOTFOUND) {
        fprintf(stderr, "helpdesk calendar: %s\n", err.msg);
        return HD_EXIT_NOINPUT;
    }
    if (rc < 0)
        return exit_for(&err);
    printf("imported %zu closures from %s\n", n, argv[1]);
    return HD_EXIT_OK;
}

int hd_cli_calendar(struct hd_store *st, struct hd_calendar *cal, int argc,
                    char **argv)
{
    if (argc > 0 && strcmp(argv[0], "calendar") == 0) {
        argc--;
        argv++;
    }
    if (argc < 1)
        return usage("missing command");
    const char *verb = argv[0];
    if (strcmp(verb, "holidays") == 0)
        return cmd_holidays(argc, argv);
    if (strcmp(verb, "is-open") == 0)
        return cmd_is_open(cal, argc, argv);
    if (strcmp(verb, "next-open") == 0)
        return cmd_next_open(cal, argc, argv);
    if (strcmp(verb, "add-business-minutes") == 0)
        return cmd_add_minutes(cal, argc, argv);
    if (strcmp(verb, "business-minutes") == 0)
        return cmd_between(cal, argc, argv);
    bool store_verb = strcmp(verb, "closures") == 0 ||
                      strcmp(verb, "add-closure") == 0 ||
                      strcmp(verb, "delete-closure") == 0 ||
                      strcmp(verb, "import") == 0;
    if (!store_verb)
        return usage("unknown command");
    if (st == NULL)
        return usage("this command needs the database");
    if (strcmp(verb, "closures") == 0)
        return cmd_closures(st, argc);
    if (strcmp(verb, "add-closure") == 0)
        return cmd_add_closure(st, argc, argv);
    if (strcmp(verb, "delete-closure") == 0)
        return cmd_delete_closure(st, argc, argv);
    return cmd_import(st, cal, argc, argv);
}
