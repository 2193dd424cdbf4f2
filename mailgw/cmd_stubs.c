/* cmd_stubs.c - placeholders for subcommands built elsewhere; this file
 * goes when deliver, import and fetch exist. */
#include "mailgw.h"

#include <stdio.h>

static int not_built(const char *name)
{
    fprintf(stderr, "helpdesk-mailgw: %s: not built yet\n", name);
    return 64;
}

int mg_cmd_deliver(int argc, char **argv, const struct mg_globals *g)
{
    (void)argc, (void)argv, (void)g;
    return not_built("deliver");
}

int mg_cmd_import(int argc, char **argv, const struct mg_globals *g)
{
    (void)argc, (void)argv, (void)g;
    return not_built("import");
}

int mg_cmd_fetch(int argc, char **argv, const struct mg_globals *g)
{
    (void)argc, (void)argv, (void)g;
    return not_built("fetch");
}
