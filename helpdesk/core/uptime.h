/* uptime.h - how available was the service itself?  Programs record
 * that they are alive once a minute (hd_uptime_beat); the availability
 * report turns gaps in the worker's record, outages entered by hand and
 * maintenance windows into the checklist figure
 *
 *     availability = (planned time - downtime) / planned time
 *
 * where planned time is the period less planned maintenance (maintenance
 * announcements with a start and an end, and outages recorded as
 * planned), and downtime is the union of the worker's heartbeat gaps
 * longer than HD_UPTIME_GAP_SECS and the unplanned outages, less
 * maintenance.  An incident is one connected stretch of downtime, so an
 * outage entered by hand over a heartbeat gap counts once.
 *
 * A beat for minute m says "alive during [m, m + 60)".  The uncovered
 * time between two beats (or between the period's edges and the nearest
 * beat) is a gap; only gaps longer than HD_UPTIME_GAP_SECS are downtime,
 * so a restart or a slow tick is not an outage. */
#ifndef HD_UPTIME_H
#define HD_UPTIME_H

#include "arena.h"
#include "hd.h"
#include "store_report.h"

#define HD_UPTIME_BEAT_SECS 60       /* one heartbeat_log row per minute */
#define HD_UPTIME_GAP_SECS 300       /* longer gaps are downtime */
#define HD_UPTIME_KEEP_DAYS 800      /* heartbeat_log rows kept (> 2 years) */
#define HD_UPTIME_LONG_SECS 86400    /* an incident of a day or more */
#define HD_UPTIME_PROGRAM "worker"   /* whose record measures the service */
#define HD_UPTIME_PROGRAM_MAX 32

/* Records that 'program' is alive now: one heartbeat_log row per minute
 * (repeats within the minute change nothing), the last-seen heartbeat
 * row with the process id, and pruning of rows older than
 * HD_UPTIME_KEEP_DAYS.  Call it once per tick. */
HD_NODISCARD int hd_uptime_beat(struct hd_store *st, const char *program,
                                struct hd_error *err);

/* What the arithmetic needs; all arrays may be in any order. */
struct hd_uptime_input {
    int64_t start, end;         /* measured period [start, end) */
    const int64_t *beats;       /* minutes of the worker (see top) */
    size_t n_beats;
    bool use_beats;             /* false: no record, outages only */
    const struct hd_interval *planned;   /* maintenance */
    size_t n_planned;
    const struct hd_interval *unplanned; /* outages entered by hand */
    size_t n_unplanned;
};

struct hd_uptime_result {
    int64_t period_secs;      /* end - start */
    int64_t maintenance_secs; /* planned maintenance inside the period */
    int64_t planned_secs;     /* period - maintenance: the service time */
    int64_t down_secs;        /* downtime inside the service time */
    double percent;           /* availability; 100 when planned_secs is 0 */
    struct hd_interval *down; /* the incidents, sorted, arena memory */
    size_t n_down;
    int64_t long_incidents;   /* incidents of HD_UPTIME_LONG_SECS or more */
};

/* Pure arithmetic over in (see the top of this file).  Never fails. */
void hd_uptime_compute(const struct hd_uptime_input *in, struct hd_arena *a,
                       struct hd_uptime_result *r);

/* The report for [from, to): the period is clipped to start no earlier
 * than the worker's first beat (or the instance's creation when it never
 * beat) and to end no later than 'now'. */
struct hd_uptime_report {
    int64_t from, to;             /* as clipped */
    int64_t beats;                /* worker beats inside the period */
    int64_t last_beat;            /* newest worker minute; 0: none */
    struct hd_uptime_result r;
    struct hd_outage *outages;    /* recorded, overlapping the period */
    size_t n_outages;
    int64_t maintenance_windows;  /* announcements + planned outages
                                     starting inside the period */
};

/* Where the availability record starts: the worker's first beat, else
 * the instance's creation, else 0.  Outages before it cannot be measured
 * against the record, so `outage add` refuses them. */
HD_NODISCARD int hd_uptime_record_start(struct hd_store *st,
                                        struct hd_arena *a, int64_t *start_r,
                                        struct hd_error *err);

HD_NODISCARD int hd_uptime_report(struct hd_store *st, int64_t from,
                                  int64_t to, int64_t now,
                                  struct hd_arena *a,
                                  struct hd_uptime_report *rep,
                                  struct hd_error *err);

#endif
