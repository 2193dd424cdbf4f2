/* store.c - connection, statement cache, transactions, migrations, meta.
 * The verbs for each area live in store_<area>.c; all of them share the
 * helpers declared in store_int.h.  SQLite specifics stay in these files.
 *
 * Migrations are the files schema/NNNN_name.sql, embedded at build time
 * (cmake/embed.cmake) and applied in order; PRAGMA user_version holds the
 * number of the last one applied.  Each runs in its own transaction, so a
 * crash mid-upgrade leaves the previous version intact.
 *
 * The seam of store_int.h (store_q, store_bind_*, store_step, store_col_*)
 * is implemented here for SQLite: one call each, no copies. */
#include "store_sqlite.h"
#include "store_count.h"
#include "store_pg.h"

#include "clock.h"
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hd_embedded {
    const char *name;
    const char *data;
    size_t len;
};
extern const struct hd_embedded hd_schema[];
extern const struct hd_embedded hd_schema_pg[];

/* One of the two is set: s on SQLite, pg on PostgreSQL (store_pg.c). */
struct store_q {
    sqlite3_stmt *s;
    struct store_pgq *pg;
};

struct stmt_slot {
    const char *const *key;
    struct store_q *q;
};

struct hd_store {
    sqlite3 *db;
    struct store_pg *pg; /* instead of db, on PostgreSQL */
    struct stmt_slot *slots;
    size_t nslots, used;
    int in_tx;
    struct store_bulk bulk; /* hd_store_set_bulk() */
    bool count_dirty; /* a ticket row changed in the open transaction */
    int search_sample, search_force; /* hd_store_search_tune() */
};

void hd_store_search_tune(struct hd_store *st, int sample, int force)
{
    st->search_sample = sample;
    st->search_force = force;
}

int store_search_sample(struct hd_store *st, int dflt)
{
    return st->search_sample > 0 ? st->search_sample : dflt;
}

int store_search_force(struct hd_store *st)
{
    return st->search_force;
}

sqlite3 *store_db(struct hd_store *st)
{
    return st->db;
}

enum store_backend store_backend(const struct hd_store *st)
{
    return st->pg != NULL ? STORE_PG : STORE_SQLITE;
}

int store_unsupported(struct hd_store *st, const char *what,
                      struct hd_error *err)
{
    (void)st;
    hd_error_set(err, HD_E_CONFIG, "%s is not supported on this store",
                 what);
    return -1;
}

_Static_assert(STORE_ROW == SQLITE_ROW && STORE_DONE == SQLITE_DONE &&
                   STORE_OK == SQLITE_OK && STORE_ERROR == SQLITE_ERROR,
               "store_step() hands SQLite's codes through");

static int pg_bind_int64(struct store_q *q, int i, int64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%lld", (long long)v);
    return store_pg_bind(q->pg, i, b, (size_t)n, false);
}

int store_bind_int64(struct store_q *q, int i, int64_t v)
{
    if (q->pg != NULL)
        return pg_bind_int64(q, i, v);
    return sqlite3_bind_int64(q->s, i, v);
}

int store_bind_int(struct store_q *q, int i, int v)
{
    if (q->pg != NULL)
        return pg_bind_int64(q, i, v);
    return sqlite3_bind_int(q->s, i, v);
}

int store_bind_double(struct store_q *q, int i, double v)
{
    if (q->pg != NULL) {
        char b[40];
        int n = snprintf(b, sizeof b, "%.17g", v);
        return store_pg_bind(q->pg, i, b, (size_t)n, false);
    }
    return sqlite3_bind_double(q->s, i, v);
}

int store_bind_null(struct store_q *q, int i)
{
    if (q->pg != NULL)
        return store_pg_bind(q->pg, i, NULL, 0, false);
    return sqlite3_bind_null(q->s, i);
}

int store_bind_textn(struct store_q *q, int i, const char *v, size_t n)
{
    if (q->pg != NULL)
        return store_pg_bind(q->pg, i, v ? v : "", n, false);
    return sqlite3_bind_text64(q->s, i, v, n, SQLITE_STATIC, SQLITE_UTF8);
}

