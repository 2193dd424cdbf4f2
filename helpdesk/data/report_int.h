/* report_int.h - shared by report.c (the frame: facts, the three kinds of
 * answer, the table of rows) and the files answering groups of rows
 * (report_ops.c: availability, backups, data, logs, support;
 * report_sec.c: transport, scanning, access).
 *
 * Every computed row goes through report_judge(): a verdict from the
 * evidence against a threshold that the row's text states.  A row the
 * instance cannot answer is report_unknown(); the operator's own words
 * are report_operator_row()'s. */
#ifndef HD_REPORT_INT_H
#define HD_REPORT_INT_H

#include "report.h"

#include "clock.h"
#include "config.h"
#include "store_report.h"
#include "uptime.h"

#define HD_REPORT_RECORD_MIN_DAYS 30   /* availability record before "ok" */
#define HD_REPORT_HEARTBEAT_STALE 600  /* a program silent longer: ng */
#define HD_REPORT_SCAN_WAIT 3600       /* oldest unscanned file: bound */
#define HD_REPORT_GENERATIONS_PROMISE 20 /* backup generations promised */
#define HD_REPORT_LOCKOUT_MAX 10       /* failures before lockout, at most */
#define HD_REPORT_IDLE_MAX 60          /* idle minutes of a session */
#define HD_REPORT_SESSION_MAX 24       /* hours of a session at most */
#define HD_REPORT_DRILL_DAYS 365       /* a restore drill this recent */
#define HD_REPORT_ERASURES 3           /* erasure certificates shown */

struct report_ctx {
    struct hd_instance *inst;
    struct hd_store *st; /* the caller's connection (this thread's) */
    const struct hd_config *cfg;
    struct hd_arena *a;
    bool ja;
    int64_t now;
    struct hd_report_facts f;
    struct hd_uptime_report up;  /* last HD_REPORT_DAYS days */
    int64_t record_start;        /* where the availability record starts */
    int64_t beat_worker, beat_web, beat_mailgw; /* last seen; 0: never */
    json_t *gens;                /* backup generations, oldest first */
    const char *gens_problem;    /* why gens is NULL */
    hd_report_ping_fn clamd_ping;
    struct hd_clock_sync clock;
    bool incident_queue;         /* the incident address has a queue */
    struct hd_report_audit *erasures, *exports, *reviews, *oncall_set;
    size_t n_erasures, n_exports, n_reviews, n_oncall_set;
};

struct report_row {
    const char *answer, *evidence, *status, *threshold;
};

/* Text in the report's language; both are literals at every call. */
#define TX(c, en_, ja_) ((c)->ja ? (ja_) : (en_))
#define PF(c, en_, ja_, ...)                                                 \
    hd_arena_printf((c)->a, TX(c, en_, ja_), __VA_ARGS__)

/* A computed answer: "ok" when good, else "ng"; the threshold is
 * appended to the evidence and kept in r->threshold. */
void report_judge(struct report_ctx *c, struct report_row *r, bool good, const char *answer,
           const char *evidence, const char *threshold);
/* The instance holds no evidence for this row (yet): status "unknown". */
void report_unknown(struct report_ctx *c, struct report_row *r, const char *evidence);
/* The operator's text from report.rowN (status "operator"), or unknown. */
void report_operator_row(struct report_ctx *c, int no, struct report_row *r);

const char *report_when(struct report_ctx *c, int64_t t);
const char *report_cfg(struct report_ctx *c, enum hd_cfg_key key);
/* "N days" / "N hours" / "N minutes" for a span of seconds. */
const char *report_span(struct report_ctx *c, int64_t secs);
/* Newest backup generation's name (NULL: none) and its time. */
const char *report_newest_gen(struct report_ctx *c, int64_t *at_r);

void report_availability_rows(struct report_ctx *c, int no, struct report_row *r);
void report_backup_rows(struct report_ctx *c, int no, struct report_row *r);
void report_data_rows(struct report_ctx *c, int no, struct report_row *r);
void report_log_rows(struct report_ctx *c, int no, struct report_row *r);
void report_support_rows(struct report_ctx *c, int no, struct report_row *r);
void report_security_rows(struct report_ctx *c, int no, struct report_row *r);

#endif
