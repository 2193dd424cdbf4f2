/* template.h - the instance's editable mail templates (DIR/templates/
 * NAME.LANG.txt, written by init from the built-in defaults) and safe
 * substitution of {{placeholders}}.
 *
 * Templates are plain text.  Substituted values have CR, LF and other
 * control characters replaced by spaces unless the placeholder is listed
 * as multi-line by the caller, so a customer's subject can never add lines
 * where the template has one.  Mail headers are encoded elsewhere (compose.c),
 * which refuses CR/LF on its own. */
#ifndef HD_TEMPLATE_H
#define HD_TEMPLATE_H

#include "arena.h"
#include "buf.h"

#define HD_TEMPLATE_MAX (64 * 1024)

struct hd_tvar {
    const char *name;  /* placeholder without braces */
    const char *value; /* UTF-8; NULL renders as "" */
    bool multiline;    /* keep line breaks in the value */
};

/* The built-in default of NAME in LANG ("ack", "ja"), or NULL. */
const char *hd_template_default(const char *name, const char *lang);
/* Writes every default into dir (existing files are kept). */
HD_NODISCARD int hd_template_write_defaults(const char *dir,
                                            struct hd_error *err);
/* DIR/templates/NAME.LANG.txt if present, else the default (falling back
 * to "en", then "ja").  The text lives in a. */
HD_NODISCARD int hd_template_load(const char *instance_dir, const char *name,
                                  const char *lang, struct hd_arena *a,
                                  const char **text_r, struct hd_error *err);
/* Expands {{name}} placeholders; unknown names are left out (and logged
 * by nobody: templates are the operator's own text). */
HD_NODISCARD int hd_template_expand(const char *text,
                                    const struct hd_tvar *vars, size_t n,
                                    struct hd_buf *out, struct hd_error *err);

#endif
