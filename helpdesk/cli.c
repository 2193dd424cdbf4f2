#include "cli.h"
#include "hd.h"
#include <stdio.h>
int hd_cli_main(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("helpdesk %s\n", HD_VERSION);
    return 0;
}
