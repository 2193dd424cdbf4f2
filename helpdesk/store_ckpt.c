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
#include "store_int.h"

#include "log.h"
#include "thread.h"

#include <pthread.h>
#include <stdlib.h>

#define SQLITE_OWN_PAGES 1000 /* SQLite's automatic checkpoint bound */

/* The writer finishes a checkpoint itself when at most this many frames
 * are left to copy (~3 messages): its commit then costs ~1 ms once in
 * ~25 messages, and the log starts again from its beginning at the next
 * transaction, which it does only when every frame was copied before
 * that transaction began. */
#define FINAL_FRAMES 128

struct hd_store_ckpt {
    struct hd_store *st;
    sqlite3 *db; /* the thread's connection */
    int pages, hard;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool want, running, quit;
    int copied; /* frames of the log copied by the thread's last run */
    long runs;  /* checkpoints done by the thread (logged at stop) */
    long frames; /* ... and the frames they copied */
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
        c->copied = rc == SQLITE_OK && done > 0 ? done : 0;
        c->frames += c->copied;
        c->runs++;
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
    if (pages < c->pages)
        return SQLITE_OK;
    pthread_mutex_lock(&c->mu);
    bool hard = pages >= c->hard;
    /* At the bound the log must not grow on: the thread's run ends first
     * (the copy left is then short). */
    while (hard && (c->want || c->running))
        pthread_cond_wait(&c->cv, &c->mu);
    bool idle = !c->want && !c->running;
    int left = pages - (c->copied <= pages ? c->copied : 0);
    bool self = hard || (idle && left <= FINAL_FRAMES);
    if (idle && !self) {
        c->want = true;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    if (self)
        (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
                                        NULL, NULL);
    return SQLITE_OK;
}

int hd_store_ckpt_start(struct hd_store *st, int pages,
                        struct hd_store_ckpt **c_r, struct hd_error *err)
{
    sqlite3 *w = store_db(st);
    const char *path = sqlite3_db_filename(w, "main");
    hd_assert(pages > 0);
    *c_r = NULL;
    if (path == NULL || path[0] == '\0')
        return 0; /* in memory: nothing to checkpoint */
    struct hd_store_ckpt *c = hd_xcalloc(1, sizeof *c);
    c->st = st;
    c->pages = pages;
    c->hard = 4 * pages;
    if (sqlite3_open_v2(path, &c->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        hd_error_set(err, HD_E_IO, "checkpoint connection: %s",
                     c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite3_close(c->db);
        free(c);
        return -1;
    }
    /* A first read: until then the connection does not know the
     * database is in WAL mode, and its checkpoints do nothing. */
    if (sqlite3_exec(c->db, "PRAGMA schema_version", NULL, NULL, NULL) !=
        SQLITE_OK) {
        hd_error_set(err, HD_E_IO, "checkpoint connection: %s",
                     sqlite3_errmsg(c->db));
        sqlite3_close(c->db);
        free(c);
        return -1;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (!hd_thread_start(&c->th, ckpt_main, c)) {
        hd_error_set(err, HD_E_IO, "checkpoint thread: cannot start");
        pthread_cond_destroy(&c->cv);
        pthread_mutex_destroy(&c->mu);
        sqlite3_close(c->db);
        free(c);
        return -1;
    }
    sqlite3_wal_hook(w, on_wal, c);
    *c_r = c;
    return 0;
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
    hd_log(HD_LOG_DEBUG, "store", "checkpoints", "runs=%ld frames=%ld",
           c->runs, c->frames);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    sqlite3_close(c->db);
    free(c);
    *cp = NULL;
}

long hd_store_ckpt_frames(struct hd_store_ckpt *c)
{
    pthread_mutex_lock(&c->mu);
    long n = c->frames;
    pthread_mutex_unlock(&c->mu);
    return n;
}
