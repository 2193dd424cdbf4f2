/* cli_blobs.c - `helpdesk blobs`: argument handling and output only; the
 * work is in blob.c (sealing), blob_key.c (the key) and atrest.c. */
#include "cli_blobs.h"

#include "atrest.h"
#include "blob.h"
#include "blob_key.h"
#include "store_data.h"

#include <stdio.h>
#include <string.h>

static const char *blobs_dir(struct hd_cli *cli)
{
    return hd_arena_printf(cli->arena, "%s/blobs", hd_instance_dir(cli->inst));
}

static const char *dev_word(enum hd_atrest_dev s)
{
    switch (s) {
    case HD_ATREST_DEV_DMCRYPT:
        return "dm-crypt";
    case HD_ATREST_DEV_PLAIN:
        return "not on dm-crypt";
    case HD_ATREST_DEV_UNKNOWN:
        break;
    }
    return "unknown";
}

static int status(struct hd_cli *cli, const char *root)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_atrest_blobs b;
    struct hd_atrest_device d;
    if (hd_atrest_blobs(hd_instance_store(cli->inst), blobs_dir(cli), &b,
                        &err) < 0 ||
        hd_atrest_device(hd_instance_dir(cli->inst), root, &d, &err) < 0)
        return hd_cli_fail(&err);
    if (cli->json) {
        hd_cli_print_json(json_pack(
            "{s:b, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:{s:s, s:s, s:s, "
            "s:s, s:s, s:s}}",
            "encrypt", b.encrypt_on, "key_id", b.key_id, "key_path",
            b.key_path, "blobs", (json_int_t)b.total, "sealed",
            (json_int_t)b.sealed, "sealed_other_key",
            (json_int_t)b.sealed_other, "plaintext", (json_int_t)b.plaintext,
            "missing", (json_int_t)b.missing, "device", "state",
            dev_word(d.state), "mount", d.mount_point, "fs", d.fs_type,
            "dev", d.dev, "crypt_dev", d.crypt_dev, "crypt_uuid",
            d.crypt_uuid));
        return HD_EXIT_OK;
    }
    printf("blobs: %lld, sealed %lld under key %s, %lld under another key, "
           "%lld plaintext, %lld missing\n",
           (long long)b.total, (long long)b.sealed,
           b.key_present ? b.key_id : "(none)", (long long)b.sealed_other,
           (long long)b.plaintext, (long long)b.missing);
    printf("new blobs: %s; key file: %s\n",
           b.encrypt_on ? "sealed" : "PLAINTEXT (blob.encrypt = false)",
           b.key_path);
    printf("data directory: %s (%s %s on %s, device %s%s%s)\n",
           dev_word(d.state), d.fs_type, d.source, d.mount_point, d.dev,
           d.crypt_uuid[0] ? ", " : "", d.crypt_uuid);
    return HD_EXIT_OK;
}

static int encrypt_all(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_blob_row *bs;
    size_t n;
    long long done = 0, already = 0, failed = 0;
    struct hd_store *st = hd_instance_store(cli->inst);
    if (!hd_blob_encrypting())
        return hd_cli_usage("blob.encrypt is false: set it to true first");
    if (hd_store_blob_list(st, cli->arena, &bs, &n, &err) < 0)
        return hd_cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        struct hd_error e2 = HD_ERROR_INIT;
        int f = hd_blob_seal(st, blobs_dir(cli), bs[i].sha256, &e2);
        done += f == 1;
        already += f == 0;
        if (f < 0) {
            failed++;
            fprintf(stderr, "helpdesk: blob %s: %s\n", bs[i].sha256, e2.msg);
        }
    }
    if (cli->json)
        hd_cli_print_json(json_pack("{s:I, s:I, s:I}", "sealed",
                                    (json_int_t)done, "already",
                                    (json_int_t)already, "failed",
                                    (json_int_t)failed));
    else
        printf("sealed %lld blobs now, %lld were sealed already, %lld "
               "failed\n", done, already, failed);
    return failed ? HD_EXIT_DATAERR : HD_EXIT_OK;
}

static int make_key(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_blob_key k;
    char path[HD_BLOB_KEY_PATH_MAX];
    hd_blob_key_path(blobs_dir(cli), path);
    int existed = hd_blob_key_load(path, false, &k, &err);
    if (existed == 0)
        existed = hd_blob_key_load(path, true, &k, &err) < 0 ? -1 : 0;
    hd_blob_key_wipe(&k);
    if (existed < 0)
        return hd_cli_fail(&err);
    printf("%s data key %s in %s (keep a copy off this machine: without it "
           "sealed attachments and raw mail are lost)\n",
           existed ? "existing" : "new", k.id_hex, path);
    return HD_EXIT_OK;
}

/* Writes the plaintext of one blob to stdout (what a download gets). */
static int cat_blob(struct hd_cli *cli, const char *sha)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_blob_reader *r;
    char buf[65536];
    size_t k = 1;
    if (sha == NULL || strlen(sha) != 64 ||
        strspn(sha, "0123456789abcdef") != 64)
        return hd_cli_usage("usage: blobs cat SHA256 (64 hex digits)");
    int f = hd_blob_open(hd_instance_store(cli->inst), blobs_dir(cli), sha,
                         &r, &err);
    if (f == 0)
        hd_error_set(&err, HD_E_NOTFOUND, "no blob %s", sha);
    if (f != 1)
        return hd_cli_fail(&err);
    while (k > 0 && hd_blob_reader_read(r, buf, sizeof buf, &k, &err) == 0)
        if (fwrite(buf, 1, k, stdout) != k)
            hd_error_set(&err, HD_E_IO, "cannot write to stdout");
    hd_blob_reader_close(&r);
    if (k > 0 || err.code != 0 || fflush(stdout) != 0)
        return hd_cli_fail(&err);
    return HD_EXIT_OK;
}

int hd_cli_cmd_blobs(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv) || *sub == '\0') {
        printf("usage: helpdesk blobs status [--root DIR] | encrypt | key | "
               "cat SHA256  [--json]\n"
               "status: how attachments and raw mail are stored at rest\n"
               "encrypt: seal every plaintext blob (safe to rerun)\n"
               "key: create the data key if there is none, print its id\n"
               "cat: write a blob's bytes (decrypted) to stdout\n");
        return *sub ? HD_EXIT_OK : HD_EXIT_USAGE;
    }
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    if (strcmp(sub, "status") == 0) {
        const char *root = hd_cli_opt(argc, argv, "--root");
        return status(cli, root ? root : "");
    }
    if (strcmp(sub, "encrypt") == 0)
        return encrypt_all(cli);
    if (strcmp(sub, "key") == 0)
        return make_key(cli);
    if (strcmp(sub, "cat") == 0)
        return cat_blob(cli, argc > 2 ? argv[2] : NULL);
    return hd_cli_usage("unknown blobs subcommand '%s'", sub);
}
