/* backup_io.c - the byte work of backups: packing parts (deflate, then
 * HDENC1 encryption), unpacking and hash-checking them, manifests with
 * their HMAC, and the small file-system helpers.  Policy (what goes into
 * a generation, pruning) is backup.c's. */
#include "backup_int.h"

#include "blob.h"
#include "store_data.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define BK_IO_CHUNK 65536
#define BK_MANIFEST_MAX (64u * 1024 * 1024)

static int io_fail(struct hd_error *err, const char *what, const char *path)
{
    hd_error_set(err, errno == ENOSPC ? HD_E_NOSPACE : HD_E_IO,
                 "%s %s: %s", what, path, strerror(errno));
    return -1;
}

static char *part_aad(const char *part, char buf[BK_PATH_MAX])
{
    snprintf(buf, BK_PATH_MAX, BK_AAD_PREFIX "%s", part);
    return buf;
}

/* in_path -> gzip file at gz_path. */
static int deflate_file(const char *in_path, const char *gz_path,
                        struct hd_error *err)
{
    FILE *in = fopen(in_path, "rb");
    if (in == NULL)
        return io_fail(err, "cannot read", in_path);
    gzFile gz = gzopen(gz_path, "wb6");
    if (gz == NULL) {
        fclose(in);
        return io_fail(err, "cannot write", gz_path);
    }
    char *buf = hd_xmalloc(BK_IO_CHUNK);
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, BK_IO_CHUNK, in)) > 0)
        if (gzwrite(gz, buf, (unsigned)n) != (int)n)
            rc = -1;
    if (ferror(in))
        rc = -1;
    if (gzclose(gz) != Z_OK)
        rc = -1;
    fclose(in);
    free(buf);
    if (rc < 0)
        return io_fail(err, "cannot compress into", gz_path);
    return 0;
}

static int inflate_file(const char *gz_path, const char *out_path,
                        struct hd_error *err)
{
    gzFile gz = gzopen(gz_path, "rb");
    if (gz == NULL)
        return io_fail(err, "cannot read", gz_path);
    int fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        gzclose(gz);
        return io_fail(err, "cannot create", out_path);
    }
    char *buf = hd_xmalloc(BK_IO_CHUNK);
    int n, rc = 0;
    while (rc == 0 && (n = gzread(gz, buf, BK_IO_CHUNK)) > 0)
        if (write(fd, buf, (size_t)n) != n)
            rc = io_fail(err, "cannot write", out_path);
    if (rc == 0 && n < 0) {
        hd_error_set(err, HD_E_CRYPTO, "%s: compressed data damaged",
                     gz_path);
        rc = -1;
    }
    if (rc == 0 && (fsync(fd) < 0 || close(fd) < 0))
        rc = io_fail(err, "cannot write", out_path);
    else if (rc < 0)
        close(fd);
    gzclose(gz);
    free(buf);
    if (rc < 0)
        unlink(out_path);
    return rc;
}

int bk_pack(const uint8_t key[HD_KEY_LEN], const char *in_path,
            const char *out_path, const char *part, int64_t *bytes_r,
            struct hd_error *err)
{
    char gz[BK_PATH_MAX], aad[BK_PATH_MAX];
    snprintf(gz, sizeof gz, "%s.gz", out_path);
    int rc = deflate_file(in_path, gz, err);
    if (rc == 0)
        rc = hd_crypt_file_encrypt(key, gz, out_path, part_aad(part, aad),
                                   err);
    unlink(gz);
    struct stat sb;
    if (rc == 0 && bytes_r != NULL && stat(out_path, &sb) == 0)
        *bytes_r = sb.st_size;
    return rc;
}

int bk_unpack(const uint8_t key[HD_KEY_LEN], const char *in_path,
              const char *out_path, const char *part, struct hd_error *err)
{
    char gz[BK_PATH_MAX], aad[BK_PATH_MAX];
    snprintf(gz, sizeof gz, "%s.gz", out_path);
    int rc = hd_crypt_file_decrypt(key, in_path, gz, part_aad(part, aad), err);
    if (rc == 0)
        rc = inflate_file(gz, out_path, err);
    unlink(gz);
    return rc;
}

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(p) : unlink(p)) < 0 && errno != ENOENT;
}

