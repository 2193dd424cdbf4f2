/* test_lmtp.c - the LMTP state machine: command order, dot-unstuffing
 * and the terminator across any split of the input, size limits, RSET,
 * pipelining and overlong lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lmtp.h"

#define OUT_CAP 65536

struct fix {
    struct mg_lmtp *s;
    struct hd_buf out;
};

static int setup(void **state)
{
    struct fix *f = hd_xcalloc(1, sizeof *f);
    f->s = mg_lmtp_new("test.host", "test", 64);
    hd_buf_init(&f->out, OUT_CAP);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    mg_lmtp_free(&f->s);
    assert_null(f->s);
    hd_buf_deinit(&f->out);
    free(f);
    return 0;
}

/* Feeds all of in, step bytes at a time; returns the last event and
 * leaves *used_total at the bytes consumed up to it. */
static enum mg_lmtp_event feed(struct fix *f, const char *in, size_t step,
                               size_t *used_total)
{
    size_t len = strlen(in), off = 0;
    enum mg_lmtp_event ev = MG_LMTP_MORE;
    while (off < len && ev == MG_LMTP_MORE) {
        size_t n = len - off < step ? len - off : step, used;
        ev = mg_lmtp_feed(f->s, in + off, n, &used, &f->out);
        off += used;
    }
    if (used_total)
        *used_total = off;
    return ev;
}

static const char *out(struct fix *f)
{
    return hd_buf_cstr(&f->out);
}

static void test_order(void **state)
{
    struct fix *f = *state;
    feed(f, "MAIL FROM:<a@b>\r\n", 1000, NULL);
    assert_non_null(strstr(out(f), "503 5.5.1 LHLO first"));
    hd_buf_reset(&f->out);
    feed(f, "LHLO client\r\nDATA\r\nRCPT TO:<x@y>\r\n", 1000, NULL);
    assert_non_null(strstr(out(f), "250-X-HELPDESK-PROFILE test\r\n"));
    assert_non_null(strstr(out(f), "250 SIZE 64\r\n"));
    assert_non_null(strstr(out(f), "503 5.5.1 RCPT first"));
    assert_non_null(strstr(out(f), "503 5.5.1 MAIL first"));
    hd_buf_reset(&f->out);
    feed(f, "HELO x\r\nFOO\r\nMAIL FROM:a@b\r\nNOOP\r\n", 1000, NULL);
    assert_string_equal(out(f), "500 5.5.1 this is LMTP: use LHLO\r\n"
                                "500 5.5.2 unknown command\r\n"
                                "501 5.5.4 syntax: MAIL FROM:<address>\r\n"
                                "250 2.0.0 ok\r\n");
    assert_int_equal(feed(f, "QUIT\r\n", 1000, NULL), MG_LMTP_QUIT);
}

/* The same session, every split size: the message comes out unstuffed
 * with its line endings as sent, and input after "." is left over. */
static void test_data_any_split(void **state)
{
    struct fix *f = *state;
    static const char in[] =
        "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<one@x>\r\nrcpt to:<two@x>\r\n"
        "DATA\r\nS: x\r\n\r\n..dot\r\n.\rnot end\nbare\n...\r\n.\r\nNOOP\r\n";
    static const char want[] = "S: x\r\n\r\n.dot\r\n\rnot end\nbare\n..\r\n";
    for (size_t step = 1; step <= sizeof in; step++) {
        size_t used, len;
        bool trunc;
        enum mg_lmtp_event ev = feed(f, in, step, &used);
        assert_int_equal(ev, MG_LMTP_MESSAGE);
        assert_string_equal(in + used, "NOOP\r\n");
        assert_true(mg_lmtp_in_data(f->s));
        const char *m = mg_lmtp_message(f->s, &len, &trunc);
        assert_int_equal(len, strlen(want));
        assert_memory_equal(m, want, len);
        assert_false(trunc);
        assert_int_equal(mg_lmtp_rcpt_count(f->s), 2);
        assert_string_equal(mg_lmtp_rcpt(f->s, 0), "one@x");
        assert_string_equal(mg_lmtp_rcpt(f->s, 1), "two@x");
        assert_string_equal(mg_lmtp_sender(f->s), "");
        mg_lmtp_done(f->s);
        assert_false(mg_lmtp_in_data(f->s));
        /* After the transaction, a new one needs a new MAIL. */
        hd_buf_reset(&f->out);
        feed(f, "RCPT TO:<a@b>\r\n", 1000, NULL);
        assert_string_equal(out(f), "503 5.5.1 MAIL first\r\n");
        hd_buf_reset(&f->out);
    }
}

