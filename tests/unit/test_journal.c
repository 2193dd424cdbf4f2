/* test_journal.c - the LMTP write-ahead journal: the record format
 * (every short prefix, every flipped byte, bad lengths, envelopes and
 * sequence order refused), and the file (append, read back, take back,
 * a torn tail cut, truncation, one process at a time). */
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
#include <zlib.h>

#include "journal.h"

#define REC_CAP 4096

static const char env[] = "ann@example.org\0support@support.test\0"
                          "help@incident.test";
static const char msg[] =
    "From: ann@example.org\r\nSubject: hi\r\n\r\nbody\r\n";

/* A whole record into buf; its length. */
static size_t make_record(char *buf, uint64_t seq, const char *e,
                          size_t env_len, uint32_t n_rcpt)
{
    size_t ml = sizeof msg - 1;
    mg_journal_encode_header((unsigned char *)buf, seq, e, env_len, n_rcpt,
                             msg, ml);
    memcpy(buf + MG_JOURNAL_HEADER, e, env_len);
    memcpy(buf + MG_JOURNAL_HEADER + env_len, msg, ml);
    return MG_JOURNAL_HEADER + env_len + ml;
}

static void test_roundtrip(void **state)
{
    (void)state;
    char buf[REC_CAP];
    size_t len = make_record(buf, 7, env, sizeof env, 2), used = 0;
    struct mg_journal_rec rec;
    assert_int_equal(mg_journal_decode(buf, len, &rec, &used), 1);
    assert_int_equal(used, len);
    assert_int_equal(rec.seq, 7);
    assert_string_equal(rec.sender, "ann@example.org");
    assert_string_equal(rec.rcpts, "support@support.test");
    assert_string_equal(rec.rcpts + strlen(rec.rcpts) + 1,
                        "help@incident.test");
    assert_int_equal(rec.n_rcpt, 2);
    assert_int_equal(rec.msg_len, sizeof msg - 1);
    assert_memory_equal(rec.msg, msg, rec.msg_len);
    /* The checksum is zlib's crc32 over bytes 8.., so other tools (the
     * e2e test's Python) can write records. */
    uint32_t want = (uint32_t)crc32(0, (const Bytef *)buf + 8,
                                    (uInt)(len - 8));
    uint32_t got = (uint32_t)(unsigned char)buf[4] |
                   (uint32_t)(unsigned char)buf[5] << 8 |
                   (uint32_t)(unsigned char)buf[6] << 16 |
                   (uint32_t)(unsigned char)buf[7] << 24;
    assert_int_equal(got, want);
}

/* Torn writes: every prefix is refused, and so is every flipped byte. */
static void test_torn_and_flipped(void **state)
{
    (void)state;
    char buf[REC_CAP];
    size_t len = make_record(buf, 1, env, sizeof env, 2), used;
    struct mg_journal_rec rec;
    for (size_t n = 0; n < len; n++)
        if (mg_journal_decode(buf, n, &rec, &used) != 0)
            fail_msg("prefix of %zu bytes accepted", n);
    for (size_t i = 0; i < len; i++) {
        buf[i] ^= 0x20;
        if (mg_journal_decode(buf, len, &rec, &used) != 0)
            fail_msg("byte %zu flipped: accepted", i);
        buf[i] ^= 0x20;
    }
    assert_int_equal(mg_journal_decode(buf, len, &rec, &used), 1);
}

/* Records whose checksum is right but whose fields are not. */
static void test_bad_fields(void **state)
{
    (void)state;
    static const struct {
        uint64_t seq;
        const char *env;
        size_t env_len;
        uint32_t n_rcpt;
    } cases[] = {
        {0, env, sizeof env, 2},                    /* seq 0 */
        {1, env, sizeof env, 0},                    /* no recipient */
        {1, env, sizeof env, 1},                    /* one NUL too many */
        {1, env, sizeof env, 3},                    /* one NUL too few */
        {1, env, sizeof env - 1, 1},                /* not NUL-ended */
        {1, env, 0, 1},                             /* no envelope */
        {1, env, sizeof env, MG_LMTP_RCPT_MAX + 1}, /* too many */
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char buf[REC_CAP];
        size_t used, len = make_record(buf, cases[k].seq, cases[k].env,
                                       cases[k].env_len, cases[k].n_rcpt);
        struct mg_journal_rec rec;
        if (mg_journal_decode(buf, len, &rec, &used) != 0)
            fail_msg("case %zu accepted", k);
    }
    /* A message length past the cap, checksum and all. */
    char buf[REC_CAP];
    size_t used, len = make_record(buf, 1, env, sizeof env, 2);
    uint64_t big = MG_JOURNAL_MSG_MAX + 1;
    for (int i = 0; i < 8; i++)
        buf[24 + i] = (char)(big >> (8 * i));
    struct mg_journal_rec rec;
    assert_int_equal(mg_journal_decode(buf, len, &rec, &used), 0);
}

