/* main.c - helpdesk-web entry point; see web.h. */
#include "web.h"

int main(int argc, char **argv)
{
    return web_main(argc, argv);
}
