/* lmtp_spool.c - see lmtp_spool.h.  Timing uses CLOCK_MONOTONIC: the
 * help desk clock may be frozen in tests, and an idle sync must still
 * happen. */
#include "lmtp_spool.h"

#include "intake.h"
#include "journal.h"
#include "log.h"
#include "reply_addr.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WHY_MAX 200 /* error text quoted in a 451 reply */
#define SEQ_TEXT 24 /* a u64 in decimal, NUL */
/* Test hooks: "after-journal" makes the server exit right after a
 * record is synced, before its database commit (a crash there); a sync
 * env of "fail" reports every journal sync failed. */
#define TEST_EXIT_ENV "HD_LMTP_TEST_EXIT"
#define TEST_SYNC_ENV "HD_LMTP_TEST_SYNC"

struct mg_lmtp_spool {
    struct hd_instance *inst;
    struct hd_store *st;
    struct mg_journal *j;
    uint64_t seq;     /* last sequence number handed out */
    int pending;      /* records since the last sync point */
    int64_t last;     /* monotonic ms of the last record */
    int busy_ms;      /* mail.deliver_busy_ms: a message's lock wait */
    /* The database seen locked: when the wait began that ended busy
     * (0: not seen locked), and when the last busy wait ended. */
    int64_t locked_since, locked_seen;
    bool test_exit;   /* TEST_EXIT_ENV asked for a crash */
    /* One transaction's recipients: results and errors. */
    struct mg_intake_result r[MG_LMTP_RCPT_MAX];
    struct hd_error e[MG_LMTP_RCPT_MAX];
    int rc[MG_LMTP_RCPT_MAX];
};

/* Milliseconds: whole seconds would call a message 2 ms old "idle" as
 * soon as the second turns. */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fail_all(struct mg_lmtp_spool *sp, size_t n,
                     const struct hd_error *err)
{
    for (size_t i = 0; i < n; i++) {
        sp->rc[i] = -1;
        sp->e[i] = *err;
    }
}

/* How long the next message may wait for the write lock.  One thread
 * serves every connection, so clients queued behind a locked database
 * would each wait the whole limit after the one before: N clients, N
 * times the limit.  The thread cannot tell when a queued client's DATA
 * ended (its bytes sit unread while we wait), so the limit is counted
 * from when the database was first seen locked: messages that follow a
 * busy wait within the limit get what is left of that wait, at least
 * one try (1 ms), and their 451 at once if the lock is still held.  A
 * message after a quiet spell longer than the limit gets the whole
 * limit again. */
static int lock_budget(struct mg_lmtp_spool *sp)
{
    int64_t now = mono_ms();
    if (sp->locked_since == 0 || now - sp->locked_seen > sp->busy_ms) {
        sp->locked_since = 0;
        return sp->busy_ms;
    }
    int64_t left = sp->locked_since + sp->busy_ms - now;
    return left < 1 ? 1 : (int)left;
}

/* Whether a lock wait that began at 'start' found the database locked. */
static void lock_outcome(struct mg_lmtp_spool *sp, int64_t start, bool busy)
{
    if (!busy) {
        sp->locked_since = 0;
        return;
    }
    if (sp->locked_since == 0)
        sp->locked_since = start;
    sp->locked_seen = mono_ms();
}

/* BEGIN IMMEDIATE within the lock budget; -1 with err (HD_E_BUSY when
 * the lock was not had in time). */
static int begin_bounded(struct mg_lmtp_spool *sp, struct hd_error *err)
{
    int64_t start = mono_ms();
    hd_store_set_busy_timeout(sp->st, lock_budget(sp));
    int rc = hd_store_begin(sp->st, err);
    hd_store_set_busy_timeout(sp->st, sp->busy_ms);
    lock_outcome(sp, start, rc < 0 && err->code == HD_E_BUSY);
    return rc;
}

/* One transaction: each recipient through intake (a savepoint each), the
 * sequence number recorded, commit.  'begun': the caller opened the
 * transaction.  0 when it committed (sp->rc[i] says which recipients
 * were stored), -1 when nothing was (all rc -1). */
