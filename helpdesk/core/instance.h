/* instance.h - one help desk instance: a data directory holding
 * helpdesk.conf, helpdesk.db, blobs/ (content-addressed attachments and raw
 * messages), and logs.  Every program opens it the same way: global
 * options --data DIR (or HELPDESK_DATA) and --profile NAME, then
 * hd_instance_open(), which refuses a database stamped with another
 * profile. */
#ifndef HD_INSTANCE_H
#define HD_INSTANCE_H

#include "config.h"
#include "hd.h"
#include "store.h"

struct hd_instance;

struct hd_globals {
    const char *data_dir; /* --data or HELPDESK_DATA; NULL: not given */
    const char *profile;  /* --profile; NULL: accept the database's */
    const char *program;  /* "helpdesk", "helpdesk-web", ... */
};

/* Parses the global options at the front of argv (--data DIR,
 * --profile NAME, --help is left in place).  Returns the index of the
 * first non-global argument, or -1 with err on a bad option. */
int hd_globals_parse(int argc, char **argv, struct hd_globals *g,
                     struct hd_error *err);

/* Creates DIR (if needed), DIR/helpdesk.conf, DIR/helpdesk.db stamped
 * with the profile (default "dev"), DIR/blobs and the backup key beside
 * DIR (DIR.backup-key, 0600).  Refuses an existing database. */
HD_NODISCARD int hd_instance_init(const char *dir, const char *profile,
                                  struct hd_error *err);
/* The same with the store in the PostgreSQL database of store_url (NULL:
 * SQLite): DIR/helpdesk.conf gets store.url and there is no helpdesk.db.
 * Refuses a database that already holds an instance. */
HD_NODISCARD int hd_instance_init_store(const char *dir, const char *profile,
                                        const char *store_url,
                                        struct hd_error *err);

enum hd_instance_flags {
    HD_INSTANCE_READONLY = 1,
    /* Mail delivery: every store of the instance waits for a lock at most
     * mail.deliver_busy_ms (at least 1 ms) instead of
     * store.busy_timeout_ms, from the first statement of the open on, so
     * the MTA hears "try again" within the limit it was promised. */
    HD_INSTANCE_DELIVER = 2,
};

/* Opens DIR: loads the config, sets the process time zone, opens the
 * store (migrating it) and checks the profile.  The store returned by
 * hd_instance_store() belongs to the instance and to the calling thread;
 * other threads open their own with hd_instance_store_open(). */
HD_NODISCARD int hd_instance_open(const struct hd_globals *g, unsigned flags,
                                  struct hd_instance **inst_r,
                                  struct hd_error *err);
void hd_instance_close(struct hd_instance **inst);

struct hd_store *hd_instance_store(struct hd_instance *inst);
HD_NODISCARD int hd_instance_store_open(struct hd_instance *inst,
                                        struct hd_store **st_r,
                                        struct hd_error *err);
const struct hd_config *hd_instance_config(const struct hd_instance *inst);
struct hd_config *hd_instance_config_mut(struct hd_instance *inst);
const char *hd_instance_dir(const struct hd_instance *inst);
const char *hd_instance_profile(const struct hd_instance *inst);

#endif
