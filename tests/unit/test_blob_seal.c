/* test_blob_seal.c - blobs at rest: what lands on disk and in the
 * database is sealed (the plaintext is nowhere in it) and reads back
 * whole; one flipped byte, a swapped file or a missing key is an
 * HD_E_CRYPTO error, never bytes; plaintext blobs from before sealing
 * still read, and hd_blob_seal converts them once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_instance.h"
#include "blob.h"
#include "blob_key.h"
#include "atrest.h"
#include "crypt.h"
#include "instance.h"
#include "store_blob.h"

#define MARK "Quarterly-salary-table-7f3a9"

static char dir[] = "/tmp/hd-test-blob-seal-XXXXXX";
static char blobs[300];
static struct hd_instance *inst;
static struct hd_store *st;

/* n bytes of text, MARK repeated, with a tag so each call differs. */
static char *text(size_t n, int tag)
{
    char *p = malloc(n);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = MARK[i % (sizeof MARK - 1)];
    memcpy(p, &tag, sizeof tag);
    return p;
}

static void put(const void *p, size_t n, char sha[65])
{
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_store_begin(st, &err), 0);
    assert_int_equal(hd_blob_put(st, blobs, p, n, sha, &err), 0);
    assert_int_equal(hd_store_commit(st, &err), 0);
}

static char *file_of(const char *sha)
{
    static char p[400];
    snprintf(p, sizeof p, "%s/%.2s/%s", blobs, sha, sha + 2);
    return p;
}

/* The stored bytes of sha, from its row or its file. */
static char *stored(const char *sha, size_t *n_r)
{
    struct hd_error err = HD_ERROR_INIT;
    char *d = NULL;
    if (hd_store_blob_get_inline(st, sha, &d, n_r, &err) == 1)
        return d;
    FILE *f = fopen(file_of(sha), "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n_r = (size_t)ftell(f);
    rewind(f);
    d = malloc(*n_r + 1);
    assert_int_equal(fread(d, 1, *n_r, f), *n_r);
    fclose(f);
    return d;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
    return memmem(hay, n, needle, strlen(needle)) != NULL;
}

static int read_back(const char *sha, char **d, size_t *n,
                     struct hd_error *err)
{
    return hd_blob_read(st, blobs, sha, 1 << 24, d, n, err);
}

/* Both tiers, and sizes around the 64 KiB chunk: sealed on disk, whole
 * when read, the plaintext size in the row. */
static void test_sealed_round_trip(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 100, 65535, 65536, 65537,
                                   131072, 300000, 600000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct hd_error err = HD_ERROR_INIT;
        char sha[65], id[17], *d = NULL;
        size_t n, sn;
        char *p = text(sizes[i] < 4 ? 4 : sizes[i], (int)i + 1000);
        put(p, sizes[i], sha);
        char *s = stored(sha, &sn);
        if (sizes[i] > 64)
            assert_false(contains(s, sn, MARK));
        assert_int_equal(hd_blob_sealed(st, blobs, sha, id, &err), 1);
        assert_int_equal(strlen(id), 16);
        assert_int_equal(read_back(sha, &d, &n, &err), 1);
        assert_int_equal(n, sizes[i]);
        if (n > 0)
            assert_memory_equal(d, p, n);
        int64_t size, rsize;
        bool inl;
        assert_int_equal(hd_store_blob_state(st, sha, &size, &inl, &err), 1);
        assert_int_equal(size, (int64_t)sizes[i]);
        char got[65];
        assert_int_equal(hd_blob_check(st, blobs, sha, got, &rsize, &err),
                         1);
        assert_string_equal(got, sha);
        assert_int_equal(rsize, (int64_t)sizes[i]);
        free(d);
        free(s);
        free(p);
    }
}

/* Flips one byte of the stored form at each of a few places. */
static void test_tamper_fails(void **state)
{
    (void)state;
    static const size_t sizes[] = {5000, 400000};
    for (size_t i = 0; i < 2; i++) {
        char sha[65], *p = text(sizes[i], 77 + (int)i);
        put(p, sizes[i], sha);
        size_t sn;
        char *s = stored(sha, &sn);
        size_t at[] = {9, 20, 40, sn / 2, sn - 1};
        for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
            struct hd_error err = HD_ERROR_INIT;
            char *bad = malloc(sn), *d = NULL;
            size_t n = 0;
            memcpy(bad, s, sn);
            bad[at[k]] ^= 0x01;
            if (i == 0) {
                assert_int_equal(hd_store_blob_reseal_inline(st, sha, bad,
                                                             sn, &err), 0);
            } else {
                FILE *f = fopen(file_of(sha), "wb");
                assert_int_equal(fwrite(bad, 1, sn, f), sn);
                fclose(f);
            }
            assert_int_equal(read_back(sha, &d, &n, &err), -1);
            assert_null(d);
            assert_int_equal(err.code, HD_E_CRYPTO);
            print_message("size %zu byte %zu: %s\n", sizes[i], at[k],
                          err.msg);
            free(bad);
        }
        free(s);
        free(p);
    }
}

