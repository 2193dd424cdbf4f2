/* uptime.c - heartbeats and availability arithmetic (uptime.h).  The
 * interval sets are small (gaps, windows, outages), so they are sorted
 * and merged in the arena; only the beats can be many (525,600 a year),
 * and they are walked once. */
#include "uptime.h"

#include "clock.h"
#include "store_sla.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int hd_uptime_beat(struct hd_store *st, const char *program,
                   struct hd_error *err)
{
    int64_t now = hd_clock_now();
    int64_t minute = now - now % HD_UPTIME_BEAT_SECS;
    int64_t keep = minute - (int64_t)HD_UPTIME_KEEP_DAYS * 86400;
    if (strlen(program) >= HD_UPTIME_PROGRAM_MAX) {
        hd_error_set(err, HD_E_INVAL, "program name longer than %d bytes",
                     HD_UPTIME_PROGRAM_MAX - 1);
        return -1;
    }
    if (hd_store_begin(st, err) < 0)
        return -1;
    if (hd_store_uptime_beat(st, program, minute, keep, err) < 0 ||
        hd_store_heartbeat(st, program, (int)getpid(), err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    return hd_store_commit(st, err);
}

/* ---- interval sets ----------------------------------------------------- */

struct iset {
    struct hd_interval *v;
    size_t n, cap;
};

static void iset_init(struct iset *s, size_t cap, struct hd_arena *a)
{
    s->cap = cap > 0 ? cap : 1;
    s->v = hd_arena_alloc(a, s->cap * sizeof *s->v);
    s->n = 0;
}

/* Adds [start, end) clipped to [lo, hi); empty results are dropped. */
static void iset_add(struct iset *s, int64_t start, int64_t end, int64_t lo,
                     int64_t hi)
{
    if (start < lo)
        start = lo;
    if (end > hi)
        end = hi;
    if (end <= start)
        return;
    hd_assert(s->n < s->cap);
    s->v[s->n++] = (struct hd_interval){start, end};
}

static int cmp_interval(const void *x, const void *y)
{
    const struct hd_interval *a = x, *b = y;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* Sorts and merges overlapping or touching intervals in place. */
static void iset_normalise(struct iset *s)
{
    if (s->n == 0)
        return;
    qsort(s->v, s->n, sizeof *s->v, cmp_interval);
    size_t out = 0;
    for (size_t i = 1; i < s->n; i++) {
        if (s->v[i].start <= s->v[out].end) {
            if (s->v[i].end > s->v[out].end)
                s->v[out].end = s->v[i].end;
        } else {
            s->v[++out] = s->v[i];
        }
    }
    s->n = out + 1;
}

static int64_t iset_total(const struct iset *s)
{
    int64_t t = 0;
    for (size_t i = 0; i < s->n; i++)
        t += s->v[i].end - s->v[i].start;
    return t;
}

/* d minus m, both normalised; the result goes to out (normalised). */
static void iset_subtract(const struct iset *d, const struct iset *m,
                          struct iset *out)
{
    size_t j = 0;
    for (size_t i = 0; i < d->n; i++) {
        int64_t cur = d->v[i].start, end = d->v[i].end;
        while (j < m->n && m->v[j].end <= cur)
            j++;
        for (size_t k = j; k < m->n && m->v[k].start < end; k++) {
            if (m->v[k].start > cur)
                iset_add(out, cur, m->v[k].start, cur, end);
            if (m->v[k].end > cur)
                cur = m->v[k].end;
        }
        iset_add(out, cur, end, cur, end);
    }
}

/* ---- the arithmetic ---------------------------------------------------- */

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* Heartbeat gaps longer than HD_UPTIME_GAP_SECS, clipped to the period.
 * Beats must be sorted. */
static void add_gaps(struct iset *d, const int64_t *b, size_t n,
                     int64_t lo, int64_t hi)
{
    int64_t covered = lo; /* alive up to here */
    for (size_t i = 0; i <= n; i++) {
        if (i < n && b[i] < lo) {
            /* A gap reaching into the period is measured whole. */
            covered = b[i] + HD_UPTIME_BEAT_SECS;
            continue;
        }
        int64_t next = i < n ? b[i] : hi;
        if (next > hi)
            next = hi;
        if (next - covered > HD_UPTIME_GAP_SECS)
            iset_add(d, covered, next, lo, hi);
        if (i < n && b[i] + HD_UPTIME_BEAT_SECS > covered)
            covered = b[i] + HD_UPTIME_BEAT_SECS;
        if (covered >= hi)
            break;
    }
}

void hd_uptime_compute(const struct hd_uptime_input *in, struct hd_arena *a,
                       struct hd_uptime_result *r)
{
    memset(r, 0, sizeof *r);
    int64_t lo = in->start, hi = in->end > in->start ? in->end : in->start;
    struct iset m, d, down;
    iset_init(&m, in->n_planned, a);
    for (size_t i = 0; i < in->n_planned; i++)
        iset_add(&m, in->planned[i].start, in->planned[i].end, lo, hi);
    iset_normalise(&m);

    size_t nb = in->use_beats ? in->n_beats : 0;
    iset_init(&d, in->n_unplanned + nb + 1, a);
    for (size_t i = 0; i < in->n_unplanned; i++)
        iset_add(&d, in->unplanned[i].start, in->unplanned[i].end, lo, hi);
    if (in->use_beats) {
        int64_t *b = hd_arena_alloc(a, (nb + 1) * sizeof *b);
        if (nb > 0)
            memcpy(b, in->beats, nb * sizeof *b);
        qsort(b, nb, sizeof *b, cmp_i64);
        add_gaps(&d, b, nb, lo, hi);
    }
    iset_normalise(&d);
    iset_init(&down, d.n + m.n, a);
    iset_subtract(&d, &m, &down);

    r->period_secs = hi - lo;
    r->maintenance_secs = iset_total(&m);
    r->planned_secs = r->period_secs - r->maintenance_secs;
    r->down_secs = iset_total(&down);
    r->percent = r->planned_secs > 0
                     ? 100.0 * (double)(r->planned_secs - r->down_secs) /
                           (double)r->planned_secs
                     : 100.0;
    r->down = down.v;
    r->n_down = down.n;
    for (size_t i = 0; i < down.n; i++)
        if (down.v[i].end - down.v[i].start >= HD_UPTIME_LONG_SECS)
            r->long_incidents++;
}

/* ---- the report -------------------------------------------------------- */

/* Where the record starts: the worker's first beat, else the instance's
 * creation, else 'from'. */
static int origin(struct hd_store *st, int64_t from, struct hd_arena *a,
                  int64_t *origin_r, bool *beats_r, struct hd_error *err)
{
    int64_t first;
    int found = hd_store_uptime_first_beat(st, HD_UPTIME_PROGRAM, &first, err);
    if (found < 0)
        return -1;
    *beats_r = found == 1;
    *origin_r = found == 1 ? first : from;
    if (found == 1)
        return 0;
    char *created = NULL;
    int rc = hd_store_meta_get(st, "created_at", a, &created, err);
    if (rc < 0)
        return -1;
    struct hd_error ignored = HD_ERROR_INIT;
    int64_t t;
    if (rc == 1 && hd_time_parse(created, &t, &ignored) == 0)
        *origin_r = t;
    return 0;
}

/* Splits the recorded outages into planned and unplanned intervals and
 * counts the maintenance windows starting inside [from, to). */
static void split_outages(struct hd_uptime_report *rep,
                          const struct hd_interval *ws, size_t nw,
                          struct hd_uptime_input *in, struct hd_arena *a)
{
    struct hd_interval *pl = hd_arena_alloc(
        a, (nw + rep->n_outages + 1) * sizeof *pl);
    struct hd_interval *un = hd_arena_alloc(
        a, (rep->n_outages + 1) * sizeof *un);
    size_t np = 0, nu = 0;
    for (size_t i = 0; i < nw; i++) {
        pl[np++] = ws[i];
        if (ws[i].start >= rep->from && ws[i].start < rep->to)
            rep->maintenance_windows++;
    }
    for (size_t i = 0; i < rep->n_outages; i++) {
        const struct hd_outage *o = &rep->outages[i];
        struct hd_interval iv = {o->start_at, o->end_at};
        if (strcmp(o->kind, "planned") == 0) {
            pl[np++] = iv;
            if (iv.start >= rep->from && iv.start < rep->to)
                rep->maintenance_windows++;
        } else {
            un[nu++] = iv;
        }
    }
    in->planned = pl;
    in->n_planned = np;
    in->unplanned = un;
    in->n_unplanned = nu;
}

int hd_uptime_record_start(struct hd_store *st, struct hd_arena *a,
                           int64_t *start_r, struct hd_error *err)
{
    bool beats;
    return origin(st, 0, a, start_r, &beats, err);
}

int hd_uptime_report(struct hd_store *st, int64_t from, int64_t to,
                     int64_t now, struct hd_arena *a,
                     struct hd_uptime_report *rep, struct hd_error *err)
{
    memset(rep, 0, sizeof *rep);
    int64_t org;
    bool have_beats;
    if (origin(st, from, a, &org, &have_beats, err) < 0)
        return -1;
    rep->from = from > org ? from : org;
    rep->to = to < now ? to : now;
    if (rep->to < rep->from)
        rep->to = rep->from;
    struct hd_interval *ws;
    size_t nw;
    struct hd_uptime_input in = {.start = rep->from, .end = rep->to,
                                 .use_beats = have_beats};
    int64_t *beats = NULL;
    size_t nb = 0;
    if (hd_store_uptime_beats(st, HD_UPTIME_PROGRAM, rep->from, rep->to, a,
                              &beats, &nb, err) < 0 ||
        hd_store_outage_list(st, rep->from, rep->to, a, &rep->outages,
                             &rep->n_outages, err) < 0 ||
        hd_store_maintenance_windows(st, rep->from, rep->to, a, &ws, &nw,
                                     err) < 0)
        return -1;
    in.beats = beats;
    in.n_beats = nb;
    rep->beats = nb > 0 && beats[0] < rep->from ? (int64_t)nb - 1
                                                 : (int64_t)nb;
    rep->last_beat = nb > 0 ? beats[nb - 1] : 0;
    split_outages(rep, ws, nw, &in, a);
    hd_uptime_compute(&in, a, &rep->r);
    return 0;
}