static int store_tx(struct mg_lmtp_spool *sp, bool begun, uint64_t seq,
                    const char *const *rcpts, size_t n, const char *raw,
                    size_t len)
{
    struct hd_error err = HD_ERROR_INIT;
    char text[SEQ_TEXT];
    size_t ok = 0;
    if (!begun && hd_store_begin(sp->st, &err) < 0) {
        fail_all(sp, n, &err);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct mg_intake_opts o = {.envelope_rcpt = rcpts[i],
                                   .actor = "mailgw"};
        sp->e[i] = (struct hd_error)HD_ERROR_INIT;
        sp->rc[i] = mg_intake_message(sp->inst, sp->st, raw, len, &o,
                                      &sp->r[i], &sp->e[i]);
        ok += sp->rc[i] == 0;
    }
    snprintf(text, sizeof text, "%" PRIu64, seq);
    if (ok == 0) {
        hd_store_rollback(sp->st);
        return -1;
    }
    if (hd_store_meta_set(sp->st, MG_LMTP_SPOOL_META, text, &err) < 0) {
        hd_store_rollback(sp->st);
        fail_all(sp, n, &err);
        return -1;
    }
    if (hd_store_commit(sp->st, &err) < 0) {
        fail_all(sp, n, &err);
        return -1;
    }
    return 0;
}

/* One commit at synchronous=FULL: the write-ahead log, and with it every
 * commit before, is on disk; then the journal may go.  Nothing to do
 * with an empty journal unless 'force'. */
static int sync_point(struct mg_lmtp_spool *sp, bool force,
                      struct hd_error *err)
{
    char text[2 * SEQ_TEXT];
    struct timespec ts;
    if (mg_journal_size(sp->j) == 0 && !force)
        return 0;
    /* A value that differs each time: a commit that writes nothing
     * syncs nothing. */
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(text, sizeof text, "%" PRIu64 " %lld.%09ld", sp->seq,
             (long long)ts.tv_sec, ts.tv_nsec);
    hd_store_set_durable(sp->st, true);
    int rc = hd_store_begin(sp->st, err);
    if (rc == 0 &&
        (rc = hd_store_meta_set(sp->st, "lmtp_journal_synced", text, err)) <
            0)
        hd_store_rollback(sp->st);
    if (rc == 0)
        rc = hd_store_commit(sp->st, err);
    hd_store_set_durable(sp->st, false);
    if (rc < 0 || mg_journal_truncate(sp->j, err) < 0)
        return -1;
    sp->pending = 0;
    return 0;
}

static void sync_or_warn(struct mg_lmtp_spool *sp)
{
    struct hd_error err = HD_ERROR_INIT;
    if (sync_point(sp, false, &err) < 0)
        hd_warn("lmtp", "sync_point", "code=%s error=\"%s\"",
                hd_errcode_name(err.code), err.msg);
}

static void reply_one(struct mg_lmtp *s, struct hd_buf *out,
                      const char *rcpt, const struct mg_intake_result *r,
                      const struct hd_error *e, int rc, bool truncated,
                      size_t len)
{
    char safe[MG_LMTP_ADDR_MAX + 1], shown[MG_LMTP_ADDR_MAX + 1];
    /* A reply address's MAC stays out of logs and the MTA's log. */
    hd_reply_addr_redact(rcpt, shown, sizeof shown);
    hd_log_printable(shown, safe, MG_LMTP_ADDR_MAX);
    if (rc < 0) {
        char why[WHY_MAX];
        hd_log_printable(e->msg, why, sizeof why - 1);
        hd_warn("lmtp", "deferred", "rcpt=\"%s\" code=%s error=\"%s\"", safe,
                hd_errcode_name(e->code), why);
        if (e->code == HD_E_NOSPACE)
            mg_lmtp_reply(s, out, "452 4.3.1 <%s> disk full, try again "
                                  "later", safe);
        else
            mg_lmtp_reply(s, out, "451 4.3.0 <%s> deferred (%s): %s", safe,
                          hd_errcode_name(e->code), why);
        return;
    }
    if (truncated)
        hd_warn("lmtp", "truncated", "ticket=%lld bytes=%zu",
                (long long)r->number, len);
    if (r->refused) {
        mg_lmtp_reply(s, out, "250 2.0.0 <%s> dropped", safe);
        return;
    }
    mg_lmtp_reply(s, out, "250 2.0.0 <%s> ticket %lld (%s)", safe,
                  (long long)r->number, r->duplicate ? "duplicate" : r->how);
}

/* A message too big for the journal: each recipient's own commit, synced
 * (its raw bytes are a blob file, fsynced by intake). */