/* A sealed file copied over another blob's name authenticates, but its
 * plaintext does not hash to that name. */
static void test_swapped_file(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    char a[65], b[65], *pa = text(300000, 1), *pb = text(300000, 2);
    char *d = NULL, path_a[400];
    size_t n, sn;
    put(pa, 300000, a);
    put(pb, 300000, b);
    snprintf(path_a, sizeof path_a, "%s", file_of(a));
    char *s = stored(a, &sn);
    FILE *f = fopen(file_of(b), "wb");
    assert_int_equal(fwrite(s, 1, sn, f), sn);
    fclose(f);
    assert_int_equal(read_back(b, &d, &n, &err), -1);
    assert_int_equal(err.code, HD_E_CRYPTO);
    assert_non_null(strstr(err.msg, "swapped"));
    free(s);
    free(pa);
    free(pb);
}

/* Without its key a sealed blob says which key it needs. */
static void test_missing_key(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    char sha[65], key[HD_BLOB_KEY_PATH_MAX], moved[HD_BLOB_KEY_PATH_MAX + 8];
    char *d = NULL, *p = text(3000, 5);
    size_t n;
    put(p, 3000, sha);
    hd_blob_key_path(blobs, key);
    snprintf(moved, sizeof moved, "%s.away", key);
    assert_int_equal(rename(key, moved), 0);
    assert_int_equal(read_back(sha, &d, &n, &err), -1);
    assert_int_equal(err.code, HD_E_CRYPTO);
    assert_non_null(strstr(err.msg, "does not exist"));
    assert_int_equal(rename(moved, key), 0);
    assert_int_equal(read_back(sha, &d, &n, &err), 1);
    free(d);
    free(p);
}

/* Identical content is kept once, sealed or not: the name is the
 * plaintext's SHA-256. */
static void test_dedupe(void **state)
{
    (void)state;
    char a[65], b[65], *p = text(500000, 9);
    put(p, 500000, a);
    struct stat s1, s2;
    assert_int_equal(stat(file_of(a), &s1), 0);
    put(p, 500000, b);
    assert_string_equal(a, b);
    assert_int_equal(stat(file_of(a), &s2), 0);
    assert_int_equal(s1.st_ino, s2.st_ino); /* not written again */
    char want[65];
    hd_sha256_hex(p, 500000, want);
    assert_string_equal(a, want);
    free(p);
}

/* Blobs stored in plaintext (before sealing, or with it off) read as
 * before; hd_blob_seal seals each once and leaves them readable. */
static void test_legacy_and_seal(void **state)
{
    (void)state;
    static const size_t sizes[] = {2000, 350000};
    for (size_t i = 0; i < 2; i++) {
        struct hd_error err = HD_ERROR_INIT;
        char sha[65], id[17], *d = NULL, *p = text(sizes[i], 300 + (int)i);
        size_t n, sn;
        hd_blob_set_encrypt(false);
        put(p, sizes[i], sha);
        hd_blob_set_encrypt(true);
        char *s = stored(sha, &sn);
        assert_true(contains(s, sn, MARK));
        free(s);
        assert_int_equal(hd_blob_sealed(st, blobs, sha, id, &err), 0);
        assert_int_equal(read_back(sha, &d, &n, &err), 1);
        assert_memory_equal(d, p, n);
        free(d);
        assert_int_equal(hd_blob_seal(st, blobs, sha, &err), 1);
        assert_int_equal(hd_blob_seal(st, blobs, sha, &err), 0);
        assert_int_equal(hd_blob_sealed(st, blobs, sha, id, &err), 1);
        s = stored(sha, &sn);
        assert_false(contains(s, sn, MARK));
        free(s);
        assert_int_equal(read_back(sha, &d, &n, &err), 1);
        assert_int_equal(n, sizes[i]);
        assert_memory_equal(d, p, n);
        free(d);
        free(p);
    }
}

/* A damaged plaintext blob is not sealed (that would bless the damage). */
static void test_seal_refuses_damaged(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    char sha[65], id[17], *p = text(300000, 44);
    hd_blob_set_encrypt(false);
    put(p, 300000, sha);
    hd_blob_set_encrypt(true);
    FILE *f = fopen(file_of(sha), "r+b");
    fseek(f, 1000, SEEK_SET);
    fputc('#', f);
    fclose(f);
    assert_int_equal(hd_blob_seal(st, blobs, sha, &err), -1);
    assert_non_null(strstr(err.msg, "damaged"));
    assert_int_equal(hd_blob_sealed(st, blobs, sha, id, &err), 0);
    free(p);
}

