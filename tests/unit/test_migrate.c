/* test_migrate.c - the copy behind `helpdesk migrate` between two real
 * SQLite stores (PostgreSQL as the target is tests/e2e/pg_migrate):
 * every table arrives with its ids and bytes, a ticket merged into a
 * later one keeps its link, the target's triggers rebuild the search
 * index and the reports' rollups, a column the copy does not know is
 * refused, another process holding the store open is seen, and the URL
 * shown never carries the password. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "instance.h"
#include "migrate.h"
#include "store_migrate.h"
#include "test_instance.h"

int store_fts_register(sqlite3 *db);

static char dir[] = "/tmp/hd-test-migrate-XXXXXX";
static struct hd_instance *inst;
static char src_path[300], dst_path[300];

static void sql(sqlite3 *db, const char *q)
{
    char *msg = NULL;
    if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", q, msg);
}

static long long one(sqlite3 *db, const char *q)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", q, sqlite3_errmsg(db));
    long long v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0)
                                                : -1;
    sqlite3_finalize(s);
    return v;
}

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        fail_msg("open %s", path);
    store_fts_register(db);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static int setup(void **state)
{
    (void)state;
    if (test_instance_new(dir, &inst) < 0)
        return -1;
    snprintf(src_path, sizeof src_path, "%s/i/helpdesk.db", dir);
    snprintf(dst_path, sizeof dst_path, "%s/copy.db", dir);
    sqlite3 *db = open_db(src_path);
    /* Ticket 1 merged into ticket 2 (a forward reference), a message with
     * a raw blob held inline (bytes with NULs), an attachment, an FAQ
     * article, a user, an audit row, a changed seeded row. */
    sql(db, "INSERT INTO \"user\"(id, email, name, role, password_hash, "
            "created_at) VALUES (7, 'a@example.com', 'A', 'agent', "
            "'$argon2id$x', 1)");
    sql(db, "INSERT OR IGNORE INTO queue(id, name, created_at) VALUES "
            "(1, 'support', 1)");
    sql(db, "INSERT INTO contact(id, address, created_at) VALUES (3, "
            "'c@example.org', 1)");
    sql(db, "INSERT INTO ticket(id, number, subject, status, queue_id, "
            "requester_id, assignee_id, created_at, updated_at) VALUES "
            "(1, 10001, '障害 first', 'open', 1, 3, 7, 1000, 1000), "
            "(2, 10002, 'second', 'resolved', 1, 3, 7, 2000, 2000)");
    sql(db, "UPDATE ticket SET merged_into = 2 WHERE id = 1");
    sql(db, "UPDATE ticket SET resolved_at = 5000 WHERE id = 2");
    sql(db, "INSERT INTO blob(sha256, size, created_at, data) VALUES "
            "('ab', 4, 1, x'00ff0001')");
    sql(db, "INSERT INTO message(id, ticket_id, kind, message_id, from_addr, body_text, "
            "raw_sha256, created_at) VALUES (11, 1, 'inbound', 'm1@x', 'c@example.org', "
            "'サーバー障害です', 'ab', 1000)");
    sql(db, "INSERT INTO attachment(id, message_id, filename, content_type, "
            "size, sha256, created_at) VALUES (5, 11, 'a.bin', "
            "'application/octet-stream', 4, 'ab', 1000)");
    sql(db, "INSERT INTO faq_article(id, slug, created_at, updated_at) "
            "VALUES (9, 'vpn', 1, 1)");
    sql(db, "INSERT INTO faq_text(article_id, lang, title, body_md, "
            "body_text, updated_at) VALUES (9, 'ja', 'VPN接続', 'x', "
            "'VPNに接続できない', 1)");
    sql(db, "INSERT INTO audit(id, at, actor, source, object, action, "
            "prev_hash, hash) VALUES (1, 1, 'cli', 'cli', 'instance', "
            "'test', '', 'h1')");
    sql(db, "UPDATE counter SET value = 10002 WHERE name = 'ticket_number'");
    sql(db, "UPDATE sla_policy SET first_response_m = 17 WHERE "
            "category = 'incident' AND priority = 'urgent'");
    sqlite3_close(db);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return test_instance_free(dir, &inst);
}

