/* test_crypt.c - hashes against published vectors, AES-GCM buffers and
 * HDENC1 files against tampering, truncation, wrong keys and contexts,
 * and the key-file rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "crypt.h"

#define CASE_FAIL(i, ...)                                                    \
    do {                                                                     \
        print_error("case %zu: ", (size_t)(i));                              \
        print_error(__VA_ARGS__);                                            \
        print_error("\n");                                                   \
        fail();                                                              \
    } while (0)

static char dir[PATH_MAX];
static const uint8_t key1[HD_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const uint8_t key2[HD_KEY_LEN] = "0123456789abcdef0123456789abcdeF";

static const char *path_in(const char *name)
{
    static char p[4][PATH_MAX];
    static int turn;
    turn = (turn + 1) % 4;
    snprintf(p[turn], sizeof p[turn], "%s/%s", dir, name);
    return p[turn];
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/hdcryptXXXXXX", tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            unlink(path_in(e->d_name));
    if (d)
        closedir(d);
    return rmdir(dir);
}

/* Writes n pseudo-random bytes (a fixed LCG, so failures reproduce). */
static void write_pattern(const char *path, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    uint8_t buf[4096];
    uint32_t x = (uint32_t)n * 2654435761u + 1;
    assert_true(fd >= 0);
    while (n > 0) {
        size_t k = n < sizeof buf ? n : sizeof buf;
        for (size_t i = 0; i < k; i++) {
            x = x * 1664525u + 1013904223u;
            buf[i] = (uint8_t)(x >> 24);
        }
        assert_int_equal(write(fd, buf, k), (ssize_t)k);
        n -= k;
    }
    close(fd);
}

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static void test_hashes(void **state)
{
    (void)state;
    static const struct {
        const char *in, *hex;
    } sha[] = {
        {"",
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc",
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(sha); i++) {
        char hex[HD_SHA256_HEX_SIZE];
        hd_sha256_hex(sha[i].in, strlen(sha[i].in), hex);
        if (strcmp(hex, sha[i].hex) != 0)
            CASE_FAIL(i, "sha256 %s", hex);
    }
    /* RFC 4231 test cases 1 and 2. */
    static const struct {
        const char *key, *data, *mac;
    } hmac[] = {
        {"\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b"
         "\x0b\x0b\x0b\x0b",
         "Hi There",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"Jefe", "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(hmac); i++) {
        uint8_t mac[HD_SHA256_LEN];
        char hex[HD_SHA256_HEX_SIZE];
        hd_hmac_sha256(hmac[i].key, strlen(hmac[i].key), hmac[i].data,
                       strlen(hmac[i].data), mac);
        hd_hex_encode(mac, sizeof mac, hex, sizeof hex);
        if (strcmp(hex, hmac[i].mac) != 0)
            CASE_FAIL(i, "hmac %s", hex);
    }
}

static void test_sha256_file(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 300000};
    struct hd_error err = HD_ERROR_INIT;
    char want[HD_SHA256_HEX_SIZE], got[HD_SHA256_HEX_SIZE];
    for (size_t i = 0; i < HD_ARRAY_LEN(sizes); i++) {
        const char *p = path_in("hash.bin");
        write_pattern(p, sizes[i]);
        uint8_t *all = hd_xmalloc(sizes[i]);
        int fd = open(p, O_RDONLY);
        assert_int_equal(read(fd, all, sizes[i]), (ssize_t)sizes[i]);
        close(fd);
        hd_sha256_hex(all, sizes[i], want);
        free(all);
        if (hd_sha256_file(p, got, &err) < 0 || strcmp(got, want) != 0)
            CASE_FAIL(i, "file hash %s, want %s (%s)", got, want, err.msg);
    }
    assert_int_equal(hd_sha256_file(path_in("absent"), got, &err), -1);
    assert_int_equal(err.code, HD_E_NOTFOUND);
}

static void test_buf_round_trip(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 15, 16, 17, 1000, 70000};
    for (size_t i = 0; i < HD_ARRAY_LEN(sizes); i++) {
        struct hd_buf ct, pt;
        struct hd_error err = HD_ERROR_INIT;
        uint8_t *in = hd_xmalloc(sizes[i]);
        for (size_t k = 0; k < sizes[i]; k++)
            in[k] = (uint8_t)(k * 7 + i);
        hd_buf_init(&ct, HD_CRYPT_BUF_MAX + HD_CRYPT_OVERHEAD);
        hd_buf_init(&pt, HD_CRYPT_BUF_MAX);
        if (hd_crypt_encrypt_buf(key1, "ticket:42", in, sizes[i], &ct,
                                 &err) < 0 ||
            ct.len != sizes[i] + HD_CRYPT_OVERHEAD)
            CASE_FAIL(i, "encrypt: %s", err.msg);
        if (hd_crypt_decrypt_buf(key1, "ticket:42", ct.data, ct.len, &pt,
                                 &err) < 0 ||
            pt.len != sizes[i] || memcmp(pt.data, in, sizes[i]) != 0)
            CASE_FAIL(i, "decrypt: %s", err.msg);
        if (sizes[i] > 16 && memcmp(ct.data + HD_CRYPT_OVERHEAD, in, 16) == 0)
            CASE_FAIL(i, "ciphertext shows the plaintext");
        free(in);
        hd_buf_deinit(&ct);
        hd_buf_deinit(&pt);
    }
}

