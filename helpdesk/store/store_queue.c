/* store_queue.c - the agents' queue page (declared in store_agent.h): a
 * page of tickets in due or newest order, its count, and the full-text
 * search that narrows both, planned per query so that its cost follows
 * the rows shown rather than the rows matched (docs/internals/search.md).
 *
 * The search index is ticket_text (0022): rowid (ticket id << 32) | part,
 * subject and messages of a ticket in one rowid range.  For a query:
 *   1. the first SEARCH_SAMPLE index entries of the match are read
 *      (rowids only, in ticket order): none -> nothing matches, done;
 *   2. all of them (the match is rare) -> COLLECT: those tickets are
 *      fetched by id, filtered and sorted; the count is exact;
 *   3. else the sample's share of matching tickets among the ids it
 *      covered gives the match's size and density: COLLECT costs the
 *      entries of the whole match, WALK (the page's own index, due or
 *      number, each ticket that passes the filters probed with one range
 *      query on ticket_text, stopping at the page's last row) costs a
 *      probe per ticket walked, about rows / density; SET (the match's
 *      ticket ids read once into a set, then the page's index walked as
 *      WALK does, each ticket tested against the set: no probe, no
 *      ticket fetched by id, no sort) costs a little per entry and per
 *      ticket walked; the cheapest wins.
 *      The count is the view's count times the density, rounded.
 * A common term needs few probes (most tickets match), a rare one few
 * collected rows, and the ones in between (a few percent of tickets, a
 * one-character prefix, a long phrase) a set of a few thousand ids and a
 * walk of a thousand tickets, so no plan meets the case that ruins it.
 *
 * On PostgreSQL (pg_sql[] below) the same plans run over schema/pg's
 * ticket_text (a tsvector per row, the same keys, a GIN index), the query
 * built as tsquery by the same builder; see search.md for what
 * PostgreSQL's own planner adds to the sample.  SET is chosen there only
 * when forced (tests): its costs were measured on SQLite. */
#include "store_agent.h"

#include "store_count.h"
#include "store_faq.h"
#include "store_fts_query.h"
#include "store_int.h"

#include <string.h>

/* Index entries read to size a match (rowids only, in ticket order). */
#define SEARCH_SAMPLE 512
/* What probing one ticket costs against reading one more index entry of
 * the match and fetching its ticket (at 100,000 tickets: ~10 us a probe,
 * ~4 us an entry; docs/internals/search.md); a prefix expands to every
 * indexed term it starts at every probe (~1 ms a probe). */
#define SEARCH_PROBE_COST 3
#define SEARCH_PREFIX_PROBE_COST 250
/* SET: reading one entry of the match into the set (~0.1-0.6 us: no
 * ticket fetched), and stepping the page's index past one ticket with
 * the set's test (~0.2 us). */
#define SEARCH_SET_ENTRY_COST 0.1
#define SEARCH_SET_STEP_COST 0.05

enum {
    ST_PAGE_DUE, ST_PAGE_NEW, ST_QCOUNT,
    ST_WALK_DUE, ST_WALK_NEW,
    ST_COLL_DUE, ST_COLL_NEW, ST_COLL_COUNT, ST_SET_DUE, ST_SET_NEW,
    ST_KEY_DUE, ST_KEY_NEW,
    ST_SAMPLE, ST_MAX_TICKET, ST_WARM_INDEX, ST_WARM_TICKETS, ST_WARM_DUE,
    ST_COUNT
};

#define DUE_EXPR STORE_DUE_EXPR

/* The filters of struct hd_ticket_filter (NULL: any) and the due limit;
 * the search's predicate, keyset and limit are added per plan. */
#define QUEUE_WHERE                                                          \
    STORE_TICKET_FILTER_WHERE                                                \
    "AND (CAST(?13 AS bigint) IS NULL OR " DUE_EXPR " < ?13) "

/* The queue page's rows: what the row shows (queue, requester's address,
 * assignee); the organisation's and the requester's names are NULL. */
#define QUEUE_COLS                                                           \
    STORE_TICKET_COLS_OF("NULL", "NULL")