int store_bind_blob(struct store_q *q, int i, const void *p, size_t n)
{
    if (q->pg != NULL)
        return store_pg_bind(q->pg, i, n > 0 ? (const char *)p : "", n,
                             true);
    /* zeroblob for n == 0: a NULL pointer would bind SQL NULL. */
    if (n == 0)
        return sqlite3_bind_zeroblob(q->s, i, 0);
    return sqlite3_bind_blob64(q->s, i, p, n, SQLITE_STATIC);
}

int store_bind_count(struct store_q *q)
{
    if (q->pg != NULL)
        return store_pg_param_count(q->pg);
    return sqlite3_bind_parameter_count(q->s);
}

int store_step(struct store_q *q)
{
    if (q->pg != NULL)
        return store_pg_step(q->pg);
    return sqlite3_step(q->s);
}

void store_reset(struct store_q *q)
{
    if (q->pg != NULL)
        store_pg_reset(q->pg);
    else
        sqlite3_reset(q->s);
}

int64_t store_col_int64(struct store_q *q, int i)
{
    if (q->pg != NULL) {
        const char *v = store_pg_col(q->pg, i, NULL);
        return v != NULL ? strtoll(v, NULL, 10) : 0;
    }
    return sqlite3_column_int64(q->s, i);
}

int store_col_int(struct store_q *q, int i)
{
    if (q->pg != NULL)
        return (int)store_col_int64(q, i);
    return sqlite3_column_int(q->s, i);
}

double store_col_double(struct store_q *q, int i)
{
    if (q->pg != NULL) {
        const char *v = store_pg_col(q->pg, i, NULL);
        return v != NULL ? strtod(v, NULL) : 0.0;
    }
    return sqlite3_column_double(q->s, i);
}

const char *store_col_str(struct store_q *q, int i)
{
    if (q->pg != NULL)
        return store_pg_col(q->pg, i, NULL);
    return (const char *)sqlite3_column_text(q->s, i);
}

const void *store_col_blob(struct store_q *q, int i)
{
    if (q->pg != NULL)
        return store_pg_col(q->pg, i, NULL);
    return sqlite3_column_blob(q->s, i);
}

size_t store_col_bytes(struct store_q *q, int i)
{
    if (q->pg != NULL) {
        size_t n = 0;
        (void)store_pg_col(q->pg, i, &n);
        return n;
    }
    return (size_t)sqlite3_column_bytes(q->s, i);
}

bool store_col_null(struct store_q *q, int i)
{
    if (q->pg != NULL)
        return store_pg_col_type(q->pg, i) == STORE_COL_NULL;
    return sqlite3_column_type(q->s, i) == SQLITE_NULL;
}

enum store_coltype store_col_type(struct store_q *q, int i)
{
    if (q->pg != NULL)
        return store_pg_col_type(q->pg, i);
    switch (sqlite3_column_type(q->s, i)) {
    case SQLITE_NULL:
        return STORE_COL_NULL;
    case SQLITE_INTEGER:
        return STORE_COL_INT;
    case SQLITE_FLOAT:
        return STORE_COL_REAL;
    default:
        return STORE_COL_TEXT;
    }
}

int store_col_count(struct store_q *q)
{
    if (q->pg != NULL)
        return store_pg_col_count(q->pg);
    return sqlite3_column_count(q->s);
}

const char *store_col_name(struct store_q *q, int i)
{
    if (q->pg != NULL)
        return store_pg_col_name(q->pg, i);
    return sqlite3_column_name(q->s, i);
}

int64_t store_changes(struct hd_store *st)
{
    if (st->pg != NULL)
        return store_pg_changes(st->pg);
    return sqlite3_changes64(st->db);
}

bool store_in_tx(struct hd_store *st)
{
    if (st->pg != NULL)
        return store_pg_in_tx(st->pg);
    return !sqlite3_get_autocommit(st->db);
}

