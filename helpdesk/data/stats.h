/* stats.h - the managers' reports: a period's tickets added up into
 * tables (SLA compliance by queue, category, priority and week; volume
 * by day, weekday and hour, incidents against general questions, inside
 * against outside business hours; the backlog by age; first-response and
 * resolution times; each agent's workload; customer satisfaction).
 *
 * Every table has the same shape -- rows of a label and int64 values
 * under named columns -- so the agents' page (tables and SVG charts),
 * the CSV download and the JSON API print one structure and cannot
 * disagree.  Column and table ids are stable English identifiers; the
 * page translates them.  Rates are per mille (-1: nothing to rate), so
 * every value stays an exact integer. */
#ifndef HD_STATS_H
#define HD_STATS_H

#include "instance.h"
#include "store.h"

#define HD_STATS_DAYS_MAX 366
#define HD_STATS_DAYS_DEFAULT 28

enum hd_stats_table_id {
    HD_ST_SLA_QUEUE, HD_ST_SLA_CATEGORY, HD_ST_SLA_PRIORITY, HD_ST_SLA_WEEK,
    HD_ST_VOL_DAY, HD_ST_VOL_WEEKDAY, HD_ST_VOL_HOUR, HD_ST_BACKLOG,
    HD_ST_FRT, HD_ST_RESOLVE, HD_ST_WORKLOAD, HD_ST_CSAT, HD_ST_COUNT
};

struct hd_stats_row_v {
    const char *label; /* queue or agent name, date, bucket ("1-4h") */
    int64_t *v;        /* ncols values */
};

struct hd_stats_table {
    const char *id;           /* "sla_by_queue", ... */
    const char *const *cols;  /* ncols column ids ("tickets", ...) */
    size_t ncols;
    size_t nchart;            /* the first nchart columns are charted */
    struct hd_stats_row_v *rows;
    size_t nrows;
};

struct hd_stats {
    int64_t since, until; /* [since, until], UTC seconds */
    int days;
    const char *zone;     /* the instance's time zone */
    struct hd_stats_table t[HD_ST_COUNT];
};

struct hd_stats_opts {
    int days;                /* 1..HD_STATS_DAYS_MAX */
    int64_t until;           /* last second of the period (now) */
    int64_t visible_to_user; /* 0: everything (admins) */
    /* Read every ticket instead of the per-slot counts (0027): the
     * reference the counts are tested against. */
    bool from_tickets;
};

/* Builds the report inside one read snapshot of st; everything lives in
 * a.  -1 with err on a store error. */
HD_NODISCARD int hd_stats_build(struct hd_instance *inst, struct hd_store *st,
                                const struct hd_stats_opts *o,
                                struct hd_arena *a, struct hd_stats *s_r,
                                struct hd_error *err);

/* Is column 'col' of a table a rate (per mille)? */
bool hd_stats_col_is_rate(const char *col);

#endif
