/* stats.c - see stats.h.  Three walks of the store (the period's
 * tickets, the open ones, the solved ones) and one count of ratings,
 * added up in C: a single pass per walk, whatever the number of tables.
 * The walks read counts per slot (0027_report_rollup.sql,
 * kept by triggers as tickets change), and the tickets themselves only
 * where a slot is not alike throughout: the period's ragged ends, a slot
 * cut by the start or end of business hours or by a backlog age limit.
 * opts.from_tickets reads every ticket instead (the tests compare).
 *
 * Local time: the period is whole local days of the instance's zone; a
 * ticket's day is found among the precomputed local midnights, its hour
 * is counted from its day's midnight (on a day the clocks change, hours
 * after the change shift by one).  Business hours come from the same
 * calendar as the SLA clocks; since the tickets arrive in creation
 * order, the calendar is asked about once per open or closed stretch,
 * not once per ticket. */
#include "stats.h"

#include "calendar.h"
#include "date.h"
#include "sla.h"
#include "store_stats.h"

#include <string.h>

static const char *const sla_cols[] = {
    "first_met", "first_missed", "resolve_met", "resolve_missed",
    "tickets", "first_rate_permille", "resolve_rate_permille"};
static const char *const vol_cols[] = {"incident", "general",
                                       "inside_hours", "outside_hours"};
static const char *const backlog_cols[] = {"incident", "general"};
static const char *const time_cols[] = {"tickets"};
static const char *const work_cols[] = {"open", "solved"};
static const char *const csat_cols[] = {"good", "bad", "good_rate_permille"};

enum { SLA_FMET, SLA_FMISS, SLA_RMET, SLA_RMISS, SLA_N, SLA_FRATE, SLA_RRATE };
enum { VOL_INC, VOL_GEN, VOL_IN, VOL_OUT };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const age_labels[] = {"<1d", "1-3d", "3-7d", "7-30d",
                                         "30d+"};
static const int64_t age_limits[] = {86400, 3 * 86400, 7 * 86400,
                                     30 * 86400, INT64_MAX};
static const char *const time_labels[] = {"<1h", "1-4h", "4-8h", "8-24h",
                                          "1-3d", "3-7d", "7d+"};
static const int64_t time_limits[] = {3600, 4 * 3600, 8 * 3600, 86400,
                                      3 * 86400, 7 * 86400, INT64_MAX};
static const char *const weekday_labels[] = {"Mon", "Tue", "Wed", "Thu",
                                             "Fri", "Sat", "Sun"};

bool hd_stats_col_is_rate(const char *col)
{
    size_t n = strlen(col);
    return n > 8 && strcmp(col + n - 8, "permille") == 0;
}

static void table_init(struct hd_stats_table *t, const char *id,
                       const char *const *cols, size_t ncols, size_t nchart,
                       size_t nrows, struct hd_arena *a)
{
    *t = (struct hd_stats_table){.id = id, .cols = cols, .ncols = ncols,
                                 .nchart = nchart, .nrows = nrows};
    t->rows = hd_arena_zalloc(a, (nrows ? nrows : 1) * sizeof *t->rows);
    for (size_t i = 0; i < nrows; i++)
        t->rows[i].v = hd_arena_zalloc(a, ncols * sizeof(int64_t));
}

static size_t bucket(const int64_t *limits, size_t n, int64_t secs)
{
    size_t i = 0;
    while (i + 1 < n && secs >= limits[i])
        i++;
    return i;
}

/* ---- what one walk needs ------------------------------------------------ */

struct ctx {
    struct hd_stats *s;
    const struct hd_calendar *cal;
    struct hd_arena *a;
    int64_t *day_start;      /* days + 1 local midnights */
    int first_weekday;       /* of day 0, Monday = 0 */
    struct hd_queue *queues; /* rows of the queue tables, in this order */
    size_t nq;
    struct hd_user *users;   /* rows of the workload table */
    size_t nu;
    size_t nweeks;
    /* the business-hours stretch last seen: [from, until) open or not */
    int64_t bh_from, bh_until;
    bool bh_open;
};