void store_count_changed(struct hd_store *st)
{
    hd_store_count_invalidate();
    if (!store_in_tx(st))
        hd_store_count_invalidate(); /* already committed */
    else
        st->count_dirty = true; /* again at the commit */
}

static size_t slot_hash(const void *p, size_t n)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 7) & (n - 1);
}

static void slots_grow(struct hd_store *st)
{
    size_t n = st->nslots ? st->nslots * 2 : 128;
    struct stmt_slot *s = hd_xcalloc(n, sizeof *s);
    for (size_t i = 0; i < st->nslots; i++) {
        if (st->slots[i].key == NULL)
            continue;
        size_t h = slot_hash(st->slots[i].key, n);
        while (s[h].key != NULL)
            h = (h + 1) & (n - 1);
        s[h] = st->slots[i];
    }
    free(st->slots);
    st->slots = s;
    st->nslots = n;
}

struct store_q *store_stmt(struct hd_store *st, const char *const *sql)
{
    if (st->used * 2 >= st->nslots)
        slots_grow(st);
    size_t h = slot_hash(sql, st->nslots);
    while (st->slots[h].key != NULL && st->slots[h].key != sql)
        h = (h + 1) & (st->nslots - 1);
    struct stmt_slot *slot = &st->slots[h];
    if (slot->key == NULL) {
        /* Its own allocation: the slot table moves as it grows. */
        slot->q = hd_xcalloc(1, sizeof *slot->q);
        if (st->pg != NULL) {
            slot->q->pg = store_pg_stmt(st->pg, *sql);
        } else {
            int rc = sqlite3_prepare_v3(st->db, *sql, -1,
                                        SQLITE_PREPARE_PERSISTENT,
                                        &slot->q->s, NULL);
            if (rc != SQLITE_OK)
                hd_panic(__FILE__, __LINE__, "prepare failed: %s\nSQL: %s",
                         sqlite3_errmsg(st->db), *sql);
        }
        slot->key = sql;
        st->used++;
    }
    if (st->pg != NULL) {
        store_pg_clear(slot->q->pg);
        return slot->q;
    }
    sqlite3_reset(slot->q->s);
    sqlite3_clear_bindings(slot->q->s);
    return slot->q;
}

struct store_q *store_stmt_alt(struct hd_store *st,
                               const char *const *sqlite,
                               const char *const *pg)
{
    return store_stmt(st, store_backend(st) == STORE_PG ? pg : sqlite);
}

int store_fail(struct hd_store *st, int rc, struct hd_error *err)
{
    if (st->pg != NULL)
        return store_pg_fail(st->pg, err);
    const char *msg = sqlite3_errmsg(st->db);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        hd_error_set(err, HD_E_BUSY, "database busy: %s", msg);
        break;
    case SQLITE_FULL:
        hd_error_set(err, HD_E_NOSPACE, "disk full: %s", msg);
        break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
        hd_error_set(err, HD_E_TEMP, "database I/O error: %s", msg);
        break;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE ||
            rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            hd_error_set(err, HD_E_EXISTS, "already exists: %s", msg);
        else
            hd_error_set(err, HD_E_INVAL, "constraint failed: %s", msg);
        break;
    case SQLITE_READONLY:
        hd_error_set(err, HD_E_PERM, "database is read-only: %s", msg);
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        hd_error_set(err, HD_E_IO, "database damaged: %s", msg);
        break;
    default:
        hd_error_set(err, HD_E_INTERNAL, "database error %d: %s", rc, msg);
        break;
    }
    return -1;
}

int store_bind_text(struct store_q *s, int i, const char *v)
{
    if (v == NULL)
        return store_bind_null(s, i);
    return store_bind_textn(s, i, v, strlen(v));
}

int store_bind_id(struct store_q *s, int i, int64_t v)
{
    if (v <= 0)
        return store_bind_null(s, i);
    return store_bind_int64(s, i, v);
}

char *store_col_text(struct store_q *s, int i, struct hd_arena *a)
{
    const char *t = store_col_str(s, i);
    if (t == NULL)
        return NULL;
    return hd_arena_strndup(a, t, store_col_bytes(s, i));
}