/* Every way of presenting the wrong thing fails with HD_E_CRYPTO and
 * leaves the output buffer as it was. */
static void test_buf_tamper(void **state)
{
    (void)state;
    struct hd_buf ct, pt;
    struct hd_error err = HD_ERROR_INIT;
    const char msg[] = "the printer is on fire";
    hd_buf_init(&ct, 1024);
    hd_buf_init(&pt, 1024);
    assert_int_equal(hd_crypt_encrypt_buf(key1, "a:1", msg, sizeof msg, &ct,
                                          &err), 0);
    assert_int_equal(hd_buf_append(&pt, "keep", 4, &err), 0);
    static const struct {
        size_t flip; /* byte to flip, or SIZE_MAX */
        const uint8_t *key;
        const char *aad;
        size_t cut; /* bytes removed from the end */
    } cases[] = {
        {0, key1, "a:1", 0},                 /* IV */
        {HD_CRYPT_IV_LEN, key1, "a:1", 0},   /* tag */
        {HD_CRYPT_OVERHEAD, key1, "a:1", 0}, /* ciphertext */
        {SIZE_MAX, key2, "a:1", 0},          /* wrong key */
        {SIZE_MAX, key1, "a:2", 0},          /* wrong AAD */
        {SIZE_MAX, key1, NULL, 0},           /* missing AAD */
        {SIZE_MAX, key1, "a:1", 1},          /* truncated */
        {SIZE_MAX, key1, "a:1", sizeof msg + HD_CRYPT_OVERHEAD - 1},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        uint8_t copy[256];
        memcpy(copy, ct.data, ct.len);
        if (cases[i].flip != SIZE_MAX)
            copy[cases[i].flip] ^= 0x01;
        err.code = HD_OK;
        if (hd_crypt_decrypt_buf(cases[i].key, cases[i].aad, copy,
                                 ct.len - cases[i].cut, &pt, &err) != -1 ||
            err.code != HD_E_CRYPTO)
            CASE_FAIL(i, "accepted (%s)", hd_errcode_name(err.code));
        if (strcmp(hd_buf_cstr(&pt), "keep") != 0)
            CASE_FAIL(i, "output changed to '%s'", hd_buf_cstr(&pt));
    }
    hd_buf_deinit(&ct);
    hd_buf_deinit(&pt);
}

