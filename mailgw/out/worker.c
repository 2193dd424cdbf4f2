/* worker.c - see worker.h. */
#include "worker.h"
#include "webhook_out.h"

#include "desk.h"
#include "backup.h"
#include "clock.h"
#include "log.h"
#include "notify.h"
#include "retention.h"
#include "scanjob.h"
#include "smtp_out.h"
#include "store_sla.h"
#include "uptime.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET_FILE_MAX 1024

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

void mg_worker_catch_signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

bool mg_worker_stopping(void)
{
    return stopping != 0;
}

/* Reads a one-line secret file (trailing newline dropped) into a. */
static const char *read_secret(const char *path, struct hd_arena *a)
{
    if (path == NULL || *path == '\0')
        return NULL;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    char *buf = hd_arena_zalloc(a, SECRET_FILE_MAX);
    if (fgets(buf, SECRET_FILE_MAX, f) == NULL)
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

static void smtp_config(const struct hd_config *cfg, struct hd_arena *a,
                        struct mg_smtp_cfg *s)
{
    const char *tls = hd_config_get(cfg, HD_CFG_SMTP_TLS);
    memset(s, 0, sizeof *s);
    s->host = hd_config_get(cfg, HD_CFG_SMTP_HOST);
    s->port = (unsigned)hd_config_get_int(cfg, HD_CFG_SMTP_PORT);
    s->tls = strcmp(tls, "tls") == 0    ? MG_SMTP_TLS
             : strcmp(tls, "none") == 0 ? MG_SMTP_PLAIN
                                        : MG_SMTP_STARTTLS;
    s->ca_file = *hd_config_get(cfg, HD_CFG_SMTP_CA_FILE)
                     ? hd_config_get(cfg, HD_CFG_SMTP_CA_FILE)
                     : NULL;
    s->no_verify = !hd_config_get_bool(cfg, HD_CFG_SMTP_VERIFY);
    s->user = *hd_config_get(cfg, HD_CFG_SMTP_USER)
                  ? hd_config_get(cfg, HD_CFG_SMTP_USER)
                  : NULL;
    s->password = read_secret(hd_config_get(cfg, HD_CFG_SMTP_PASSWORD_FILE), a);
}

static int64_t backoff(int attempts)
{
    int64_t d = 60;
    for (int i = 0; i < attempts && d < MG_OUTBOX_BACKOFF_MAX; i++)
        d *= 2;
    return d < MG_OUTBOX_BACKOFF_MAX ? d : MG_OUTBOX_BACKOFF_MAX;
}

/* Records the outcome of one delivery attempt in its own transaction. */
static int outbox_record(struct hd_instance *inst, struct hd_store *st,
                         const struct hd_outbox_item *it, bool ok,
                         const struct hd_error *send_err, bool *failed_r,
                         struct hd_error *err)
{
    int64_t now = hd_clock_now();
    int64_t give_up = hd_config_get_int(hd_instance_config(inst),
                                        HD_CFG_SMTP_GIVE_UP_HOURS) * 3600;
    bool permanent = !ok && !hd_error_is_temporary(send_err);
    bool expired = !ok && now - it->created_at >= give_up;
    *failed_r = permanent || expired;
    if (hd_store_begin(st, err) < 0)
        return -1;
    const char *state = ok ? "sent" : *failed_r ? "failed" : "queued";
    if (hd_store_outbox_mark(st, it->id, state, now + backoff(it->attempts),
                             ok ? NULL : send_err->msg, err) < 0)
        goto fail;
    /* A resend after an interrupted attempt: the relay may have had the
     * mail already.  Said in the ticket's history, where an agent looks
     * when a customer asks why they got it twice; outbox.resends counts. */
    if (ok && it->attempt_at != 0 && it->ticket_id > 0) {
        char detail[400];
        snprintf(detail, sizeof detail, "%s mail to %.100s sent again after "
                 "an interrupted attempt: it may have been sent twice",
                 it->kind, it->rcpts);
        if (hd_store_event_add(st, it->ticket_id, "worker", "outbox", NULL,
                               NULL, NULL, detail, err) < 0)
            goto fail;
    }
    if (*failed_r && it->ticket_id > 0) {
        char detail[400];
        snprintf(detail, sizeof detail, "%s mail to %.100s not delivered: %s",
                 it->kind, it->rcpts,
                 permanent ? send_err->msg : "gave up retrying");
        if (hd_store_event_add(st, it->ticket_id, "worker", "outbox", NULL,
                               NULL, NULL, detail, err) < 0)
            goto fail;
    }
    return hd_store_commit(st, err);
fail:
    hd_store_rollback(st);
    return -1;
}

/* Delivery of one outbox row, exactly once as far as SMTP allows:
 *
 *   1. claim: attempt_at = now and next_attempt_at = now + MG_OUTBOX_LEASE,
 *      committed before the SMTP transaction starts, so neither the next
 *      tick nor a second worker takes the row while it is in flight;
 *   2. send: one SMTP transaction;
 *   3. record: the outcome, held in memory, written until the write lands
 *      (record_landed() retries while the database is busy or full).
 *      The mail is never sent again because a record failed.
 *
 * A row still claimed when its lease ends was interrupted between 1 and 3
 * (the worker was killed, or the record never landed): the server may or
 * may not have the mail.  It is sent again, the same raw bytes with the
 * same Message-ID (built once at queue time by hd_outbound_queue()), so
 * the receiver can recognise a duplicate; the row's resends column counts
 * it and the log says "resend".  Such a resend duplicates a mail only if
 * the server had stored it: the at-least-once window of docs/mail.md. */

/* Copies the Message-ID header of a raw message into out ("" if none),
 * printable, for the log. */
static const char *raw_message_id(const char *raw, size_t len, char *out,
                                  size_t n)
{
    const char *p = raw, *end = raw + len;
    out[0] = '\0';
    while (p < end && *p != '\r' && *p != '\n') { /* up to the blank line */
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);
        if (ll > 11 && strncasecmp(p, "Message-ID:", 11) == 0) {
            char v[256];
            snprintf(v, sizeof v, "%.*s", (int)(ll - 11), p + 11);
            v[strcspn(v, "\r")] = '\0';
            return hd_log_printable(v + strspn(v, " \t"), out, n - 1);
        }
        if (eol == NULL)
            break;
        p = eol + 1;
    }
    return out;
}

