/* config.h - the instance configuration file, DIR/helpdesk.conf.
 *
 * Format: "key = value" lines, '#' comments, keys are dotted
 * ("web.listen").  Every key the program knows is declared once, in
 * config_keys.h, with its default and a comment; init writes that list out
 * as the commented sample, and unknown keys are refused with file, line
 * and key, so a typo never silently does nothing.  The code names a key
 * by its constant (HD_CFG_WEB_LISTEN), so a typo there does not compile. */
#ifndef HD_CONFIG_H
#define HD_CONFIG_H

#include "buf.h"
#include "config_keys.h"
#include "hd.h"

struct hd_config;

/* Every setting: HD_CFG_ and the key in capitals, '.' as '_'. */
enum hd_cfg_key {
#define HD_CFG_ENUM_(id, name, def, help) HD_CFG_##id,
    HD_CONFIG_KEYS(HD_CFG_ENUM_)
#undef HD_CFG_ENUM_
    HD_CFG_COUNT
};

/* Defaults only (no file). */
struct hd_config *hd_config_new(void);
/* Reads path over the defaults.  Errors name the file, line and key. */
HD_NODISCARD int hd_config_load(struct hd_config *cfg, const char *path,
                                struct hd_error *err);
void hd_config_free(struct hd_config **cfg);

/* The value of a key (the default when not set); the string lives as
 * long as cfg or until the key is set again. */
const char *hd_config_get(const struct hd_config *cfg, enum hd_cfg_key key);
long long hd_config_get_int(const struct hd_config *cfg,
                            enum hd_cfg_key key);
bool hd_config_get_bool(const struct hd_config *cfg, enum hd_cfg_key key);
/* instance.name as shown in lang ("ja", "en"; NULL: instance.default_lang):
 * the configured name when the operator set one, else the language's own
 * default, サポートセンター in Japanese and "Support" otherwise.  Every
 * page and mail that shows the name reads it here. */
const char *hd_config_instance_name(const struct hd_config *cfg,
                                    const char *lang);
/* The key as the file spells it ("web.listen"), for messages. */
const char *hd_config_key_name(enum hd_cfg_key key);
/* Overrides a key (command-line options); -1 for an unknown key. */
HD_NODISCARD int hd_config_set(struct hd_config *cfg, const char *key,
                               const char *value, struct hd_error *err);
/* The commented sample with every key and its default. */
HD_NODISCARD int hd_config_write_sample(struct hd_buf *out,
                                        struct hd_error *err);

#endif