static void test_file_round_trip(void **state)
{
    (void)state;
    static const size_t C = HD_CRYPT_CHUNK;
    static const size_t sizes[] = {0, 1, C - 1, C, C + 1, 3 * C, 3 * C + 5};
    struct hd_error err = HD_ERROR_INIT;
    for (size_t i = 0; i < HD_ARRAY_LEN(sizes); i++) {
        const char *in = path_in("plain"), *enc = path_in("enc"),
                   *out = path_in("back");
        char h1[HD_SHA256_HEX_SIZE], h2[HD_SHA256_HEX_SIZE];
        write_pattern(in, sizes[i]);
        if (hd_crypt_file_encrypt(key1, in, enc, "backup:7", &err) < 0)
            CASE_FAIL(i, "encrypt: %s", err.msg);
        /* header + one tag per chunk, the last chunk always short */
        off_t want = 20 + (off_t)sizes[i] +
                     (off_t)(sizes[i] / C + 1) * HD_CRYPT_TAG_LEN;
        if (file_size(enc) != want)
            CASE_FAIL(i, "encrypted size %lld, want %lld",
                      (long long)file_size(enc), (long long)want);
        if (hd_crypt_file_decrypt(key1, enc, out, "backup:7", &err) < 0)
            CASE_FAIL(i, "decrypt: %s", err.msg);
        assert_int_equal(hd_sha256_file(in, h1, &err), 0);
        assert_int_equal(hd_sha256_file(out, h2, &err), 0);
        if (strcmp(h1, h2) != 0)
            CASE_FAIL(i, "round trip changed the data");
        struct stat st;
        assert_int_equal(stat(enc, &st), 0);
        if ((st.st_mode & 077) != 0)
            CASE_FAIL(i, "encrypted file mode %o", st.st_mode & 0777);
    }
}

enum edit { FLIP, CUT, APPEND, SWAP };

/* Damages the encrypted file, then checks decryption fails and leaves no
 * output file behind. */
static void test_file_tamper(void **state)
{
    (void)state;
    static const size_t C = HD_CRYPT_CHUNK, T = HD_CRYPT_TAG_LEN;
    static const struct {
        enum edit edit;
        off_t at;           /* FLIP: offset; CUT: new length */
        const uint8_t *key; /* for decryption */
        const char *aad;
        enum hd_errcode code;
    } cases[] = {
        {FLIP, 0, key1, "b", HD_E_PARSE},      /* magic */
        {FLIP, 6, key1, "b", HD_E_PARSE},      /* version */
        {FLIP, 10, key1, "b", HD_E_CRYPTO},    /* file nonce */
        {FLIP, 20, key1, "b", HD_E_CRYPTO},    /* first chunk */
        {FLIP, 20 + C + T + 5, key1, "b", HD_E_CRYPTO},
        {FLIP, -1, key1, "b", HD_E_CRYPTO},    /* last tag byte */
        {CUT, 19, key1, "b", HD_E_PARSE},      /* inside the header */
        {CUT, 20, key1, "b", HD_E_CRYPTO},     /* header only */
        {CUT, 20 + C + T, key1, "b", HD_E_CRYPTO}, /* at a chunk edge */
        {CUT, 20 + 2 * (C + T), key1, "b", HD_E_CRYPTO},
        {CUT, 20 + C + T + 100, key1, "b", HD_E_CRYPTO}, /* mid-chunk */
        {CUT, -1, key1, "b", HD_E_CRYPTO},     /* last byte gone */
        {APPEND, 0, key1, "b", HD_E_CRYPTO},
        {SWAP, 0, key1, "b", HD_E_CRYPTO},     /* chunks 0 and 1 */
        {FLIP, -2000000, key2, "b", HD_E_CRYPTO}, /* wrong key only */
        {FLIP, -2000000, key1, "c", HD_E_CRYPTO}, /* wrong AAD only */
        {FLIP, -2000000, key1, NULL, HD_E_CRYPTO},
    };
    const char *in = path_in("plain"), *enc = path_in("enc"),
               *out = path_in("out");
    struct hd_error err = HD_ERROR_INIT;
    write_pattern(in, 3 * C + 1000);
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        assert_int_equal(hd_crypt_file_encrypt(key1, in, enc, "b", &err), 0);
        off_t size = file_size(enc), at = cases[i].at;
        int fd = open(enc, O_RDWR);
        uint8_t b, chunk[2][HD_CRYPT_CHUNK + HD_CRYPT_TAG_LEN];
        assert_true(fd >= 0);
        switch (cases[i].edit) {
        case FLIP:
            if (at == -2000000)
                break;
            at = at < 0 ? size + at : at;
            assert_int_equal(pread(fd, &b, 1, at), 1);
            b ^= 0x80;
            assert_int_equal(pwrite(fd, &b, 1, at), 1);
            break;
        case CUT:
            assert_int_equal(ftruncate(fd, at < 0 ? size + at : at), 0);
            break;
        case APPEND:
            assert_int_equal(pwrite(fd, "", 1, size), 1);
            break;
        case SWAP:
            assert_int_equal(pread(fd, chunk[0], C + T, 20), (ssize_t)(C + T));
            assert_int_equal(pread(fd, chunk[1], C + T, 20 + C + T),
                             (ssize_t)(C + T));
            assert_int_equal(pwrite(fd, chunk[1], C + T, 20), (ssize_t)(C + T));
            assert_int_equal(pwrite(fd, chunk[0], C + T, 20 + C + T),
                             (ssize_t)(C + T));
            break;
        }
        close(fd);
        err.code = HD_OK;
        if (hd_crypt_file_decrypt(cases[i].key, enc, out, cases[i].aad,
                                  &err) != -1)
            CASE_FAIL(i, "damaged file decrypted");
        if (err.code != cases[i].code)
            CASE_FAIL(i, "code %s (%s)", hd_errcode_name(err.code), err.msg);
        if (file_size(out) != -1)
            CASE_FAIL(i, "output file left behind");
    }
    /* Not one temporary file is left either. */
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        assert_null(strstr(e->d_name, ".tmp"));
    closedir(d);
}