/* The pieces format is HDENC1: the sealer's bytes open with the fd
 * decryptor, and the plaintext size follows from the sealed size. */
static void test_pieces_are_hdenc1(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 65536, 65537, 200000};
    uint8_t key[HD_KEY_LEN];
    hd_random_bytes(key, sizeof key);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct hd_error err = HD_ERROR_INIT;
        struct hd_crypt_sealer *s;
        struct hd_buf out;
        char *p = text(sizes[i] + 4, (int)i);
        hd_buf_init(&out, 1 << 20);
        assert_int_equal(hd_crypt_sealer_new(key, "ctx", &s, &err), 0);
        for (size_t off = 0; off < sizes[i]; off += 1000)
            assert_int_equal(hd_crypt_sealer_push(
                                 s, p + off,
                                 sizes[i] - off < 1000 ? sizes[i] - off : 1000,
                                 &out, &err),
                             0);
        assert_int_equal(hd_crypt_sealer_finish(s, &out, &err), 0);
        hd_crypt_sealer_free(&s);
        assert_int_equal(hd_crypt_plain_size((int64_t)out.len),
                         (int64_t)sizes[i]);
        /* No stream ends right after a full chunk or inside a tag. */
        assert_int_equal(hd_crypt_plain_size(HD_CRYPT_HEADER_LEN + 65536 +
                                             HD_CRYPT_TAG_LEN),
                         -1);
        assert_int_equal(hd_crypt_plain_size(HD_CRYPT_HEADER_LEN + 15), -1);
        char path[] = "/tmp/hd-test-pieces-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, out.data, out.len), (ssize_t)out.len);
        lseek(fd, 0, SEEK_SET);
        char opath[] = "/tmp/hd-test-pieces-out-XXXXXX";
        int ofd = mkstemp(opath);
        assert_int_equal(hd_crypt_fd_decrypt(key, fd, ofd, "ctx", &err), 0);
        assert_int_equal(lseek(ofd, 0, SEEK_END), (off_t)sizes[i]);
        close(fd);
        close(ofd);
        unlink(path);
        unlink(opath);
        hd_buf_deinit(&out);
        free(p);
    }
}

/* The report's counts move with what is stored, in both tiers, and a
 * blob sealed under another key is counted as such. */
static void test_atrest_counts(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_atrest_blobs b0, b1, b2;
    char sha[65], key[HD_BLOB_KEY_PATH_MAX], moved[HD_BLOB_KEY_PATH_MAX + 8];
    assert_int_equal(hd_atrest_blobs(st, blobs, &b0, &err), 0);
    assert_int_equal(b0.total, b0.sealed + b0.sealed_other + b0.plaintext +
                                   b0.missing);
    char *p1 = text(1000, 501), *p2 = text(300000, 502);
    char *p3 = text(1000, 503), *p4 = text(300000, 504);
    put(p1, 1000, sha);
    put(p2, 300000, sha);
    hd_blob_set_encrypt(false);
    put(p3, 1000, sha);
    put(p4, 300000, sha);
    hd_blob_set_encrypt(true);
    assert_int_equal(hd_atrest_blobs(st, blobs, &b1, &err), 0);
    assert_int_equal(b1.total - b0.total, 4);
    assert_int_equal(b1.sealed - b0.sealed, 2);
    assert_int_equal(b1.plaintext - b0.plaintext, 2);
    assert_true(b1.key_present);
    hd_blob_key_path(blobs, key);
    snprintf(moved, sizeof moved, "%s.away", key);
    assert_int_equal(rename(key, moved), 0);
    struct hd_blob_key k;
    assert_int_equal(hd_blob_key_load(key, true, &k, &err), 1);
    assert_int_equal(hd_atrest_blobs(st, blobs, &b2, &err), 0);
    assert_string_not_equal(b2.key_id, b1.key_id);
    assert_int_equal(b2.sealed, 0);
    assert_int_equal(b2.sealed_other, b1.sealed + b1.sealed_other);
    assert_int_equal(b2.plaintext, b1.plaintext);
    assert_int_equal(rename(moved, key), 0);
    free(p1);
    free(p2);
    free(p3);
    free(p4);
}

static int setup(void **state)
{
    (void)state;
    if (test_instance_new(dir, &inst) < 0)
        return -1;
    snprintf(blobs, sizeof blobs, "%s/i/blobs", dir);
    st = hd_instance_store(inst);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return test_instance_free(dir, &inst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sealed_round_trip),
        cmocka_unit_test(test_tamper_fails),
        cmocka_unit_test(test_swapped_file),
        cmocka_unit_test(test_missing_key),
        cmocka_unit_test(test_dedupe),
        cmocka_unit_test(test_legacy_and_seal),
        cmocka_unit_test(test_seal_refuses_damaged),
        cmocka_unit_test(test_pieces_are_hdenc1),
        cmocka_unit_test(test_atrest_counts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
