/* test_log.c - log lines written whole, in order per thread, with and
 * without per-thread buffering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define THREADS 4
#define LINES_PER_THREAD 3000 /* ~100 buffers' worth in all */

static int saved_fd = -1;
static char path[] = "/tmp/test_log_XXXXXX";

/* stderr into a fresh temporary file. */
static int capture(void **state)
{
    (void)state;
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    saved_fd = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    return 0;
}

static int release(void **state)
{
    (void)state;
    dup2(saved_fd, STDERR_FILENO);
    close(saved_fd);
    unlink(path);
    memcpy(path + strlen(path) - 6, "XXXXXX", 6);
    return 0;
}

static char *captured(void)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[4 << 20]; /* > THREADS * LINES_PER_THREAD lines */
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    assert_true(n < sizeof buf - 1); /* all of it */
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void *log_lines(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int i = 0; i < LINES_PER_THREAD; i++)
        hd_info("test", "line", "t=%d i=%d path=\"/faq/some-article-%d\"",
                t, i, i);
    return NULL; /* the thread's exit writes what it kept */
}

static void test_buffered_threads(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_log_buffer_start(&err), 0);
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, log_lines,
                                        (void *)(intptr_t)t), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    hd_info("test", "main", "last=1"); /* kept until the stop */
    hd_log_buffer_stop();
    char *text = captured();
    int next[THREADS] = {0};
    int lines = 0, main_seen = 0;
    for (char *save, *l = strtok_r(text, "\n", &save); l != NULL;
         l = strtok_r(NULL, "\n", &save), lines++) {
        int t, i, k;
        assert_non_null(strstr(l, "ts="));
        if (strstr(l, "ev=main last=1") != NULL) {
            main_seen++;
            continue;
        }
        const char *p = strstr(l, "ev=line t=");
        assert_non_null(p);
        assert_int_equal(sscanf(p, "ev=line t=%d i=%d path=\"/faq/some-"
                                   "article-%d\"", &t, &i, &k), 3);
        assert_true(t >= 0 && t < THREADS);
        assert_int_equal(i, next[t]); /* in order, none lost */
        assert_int_equal(k, i);       /* whole */
        next[t]++;
    }
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(next[t], LINES_PER_THREAD);
    assert_int_equal(main_seen, 1);
    assert_int_equal(lines, THREADS * LINES_PER_THREAD + 1);
}

static void test_warning_writes_buffer_first(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(hd_log_buffer_start(&err), 0);
    hd_info("test", "first", "n=1");
    hd_info("test", "second", "n=2");
    hd_warn("test", "third", "n=3");
    /* no flush yet: the warning wrote the thread's lines, then itself */
    char *text = captured();
    char *a = strstr(text, "ev=first n=1\n");
    char *b = strstr(text, "ev=second n=2\n");
    char *c = strstr(text, "level=warn prog=");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_true(a < b && b < c);
    assert_non_null(strstr(c, "ev=third n=3\n"));
    hd_log_buffer_stop();
}

static void test_unbuffered_at_once(void **state)
{
    (void)state;
    hd_info("test", "plain", "x=\"%s\"", "y");
    assert_non_null(strstr(captured(), "ev=plain x=\"y\"\n"));
}

static void test_long_line_cut_whole(void **state)
{
    (void)state;
    static char big[5000];
    memset(big, 'a', sizeof big - 1);
    hd_info("test", "long", "v=%s", big);
    hd_info("test", "after", "n=1");
    char *text = captured();
    char *nl = strchr(text, '\n');
    assert_non_null(nl);
    assert_true(nl - text < 2048);
    assert_non_null(strstr(nl + 1, "ev=after n=1\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_buffered_threads, capture,
                                        release),
        cmocka_unit_test_setup_teardown(test_warning_writes_buffer_first,
                                        capture, release),
        cmocka_unit_test_setup_teardown(test_unbuffered_at_once, capture,
                                        release),
        cmocka_unit_test_setup_teardown(test_long_line_cut_whole, capture,
                                        release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
