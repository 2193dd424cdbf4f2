/* worker.h - the background jobs of `helpdesk worker` (cmd_worker.h).  Each tick
 * delivers due outbox mail, escalates SLA clocks, scans new attachments
 * with clamd (scanjob.h), records a heartbeat and runs the daily backup
 * when one is due.  Every job is idempotent: two workers, or a worker
 * restarted mid-tick, never escalate twice (SLA states change in the same
 * transaction as the work they record), and send an outbox mail twice only
 * if the SMTP server stored it and the worker died or lost the server's
 * answer before recording it (the claim and record steps of worker.c;
 * docs/mail.md). */
#ifndef MG_WORKER_H
#define MG_WORKER_H

#include "instance.h"

#define MG_WORKER_INTERVAL 15      /* seconds between ticks */
#define MG_OUTBOX_BATCH 50         /* mails per tick */
#define MG_OUTBOX_BACKOFF_MAX 3600 /* seconds between retries, at most */
/* Seconds a claimed row is left alone before it counts as interrupted and
 * is sent again: longer than one attempt can take (an SMTP transaction of
 * about a dozen exchanges, each up to MG_SMTP_TIMEOUT_DEFAULT, plus the
 * record's MG_OUTBOX_RECORD_SECONDS). */
#define MG_OUTBOX_LEASE 900
#define MG_OUTBOX_RECORD_SECONDS 300  /* retrying the record, at most */
#define MG_OUTBOX_RECORD_PAUSE_MS 100 /* first pause between; doubles to 2 s */
#define MG_SLA_LOOKAHEAD (14 * 86400) /* due times examined ahead */

/* SIGTERM and SIGINT ask the worker to stop after the mail in hand;
 * SIGPIPE is ignored. */
void mg_worker_catch_signals(void);
bool mg_worker_stopping(void);

/* One tick: heartbeat, outbox, SLA, scans, webhooks, backup, retention. */
HD_NODISCARD int mg_worker_tick(struct hd_instance *inst, struct hd_error *err);

/* One pass over the outbox; *sent_r / *failed_r count this pass. */
HD_NODISCARD int mg_outbox_run(struct hd_instance *inst, struct hd_store *st,
                               size_t *sent_r, size_t *failed_r,
                               struct hd_error *err);
/* One pass of SLA escalation; *changed_r counts tickets escalated. */
HD_NODISCARD int mg_sla_escalate(struct hd_instance *inst,
                                 struct hd_store *st, size_t *changed_r,
                                 struct hd_error *err);

#endif