static void deliver_direct(struct mg_lmtp_spool *sp, const char *const *rc,
                           size_t n, const char *raw, size_t len)
{
    bool busy = false;
    int64_t start = mono_ms();
    hd_store_set_durable(sp->st, true);
    hd_store_set_busy_timeout(sp->st, lock_budget(sp));
    for (size_t i = 0; i < n; i++) {
        struct mg_intake_opts o = {.envelope_rcpt = rc[i], .actor = "mailgw"};
        sp->e[i] = (struct hd_error)HD_ERROR_INIT;
        sp->rc[i] = mg_intake_message(sp->inst, sp->st, raw, len, &o,
                                      &sp->r[i], &sp->e[i]);
        busy = busy || (sp->rc[i] < 0 && sp->e[i].code == HD_E_BUSY);
    }
    hd_store_set_busy_timeout(sp->st, sp->busy_ms);
    hd_store_set_durable(sp->st, false);
    lock_outcome(sp, start, busy);
}

/* The write lock, journal, then store; a message not stored is taken
 * back out.  The lock comes first: a database that stays locked costs
 * a refused message no journal write. */
static void deliver_journaled(struct mg_lmtp_spool *sp, const char *sender,
                              const char *const *rc, size_t n,
                              const char *raw, size_t len)
{
    struct hd_error err = HD_ERROR_INIT;
    /* The bound holds: a journal that cannot be emptied takes nothing. */
    if (mg_journal_size(sp->j) >= MG_JOURNAL_SIZE_MAX &&
        sync_point(sp, false, &err) < 0) {
        fail_all(sp, n, &err);
        return;
    }
    if (begin_bounded(sp, &err) < 0) {
        fail_all(sp, n, &err);
        return;
    }
    if (mg_journal_append_start(sp->j, sp->seq + 1, sender, rc, (uint32_t)n,
                                raw, len, &err) < 0) {
        hd_store_rollback(sp->st);
        fail_all(sp, n, &err);
        return;
    }
    sp->seq++;
    sp->pending++;
    sp->last = mono_ms();
    if (sp->test_exit) {
        (void)!mg_journal_append_finish(sp->j, &err);
        _exit(1); /* the open transaction dies with the process */
    }
    /* The message is stored while the journal record syncs; the reply
     * waits for both.  Should the sync fail after the commit, the
     * database is made durable itself (a synced commit, as at a sync
     * point); only if that fails too is the message deferred, and the
     * MTA's retry then finds it stored (a duplicate). */
    int stored = store_tx(sp, true, sp->seq, rc, n, raw, len);
    if (mg_journal_append_finish(sp->j, &err) < 0) {
        struct hd_error err2 = HD_ERROR_INIT;
        hd_err("lmtp", "journal_sync", "seq=%" PRIu64 " error=\"%s\"",
               sp->seq, err.msg);
        if (stored == 0 && sync_point(sp, true, &err2) == 0)
            return;
        fail_all(sp, n, &err);
        return;
    }
    if (stored == 0)
        return;
    if (mg_journal_unappend(sp->j, &err) < 0)
        hd_err("lmtp", "journal_unappend", "seq=%" PRIu64 " error=\"%s\"",
                 sp->seq, err.msg);
}

void mg_lmtp_spool_deliver(struct mg_lmtp_spool *sp, struct mg_lmtp *s,
                           struct hd_buf *out)
{
    const char *rcpts[MG_LMTP_RCPT_MAX];
    size_t n = mg_lmtp_rcpt_count(s), len;
    bool truncated;
    const char *raw = mg_lmtp_message(s, &len, &truncated);
    hd_assert(n >= 1 && n <= MG_LMTP_RCPT_MAX);
    for (size_t i = 0; i < n; i++)
        rcpts[i] = mg_lmtp_rcpt(s, i);
    if (len > MG_JOURNAL_MSG_MAX)
        deliver_direct(sp, rcpts, n, raw, len);
    else
        deliver_journaled(sp, mg_lmtp_sender(s), rcpts, n, raw, len);
    for (size_t i = 0; i < n; i++)
        reply_one(s, out, rcpts[i], &sp->r[i], &sp->e[i], sp->rc[i],
                  truncated, len);
}

void mg_lmtp_spool_tick(struct mg_lmtp_spool *sp)
{
    if (sp->pending == 0)
        return;
    if (sp->pending >= MG_LMTP_SPOOL_SYNC_EVERY ||
        mono_ms() - sp->last >= MG_LMTP_SPOOL_IDLE_SECONDS * 1000)
        sync_or_warn(sp);
}

