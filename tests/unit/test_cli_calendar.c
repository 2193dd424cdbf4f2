/* test_cli_calendar.c - `helpdesk calendar ...` driven through
 * hd_cli_calendar() with a real in-memory store: output, exit statuses,
 * and all-or-nothing imports from files on disk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "cli_calendar.h"
#include "ics.h"
#include "store.h"
#include "store_calendar.h"

static struct hd_store *st;
static struct hd_calendar *cal;
static char dir[64];
static char out[65536];

/* Runs the command with stdout captured into out[]; returns the status. */
static int run(const char *first, ...)
{
    char *argv[8];
    int argc = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s != NULL && argc < 8; s = va_arg(ap, char *))
        argv[argc++] = (char *)s;
    va_end(ap);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stdout);
    int saved = dup(1);
    dup2(fileno(tmp), 1);
    int rc = hd_cli_calendar(st, cal, argc, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    rewind(tmp);
    size_t n = fread(out, 1, sizeof out - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
    return rc;
}

static const char *write_file(const char *name, const char *text, size_t len)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

static int setup(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_open(":memory:", HD_STORE_CREATE, 1000, &st, &err) < 0)
        return -1;
    cal = hd_calendar_new_default(&err);
    snprintf(dir, sizeof dir, "/tmp/hdcal.XXXXXX");
    return cal != NULL && mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hd_calendar_free(&cal);
    hd_store_close(&st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const struct {
    const char *argv[5];
    int status;
    const char *out; /* exact stdout, or NULL: not checked */
} cases[] = {
    {{"calendar", "is-open", "2026-03-02T12:00:00+09:00"}, 0, "open\n"},
    {{"calendar", "is-open", "2026-01-01T12:00:00+09:00"}, 1,
     "closed (year-end: 年末年始休業)\n"},
    {{"calendar", "is-open", "2026-05-04T12:00:00+09:00"}, 1,
     "closed (holiday: みどりの日 / Greenery Day)\n"},
    {{"calendar", "is-open", "2026-03-07T12:00:00+09:00"}, 1,
     "closed (weekend)\n"},
    {{"calendar", "is-open", "2026-03-02T20:00:00+09:00"}, 1,
     "closed (outside hours)\n"},
    {{"calendar", "is-open", "2026-03-02 12:00"}, 65, ""},
    {{"calendar", "next-open", "2026-12-28T19:30:00+09:00"}, 0,
     "2027-01-04T10:00:00+09:00\n"},
    {{"next-open", "2026-12-28T10:30:00Z"}, 0, "2027-01-04T10:00:00+09:00\n"},
    {{"calendar", "add-business-minutes", "2026-12-25T18:00:00+09:00", "60"},
     0, "2026-12-25T19:00:00+09:00\n"},
    {{"calendar", "add-business-minutes", "2026-12-25T18:00:00+09:00", "61"},
     0, "2026-12-28T10:01:00+09:00\n"},
    {{"calendar", "add-business-minutes", "2026-12-25T18:00:00+09:00", "-1"},
     2, ""},
    {{"calendar", "add-business-minutes", "2026-12-25T18:00:00+09:00", "1x"},
     2, ""},
    {{"calendar", "business-minutes", "2026-12-25T18:00:00+09:00",
      "2027-01-04T10:30:00+09:00"},
     0, "630\n"}, /* 60 + 540 (12/28) + 30 */
    {{"calendar", "holidays", "1979"}, 2, ""},
    {{"calendar", "holidays", "2026", "--xml"}, 2, ""},
    {{"calendar", "holidays"}, 2, ""},
    {{"calendar"}, 2, ""},
    {{"calendar", "frobnicate"}, 2, ""},
    {{"calendar", "delete-closure", "0"}, 2, ""},
    {{"calendar", "delete-closure", "999"}, 65, ""},
    {{"calendar", "add-closure", "2026-02-30", "2026-03-01", "x"}, 65, ""},
    {{"calendar", "add-closure", "2026-03-02", "2026-03-01", "x"}, 65, ""},
    {{"calendar", "import", "/nonexistent/x.ics"}, 66, ""},
};

static void test_commands(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        int argc = 0;
        while (argc < 5 && cases[i].argv[argc] != NULL)
            argc++;
        const char *const *a = cases[i].argv;
        int rc = run(a[0], argc > 1 ? a[1] : NULL, argc > 2 ? a[2] : NULL,
                     argc > 3 ? a[3] : NULL, argc > 4 ? a[4] : NULL, NULL);
        if (rc != cases[i].status ||
            (cases[i].out != NULL && strcmp(out, cases[i].out) != 0))
            fail_msg("case %zu (%s): status %d out \"%s\", want %d \"%s\"",
                     i, argc > 1 ? a[1] : a[0], rc, out, cases[i].status,
                     cases[i].out);
    }
}

static void test_holidays(void **state)
{
    (void)state;
    assert_int_equal(run("calendar", "holidays", "2026", NULL), 0);
    assert_int_equal(strncmp(out, "2026-01-01 元日 New Year's Day\n", 33), 0);
    assert_non_null(strstr(out, "\n2026-09-22 国民の休日 Citizens' Holiday\n"));
    int lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 18);

    assert_int_equal(run("calendar", "holidays", "2026", "--json", NULL), 0);
    json_error_t jerr;
    json_t *arr = json_loads(out, 0, &jerr);
    assert_non_null(arr);
    assert_int_equal(json_array_size(arr), 18);
    json_t *o = json_array_get(arr, 13);
    assert_string_equal(json_string_value(json_object_get(o, "date")),
                        "2026-09-22");
    assert_string_equal(json_string_value(json_object_get(o, "name_ja")),
                        "国民の休日");
    json_decref(arr);
}

