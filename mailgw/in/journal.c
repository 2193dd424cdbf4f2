/* journal.c - see journal.h.  One writer (the LMTP server's one thread)
 * appends at 'end', the length of the valid records; the file is never
 * longer than that after open (a torn tail is cut when reading ends).
 * A record's fdatasync runs on a thread of the journal's own, so the
 * caller can store the message while the disk writes it. */
#include "journal.h"
#include "thread.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "HDJ1"
#define CRC_FROM 8 /* the checksum covers the record from this offset */

struct mg_journal {
    int fd;
    char *path;
    uint64_t end;      /* bytes of valid records */
    uint64_t last;     /* where the record appended last began */
    char *map;         /* reading: the file mapped */
    size_t map_len, at; /* ... its length and the read position */
    uint64_t prev_seq;  /* reading: seq of the record read last */
    uint64_t pending;   /* bytes of the record being synced, 0: none */
    /* The sync thread: 'want' hands it a sync, 'busy' is cleared with
     * the result in sync_rc/sync_errno; one mutex and condition both
     * ways. */
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool started, no_thread, want, busy, quit;
    bool fail_sync; /* mg_journal_test_fail_sync() */
    int sync_rc, sync_errno;
    char env[MG_JOURNAL_ENV_MAX];
};

/* IEEE CRC-32, continued from crc (start with 0): zlib's, which reads
 * several bytes a step (a byte-at-a-time table was 1.3% of the LMTP
 * server's time). */
