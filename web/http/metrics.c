/* metrics.c - HTTP counters kept in memory for /metrics: requests by
 * status class and a latency histogram.  Lock-free (relaxed atomics):
 * each counter is exact, a scrape is a near-instant snapshot. */
#include "api.h"

#include <stdatomic.h>
#include <stdio.h>

static const double bounds_ms[] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500,
                                   1000, 2500, 5000};
#define NB HD_ARRAY_LEN(bounds_ms)

static atomic_uint_fast64_t by_class[6]; /* 0: other, 1..5: 1xx..5xx */
static atomic_uint_fast64_t buckets[NB + 1]; /* last: +Inf */
static atomic_uint_fast64_t sum_us;

void web_metrics_observe(int status, double ms)
{
    int cls = status >= 100 && status < 600 ? status / 100 : 0;
    atomic_fetch_add_explicit(&by_class[cls], 1, memory_order_relaxed);
    size_t i = 0;
    while (i < NB && ms > bounds_ms[i])
        i++;
    atomic_fetch_add_explicit(&buckets[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&sum_us, (uint_fast64_t)(ms * 1000.0),
                              memory_order_relaxed);
}

static void line(struct hd_buf *b, const char *fmt, ...) HD_PRINTF(2, 3);
static void line(struct hd_buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    struct hd_error err = HD_ERROR_INIT;
    if (n > 0 && hd_buf_append(b, tmp, (size_t)n < sizeof tmp
                                            ? (size_t)n : sizeof tmp - 1,
                               &err) < 0)
        return; /* the caller sized the buffer; a cut scrape is visible */
}

void web_metrics_http(struct hd_buf *b)
{
    static const char *const names[] = {"other", "1xx", "2xx", "3xx", "4xx",
                                        "5xx"};
    line(b, "# HELP helpdesk_http_requests_total HTTP requests answered.\n"
            "# TYPE helpdesk_http_requests_total counter\n");
    for (size_t i = 0; i < 6; i++)
        line(b, "helpdesk_http_requests_total{class=\"%s\"} %llu\n",
             names[i], (unsigned long long)atomic_load(&by_class[i]));
    line(b, "# HELP helpdesk_http_request_duration_seconds Time to answer.\n"
            "# TYPE helpdesk_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t i = 0; i <= NB; i++) {
        cum += atomic_load(&buckets[i]);
        if (i < NB)
            line(b, "helpdesk_http_request_duration_seconds_bucket"
                    "{le=\"%g\"} %llu\n", bounds_ms[i] / 1000.0,
                 (unsigned long long)cum);
        else
            line(b, "helpdesk_http_request_duration_seconds_bucket"
                    "{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    }
    line(b, "helpdesk_http_request_duration_seconds_sum %.6f\n"
            "helpdesk_http_request_duration_seconds_count %llu\n",
         (double)atomic_load(&sum_us) / 1e6, (unsigned long long)cum);
}