static void test_size(void **state)
{
    struct fix *f = *state;
    size_t len;
    bool trunc;
    feed(f, "LHLO c\r\nMAIL FROM:<a@b> SIZE=65\r\n", 1000, NULL);
    assert_non_null(strstr(out(f), "552 5.3.4"));
    hd_buf_reset(&f->out);
    feed(f, "MAIL FROM:<a@b> BODY=8BITMIME SIZE=64\r\nRCPT TO:<c@d>\r\n"
            "DATA\r\n", 1000, NULL);
    assert_string_equal(out(f), "250 2.1.0 sender ok\r\n"
                                "250 2.1.5 recipient ok\r\n"
                                "354 end data with <CR><LF>.<CR><LF>\r\n");
    char body[200];
    memset(body, 'x', 150);
    memcpy(body + 150, "\r\n.\r\n", 6);
    assert_int_equal(feed(f, body, 7, NULL), MG_LMTP_MESSAGE);
    const char *m = mg_lmtp_message(f->s, &len, &trunc);
    assert_int_equal(len, 64); /* the rest was read and dropped */
    assert_true(trunc);
    assert_int_equal(m[63], 'x');
    mg_lmtp_done(f->s);
}

static void test_rset(void **state)
{
    struct fix *f = *state;
    feed(f, "LHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRSET\r\n"
            "RCPT TO:<e@f>\r\n", 1000, NULL);
    assert_non_null(strstr(out(f), "250 2.0.0 reset\r\n503 5.5.1 MAIL"));
    assert_int_equal(mg_lmtp_rcpt_count(f->s), 0);
}

static void test_limits(void **state)
{
    struct fix *f = *state;
    char line[MG_LMTP_LINE_MAX + 100];
    memset(line, 'A', sizeof line);
    memcpy(line + sizeof line - 3, "\r\n", 3);
    feed(f, line, 333, NULL);
    assert_string_equal(out(f), "500 5.5.6 line longer than 2048 bytes\r\n");
    hd_buf_reset(&f->out);
    feed(f, "LHLO c\r\nMAIL FROM:<a@b>\r\n", 1000, NULL);
    for (int i = 0; i < MG_LMTP_RCPT_MAX; i++)
        feed(f, "RCPT TO:<r@x>\r\n", 1000, NULL);
    hd_buf_reset(&f->out);
    feed(f, "RCPT TO:<r@x>\r\nRCPT TO:<bad address>\r\n", 1000, NULL);
    assert_string_equal(out(f), "452 4.5.3 too many recipients\r\n"
                                "501 5.5.4 syntax: RCPT TO:<address>\r\n");
    assert_int_equal(mg_lmtp_rcpt_count(f->s), MG_LMTP_RCPT_MAX);
}

/* A client that never reads its replies is dropped, not buffered. */
static void test_reply_flood(void **state)
{
    struct fix *f = *state;
    hd_buf_deinit(&f->out);
    hd_buf_init(&f->out, 100);
    enum mg_lmtp_event ev = MG_LMTP_MORE;
    for (int i = 0; i < 20 && ev == MG_LMTP_MORE; i++)
        ev = feed(f, "NOOP\r\n", 1000, NULL);
    assert_int_equal(ev, MG_LMTP_QUIT);
    assert_true(f->out.len <= 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_any_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_flood, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