/* Every copied table holds the same rows on both sides. */
static void test_copy_every_table(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *src = hd_instance_store(inst), *dst = NULL;
    struct hd_migrate_stats s = {0};
    assert_int_equal(hd_store_open(dst_path, HD_STORE_CREATE, 5000, &dst,
                                   &err), 0);
    assert_int_equal(hd_store_copy_check(src, &err), 0);
    assert_int_equal(hd_store_begin(dst, &err), 0);
    assert_int_equal(hd_store_begin(src, &err), 0);
    int rc = hd_migrate_copy(src, dst, NULL, &s, &err);
    if (rc < 0)
        fail_msg("copy: %s", err.msg);
    assert_int_equal(hd_store_commit(dst, &err), 0);
    hd_store_rollback(src);
    hd_store_close(&dst);
    assert_int_equal(s.tables, (int64_t)hd_store_copy_table_count());

    sqlite3 *db = open_db(dst_path);
    char q[600];
    snprintf(q, sizeof q, "ATTACH '%s' AS s", src_path);
    sql(db, q);
    for (size_t i = 0; i < hd_store_copy_table_count(); i++) {
        const char *t = hd_store_copy_table_name(i);
        snprintf(q, sizeof q,
                 "SELECT (SELECT count(*) FROM (SELECT * FROM main.\"%s\" "
                 "EXCEPT SELECT * FROM s.\"%s\")) + (SELECT count(*) FROM "
                 "(SELECT * FROM s.\"%s\" EXCEPT SELECT * FROM main.\"%s\")) "
                 "+ (SELECT count(*) FROM main.\"%s\") - (SELECT count(*) "
                 "FROM s.\"%s\")",
                 t, t, t, t, t, t);
        if (one(db, q) != 0)
            fail_msg("table %s differs after the copy", t);
    }
    assert_int_equal(one(db, "SELECT merged_into FROM ticket WHERE id = 1"),
                     2);
    assert_int_equal(one(db, "SELECT hex(data) = '00FF0001' FROM blob"), 1);
    assert_int_equal(one(db, "SELECT first_response_m FROM sla_policy WHERE "
                             "category = 'incident' AND priority = "
                             "'urgent'"),
                     17);
    /* Rebuilt by the target's triggers, not copied. */
    assert_int_equal(one(db, "SELECT count(*) FROM ticket_text WHERE "
                             "ticket_text MATCH '障害'"),
                     2);
    assert_int_equal(one(db, "SELECT count(*) FROM faq_fts WHERE faq_fts "
                             "MATCH '接続'"),
                     1);
#define ROLLUP(db)                                                           \
    "SELECT group_concat(x, ';') FROM (SELECT slot || ',' || n AS x FROM " \
    db ".report_resolved WHERE n <> 0 ORDER BY 1)"
    const char *qa = ROLLUP("main"), *qb = ROLLUP("s");
    assert_int_equal(one(db, "SELECT count(*) FROM report_resolved"), 1);
    sqlite3_stmt *a, *b;
    assert_int_equal(sqlite3_prepare_v2(db, qa, -1, &a, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, qb, -1, &b, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(a), SQLITE_ROW);
    assert_int_equal(sqlite3_step(b), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(a, 0), sqlite3_column_text(b, 0));
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    sqlite3_close(db);
}

/* A column added by a schema this build does not know is named and
 * refused before anything is copied. */
static void test_unknown_column_refused(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    char other[320];
    snprintf(other, sizeof other, "%s/newer.db", dir);
    struct hd_store *st = NULL;
    assert_int_equal(hd_store_open(other, HD_STORE_CREATE, 5000, &st, &err),
                     0);
    assert_int_equal(hd_store_copy_check(st, &err), 0);
    hd_store_close(&st);
    sqlite3 *db = open_db(other);
    sql(db, "ALTER TABLE message ADD COLUMN mood TEXT");
    sqlite3_close(db);
    assert_int_equal(hd_store_open(other, 0, 5000, &st, &err), 0);
    assert_int_equal(hd_store_copy_check(st, &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
    assert_non_null(strstr(err.msg, "message.mood"));
    hd_store_close(&st);
}

/* A process holding the store open is seen, with its pid; once it has
 * gone, nobody is.  The holder is another program: a forked copy of this
 * one would share its SQLite state and take no lock of its own. */
static void test_other_users(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *src = hd_instance_store(inst);
    long pid = 0;
    assert_int_equal(hd_store_other_users(src, &pid, &err), 0);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        dup2(ready[1], 1);
        execlp("python3", "python3", "-c",
               "import sqlite3, sys, time\n"
               "db = sqlite3.connect(sys.argv[1])\n"
               "db.execute('SELECT count(*) FROM meta').fetchall()\n"
               "print('r', flush=True)\n"
               "time.sleep(60)\n",
               src_path, (char *)NULL);
        _exit(127);
    }
    close(ready[1]);
    char c = 0;
    ssize_t got = read(ready[0], &c, 1);
    int used = hd_store_other_users(src, &pid, &err);
    kill(child, SIGTERM);
    waitpid(child, NULL, 0);
    close(ready[0]);
    assert_int_equal(got, 1);
    assert_int_equal(used, 1);
    assert_int_equal(pid, (long)child);
    assert_int_equal(hd_store_other_users(src, &pid, &err), 0);
}

static void test_url_shown(void **state)
{
    (void)state;
    static const struct { const char *url, *shown; } cases[] = {
        {"postgresql://hd:s3cret@db1:5432/hd", "postgresql://hd@db1:5432/hd"},
        {"postgresql://hd@db1/hd", "postgresql://hd@db1/hd"},
        {"postgres://db1/hd?x=a:b", "postgres://db1/hd?x=a:b"},
        {"postgresql://hd:p%40ss@a:1,b:2/hd?target_session_attrs=read-write",
         "postgresql://hd@a:1,b:2/hd?target_session_attrs=read-write"},
    };
    struct hd_arena *a = hd_arena_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (strcmp(hd_migrate_url_shown(a, cases[i].url), cases[i].shown))
            fail_msg("case %zu: %s", i, hd_migrate_url_shown(a, cases[i].url));
    hd_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_every_table),
        cmocka_unit_test(test_unknown_column_refused),
        cmocka_unit_test(test_other_users),
        cmocka_unit_test(test_url_shown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
