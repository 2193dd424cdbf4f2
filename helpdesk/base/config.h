/* config.h - the instance configuration file, DIR/helpdesk.conf.
 *
 * Format: "key = value" lines, '#' comments, keys are dotted
 * ("web.listen").  Every key the program knows is declared in one table
 * (config.c) with its default and a comment; init writes that table out as
 * the commented sample, and unknown keys are refused with file, line and
 * key, so a typo never silently does nothing. */
#ifndef HD_CONFIG_H
#define HD_CONFIG_H

#include "buf.h"
#include "hd.h"

struct hd_config;

/* Defaults only (no file). */
struct hd_config *hd_config_new(void);
/* Reads path over the defaults.  Errors name the file, line and key. */
HD_NODISCARD int hd_config_load(struct hd_config *cfg, const char *path,
                                struct hd_error *err);
void hd_config_free(struct hd_config **cfg);

/* The value of a declared key (the default when not set).  Asking for an
 * undeclared key is a bug and aborts. */
const char *hd_config_get(const struct hd_config *cfg, const char *key);
long long hd_config_get_int(const struct hd_config *cfg, const char *key);
bool hd_config_get_bool(const struct hd_config *cfg, const char *key);
/* Overrides a key (command-line options); -1 for an unknown key. */
HD_NODISCARD int hd_config_set(struct hd_config *cfg, const char *key,
                               const char *value, struct hd_error *err);
/* The commented sample with every key and its default. */
HD_NODISCARD int hd_config_write_sample(struct hd_buf *out,
                                        struct hd_error *err);

#endif