static size_t queue_row(const struct ctx *c, int64_t id)
{
    for (size_t i = 0; i < c->nq; i++)
        if (c->queues[i].id == id)
            return i;
    return c->nq; /* "(none)" */
}

static size_t user_row(const struct ctx *c, int64_t id)
{
    for (size_t i = 0; i < c->nu; i++)
        if (c->users[i].id == id)
            return i;
    return c->nu; /* unassigned */
}

/* The end of the open stretch starting at t: the largest x (up to a
 * day) with all of [t, t + x) open. */
static int64_t open_until(const struct hd_calendar *cal, int64_t t)
{
    int64_t lo = 1, hi = 86400;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo + 1) / 2;
        if (hd_calendar_business_seconds_between(cal, t, t + mid) == mid)
            lo = mid;
        else
            hi = mid - 1;
    }
    return t + lo;
}

static bool in_hours(struct ctx *c, int64_t t)
{
    if (t >= c->bh_from && t < c->bh_until)
        return c->bh_open;
    c->bh_from = t;
    c->bh_open = hd_calendar_is_open(c->cal, t);
    if (c->bh_open) {
        c->bh_until = open_until(c->cal, t);
    } else {
        struct hd_error ignore = HD_ERROR_INIT;
        if (hd_calendar_next_open(c->cal, t, &c->bh_until, &ignore) < 0)
            c->bh_until = INT64_MAX;
    }
    return c->bh_open;
}

static void sla_add(int64_t *v, const struct hd_stats_row *r)
{
    v[SLA_N] += r->n;
    if (r->first_state == HD_CLOCK_MET)
        v[SLA_FMET] += r->n;
    else if (r->first_state == HD_CLOCK_BREACHED)
        v[SLA_FMISS] += r->n;
    if (r->resolve_state == HD_CLOCK_MET)
        v[SLA_RMET] += r->n;
    else if (r->resolve_state == HD_CLOCK_BREACHED)
        v[SLA_RMISS] += r->n;
}

static void vol_add(int64_t *v, const struct hd_stats_row *r, bool in)
{
    v[r->category == HD_CAT_INCIDENT ? VOL_INC : VOL_GEN] += r->n;
    v[in ? VOL_IN : VOL_OUT] += r->n;
}

/* The period's day of t: the last d with day_start[d] <= t (0 before
 * the period). */
