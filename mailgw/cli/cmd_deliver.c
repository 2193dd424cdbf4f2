/* cmd_deliver.c - `helpdesk-mailgw deliver` (one message on stdin, as an
 * MTA pipe runs it) and `helpdesk-mailgw import PATH` (a Maildir or an
 * mbox, for migrations).
 *
 * deliver's exit status is the acknowledgement: 0 only after the commit
 * is on disk (synchronous=FULL, blobs fsynced); 75 (EX_TEMPFAIL) for
 * anything that may pass later, so the MTA keeps the message queued and
 * retries.  Nothing is ever bounced from here. */
#include "mailgw.h"

#include "blob.h"
#include "exitcode.h"
#include "intake.h"
#include "log.h"
#include "parse.h"
#include "uptime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK 65536
#define IMPORT_BATCH 500 /* messages per import transaction */
/* deliver keeps a message up to this size in memory; a bigger one is
 * spooled to a file and read through a read-only mapping whose pages
 * intake drops behind each pass (peak RSS: bench/RESULTS.md). */
#define SPOOL_AT HD_BLOB_INLINE_MAX

/* Monotonic milliseconds: lock waits are measured, not dated. */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *opt(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    }
    return NULL;
}

/* Reads all of f into b; bytes past the ceiling are read and dropped so
 * the sender is not left blocked (*truncated_r says so). */
static int slurp(FILE *f, struct hd_buf *b, bool *truncated_r,
                 struct hd_error *err)
{
    char chunk[READ_CHUNK];
    size_t n;
    *truncated_r = false;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (*truncated_r)
            continue;
        size_t room = b->max - b->len;
        if (n > room) {
            *truncated_r = true;
            n = room;
        }
        if (hd_buf_append(b, chunk, n, err) < 0)
            return -1;
    }
    if (ferror(f)) {
        hd_error_set(err, HD_E_TEMP, "reading the message: %s",
                     strerror(errno));
        return -1;
    }
    return 0;
}

/* deliver's input: in memory (mem) or a read-only mapping (map). */
struct raw_msg {
    struct hd_buf mem;
    char *map;
    size_t map_len;
};

static int spool_write(int fd, const char *p, size_t n, struct hd_error *err)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            hd_error_set(err, errno == ENOSPC ? HD_E_NOSPACE : HD_E_TEMP,
                         "spooling the message: %s", strerror(errno));
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* An unlinked temporary file in dir holding what mem has so far. */
static int spool_open(const char *dir, struct hd_buf *mem,
                      struct hd_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/spool.XXXXXX", dir);
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0) {
        hd_error_set(err, HD_E_TEMP, "cannot spool in %s: %s", dir,
                     strerror(errno));
        return -1;
    }
    unlink(path);
    if (spool_write(fd, mem->data, mem->len, err) < 0) {
        close(fd);
        return -1;
    }
    hd_buf_deinit(mem);
    return fd;
}

static int spool_map(int fd, size_t len, struct raw_msg *r,
                     struct hd_error *err)
{
    void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        hd_error_set(err, HD_E_TEMP, "mapping the message: %s",
                     strerror(errno));
        return -1;
    }
    (void)madvise(p, len, MADV_SEQUENTIAL); /* a hint only */
    r->map = p;
    r->map_len = len;
    return 0;
}

/* Reads f whole: up to SPOOL_AT bytes into r->mem, more into a spool
 * file in dir, mapped at the end.  Bytes past HD_MAIL_MAX are read and
 * dropped so the sender is not left blocked (*truncated_r says so). */
static int read_message(FILE *f, const char *dir, struct raw_msg *r,
                        bool *truncated_r, struct hd_error *err)
{
    char chunk[READ_CHUNK];
    size_t n, total = 0;
    int fd = -1;
    *truncated_r = false;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n > HD_MAIL_MAX - total) {
            *truncated_r = true;
            n = HD_MAIL_MAX - total;
        }
        if (fd < 0 && r->mem.len + n > SPOOL_AT &&
            (fd = spool_open(dir, &r->mem, err)) < 0)
            return -1;
        if ((fd >= 0 ? spool_write(fd, chunk, n, err)
                     : hd_buf_append(&r->mem, chunk, n, err)) < 0)
            goto fail;
        total += n;
    }
    if (ferror(f)) {
        hd_error_set(err, HD_E_TEMP, "reading the message: %s",
                     strerror(errno));
        goto fail;
    }
    return fd < 0 ? 0 : spool_map(fd, total, r, err);
fail:
    if (fd >= 0)
        close(fd);
    return -1;
}