struct fix {
    char dir[64], path[96];
    struct mg_journal *j;
};

static int setup(void **state)
{
    struct fix *f = hd_xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/hdjournal.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/spool/lmtp.journal", f->dir);
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(mg_journal_open(f->path, &f->j, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    mg_journal_free(&f->j);
    assert_null(f->j);
    char spool[80];
    snprintf(spool, sizeof spool, "%s/spool", f->dir);
    unlink(f->path);
    rmdir(spool);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void append(struct fix *f, uint64_t seq, const char *body)
{
    static const char *const rc[] = {"support@support.test"};
    struct hd_error err = HD_ERROR_INIT;
    if (mg_journal_append(f->j, seq, "a@example.org", rc, 1, body,
                          strlen(body), &err) < 0)
        fail_msg("append %llu: %s", (unsigned long long)seq, err.msg);
}

/* The bodies of the valid records, space-separated, into out. */
static void read_all(struct fix *f, char *out, size_t cap)
{
    struct hd_error err = HD_ERROR_INIT;
    struct mg_journal_rec rec;
    size_t len = 0;
    out[0] = '\0';
    assert_int_equal(mg_journal_read_begin(f->j, &err), 0);
    int rc;
    while ((rc = mg_journal_next(f->j, &rec, &err)) == 1)
        len += (size_t)snprintf(out + len, cap - len, "%s%.*s",
                                len ? " " : "", (int)rec.msg_len, rec.msg);
    assert_int_equal(rc, 0);
    mg_journal_read_end(f->j);
}

/* Two steps: the record is written at _start (the sync runs on the
 * journal's thread) but counted only once _finish says it is on disk;
 * a free with a sync in flight waits for it. */
static void test_two_steps(void **state)
{
    struct fix *f = *state;
    static const char *const rc[] = {"support@support.test"};
    struct hd_error err = HD_ERROR_INIT;
    struct stat sb;
    char got[256];
    append(f, 1, "one");
    uint64_t one = mg_journal_size(f->j);
    assert_int_equal(mg_journal_append_start(f->j, 2, "a@example.org", rc, 1,
                                             "two", 3, &err), 0);
    assert_int_equal(mg_journal_size(f->j), one);
    assert_int_equal(stat(f->path, &sb), 0);
    assert_true((uint64_t)sb.st_size > one);
    assert_int_equal(mg_journal_append_finish(f->j, &err), 0);
    assert_int_equal(mg_journal_size(f->j), (uint64_t)sb.st_size);
    for (uint64_t seq = 3; seq <= 50; seq++) /* the thread, many times */
        append(f, seq, "x");
    assert_int_equal(mg_journal_unappend(f->j, &err), 0);
    read_all(f, got, sizeof got);
    assert_int_equal(strncmp(got, "one two x x", 11), 0);
    assert_int_equal(strlen(got), strlen("one two") + 47 * 2);
    assert_int_equal(mg_journal_append_start(f->j, 51, "a@example.org", rc, 1,
                                             "last", 4, &err), 0);
    mg_journal_free(&f->j);
    assert_int_equal(mg_journal_open(f->path, &f->j, &err), 0);
    read_all(f, got, sizeof got);
    assert_string_equal(got + strlen(got) - 7, " x last");
}

static void test_file(void **state)
{
    struct fix *f = *state;
    struct hd_error err = HD_ERROR_INIT;
    char got[256];
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    append(f, 1, "one");
    append(f, 2, "two");
    append(f, 3, "three");
    assert_int_equal(mg_journal_unappend(f->j, &err), 0);
    read_all(f, got, sizeof got);
    assert_string_equal(got, "one two");
    /* Another process (here: another open) may not take it. */
    struct mg_journal *other = NULL;
    assert_int_equal(mg_journal_open(f->path, &other, &err), -1);
    assert_int_equal(err.code, HD_E_EXISTS);
    assert_int_equal(mg_journal_truncate(f->j, &err), 0);
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_size, 0);
    assert_int_equal(mg_journal_size(f->j), 0);
    read_all(f, got, sizeof got);
    assert_string_equal(got, "");
}

/* A record cut short (the crash during its write) is dropped from the
 * file when read, and what is appended next is readable. */
static void test_torn_tail(void **state)
{
    struct fix *f = *state;
    char got[256];
    append(f, 1, "one");
    append(f, 2, "two");
    uint64_t whole = mg_journal_size(f->j);
    assert_int_equal(truncate(f->path, (off_t)whole - 3), 0);
    read_all(f, got, sizeof got);
    assert_string_equal(got, "one");
    append(f, 3, "three");
    read_all(f, got, sizeof got);
    assert_string_equal(got, "one three");
    /* A sequence number not above the one before ends the journal. */
    append(f, 3, "again");
    append(f, 4, "four");
    read_all(f, got, sizeof got);
    assert_string_equal(got, "one three");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_torn_and_flipped),
        cmocka_unit_test(test_bad_fields),
        cmocka_unit_test_setup_teardown(test_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
