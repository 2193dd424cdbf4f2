/* opt.c - see opt.h.  Checking, usage, roff and bash completion from the
 * same declared tables. */
#include "opt.h"

#include <string.h>

#define NAME_MAX_CMP 64 /* longer words are never anyone's typo */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > NAME_MAX_CMP || lb > NAME_MAX_CMP)
        return SIZE_MAX;
    size_t row[NAME_MAX_CMP + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *hd_opt_nearest(const char *word, const char *const *cands,
                           size_t n)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    /* "--adress" is one edit from "--address"; "--x" is not a typo of
     * "--to": the dashes do not count towards the word's length. */
    size_t len = strlen(word) - strspn(word, "-");
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, cands[i]);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best_d <= 2 && best_d * 2 < len + 1 ? best : NULL;
}

static size_t first_word_len(const char *name)
{
    return strcspn(name, " ");
}

static bool same_group(const char *a, const char *b)
{
    size_t n = first_word_len(a);
    return n == first_word_len(b) && strncmp(a, b, n) == 0;
}

/* The candidates for "did you mean": the commands' names (one per group)
 * or, within group, the subcommands' second words; at most CANDS_MAX. */
#define CANDS_MAX 256

static size_t group_names(const struct hd_optprog *p, const char *group,
                          const char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_cmds && n < CANDS_MAX; i++) {
        const char *name = p->cmds[i].name;
        if (group == NULL) {
            if (i > 0 && same_group(p->cmds[i - 1].name, name))
                continue;
            out[n++] = name;
        } else if (same_group(group, name) && name[first_word_len(name)]) {
            out[n++] = name + first_word_len(name) + 1;
        }
    }
    return n;
}

static void set_unknown(struct hd_error *err, const char *what,
                        const char *word, const char *near)
{
    if (near != NULL)
        hd_error_set(err, HD_E_INVAL, "unknown %s '%.60s' (did you mean "
                     "%.60s?)", what, word, near);
    else
        hd_error_set(err, HD_E_INVAL, "unknown %s '%.60s'", what, word);
}

int hd_opt_find(const struct hd_optprog *p, int argc, char **argv,
                const struct hd_optcmd **cmd_r, int *words_r,
                struct hd_error *err)
{
    hd_assert(argc > 0);
    const char *w0 = argv[0], *w1 = argc > 1 ? argv[1] : NULL;
    size_t l0 = strlen(w0);
    const struct hd_optcmd *group = NULL;
    for (size_t i = 0; i < p->n_cmds; i++) {
        const char *name = p->cmds[i].name;
        if (strcmp(name, w0) == 0) {
            *cmd_r = &p->cmds[i];
            *words_r = 1;
            return 1;
        }
        if (strncmp(name, w0, l0) != 0 || name[l0] != ' ')
            continue;
        if (group == NULL)
            group = &p->cmds[i];
        if (w1 != NULL && strcmp(name + l0 + 1, w1) == 0) {
            *cmd_r = &p->cmds[i];
            *words_r = 2;
            return 1;
        }
    }
    const char *cands[CANDS_MAX];
    if (group == NULL) {
        /* Compare with whole first words ("queue", not "queue add"). */
        char firsts[CANDS_MAX][NAME_MAX_CMP + 1];
        size_t n = group_names(p, NULL, cands);
        for (size_t i = 0; i < n; i++) {
            snprintf(firsts[i], sizeof firsts[i], "%.*s",
                     (int)first_word_len(cands[i]), cands[i]);
            cands[i] = firsts[i];
        }
        set_unknown(err, "command", w0, hd_opt_nearest(w0, cands, n));
        return -1;
    }
    *cmd_r = group;
    *words_r = 1;
    if (w1 == NULL || strcmp(w1, "--help") == 0 || strcmp(w1, "-h") == 0)
        return 0;
    size_t n = group_names(p, w0, cands);
    char what[NAME_MAX_CMP + 16];
    snprintf(what, sizeof what, "%.*s subcommand", NAME_MAX_CMP, w0);
    set_unknown(err, what, w1, hd_opt_nearest(w1, cands, n));
    return -1;
}

static const struct hd_opt *lookup(const struct hd_opt *t, const char *name,
                                   size_t len)
{
    for (; t != NULL && t->name != NULL; t++)
        if (strlen(t->name) == len && strncmp(t->name, name, len) == 0)
            return t;
    return NULL;
}

bool hd_opt_declared(const struct hd_optprog *p, const struct hd_optcmd *cmd,
                     const char *name)
{
    size_t n = strlen(name);
    return strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
           lookup(cmd->opts, name, n) != NULL ||
           lookup(p->common, name, n) != NULL;
}

static size_t option_names(const struct hd_opt *t, const char **out,
                           size_t n)
{
    for (; t != NULL && t->name != NULL && n < CANDS_MAX; t++)
        out[n++] = t->name;
    return n;
}

/* True for words that are positional although they start with '-':
 * "-" (stdin) and negative numbers ("-30" minutes). */