int bk_rm_rf(const char *path, struct hd_error *err)
{
    if (access(path, F_OK) != 0)
        return 0;
    if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return io_fail(err, "cannot remove", path);
    return 0;
}

int bk_mkdir(const char *path, struct hd_error *err)
{
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return io_fail(err, "cannot create", path);
    return 0;
}

void bk_fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int bk_copy_file(const char *from, const char *to, struct hd_error *err)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return io_fail(err, "cannot read", from);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        return io_fail(err, "cannot create", to);
    }
    char *buf = hd_xmalloc(BK_IO_CHUNK);
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = read(in, buf, BK_IO_CHUNK)) > 0)
        if (write(out, buf, (size_t)n) != n)
            rc = io_fail(err, "cannot write", to);
    if (rc == 0 && (n < 0 || fsync(out) < 0))
        rc = io_fail(err, "cannot copy to", to);
    close(in);
    if (close(out) < 0 && rc == 0)
        rc = io_fail(err, "cannot write", to);
    free(buf);
    return rc;
}

static void mac_hex(const uint8_t key[HD_KEY_LEN], const char *s, size_t n,
                    char out[HD_SHA256_HEX_SIZE])
{
    uint8_t mac[HD_SHA256_LEN];
    hd_hmac_sha256(key, HD_KEY_LEN, s, n, mac);
    for (size_t i = 0; i < HD_SHA256_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
}

static int write_whole(const char *path, const char *s, size_t n,
                       struct hd_error *err)
{
    char tmp[BK_PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return io_fail(err, "cannot create", tmp);
    if (write(fd, s, n) != (ssize_t)n || fsync(fd) < 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
        return io_fail(err, "cannot write", tmp);
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        unlink(tmp);
        return io_fail(err, "cannot write", path);
    }
    return 0;
}

int bk_manifest_save(const uint8_t key[HD_KEY_LEN], const char *dir,
                     json_t *m, struct hd_error *err)
{
    char path[BK_PATH_MAX], mac[HD_SHA256_HEX_SIZE + 1];
    char *s = json_dumps(m, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    hd_assert(s != NULL);
    size_t n = strlen(s);
    mac_hex(key, s, n, mac);
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    int rc = write_whole(path, s, n, err);
    free(s);
    mac[HD_SHA256_HEX_SIZE - 1] = '\n';
    snprintf(path, sizeof path, "%s/manifest.hmac", dir);
    return rc < 0 ? -1 : write_whole(path, mac, HD_SHA256_HEX_SIZE, err);
}

static char *read_small(const char *path, size_t max, size_t *n_r,
                        struct hd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        io_fail(err, "cannot read", path);
        return NULL;
    }
    char *buf = hd_xmalloc(max + 1);
    size_t n = fread(buf, 1, max + 1, f);
    fclose(f);
    if (n > max) {
        free(buf);
        hd_error_set(err, HD_E_TOOBIG, "%s is over %zu bytes", path, max);
        return NULL;
    }
    buf[n] = '\0';
    *n_r = n;
    return buf;
}

json_t *bk_manifest_load(const uint8_t key[HD_KEY_LEN], const char *dir,
                         struct hd_error *err)
{
    char path[BK_PATH_MAX], mac[HD_SHA256_HEX_SIZE];
    size_t n, hn;
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    char *s = read_small(path, BK_MANIFEST_MAX, &n, err);
    snprintf(path, sizeof path, "%s/manifest.hmac", dir);
    char *h = s ? read_small(path, 2 * HD_SHA256_HEX_SIZE, &hn, err) : NULL;
    json_t *m = NULL;
    if (h != NULL) {
        mac_hex(key, s, n, mac);
        if (hn < HD_SHA256_HEX_SIZE - 1 ||
            memcmp(h, mac, HD_SHA256_HEX_SIZE - 1) != 0)
            hd_error_set(err, HD_E_CRYPTO, "%s: manifest signature does not "
                         "verify (tampered, or another backup key)", dir);
        else if ((m = json_loadb(s, n, 0, NULL)) == NULL ||
                 !json_is_object(m))
            hd_error_set(err, HD_E_PARSE, "%s: manifest unreadable", dir);
    }
    free(s);
    free(h);
    return m;
}

/* Every part listed has the hash the manifest says. */
static int check_parts(const char *gdir, json_t *m, int64_t *bytes_r,
                       struct hd_error *err)
{
    json_t *parts = json_object_get(m, "parts"), *p;
    size_t i;
    if (!json_is_array(parts)) {
        hd_error_set(err, HD_E_PARSE, "%s: manifest lists no parts", gdir);
        return -1;
    }
    json_array_foreach(parts, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *want = json_string_value(json_object_get(p, "sha256"));
        char path[BK_PATH_MAX], got[HD_SHA256_HEX_SIZE];
        if (name == NULL || want == NULL || strstr(name, "..") != NULL) {
            hd_error_set(err, HD_E_PARSE, "%s: bad part entry", gdir);
            return -1;
        }
        snprintf(path, sizeof path, "%s/%s", gdir, name);
        if (hd_sha256_file(path, got, err) < 0)
            return -1;
        if (strcmp(got, want) != 0) {
            hd_error_set(err, HD_E_CRYPTO, "%s: part %s is damaged (SHA-256 "
                         "%.12s..., manifest says %.12s...)", gdir, name,
                         got, want);
            return -1;
        }
        *bytes_r += json_integer_value(json_object_get(p, "bytes"));
    }
    return 0;
}

static int check_db(const char *db, json_t *m, struct hd_error *err)
{
    struct hd_store *st = NULL;
    struct hd_arena *a = hd_arena_new();
    char **problems;
    size_t n = 0;
    struct hd_store_counts c;
    int rc = hd_store_open(db, HD_STORE_READONLY | HD_STORE_NO_MIGRATE, 5000,
                           &st, err);
    if (rc == 0)
        rc = hd_store_check(st, a, &problems, &n, err);
    if (rc == 0 && n > 0) {
        hd_error_set(err, HD_E_CRYPTO, "snapshot fails its integrity check: "
                     "%.180s", problems[0]);
        rc = -1;
    }
    if (rc == 0)
        rc = hd_store_counts(st, &c, err);
    json_t *want = json_object_get(json_object_get(m, "counts"), "tickets");
    if (rc == 0 && json_integer_value(want) != c.tickets) {
        hd_error_set(err, HD_E_CRYPTO, "snapshot holds %lld tickets, the "
                     "manifest says %lld", (long long)c.tickets,
                     (long long)json_integer_value(want));
        rc = -1;
    }
    hd_store_close(&st);
    hd_arena_free(&a);
    return rc;
}

/* A PostgreSQL generation's dump: pg_restore reads all its table data,
 * and every count comes out as the manifest says. */
static int check_pg_dump(const char *dump, json_t *m, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    struct bk_pg_facts f;
    json_t *want = json_object_get(m, "counts");
    int rc = bk_pg_read(dump, a, &f, err);
    const struct {
        const char *name;
        int64_t got;
    } cs[] = {{"tickets", f.counts.tickets},
              {"messages", f.counts.messages},
              {"contacts", f.counts.contacts},
              {"orgs", f.counts.orgs},
              {"attachments", f.counts.attachments},
              {"blobs", f.counts.blobs},
              {"audit", f.counts.audit}};
    for (size_t i = 0; rc == 0 && i < HD_ARRAY_LEN(cs); i++) {
        json_int_t w = json_integer_value(json_object_get(want, cs[i].name));
        if (w != cs[i].got) {
            hd_error_set(err, HD_E_CRYPTO, "dump holds %lld %s, the "
                         "manifest says %lld", (long long)cs[i].got,
                         cs[i].name, (long long)w);
            rc = -1;
        }
    }
    hd_arena_free(&a);
    return rc;
}

/* Unpacks one blob of the generation to out and checks its name. */
static int check_blob(const uint8_t key[HD_KEY_LEN], const char *bdir,
                      const char *gen, const char *self, const char *sha,
                      const char *holder, const char *out,
                      const char *data_key, struct hd_error *err)
{
    char src[BK_PATH_MAX], part[BK_PATH_MAX], got[HD_SHA256_HEX_SIZE];
    int64_t size;
    snprintf(part, sizeof part, "blobs/%s.enc", sha);
    snprintf(src, sizeof src, "%s/%s/%s", bdir,
             strcmp(holder, self) == 0 ? gen : holder, part);
    if (strlen(sha) != 64 || strchr(holder, '/') != NULL) {
        hd_error_set(err, HD_E_PARSE, "bad blob entry %.70s", sha);
        return -1;
    }
    if (bk_unpack(key, src, out, part, err) < 0)
        return -1;
    /* A sealed blob is hashed through the generation's own data key. */
    if (hd_blob_file_hash(out, data_key, got, &size, err) < 0)
        return -1;
    if (strcmp(got, sha) != 0) {
        hd_error_set(err, HD_E_CRYPTO, "blob %.12s... in %s does not match "
                     "its name", sha, holder);
        return -1;
    }
    return 0;
}

static int check_blobs(const uint8_t key[HD_KEY_LEN], const char *bdir,
                       const char *gen, json_t *m, const char *work,
                       const char *restore_to, const char *data_key,
                       struct hd_error *err)
{
    json_t *blobs = json_object_get(m, "blobs"), *b;
    const char *sha;
    char out[BK_PATH_MAX];
    json_object_foreach(blobs, sha, b)
    {
        const char *holder = json_string_value(json_object_get(b, "in"));
        if (holder == NULL) {
            hd_error_set(err, HD_E_PARSE, "blob %.12s... has no holder", sha);
            return -1;
        }
        if (restore_to != NULL) {
            snprintf(out, sizeof out, "%s/blobs/%.2s", restore_to, sha);
            if (bk_mkdir(out, err) < 0)
                return -1;
            snprintf(out, sizeof out, "%s/blobs/%.2s/%s", restore_to, sha,
                     sha + 2);
        } else {
            snprintf(out, sizeof out, "%s/blob", work);
        }
        const char *self =
            json_string_value(json_object_get(m, "generation"));
        if (check_blob(key, bdir, gen, self ? self : gen, sha, holder, out,
                       data_key, err) < 0)
            return -1;
        if (restore_to == NULL)
            unlink(out);
    }
    return 0;
}

int bk_check_generation(const uint8_t key[HD_KEY_LEN], const char *bdir,
                        const char *gen, const char *work,
                        const char *restore_to, int64_t *bytes_r,
                        struct hd_error *err)
{
    char gdir[BK_PATH_MAX], src[BK_PATH_MAX], dst[BK_PATH_MAX];
    snprintf(gdir, sizeof gdir, "%s/%s", bdir, gen);
    json_t *m = bk_manifest_load(key, gdir, err);
    if (m == NULL)
        return -1;
    const char *base = restore_to ? restore_to : work;
    /* The database part last, so dst names it below. */
    bool pg = json_is_string(json_object_get(m, "store")) &&
              strcmp(json_string_value(json_object_get(m, "store")),
                     BK_STORE_PG) == 0;
    const char *const parts[][2] = {{"conf.enc", "helpdesk.conf"},
                                    {"audit-key.enc", "audit.key"},
                                    {pg ? BK_PG_PART : "db.enc",
                                     pg ? BK_PG_FILE : "helpdesk.db"}};
    char data_key[BK_PATH_MAX];
    int rc = check_parts(gdir, m, bytes_r, err);
    for (size_t i = 0; rc == 0 && i < HD_ARRAY_LEN(parts); i++) {
        snprintf(src, sizeof src, "%s/%s", gdir, parts[i][0]);
        snprintf(dst, sizeof dst, "%s/%s", base, parts[i][1]);
        rc = bk_unpack(key, src, dst, parts[i][0], err);
    }
    if (rc == 0)
        rc = pg ? check_pg_dump(dst, m, err) : check_db(dst, m, err);
    /* Generations from before sealing have no data key (and plaintext
     * blobs); a restored instance gets the key as DIR/data.key. */
    snprintf(data_key, sizeof data_key, "%s/data.key", base);
    snprintf(src, sizeof src, "%s/%s", gdir, BK_DATA_KEY_PART);
    if (rc == 0 && access(src, F_OK) == 0)
        rc = bk_unpack(key, src, data_key, BK_DATA_KEY_PART, err);
    if (rc == 0)
        rc = check_blobs(key, bdir, gen, m, work, restore_to, data_key, err);
    json_decref(m);
    return rc;
}