int store_exec_done(struct hd_store *st, struct store_q *s,
                    struct hd_error *err)
{
    int rc = store_step(s);
    if (rc == STORE_DONE || rc == STORE_ROW) {
        store_reset(s);
        return 0;
    }
    store_reset(s);
    return store_fail(st, rc, err);
}

/* Runs s; on a row stores column 0 in *id_r.  1 / 0 / -1. */
int store_step_id(struct hd_store *st, struct store_q *s, int64_t *id_r,
                   struct hd_error *err)
{
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        if (id_r != NULL)
            *id_r = store_col_int64(s, 0);
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int store_insert(struct hd_store *st, struct store_q *s, int64_t *id_r,
                  struct hd_error *err)
{
    int64_t id = 0;
    int rc = store_step_id(st, s, &id, err);
    if (rc < 0)
        return -1;
    if (rc == 0 && id_r != NULL) /* no RETURNING id: a bug */
        hd_panic(__FILE__, __LINE__, "insert returned no id");
    if (id_r != NULL)
        *id_r = id;
    return 0;
}

/* Collects rows of s into an arena array of 'size'-byte records filled by
 * 'fill'.  Grows by doubling; the arena keeps the last copy only. */
int store_collect(struct hd_store *st, struct store_q *s, struct hd_arena *a,
                   size_t size,
                   void (*fill)(struct store_q *, struct hd_arena *, void *),
                   void **out_r, size_t *n_r, struct hd_error *err)
{
    size_t n = 0, cap = 16;
    char *arr = hd_arena_alloc(a, cap * size);
    int rc;
    while ((rc = store_step(s)) == STORE_ROW) {
        if (n == cap) {
            char *bigger = hd_arena_alloc(a, cap * 2 * size);
            memcpy(bigger, arr, cap * size);
            arr = bigger;
            cap *= 2;
        }
        fill(s, a, arr + n * size);
        n++;
    }
    store_reset(s);
    if (rc != STORE_DONE)
        return store_fail(st, rc, err);
    *out_r = arr;
    *n_r = n;
    return 0;
}

int store_exec(struct hd_store *st, const char *sql, struct hd_error *err)
{
    if (st->pg != NULL)
        return store_pg_exec(st->pg, sql, err);
    char *msg = NULL;
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        store_fail(st, rc, err);
        if (msg != NULL && err != NULL)
            snprintf(err->msg, sizeof err->msg, "%s", msg);
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* The migrations of this connection's engine: schema/ or schema/pg/, the
 * same numbers and names (tests/e2e/pg_schema.test.sh compares them). */
static const struct hd_embedded *schema_files(const struct hd_store *st)
{
    return st != NULL && st->pg != NULL ? hd_schema_pg : hd_schema;
}

int hd_store_schema_latest(void)
{
    int latest = 0;
    for (const struct hd_embedded *e = hd_schema; e->name != NULL; e++)
        latest = atoi(e->name) > latest ? atoi(e->name) : latest;
    return latest;
}

/* On PostgreSQL the version lives in a one-row table (there is no
 * user_version); its number means the same as on SQLite. */
static const char *const sql_pg_version[] = {
    "SELECT coalesce(max(version), 0) FROM store_version",
    "UPDATE store_version SET version = ?1",
};

int hd_store_schema_version(struct hd_store *st)
{
    if (st->pg != NULL) {
        int64_t v = 0;
        struct hd_error e;
        if (store_step_id(st, store_stmt(st, &sql_pg_version[0]), &v, &e) <
            0)
            return -1;
        return (int)v;
    }
    sqlite3_stmt *s;
    int v = -1;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) !=
        SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Bookkeeping and a lock that makes nodes starting together migrate once:
 * the second waits, then finds the work done. */
static int pg_migrate_begin(struct hd_store *st, struct hd_error *err)
{
    /* However long the node migrating first takes. */
    return store_exec(st,
                      "SET lock_timeout = 0;"
                      "SELECT pg_advisory_lock(7242001);"
                      "CREATE TABLE IF NOT EXISTS store_version "
                      "(version integer NOT NULL);"
                      "INSERT INTO store_version SELECT 0 WHERE NOT EXISTS "
                      "(SELECT 1 FROM store_version)",
                      err);
}

static int set_version(struct hd_store *st, int v, struct hd_error *err)
{
    if (st->pg != NULL) {
        struct store_q *q = store_stmt(st, &sql_pg_version[1]);
        store_bind_int(q, 1, v);
        return store_exec_done(st, q, err);
    }
    char pragma[48];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v);
    return store_exec(st, pragma, err);
}

static int migrate_files(struct hd_store *st, int target,
                         struct hd_error *err);

int hd_store_migrate(struct hd_store *st, int target, struct hd_error *err)
{
    if (st->pg == NULL)
        return migrate_files(st, target, err);
    if (pg_migrate_begin(st, err) < 0)
        return -1;
    int rc = migrate_files(st, target, err);
    (void)store_exec(st, "SELECT pg_advisory_unlock(7242001)", NULL);
    store_pg_set_busy_timeout(st->pg, 0);
    return rc;
}

static int migrate_files(struct hd_store *st, int target,
                         struct hd_error *err)
{
    int cur = hd_store_schema_version(st);
    int latest = hd_store_schema_latest();
    if (target <= 0)
        target = latest;
    if (cur > latest) {
        hd_error_set(err, HD_E_CONFIG,
                     "database schema %d is newer than this program (%d): "
                     "upgrade the program",
                     cur, latest);
        return -1;
    }
    for (const struct hd_embedded *e = schema_files(st); e->name != NULL;
         e++) {
        int v = atoi(e->name);
        if (v <= cur || v > target)
            continue;
        if (store_exec(st, st->pg ? "BEGIN" : "BEGIN IMMEDIATE", err) < 0)
            return -1;
        if (store_exec(st, e->data, err) < 0 || set_version(st, v, err) < 0) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
            store_exec(st, "ROLLBACK", NULL);
            hd_error_set(err, HD_E_INTERNAL, "migration %s failed: %.200s",
                         e->name, msg);
            return -1;
        }
        if (store_exec(st, "COMMIT", err) < 0)
            return -1;
        hd_log(HD_LOG_DEBUG, "store", "migrated", "schema=%d file=%s", v,
               e->name);
    }
    return 0;
}