/* 10 MB through the file format must not grow the process by more than
 * a few chunks: the format exists so backups need not fit in memory. */
static void test_file_memory_bounded(void **state)
{
    (void)state;
    const size_t big = 10u * 1000 * 1000;
    const char *in = path_in("big"), *enc = path_in("big.enc"),
               *out = path_in("big.out");
    struct hd_error err = HD_ERROR_INIT;
    struct rusage r0, r1;
    char h1[HD_SHA256_HEX_SIZE], h2[HD_SHA256_HEX_SIZE];
    /* warm up: OpenSSL loads its providers on first use */
    write_pattern(in, 100);
    assert_int_equal(hd_crypt_file_encrypt(key1, in, enc, NULL, &err), 0);
    assert_int_equal(hd_crypt_file_decrypt(key1, enc, out, NULL, &err), 0);
    write_pattern(in, big);
    getrusage(RUSAGE_SELF, &r0);
    assert_int_equal(hd_crypt_file_encrypt(key1, in, enc, NULL, &err), 0);
    assert_int_equal(hd_crypt_file_decrypt(key1, enc, out, NULL, &err), 0);
    getrusage(RUSAGE_SELF, &r1);
    long grown_kib = r1.ru_maxrss - r0.ru_maxrss;
    print_message("10 MB encrypt+decrypt grew max RSS by %ld KiB\n",
                  grown_kib);
    assert_true(grown_kib < 4096);
    assert_int_equal(hd_sha256_file(in, h1, &err), 0);
    assert_int_equal(hd_sha256_file(out, h2, &err), 0);
    assert_string_equal(h1, h2);
    unlink(in);
    unlink(enc);
    unlink(out);
}

static void write_file(const char *path, const void *data, size_t n,
                       mode_t mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
}

