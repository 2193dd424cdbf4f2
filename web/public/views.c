/* views.c - article view counts, batched.  Counting every view with its
 * own write transaction serialises all article requests on the database
 * write lock; instead views collect here (under a mutex) and whichever
 * request crosses WEB_VIEWS_FLUSH pending views, or finds the last flush
 * older than WEB_VIEWS_FLUSH_SECONDS, writes them in one transaction with
 * its own connection.  A crash loses at most that many views.  At 200
 * views per flush a busy article page wrote about a hundred transactions
 * a second, each one waited for by the request that crossed the limit;
 * 5,000 means a few a second at full load. */
#include "log.h"
#include "store_faq.h"
#include "web_int.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define WEB_VIEWS_SLOTS 256        /* distinct articles pending at once */
#define WEB_VIEWS_FLUSH 5000       /* pending views that force a flush */
#define WEB_VIEWS_FLUSH_SECONDS 10

struct pending {
    int64_t id, count;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct pending slots[WEB_VIEWS_SLOTS];
static size_t nslots;
static int64_t total;
static time_t last_flush;

static void write_out(struct hd_store *st, const struct pending *p, size_t n)
{
    struct hd_error err = HD_ERROR_INIT;
    if (n == 0)
        return;
    if (hd_store_begin(st, &err) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++)
        if (hd_store_faq_view_add(st, p[i].id, p[i].count, &err) < 0) {
            hd_store_rollback(st);
            goto fail;
        }
    if (hd_store_commit(st, &err) == 0)
        return;
fail:
    hd_warn("web", "views_lost", "articles=%zu error=\"%s\"", n, err.msg);
}

/* Takes the pending counts out under the lock (caller holds it). */
static size_t take(struct pending *out)
{
    size_t n = nslots;
    memcpy(out, slots, n * sizeof *out);
    nslots = 0;
    total = 0;
    last_flush = time(NULL);
    return n;
}

void web_views_add(struct hd_store *st, int64_t article_id)
{
    struct pending out[WEB_VIEWS_SLOTS];
    size_t n = 0;
    pthread_mutex_lock(&lock);
    size_t i = 0;
    while (i < nslots && slots[i].id != article_id)
        i++;
    if (i == nslots && nslots == WEB_VIEWS_SLOTS) {
        n = take(out); /* table full: flush, then count this one */
        i = 0;
    }
    if (i == nslots)
        slots[nslots++] = (struct pending){article_id, 0};
    slots[i].count++;
    total++;
    if (n == 0 && (total >= WEB_VIEWS_FLUSH ||
                   time(NULL) - last_flush >= WEB_VIEWS_FLUSH_SECONDS))
        n = take(out);
    pthread_mutex_unlock(&lock);
    write_out(st, out, n);
}

void web_views_flush(struct hd_store *st)
{
    struct pending out[WEB_VIEWS_SLOTS];
    pthread_mutex_lock(&lock);
    size_t n = take(out);
    pthread_mutex_unlock(&lock);
    write_out(st, out, n);
}
