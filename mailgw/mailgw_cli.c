#include "mailgw.h"
#include "hd.h"
#include <stdio.h>
int mg_main(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("helpdesk-mailgw %s\n", HD_VERSION);
    return 0;
}
