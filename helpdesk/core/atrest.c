/* atrest.c - see atrest.h.
 *
 * A dm-crypt mapping shows in sysfs as /sys/dev/block/MAJ:MIN/dm/uuid
 * starting with "CRYPT-" (cryptsetup names it so, LUKS or plain).  LVM on
 * LUKS is a dm-linear device ("LVM-...") whose slaves/ lists the crypt
 * device, so the walk follows slaves/ down a few levels.  The filesystem's
 * device is the MAJ:MIN field of the mount in /proc/self/mountinfo, the
 * mount being the longest mount point that is a prefix of the directory
 * (the last one listed when a path is mounted over). */
#include "atrest.h"

#include "blob.h"
#include "blob_key.h"
#include "store_blob.h"
#include "store_data.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLAVE_DEPTH_MAX 6
#define MOUNTINFO_LINE_MAX 4096

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
            s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
            *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + s[3] - '0');
            s += 3;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

/* Length of mount point mp when it holds path, else 0 ("/" counts 1). */
static size_t holds(const char *mp, const char *path)
{
    size_t n = strlen(mp);
    if (strcmp(mp, "/") == 0)
        return 1;
    if (strncmp(mp, path, n) != 0 || (path[n] != '/' && path[n] != '\0'))
        return 0;
    return n;
}

/* Fields of one mountinfo line: 3 MAJ:MIN, 5 mount point, then after
 * " - ": type and source. */
static bool parse_line(char *line, char **dev, char **mp, char **type,
                       char **src)
{
    char *f[5], *save = NULL, *sep = strstr(line, " - ");
    int nf = 0;
    if (sep == NULL)
        return false;
    *sep = '\0';
    for (char *p = strtok_r(line, " ", &save); p != NULL && nf < 5;
         p = strtok_r(NULL, " ", &save))
        f[nf++] = p;
    if (nf < 5)
        return false;
    *dev = f[2];
    *mp = f[4];
    save = NULL;
    *type = strtok_r(sep + 3, " ", &save);
    *src = *type ? strtok_r(NULL, " ", &save) : NULL;
    return *type != NULL && *src != NULL;
}

static void find_mount(const char *path, const char *root,
                       struct hd_atrest_device *d)
{
    char file[PATH_MAX], line[MOUNTINFO_LINE_MAX];
    size_t best = 0;
    snprintf(file, sizeof file, "%s/proc/self/mountinfo", root);
    FILE *f = fopen(file, "re");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        char *dev, *mp, *type, *src;
        line[strcspn(line, "\n")] = '\0';
        if (!parse_line(line, &dev, &mp, &type, &src))
            continue;
        unescape(mp);
        size_t n = holds(mp, path);
        if (n == 0 || n < best)
            continue;
        best = n;
        snprintf(d->dev, sizeof d->dev, "%s", dev);
        snprintf(d->mount_point, sizeof d->mount_point, "%s", mp);
        snprintf(d->fs_type, sizeof d->fs_type, "%s", type);
        snprintf(d->source, sizeof d->source, "%s", src);
    }
    fclose(f);
}

/* Reads the first line of a small sysfs file; false when absent. */
static bool read_line(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return false;
    bool got = fgets(out, (int)cap, f) != NULL;
    fclose(f);
    if (got)
        out[strcspn(out, "\n")] = '\0';
    return got;
}

/* Looks for a CRYPT- target at the block device directory bdir and below
 * its slaves. */
