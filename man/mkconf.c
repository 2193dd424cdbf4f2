/* mkconf.c - prints the KEYS section of helpdesk.conf(5) from the one
 * list of settings (helpdesk/base/config_keys.h): every key with its
 * default and meaning, grouped by section, so the page cannot disagree
 * with the program.  Built and run by man/CMakeLists.txt. */
#include "config_keys.h"

#include <stdio.h>
#include <string.h>

struct key {
    const char *name, *def, *help;
};

#define KEY(id, name, def, help) {name, def, help},
static const struct key keys[] = {HD_CONFIG_KEYS(KEY)};

/* Roff text: backslashes escaped, no control character first. */
static void text(const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", stdout);
    for (; *s != '\0'; s++) {
        if (*s == '\\')
            fputs("\\e", stdout);
        else
            putchar(*s);
    }
}

int main(void)
{
    const char *section = "";
    size_t sl = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const struct key *k = &keys[i];
        size_t n = strcspn(k->name, ".");
        if (n != sl || strncmp(section, k->name, n) != 0) {
            printf(".SS \"[%.*s]\"\n", (int)n, k->name);
            section = k->name;
            sl = n;
        }
        fputs(".TP\n.B ", stdout);
        text(k->name);
        fputc('\n', stdout);
        text(k->help);
        fputs(".\n.br\nDefault: ", stdout);
        if (k->def[0] == '\0')
            fputs("(empty)", stdout);
        else {
            fputs("\\fI", stdout);
            text(k->def);
            fputs("\\fR", stdout);
        }
        fputc('\n', stdout);
    }
    return 0;
}
