/* migrate.c - moves an instance from its SQLite store to PostgreSQL
 * (migrate.h): the refusals, the two transactions, the checks after the
 * copy and the switch of helpdesk.conf.  The tables and their SQL are in
 * store_migrate.c. */
#include "migrate.h"

#include "audit.h"
#include "clock.h"
#include "log.h"
#include "store_data.h"
#include "store_migrate.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CONF_MAX (1 << 20) /* helpdesk.conf is a few KiB */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *hd_migrate_url_shown(struct hd_arena *a, const char *url)
{
    /* scheme://user:password@host... -> scheme://user@host... */
    const char *auth = strstr(url, "://");
    const char *at = auth ? strchr(auth + 3, '@') : NULL;
    const char *colon = auth ? memchr(auth + 3, ':', (size_t)(at ? at - auth - 3
                                                                  : 0))
                             : NULL;
    if (colon == NULL)
        return hd_arena_strdup(a, url);
    return hd_arena_printf(a, "%.*s%s", (int)(colon - url), url, at);
}

int hd_migrate_copy(struct hd_store *src, struct hd_store *dst,
                    FILE *progress, struct hd_migrate_stats *s,
                    struct hd_error *err)
{
    if (hd_store_copy_start(dst, err) < 0)
        return -1;
    for (size_t i = 0; i < hd_store_copy_table_count(); i++) {
        int64_t t0 = mono_ms(), n = 0, n_src = 0, n_dst = 0;
        if (hd_store_copy_table(src, dst, i, &n, err) < 0)
            return -1;
        if (hd_store_copy_count(src, i, &n_src, err) < 0 ||
            hd_store_copy_count(dst, i, &n_dst, err) < 0)
            return -1;
        if (n_src != n_dst || n != n_src) {
            hd_error_set(err, HD_E_INTERNAL, "%s: %lld rows in the source, "
                         "%lld copied, %lld in the target",
                         hd_store_copy_table_name(i), (long long)n_src,
                         (long long)n, (long long)n_dst);
            return -1;
        }
        s->tables++;
        s->rows += n;
        if (progress != NULL && n > 0)
            fprintf(progress, "%-20s %10lld rows %8lld ms\n",
                    hd_store_copy_table_name(i), (long long)n,
                    (long long)(mono_ms() - t0));
    }
    return hd_store_copy_finish(dst, err);
}

/* HD_E_BUSY when another process has the source open. */
static int refuse_if_used(struct hd_store *src, struct hd_error *err)
{
    long pid = 0;
    int used = hd_store_other_users(src, &pid, err);
    if (used == 1)
        hd_error_set(err, HD_E_BUSY, "process %ld has the instance's "
                     "database open: stop helpdesk-web, the mail gateway "
                     "(LMTP server, fetch) and the worker first", pid);
    return used == 0 ? 0 : -1;
}

/* The driver's message may quote the URL: never with its password. */
static void hide_password(struct hd_error *err, const char *url)
{
    char *p = strstr(err->msg, url);
    if (p == NULL)
        return;
    struct hd_arena *a = hd_arena_new();
    const char *shown = hd_migrate_url_shown(a, url);
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%.*s%s%s", (int)(p - err->msg), err->msg,
             shown, p + strlen(url));
    snprintf(err->msg, sizeof err->msg, "%s", msg);
    hd_arena_free(&a);
}

/* Opens the target and checks that it can take the copy. */
static int open_target(struct hd_instance *inst, const char *url,
                       struct hd_store **dst_r, struct hd_error *err)
{
    struct hd_store *src = hd_instance_store(inst);
    long long busy = hd_config_get_int(hd_instance_config(inst),
                                       HD_CFG_STORE_BUSY_TIMEOUT_MS);
    if (hd_store_open(url, HD_STORE_CREATE, (int)busy, dst_r, err) < 0) {
        hide_password(err, url);
        return -1;
    }
    int sv = hd_store_schema_version(src),
        dv = hd_store_schema_version(*dst_r);
    if (sv != dv) {
        hd_error_set(err, HD_E_CONFIG, "schema versions differ: the "
                     "instance has %d, the target %d (run the same version "
                     "of the program on both)", sv, dv);
        hd_store_close(dst_r);
        return -1;
    }
    return 0;
}

/* Inside the target's transaction: HD_E_EXISTS unless it holds nothing
 * (a new instance's unused default queue aside, as for import). */
static int target_empty(struct hd_store *dst, struct hd_error *err)
{
    int empty = hd_store_drop_fresh_queue(dst, err) < 0
                    ? -1
                    : hd_store_is_empty(dst, err);
    if (empty == 0)
        hd_error_set(err, HD_E_EXISTS, "the target database holds data: "
                     "migrate only into an empty database");
    return empty == 1 ? 0 : -1;
}

