/* blob_key.c - see blob_key.h. */
#include "blob_key.h"

#include "codec.h"

#include <stdio.h>
#include <string.h>

static bool encrypt_on = true;
static char key_file[HD_BLOB_KEY_PATH_MAX];

/* Label of the key id: the id names a key without revealing it. */
#define KEY_ID_LABEL "helpdesk data key id"

void hd_blob_set_encrypt(bool on)
{
    encrypt_on = on;
}

bool hd_blob_encrypting(void)
{
    return encrypt_on;
}

void hd_blob_set_key_file(const char *path)
{
    snprintf(key_file, sizeof key_file, "%s", path ? path : "");
}

void hd_blob_key_path(const char *blobs_dir, char out[HD_BLOB_KEY_PATH_MAX])
{
    if (key_file[0] != '\0') {
        snprintf(out, HD_BLOB_KEY_PATH_MAX, "%s", key_file);
        return;
    }
    /* blobs_dir is DIR/blobs (maybe with trailing slashes). */
    size_t n = strlen(blobs_dir);
    while (n > 1 && blobs_dir[n - 1] == '/')
        n--;
    while (n > 0 && blobs_dir[n - 1] != '/')
        n--;
    if (n == 0)
        snprintf(out, HD_BLOB_KEY_PATH_MAX, "data.key");
    else
        snprintf(out, HD_BLOB_KEY_PATH_MAX, "%.*sdata.key", (int)n,
                 blobs_dir);
}

int hd_blob_key_load(const char *path, bool create, struct hd_blob_key *k,
                     struct hd_error *err)
{
    struct hd_error e2 = HD_ERROR_INIT;
    memset(k, 0, sizeof *k);
    snprintf(k->path, sizeof k->path, "%s", path);
    if (hd_key_load(path, k->key, &e2) < 0) {
        if (e2.code != HD_E_NOTFOUND) {
            *err = e2;
            return -1;
        }
        if (!create)
            return 0;
        if (hd_secret_load_or_create(path, k->key, HD_KEY_LEN, err) < 0)
            return -1;
    }
    uint8_t mac[HD_SHA256_LEN];
    hd_hmac_sha256(k->key, HD_KEY_LEN, KEY_ID_LABEL, strlen(KEY_ID_LABEL),
                   mac);
    memcpy(k->id, mac, sizeof k->id);
    hd_hex_encode(k->id, sizeof k->id, k->id_hex, sizeof k->id_hex);
    return 1;
}

void hd_blob_key_wipe(struct hd_blob_key *k)
{
    hd_memzero_explicit(k->key, sizeof k->key);
}

void hd_blob_env_head(const struct hd_blob_key *k,
                      uint8_t out[HD_BLOB_ENV_HEAD])
{
    memcpy(out, HD_BLOB_ENV_MAGIC, HD_BLOB_ENV_MAGIC_LEN);
    memcpy(out + HD_BLOB_ENV_MAGIC_LEN, k->id, sizeof k->id);
}

void hd_blob_env_aad(const char *id_hex, char out[HD_BLOB_AAD_SIZE])
{
    snprintf(out, HD_BLOB_AAD_SIZE, "hd-blob:%s", id_hex);
}

int hd_blob_env_parse(const void *p, size_t n,
                      char id_hex_r[HD_BLOB_KEY_ID_SIZE])
{
    const uint8_t *c = p;
    if (n < HD_BLOB_ENV_HEAD ||
        memcmp(c, HD_BLOB_ENV_MAGIC, HD_BLOB_ENV_MAGIC_LEN) != 0)
        return 0;
    hd_hex_encode(c + HD_BLOB_ENV_MAGIC_LEN, 8, id_hex_r,
                  HD_BLOB_KEY_ID_SIZE);
    return 1;
}
