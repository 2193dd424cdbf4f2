/* worker.h - the background jobs of `helpdesk worker` (cmd_worker.h).  Each tick
 * delivers due outbox mail, escalates SLA clocks, scans new attachments
 * with clamd (scanjob.h), records a heartbeat and runs the daily backup
 * when one is due.  Every job is idempotent: two
 * workers, or a worker restarted mid-tick, never send or escalate twice
 * (outbox rows and SLA states change in the same transaction as the work
 * they record). */
#ifndef MG_WORKER_H
#define MG_WORKER_H

#include "instance.h"

#define MG_WORKER_INTERVAL 15      /* seconds between ticks */
#define MG_OUTBOX_BATCH 50         /* mails per tick */
#define MG_OUTBOX_BACKOFF_MAX 3600 /* seconds between retries, at most */
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