/* Step 1: 1 claimed / 0 taken by another worker / -1 error (nothing sent). */
static int outbox_claim(struct hd_store *st, const struct hd_outbox_item *it,
                        struct hd_error *err)
{
    int64_t now = hd_clock_now();
    if (hd_store_begin(st, err) < 0)
        return -1;
    int c = hd_store_outbox_claim(st, it->id, now, now + MG_OUTBOX_LEASE, err);
    if (c <= 0) {
        hd_store_rollback(st);
        return c;
    }
    return hd_store_commit(st, err) < 0 ? -1 : 1;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Step 3: records the outcome until it lands.  A temporary failure (the
 * database locked past its busy timeout by another process, or full) is
 * retried with a growing pause for MG_OUTBOX_RECORD_SECONDS; then, or on
 * another error, -1 and the row stays claimed (resent after the lease). */
static int record_landed(struct hd_instance *inst, struct hd_store *st,
                         const struct hd_outbox_item *it, bool ok,
                         const struct hd_error *send_err, bool *failed_r,
                         struct hd_error *err)
{
    struct timespec t0;
    long pause_ms = MG_OUTBOX_RECORD_PAUSE_MS;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int try = 1;; try++) {
        if (outbox_record(inst, st, it, ok, send_err, failed_r, err) == 0) {
            if (try > 1)
                hd_info("outbox", "recorded", "id=%lld tries=%d",
                        (long long)it->id, try);
            return 0;
        }
        if (!hd_error_is_temporary(err) ||
            seconds_since(&t0) >= MG_OUTBOX_RECORD_SECONDS)
            return -1;
        hd_log(HD_LOG_WARN, "outbox", "record_retry",
               "id=%lld outcome=%s try=%d error=\"%s\"", (long long)it->id,
               ok ? "sent" : "not_sent", try, err->msg);
        struct timespec ts = {pause_ms / 1000, (pause_ms % 1000) * 1000000};
        nanosleep(&ts, NULL);
        if (pause_ms < 2000)
            pause_ms *= 2;
    }
}

