/* test_store_ckpt.c - checkpoints on a thread of their own: the thread
 * copies the log into the database (frames counted), the log stays
 * within its bound however fast the writer commits, every commit is
 * readable by another connection, and after the thread stops the
 * connection checkpoints as SQLite does by itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"

#define PAGES 100        /* the thread starts at this many frames */
#define COMMITS 3000
#define FRAME (4096 + 24) /* a WAL frame: header and one page */

static char dir[] = "/tmp/hd-test-ckpt-XXXXXX";

static struct hd_store *open_db(const char *name)
{
    char path[256];
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (hd_store_open(path, HD_STORE_CREATE, 10000, &st, &err) < 0)
        fail_msg("open %s: %s", path, err.msg);
    return st;
}

static long long file_size(const char *name)
{
    char path[256];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* One commit of a new 1.5 KB row: a page or two of log each. */
static void put(struct hd_store *st, int i)
{
    struct hd_error err = HD_ERROR_INIT;
    char key[32], value[1536];
    snprintf(key, sizeof key, "k%06d", i);
    memset(value, 'a' + i % 26, sizeof value - 1);
    value[sizeof value - 1] = '\0';
    assert_int_equal(hd_store_begin(st, &err), 0);
    assert_int_equal(hd_store_meta_set(st, key, value, &err), 0);
    assert_int_equal(hd_store_commit(st, &err), 0);
}

static void test_thread_checkpoints_within_bound(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = open_db("c.db");
    struct hd_store_ckpt *c = hd_store_ckpt_start(st, PAGES);
    assert_non_null(c);
    long long db0 = file_size("c.db"), wal_max = 0;
    for (int i = 0; i < COMMITS; i++) {
        put(st, i);
        long long w = file_size("c.db-wal");
        if (w > wal_max)
            wal_max = w;
    }
    /* The bound is 4 * PAGES frames; one commit may end past it. */
    assert_true(wal_max <= (4 * PAGES + 8) * (long long)FRAME + 32);
    long by_thread, by_writer;
    hd_store_ckpt_stats(c, &by_thread, &by_writer);
    if (getenv("CKPT_TEST_VERBOSE"))
        fprintf(stderr, "thread %ld writer %ld wal_max %lld\n", by_thread,
                by_writer, wal_max);
    /* Every commit writes a frame at least, and all but the last bound's
     * worth were copied (each restart of the log counted afresh); the
     * thread does the copying, the writer only short rests. */
    assert_true(by_thread + by_writer >= COMMITS - 4 * PAGES);
    assert_true(by_thread > 0);
    assert_true(by_writer < by_thread);
    assert_true(file_size("c.db") > db0 + 1024 * 1024); /* rows copied */
    hd_store_ckpt_stop(&c);
    assert_null(c);

    struct hd_store *r = open_db("c.db");
    struct hd_arena *a = hd_arena_new();
    for (int i = 0; i < COMMITS; i += 97) {
        char key[32], *v = NULL;
        snprintf(key, sizeof key, "k%06d", i);
        assert_int_equal(hd_store_meta_get(r, key, a, &v, &err), 1);
        assert_int_equal(v[0], 'a' + i % 26);
        assert_int_equal(strlen(v), 1535);
    }
    hd_arena_free(&a);
    hd_store_close(&r);

    /* SQLite's own checkpoints again: the log stays bounded. */
    long long before = file_size("c.db-wal");
    for (int i = COMMITS; i < 2 * COMMITS; i++)
        put(st, i);
    assert_true(file_size("c.db-wal") <= (before > (1100LL * FRAME)
                                              ? before
                                              : 1100LL * FRAME));
    hd_store_close(&st);
}

static void test_memory_database_has_none(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = NULL;
    assert_int_equal(hd_store_open(":memory:", HD_STORE_CREATE, 1000, &st,
                                   &err), 0);
    struct hd_store_ckpt *c = hd_store_ckpt_start(st, PAGES);
    assert_null(c);
    hd_store_ckpt_stop(&c);
    hd_store_close(&st);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_checkpoints_within_bound),
        cmocka_unit_test(test_memory_database_has_none),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