int mg_cmd_deliver(int argc, char **argv, const struct mg_globals *mg)
{
    struct hd_globals gl = {mg->data_dir, mg->profile, "helpdesk-mailgw"};
    const struct hd_globals *g = &gl;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_instance *inst = NULL;
    struct raw_msg raw = {.map = NULL};
    bool truncated;
    int rc = HD_EXIT_TEMPFAIL;
    if (argc > 1 && (strcmp(argv[1], "--help") == 0)) {
        printf("usage: helpdesk-mailgw --data DIR deliver [--recipient "
               "ADDR] < message\nExit 0: stored durably; 75: try again "
               "later (the MTA retries).\n");
        return HD_EXIT_OK;
    }
    const char *rcpt = opt(argc, argv, "--recipient");
    if (rcpt == NULL)
        rcpt = getenv("ORIGINAL_RECIPIENT");
    hd_buf_init(&raw.mem, HD_MAIL_MAX);
    /* The delivery limit from the first statement on; what opening
     * waited for a lock is taken off what intake may still wait. */
    int64_t opening = mono_ms();
    if (hd_instance_open(g, HD_INSTANCE_DELIVER, &inst, &err) < 0)
        goto out;
    int64_t waited = mono_ms() - opening;
    char spool_dir[4096];
    snprintf(spool_dir, sizeof spool_dir, "%s/blobs", hd_instance_dir(inst));
    if (read_message(stdin, spool_dir, &raw, &truncated, &err) < 0)
        goto out;
    struct hd_store *st = hd_instance_store(inst);
    hd_store_set_durable(st, true);
    long long busy = hd_config_get_int(hd_instance_config(inst),
                                       HD_CFG_MAIL_DELIVER_BUSY_MS);
    long long left = busy - waited;
    hd_store_set_busy_timeout(st, left < 1 ? 1 : left > INT_MAX ? INT_MAX
                                                                : (int)left);
    struct mg_intake_opts o = {.envelope_rcpt = rcpt, .actor = "mailgw",
                               .raw_mapped = raw.map != NULL};
    struct mg_intake_result r;
    const char *msg = raw.map ? raw.map : hd_buf_cstr(&raw.mem);
    size_t msg_len = raw.map ? raw.map_len : raw.mem.len;
    if (mg_intake_message(inst, st, msg, msg_len, &o, &r, &err) < 0)
        goto out;
    /* Liveness for the availability report; a failure here must not
     * defer a message that is already committed. */
    struct hd_error beat_err = HD_ERROR_INIT;
    hd_store_set_durable(st, false); /* a lost beat costs nothing */
    if (hd_uptime_beat(st, "mailgw", &beat_err) < 0)
        hd_warn("deliver", "heartbeat", "error=\"%s\"", beat_err.msg);
    if (truncated)
        hd_warn("deliver", "truncated", "ticket=%lld bytes=%zu",
                (long long)r.number, msg_len);
    rc = HD_EXIT_OK;
out:
    if (rc != HD_EXIT_OK)
        fprintf(stderr, "helpdesk-mailgw: deliver deferred (%s): %s\n",
                hd_errcode_name(err.code), err.msg);
    hd_instance_close(&inst);
    hd_buf_deinit(&raw.mem);
    if (raw.map != NULL)
        munmap(raw.map, raw.map_len);
    return rc;
}

struct import_stats {
    size_t total, created, threaded, duplicate, failed;
    size_t committed; /* messages covered by a commit so far */
    bool tty;
};

static void progress(struct import_stats *s, bool final)
{
    if (!s->tty && !final)
        return;
    if (!final && s->total % 50 != 0)
        return;
    fprintf(stderr, "\r%zu messages: %zu new tickets, %zu replies, "
                    "%zu duplicates, %zu failed%s",
            s->total, s->created, s->threaded, s->duplicate, s->failed,
            final ? "\n" : "");
}

/* Commits the open batch; a failed commit loses the batch, so its
 * messages count as failed (the MTA or the operator runs import again:
 * duplicates are dropped). */
static void import_commit(struct hd_instance *inst, struct import_stats *s)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(inst);
    if (!hd_store_in_transaction(st))
        return;
    if (hd_store_commit(st, &err) < 0) {
        fprintf(stderr, "\nimport: commit failed: %s\n", err.msg);
        s->failed += s->total - s->committed;
    }
    s->committed = s->total;
}