static bool positional(const char *a)
{
    return a[0] != '-' || a[1] == '\0' || (a[1] >= '0' && a[1] <= '9');
}

int hd_opt_check(const struct hd_optprog *p, const struct hd_optcmd *cmd,
                 int argc, char **argv, int from, struct hd_error *err)
{
    int help = 0;
    for (int i = from; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (positional(a))
            continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help = 1;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t len = eq != NULL ? (size_t)(eq - a) : strlen(a);
        const struct hd_opt *o = lookup(cmd->opts, a, len);
        if (o == NULL)
            o = lookup(p->common, a, len);
        if (o == NULL) {
            const char *cands[CANDS_MAX];
            size_t n = option_names(cmd->opts, cands, 0);
            n = option_names(p->common, cands, n);
            char word[NAME_MAX_CMP + 1];
            snprintf(word, sizeof word, "%.*s", (int)len, a);
            set_unknown(err, "option", word, hd_opt_nearest(word, cands, n));
            return -1;
        }
        if (o->arg == NULL && eq != NULL) {
            hd_error_set(err, HD_E_INVAL, "%s takes no value", o->name);
            return -1;
        }
        if (o->arg != NULL && eq == NULL && i + 1 >= argc) {
            hd_error_set(err, HD_E_INVAL, "%s needs a value (%s)", o->name,
                         o->arg);
            return -1;
        }
        if (o->arg != NULL && eq == NULL)
            i++; /* the value, whatever it looks like */
    }
    return help;
}

static void synopsis(FILE *f, const struct hd_optprog *p,
                     const struct hd_optcmd *cmd)
{
    fprintf(f, "%s%s%s%s%s%s", p->name, cmd->name[0] ? " " : "", cmd->name,
            cmd->args ? " " : "", cmd->args ? cmd->args : "",
            cmd->opts != NULL && cmd->opts[0].name != NULL ? " [OPTIONS]"
                                                          : "");
}

static void option_lines(FILE *f, const struct hd_opt *t)
{
    for (; t != NULL && t->name != NULL; t++) {
        char left[80];
        snprintf(left, sizeof left, "%s%s%s", t->name, t->arg ? " " : "",
                 t->arg ? t->arg : "");
        fprintf(f, "  %-24s %s\n", left, t->help);
    }
}

void hd_opt_usage(FILE *f, const struct hd_optprog *p,
                  const struct hd_optcmd *cmd)
{
    fputs("usage: ", f);
    synopsis(f, p, cmd);
    fprintf(f, "\n%s\n", cmd->help);
    if (cmd->opts != NULL && cmd->opts[0].name != NULL) {
        fputs("options:\n", f);
        option_lines(f, cmd->opts);
    }
    if (p->common != NULL && p->common[0].name != NULL)
        option_lines(f, p->common);
}

void hd_opt_group_usage(FILE *f, const struct hd_optprog *p,
                        const struct hd_optcmd *cmd)
{
    fputs("usage:\n", f);
    for (size_t i = 0; i < p->n_cmds; i++) {
        if (!same_group(cmd->name, p->cmds[i].name))
            continue;
        fputs("  ", f);
        synopsis(f, p, &p->cmds[i]);
        fprintf(f, "\n      %s\n", p->cmds[i].help);
    }
    fprintf(f, "`%s %.*s SUBCOMMAND --help` shows its options.\n", p->name,
            (int)first_word_len(cmd->name), cmd->name);
}

/* Roff text: a backslash becomes \e, and a line never starts with a
 * control character ('.' or '\''). */