static uint32_t crc32_update(uint32_t crc, const void *p, size_t n)
{
    return (uint32_t)crc32_z(crc, p, n);
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

void mg_journal_encode_header(unsigned char *hdr, uint64_t seq,
                              const char *env, size_t env_len,
                              uint32_t n_rcpt, const char *msg,
                              size_t msg_len)
{
    memcpy(hdr, MAGIC, 4);
    put_le(hdr + 8, seq, 8);
    put_le(hdr + 16, env_len, 4);
    put_le(hdr + 20, n_rcpt, 4);
    put_le(hdr + 24, msg_len, 8);
    uint32_t crc = crc32_update(0, hdr + CRC_FROM,
                                MG_JOURNAL_HEADER - CRC_FROM);
    crc = crc32_update(crc, env, env_len);
    crc = crc32_update(crc, msg, msg_len);
    put_le(hdr + 4, crc, 4);
}

/* The envelope holds exactly n_rcpt + 1 NUL-terminated strings. */
static bool envelope_ok(const char *env, size_t len, uint32_t n_rcpt)
{
    size_t nuls = 0;
    for (size_t i = 0; i < len; i++)
        nuls += env[i] == '\0';
    return len > 0 && env[len - 1] == '\0' && nuls == (size_t)n_rcpt + 1;
}

int mg_journal_decode(const char *buf, size_t len,
                      struct mg_journal_rec *rec, size_t *used_r)
{
    const unsigned char *h = (const unsigned char *)buf;
    if (len < MG_JOURNAL_HEADER || memcmp(h, MAGIC, 4) != 0)
        return 0;
    uint64_t seq = get_le(h + 8, 8), env_len = get_le(h + 16, 4);
    uint64_t n_rcpt = get_le(h + 20, 4), msg_len = get_le(h + 24, 8);
    if (seq == 0 || env_len > MG_JOURNAL_ENV_MAX || n_rcpt < 1 ||
        n_rcpt > MG_LMTP_RCPT_MAX || msg_len > MG_JOURNAL_MSG_MAX ||
        len - MG_JOURNAL_HEADER < env_len + msg_len)
        return 0;
    const char *env = buf + MG_JOURNAL_HEADER, *msg = env + env_len;
    uint32_t crc = crc32_update(0, h + CRC_FROM,
                                MG_JOURNAL_HEADER - CRC_FROM);
    crc = crc32_update(crc, env, env_len);
    crc = crc32_update(crc, msg, msg_len);
    if (crc != (uint32_t)get_le(h + 4, 4) ||
        !envelope_ok(env, env_len, (uint32_t)n_rcpt))
        return 0;
    *rec = (struct mg_journal_rec){
        .seq = seq, .sender = env, .rcpts = env + strlen(env) + 1,
        .n_rcpt = (uint32_t)n_rcpt, .msg = msg, .msg_len = msg_len,
    };
    *used_r = MG_JOURNAL_HEADER + env_len + msg_len;
    return 1;
}

/* fsync of the directory holding path: a new file's name is durable. */
static int sync_dir(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd < 0 ? -1 : fsync(fd);
    if (fd >= 0)
        close(fd);
    return rc;
}

static int make_parent(const char *path, struct hd_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    if (mkdir(dir, 0700) == 0)
        return sync_dir(dir) < 0 ? -1 : 0;
    if (errno == EEXIST)
        return 0;
    hd_error_set(err, HD_E_IO, "%s: %s", dir, strerror(errno));
    return -1;
}

int mg_journal_open(const char *path, struct mg_journal **j_r,
                    struct hd_error *err)
{
    if (make_parent(path, err) < 0)
        return -1;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    bool created = false;
    if (fd < 0 && errno == ENOENT) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        created = true;
    }
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
        hd_error_set(err, errno == EWOULDBLOCK ? HD_E_EXISTS : HD_E_IO,
                     "journal %s: %s", path,
                     errno == EWOULDBLOCK ? "in use by another LMTP server"
                                          : strerror(errno));
        close(fd);
        return -1;
    }
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) < 0 || (created && sync_dir(path) < 0)) {
        hd_error_set(err, HD_E_IO, "journal %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct mg_journal *j = hd_xcalloc(1, sizeof *j);
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    j->fd = fd;
    j->path = hd_xstrdup(path);
    j->end = (uint64_t)sb.st_size; /* until read_begin finds the valid end */
    *j_r = j;
    return 0;
}

void mg_journal_free(struct mg_journal **jp)
{
    struct mg_journal *j = *jp;
    if (j == NULL)
        return;
    mg_journal_read_end(j);
    if (j->pending > 0) {
        struct hd_error err = HD_ERROR_INIT;
        (void)!mg_journal_append_finish(j, &err);
    }
    if (j->started) {
        pthread_mutex_lock(&j->mu);
        j->quit = true;
        pthread_cond_broadcast(&j->cv);
        pthread_mutex_unlock(&j->mu);
        pthread_join(j->th, NULL);
    }
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    close(j->fd);
    free(j->path);
    free(j);
    *jp = NULL;
}

static int io_fail(struct hd_error *err, const char *what, const char *path)
{
    hd_error_set(err, errno == ENOSPC || errno == EDQUOT ? HD_E_NOSPACE
                                                        : HD_E_TEMP,
                 "journal %s: %s: %s", path, what, strerror(errno));
    return -1;
}

/* The envelope into j->env; its length. */
static size_t pack_envelope(struct mg_journal *j, const char *sender,
                            const char *const *rcpts, uint32_t n)
{
    size_t len = 0;
    for (uint32_t i = 0; i <= n; i++) {
        const char *s = i == 0 ? sender : rcpts[i - 1];
        size_t l = strlen(s) + 1;
        hd_assert(l <= MG_LMTP_ADDR_MAX + 1);
        memcpy(j->env + len, s, l);
        len += l;
    }
    return len;
}

static void *sync_main(void *arg)
{
    struct mg_journal *j = arg;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        while (!j->want && !j->quit)
            pthread_cond_wait(&j->cv, &j->mu);
        if (!j->want)
            break;
        j->want = false;
        pthread_mutex_unlock(&j->mu);
        int rc = fdatasync(j->fd), e = errno;
        pthread_mutex_lock(&j->mu);
        j->sync_rc = rc;
        j->sync_errno = e;
        j->busy = false;
        pthread_cond_broadcast(&j->cv);
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

/* The thread, once.  false if it cannot be made: the caller syncs
 * itself. */
static bool sync_thread(struct mg_journal *j)
{
    if (!j->started && !j->no_thread) {
        j->started = hd_thread_start(&j->th, sync_main, j);
        j->no_thread = !j->started; /* not tried again */
    }
    return j->started;
}

int mg_journal_append_start(struct mg_journal *j, uint64_t seq,
                            const char *sender, const char *const *rcpts,
                            uint32_t n_rcpt, const char *msg, size_t msg_len,
                            struct hd_error *err)
{
    hd_assert(n_rcpt >= 1 && n_rcpt <= MG_LMTP_RCPT_MAX &&
              msg_len <= MG_JOURNAL_MSG_MAX && j->map == NULL &&
              j->pending == 0);
    size_t env_len = pack_envelope(j, sender, rcpts, n_rcpt);
    unsigned char hdr[MG_JOURNAL_HEADER];
    mg_journal_encode_header(hdr, seq, j->env, env_len, n_rcpt, msg,
                             msg_len);
    struct iovec iov[3] = {{hdr, sizeof hdr},
                           {j->env, env_len},
                           {(void *)msg, msg_len}};
    size_t total = sizeof hdr + env_len + msg_len, done = 0;
    while (done < total) {
        ssize_t w = pwritev(j->fd, iov, 3, (off_t)(j->end + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO; /* no progress: not a stale errno */
            io_fail(err, "append", j->path);
            /* Nothing half-written may stay where the next record goes. */
            (void)!ftruncate(j->fd, (off_t)j->end);
            return -1;
        }
        done += (size_t)w;
        for (int i = 0; i < 3; i++) { /* skip what went */
            size_t k = (size_t)w < iov[i].iov_len ? (size_t)w : iov[i].iov_len;
            iov[i].iov_base = (char *)iov[i].iov_base + k;
            iov[i].iov_len -= k;
            w -= (ssize_t)k;
        }
    }
    j->pending = total;
    if (sync_thread(j)) {
        pthread_mutex_lock(&j->mu);
        j->want = j->busy = true;
        pthread_cond_broadcast(&j->cv);
        pthread_mutex_unlock(&j->mu);
    } else {
        j->sync_rc = fdatasync(j->fd);
        j->sync_errno = errno;
    }
    return 0;
}

int mg_journal_append_finish(struct mg_journal *j, struct hd_error *err)
{
    hd_assert(j->pending > 0);
    pthread_mutex_lock(&j->mu);
    while (j->busy)
        pthread_cond_wait(&j->cv, &j->mu);
    int rc = j->sync_rc;
    errno = j->sync_errno;
    pthread_mutex_unlock(&j->mu);
    if (j->fail_sync) {
        rc = -1;
        errno = EIO;
    }
    uint64_t total = j->pending;
    j->pending = 0;
    if (rc < 0) {
        io_fail(err, "append", j->path);
        (void)!ftruncate(j->fd, (off_t)j->end);
        return -1;
    }
    j->last = j->end;
    j->end += total;
    return 0;
}

int mg_journal_append(struct mg_journal *j, uint64_t seq, const char *sender,
                      const char *const *rcpts, uint32_t n_rcpt,
                      const char *msg, size_t msg_len, struct hd_error *err)
{
    if (mg_journal_append_start(j, seq, sender, rcpts, n_rcpt, msg, msg_len,
                                err) < 0)
        return -1;
    return mg_journal_append_finish(j, err);
}

static int cut_to(struct mg_journal *j, uint64_t len, struct hd_error *err)
{
    hd_assert(j->pending == 0); /* no sync in flight */
    if (ftruncate(j->fd, (off_t)len) < 0 || fsync(j->fd) < 0)
        return io_fail(err, "truncate", j->path);
    j->end = j->last = len;
    return 0;
}

int mg_journal_unappend(struct mg_journal *j, struct hd_error *err)
{
    return cut_to(j, j->last, err);
}

int mg_journal_truncate(struct mg_journal *j, struct hd_error *err)
{
    return cut_to(j, 0, err);
}

uint64_t mg_journal_size(const struct mg_journal *j)
{
    return j->end;
}

int mg_journal_read_begin(struct mg_journal *j, struct hd_error *err)
{
    hd_assert(j->pending == 0);
    struct stat sb;
    if (fstat(j->fd, &sb) < 0)
        return io_fail(err, "stat", j->path);
    j->at = 0;
    j->prev_seq = 0;
    j->map_len = (size_t)sb.st_size;
    if (j->map_len == 0)
        return 0;
    void *p = mmap(NULL, j->map_len, PROT_READ, MAP_PRIVATE, j->fd, 0);
    if (p == MAP_FAILED) {
        j->map_len = 0;
        return io_fail(err, "map", j->path);
    }
    j->map = p;
    return 0;
}

int mg_journal_next(struct mg_journal *j, struct mg_journal_rec *rec,
                    struct hd_error *err)
{
    size_t used;
    if (j->at < j->map_len &&
        mg_journal_decode(j->map + j->at, j->map_len - j->at, rec, &used) &&
        rec->seq > j->prev_seq) {
        j->at += used;
        j->prev_seq = rec->seq;
        return 1;
    }
    /* The end of the valid records: a torn tail was never acknowledged
     * and must not sit where the next record goes. */
    j->end = j->last = j->at;
    if (j->at < j->map_len && cut_to(j, j->at, err) < 0)
        return -1;
    return 0;
}

void mg_journal_read_end(struct mg_journal *j)
{
    if (j->map != NULL)
        munmap(j->map, j->map_len);
    j->map = NULL;
    j->map_len = j->at = 0;
}

void mg_journal_test_fail_sync(struct mg_journal *j)
{
    j->fail_sync = true;
}