#define QUEUE_JOINS                                                          \
    "LEFT JOIN queue q ON q.id = t.queue_id "                                \
    "LEFT JOIN contact c ON c.id = t.requester_id "                          \
    "LEFT JOIN \"user\" u ON u.id = t.assignee_id "

/* WALK: does ticket t match ?12?  One range of ticket_text's rowids. */
#define SEARCH_PROBE                                                         \
    "AND EXISTS (SELECT 1 FROM ticket_text WHERE ticket_text MATCH ?12 "     \
    "AND rowid BETWEEN t.id << 32 AND (t.id << 32) + 4294967295) "

/* COLLECT: the matching tickets first (CROSS JOIN keeps that order), then
 * the filters, then the sort. */
#define SEARCH_FROM                                                          \
    "FROM (SELECT DISTINCT rowid >> 32 AS id FROM ticket_text "              \
    "WHERE ticket_text MATCH ?12) x CROSS JOIN ticket t ON t.id = x.id "

/* SET: the match's tickets as a set, built once per statement; the unary
 * + keeps the set from driving the loop (which would be COLLECT), so the
 * page's own index (due or number) is walked and tested against it. */
#define SEARCH_SET                                                           \
    "AND +t.id IN (SELECT rowid >> 32 FROM ticket_text "                     \
    "WHERE ticket_text MATCH ?12) "

/* SET of a phrase: the set holds the tickets of its rarest token (?18),
 * and only a ticket in it is probed for the whole phrase (?12). */
#define SEARCH_KEY_SET                                                       \
    "AND +t.id IN (SELECT rowid >> 32 FROM ticket_text "                     \
    "WHERE ticket_text MATCH ?18) " SEARCH_PROBE

#define KEYSET_DUE                                                           \
    "AND (" DUE_EXPR ", t.number) > (?14, ?15) "                             \
    "ORDER BY " DUE_EXPR ", t.number LIMIT ?16"
#define KEYSET_NEW                                                           \
    "AND " STORE_PARAM_UNUSED("?14", "bigint") " "                           \
    "AND (?15 = 0 OR t.number < ?15) ORDER BY t.number DESC LIMIT ?16"
/* The statements without a search leave out its ?12. */
#define NO_SEARCH "AND " STORE_PARAM_UNUSED("?12", "text") " "

static const char *const sql[ST_COUNT] = {
    [ST_PAGE_DUE] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                    QUEUE_WHERE NO_SEARCH KEYSET_DUE,
    [ST_PAGE_NEW] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                    QUEUE_WHERE NO_SEARCH KEYSET_NEW,
    [ST_QCOUNT] = "SELECT count(*) FROM ticket t " QUEUE_WHERE NO_SEARCH
                  "AND " STORE_PARAM_UNUSED("?14", "bigint") " "
                  "AND " STORE_PARAM_UNUSED("?15", "bigint") " "
                  "AND " STORE_PARAM_UNUSED("?16", "bigint"),
    [ST_WALK_DUE] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                    QUEUE_WHERE SEARCH_PROBE KEYSET_DUE,
    [ST_WALK_NEW] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                    QUEUE_WHERE SEARCH_PROBE KEYSET_NEW,
    [ST_COLL_DUE] = "SELECT " QUEUE_COLS SEARCH_FROM QUEUE_JOINS
                    QUEUE_WHERE KEYSET_DUE,
    [ST_COLL_NEW] = "SELECT " QUEUE_COLS SEARCH_FROM QUEUE_JOINS
                    QUEUE_WHERE KEYSET_NEW,
    [ST_COLL_COUNT] = "SELECT count(*) " SEARCH_FROM QUEUE_WHERE,
    [ST_SET_DUE] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                   QUEUE_WHERE SEARCH_SET KEYSET_DUE,
    [ST_SET_NEW] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                   QUEUE_WHERE SEARCH_SET KEYSET_NEW,
    [ST_KEY_DUE] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                   QUEUE_WHERE SEARCH_KEY_SET KEYSET_DUE,
    [ST_KEY_NEW] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                   QUEUE_WHERE SEARCH_KEY_SET KEYSET_NEW,
    [ST_SAMPLE] = "SELECT rowid >> 32 FROM ticket_text "
                  "WHERE ticket_text MATCH ?1 LIMIT ?2",
    [ST_MAX_TICKET] = "SELECT coalesce(max(id), 0) FROM ticket",
    /* what a search reads: the index's blocks, the ticket rows, the due
     * index (the first two in b-tree order, mostly file order) */
    [ST_WARM_INDEX] = "SELECT coalesce(sum(length(block)), 0) "
                      "FROM ticket_text_data",
    [ST_WARM_TICKETS] = "SELECT coalesce(sum(length(subject)), 0) FROM ticket",
    [ST_WARM_DUE] = "SELECT count(*) FROM ticket t INDEXED BY ticket_sla_due "
                    "WHERE " DUE_EXPR " > -9223372036854775807",
};