static size_t stored(void)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_arena *a = hd_arena_new();
    struct hd_closure *cs;
    size_t n;
    assert_int_equal(hd_store_closure_list(st, a, &cs, &n, &err), 0);
    hd_arena_free(&a);
    return n;
}

#define ICS(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" body "END:VCALENDAR\r\n"

static void test_import(void **state)
{
    (void)state;
    static const char good[] = ICS(
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260812\r\n"
        "DTEND;VALUE=DATE:20260815\r\nSUMMARY:夏季休業\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260601\r\n"
        "SUMMARY:創立記念日\\nお休み\r\nRRULE:FREQ=YEARLY;COUNT=2\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\nDTSTART:20261006T150000Z\r\n"
        "DTEND:20261007T150000Z\r\nSUMMARY:棚卸し\r\nEND:VEVENT\r\n");
    const char *p = write_file("good.ics", good, sizeof good - 1);
    assert_int_equal(run("calendar", "import", p, NULL), 0);
    assert_non_null(strstr(out, "imported 4 closures"));
    assert_int_equal(stored(), 4);

    /* One bad event anywhere: nothing of the file is stored. */
    static const char bad[] = ICS(
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261101\r\nSUMMARY:ok\r\n"
        "END:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261131\r\n"
        "END:VEVENT\r\n");
    p = write_file("bad.ics", bad, sizeof bad - 1);
    assert_int_equal(run("calendar", "import", p, NULL), 65);
    static const char zone[] = ICS(
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261101\r\nSUMMARY:ok\r\n"
        "END:VEVENT\r\nBEGIN:VEVENT\r\n"
        "DTSTART;TZID=Europe/Berlin:20261102T090000\r\nEND:VEVENT\r\n");
    p = write_file("zone.ics", zone, sizeof zone - 1);
    assert_int_equal(run("calendar", "import", p, NULL), 65);
    static const char open_end[] = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
                                   "DTSTART:20261101\r\n";
    p = write_file("open.ics", open_end, sizeof open_end - 1);
    assert_int_equal(run("calendar", "import", p, NULL), 65);
    size_t big = HD_ICS_MAX_BYTES + 10;
    char *huge = malloc(big);
    memset(huge, 'A', big);
    p = write_file("huge.ics", huge, big);
    free(huge);
    assert_int_equal(run("calendar", "import", p, NULL), 65);
    assert_int_equal(stored(), 4);

    assert_int_equal(run("calendar", "closures", NULL), 0);
    assert_non_null(strstr(out, " 2026-06-01 2026-06-01 創立記念日 お休み "
                                "[ics:good.ics]\n"));
    assert_non_null(strstr(out, " 2026-08-12 2026-08-14 夏季休業 "));
    assert_non_null(strstr(out, " 2026-10-07 2026-10-07 棚卸し "));
    assert_non_null(strstr(out, " 2027-06-01 2027-06-01 "));

    /* What was stored closes the calendar once loaded. */
    struct hd_error err = HD_ERROR_INIT;
    struct hd_calendar *c2 = hd_calendar_new_default(&err);
    assert_int_equal(hd_calendar_load(c2, st, &err), 0);
    struct hd_calendar *saved = cal;
    cal = c2;
    assert_int_equal(run("is-open", "2026-10-07T12:00:00+09:00", NULL), 1);
    assert_string_equal(out, "closed (closure: 棚卸し)\n");
    cal = saved;
    hd_calendar_free(&c2);

    assert_int_equal(run("calendar", "add-closure", "2026-12-24",
                         "2026-12-25", "冬\x01休み", NULL),
                     0);
    long id = atol(out);
    assert_true(id > 0);
    assert_int_equal(run("calendar", "closures", NULL), 0);
    assert_non_null(strstr(out, " 2026-12-24 2026-12-25 冬 休み [manual]\n"));
    char ids[32];
    snprintf(ids, sizeof ids, "%ld", id);
    assert_int_equal(run("calendar", "delete-closure", ids, NULL), 0);
    assert_int_equal(run("calendar", "delete-closure", ids, NULL), 65);
    assert_int_equal(stored(), 4);

    /* Without a store the closure commands are usage errors. */
    struct hd_store *keep = st;
    st = NULL;
    assert_int_equal(run("calendar", "closures", NULL), 2);
    st = keep;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_holidays),
        cmocka_unit_test(test_import),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
