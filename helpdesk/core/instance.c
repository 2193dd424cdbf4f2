/* instance.c - see instance.h. */
#include "instance.h"

#include "blob_key.h"
#include "reply_addr.h"
#include "clock.h"
#include "codec.h"
#include "crypt.h"
#include "log.h"
#include "template.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct hd_instance {
    char *dir;
    char *db_path;
    char *profile;
    struct hd_config *cfg;
    struct hd_store *store;
    int busy_ms;
    unsigned flags;
};

static bool profile_valid(const char *p)
{
    return strcmp(p, "dev") == 0 || strcmp(p, "test") == 0 ||
           strcmp(p, "prod") == 0;
}

int hd_globals_parse(int argc, char **argv, struct hd_globals *g,
                     struct hd_error *err)
{
    int i = 1;
    if (g->data_dir == NULL)
        g->data_dir = getenv("HELPDESK_DATA");
    if (g->profile == NULL)
        g->profile = getenv("HELPDESK_PROFILE");
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(a, "--data") == 0 || strcmp(a, "-d") == 0)
            slot = &g->data_dir;
        else if (strcmp(a, "--profile") == 0)
            slot = &g->profile;
        else if (strncmp(a, "--data=", 7) == 0) {
            g->data_dir = a + 7;
            continue;
        } else if (strncmp(a, "--profile=", 10) == 0) {
            g->profile = a + 10;
            continue;
        } else
            break;
        if (i + 1 >= argc) {
            hd_error_set(err, HD_E_INVAL, "%s needs a value", a);
            return -1;
        }
        *slot = argv[++i];
    }
    if (g->profile != NULL && !profile_valid(g->profile)) {
        hd_error_set(err, HD_E_INVAL,
                     "unknown profile '%.40s' (one of: dev, test, prod)",
                     g->profile);
        return -1;
    }
    return i;
}

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = hd_xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int write_file_excl(const char *path, const void *data, size_t len,
                           mode_t mode, struct hd_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        hd_error_set(err, errno == EEXIST ? HD_E_EXISTS : HD_E_IO,
                     "%s: %s", path, strerror(errno));
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            hd_error_set(err, errno == ENOSPC ? HD_E_NOSPACE : HD_E_IO,
                         "%s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        hd_error_set(err, HD_E_IO, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int make_backup_key(const char *dir, struct hd_error *err)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    char path[4096];
    snprintf(path, sizeof path, "%.*s.backup-key", (int)n, dir);
    if (access(path, F_OK) == 0)
        return 0; /* keep an existing key: old backups need it */
    return hd_key_generate(path, err);
}

/* The data key that seals attachments and raw mail (blob_key.h); an
 * existing one is kept. */
static int make_data_key(const char *blobs, struct hd_error *err)
{
    struct hd_blob_key k;
    char path[HD_BLOB_KEY_PATH_MAX];
    hd_blob_set_key_file(NULL); /* a new instance has the default */
    hd_blob_key_path(blobs, path);
    int rc = hd_blob_key_load(path, true, &k, err) < 0 ? -1 : 0;
    hd_blob_key_wipe(&k);
    return rc;
}

/* The key of agents' reply addresses (reply_addr.h), made here so it
 * gets the instance's owner like the other keys; an existing one is
 * kept. */
static int make_reply_key(const char *dir, struct hd_error *err)
{
    struct hd_reply_key k;
    int rc = hd_reply_key_load(dir, &k, err);
    hd_reply_key_wipe(&k);
    return rc;
}

int hd_instance_init(const char *dir, const char *profile,
                     struct hd_error *err)
{
    return hd_instance_init_store(dir, profile, NULL, err);
}

/* Appends the store's URL to DIR/helpdesk.conf. */
static int write_store_url(const char *conf, const char *url,
                           struct hd_error *err)
{
    FILE *f = fopen(conf, "a");
    if (f == NULL || fprintf(f, "\n# The store: a PostgreSQL database "
                                "(docs/scale-out.md).\nstore.url = %s\n",
                             url) < 0 ||
        fflush(f) != 0 || fsync(fileno(f)) != 0) {
        hd_error_set(err, HD_E_IO, "cannot write %s: %s", conf,
                     strerror(errno));
        if (f != NULL)
            fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* True when DIR/helpdesk.conf already points at a store (an instance on
 * PostgreSQL has no helpdesk.db to find). */
static bool conf_names_store(const char *conf)
{
    if (access(conf, F_OK) != 0)
        return false;
    struct hd_config *cfg = hd_config_new();
    struct hd_error ignored = HD_ERROR_INIT;
    bool named = false;
    if (hd_config_load(cfg, conf, &ignored) == 0) {
        const char *url = hd_config_get(cfg, HD_CFG_STORE_URL);
        named = url != NULL && *url != '\0';
    }
    hd_config_free(&cfg);
    return named;
}

int hd_instance_init_store(const char *dir, const char *profile,
                           const char *store_url, struct hd_error *err)
{
    int rc = -1;
    char *conf = NULL, *db = NULL, *blobs = NULL;
    struct hd_store *st = NULL;
    struct hd_buf sample;
    hd_buf_init(&sample, 1 << 20);
    if (profile == NULL)
        profile = "dev";
    if (!profile_valid(profile)) {
        hd_error_set(err, HD_E_INVAL, "unknown profile '%.40s'", profile);
        goto out;
    }
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        hd_error_set(err, HD_E_IO, "cannot create %s: %s", dir,
                     strerror(errno));
        goto out;
    }
    conf = path_join(dir, "helpdesk.conf");
    db = path_join(dir, "helpdesk.db");
    blobs = path_join(dir, "blobs");
    if (store_url != NULL && !hd_store_is_url(store_url)) {
        hd_error_set(err, HD_E_INVAL,
                     "--store wants a postgresql:// URL, not '%.60s'",
                     store_url);
        goto out;
    }
    if (access(db, F_OK) == 0 || conf_names_store(conf)) {
        hd_error_set(err, HD_E_EXISTS, "%s already holds an instance", dir);
        goto out;
    }
    if (mkdir(blobs, 0750) < 0 && errno != EEXIST) {
        hd_error_set(err, HD_E_IO, "cannot create %s: %s", blobs,
                     strerror(errno));
        goto out;
    }
    if (access(conf, F_OK) != 0) {
        if (hd_config_write_sample(&sample, err) < 0 ||
            write_file_excl(conf, sample.data, sample.len, 0640, err) < 0)
            goto out;
    }
    if (store_url != NULL) {
        /* The database first: an instance already in it is refused
         * before this directory says anything about it. */
        if (hd_store_open(store_url, HD_STORE_CREATE, 5000, &st, err) < 0)
            goto out;
        char *p = NULL;
        struct hd_arena *pa = hd_arena_new();
        int found = hd_store_meta_get(st, "profile", pa, &p, err);
        hd_arena_free(&pa);
        if (found != 0) {
            if (found > 0)
                hd_error_set(err, HD_E_EXISTS,
                             "that database already holds an instance");
            goto out;
        }
        if (write_store_url(conf, store_url, err) < 0)
            goto out;
    }
    if (make_backup_key(dir, err) < 0 || make_data_key(blobs, err) < 0 ||
        make_reply_key(dir, err) < 0)
        goto out;
    char tdir[4096];
    snprintf(tdir, sizeof tdir, "%s/templates", dir);
    if (hd_template_write_defaults(tdir, err) < 0)
        goto out;
    if (st == NULL && hd_store_open(db, HD_STORE_CREATE, 5000, &st, err) < 0)
        goto out;
    char now[32], id[33];
    unsigned char rnd[16];
    hd_time_format_utc(hd_clock_now(), now);
    hd_random_bytes(rnd, sizeof rnd);
    hd_hex_encode(rnd, sizeof rnd, id, sizeof id);
    if (hd_store_begin(st, err) < 0)
        goto out;
    if (hd_store_meta_set(st, "profile", profile, err) < 0 ||
        hd_store_meta_set(st, "created_at", now, err) < 0 ||
        hd_store_meta_set(st, "instance_id", id, err) < 0) {
        hd_store_rollback(st);
        goto out;
    }
    if (hd_store_commit(st, err) < 0)
        goto out;
    rc = 0;
out:
    hd_store_close(&st);
    hd_buf_deinit(&sample);
    free(conf);
    free(db);
    free(blobs);
    return rc;
}

int hd_instance_open(const struct hd_globals *g, unsigned flags,
                     struct hd_instance **inst_r, struct hd_error *err)
{
    if (g->data_dir == NULL || *g->data_dir == '\0') {
        hd_error_set(err, HD_E_CONFIG,
                     "no instance: give --data DIR or set HELPDESK_DATA");
        return -1;
    }
    struct hd_instance *inst = hd_xcalloc(1, sizeof *inst);
    struct hd_arena *a = hd_arena_new();
    char *conf = path_join(g->data_dir, "helpdesk.conf");
    inst->dir = hd_xstrdup(g->data_dir);
    inst->cfg = hd_config_new();
    inst->flags = flags;
    if (access(conf, F_OK) == 0 && hd_config_load(inst->cfg, conf, err) < 0)
        goto fail;
    const char *url = hd_config_get(inst->cfg, HD_CFG_STORE_URL);
    inst->db_path = url != NULL && *url != '\0'
                        ? hd_xstrdup(url)
                        : path_join(g->data_dir, "helpdesk.db");
    if (!hd_store_is_url(inst->db_path) && access(inst->db_path, F_OK) != 0) {
        hd_error_set(err, HD_E_NOTFOUND,
                     "%s is not an instance (no helpdesk.db; run "
                     "`helpdesk --data %s init`)",
                     g->data_dir, g->data_dir);
        goto fail;
    }
    if (url != NULL && *url != '\0' && !hd_store_is_url(url)) {
        hd_error_set(err, HD_E_CONFIG,
                     "store.url must be a postgresql:// URL");
        goto fail;
    }
    if (hd_clock_set_zone(hd_config_get(inst->cfg, HD_CFG_INSTANCE_TIMEZONE),
                          err) < 0)
        goto fail;
    hd_blob_set_encrypt(hd_config_get_bool(inst->cfg, HD_CFG_BLOB_ENCRYPT));
    hd_blob_set_key_file(hd_config_get(inst->cfg, HD_CFG_BLOB_KEY_FILE));
    if (flags & HD_INSTANCE_DELIVER) {
        long long ms =
            hd_config_get_int(inst->cfg, HD_CFG_MAIL_DELIVER_BUSY_MS);
        inst->busy_ms = ms < 1 ? 1 : ms > INT_MAX ? INT_MAX : (int)ms;
    } else {
        inst->busy_ms =
            (int)hd_config_get_int(inst->cfg, HD_CFG_STORE_BUSY_TIMEOUT_MS);
    }
    if (hd_instance_store_open(inst, &inst->store, err) < 0)
        goto fail;
    char *stamped = NULL;
    int found = hd_store_meta_get(inst->store, "profile", a, &stamped, err);
    if (found < 0)
        goto fail;
    if (found == 0) {
        hd_error_set(err, HD_E_PROFILE, "database %s has no profile stamp",
                     inst->db_path);
        goto fail;
    }
    if (g->profile != NULL && strcmp(g->profile, stamped) != 0) {
        hd_error_set(err, HD_E_PROFILE,
                     "refusing to run: this database belongs to the '%s' "
                     "profile, but the program was started with --profile "
                     "%s (profiles never touch each other's data)",
                     stamped, g->profile);
        goto fail;
    }
    inst->profile = hd_xstrdup(stamped);
    free(conf);
    hd_arena_free(&a);
    *inst_r = inst;
    return 0;
fail:
    free(conf);
    hd_arena_free(&a);
    hd_instance_close(&inst);
    return -1;
}

int hd_instance_store_open(struct hd_instance *inst, struct hd_store **st_r,
                           struct hd_error *err)
{
    unsigned f = (inst->flags & HD_INSTANCE_READONLY) ? HD_STORE_READONLY : 0;
    return hd_store_open(inst->db_path, f, inst->busy_ms, st_r, err);
}

void hd_instance_close(struct hd_instance **instp)
{
    struct hd_instance *inst = *instp;
    if (inst == NULL)
        return;
    hd_store_close(&inst->store);
    hd_config_free(&inst->cfg);
    free(inst->dir);
    free(inst->db_path);
    free(inst->profile);
    free(inst);
    *instp = NULL;
}

struct hd_store *hd_instance_store(struct hd_instance *inst)
{
    return inst->store;
}

const struct hd_config *hd_instance_config(const struct hd_instance *inst)
{
    return inst->cfg;
}

struct hd_config *hd_instance_config_mut(struct hd_instance *inst)
{
    return inst->cfg;
}

const char *hd_instance_dir(const struct hd_instance *inst)
{
    return inst->dir;
}

const char *hd_instance_profile(const struct hd_instance *inst)
{
    return inst->profile;
}