/* PostgreSQL (schema/pg/0022): ticket_text.body is a tsvector of the
 * same tokens, ?12 tsquery text from the same builder (HD_FTS_Q_TSQUERY).
 * Only the statements that read the index differ; the others are
 * shared.  COLLECT needs no CROSS JOIN (PostgreSQL has no such hint and
 * its planner sees the match's size in the GIN statistics). */
#define PG_SEARCH_PROBE                                                      \
    "AND EXISTS (SELECT 1 FROM ticket_text x WHERE x.body @@ ?12::tsquery "  \
    "AND x.rowid BETWEEN t.id << 32 AND (t.id << 32) + 4294967295) "
#define PG_SEARCH_FROM                                                       \
    "FROM (SELECT DISTINCT rowid >> 32 AS id FROM ticket_text "              \
    "WHERE body @@ ?12::tsquery) x JOIN ticket t ON t.id = x.id "

#define PG_SEARCH_SET                                                        \
    "AND t.id IN (SELECT rowid >> 32 FROM ticket_text "                      \
    "WHERE body @@ ?12::tsquery) "

#define PG_SEARCH_KEY_SET                                                    \
    "AND t.id IN (SELECT rowid >> 32 FROM ticket_text "                      \
    "WHERE body @@ ?18::tsquery) " PG_SEARCH_PROBE

static const char *const pg_sql[ST_COUNT] = {
    [ST_WALK_DUE] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                    QUEUE_WHERE PG_SEARCH_PROBE KEYSET_DUE,
    [ST_WALK_NEW] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                    QUEUE_WHERE PG_SEARCH_PROBE KEYSET_NEW,
    [ST_COLL_DUE] = "SELECT " QUEUE_COLS PG_SEARCH_FROM QUEUE_JOINS
                    QUEUE_WHERE KEYSET_DUE,
    [ST_COLL_NEW] = "SELECT " QUEUE_COLS PG_SEARCH_FROM QUEUE_JOINS
                    QUEUE_WHERE KEYSET_NEW,
    [ST_SET_DUE] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                   QUEUE_WHERE PG_SEARCH_SET KEYSET_DUE,
    [ST_SET_NEW] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                   QUEUE_WHERE PG_SEARCH_SET KEYSET_NEW,
    /* never chosen on PostgreSQL (a tsquery is not a one-term phrase to
     * key_of()), but every statement prepares there */
    [ST_KEY_DUE] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                   QUEUE_WHERE PG_SEARCH_KEY_SET KEYSET_DUE,
    [ST_KEY_NEW] = "SELECT " QUEUE_COLS "FROM ticket t " QUEUE_JOINS
                   QUEUE_WHERE PG_SEARCH_KEY_SET KEYSET_NEW,
    /* ?14-?16 (keyset, limit) are not bound, but PostgreSQL must know
     * every parameter's type up to the highest (the filter's). */
    [ST_COLL_COUNT] = "SELECT count(*) " PG_SEARCH_FROM QUEUE_WHERE
                      "AND (CAST(?14 AS bigint) IS NULL "
                      "OR CAST(?15 AS bigint) IS NULL "
                      "OR CAST(?16 AS bigint) IS NULL OR 1 = 1)",
    /* In ticket order, as FTS5 hands them out: PostgreSQL walks the
     * primary key filtering on the match when the GIN statistics say it
     * is common, and reads the GIN index then sorts when it is rare
     * (search.md). */
    [ST_SAMPLE] = "SELECT rowid >> 32 FROM ticket_text "
                  "WHERE body @@ ?1::tsquery ORDER BY rowid LIMIT ?2",
};