/* The demo's catch-all: the mail as one file in dir/new (Maildir: written
 * under tmp, then renamed), so a newcomer sees what the help desk sends
 * without an SMTP server.  0, or -1 with HD_E_TEMP (retried). */
static int maildir_put(const char *dir, const struct hd_outbox_item *it,
                       struct hd_error *err)
{
    static const char *const subs[] = {"", "/tmp", "/new", "/cur"};
    char path[4096], tmp[4096], fin[4096];
    for (size_t i = 0; i < HD_ARRAY_LEN(subs); i++) {
        snprintf(path, sizeof path, "%s%s", dir, subs[i]);
        if (mkdir(path, 0750) < 0 && errno != EEXIST) {
            hd_error_set(err, HD_E_TEMP, "maildir %s: %s", path,
                         strerror(errno));
            return -1;
        }
    }
    snprintf(tmp, sizeof tmp, "%s/tmp/%lld.%lld_%d.helpdesk", dir,
             (long long)hd_clock_now(), (long long)it->id, it->resends);
    snprintf(fin, sizeof fin, "%s/new/%lld.%lld_%d.helpdesk", dir,
             (long long)hd_clock_now(), (long long)it->id, it->resends);
    FILE *f = fopen(tmp, "wb");
    bool ok = f != NULL && fwrite(it->raw, 1, it->raw_len, f) == it->raw_len;
    if (f != NULL && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, fin) < 0) {
        hd_error_set(err, HD_E_TEMP, "maildir %s: %s", fin, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Claims, sends and records one row.  1 done / 0 skipped (claimed by
 * another worker) / -1 error; *ok_r and *failed_r as outbox_record(). */
static int deliver_one(struct hd_instance *inst, struct hd_store *st,
                       const struct mg_smtp_cfg *scfg,
                       const struct hd_outbox_item *it, bool *ok_r,
                       bool *failed_r, struct hd_error *serr,
                       struct hd_error *err)
{
    const char *rcpts[] = {it->rcpts};
    char mid[200];
    int c = outbox_claim(st, it, err);
    if (c <= 0)
        return c;
    raw_message_id(it->raw, it->raw_len, mid, sizeof mid);
    if (it->attempt_at != 0)
        hd_log(HD_LOG_WARN, "outbox", "resend",
               "id=%lld message_id=\"%s\" interrupted_at=%lld resends=%d",
               (long long)it->id, mid, (long long)it->attempt_at,
               it->resends + 1);
    const char *md =
        hd_config_get(hd_instance_config(inst), HD_CFG_SMTP_MAILDIR);
    *ok_r = *md != '\0'
                ? maildir_put(md, it, serr) == 0
                : mg_smtp_send(scfg, it->mail_from, rcpts, 1, it->raw,
                               it->raw_len, serr) == 0;
    if (record_landed(inst, st, it, *ok_r, serr, failed_r, err) < 0)
        return -1;
    char to[120];
    hd_log(*ok_r ? HD_LOG_INFO : HD_LOG_WARN, "outbox",
           *ok_r ? "sent" : "deferred",
           "id=%lld kind=%s to=\"%s\" message_id=\"%s\" error=\"%s\"",
           (long long)it->id, it->kind, hd_log_printable(it->rcpts, to, 100),
           mid, *ok_r ? "" : serr->msg);
    return 1;
}

int mg_outbox_run(struct hd_instance *inst, struct hd_store *st,
                  size_t *sent_r, size_t *failed_r, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    struct hd_outbox_item *its;
    struct mg_smtp_cfg scfg;
    size_t n;
    int rc = -1;
    *sent_r = *failed_r = 0;
    smtp_config(hd_instance_config(inst), a, &scfg);
    if (hd_store_outbox_due(st, hd_clock_now(), MG_OUTBOX_BATCH, a, &its, &n,
                            err) < 0)
        goto out;
    /* The claim and the record must survive a power cut too, or a mail
     * the server has would look never attempted. */
    hd_store_set_durable(st, true);
    sigset_t term, old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigaddset(&term, SIGINT);
    for (size_t i = 0; i < n && !stopping; i++) {
        struct hd_error serr = HD_ERROR_INIT;
        bool ok = false, failed = false;
        /* A signal mid-transaction would interrupt the relay's reply to
         * DATA and leave the row claimed.  So SIGTERM waits until this one
         * is sent and recorded. */
        sigprocmask(SIG_BLOCK, &term, &old);
        int d = deliver_one(inst, st, &scfg, &its[i], &ok, &failed, &serr, err);
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (d < 0)
            goto out;
        if (d == 0)
            continue;
        if (ok)
            (*sent_r)++;
        else if (failed)
            (*failed_r)++;
        if (!ok && hd_error_is_temporary(&serr) && serr.code != HD_E_INVAL)
            break; /* the relay is down: the rest waits for the next tick */
    }
    rc = 0;
out:
    hd_store_set_durable(st, false);
    hd_arena_free(&a);
    return rc;
}

int mg_sla_escalate(struct hd_instance *inst, struct hd_store *st,
                    size_t *changed_r, struct hd_error *err)
{
    static const struct hd_desk_who worker = {.actor = "worker",
                                              .source = "worker"};
    struct hd_arena *a = hd_arena_new();
    struct hd_desk *d = hd_desk_new(inst, st, a, &worker);
    struct hd_ticket *ts;
    size_t n;
    int rc = -1;
    int64_t now = hd_clock_now();
    *changed_r = 0;
    if (hd_store_ticket_sla_due(st, now + MG_SLA_LOOKAHEAD, 1000, a, &ts, &n,
                                err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        bool changed;
        if (hd_desk_escalate(d, &ts[i], now, &changed, err) < 0)
            goto out;
        *changed_r += changed;
    }
    rc = 0;
out:
    hd_arena_free(&a);
    return rc;
}

int mg_worker_tick(struct hd_instance *inst, struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(inst);
    size_t sent, failed, escalated, notified;
    struct mg_scan_stats sc;
    struct hd_retention_stats rs;
    /* Notification mail first, so what is due goes out in this tick. */
    if (hd_uptime_beat(st, "worker", err) < 0 ||
        hd_notify_mail_run(inst, st, hd_clock_now(), &notified, err) < 0 ||
        mg_outbox_run(inst, st, &sent, &failed, err) < 0 ||
        mg_sla_escalate(inst, st, &escalated, err) < 0 ||
        mg_scan_run(inst, st, false, &sc, err) < 0 ||
        hd_webhook_run(inst, st, err) < 0 ||
        hd_backup_maybe_run(inst, hd_clock_now(), err) < 0 ||
        hd_retention_maybe_run(inst, hd_clock_now(), &rs, err) < 0)
        return -1;
    if (rs.audit || rs.security || rs.backup_log || rs.heartbeat)
        hd_info("worker", "retention",
                "audit=%lld security=%lld backup_log=%lld heartbeat=%lld",
                (long long)rs.audit, (long long)rs.security,
                (long long)rs.backup_log, (long long)rs.heartbeat);
    if (sent || failed || escalated || notified || sc.clean || sc.infected)
        hd_info("worker", "tick",
                "sent=%zu failed=%zu escalated=%zu notified=%zu "
                "scanned_clean=%zu infected=%zu",
                sent, failed, escalated, notified, sc.clean, sc.infected);
    return 0;
}
