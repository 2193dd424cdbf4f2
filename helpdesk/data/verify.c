/* verify.c - the integrity report of a live instance (verify.h). */
#include "verify.h"

#include "store_report.h"

#include "audit.h"
#include "blob.h"
#include "crypt.h"
#include "store_data.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Re-hashes every blob, inline ones from their rows, files from disk. */
static void check_blobs(struct hd_instance *inst, struct hd_store *st,
                        struct hd_arena *a, json_t *problems, int64_t *n_r,
                        struct hd_error *err)
{
    struct hd_blob_row *bs;
    size_t n = 0;
    const char *dir = hd_arena_printf(a, "%s/blobs", hd_instance_dir(inst));
    if (hd_store_blob_list(st, a, &bs, &n, err) < 0) {
        json_array_append_new(problems, json_string(err->msg));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char got[HD_SHA256_HEX_SIZE];
        int64_t size = 0;
        const char *p = NULL;
        struct hd_error e2 = HD_ERROR_INIT;
        int f = hd_blob_check(st, dir, bs[i].sha256, got, &size, &e2);
        if (f <= 0)
            p = hd_arena_printf(a, "blob %s: missing", bs[i].sha256);
        else if (strcmp(got, bs[i].sha256) != 0)
            p = hd_arena_printf(a, "blob %s: content damaged (hashes to %s)",
                                bs[i].sha256, got);
        else if (size != bs[i].size)
            p = hd_arena_printf(a, "blob %s: size %lld, table says %lld",
                                bs[i].sha256, (long long)size,
                                (long long)bs[i].size);
        if (p != NULL)
            json_array_append_new(problems, json_string(p));
    }
    *n_r = (int64_t)n;
}

json_t *hd_verify_instance(struct hd_instance *inst, struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(inst);
    struct hd_arena *a = hd_arena_new();
    json_t *problems = json_array();
    int64_t nblobs = 0;
    uint8_t key[HD_KEY_LEN];
    struct hd_audit_report r = {0};
    char **db_problems;
    size_t ndb = 0;
    json_t *out = NULL;
    int64_t unseen = 0;
    check_blobs(inst, st, a, problems, &nblobs, err);
    if (hd_audit_key_load(hd_instance_dir(inst), key, err) < 0 ||
        hd_audit_verify(st, key, &r, err) < 0 ||
        hd_store_check(st, a, &db_problems, &ndb, err) < 0 ||
        hd_store_report_tickets_unseen(st, &unseen, err) < 0)
        goto out;
    if (!r.intact)
        json_array_append_new(problems, json_string(r.problem));
    for (size_t i = 0; i < ndb; i++)
        json_array_append_new(problems, json_string(db_problems[i]));
    /* Not damage, but a ticket nobody works on: said, not counted as a
     * problem of the data. */
    json_t *warnings = json_array();
    if (unseen > 0)
        json_array_append_new(
            warnings, json_sprintf("%lld open tickets no active agent can "
                                   "see (no queue, or a queue granted only "
                                   "to admins)", (long long)unseen));
    out = json_pack("{s:b, s:I, s:I, s:s, s:O, s:I, s:o}", "intact",
                    json_array_size(problems) == 0, "blobs",
                    (json_int_t)nblobs, "audit_rows", (json_int_t)r.rows,
                    "audit_head", r.head_hash, "problems", problems,
                    "unseen_tickets", (json_int_t)unseen, "warnings",
                    warnings);
out:
    hd_memzero_explicit(key, sizeof key);
    json_decref(problems);
    hd_arena_free(&a);
    return out;
}