static struct store_q *stmt(struct hd_store *st, int which)
{
    if (pg_sql[which] != NULL)
        return store_stmt_alt(st, &sql[which], &pg_sql[which]);
    return store_stmt(st, &sql[which]);
}

void hd_queue_query_init(struct hd_queue_query *q)
{
    memset(q, 0, sizeof *q);
    hd_ticket_filter_init(&q->f);
    q->sort = HD_SORT_DUE;
    q->after_due = INT64_MIN;
}

int64_t hd_ticket_due(const struct hd_ticket *t)
{
    int64_t due = t->first_response_at == 0 ? t->first_response_due
                                            : t->resolution_due;
    return due == 0 ? HD_DUE_NONE : due;
}

/* ---- the plan ------------------------------------------------------------ */

enum plan_kind { PLAN_NONE, PLAN_EMPTY, PLAN_COLLECT, PLAN_WALK, PLAN_SET };

struct plan {
    enum plan_kind kind;
    const char *fts;     /* the FTS5 query (COLLECT, WALK, SET) */
    const char *key;     /* SET of a phrase: its rarest token's query */
    bool whole;          /* the sample read the whole match */
    double density;      /* share of tickets matching */
};

/* Reads the sample: entries, distinct tickets, the last entry's ticket. */
static int sample_of(struct hd_store *st, const char *fts, int max,
                     int64_t *entries_r, int64_t *tickets_r,
                     int64_t *last_r, struct hd_error *err)
{
    struct store_q *s = stmt(st, ST_SAMPLE);
    store_bind_text(s, 1, fts);
    store_bind_int(s, 2, max);
    int64_t entries = 0, tickets = 0, last = 0;
    int rc;
    while ((rc = store_step(s)) == STORE_ROW) {
        int64_t id = store_col_int64(s, 0);
        entries++;
        tickets += id != last;
        last = id;
    }
    store_reset(s);
    if (rc != STORE_DONE)
        return store_fail(st, rc, err);
    *entries_r = entries;
    *tickets_r = tickets;
    *last_r = last;
    return 0;
}

struct key_tokens {
    struct hd_arena *a;
    const char *tok[HD_FTS_Q_MAX_BYTES / 2];
    size_t n;
};

static int key_token(void *ctx, int flags, const char *p, int n, int s,
                     int e)
{
    (void)flags;
    (void)s;
    (void)e;
    struct key_tokens *k = ctx;
    if (k->n < HD_ARRAY_LEN(k->tok))
        k->tok[k->n++] = hd_arena_printf(k->a, "\"%.*s\"", n, p);
    return 0;
}

/* The query of the rarest token of a one-term phrase query ("管理画面" ->
 * one of "管理" "理画" "画面"), and its estimated entries, or NULL when
 * fts is not such a phrase.  Each token's size comes from a sample as the
 * plan's own does. */
static int key_of(struct hd_store *st, const char *fts, int cap,
                  int64_t max_id, struct hd_arena *a, const char **key_r,
                  double *total_r, struct hd_error *err)
{
    *key_r = NULL;
    size_t n = strlen(fts);
    if (n < 3 || fts[0] != '"' || fts[n - 1] != '"' ||
        memchr(fts + 1, '"', n - 2) != NULL)
        return 0; /* several terms, or a prefix */
    struct key_tokens k = {.a = a};
    if (hd_store_fts_tokenize(fts + 1, n - 2, true, key_token, &k) < 0 ||
        k.n < 2)
        return 0;
    for (size_t i = 0; i < k.n; i++) {
        int64_t entries = 0, tickets = 0, last = 0;
        if (sample_of(st, k.tok[i], cap, &entries, &tickets, &last, err) < 0)
            return -1;
        double total = entries < cap ? (double)entries
                                     : (double)entries * (double)max_id /
                                           (double)(last > 0 ? last : 1);
        if (*key_r == NULL || total < *total_r) {
            *key_r = k.tok[i];
            *total_r = total;
        }
    }
    return 0;
}