static void roff_text(FILE *f, const char *s, bool dashes)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", f);
    for (; *s != '\0'; s++) {
        if (*s == '\\')
            fputs("\\e", f);
        else if (*s == '-' && dashes)
            fputs("\\-", f);
        else if (*s == '\n')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

static void roff_options(FILE *f, const struct hd_opt *t)
{
    for (; t != NULL && t->name != NULL; t++) {
        fputs(t->arg != NULL ? ".TP\n.BI \"" : ".TP\n.B \"", f);
        roff_text(f, t->name, true);
        if (t->arg != NULL) {
            fputs(" \" \"", f);
            roff_text(f, t->arg, false);
        }
        fputc('"', f);
        fputc('\n', f);
        roff_text(f, t->help, false);
        fputc('\n', f);
    }
}

void hd_opt_roff(FILE *f, const struct hd_optprog *p)
{
    for (size_t i = 0; i < p->n_cmds; i++) {
        const struct hd_optcmd *c = &p->cmds[i];
        if (c->name[0] != '\0') {
            fputs(".SS \"", f);
            roff_text(f, c->name, false);
            if (c->args != NULL) {
                fputc(' ', f);
                roff_text(f, c->args, false);
            }
            fputs("\"\n", f);
        }
        roff_text(f, c->help, false);
        fputc('\n', f);
        roff_options(f, c->opts);
    }
}

static void bash_words(FILE *f, const struct hd_opt *t, bool values)
{
    for (; t != NULL && t->name != NULL; t++)
        if (!values || t->arg != NULL)
            fprintf(f, " %s", t->name);
}

void hd_opt_bash(FILE *f, const struct hd_optprog *p)
{
    char fn[NAME_MAX_CMP + 2];
    snprintf(fn, sizeof fn, "_%s", p->name);
    for (char *c = fn; *c; c++)
        if (*c == '-')
            *c = '_';
    fprintf(f, "# bash completion for %s (generated from its option "
               "tables)\n%s()\n{\n"
               "    local cur=${COMP_WORDS[COMP_CWORD]}\n"
               "    local prev=${COMP_WORDS[COMP_CWORD-1]}\n"
               "    local valued=\"", p->name, fn);
    bash_words(f, p->globals, true);
    bash_words(f, p->common, true);
    for (size_t i = 0; i < p->n_cmds; i++)
        bash_words(f, p->cmds[i].opts, true);
    fputs(" \"\n    case $prev in\n"
          "    --profile) COMPREPLY=($(compgen -W \"dev test prod\" -- "
          "\"$cur\")); return ;;\n"
          "    --data|-d|--to|--*dir) COMPREPLY=($(compgen -d -- \"$cur\")); "
          "return ;;\n"
          "    --*-file|--out) COMPREPLY=($(compgen -f -- \"$cur\")); "
          "return ;;\n"
          "    esac\n"
          "    [[ \" $valued \" == *\" $prev \"* ]] && return\n"
          "    local words=() i w\n"
          "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
          "        w=${COMP_WORDS[i]}\n"
          "        if [[ $w == -* ]]; then\n"
          "            [[ \" $valued \" == *\" $w \"* ]] && ((i++))\n"
          "        else\n"
          "            words+=(\"$w\")\n"
          "        fi\n"
          "    done\n"
          "    local opts=\"", f);
    bash_words(f, p->common, false);
    fputs(" --help\" key=\"${words[0]-} ${words[1]-}\"\n", f);
    /* The first word: commands and global options. */
    fputs("    if ((${#words[@]} == 0)); then\n"
          "        COMPREPLY=($(compgen -W \"", f);
    for (size_t i = 0; i < p->n_cmds; i++)
        if (p->cmds[i].name[0] != '\0' &&
            (i == 0 || !same_group(p->cmds[i - 1].name, p->cmds[i].name)))
            fprintf(f, " %.*s", (int)first_word_len(p->cmds[i].name),
                    p->cmds[i].name);
    bash_words(f, p->globals, false);
    for (size_t i = 0; i < p->n_cmds; i++)
        if (p->cmds[i].name[0] == '\0')
            bash_words(f, p->cmds[i].opts, false);
    fputs(" --help\" -- \"$cur\"))\n        return\n    fi\n"
          "    case ${words[0]} in\n", f);
    /* The second word of a group: its subcommands. */
    for (size_t i = 0; i < p->n_cmds; i++) {
        const char *name = p->cmds[i].name;
        size_t fl = first_word_len(name);
        if (name[fl] == '\0' ||
            (i > 0 && same_group(p->cmds[i - 1].name, name)))
            continue;
        fprintf(f, "    %.*s)\n        if ((${#words[@]} == 1)); then\n"
                   "            COMPREPLY=($(compgen -W \"", (int)fl, name);
        for (size_t j = i; j < p->n_cmds && same_group(name, p->cmds[j].name);
             j++)
            fprintf(f, " %s", p->cmds[j].name + fl + 1);
        fputs("\" -- \"$cur\"))\n            return\n        fi ;;\n", f);
    }
    fputs("    esac\n    case $key in\n", f);
    for (size_t i = 0; i < p->n_cmds; i++) {
        const struct hd_optcmd *c = &p->cmds[i];
        if (c->name[0] == '\0' || c->opts == NULL || c->opts[0].name == NULL)
            continue;
        bool two = c->name[first_word_len(c->name)] != '\0';
        fprintf(f, two ? "    \"%s\")" : "    \"%s \"*)", c->name);
        fputs(" opts+=\"", f);
        bash_words(f, c->opts, false);
        fputs("\" ;;\n", f);
    }
    fprintf(f, "    esac\n"
               "    [[ $cur == -* ]] && COMPREPLY=($(compgen -W \"$opts\" -- "
               "\"$cur\"))\n"
               "    [[ $cur == -* ]] || COMPREPLY=($(compgen -f -- "
               "\"$cur\"))\n"
               "}\ncomplete -F %s %s\n", fn, p->name);
}

void hd_opt_list(FILE *f, const struct hd_optprog *p)
{
    for (size_t i = 0; i < p->n_cmds; i++)
        fprintf(f, "%s\n", p->cmds[i].name);
}

int hd_opt_dump(const struct hd_optprog *p, const char *arg)
{
    if (strcmp(arg, "--help=list") == 0)
        hd_opt_list(stdout, p);
    else if (strcmp(arg, "--help=roff") == 0)
        hd_opt_roff(stdout, p);
    else if (strcmp(arg, "--help=bash") == 0)
        hd_opt_bash(stdout, p);
    else
        return 0;
    return 1;
}
