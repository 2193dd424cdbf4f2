#include "web.h"
#include "hd.h"
#include <stdio.h>
int web_main(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("helpdesk-web %s\n", HD_VERSION);
    return 0;
}