/* The plan of q; for_page: the statement will be run (a count only
 * needs the sample). */
static int plan_of(struct hd_store *st, const struct hd_queue_query *q,
                   bool for_page, struct hd_arena *a, struct plan *p,
                   struct hd_error *err)
{
    memset(p, 0, sizeof *p);
    if (q->text == NULL)
        return 0;
    char *fts = NULL;
    /* At most HD_SEARCH_MAX bytes of the text, cut between characters. */
    size_t n = strnlen(q->text, HD_SEARCH_MAX + 1);
    if (n > HD_SEARCH_MAX)
        for (n = HD_SEARCH_MAX; n > 0 && (q->text[n] & 0xC0) == 0x80; n--)
            ;
    char *text = hd_arena_strndup(a, q->text, n);
    struct hd_error qerr = HD_ERROR_INIT;
    bool pg = store_backend(st) == STORE_PG;
    int rc = hd_fts_query_build(text, pg ? HD_FTS_Q_TSQUERY : 0, a, &fts,
                                &qerr);
    if (rc < 0) { /* not UTF-8: finds nothing */
        p->kind = PLAN_EMPTY;
        return 0;
    }
    if (rc == 0)
        return 0; /* nothing searchable: the search is ignored */
    int cap = store_search_sample(st, SEARCH_SAMPLE);
    int64_t entries = 0, tickets = 0, last = 0, max_id = 0;
    if (sample_of(st, fts, cap, &entries, &tickets, &last, err) < 0)
        return -1;
    p->fts = fts;
    if (entries == 0) {
        p->kind = PLAN_EMPTY;
        return 0;
    }
    p->kind = PLAN_COLLECT;
    p->whole = entries < cap;
    int force = store_search_force(st);
    if (p->whole && force != HD_SEARCH_WALK && force != HD_SEARCH_SET)
        return 0;
    if (store_step_id(st, stmt(st, ST_MAX_TICKET), &max_id, err) < 0)
        return -1;
    double covered = (double)(last > 0 ? last : 1);
    p->density = (double)tickets / covered;
    double total = (double)entries * (double)max_id / covered;
    double rows = q->f.limit > 0 ? (double)q->f.limit : (double)max_id;
    double probes = rows / p->density;
    if (probes > (double)max_id)
        probes = (double)max_id;
    /* A tsquery prefix is tested on the row's tsvector, not expanded
     * through a vocabulary: on PostgreSQL it probes as cheaply. */
    double walk = probes * (strchr(fts, '*') && !pg
                                ? SEARCH_PREFIX_PROBE_COST
                                : SEARCH_PROBE_COST);
    double set = total * SEARCH_SET_ENTRY_COST + probes * SEARCH_SET_STEP_COST;
    double best = total;
    if (walk < best) {
        p->kind = PLAN_WALK;
        best = walk;
    }
    if (set < best && !pg)
        p->kind = PLAN_SET;
    /* A phrase's set may hold only its rarest token's tickets, each
     * probed for the phrase only when the walk reaches it: cheaper when
     * that token is much rarer than reading the phrase's match (a
     * phrase's entry costs each of its tokens' positions). */
    const char *key = NULL;
    double key_total = 0;
    if (for_page && (p->kind == PLAN_SET || force == HD_SEARCH_SET)) {
        if (key_of(st, fts, cap, max_id, a, &key, &key_total, err) < 0)
            return -1;
        if (key != NULL && key_total <= total * 2)
            p->key = key;
    }
    if (force != 0)
        p->kind = force == HD_SEARCH_WALK ? PLAN_WALK
                  : force == HD_SEARCH_SET ? PLAN_SET
                                           : PLAN_COLLECT;
    return 0;
}