static void test_key_files(void **state)
{
    (void)state;
#define KEY_HEX                                                              \
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    static const struct {
        const char *content; /* NULL: key1 raw */
        size_t len;
        mode_t mode;
        int rc;
        enum hd_errcode code;
    } cases[] = {
        {NULL, HD_KEY_LEN, 0600, 0, 0},
        {NULL, HD_KEY_LEN, 0400, 0, 0},
        {NULL, HD_KEY_LEN, 0640, -1, HD_E_PERM},
        {NULL, HD_KEY_LEN, 0604, -1, HD_E_PERM},
        {NULL, HD_KEY_LEN - 1, 0600, -1, HD_E_CONFIG},
        {KEY_HEX, 64, 0600, 0, 0},
        {KEY_HEX "\n", 65, 0600, 0, 0},
        {KEY_HEX "\n\n", 66, 0600, -1, HD_E_CONFIG},
        {"zz" KEY_HEX, 64, 0600, -1, HD_E_CONFIG},
        {"", 0, 0600, -1, HD_E_CONFIG},
    };
    const char *p = path_in("k");
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        uint8_t key[HD_KEY_LEN];
        struct hd_error err = HD_ERROR_INIT;
        write_file(p, cases[i].content ? (const void *)cases[i].content : key1,
                   cases[i].len, cases[i].mode);
        int rc = hd_key_load(p, key, &err);
        if (rc != cases[i].rc || (rc < 0 && err.code != cases[i].code))
            CASE_FAIL(i, "rc %d %s: %s", rc, hd_errcode_name(err.code),
                      err.msg);
        if (rc == 0 && cases[i].content == NULL &&
            memcmp(key, key1, HD_KEY_LEN) != 0)
            CASE_FAIL(i, "raw key differs");
        if (rc == 0 && cases[i].content != NULL &&
            (key[0] != 0 || key[31] != 0x1f))
            CASE_FAIL(i, "hex key decoded wrong");
    }
    unlink(p);
}

static void test_key_generate(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    uint8_t k1[HD_KEY_LEN], k2[HD_KEY_LEN];
    struct stat st;
    const char *p = path_in("gen.key"), *link_p = path_in("gen.link");
    assert_int_equal(hd_key_load(p, k1, &err), -1);
    assert_int_equal(err.code, HD_E_NOTFOUND);
    assert_int_equal(hd_key_generate(p, &err), 0);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, HD_KEY_LEN);
    assert_int_equal(hd_key_load(p, k1, &err), 0);
    /* never overwritten */
    assert_int_equal(hd_key_generate(p, &err), -1);
    assert_int_equal(err.code, HD_E_EXISTS);
    assert_int_equal(hd_key_load(p, k2, &err), 0);
    assert_memory_equal(k1, k2, HD_KEY_LEN);
    /* symlinks are refused: the key must be the file itself */
    assert_int_equal(symlink(p, link_p), 0);
    assert_int_equal(hd_key_load(link_p, k2, &err), -1);
    unlink(link_p);
    unlink(p);
}

static void test_secret_load_or_create(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    uint8_t a[48], b[48], zero[48] = {0};
    const char *p = path_in("secret");
    assert_int_equal(hd_secret_load_or_create(p, a, sizeof a, &err), 0);
    assert_memory_not_equal(a, zero, sizeof a);
    assert_int_equal(hd_secret_load_or_create(p, b, sizeof b, &err), 0);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(file_size(p), 48);
    assert_int_equal(hd_secret_load_or_create(p, b, 32, &err), -1);
    assert_int_equal(err.code, HD_E_CONFIG);
    assert_int_equal(chmod(p, 0644), 0);
    assert_int_equal(hd_secret_load_or_create(p, b, sizeof b, &err), -1);
    assert_int_equal(err.code, HD_E_PERM);
    unlink(p);
    assert_int_equal(hd_secret_load_or_create(path_in("no/such/dir"), b,
                                              sizeof b, &err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first, so earlier tests cannot hide its RSS growth */
        cmocka_unit_test(test_file_memory_bounded),
        cmocka_unit_test(test_hashes),
        cmocka_unit_test(test_sha256_file),
        cmocka_unit_test(test_buf_round_trip),
        cmocka_unit_test(test_buf_tamper),
        cmocka_unit_test(test_file_round_trip),
        cmocka_unit_test(test_file_tamper),
        cmocka_unit_test(test_key_files),
        cmocka_unit_test(test_key_generate),
        cmocka_unit_test(test_secret_load_or_create),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
