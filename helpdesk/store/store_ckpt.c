/* store_ckpt.c - see hd_store_ckpt_start() in store.h.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT of whichever
 * connection pushes the write-ahead log past its bound: that commit then
 * copies ~1,000 pages into the database and syncs it twice, ~12 ms in
 * which the LMTP server answers nobody (one message in ~25 here).  This
 * moves the copy to a thread with a connection of its own: the writer's
 * WAL hook only signals it.  A PASSIVE checkpoint never blocks the
 * writer, and the writer never waits for it.  Should the checkpoints fall
 * behind (the WAL at 'hard' pages), the writer waits for the thread's
 * run to end and copies the rest itself, so the log stays bounded. */
#include "store_sqlite.h"

#include "log.h"
#include "thread.h"

#include <pthread.h>
#include <stdlib.h>

#define SQLITE_OWN_PAGES 1000 /* SQLite's automatic checkpoint bound */

/* The writer finishes a checkpoint itself when at most this many frames
 * (or an eighth of the bound) are left to copy (~3 messages): the log starts again from its
 * beginning at the writer's next transaction, which it does only when
 * every frame was copied before that transaction began.  Its commit then
 * pays the copy of those frames and two syncs, once in ~25 messages. */
#define FINAL_FRAMES 128
#define BUSY_MS 1000 /* the thread's connection, opening */

struct hd_store_ckpt {
    struct hd_store *st;
    sqlite3 *db; /* the thread's connection */
    int pages, hard, final;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool want, running, quit;
    /* The log's generation: the writer's hook counts a restart of the
     * log (fewer frames than at its last commit).  'copied' is how many
     * frames of this generation are known to be in the database. */
    long gen;
    int last_pages, copied;
    long runs;          /* checkpoints done by the thread */
    long thread_frames; /* frames they copied */
    long writer_frames; /* frames the writer copied itself */
};

static void *ckpt_main(void *arg)
{
    struct hd_store_ckpt *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->want && !c->quit)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->quit)
            break;
        c->want = false;
        c->running = true;
        long gen = c->gen;
        pthread_mutex_unlock(&c->mu);
        int log = 0, done = 0;
        int rc = sqlite3_wal_checkpoint_v2(c->db, NULL,
                                           SQLITE_CHECKPOINT_PASSIVE, &log,
                                           &done);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            hd_warn("store", "checkpoint", "error=\"%s\"",
                    sqlite3_errmsg(c->db));
        pthread_mutex_lock(&c->mu);
        c->running = false;
        c->runs++;
        /* A log restarted meanwhile is a new generation: what this run
         * copied says nothing about it. */
        if (rc == SQLITE_OK && gen == c->gen && done > c->copied) {
            c->thread_frames += done - c->copied;
            c->copied = done;
        }
        pthread_cond_broadcast(&c->cv); /* a writer at the bound waits */
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* The writer's WAL hook, after each of its commits: 'pages' frames are in
 * the log. */
static int on_wal(void *arg, sqlite3 *db, const char *name, int pages)
{
    struct hd_store_ckpt *c = arg;
    pthread_mutex_lock(&c->mu);
    if (pages < c->last_pages) { /* the log started again */
        c->gen++;
        c->copied = 0;
    }
    c->last_pages = pages;
    if (pages < c->pages) {
        pthread_mutex_unlock(&c->mu);
        return SQLITE_OK;
    }
    bool hard = pages >= c->hard;
    /* At the bound the log must not grow on: the thread's run ends first
     * (the copy left is then short). */
    while (hard && (c->want || c->running))
        pthread_cond_wait(&c->cv, &c->mu);
    bool idle = !c->want && !c->running;
    int left = pages - c->copied;
    bool self = hard || (idle && left <= c->final);
    if (idle && !self) {
        c->want = true;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    if (!self)
        return SQLITE_OK;
    int log = 0, done = 0;
    if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log,
                                  &done) == SQLITE_OK) {
        pthread_mutex_lock(&c->mu);
        if (done > c->copied) {
            c->writer_frames += done - c->copied;
            c->copied = done;
        }
        pthread_mutex_unlock(&c->mu);
    }
    return SQLITE_OK;
}

/* Gives up on the thread: SQLite's own checkpoints stay. */
static struct hd_store_ckpt *fail(struct hd_store_ckpt *c, const char *what)
{
    hd_warn("store", "checkpoint_thread", "error=\"%s: %s\" fallback=inline",
            what, c->db ? sqlite3_errmsg(c->db) : "out of memory");
    sqlite3_close(c->db);
    free(c);
    return NULL;
}

struct hd_store_ckpt *hd_store_ckpt_start(struct hd_store *st, int pages)
{
    if (store_backend(st) != STORE_SQLITE)
        return NULL; /* the server checkpoints its own log */
    sqlite3 *w = store_db(st);
    const char *path = sqlite3_db_filename(w, "main");
    hd_assert(pages > 0);
    if (path == NULL || path[0] == '\0')
        return NULL; /* in memory: nothing to checkpoint */
    struct hd_store_ckpt *c = hd_xcalloc(1, sizeof *c);
    c->st = st;
    c->pages = pages;
    c->hard = 4 * pages;
    c->final = pages / 8 < FINAL_FRAMES ? pages / 8 : FINAL_FRAMES;
    if (sqlite3_open_v2(path, &c->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return fail(c, "open");
    sqlite3_busy_timeout(c->db, BUSY_MS);
    /* A first read: until then the connection does not know the
     * database is in WAL mode, and its checkpoints do nothing. */
    if (sqlite3_exec(c->db, "PRAGMA schema_version", NULL, NULL, NULL) !=
        SQLITE_OK)
        return fail(c, "first read");
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (!hd_thread_start(&c->th, ckpt_main, c)) {
        pthread_cond_destroy(&c->cv);
        pthread_mutex_destroy(&c->mu);
        return fail(c, "thread");
    }
    sqlite3_wal_hook(w, on_wal, c);
    return c;
}

void hd_store_ckpt_stop(struct hd_store_ckpt **cp)
{
    struct hd_store_ckpt *c = *cp;
    if (c == NULL)
        return;
    /* Back to SQLite's own checkpoints before the hook's context goes. */
    sqlite3_wal_autocheckpoint(store_db(c->st), SQLITE_OWN_PAGES);
    pthread_mutex_lock(&c->mu);
    c->quit = true;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->th, NULL);
    hd_log(HD_LOG_DEBUG, "store", "checkpoints",
           "runs=%ld thread_frames=%ld writer_frames=%ld", c->runs,
           c->thread_frames, c->writer_frames);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    sqlite3_close(c->db);
    free(c);
    *cp = NULL;
}

void hd_store_ckpt_stats(struct hd_store_ckpt *c, long *thread_frames_r,
                         long *writer_frames_r)
{
    pthread_mutex_lock(&c->mu);
    *thread_frames_r = c->thread_frames;
    *writer_frames_r = c->writer_frames;
    pthread_mutex_unlock(&c->mu);
}
