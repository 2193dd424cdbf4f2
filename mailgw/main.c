/* main.c - helpdesk-mailgw entry point; see mailgw_cli.c. */
#include "mailgw.h"

int main(int argc, char **argv)
{
    return mg_main(argc, argv);
}