static void bind_query(struct store_q *s, const struct hd_queue_query *q,
                       const struct plan *p)
{
    store_ticket_bind_filter(s, &q->f);
    if (p->fts != NULL)
        store_bind_text(s, 12, p->fts);
    if (q->due_before != 0)
        store_bind_int64(s, 13, q->due_before);
}

int hd_store_queue_page(struct hd_store *st, const struct hd_queue_query *q,
                        struct hd_arena *a, struct hd_ticket **ts_r,
                        size_t *n_r, struct hd_error *err)
{
    struct plan p;
    if (plan_of(st, q, true, a, &p, err) < 0)
        return -1;
    if (p.kind == PLAN_EMPTY) {
        *ts_r = NULL;
        *n_r = 0;
        return 0;
    }
    bool due = q->sort == HD_SORT_DUE;
    int which = p.kind == PLAN_WALK      ? (due ? ST_WALK_DUE : ST_WALK_NEW)
                : p.kind == PLAN_SET && p.key != NULL
                    ? (due ? ST_KEY_DUE : ST_KEY_NEW)
                : p.kind == PLAN_SET     ? (due ? ST_SET_DUE : ST_SET_NEW)
                : p.kind == PLAN_COLLECT ? (due ? ST_COLL_DUE : ST_COLL_NEW)
                                         : (due ? ST_PAGE_DUE : ST_PAGE_NEW);
    struct store_q *s = stmt(st, which);
    bind_query(s, q, &p);
    store_bind_int64(s, 14, q->after_due);
    store_bind_int64(s, 15, q->after_number);
    store_bind_int64(s, 16,
                     q->f.limit > 0 ? (int64_t)q->f.limit : STORE_NO_LIMIT);
    if (which == ST_KEY_DUE || which == ST_KEY_NEW)
        store_bind_text(s, 18, p.key);
    return store_collect(st, s, a, sizeof **ts_r, store_ticket_fill,
                         (void **)ts_r, n_r, err);
}

/* n rounded to two significant digits: an estimate says no more. */
static int64_t two_digits(int64_t n)
{
    int64_t unit = 1;
    while (n / unit >= 100)
        unit *= 10;
    return (n + unit / 2) / unit * unit;
}

int hd_store_queue_search_count(struct hd_store *st,
                                const struct hd_queue_query *q,
                                int64_t *n_r, bool *exact_r,
                                struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    struct plan p;
    int rc = plan_of(st, q, false, a, &p, err);
    *n_r = 0;
    *exact_r = true;
    if (rc == 0 && p.kind != PLAN_EMPTY && p.fts != NULL && !p.whole) {
        /* The view's tickets times the share of tickets matching among
         * those whose ids the sample covered. */
        struct hd_queue_query all = *q;
        all.text = NULL;
        int64_t view = 0;
        rc = hd_store_queue_count_cached(st, &all, &view, err);
        if (rc == 0) {
            int64_t est = (int64_t)((double)view * p.density + 0.5);
            *n_r = two_digits(est < view ? est : view);
            *exact_r = false;
        }
    } else if (rc == 0 && p.kind != PLAN_EMPTY) {
        struct store_q *s = stmt(st, p.fts != NULL ? ST_COLL_COUNT : ST_QCOUNT);
        bind_query(s, q, &p);
        rc = store_step_id(st, s, n_r, err) < 0 ? -1 : 0;
    }
    hd_arena_free(&a);
    return rc;
}

int hd_store_queue_count(struct hd_store *st, const struct hd_queue_query *q,
                         int64_t *n_r, struct hd_error *err)
{
    bool exact;
    return hd_store_queue_search_count(st, q, n_r, &exact, err);
}

int hd_store_search_warm(struct hd_store *st, struct hd_error *err)
{
    /* PostgreSQL's cache is the server's and outlives our restarts. */
    if (store_backend(st) == STORE_PG)
        return 0;
    static const int which[] = {ST_WARM_INDEX, ST_WARM_TICKETS, ST_WARM_DUE};
    for (size_t i = 0; i < HD_ARRAY_LEN(which); i++)
        if (store_step_id(st, stmt(st, which[i]), NULL, err) < 0)
            return -1;
    return 0;
}
