/* cmd_stubs.c - placeholder for `fetch` (IMAP/POP3 polling), not built yet. */
#include "mailgw.h"

#include <stdio.h>

static int not_built(const char *name)
{
    fprintf(stderr, "helpdesk-mailgw: %s: not built yet\n", name);
    return 64;
}

int mg_cmd_fetch(int argc, char **argv, const struct mg_globals *g)
{
    (void)argc, (void)argv, (void)g;
    return not_built("fetch");
}
