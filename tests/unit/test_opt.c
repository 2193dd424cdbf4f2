/* test_opt.c - the strict option check of opt.h: what is accepted, what
 * is refused and with which suggestion, and how a command is found. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "opt.h"

#define CASE_FAIL(i, ...)                                                    \
    do {                                                                     \
        print_error("case %zu: ", (size_t)(i));                              \
        print_error(__VA_ARGS__);                                            \
        print_error("\n");                                                   \
        fail();                                                              \
    } while (0)

static const struct hd_opt common[] = {{"--json", NULL, "JSON"}, {NULL}};
static const struct hd_optcmd cmds[] = {
    {"init", NULL, "create", (const struct hd_opt[]){
         {"--profile", "P", "profile"}, {NULL}}},
    {"queue add", "NAME", "add a queue", (const struct hd_opt[]){
         {"--address", "ADDR", "address"},
         {"--description", "TEXT", "text"},
         {NULL}}},
    {"queue list", NULL, "list", NULL},
    {"worker", NULL, "jobs", (const struct hd_opt[]){
         {"--once", NULL, "once"}, {NULL}}},
};
static const struct hd_optprog prog = {"helpdesk", NULL, common, cmds,
                                       sizeof cmds / sizeof cmds[0]};

static void test_check(void **state)
{
    (void)state;
    static const struct {
        int cmd;              /* index in cmds */
        const char *argv[6];  /* after the command's words */
        int want;             /* 0 ok, 1 help, -1 refused */
        const char *msg;      /* in the error when refused */
    } cases[] = {
        {1, {"x", "--address", "a@b"}, 0, NULL},
        {1, {"x", "--address=a@b", "--json"}, 0, NULL},
        {1, {"x", "--adress", "a@b"}, -1, "did you mean --address?"},
        {1, {"x", "--adress=a@b"}, -1, "unknown option '--adress'"},
        {1, {"x", "--address"}, -1, "--address needs a value (ADDR)"},
        {1, {"x", "--address", "--json"}, 0, NULL}, /* a value, whatever */
        {1, {"x", "--bogus"}, -1, "unknown option '--bogus'"},
        {1, {"x", "--zzzzzzzz"}, -1, "'--zzzzzzzz'"},
        {1, {"x", "--", "--bogus"}, 0, NULL},
        {1, {"-", "-30"}, 0, NULL},
        {1, {"x", "--help"}, 1, NULL},
        {1, {"x", "-h", "--bogus"}, -1, "--bogus"},
        {0, {"--store", "foo", "--bogus"}, -1, "'--store'"},
        {0, {"--profil", "test"}, -1, "did you mean --profile?"},
        {3, {"--once"}, 0, NULL},
        {3, {"--once=yes"}, -1, "--once takes no value"},
        {3, {"--onec"}, -1, "did you mean --once?"},
        {2, {"--jsno"}, -1, "did you mean --json?"},
        {2, {"-x"}, -1, "unknown option '-x'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[8] = {(char *)"cmd"};
        int argc = 1;
        for (size_t k = 0; cases[i].argv[k] != NULL; k++)
            argv[argc++] = (char *)cases[i].argv[k];
        struct hd_error err = HD_ERROR_INIT;
        int got = hd_opt_check(&prog, &cmds[cases[i].cmd], argc, argv, 1,
                               &err);
        if (got != cases[i].want)
            CASE_FAIL(i, "got %d, want %d (%s)", got, cases[i].want,
                      err.msg);
        if (cases[i].msg != NULL && strstr(err.msg, cases[i].msg) == NULL)
            CASE_FAIL(i, "'%s' not in '%s'", cases[i].msg, err.msg);
    }
}

static void test_find(void **state)
{
    (void)state;
    static const struct {
        const char *argv[3];
        int want;         /* 1 found, 0 group only, -1 unknown */
        const char *name; /* found (or group's first) command */
        const char *msg;
    } cases[] = {
        {{"init"}, 1, "init", NULL},
        {{"queue", "add", "x"}, 1, "queue add", NULL},
        {{"queue"}, 0, "queue add", NULL},
        {{"queue", "--help"}, 0, "queue add", NULL},
        {{"queue", "ad"}, -1, NULL, "did you mean add?"},
        {{"qeueu", "list"}, -1, NULL, "did you mean queue?"},
        {{"wroker"}, -1, NULL, "did you mean worker?"},
        {{"frobnicate"}, -1, NULL, "unknown command 'frobnicate'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[3];
        int argc = 0;
        for (; argc < 3 && cases[i].argv[argc] != NULL; argc++)
            argv[argc] = (char *)cases[i].argv[argc];
        const struct hd_optcmd *c = NULL;
        int words = 0;
        struct hd_error err = HD_ERROR_INIT;
        int got = hd_opt_find(&prog, argc, argv, &c, &words, &err);
        if (got != cases[i].want)
            CASE_FAIL(i, "got %d, want %d (%s)", got, cases[i].want,
                      err.msg);
        if (got >= 0 && strcmp(c->name, cases[i].name) != 0)
            CASE_FAIL(i, "found %s, want %s", c->name, cases[i].name);
        if (cases[i].msg != NULL && strstr(err.msg, cases[i].msg) == NULL)
            CASE_FAIL(i, "'%s' not in '%s'", cases[i].msg, err.msg);
    }
}

static void test_nearest(void **state)
{
    (void)state;
    const char *cands[] = {"--address", "--description", "--to", "--all"};
    static const struct {
        const char *word, *want;
    } cases[] = {
        {"--adress", "--address"},   {"--addres", "--address"},
        {"--adderss", "--address"},  {"--descripton", "--description"},
        {"--ot", NULL},              {"--x", NULL},
        {"--al", "--all"},           {"--everything", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = hd_opt_nearest(cases[i].word, cands, 4);
        if ((got == NULL) != (cases[i].want == NULL) ||
            (got != NULL && strcmp(got, cases[i].want) != 0))
            CASE_FAIL(i, "%s: got %s, want %s", cases[i].word,
                      got ? got : "none",
                      cases[i].want ? cases[i].want : "none");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_nearest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