static bool crypt_below(const char *bdir, int depth,
                        struct hd_atrest_device *d)
{
    char path[PATH_MAX], uuid[160];
    snprintf(path, sizeof path, "%s/dm/uuid", bdir);
    if (read_line(path, uuid, sizeof uuid) &&
        strncmp(uuid, "CRYPT-", 6) == 0) {
        snprintf(d->crypt_uuid, sizeof d->crypt_uuid, "%s", uuid);
        snprintf(path, sizeof path, "%s/dev", bdir);
        if (!read_line(path, d->crypt_dev, sizeof d->crypt_dev))
            snprintf(d->crypt_dev, sizeof d->crypt_dev, "%s", d->dev);
        return true;
    }
    if (depth >= SLAVE_DEPTH_MAX)
        return false;
    snprintf(path, sizeof path, "%s/slaves", bdir);
    DIR *dh = opendir(path);
    if (dh == NULL)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(dh)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[PATH_MAX];
        snprintf(sub, sizeof sub, "%s/slaves/%s", bdir, e->d_name);
        found = crypt_below(sub, depth + 1, d);
    }
    closedir(dh);
    return found;
}

int hd_atrest_device(const char *dir, const char *root,
                     struct hd_atrest_device *d, struct hd_error *err)
{
    char path[PATH_MAX], bdir[PATH_MAX];
    memset(d, 0, sizeof *d);
    if (root[0] != '\0' || realpath(dir, path) == NULL)
        snprintf(path, sizeof path, "%s", dir);
    if (path[0] != '/') {
        hd_error_set(err, HD_E_INVAL, "%.200s is not an absolute path", dir);
        return -1;
    }
    find_mount(path, root, d);
    if (d->dev[0] == '\0')
        return 0; /* UNKNOWN */
    d->state = HD_ATREST_DEV_PLAIN;
    snprintf(bdir, sizeof bdir, "%s/sys/dev/block/%s", root, d->dev);
    if (crypt_below(bdir, 0, d))
        d->state = HD_ATREST_DEV_DMCRYPT;
    return 0;
}

/* Counts the inline tier in SQL, by the first bytes of each row. */
static int count_inline(struct hd_store *st, const struct hd_blob_key *k,
                        struct hd_atrest_blobs *b, struct hd_error *err)
{
    uint8_t head[HD_BLOB_ENV_HEAD];
    int64_t total, mine, sealed;
    hd_blob_env_head(k, head);
    if (hd_store_blob_inline_heads(st, head, b->key_present ? sizeof head : 0,
                                   HD_BLOB_ENV_MAGIC, HD_BLOB_ENV_MAGIC_LEN,
                                   &total, &mine, &sealed, err) < 0)
        return -1;
    if (!b->key_present)
        mine = 0;
    b->total += total;
    b->sealed += mine;
    b->sealed_other += sealed - mine;
    b->plaintext += total - sealed;
    return 0;
}

int hd_atrest_blobs(struct hd_store *st, const char *blobs_dir,
                    struct hd_atrest_blobs *b, struct hd_error *err)
{
    struct hd_blob_key k;
    struct hd_blob_row *bs;
    size_t n;
    memset(b, 0, sizeof *b);
    b->encrypt_on = hd_blob_encrypting();
    hd_blob_key_path(blobs_dir, b->key_path);
    int f = hd_blob_key_load(b->key_path, false, &k, err);
    hd_blob_key_wipe(&k);
    if (f < 0)
        return -1;
    b->key_present = f == 1;
    if (f == 1)
        memcpy(b->key_id, k.id_hex, sizeof b->key_id);
    if (count_inline(st, &k, b, err) < 0)
        return -1;
    /* File blobs: one open and a 16-byte read each. */
    struct hd_arena *a = hd_arena_new();
    int rc = hd_store_blob_list(st, a, &bs, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char id[17];
        struct hd_error e2 = HD_ERROR_INIT;
        if (bs[i].in_row)
            continue;
        int s = hd_blob_sealed(NULL, blobs_dir, bs[i].sha256, id, &e2);
        if (s < 0 && e2.code != HD_E_NOTFOUND) {
            *err = e2;
            rc = -1;
        }
        b->total++;
        b->missing += s < 0;
        b->plaintext += s == 0;
        b->sealed += s == 1 && strcmp(id, b->key_id) == 0;
        b->sealed_other += s == 1 && strcmp(id, b->key_id) != 0;
    }
    hd_arena_free(&a);
    return rc;
}