static void import_one(struct hd_instance *inst, const char *raw, size_t len,
                       const char *origin, struct import_stats *s)
{
    struct hd_error err = HD_ERROR_INIT;
    struct mg_intake_result r;
    struct mg_intake_opts o = {.actor = "import"};
    struct hd_store *st = hd_instance_store(inst);
    s->total++;
    /* Batches: pages dirtied by many messages (indexes, the search index)
     * are written once per batch instead of once per message. */
    if (!hd_store_in_transaction(st) && hd_store_begin(st, &err) < 0) {
        s->failed++;
        fprintf(stderr, "\n%s: %s\n", origin, err.msg);
        return;
    }
    if (mg_intake_message(inst, st, raw, len, &o, &r, &err) < 0) {
        s->failed++;
        fprintf(stderr, "\n%s: %s\n", origin, err.msg);
    } else if (r.duplicate) {
        s->duplicate++;
    } else if (r.created) {
        s->created++;
    } else {
        s->threaded++;
    }
    if (s->total % IMPORT_BATCH == 0)
        import_commit(inst, s);
    progress(s, false);
}

static int import_file(struct hd_instance *inst, const char *path,
                       struct import_stats *s)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_buf b;
    bool truncated;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        s->failed++;
        return 0;
    }
    hd_buf_init(&b, HD_MAIL_MAX);
    if (slurp(f, &b, &truncated, &err) == 0)
        import_one(inst, hd_buf_cstr(&b), b.len, path, s);
    fclose(f);
    hd_buf_deinit(&b);
    return 0;
}

static int import_maildir(struct hd_instance *inst, const char *dir,
                          struct import_stats *s)
{
    static const char *const subs[] = {"cur", "new"};
    for (size_t i = 0; i < HD_ARRAY_LEN(subs); i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
        struct dirent **names;
        int n = scandir(path, &names, NULL, alphasort);
        for (int k = 0; k < n; k++) {
            if (names[k]->d_name[0] != '.') {
                char file[8192];
                snprintf(file, sizeof file, "%s/%s", path, names[k]->d_name);
                import_file(inst, file, s);
            }
            free(names[k]);
        }
        if (n >= 0)
            free(names);
    }
    return 0;
}

/* mbox: messages start at lines "From " after a blank line (or at the
 * top); ">From " quoting (mboxrd) is undone. */
static int import_mbox(struct hd_instance *inst, const char *path,
                       struct import_stats *s)
{
    struct hd_error err = HD_ERROR_INIT;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    struct hd_buf msg;
    hd_buf_init(&msg, HD_MAIL_MAX);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool in = false, prev_blank = true;
    while ((n = getline(&line, &cap, f)) >= 0) {
        if (prev_blank && strncmp(line, "From ", 5) == 0) {
            if (in && msg.len > 0)
                import_one(inst, msg.data, msg.len, path, s);
            hd_buf_reset(&msg);
            in = true;
            prev_blank = false;
            continue;
        }
        prev_blank = (n == 1 && line[0] == '\n') ||
                     (n == 2 && line[0] == '\r' && line[1] == '\n');
        if (!in)
            continue;
        const char *p = line;
        size_t len = (size_t)n;
        if (p[0] == '>') {
            size_t k = 0;
            while (p[k] == '>')
                k++;
            if (strncmp(p + k, "From ", 5) == 0) {
                p++;
                len--;
            }
        }
        if (hd_buf_append(&msg, p, len, &err) < 0)
            s->failed++;
    }
    if (in && msg.len > 0)
        import_one(inst, msg.data, msg.len, path, s);
    free(line);
    hd_buf_deinit(&msg);
    fclose(f);
    return 0;
}

int mg_cmd_import(int argc, char **argv, const struct mg_globals *mg)
{
    struct hd_globals gl = {mg->data_dir, mg->profile, "helpdesk-mailgw"};
    const struct hd_globals *g = &gl;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_instance *inst = NULL;
    struct import_stats s = {.tty = isatty(2)};
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        printf("usage: helpdesk-mailgw --data DIR import MAILDIR|MBOX\n");
        return argc < 2 ? HD_EXIT_USAGE : HD_EXIT_OK;
    }
    struct stat sb;
    if (stat(argv[1], &sb) < 0) {
        fprintf(stderr, "helpdesk-mailgw: %s: %s\n", argv[1],
                strerror(errno));
        return HD_EXIT_NOINPUT;
    }
    if (hd_instance_open(g, 0, &inst, &err) < 0) {
        fprintf(stderr, "helpdesk-mailgw: %s\n", err.msg);
        return HD_EXIT_TEMPFAIL;
    }
    /* One sync at the end instead of one per message. */
    hd_blob_set_durable(false);
    hd_store_set_bulk(hd_instance_store(inst));
    if (S_ISDIR(sb.st_mode))
        import_maildir(inst, argv[1], &s);
    else
        import_mbox(inst, argv[1], &s);
    import_commit(inst, &s);
    hd_blob_sync_all();
    progress(&s, true);
    hd_instance_close(&inst);
    return s.failed ? HD_EXIT_TEMPFAIL : HD_EXIT_OK;
}
