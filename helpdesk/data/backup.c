/* backup.c - what goes into a generation, when, and how many are kept:
 * run, verify, restore, export from a generation, list, prune, and the
 * worker's daily hook.  Byte work is in backup_io.c; the format is
 * described in backup.h. */
#include "backup.h"
#include "backup_int.h"

#include "audit.h"
#include "blob.h"
#include "blob_key.h"
#include "clock.h"
#include "config.h"
#include "export.h"
#include "log.h"
#include "store_data.h"
#include "store_lease.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BK_GENS_MAX 1000 /* generation directories we look at */
#define BK_NAME_TRIES 100 /* GEN-...Z-2 .. -N when a second is taken */
/* Seconds the daily backup's lease keeps other workers off: longer than a
 * run takes, short enough that a node that died mid-run is replaced the
 * same day. */
#define BK_LEASE 3600

static const char *backup_dir(struct hd_instance *inst, struct hd_arena *a)
{
    const char *d = hd_config_get(hd_instance_config(inst), HD_CFG_BACKUP_DIR);
    if (d != NULL && *d != '\0')
        return d;
    return hd_arena_printf(a, "%s.backups", hd_instance_dir(inst));
}

/* The store's URL when the instance's store is PostgreSQL (backed up
 * with pg_dump), NULL on SQLite (the page copy). */
static const char *pg_url(struct hd_instance *inst)
{
    if (!hd_store_is_pg(hd_instance_store(inst)))
        return NULL;
    return hd_config_get(hd_instance_config(inst), HD_CFG_STORE_URL);
}

static int load_key(struct hd_instance *inst, uint8_t key[HD_KEY_LEN],
                    struct hd_error *err)
{
    const char *k =
        hd_config_get(hd_instance_config(inst), HD_CFG_BACKUP_KEY_FILE);
    char path[BK_PATH_MAX];
    if (k == NULL || *k == '\0')
        snprintf(path, sizeof path, "%s.backup-key", hd_instance_dir(inst));
    else
        snprintf(path, sizeof path, "%s", k);
    return hd_key_load(path, key, err);
}

