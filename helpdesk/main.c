/* main.c - the `helpdesk` admin CLI and worker; see cli.c. */
#include "cli.h"

int main(int argc, char **argv)
{
    return hd_cli_main(argc, argv);
}
