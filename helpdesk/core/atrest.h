/* atrest.h - how is stored data protected?  The answer the checklist
 * report (rows 30 and 39) and `helpdesk blobs status` give: whether
 * attachments and raw mail are sealed and under which data key
 * (blob_key.h), how many blobs are still plaintext, and whether the data
 * directory sits on a dm-crypt block device.  The SQLite database itself
 * is never encrypted by the help desk: only such a device protects it.
 * Reads only; changes nothing. */
#ifndef HD_ATREST_H
#define HD_ATREST_H

#include "hd.h"
#include "store.h"

enum hd_atrest_dev {
    HD_ATREST_DEV_UNKNOWN,  /* mountinfo unreadable or no mount found */
    HD_ATREST_DEV_PLAIN,    /* no dm-crypt device under the directory */
    HD_ATREST_DEV_DMCRYPT,  /* a CRYPT- device-mapper target below it */
};

struct hd_atrest_device {
    enum hd_atrest_dev state;
    char mount_point[512];  /* the mount holding the directory */
    char fs_type[64];       /* ext4, overlay, ... */
    char source[256];       /* the mount's source (/dev/mapper/x, ...) */
    char dev[32];           /* MAJ:MIN of the filesystem */
    char crypt_dev[32];     /* MAJ:MIN of the dm-crypt device, if any */
    char crypt_uuid[160];   /* its dm uuid ("CRYPT-LUKS2-..."), if any */
};

struct hd_atrest_blobs {
    bool encrypt_on;        /* blob.encrypt: new blobs are sealed */
    bool key_present;
    char key_id[17];        /* the data key's id, "" without a key */
    char key_path[4096];
    int64_t total;          /* rows of the blob table */
    int64_t sealed;         /* sealed under the present key */
    int64_t sealed_other;   /* sealed under another key: unreadable */
    int64_t plaintext;      /* stored before sealing, or with it off */
    int64_t missing;        /* neither tier has the bytes */
};

/* Finds the mount holding dir in ROOT/proc/self/mountinfo and walks
 * ROOT/sys/dev/block/MAJ:MIN (dm/uuid, then slaves/, for LVM on LUKS) for
 * a dm-crypt target.  root is "" for the running system, or a directory
 * laid out like it (tests); dir is then taken as given, not resolved.
 * Returns 0 (state set, UNKNOWN included), -1 only on a bad argument. */
HD_NODISCARD int hd_atrest_device(const char *dir, const char *root,
                                  struct hd_atrest_device *d,
                                  struct hd_error *err);

/* Counts blobs by how they are stored (reads every blob's first bytes:
 * one open per file blob). */
HD_NODISCARD int hd_atrest_blobs(struct hd_store *st, const char *blobs_dir,
                                 struct hd_atrest_blobs *b,
                                 struct hd_error *err);

#endif