static int64_t ms_since(struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 +
           (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Finished generations in bdir, oldest first (arena strings). */
static int list_gens(const char *bdir, struct hd_arena *a, char ***gens_r,
                     size_t *n_r, struct hd_error *err)
{
    char **gens = hd_arena_zalloc(a, BK_GENS_MAX * sizeof *gens);
    size_t n = 0;
    DIR *d = opendir(bdir);
    *gens_r = gens;
    *n_r = 0;
    if (d == NULL) {
        if (errno == ENOENT)
            return 0;
        hd_error_set(err, HD_E_IO, "cannot read %s: %s", bdir,
                     strerror(errno));
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < BK_GENS_MAX)
        if (strncmp(e->d_name, "GEN-", 4) == 0)
            gens[n++] = hd_arena_strdup(a, e->d_name);
    closedir(d);
    qsort(gens, n, sizeof *gens, cmp_str);
    *n_r = n;
    return 0;
}

/* "GEN-YYYYMMDDTHHMMSSZ", with "-2".. when that second is taken. */
static int gen_name(const char *bdir, int64_t now, char out[HD_BACKUP_GEN_MAX],
                    struct hd_error *err)
{
    char base[32], path[BK_PATH_MAX], tmp[BK_PATH_MAX];
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(base, sizeof base, "GEN-%Y%m%dT%H%M%SZ", &tm);
    for (int i = 1; i <= BK_NAME_TRIES; i++) {
        if (i == 1)
            snprintf(out, HD_BACKUP_GEN_MAX, "%s", base);
        else
            snprintf(out, HD_BACKUP_GEN_MAX, "%s-%d", base, i);
        snprintf(path, sizeof path, "%s/%s", bdir, out);
        snprintf(tmp, sizeof tmp, "%s/.tmp-%s", bdir, out);
        if (access(path, F_OK) != 0 && access(tmp, F_OK) != 0)
            return 0;
    }
    hd_error_set(err, HD_E_BUSY, "too many backups within one second");
    return -1;
}

static void log_row(struct hd_store *st, const char *action,
                    const struct hd_backup_stats *s, bool ok,
                    const char *detail)
{
    struct hd_error e2 = HD_ERROR_INIT;
    struct hd_arena *a = hd_arena_new();
    struct hd_backup_log_row r = {.at = hd_clock_now(), .action = action,
                                  .generation = s->generation, .ok = ok,
                                  .bytes = s->bytes,
                                  .duration_ms = s->duration_ms,
                                  .detail = detail};
    struct hd_audit_entry ae = {
        .actor = "backup", .source = "cli",
        .object = hd_arena_printf(a, "backup:%s", s->generation),
        .action = hd_arena_printf(a, "backup.%s", action),
        .after_json = hd_arena_printf(a, "{\"ok\":%s,\"bytes\":%" PRId64 "}",
                                      ok ? "true" : "false", s->bytes)};
    if (hd_store_begin(st, &e2) == 0) {
        if (hd_store_backup_log_add(st, &r, &e2) < 0 ||
            hd_audit_append(st, &ae, a, &e2) < 0 ||
            hd_store_commit(st, &e2) < 0)
            hd_store_rollback(st);
    }
    hd_arena_free(&a);
}

struct run {
    struct hd_instance *inst;
    uint8_t key[HD_KEY_LEN];
    const char *bdir;
    char gen[HD_BACKUP_GEN_MAX];
    char tmp[BK_PATH_MAX];
    struct hd_arena *a;
    json_t *parts, *blobs;
    struct hd_backup_stats *stats;
};

static int add_part(struct run *r, const char *src, const char *part,
                    struct hd_error *err)
{
    char out[BK_PATH_MAX], sha[HD_SHA256_HEX_SIZE];
    int64_t bytes = 0;
    snprintf(out, sizeof out, "%s/%s", r->tmp, part);
    if (bk_pack(r->key, src, out, part, &bytes, err) < 0 ||
        hd_sha256_file(out, sha, err) < 0)
        return -1;
    json_array_append_new(r->parts, json_pack("{s:s, s:s, s:I}", "name",
                                              part, "sha256", sha, "bytes",
                                              (json_int_t)bytes));
    r->stats->bytes += bytes;
    return 0;
}

/* Copies a live file blob into the generation as it is stored (sealed
 * under the data key, or plaintext from before sealing), after checking
 * that its plaintext still hashes to its name. */
static int add_blob(struct run *r, struct hd_store *snap,
                    const struct hd_blob_row *b, struct hd_error *err)
{
    const char *blobs = hd_arena_printf(r->a, "%s/blobs",
                                        hd_instance_dir(r->inst));
    struct hd_blob_reader *br;
    char got[HD_SHA256_HEX_SIZE], part[BK_PATH_MAX], *src = NULL;
    int64_t size;
    int f = hd_blob_open(snap, blobs, b->sha256, &br, err);
    if (f == 1 && hd_blob_reader_path(br) != NULL)
        src = hd_arena_strdup(r->a, hd_blob_reader_path(br));
    hd_blob_reader_close(&br);
    if (f == 0 || (f == 1 && src == NULL))
        hd_error_set(err, HD_E_IO, "live blob %s is missing (run helpdesk "
                     "verify)", b->sha256);
    if (src == NULL || hd_blob_check(snap, blobs, b->sha256, got, &size,
                                     err) < 0)
        return -1;
    if (strcmp(got, b->sha256) != 0) {
        hd_error_set(err, HD_E_IO, "live blob %s is damaged (run helpdesk "
                     "verify)", b->sha256);
        return -1;
    }
    snprintf(part, sizeof part, "blobs/%s.enc", b->sha256);
    r->stats->blobs_new++;
    return add_part(r, src, part, err);
}

/* Newest earlier generation's blob map (borrowed from *m_r), or NULL. */
static json_t *previous_blobs(struct run *r, json_t **m_r)
{
    struct hd_error ignore = HD_ERROR_INIT;
    char **gens, path[BK_PATH_MAX];
    size_t n;
    *m_r = NULL;
    if (list_gens(r->bdir, r->a, &gens, &n, &ignore) < 0 || n == 0)
        return NULL;
    snprintf(path, sizeof path, "%s/%s", r->bdir, gens[n - 1]);
    *m_r = bk_manifest_load(r->key, path, &ignore);
    return *m_r ? json_object_get(*m_r, "blobs") : NULL;
}

/* What a generation's database part is made of: the file packed as
 * part, and the facts the manifest records, read from that same
 * snapshot. */
struct snap {
    const char *file, *part;
    const char *store;          /* NULL (SQLite) or BK_STORE_PG */
    struct hd_store_counts c;
    const char *head;           /* newest audit hash; NULL when none */
    struct hd_blob_row *bs;
    size_t nbs;
    int schema;
    struct hd_store *blob_st;   /* where hd_blob_* find the blob rows */
    struct hd_store *own;       /* an SQLite snapshot opened here */
};

static int add_blobs(struct run *r, const struct snap *sn,
                     struct hd_error *err)
{
    json_t *prev_m, *prev = previous_blobs(r, &prev_m);
    char path[BK_PATH_MAX];
    int rc = 0;
    snprintf(path, sizeof path, "%s/blobs", r->tmp);
    if (sn->nbs > 0)
        rc = bk_mkdir(path, err);
    for (size_t i = 0; rc == 0 && i < sn->nbs; i++) {
        const struct hd_blob_row *b = &sn->bs[i];
        if (b->in_row) { /* its bytes are in the database part */
            r->stats->blobs_inline++;
            continue;
        }
        const char *holder = json_string_value(
            json_object_get(json_object_get(prev, b->sha256), "in"));
        snprintf(path, sizeof path, "%s/%s/blobs/%s.enc", r->bdir,
                 holder ? holder : "", b->sha256);
        if (holder != NULL && access(path, R_OK) == 0) {
            r->stats->blobs_referenced++;
        } else {
            holder = r->gen;
            rc = add_blob(r, sn->blob_st, b, err);
        }
        json_object_set_new(r->blobs, b->sha256,
                            json_pack("{s:I, s:s}", "size",
                                      (json_int_t)b->size, "in", holder));
    }
    json_decref(prev_m);
    return rc;
}

static json_t *manifest_new(struct run *r, const struct snap *sn,
                            int64_t now)
{
    char at[32];
    const struct hd_store_counts *c = &sn->c;
    r->stats->tickets = c->tickets;
    hd_time_format_utc(now, at);
    json_t *m = json_pack(
        "{s:s, s:i, s:s, s:s, s:I, s:i, s:{s:I, s:I, s:I, s:I, s:I, s:I, "
        "s:I}, s:s?, s:O, s:O}",
        "format", HD_BACKUP_FORMAT, "version", HD_BACKUP_VERSION,
        "generation", r->gen, "created_at", at, "created_at_unix",
        (json_int_t)now, "schema", sn->schema, "counts",
        "tickets", (json_int_t)c->tickets, "messages",
        (json_int_t)c->messages, "contacts", (json_int_t)c->contacts, "orgs",
        (json_int_t)c->orgs, "attachments", (json_int_t)c->attachments,
        "blobs", (json_int_t)c->blobs, "audit", (json_int_t)c->audit,
        "audit_head", sn->head, "parts", r->parts, "blobs", r->blobs);
    if (m != NULL && sn->store != NULL)
        json_object_set_new(m, "store", json_string(sn->store));
    return m;
}

/* SQLite: an online page copy, opened read-only for its facts. */
static int snap_sqlite(struct run *r, struct snap *sn, struct hd_error *err)
{
    char *db = hd_arena_printf(r->a, "%s/snapshot.db", r->tmp), *head = NULL;
    int64_t head_id = 0;
    *sn = (struct snap){.file = db, .part = "db.enc"};
    int rc = hd_store_backup_to(hd_instance_store(r->inst), db, err);
    if (rc == 0)
        rc = hd_store_open(db, HD_STORE_READONLY | HD_STORE_NO_MIGRATE, 5000,
                           &sn->own, err);
    if (rc == 0)
        rc = hd_store_counts(sn->own, &sn->c, err);
    if (rc == 0)
        rc = hd_store_audit_head(sn->own, r->a, &head_id, &head, err) < 0
                 ? -1 : 0;
    if (rc == 0)
        rc = hd_store_blob_list(sn->own, r->a, &sn->bs, &sn->nbs, err);
    sn->head = head;
    sn->schema = sn->own ? hd_store_schema_version(sn->own) : 0;
    sn->blob_st = sn->own;
    return rc;
}

/* PostgreSQL: pg_dump in its own snapshot; the facts are read back out
 * of the dump (backup_pg.c). */
static int snap_pg(struct run *r, const char *url, struct snap *sn,
                   struct hd_error *err)
{
    struct bk_pg_facts f;
    struct hd_store *live = hd_instance_store(r->inst);
    *sn = (struct snap){
        .file = hd_arena_printf(r->a, "%s/" BK_PG_FILE, r->tmp),
        .part = BK_PG_PART, .store = BK_STORE_PG, .blob_st = live,
        .schema = hd_store_schema_version(live)};
    if (bk_pg_dump(url, sn->file, err) < 0 ||
        bk_pg_read(sn->file, r->a, &f, err) < 0)
        return -1;
    sn->c = f.counts;
    sn->head = f.audit_head;
    sn->bs = f.blobs;
    sn->nbs = f.nblobs;
    return 0;
}

/* Snapshot, parts, manifest: everything inside r->tmp. */
static int build(struct run *r, int64_t now, struct hd_error *err)
{
    char path[BK_PATH_MAX];
    uint8_t akey[HD_KEY_LEN];
    struct snap sn = {0};
    const char *dir = hd_instance_dir(r->inst), *url = pg_url(r->inst);
    int rc = hd_audit_key_load(dir, akey, err);
    hd_memzero_explicit(akey, sizeof akey);
    if (rc == 0)
        rc = url ? snap_pg(r, url, &sn, err) : snap_sqlite(r, &sn, err);
    if (rc == 0)
        rc = add_blobs(r, &sn, err);
    json_t *m = rc == 0 ? manifest_new(r, &sn, now) : NULL;
    hd_store_close(&sn.own);
    rc = m == NULL ? -1 : add_part(r, sn.file, sn.part, err);
    if (sn.file != NULL)
        unlink(sn.file);
    snprintf(path, sizeof path, "%s/helpdesk.conf", dir);
    if (rc == 0 && access(path, F_OK) != 0)
        snprintf(path, sizeof path, "/dev/null");
    if (rc == 0)
        rc = add_part(r, path, "conf.enc", err);
    snprintf(path, sizeof path, "%s/audit.key", dir);
    if (rc == 0)
        rc = add_part(r, path, "audit-key.enc", err);
    /* Sealed blobs, in files and in the database, open only with the
     * data key: a generation carries it, under the backup key. */
    hd_blob_key_path(hd_arena_printf(r->a, "%s/blobs", dir), path);
    if (rc == 0 && access(path, F_OK) == 0)
        rc = add_part(r, path, BK_DATA_KEY_PART, err);
    if (rc == 0)
        rc = bk_manifest_save(r->key, r->tmp, m, err);
    json_decref(m);
    return rc;
}

/* Verifies the finished temp directory, then moves it into place. */
static int seal(struct run *r, struct hd_error *err)
{
    char work[BK_PATH_MAX], final[BK_PATH_MAX];
    int64_t bytes = 0;
    snprintf(work, sizeof work, "%s/.work-%s", r->bdir, r->gen);
    int rc = bk_mkdir(work, err);
    if (rc == 0)
        rc = bk_check_generation(r->key, r->bdir, r->tmp + strlen(r->bdir) + 1,
                                 work, NULL, &bytes, err);
    struct hd_error e2 = HD_ERROR_INIT;
    (void)bk_rm_rf(work, &e2);
    if (rc < 0)
        return -1;
    bk_fsync_dir(r->tmp);
    snprintf(final, sizeof final, "%s/%s", r->bdir, r->gen);
    if (rename(r->tmp, final) < 0) {
        hd_error_set(err, HD_E_IO, "cannot rename %s: %s", r->tmp,
                     strerror(errno));
        return -1;
    }
    bk_fsync_dir(r->bdir);
    return 0;
}

/* Moves the bytes of blobs held by 'old' that a surviving generation
 * still references into the oldest such survivor, and repoints every
 * surviving manifest, before 'old' may go. */
static int copy_forward(const uint8_t *key, const char *bdir,
                        const char *old, char **gens, size_t n,
                        struct hd_error *err)
{
    json_t **ms = hd_xcalloc(n, sizeof *ms);
    bool *dirty = hd_xcalloc(n, sizeof *dirty);
    char path[BK_PATH_MAX], from[BK_PATH_MAX], sha256[HD_SHA256_HEX_SIZE];
    int rc = 0;
    for (size_t g = 0; rc == 0 && g < n; g++) {
        snprintf(path, sizeof path, "%s/%s", bdir, gens[g]);
        rc = (ms[g] = bk_manifest_load(key, path, err)) ? 0 : -1;
    }
    for (size_t g = 0; rc == 0 && g < n; g++) {
        const char *sha;
        json_t *b;
        json_object_foreach(json_object_get(ms[g], "blobs"), sha, b)
        {
            if (rc < 0 || strcmp(json_string_value(json_object_get(b, "in")),
                                 old) != 0)
                continue;
            snprintf(from, sizeof from, "%s/%s/blobs/%s.enc", bdir, old, sha);
            snprintf(path, sizeof path, "%s/%s/blobs", bdir, gens[g]);
            rc = bk_mkdir(path, err);
            snprintf(path, sizeof path, "%s/%s/blobs/%s.enc", bdir, gens[g],
                     sha);
            if (rc == 0 && access(path, F_OK) != 0)
                rc = bk_copy_file(from, path, err);
            if (rc == 0)
                rc = hd_sha256_file(path, sha256, err);
            if (rc < 0)
                break;
            json_object_set_new(b, "in", json_string(gens[g]));
            json_array_append_new(
                json_object_get(ms[g], "parts"),
                json_pack("{s:s++, s:s, s:I}", "name", "blobs/", sha, ".enc",
                          "sha256", sha256, "bytes", (json_int_t)0));
            dirty[g] = true;
            /* Later generations now find the bytes in gens[g]. */
            for (size_t h = g + 1; h < n; h++) {
                json_t *hb = json_object_get(json_object_get(ms[h], "blobs"),
                                             sha);
                if (hb != NULL)
                    json_object_set_new(hb, "in", json_string(gens[g]));
            }
        }
    }
    for (size_t g = 0; g < n; g++) {
        snprintf(path, sizeof path, "%s/%s", bdir, gens[g]);
        if (rc == 0 && dirty[g])
            rc = bk_manifest_save(key, path, ms[g], err);
        json_decref(ms[g]);
    }
    free(ms);
    free(dirty);
    return rc;
}

static int prune(struct run *r, struct hd_error *err)
{
    long long keep =
        hd_config_get_int(hd_instance_config(r->inst),
                          HD_CFG_BACKUP_GENERATIONS);
    char **gens, path[BK_PATH_MAX];
    size_t n;
    if (keep < 1)
        keep = 1;
    if (list_gens(r->bdir, r->a, &gens, &n, err) < 0)
        return -1;
    for (size_t i = 0; n - i > (size_t)keep; i++) {
        if (copy_forward(r->key, r->bdir, gens[i], gens + i + 1, n - i - 1,
                         err) < 0)
            return -1;
        snprintf(path, sizeof path, "%s/%s", r->bdir, gens[i]);
        if (bk_rm_rf(path, err) < 0)
            return -1;
        r->stats->pruned++;
    }
    return 0;
}

int hd_backup_run(struct hd_instance *inst, struct hd_backup_stats *stats,
                  struct hd_error *err)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(stats, 0, sizeof *stats);
    struct run r = {.inst = inst, .a = hd_arena_new(), .stats = stats,
                    .parts = json_array(), .blobs = json_object()};
    r.bdir = backup_dir(inst, r.a);
    int64_t now = hd_clock_now();
    int rc = load_key(inst, r.key, err);
    if (rc == 0)
        rc = bk_mkdir(r.bdir, err);
    if (rc == 0)
        rc = gen_name(r.bdir, now, r.gen, err);
    snprintf(stats->generation, sizeof stats->generation, "%s", r.gen);
    snprintf(r.tmp, sizeof r.tmp, "%s/.tmp-%s", r.bdir, r.gen);
    bool made = rc == 0 && bk_mkdir(r.tmp, err) == 0;
    if (made)
        rc = build(&r, now, err);
    if (made && rc == 0)
        rc = seal(&r, err);
    if (made && rc < 0) {
        struct hd_error e2 = HD_ERROR_INIT;
        (void)bk_rm_rf(r.tmp, &e2); /* earlier generations stay as they were */
    }
    if (rc == 0 && !made)
        rc = -1;
    if (rc == 0)
        rc = prune(&r, err);
    stats->duration_ms = ms_since(&t0);
    log_row(hd_instance_store(inst), "run", stats, rc == 0, rc == 0 ? "" : err->msg);
    hd_memzero_explicit(r.key, sizeof r.key);
    json_decref(r.parts);
    json_decref(r.blobs);
    hd_arena_free(&r.a);
    return rc;
}

static int check_name(const char *gen, struct hd_error *err)
{
    if (strncmp(gen, "GEN-", 4) != 0 || strchr(gen, '/') != NULL ||
        strlen(gen) >= HD_BACKUP_GEN_MAX) {
        hd_error_set(err, HD_E_INVAL, "'%s' is not a generation name "
                     "(see: helpdesk backup list)", gen);
        return -1;
    }
    return 0;
}

/* Unpacks and checks gen into dir (created here, removed on failure). */
static int unpack_into(struct hd_instance *inst, const char *gen,
                       const char *dir, bool as_instance, int64_t *bytes_r,
                       struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    const char *bdir = backup_dir(inst, a);
    uint8_t key[HD_KEY_LEN];
    char path[BK_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", bdir, gen);
    int rc = check_name(gen, err);
    if (rc == 0 && access(path, F_OK) != 0) {
        hd_error_set(err, HD_E_NOTFOUND, "no generation %s in %s", gen, bdir);
        rc = -1;
    }
    if (rc == 0)
        rc = load_key(inst, key, err);
    snprintf(path, sizeof path, "%s/blobs", dir);
    if (rc == 0 && (rc = bk_mkdir(dir, err)) == 0 && as_instance)
        rc = bk_mkdir(path, err);
    if (rc == 0)
        rc = bk_check_generation(key, bdir, gen, dir,
                                 as_instance ? dir : NULL, bytes_r, err);
    hd_memzero_explicit(key, sizeof key);
    hd_arena_free(&a);
    return rc;
}

int hd_backup_verify(struct hd_instance *inst, const char *gen,
                     struct hd_backup_stats *stats, struct hd_error *err)
{
    return hd_backup_verify_on(inst, hd_instance_store(inst), gen, stats,
                               err);
}

int hd_backup_verify_on(struct hd_instance *inst, struct hd_store *st,
                        const char *gen, struct hd_backup_stats *stats,
                        struct hd_error *err)
{
    static atomic_uint seq; /* several threads may verify at once */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(stats, 0, sizeof *stats);
    snprintf(stats->generation, sizeof stats->generation, "%s", gen);
    struct hd_arena *a = hd_arena_new();
    const char *work = hd_arena_printf(a, "%s/.work-verify-%d-%u",
                                       backup_dir(inst, a), (int)getpid(),
                                       atomic_fetch_add(&seq, 1u));
    int rc = unpack_into(inst, gen, work, false, &stats->bytes, err);
    struct hd_error e2 = HD_ERROR_INIT;
    (void)bk_rm_rf(work, &e2);
    stats->duration_ms = ms_since(&t0);
    if (err->code != HD_E_INVAL)
        log_row(st, "verify", stats, rc == 0, rc == 0 ? "" : err->msg);
    hd_arena_free(&a);
    return rc;
}

static int empty_or_absent(const char *to, struct hd_error *err)
{
    DIR *d = opendir(to);
    if (d == NULL)
        return errno == ENOENT ? 0 : (hd_error_set(err, HD_E_IO, "%s: %s", to,
                                                  strerror(errno)), -1);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    if (n > 0) {
        hd_error_set(err, HD_E_EXISTS, "%s is not empty: restore only into "
                     "an empty directory", to);
        return -1;
    }
    return rmdir(to) < 0 ? (hd_error_set(err, HD_E_IO, "%s: %s", to,
                                         strerror(errno)), -1)
                         : 0;
}

/* dir/helpdesk.conf with its store.url lines replaced by one naming url:
 * the restored instance opens the database it was restored into. */
static int conf_set_store_url(const char *dir, const char *url,
                              struct hd_error *err)
{
    char path[BK_PATH_MAX], tmp[BK_PATH_MAX], *line = NULL;
    size_t cap = 0;
    snprintf(path, sizeof path, "%s/helpdesk.conf", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *in = fopen(path, "r"), *out = fopen(tmp, "w");
    int rc = in && out ? 0 : -1;
    while (rc == 0 && getline(&line, &cap, in) >= 0) {
        const char *k = line + strspn(line, " \t");
        if (strncmp(k, "store.url", 9) == 0 &&
            (k[9] == ' ' || k[9] == '\t' || k[9] == '='))
            continue;
        rc = fputs(line, out) < 0 ? -1 : 0;
    }
    free(line);
    if (rc == 0 && fprintf(out, "store.url = %s\n", url) < 0)
        rc = -1;
    if (in != NULL)
        fclose(in);
    if (out != NULL && (fflush(out) != 0 || fsync(fileno(out)) < 0))
        rc = -1;
    if (out != NULL && fclose(out) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) < 0)
        rc = -1;
    if (rc < 0) {
        hd_error_set(err, HD_E_IO, "cannot write %s: %s", path,
                     strerror(errno));
        unlink(tmp);
    }
    return rc;
}

/* The dump unpacked into dir goes into the database at url (which must
 * be empty unless replace), then dir's configuration points at it. */
static int restore_pg(const char *dir, const char *url, bool replace,
                      struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    const char *dump = hd_arena_printf(a, "%s/" BK_PG_FILE, dir), *bare, *pw;
    struct hd_store *st = NULL;
    int blank = 0;
    int rc = bk_pg_url_split(url, a, &bare, &pw, err);
    if (rc == 0)
        rc = hd_store_open(url, HD_STORE_READONLY | HD_STORE_NO_MIGRATE, 5000,
                           &st, err);
    if (rc == 0)
        rc = (blank = hd_store_pg_is_blank(st, err)) < 0 ? -1 : 0;
    hd_store_close(&st);
    if (rc == 0 && !blank && !replace) {
        hd_error_set(err, HD_E_EXISTS, "%s is not empty: restore only into "
                     "an empty database (or give --replace)", bare);
        rc = -1;
    }
    if (rc == 0)
        rc = bk_pg_restore(dump, url, replace, err);
    unlink(dump);
    if (rc == 0)
        rc = conf_set_store_url(dir, url, err);
    hd_arena_free(&a);
    return rc;
}

int hd_backup_restore(struct hd_instance *inst, const char *gen,
                      const char *to, struct hd_error *err)
{
    return hd_backup_restore_store(inst, gen, to, NULL, false, err);
}

int hd_backup_restore_store(struct hd_instance *inst, const char *gen,
                            const char *to, const char *store_url,
                            bool replace, struct hd_error *err)
{
    struct hd_backup_stats stats = {0};
    char tmp[BK_PATH_MAX], dump[BK_PATH_MAX];
    snprintf(stats.generation, sizeof stats.generation, "%s", gen);
    snprintf(tmp, sizeof tmp, "%s.restoring-%d", to, (int)getpid());
    snprintf(dump, sizeof dump, "%s/" BK_PG_FILE, tmp);
    int rc = empty_or_absent(to, err);
    if (rc == 0)
        rc = unpack_into(inst, gen, tmp, true, &stats.bytes, err);
    bool has_dump = rc == 0 && access(dump, F_OK) == 0;
    if (rc == 0 && has_dump != (store_url != NULL)) {
        hd_error_set(err, HD_E_INVAL, has_dump
                     ? "%s holds a PostgreSQL dump: give --store URL of an "
                       "empty database to restore it into"
                     : "%s holds an SQLite database: restore it without "
                       "--store", gen);
        rc = -1;
    }
    if (rc == 0 && has_dump)
        rc = restore_pg(tmp, store_url, replace, err);
    if (rc == 0 && rename(tmp, to) < 0) {
        hd_error_set(err, HD_E_IO, "cannot rename %s: %s", tmp,
                     strerror(errno));
        rc = -1;
    }
    struct hd_error e2 = HD_ERROR_INIT;
    if (rc < 0)
        (void)bk_rm_rf(tmp, &e2);
    log_row(hd_instance_store(inst), "restore", &stats, rc == 0,
            rc == 0 ? to : err->msg);
    return rc;
}

int hd_backup_export(struct hd_instance *inst, const char *gen,
                     const char *out_path, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    const char *work = hd_arena_printf(a, "%s/.work-export-%d",
                                       backup_dir(inst, a), (int)getpid());
    int64_t bytes = 0;
    struct hd_store *st = NULL;
    int rc = unpack_into(inst, gen, work, true, &bytes, err);
    if (rc == 0 &&
        access(hd_arena_printf(a, "%s/" BK_PG_FILE, work), F_OK) == 0) {
        hd_error_set(err, HD_E_INVAL, "%s holds a PostgreSQL dump: restore "
                     "it (backup restore GEN --to DIR --store URL) and run "
                     "helpdesk export there", gen);
        rc = -1;
    }
    if (rc == 0)
        rc = hd_store_open(hd_arena_printf(a, "%s/helpdesk.db", work),
                           HD_STORE_READONLY | HD_STORE_NO_MIGRATE, 5000, &st,
                           err);
    struct hd_export_opts o = {.blobs_dir = hd_arena_printf(a, "%s/blobs",
                                                            work)};
    if (rc == 0)
        rc = hd_export_write(st, &o, out_path, err);
    hd_store_close(&st);
    struct hd_error e2 = HD_ERROR_INIT;
    (void)bk_rm_rf(work, &e2);
    hd_arena_free(&a);
    return rc;
}

json_t *hd_backup_list(struct hd_instance *inst, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    const char *bdir = backup_dir(inst, a);
    uint8_t key[HD_KEY_LEN];
    char **gens, path[BK_PATH_MAX];
    size_t n;
    json_t *out = NULL;
    if (load_key(inst, key, err) == 0 &&
        list_gens(bdir, a, &gens, &n, err) == 0) {
        out = json_array();
        for (size_t i = 0; i < n; i++) {
            struct hd_error e2 = HD_ERROR_INIT;
            snprintf(path, sizeof path, "%s/%s", bdir, gens[i]);
            json_t *m = bk_manifest_load(key, path, &e2);
            json_t *c = json_object_get(m, "counts");
            json_array_append_new(
                out, json_pack("{s:s, s:O?, s:O?, s:O?, s:b, s:s}", "name",
                               gens[i], "created_at",
                               json_object_get(m, "created_at"), "tickets",
                               json_object_get(c, "tickets"), "blobs",
                               json_object_get(c, "blobs"), "manifest_ok",
                               m != NULL, "problem", m ? "" : e2.msg));
            json_decref(m);
        }
    }
    hd_memzero_explicit(key, sizeof key);
    hd_arena_free(&a);
    return out;
}

int hd_backup_newest(struct hd_instance *inst, int64_t *at_r,
                     struct hd_error *err)
{
    json_t *l = hd_backup_list(inst, err);
    if (l == NULL)
        return -1;
    *at_r = 0;
    size_t n = json_array_size(l);
    const char *s = n ? json_string_value(json_object_get(
                            json_array_get(l, n - 1), "created_at"))
                      : NULL;
    if (s != NULL && hd_time_parse(s, at_r, err) < 0)
        *at_r = 0;
    json_decref(l);
    return 0;
}

int hd_backup_maybe_run(struct hd_instance *inst, int64_t now,
                        struct hd_error *err)
{
    long long hour =
        hd_config_get_int(hd_instance_config(inst), HD_CFG_BACKUP_HOUR);
    struct tm tm;
    long off;
    hd_time_local(now, &tm, &off);
    int64_t due = hd_time_from_local(tm.tm_year + 1900, tm.tm_mon + 1,
                                     tm.tm_mday, (int)hour, 0, 0);
    int64_t newest = 0, logged = 0;
    struct hd_store *st = hd_instance_store(inst);
    if (now < due)
        return 0;
    /* This node's backup directory, and the backup log that every node
     * writes to the shared store: another node's run today counts. */
    if (hd_backup_newest(inst, &newest, err) < 0 ||
        hd_store_backup_last_ok(st, &logged, err) < 0)
        return -1;
    if (newest >= due || logged >= due)
        return 0;
    /* Workers on other nodes (or a second one here) may be at this point
     * too: the one that takes the lease runs the backup. */
    int taken = hd_store_lease_take(st, "backup", now, now + BK_LEASE, err);
    if (taken <= 0)
        return taken;
    struct hd_backup_stats stats;
    if (hd_backup_run(inst, &stats, err) == 0)
        return 1; /* the log row now says it ran; the lease just ends */
    struct hd_error e2 = HD_ERROR_INIT;
    if (hd_store_lease_drop(st, "backup", &e2) < 0) /* next tick retries */
        hd_warn("backup", "lease", "error=\"%s\"", e2.msg);
    return -1;
}