static size_t day_of(const struct ctx *c, int64_t t)
{
    size_t lo = 0, hi = (size_t)c->s->days - 1;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (t >= c->day_start[mid])
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static int hour_of(const struct ctx *c, size_t d, int64_t t)
{
    int64_t hour = (t - c->day_start[d]) / 3600;
    return hour < 0 ? 0 : hour > 23 ? 23 : (int)hour;
}

static void created_row(struct ctx *c, const struct hd_stats_row *r)
{
    struct hd_stats_table *t = c->s->t;
    size_t d = day_of(c, r->created_at);
    int wd = (c->first_weekday + (int)(d % 7)) % 7;
    int hour = hour_of(c, d, r->created_at);
    size_t week = ((size_t)c->first_weekday + d) / 7;
    sla_add(t[HD_ST_SLA_QUEUE].rows[queue_row(c, r->queue_id)].v, r);
    sla_add(t[HD_ST_SLA_CATEGORY].rows[r->category].v, r);
    sla_add(t[HD_ST_SLA_PRIORITY].rows[r->priority].v, r);
    sla_add(t[HD_ST_SLA_WEEK].rows[week].v, r);
    bool in = in_hours(c, r->created_at);
    vol_add(t[HD_ST_VOL_DAY].rows[d].v, r, in);
    vol_add(t[HD_ST_VOL_WEEKDAY].rows[wd].v, r, in);
    vol_add(t[HD_ST_VOL_HOUR].rows[hour].v, r, in);
    int b = r->bucket;
    if (b == -2)
        b = r->first_response_at > 0
                ? (int)bucket(time_limits, N(time_limits),
                              r->first_response_at - r->created_at)
                : -1;
    if (b >= 0)
        t[HD_ST_FRT].rows[b].v[0] += r->n;
}

static void open_row(struct ctx *c, const struct hd_stats_row *r)
{
    struct hd_stats_table *t = c->s->t;
    size_t b = bucket(age_limits, N(age_limits), c->s->until - r->created_at);
    t[HD_ST_BACKLOG].rows[b].v[r->category == HD_CAT_INCIDENT ? 0 : 1] +=
        r->n;
    t[HD_ST_WORKLOAD].rows[user_row(c, r->assignee_id)].v[0] += r->n;
}

static void resolved_row(struct ctx *c, const struct hd_stats_row *r)
{
    struct hd_stats_table *t = c->s->t;
    int b = r->bucket;
    if (b == -2)
        b = (int)bucket(time_limits, N(time_limits),
                        r->resolved_at - r->created_at - r->paused_secs);
    t[HD_ST_RESOLVE].rows[b].v[0] += r->n;
    t[HD_ST_WORKLOAD].rows[user_row(c, r->assignee_id)].v[1] += r->n;
}

static void add_row(struct ctx *c, enum hd_stats_rows kind,
                    const struct hd_stats_row *r)
{
    switch (kind) {
    case HD_STATS_CREATED:
    case HD_STATS_CREATED_SLOTS: created_row(c, r); break;
    case HD_STATS_OPEN:
    case HD_STATS_OPEN_SLOTS: open_row(c, r); break;
    default: resolved_row(c, r); break;
    }
}

/* The tickets of kind (CREATED, OPEN or RESOLVED) in [from, to), one
 * by one. */
static int walk_rows(struct ctx *c, struct hd_store *st,
                     enum hd_stats_rows kind, int64_t from, int64_t to,
                     int64_t uid, struct hd_error *err)
{
    struct hd_stats_iter it;
    struct hd_stats_row r;
    if (from >= to)
        return 0;
    hd_store_stats_init(&it, st, kind, from, to, uid);
    while (hd_store_stats_next(&it, &r) == 1)
        add_row(c, kind, &r);
    return hd_store_stats_deinit(&it, err);
}

/* May the slot starting at t be added up as one row: do all its seconds
 * fall in one local day and hour and one business-hours stretch (the
 * created tickets), or give one backlog age (the open ones)? */
static bool slot_whole(struct ctx *c, enum hd_stats_rows kind, int64_t t)
{
    int64_t e = t + hd_stats_slot(kind) - 1; /* the slot's last second */
    if (kind == HD_STATS_CREATED_SLOTS) {
        size_t d = day_of(c, t);
        if (day_of(c, e) != d || hour_of(c, d, t) != hour_of(c, d, e))
            return false;
        (void)in_hours(c, t);
        return c->bh_from <= t && c->bh_until > e;
    }
    if (kind == HD_STATS_OPEN_SLOTS)
        return bucket(age_limits, N(age_limits), c->s->until - t) ==
               bucket(age_limits, N(age_limits), c->s->until - e);
    return true;
}

/* The tickets of kind in [from, to) from the slot rows: the slots wholly
 * inside and alike throughout as counted, the rest (the period's ragged
 * ends, a slot split by a business-hours or age boundary) ticket by
 * ticket.  The open tickets are all read, whatever from and to. */
static int walk_slots(struct ctx *c, struct hd_store *st,
                      enum hd_stats_rows kind, int64_t from, int64_t to,
                      int64_t uid, struct hd_error *err)
{
    static const enum hd_stats_rows rows_of[] = {
        [HD_STATS_CREATED_SLOTS] = HD_STATS_CREATED,
        [HD_STATS_OPEN_SLOTS] = HD_STATS_OPEN,
        [HD_STATS_RESOLVED_SLOTS] = HD_STATS_RESOLVED};
    const int64_t S = hd_stats_slot(kind);
    enum hd_stats_rows rows = rows_of[kind];
    int64_t a = (from + S - 1) / S * S, b = to / S * S; /* whole slots */
    if (kind == HD_STATS_OPEN_SLOTS) {
        a = 0;
        b = INT64_MAX / S * S;
    } else if (a >= b) {
        return walk_rows(c, st, rows, from, to, uid, err);
    } else if (walk_rows(c, st, rows, from, a, uid, err) < 0) {
        return -1;
    }
    struct hd_stats_iter it;
    struct hd_stats_row r;
    int64_t slot = -1;
    bool whole = false;
    int rc = 0;
    hd_store_stats_init(&it, st, kind, a, b, uid);
    while (rc == 0 && hd_store_stats_next(&it, &r) == 1) {
        int64_t t = kind == HD_STATS_RESOLVED_SLOTS ? r.resolved_at
                                                    : r.created_at;
        if (t != slot) {
            slot = t;
            whole = slot_whole(c, kind, t);
            if (!whole)
                rc = walk_rows(c, st, rows, t, t + S, uid, err);
        }
        if (whole)
            add_row(c, kind, &r);
    }
    struct hd_error ignore = HD_ERROR_INIT;
    if (hd_store_stats_deinit(&it, rc < 0 ? &ignore : err) < 0 || rc < 0)
        return -1;
    return kind == HD_STATS_OPEN_SLOTS
               ? 0
               : walk_rows(c, st, rows, b, to, uid, err);
}

/* ---- the tables' rows --------------------------------------------------- */

static void period(struct ctx *c, const struct hd_stats_opts *o)
{
    struct hd_stats *s = c->s;
    struct hd_date today = hd_calendar_local_date(c->cal, o->until);
    int64_t first = hd_date_to_days(today.year, today.mon, today.day) -
                    (o->days - 1);
    c->day_start = hd_arena_alloc(c->a, (size_t)(o->days + 1) * sizeof(int64_t));
    for (int d = 0; d <= o->days; d++)
        c->day_start[d] = hd_calendar_day_start(c->cal,
                                                hd_date_from_days(first + d));
    /* Monday = 0 (hd_date counts from Sunday) */
    c->first_weekday = (hd_date_weekday_of_days(first) + 6) % 7;
    s->days = o->days;
    s->since = c->day_start[0];
    s->until = o->until;
    c->nweeks = ((size_t)c->first_weekday + (size_t)o->days + 6) / 7;
}

static void labels(struct ctx *c)
{
    struct hd_stats_table *t = c->s->t;
    char buf[11];
    int64_t first = hd_date_to_days(
        hd_calendar_local_date(c->cal, c->day_start[0]).year,
        hd_calendar_local_date(c->cal, c->day_start[0]).mon,
        hd_calendar_local_date(c->cal, c->day_start[0]).day);
    for (size_t i = 0; i <= c->nq; i++) {
        const char *name = i < c->nq ? c->queues[i].name : "(none)";
        t[HD_ST_SLA_QUEUE].rows[i].label = name;
        t[HD_ST_CSAT].rows[i].label = name;
    }
    t[HD_ST_CSAT].rows[c->nq + 1].label = "(all)";
    for (int i = 0; i < HD_CAT_COUNT; i++)
        t[HD_ST_SLA_CATEGORY].rows[i].label = hd_category_name(i);
    for (int i = 0; i < HD_PRIO_COUNT; i++)
        t[HD_ST_SLA_PRIORITY].rows[i].label = hd_priority_name(i);
    for (size_t w = 0; w < c->nweeks; w++) {
        hd_date_format(hd_date_from_days(first - c->first_weekday +
                                         (int64_t)w * 7), buf);
        t[HD_ST_SLA_WEEK].rows[w].label = hd_arena_strdup(c->a, buf);
    }
    for (int d = 0; d < c->s->days; d++) {
        hd_date_format(hd_date_from_days(first + d), buf);
        t[HD_ST_VOL_DAY].rows[d].label = hd_arena_strdup(c->a, buf);
    }
    for (int i = 0; i < 7; i++)
        t[HD_ST_VOL_WEEKDAY].rows[i].label = weekday_labels[i];
    for (int h = 0; h < 24; h++)
        t[HD_ST_VOL_HOUR].rows[h].label = hd_arena_printf(c->a, "%02d", h);
    for (size_t i = 0; i < N(age_labels); i++)
        t[HD_ST_BACKLOG].rows[i].label = age_labels[i];
    for (size_t i = 0; i < N(time_labels); i++) {
        t[HD_ST_FRT].rows[i].label = time_labels[i];
        t[HD_ST_RESOLVE].rows[i].label = time_labels[i];
    }
    for (size_t i = 0; i <= c->nu; i++)
        t[HD_ST_WORKLOAD].rows[i].label =
            i < c->nu ? c->users[i].name : "(unassigned)";
}

static void tables_init(struct ctx *c)
{
    struct hd_stats_table *t = c->s->t;
    struct hd_arena *a = c->a;
    table_init(&t[HD_ST_SLA_QUEUE], "sla_by_queue", sla_cols, N(sla_cols), 2,
               c->nq + 1, a);
    table_init(&t[HD_ST_SLA_CATEGORY], "sla_by_category", sla_cols,
               N(sla_cols), 2, HD_CAT_COUNT, a);
    table_init(&t[HD_ST_SLA_PRIORITY], "sla_by_priority", sla_cols,
               N(sla_cols), 2, HD_PRIO_COUNT, a);
    table_init(&t[HD_ST_SLA_WEEK], "sla_by_week", sla_cols, N(sla_cols), 2,
               c->nweeks, a);
    table_init(&t[HD_ST_VOL_DAY], "volume_by_day", vol_cols, N(vol_cols), 2,
               (size_t)c->s->days, a);
    table_init(&t[HD_ST_VOL_WEEKDAY], "volume_by_weekday", vol_cols,
               N(vol_cols), 2, 7, a);
    table_init(&t[HD_ST_VOL_HOUR], "volume_by_hour", vol_cols, N(vol_cols),
               2, 24, a);
    table_init(&t[HD_ST_BACKLOG], "backlog_by_age", backlog_cols,
               N(backlog_cols), 2, N(age_labels), a);
    table_init(&t[HD_ST_FRT], "first_response_time", time_cols,
               N(time_cols), 1, N(time_labels), a);
    table_init(&t[HD_ST_RESOLVE], "resolution_time", time_cols,
               N(time_cols), 1, N(time_labels), a);
    table_init(&t[HD_ST_WORKLOAD], "workload_by_agent", work_cols,
               N(work_cols), 2, c->nu + 1, a);
    table_init(&t[HD_ST_CSAT], "satisfaction_by_queue", csat_cols,
               N(csat_cols), 2, c->nq + 2, a);
    labels(c);
}

static int64_t permille(int64_t met, int64_t missed)
{
    return met + missed == 0 ? -1 : met * 1000 / (met + missed);
}

/* Rates, and rows of queues and agents that have nothing to show (an
 * agent limited to some queues sees no name of the others). */
static void finish(struct hd_stats *s)
{
    for (int i = HD_ST_SLA_QUEUE; i <= HD_ST_SLA_WEEK; i++)
        for (size_t r = 0; r < s->t[i].nrows; r++) {
            int64_t *v = s->t[i].rows[r].v;
            v[SLA_FRATE] = permille(v[SLA_FMET], v[SLA_FMISS]);
            v[SLA_RRATE] = permille(v[SLA_RMET], v[SLA_RMISS]);
        }
    for (size_t r = 0; r < s->t[HD_ST_CSAT].nrows; r++) {
        int64_t *v = s->t[HD_ST_CSAT].rows[r].v;
        v[2] = permille(v[0], v[1]);
    }
    static const int sparse[] = {HD_ST_SLA_QUEUE, HD_ST_WORKLOAD,
                                 HD_ST_CSAT};
    for (size_t i = 0; i < N(sparse); i++) {
        struct hd_stats_table *t = &s->t[sparse[i]];
        size_t k = 0;
        for (size_t r = 0; r < t->nrows; r++) {
            bool any = false;
            for (size_t col = 0; col < t->ncols; col++)
                any |= !hd_stats_col_is_rate(t->cols[col]) &&
                       t->rows[r].v[col] != 0;
            if (any)
                t->rows[k++] = t->rows[r];
        }
        t->nrows = k;
    }
}

static int csat(struct ctx *c, struct hd_store *st, int64_t uid,
                struct hd_error *err)
{
    struct hd_csat_count *cs;
    size_t n;
    if (hd_store_csat_counts(st, c->s->since, c->s->until + 1, uid, c->a, &cs,
                             &n, err) < 0)
        return -1;
    struct hd_stats_table *t = &c->s->t[HD_ST_CSAT];
    for (size_t i = 0; i < n; i++) {
        int64_t *v = t->rows[queue_row(c, cs[i].queue_id)].v;
        int64_t *all = t->rows[c->nq + 1].v;
        v[0] += cs[i].good;
        v[1] += cs[i].bad;
        all[0] += cs[i].good;
        all[1] += cs[i].bad;
    }
    return 0;
}

int hd_stats_build(struct hd_instance *inst, struct hd_store *st,
                   const struct hd_stats_opts *o, struct hd_arena *a,
                   struct hd_stats *s_r, struct hd_error *err)
{
    struct hd_sla *sla = NULL;
    struct ctx c = {.s = s_r, .a = a};
    int rc = -1;
    hd_assert(o->days >= 1 && o->days <= HD_STATS_DAYS_MAX);
    int (*walk)(struct ctx *, struct hd_store *, enum hd_stats_rows, int64_t,
                int64_t, int64_t, struct hd_error *) =
        o->from_tickets ? walk_rows : walk_slots;
    enum hd_stats_rows created = HD_STATS_CREATED_SLOTS,
                       open = HD_STATS_OPEN_SLOTS,
                       resolved = HD_STATS_RESOLVED_SLOTS;
    if (o->from_tickets) {
        created = HD_STATS_CREATED;
        open = HD_STATS_OPEN;
        resolved = HD_STATS_RESOLVED;
    }
    memset(s_r, 0, sizeof *s_r);
    if (hd_sla_new(inst, st, &sla, err) < 0)
        return -1;
    c.cal = hd_sla_business(sla);
    s_r->zone = hd_arena_strdup(a, hd_calendar_zone(c.cal));
    period(&c, o);
    if (hd_store_read_begin(st, err) < 0)
        goto out;
    if (hd_store_queue_names(st, a, &c.queues, &c.nq, err) == 0 &&
        hd_store_user_list(st, a, &c.users, &c.nu, err) == 0) {
        tables_init(&c);
        int64_t uid = o->visible_to_user;
        if (walk(&c, st, created, s_r->since, s_r->until + 1, uid, err) ==
                0 &&
            walk(&c, st, open, INT64_MIN, INT64_MAX, uid, err) == 0 &&
            walk(&c, st, resolved, s_r->since, s_r->until + 1, uid, err) ==
                0 &&
            csat(&c, st, o->visible_to_user, err) == 0)
            rc = 0;
    }
    hd_store_read_end(st);
    if (rc == 0)
        finish(s_r);
out:
    hd_sla_free(&sla);
    return rc;
}