/* The audit chain arrived whole: same rows, same head, same verdict. */
static int check_audit(struct hd_instance *inst, struct hd_store *src,
                       struct hd_store *dst, struct hd_migrate_stats *s,
                       struct hd_error *err)
{
    uint8_t key[HD_KEY_LEN];
    struct hd_audit_report a, b;
    int rc = hd_audit_key_load(hd_instance_dir(inst), key, err) < 0 ||
                     hd_audit_verify(src, key, &a, err) < 0 ||
                     hd_audit_verify(dst, key, &b, err) < 0
                 ? -1
                 : 0;
    hd_memzero_explicit(key, sizeof key);
    if (rc < 0)
        return -1;
    if (a.rows != b.rows || a.intact != b.intact ||
        strcmp(a.head_hash, b.head_hash) != 0) {
        hd_error_set(err, HD_E_INTERNAL, "the audit chain differs after "
                     "the copy (%lld rows, %s; target %lld rows, %s)",
                     (long long)a.rows, a.intact ? "intact" : a.problem,
                     (long long)b.rows, b.intact ? "intact" : b.problem);
        return -1;
    }
    s->audit_rows = b.rows;
    return 0;
}

static int copy_all(struct hd_instance *inst, struct hd_store *dst,
                    const char *url, struct hd_arena *a, FILE *progress,
                    struct hd_migrate_stats *s, struct hd_error *err)
{
    struct hd_store *src = hd_instance_store(inst);
    const char *after = hd_audit_json(
        a, json_pack("{s:s}", "to", hd_migrate_url_shown(a, url)));
    if (hd_store_begin(dst, err) < 0)
        return -1;
    if (target_empty(dst, err) < 0 || hd_store_begin(src, err) < 0) {
        hd_store_rollback(dst);
        return -1;
    }
    /* The move is the last row of the chain on both sides. */
    int rc = hd_audit_cli(src, a, "instance", "migrate", NULL, after, err);
    if (rc == 0)
        rc = hd_migrate_copy(src, dst, progress, s, err);
    if (rc == 0)
        rc = check_audit(inst, src, dst, s, err);
    /* A process that started during the copy still has the old store. */
    if (rc == 0)
        rc = refuse_if_used(src, err);
    if (rc == 0)
        rc = hd_store_commit(dst, err);
    else
        hd_store_rollback(dst);
    if (rc == 0 && hd_store_commit(src, err) < 0) {
        /* The target is complete; only the source lacks the audit row. */
        hd_log(HD_LOG_WARN, "migrate", "source_audit",
               "the target is committed but the audit row of the move "
               "could not be written to helpdesk.db: %s", err->msg);
        *err = (struct hd_error)HD_ERROR_INIT;
    } else if (rc < 0) {
        hd_store_rollback(src);
    }
    return rc;
}

/* helpdesk.conf with store.url = url in place of any earlier setting,
 * written to a temporary file and renamed over the old one. */
static int switch_conf(struct hd_instance *inst, const char *url,
                       struct hd_arena *a, struct hd_error *err)
{
    const char *path = hd_arena_printf(a, "%s/helpdesk.conf",
                                       hd_instance_dir(inst));
    const char *tmp = hd_arena_printf(a, "%s.migrate", path);
    struct stat sb;
    FILE *in = fopen(path, "r");
    if (in == NULL || fstat(fileno(in), &sb) < 0) {
        if (in)
            fclose(in);
        hd_error_set(err, HD_E_IO, "cannot read %s", path);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                  sb.st_mode & 07777);
    FILE *out = fd < 0 ? NULL : fdopen(fd, "w");
    if (out == NULL) {
        fclose(in);
        hd_error_set(err, HD_E_IO, "cannot create %s", tmp);
        return -1;
    }
    char line[4096];
    while (fgets(line, sizeof line, in) != NULL) {
        const char *p = line + strspn(line, " \t");
        if (strncmp(p, "store.url", 9) == 0 &&
            (p[9 + strspn(p + 9, " \t")] == '='))
            continue;
        fputs(line, out);
    }
    char at[32];
    hd_time_format_utc(hd_clock_now(), at);
    fprintf(out, "\n# helpdesk migrate, %s: the store moved to PostgreSQL.\n"
                 "# helpdesk.db is the SQLite store as it was then; "
                 "without this line the\n# instance opens it again "
                 "(docs/scale-out.md).\nstore.url = %s\n", at, url);
    fclose(in);
    int rc = fflush(out) == 0 && fsync(fileno(out)) == 0 ? 0 : -1;
    fclose(out);
    if (rc == 0)
        rc = rename(tmp, path);
    if (rc < 0) {
        unlink(tmp);
        hd_error_set(err, HD_E_IO, "cannot write %s", path);
        return -1;
    }
    int dfd = open(hd_instance_dir(inst), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}

int hd_migrate(struct hd_instance *inst, const char *url, FILE *progress,
               struct hd_migrate_stats *s, struct hd_error *err)
{
    memset(s, 0, sizeof *s);
    struct hd_store *src = hd_instance_store(inst), *dst = NULL;
    if (!hd_store_is_url(url)) {
        hd_error_set(err, HD_E_INVAL, "--to wants a postgresql:// URL");
        return -1;
    }
    if (hd_store_is_pg(src)) {
        hd_error_set(err, HD_E_INVAL, "the instance is on PostgreSQL "
                     "already (store.url)");
        return -1;
    }
    if (hd_store_copy_check(src, err) < 0 || refuse_if_used(src, err) < 0 ||
        open_target(inst, url, &dst, err) < 0)
        return -1;
    struct hd_arena *a = hd_arena_new();
    int64_t t0 = mono_ms();
    int rc = copy_all(inst, dst, url, a, progress, s, err);
    s->duration_ms = mono_ms() - t0;
    hd_store_close(&dst);
    if (rc == 0)
        rc = switch_conf(inst, url, a, err);
    hd_arena_free(&a);
    return rc;
}
