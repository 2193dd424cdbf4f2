/* config.c - see config.h.  The table below is built from the complete
 * list of settings (config_keys.h); the sample config written by `init`
 * is generated from it. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct key {
    const char *name;
    const char *def;
    const char *help;
};

/* The settings in the order of the sample, from the one list. */
static const struct key keys[HD_CFG_COUNT] = {
#define HD_CFG_ROW_(id, name, def, help) [HD_CFG_##id] = {name, def, help},
    HD_CONFIG_KEYS(HD_CFG_ROW_)
#undef HD_CFG_ROW_
};

struct hd_config {
    char *values[HD_ARRAY_LEN(keys)]; /* NULL: default */
};

static int key_index(const char *name)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(keys); i++)
        if (strcmp(keys[i].name, name) == 0)
            return (int)i;
    return -1;
}

struct hd_config *hd_config_new(void)
{
    return hd_xcalloc(1, sizeof(struct hd_config));
}

void hd_config_free(struct hd_config **cfgp)
{
    struct hd_config *cfg = *cfgp;
    if (cfg == NULL)
        return;
    for (size_t i = 0; i < HD_ARRAY_LEN(keys); i++)
        free(cfg->values[i]);
    free(cfg);
    *cfgp = NULL;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int hd_config_set(struct hd_config *cfg, const char *key, const char *value,
                  struct hd_error *err)
{
    int i = key_index(key);
    if (i < 0) {
        hd_error_set(err, HD_E_CONFIG, "unknown key '%.80s'", key);
        return -1;
    }
    free(cfg->values[i]);
    cfg->values[i] = hd_xstrdup(value);
    return 0;
}

int hd_config_load(struct hd_config *cfg, const char *path,
                   struct hd_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        hd_error_set(err, errno == ENOENT ? HD_E_NOTFOUND : HD_E_IO,
                     "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[HD_CONFIG_LINE_MAX];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            hd_error_set(err, HD_E_CONFIG, "%s:%d: line longer than %d bytes",
                         path, lineno, HD_CONFIG_LINE_MAX - 2);
            rc = -1;
            break;
        }
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            hd_error_set(err, HD_E_CONFIG,
                         "%s:%d: expected 'key = value', got '%.60s'", path,
                         lineno, s);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        size_t vl = strlen(value);
        if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
            value[vl - 1] = '\0';
            value++;
        }
        if (key_index(key) < 0) {
            hd_error_set(err, HD_E_CONFIG, "%s:%d: unknown key '%.80s'",
                         path, lineno, key);
            rc = -1;
            break;
        }
        if (hd_config_set(cfg, key, value, err) < 0) {
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

const char *hd_config_get(const struct hd_config *cfg, enum hd_cfg_key key)
{
    hd_assert((unsigned)key < HD_CFG_COUNT);
    return cfg->values[key] != NULL ? cfg->values[key] : keys[key].def;
}

long long hd_config_get_int(const struct hd_config *cfg, enum hd_cfg_key key)
{
    return strtoll(hd_config_get(cfg, key), NULL, 10);
}

bool hd_config_get_bool(const struct hd_config *cfg, enum hd_cfg_key key)
{
    const char *v = hd_config_get(cfg, key);
    return strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
           strcmp(v, "1") == 0 || strcmp(v, "on") == 0;
}

const char *hd_config_instance_name(const struct hd_config *cfg,
                                    const char *lang)
{
    if (cfg->values[HD_CFG_INSTANCE_NAME] != NULL)
        return cfg->values[HD_CFG_INSTANCE_NAME];
    if (lang == NULL || *lang == '\0')
        lang = hd_config_get(cfg, HD_CFG_INSTANCE_DEFAULT_LANG);
    if (strncmp(lang, "ja", 2) == 0)
        return "サポートセンター";
    return keys[HD_CFG_INSTANCE_NAME].def;
}

const char *hd_config_key_name(enum hd_cfg_key key)
{
    hd_assert((unsigned)key < HD_CFG_COUNT);
    return keys[key].name;
}

int hd_config_write_sample(struct hd_buf *out, struct hd_error *err)
{
    if (hd_buf_puts(out,
                    "# helpdesk.conf - every setting with its default.\n"
                    "# Uncomment and change what you need; unknown keys are "
                    "refused.\n",
                    err) < 0)
        return -1;
    const char *section = "";
    for (size_t i = 0; i < HD_ARRAY_LEN(keys); i++) {
        const char *dot = strchr(keys[i].name, '.');
        size_t sl = (size_t)(dot - keys[i].name);
        if (strncmp(section, keys[i].name, sl) != 0 || section[sl] != '.') {
            if (hd_buf_printf(out, err, "\n# [%.*s]\n", (int)sl,
                              keys[i].name) < 0)
                return -1;
            section = keys[i].name;
        }
        if (hd_buf_printf(out, err, "# %s\n#%s = %s\n", keys[i].help,
                          keys[i].name, keys[i].def) < 0)
            return -1;
    }
    return 0;
}