uint64_t mg_lmtp_spool_seq(const struct mg_lmtp_spool *sp)
{
    return sp->seq;
}

/* The sequence number the database has stored up to (0: none). */
static int stored_seq(struct hd_store *st, uint64_t *seq_r,
                      struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    char *v = NULL;
    int f = hd_store_meta_get(st, MG_LMTP_SPOOL_META, a, &v, err);
    *seq_r = f == 1 ? strtoull(v, NULL, 10) : 0;
    hd_arena_free(&a);
    return f < 0 ? -1 : 0;
}

/* One journal record the database lacks, through the same intake. */
static int replay_one(struct mg_lmtp_spool *sp,
                      const struct mg_journal_rec *rec, struct hd_error *err)
{
    const char *rcpts[MG_LMTP_RCPT_MAX];
    const char *p = rec->rcpts;
    for (uint32_t i = 0; i < rec->n_rcpt; i++, p += strlen(p) + 1)
        rcpts[i] = p;
    if (store_tx(sp, false, rec->seq, rcpts, rec->n_rcpt, rec->msg,
                 rec->msg_len) < 0) {
        *err = sp->e[0];
        return -1;
    }
    for (uint32_t i = 0; i < rec->n_rcpt; i++)
        if (sp->rc[i] == 0)
            hd_info("lmtp", "replayed", "seq=%" PRIu64 " ticket=%lld (%s)",
                    rec->seq, (long long)sp->r[i].number,
                    sp->r[i].duplicate ? "duplicate" : sp->r[i].how);
    return 0;
}

/* Every record after the stored sequence number, in order. */
static int replay(struct mg_lmtp_spool *sp, struct hd_error *err)
{
    struct mg_journal_rec rec;
    uint64_t stored;
    int rc, n = 0;
    if (stored_seq(sp->st, &stored, err) < 0 ||
        mg_journal_read_begin(sp->j, err) < 0)
        return -1;
    sp->seq = stored;
    while ((rc = mg_journal_next(sp->j, &rec, err)) == 1) {
        if (rec.seq > sp->seq)
            sp->seq = rec.seq;
        if (rec.seq <= stored)
            continue;
        if (replay_one(sp, &rec, err) < 0) {
            rc = -1;
            break;
        }
        n++;
    }
    mg_journal_read_end(sp->j);
    if (n > 0 || rc < 0)
        hd_info("lmtp", "journal_replay", "replayed=%d stored_seq=%" PRIu64
                " ok=%d", n, stored, rc == 0);
    return rc;
}

int mg_lmtp_spool_open(struct hd_instance *inst, struct hd_store *st,
                       struct mg_lmtp_spool **sp_r, struct hd_error *err)
{
    const char *dir = hd_instance_dir(inst);
    size_t n = strlen(dir) + sizeof MG_LMTP_SPOOL_PATH + 1;
    char *path = hd_xmalloc(n);
    snprintf(path, n, "%s/%s", dir, MG_LMTP_SPOOL_PATH);
    struct mg_lmtp_spool *sp = hd_xcalloc(1, sizeof *sp);
    sp->inst = inst;
    sp->st = st;
    long long busy =
        hd_config_get_int(hd_instance_config(inst), HD_CFG_MAIL_DELIVER_BUSY_MS);
    sp->busy_ms = busy < 1 ? 1 : busy > INT_MAX ? INT_MAX : (int)busy;
    const char *hook = getenv(TEST_EXIT_ENV);
    sp->test_exit = hook != NULL && strcmp(hook, "after-journal") == 0;
    hd_store_set_durable(st, false);
    int rc = mg_journal_open(path, &sp->j, err);
    free(path);
    hook = getenv(TEST_SYNC_ENV);
    if (rc == 0 && hook != NULL && strcmp(hook, "fail") == 0)
        mg_journal_test_fail_sync(sp->j);
    if (rc == 0 && (rc = replay(sp, err)) == 0)
        rc = sync_point(sp, false, err);
    if (rc < 0) {
        mg_journal_free(&sp->j);
        free(sp);
        return -1;
    }
    *sp_r = sp;
    return 0;
}

void mg_lmtp_spool_free(struct mg_lmtp_spool **spp)
{
    struct mg_lmtp_spool *sp = *spp;
    if (sp == NULL)
        return;
    sync_or_warn(sp);
    mg_journal_free(&sp->j);
    free(sp);
    *spp = NULL;
}
