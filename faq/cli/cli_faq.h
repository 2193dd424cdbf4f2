/* cli_faq.h - `helpdesk faq ...` and `helpdesk announce ...`. */
#ifndef HD_CLI_FAQ_H
#define HD_CLI_FAQ_H

#include "cli_int.h"

/* faq add FILE | edit FILE | list | delete SLUG | import DIR |
 * export DIR | terms LANG FILE */
int hd_cli_cmd_faq(struct hd_cli *cli, int argc, char **argv);
/* announce add --kind K --title-ja T --title-en T [--body-ja B]
 * [--body-en B] [--start TIME] [--end TIME] [--force] | list | end ID */
int hd_cli_cmd_announce(struct hd_cli *cli, int argc, char **argv);

#endif