/* Before SQLite initialises: no memory statistics.  With them on (the
 * library's default) every allocation SQLite makes takes one global
 * mutex, which the web server's threads then queue on; nothing here
 * reads the statistics.  Too late (SQLITE_MISUSE) only keeps them on. */
static void store_configure_library(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

bool hd_store_is_url(const char *path)
{
    return path != NULL && (strncmp(path, "postgresql://", 13) == 0 ||
                            strncmp(path, "postgres://", 11) == 0);
}

bool hd_store_is_pg(const struct hd_store *st)
{
    return st->pg != NULL;
}

static int open_pg(const char *url, unsigned flags, int busy_ms,
                   struct hd_store **st_r, struct hd_error *err)
{
    struct hd_store *st = hd_xcalloc(1, sizeof *st);
    if (store_pg_connect(url, busy_ms, &st->pg, err) < 0) {
        free(st);
        return -1;
    }
    if (flags & HD_STORE_READONLY) {
        if (store_exec(st, "SET default_transaction_read_only = on", err) <
            0)
            goto fail;
    } else if (!(flags & HD_STORE_NO_MIGRATE) &&
               hd_store_migrate(st, 0, err) < 0) {
        goto fail;
    }
    *st_r = st;
    return 0;
fail:
    hd_store_close(&st);
    return -1;
}

int hd_store_open(const char *path, unsigned flags, int busy_ms,
                  struct hd_store **st_r, struct hd_error *err)
{
    if (hd_store_is_url(path))
        return open_pg(path, flags, busy_ms, st_r, err);
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, store_configure_library);
    struct hd_store *st = hd_xcalloc(1, sizeof *st);
    int oflags = (flags & HD_STORE_READONLY)
                     ? SQLITE_OPEN_READONLY
                     : SQLITE_OPEN_READWRITE |
                           ((flags & HD_STORE_CREATE) ? SQLITE_OPEN_CREATE
                                                      : 0);
    oflags |= SQLITE_OPEN_NOMUTEX; /* one thread per connection */
    int rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
    if (rc != SQLITE_OK) {
        if (st->db == NULL)
            hd_error_set(err, HD_E_IO, "cannot open %s: out of memory",
                         path);
        else
            hd_error_set(err, rc == SQLITE_CANTOPEN ? HD_E_NOTFOUND
                                                    : HD_E_IO,
                         "cannot open database %s: %s", path,
                         sqlite3_errmsg(st->db));
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    store_count_watch(st->db, &st->count_dirty);
    sqlite3_busy_timeout(st->db, busy_ms > 0 ? busy_ms : 5000);
    if (store_fts_register(st->db) != SQLITE_OK) {
        hd_error_set(err, HD_E_INTERNAL, "cannot register the tokenizer");
        goto fail;
    }
    if (store_exec(st, "PRAGMA foreign_keys = ON", err) < 0)
        goto fail;
    /* Statement journals and sorter spill go to memory, not to files in
     * /var/tmp: a bulk import otherwise wrote ~80 temp pages a message. */
    if (store_exec(st, "PRAGMA temp_store = MEMORY", err) < 0)
        goto fail;
    if (!(flags & HD_STORE_READONLY)) {
        if (strcmp(path, ":memory:") != 0 &&
            store_exec(st, "PRAGMA journal_mode = WAL", err) < 0)
            goto fail;
        if (store_exec(st, "PRAGMA synchronous = NORMAL", err) < 0)
            goto fail;
        if (!(flags & HD_STORE_NO_MIGRATE) && hd_store_migrate(st, 0, err) < 0)
            goto fail;
    }
    *st_r = st;
    return 0;
fail:
    hd_store_close(&st);
    return -1;
}

void hd_store_close(struct hd_store **stp)
{
    struct hd_store *st = *stp;
    if (st == NULL)
        return;
    for (size_t i = 0; i < st->nslots; i++)
        if (st->slots[i].q != NULL) {
            if (st->slots[i].q->pg != NULL)
                store_pg_free(st->slots[i].q->pg);
            else
                sqlite3_finalize(st->slots[i].q->s);
            free(st->slots[i].q);
        }
    free(st->slots);
    if (st->db != NULL)
        sqlite3_close_v2(st->db);
    store_pg_close(st->pg);
    free(st);
    *stp = NULL;
}

static const char *const sql_tx[] = {
    "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK", "SAVEPOINT item",
    "RELEASE item", "ROLLBACK TO item", "BEGIN"};
/* PostgreSQL: a write transaction takes one lock that every writer of
 * every node takes, so writers run one at a time as under SQLite's BEGIN
 * IMMEDIATE, and code that reads then writes stays correct; readers
 * never wait (their snapshot is a repeatable-read transaction). */
#define STORE_PG_WRITE_LOCK "7242002"
static const char *const sql_tx_pg[] = {
    "BEGIN", "SELECT pg_advisory_xact_lock(" STORE_PG_WRITE_LOCK ")",
    "BEGIN ISOLATION LEVEL REPEATABLE READ"};

bool hd_store_in_transaction(const struct hd_store *st)
{
    return st->in_tx != 0;
}

int hd_store_savepoint(struct hd_store *st, struct hd_error *err)
{
    hd_assert(st->in_tx);
    return store_exec_done(st, store_stmt(st, &sql_tx[3]), err);
}

int hd_store_release(struct hd_store *st, struct hd_error *err)
{
    return store_exec_done(st, store_stmt(st, &sql_tx[4]), err);
}

void hd_store_rollback_to(struct hd_store *st)
{
    (void)store_exec_done(st, store_stmt(st, &sql_tx[5]), NULL);
    (void)store_exec_done(st, store_stmt(st, &sql_tx[4]), NULL);
}

int hd_store_begin(struct hd_store *st, struct hd_error *err)
{
    hd_assert(!st->in_tx);
    struct store_q *s = store_stmt_alt(st, &sql_tx[0], &sql_tx_pg[0]);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    st->in_tx = 1;
    if (st->pg != NULL &&
        store_exec_done(st, store_stmt(st, &sql_tx_pg[1]), err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    if (st->bulk.on && store_bulk_begin(st, &st->bulk, err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    return 0;
}

int hd_store_commit(struct hd_store *st, struct hd_error *err)
{
    hd_assert(st->in_tx);
    if (st->bulk.on && store_bulk_index(st, &st->bulk, err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    struct store_q *s = store_stmt(st, &sql_tx[1]);
    if (store_exec_done(st, s, err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    st->in_tx = 0;
    /* No hooks on PostgreSQL: any write transaction may have changed a
     * ticket, so this process's cached counts go (store_count.h); other
     * nodes' changes show within the cache's bound, as other processes'
     * do on SQLite. */
    if (st->pg != NULL)
        hd_store_count_invalidate();
    if (st->bulk.on)
        store_bulk_end(st);
    return 0;
}

int hd_store_read_begin(struct hd_store *st, struct hd_error *err)
{
    hd_assert(!st->in_tx);
    if (store_exec_done(st, store_stmt_alt(st, &sql_tx[6], &sql_tx_pg[2]),
                        err) < 0)
        return -1;
    st->in_tx = 1;
    return 0;
}

void hd_store_read_end(struct hd_store *st)
{
    if (!st->in_tx)
        return;
    (void)store_exec_done(st, store_stmt(st, &sql_tx[1]), NULL);
    st->in_tx = 0;
}

void hd_store_rollback(struct hd_store *st)
{
    if (!st->in_tx)
        return;
    struct store_q *s = store_stmt(st, &sql_tx[2]);
    (void)store_exec_done(st, s, NULL);
    st->in_tx = 0;
    if (st->bulk.on)
        store_bulk_end(st);
}

void hd_store_set_busy_timeout(struct hd_store *st, int busy_ms)
{
    hd_assert(busy_ms > 0);
    if (st->pg != NULL)
        store_pg_set_busy_timeout(st->pg, busy_ms);
    else
        sqlite3_busy_timeout(st->db, busy_ms);
}

void hd_store_set_durable(struct hd_store *st, bool durable)
{
    /* PostgreSQL commits are always durable (synchronous_commit = on, and
     * on the standby too with synchronous_standby_names). */
    if (st->pg != NULL)
        return;
    (void)store_exec(st, durable ? "PRAGMA synchronous = FULL"
                               : "PRAGMA synchronous = NORMAL",
                   NULL);
}

void hd_store_set_no_checkpoint_on_close(struct hd_store *st)
{
    if (st->pg != NULL)
        return;
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
}

void hd_store_set_bulk(struct hd_store *st)
{
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d",
             HD_STORE_BULK_CACHE_KIB);
    if (st->db != NULL)
        (void)sqlite3_exec(st->db, pragma, NULL, NULL, NULL);
    st->bulk.on = true;
    store_bulk_end(st);
}

enum { ST_META_GET, ST_META_SET, ST_META_COUNT };
static const char *const sql_meta[ST_META_COUNT] = {
    [ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [ST_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
};

int hd_store_meta_get(struct hd_store *st, const char *key,
                      struct hd_arena *a, char **value_r,
                      struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql_meta[ST_META_GET]);
    store_bind_text(s, 1, key);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        *value_r = store_col_text(s, 0, a);
        store_reset(s);
        return 1;
    }
    store_reset(s);
    if (rc == STORE_DONE)
        return 0;
    return store_fail(st, rc, err);
}

int hd_store_meta_set(struct hd_store *st, const char *key,
                      const char *value, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql_meta[ST_META_SET]);
    store_bind_text(s, 1, key);
    store_bind_text(s, 2, value);
    return store_exec_done(st, s, err);
}
