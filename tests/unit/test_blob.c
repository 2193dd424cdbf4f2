/* test_blob.c - the two tiers of the blob store: small blobs in the
 * database, big ones as files; one read API for both; dedupe across the
 * tiers (a blob stored as a file before schema 0014 is not written again);
 * rows imported without bytes get them; verify re-hashes inline rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_instance.h"
#include "blob.h"
#include "instance.h"
#include "store_blob.h"
#include "verify.h"

#define BIG_SIZE ((size_t)300 * 1000) /* over HD_BLOB_INLINE_MAX */
#define HELLO_SHA \
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"

static char dir[] = "/tmp/hd-test-blob-XXXXXX";
static char blobs[300];
static struct hd_instance *inst;
static struct hd_store *st;

static bool file_exists(const char *sha)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%.2s/%s", blobs, sha, sha + 2);
    return access(p, F_OK) == 0;
}

static bool in_row(const char *sha)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t size;
    bool inl = false;
    assert_int_equal(hd_store_blob_state(st, sha, &size, &inl, &err), 1);
    return inl;
}

/* Stores p[0..n) with the store, in a transaction, and returns its hash. */
static void put(const void *p, size_t n, char sha[65])
{
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_store_begin(st, &err), 0);
    assert_int_equal(hd_blob_put(st, blobs, p, n, sha, &err), 0);
    assert_int_equal(hd_store_commit(st, &err), 0);
}

static void assert_reads_back(const char *sha, const void *p, size_t n)
{
    struct hd_error err = HD_ERROR_INIT;
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(hd_blob_read(st, blobs, sha, n, &data, &len, &err), 1);
    assert_int_equal(len, n);
    assert_memory_equal(data, p, n);
    free(data);
    if (n > 0) { /* one byte short of the blob is "too big" */
        assert_int_equal(hd_blob_read(st, blobs, sha, n - 1, &data, &len,
                                      &err), 2);
        assert_null(data);
    }
    char got[65];
    int64_t size = 0;
    assert_int_equal(hd_blob_check(st, blobs, sha, got, &size, &err), 1);
    assert_string_equal(got, sha);
    assert_int_equal(size, (int64_t)n);
}

static void test_small_inline(void **state)
{
    (void)state;
    char sha[65];
    put("hello", 5, sha);
    assert_string_equal(sha, HELLO_SHA);
    assert_true(in_row(sha));
    assert_false(file_exists(sha));
    assert_reads_back(sha, "hello", 5);
    struct hd_error err = HD_ERROR_INIT;
    struct hd_blob_reader *r;
    assert_int_equal(hd_blob_open(st, blobs, sha, &r, &err), 1);
    assert_null(hd_blob_reader_path(r));
    assert_int_equal(hd_blob_reader_size(r), 5);
    hd_blob_reader_close(&r);
    /* Stored again: still one row, still no file. */
    put("hello", 5, sha);
    assert_true(in_row(sha));
    assert_false(file_exists(sha));
}

static void test_empty_inline(void **state)
{
    (void)state;
    char sha[65];
    put("", 0, sha);
    assert_true(in_row(sha));
    assert_reads_back(sha, "", 0);
}

static void test_big_file(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    char *big = hd_xmalloc(BIG_SIZE), sha[65];
    for (size_t i = 0; i < BIG_SIZE; i++)
        big[i] = (char)(i * 7 + i / 1000);
    /* Appended in pieces that cross the threshold: spills to a file. */
    struct hd_blob_writer *w;
    int64_t size = 0;
    assert_int_equal(hd_store_begin(st, &err), 0);
    assert_int_equal(hd_blob_writer_open(st, blobs, &w, &err), 0);
    assert_int_equal(hd_blob_writer_append(w, big, 200000, &err), 0);
    assert_int_equal(hd_blob_writer_append(w, big + 200000,
                                           BIG_SIZE - 200000, &err), 0);
    assert_int_equal(hd_blob_writer_commit(&w, sha, &size, &err), 0);
    assert_int_equal(hd_store_commit(st, &err), 0);
    assert_int_equal(size, (int64_t)BIG_SIZE);
    assert_false(in_row(sha));
    assert_true(file_exists(sha));
    assert_reads_back(sha, big, BIG_SIZE);
    struct hd_blob_reader *r;
    assert_int_equal(hd_blob_open(st, blobs, sha, &r, &err), 1);
    assert_non_null(hd_blob_reader_path(r));
    hd_blob_reader_close(&r);
    assert_int_equal(hd_blob_remove_file(blobs, sha), 0);
    assert_false(file_exists(sha));
    free(big);
}

static void test_dedupe_legacy_file(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    char sha[65], again[65];
    /* A small blob stored the old way: a file and a row without bytes. */
    assert_int_equal(hd_blob_put(NULL, blobs, "legacy bytes", 12, sha, &err),
                     0);
    assert_int_equal(hd_store_blob_add(st, sha, 12, &err), 0);
    assert_true(file_exists(sha));
    put("legacy bytes", 12, again);
    assert_string_equal(sha, again);
    assert_false(in_row(sha)); /* the file is kept, not copied in */
    assert_reads_back(sha, "legacy bytes", 12);
}

static void test_row_without_bytes_filled(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    char sha[65];
    /* An imported or restored row whose bytes come afterwards. */
    assert_int_equal(hd_blob_put(NULL, blobs, "imported", 8, sha, &err), 0);
    assert_int_equal(hd_blob_remove_file(blobs, sha), 0);
    assert_int_equal(hd_store_blob_add(st, sha, 8, &err), 0);
    struct hd_blob_reader *r = NULL;
    assert_int_equal(hd_blob_open(st, blobs, sha, &r, &err), 0);
    assert_null(r);
    put("imported", 8, sha);
    assert_true(in_row(sha));
    assert_reads_back(sha, "imported", 8);
}

static int problems_matching(json_t *report, const char *needle)
{
    json_t *p;
    size_t i;
    int n = 0;
    json_array_foreach(json_object_get(report, "problems"), i, p)
        n += strstr(json_string_value(p), needle) != NULL;
    return n;
}

static void test_verify_rehashes_inline(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    json_t *rep = hd_verify_instance(inst, &err);
    assert_non_null(rep);
    assert_int_equal(problems_matching(rep, "content damaged"), 0);
    json_decref(rep);
    /* A row whose bytes do not hash to its name: a bit flip in the row. */
    const char *name =
        "0000000000000000000000000000000000000000000000000000000000000001";
    assert_int_equal(hd_store_begin(st, &err), 0);
    assert_int_equal(hd_store_blob_put_inline(st, name, 5, "hellO", 5, &err), 0);
    assert_int_equal(hd_store_commit(st, &err), 0);
    rep = hd_verify_instance(inst, &err);
    assert_non_null(rep);
    assert_false(json_is_true(json_object_get(rep, "intact")));
    assert_int_equal(problems_matching(rep, "content damaged"), 1);
    assert_int_equal(problems_matching(rep, name), 1);
    json_decref(rep);
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
        cmocka_unit_test(test_small_inline),
        cmocka_unit_test(test_empty_inline),
        cmocka_unit_test(test_big_file),
        cmocka_unit_test(test_dedupe_legacy_file),
        cmocka_unit_test(test_row_without_bytes_filled),
        cmocka_unit_test(test_verify_rehashes_inline),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
