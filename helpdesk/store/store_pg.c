/* store_pg.c - the store's seam on PostgreSQL through libpq: one PGconn
 * per hd_store, statements translated once and prepared once per
 * connection, parameters as text, results as text (store_pg.h says what
 * differs from SQLite and why). */
#include "store_pg.h"

#include "codec.h"
#include "log.h"

#include <libpq-fe.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type oids of pg_type.h (server headers are not installed for clients). */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21,
       OID_INT4 = 23, OID_OID = 26, OID_FLOAT4 = 700, OID_FLOAT8 = 701,
       OID_NUMERIC = 1700 };

struct store_pg {
    PGconn *c;
    char *url;
    int busy_ms;
    unsigned gen;     /* bumped by every reconnect: statements re-prepare */
    unsigned seq;     /* names of prepared statements */
    int64_t changes;  /* rows of the last INSERT / UPDATE / DELETE */
    bool doomed;      /* the connection died inside a transaction */
    char state[6];    /* SQLSTATE of the last error */
    char msg[256];    /* and its message */
    char version[32];
};

struct pg_param {
    const char *v; /* NULL: SQL NULL */
    int len;
    bool binary;
    char *own; /* text copies (libpq wants them NUL-terminated) */
    size_t cap;
};

struct store_pgq {
    struct store_pg *c;
    char *sql; /* translated */
    char name[16];
    unsigned gen; /* connection generation it was prepared on; 0 none */
    bool write;   /* INSERT / UPDATE / DELETE: runs under a savepoint */
    bool rollback; /* a ROLLBACK: succeeds on a dead transaction */
    int np;
    struct pg_param *p;
    const char **vals;
    int *lens, *fmts;
    PGresult *res;
    int row, nrows;
    char **dec; /* decoded bytea of the current row, per column */
    size_t *declen;
    int ncols;
};

/* ---- translation ------------------------------------------------------ */

static bool word_at(const char *s, size_t i, const char *w)
{
    size_t n = strlen(w);
    if (strncasecmp(s + i, w, n) != 0)
        return false;
    char before = i > 0 ? s[i - 1] : ' ';
    char after = s[i + n];
    bool bw = (before >= 'a' && before <= 'z') ||
              (before >= 'A' && before <= 'Z') || before == '_' ||
              (before >= '0' && before <= '9');
    bool aw = (after >= 'a' && after <= 'z') ||
              (after >= 'A' && after <= 'Z') || after == '_' ||
              (after >= '0' && after <= '9');
    return !bw && !aw;
}

static size_t skip_space(const char *s, size_t i)
{
    while (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')
        i++;
    return i;
}

static size_t skip_ident(const char *s, size_t i)
{
    if (s[i] == '"') {
        i++;
        while (s[i] != '\0' && s[i] != '"')
            i++;
        return s[i] == '"' ? i + 1 : i;
    }
    while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
           (s[i] >= '0' && s[i] <= '9') || s[i] == '_')
        i++;
    return i;
}

/* The translation store_pg.h lists, and the number of parameters. */
static char *translate(const char *sql, int *np_r)
{
    size_t n = strlen(sql);
    char *out = hd_xmalloc(n * 2 + 16);
    size_t o = 0, i = 0;
    int np = 0;
    while (i < n) {
        char ch = sql[i];
        if (ch == '\'' || ch == '"') { /* quoted: copied as is */
            out[o++] = sql[i++];
            while (i < n) {
                out[o++] = sql[i];
                if (sql[i++] == ch) {
                    if (sql[i] == ch) { /* doubled quote */
                        out[o++] = sql[i++];
                        continue;
                    }
                    break;
                }
            }
            continue;
        }
        if (ch == '-' && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n')
                out[o++] = sql[i++];
            continue;
        }
        if (ch == '/' && sql[i + 1] == '*') {
            const char *end = strstr(sql + i + 2, "*/");
            size_t stop = end ? (size_t)(end - sql) + 2 : n;
            while (i < stop)
                out[o++] = sql[i++];
            continue;
        }
        if (ch == '?') {
            i++;
            int num = 0;
            if (sql[i] >= '0' && sql[i] <= '9') {
                while (sql[i] >= '0' && sql[i] <= '9')
                    num = num * 10 + (sql[i++] - '0');
            } else {
                num = np + 1;
            }
            if (num > np)
                np = num;
            o += (size_t)snprintf(out + o, 12, "$%d", num);
            continue;
        }
        if (word_at(sql, i, "LIMIT")) {
            size_t j = skip_space(sql, i + 5);
            if (sql[j] == '-' && sql[j + 1] == '1' &&
                !(sql[j + 2] >= '0' && sql[j + 2] <= '9')) {
                memcpy(out + o, "LIMIT ALL", 9);
                o += 9;
                i = j + 2;
                continue;
            }
        }
        if (word_at(sql, i, "INDEXED")) {
            size_t j = skip_space(sql, i + 7);
            if (word_at(sql, j, "BY")) {
                i = skip_ident(sql, skip_space(sql, j + 2));
                continue;
            }
        }
        if (word_at(sql, i, "NOT")) {
            size_t j = skip_space(sql, i + 3);
            if (word_at(sql, j, "INDEXED")) {
                i = j + 7;
                continue;
            }
        }
        out[o++] = sql[i++];
    }
    out[o] = '\0';
    *np_r = np;
    return out;
}

/* ---- connection -------------------------------------------------------- */

static void set_error(struct store_pg *c, const char *state, const char *msg)
{
    snprintf(c->state, sizeof c->state, "%s", state ? state : "XX000");
    snprintf(c->msg, sizeof c->msg, "%s", msg ? msg : "");
    /* libpq messages span lines; ours are one line (logs, errors) */
    for (char *p = c->msg; *p != '\0'; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r')
            *p = ' ';
    size_t n = strlen(c->msg);
    while (n > 0 && (c->msg[n - 1] == '\n' || c->msg[n - 1] == ' '))
        c->msg[--n] = '\0';
}

static void set_error_res(struct store_pg *c, const PGresult *r)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                      : NULL;
    if (st == NULL && PQstatus(c->c) != CONNECTION_OK)
        st = "08006";
    set_error(c, st, m ? m : PQerrorMessage(c->c));
}

static int simple(struct store_pg *c, const char *sql)
{
    PGresult *r = PQexec(c->c, sql);
    ExecStatusType s = PQresultStatus(r);
    int rc = 0;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        set_error_res(c, r);
        rc = -1;
    }
    PQclear(r);
    return rc;
}

/* Settings every session starts with (again after a reconnect). */
static int session_setup(struct store_pg *c)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "SET client_encoding = 'UTF8'; SET lock_timeout = %d; "
             "SET TIME ZONE 'UTC'",
             c->busy_ms);
    return simple(c, sql);
}

static void notice_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* NOTICEs of our own schema are not errors */
}

int store_pg_connect(const char *url, int busy_ms, struct store_pg **c_r,
                     struct hd_error *err)
{
    struct store_pg *c = hd_xcalloc(1, sizeof *c);
    c->url = hd_xstrdup(url);
    c->busy_ms = busy_ms > 0 ? busy_ms : 5000;
    c->gen = 1;
    c->c = PQconnectdb(url);
    if (c->c == NULL || PQstatus(c->c) != CONNECTION_OK) {
        /* The message names host and port, never the password. */
        set_error(c, "08006", c->c ? PQerrorMessage(c->c) : "out of memory");
        hd_error_set(err, HD_E_TEMP, "cannot connect to PostgreSQL: %s",
                     c->msg);
        store_pg_close(c);
        return -1;
    }
    PQsetNoticeProcessor(c->c, notice_quiet, NULL);
    if (session_setup(c) < 0) {
        store_pg_fail(c, err);
        store_pg_close(c);
        return -1;
    }
    *c_r = c;
    return 0;
}

void store_pg_close(struct store_pg *c)
{
    if (c == NULL)
        return;
    if (c->c != NULL)
        PQfinish(c->c);
    free(c->url);
    free(c);
}

void store_pg_set_busy_timeout(struct store_pg *c, int busy_ms)
{
    if (busy_ms > 0)
        c->busy_ms = busy_ms;
    if (PQstatus(c->c) == CONNECTION_OK)
        (void)session_setup(c);
}

/* A new session after the old one died (a failover: libpq tries every
 * host of the URL again and keeps the one target_session_attrs wants). */
static int reconnect(struct store_pg *c)
{
    PQreset(c->c);
    if (PQstatus(c->c) != CONNECTION_OK) {
        set_error(c, "08006", PQerrorMessage(c->c));
        return -1;
    }
    c->gen++;
    if (session_setup(c) < 0)
        return -1;
    hd_log(HD_LOG_WARN, "store", "reconnected", "server=%s:%s",
           PQhost(c->c), PQport(c->c));
    return 0;
}

const char *store_pg_server_version(struct store_pg *c)
{
    if (c->version[0] == '\0') {
        const char *v = PQparameterStatus(c->c, "server_version");
        snprintf(c->version, sizeof c->version, "%s", v ? v : "");
    }
    return c->version;
}

int64_t store_pg_changes(struct store_pg *c)
{
    return c->changes;
}

bool store_pg_in_tx(struct store_pg *c)
{
    PGTransactionStatusType t = PQtransactionStatus(c->c);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR ||
           t == PQTRANS_ACTIVE || c->doomed;
}

int store_pg_exec(struct store_pg *c, const char *sql, struct hd_error *err)
{
    if (PQstatus(c->c) != CONNECTION_OK && !c->doomed && reconnect(c) < 0)
        return store_pg_fail(c, err);
    if (simple(c, sql) < 0)
        return store_pg_fail(c, err);
    return 0;
}

int store_pg_fail(struct store_pg *c, struct hd_error *err)
{
    const char *s = c->state;
    const char *m = c->msg;
    if (strcmp(s, "23505") == 0)
        hd_error_set(err, HD_E_EXISTS, "already exists: %s", m);
    else if (strncmp(s, "23", 2) == 0)
        hd_error_set(err, HD_E_INVAL, "constraint failed: %s", m);
    else if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0 ||
             strcmp(s, "55P03") == 0 || strncmp(s, "08", 2) == 0 ||
             strncmp(s, "57P", 3) == 0 || strcmp(s, "25006") == 0 ||
             strcmp(s, "57014") == 0)
        hd_error_set(err, HD_E_BUSY, "database busy or unreachable: %s", m);
    else if (strcmp(s, "53100") == 0)
        hd_error_set(err, HD_E_NOSPACE, "disk full: %s", m);
    else if (strncmp(s, "53", 2) == 0 || strncmp(s, "58", 2) == 0)
        hd_error_set(err, HD_E_TEMP, "database resources: %s", m);
    else if (strcmp(s, "42501") == 0)
        hd_error_set(err, HD_E_PERM, "database permission denied: %s", m);
    else
        hd_error_set(err, HD_E_INTERNAL, "database error %s: %s", s, m);
    return -1;
}

/* ---- statements -------------------------------------------------------- */

static bool starts_with_word(const char *sql, const char *w)
{
    size_t i = skip_space(sql, 0);
    return word_at(sql, i, w);
}

struct store_pgq *store_pg_stmt(struct store_pg *c, const char *sql)
{
    struct store_pgq *q = hd_xcalloc(1, sizeof *q);
    q->c = c;
    q->sql = translate(sql, &q->np);
    q->write = starts_with_word(q->sql, "INSERT") ||
               starts_with_word(q->sql, "UPDATE") ||
               starts_with_word(q->sql, "DELETE") ||
               starts_with_word(q->sql, "WITH");
    q->rollback = starts_with_word(q->sql, "ROLLBACK") &&
                  strstr(q->sql, " TO ") == NULL;
    if (q->np > 0) {
        q->p = hd_xcalloc((size_t)q->np, sizeof *q->p);
        q->vals = hd_xcalloc((size_t)q->np, sizeof *q->vals);
        q->lens = hd_xcalloc((size_t)q->np, sizeof *q->lens);
        q->fmts = hd_xcalloc((size_t)q->np, sizeof *q->fmts);
    }
    q->row = -1;
    return q;
}

static void drop_result(struct store_pgq *q)
{
    if (q->res != NULL)
        PQclear(q->res);
    q->res = NULL;
    q->row = -1;
    q->nrows = 0;
    for (int i = 0; i < q->ncols; i++) {
        free(q->dec[i]);
        q->dec[i] = NULL;
    }
}

void store_pg_free(struct store_pgq *q)
{
    if (q == NULL)
        return;
    drop_result(q);
    for (int i = 0; i < q->np; i++)
        free(q->p[i].own);
    free(q->p);
    free(q->vals);
    free(q->lens);
    free(q->fmts);
    free(q->dec);
    free(q->declen);
    free(q->sql);
    free(q);
}

void store_pg_reset(struct store_pgq *q)
{
    drop_result(q);
}

void store_pg_clear(struct store_pgq *q)
{
    drop_result(q);
    for (int i = 0; i < q->np; i++) {
        q->p[i].v = NULL;
        q->p[i].len = 0;
        q->p[i].binary = false;
    }
}

int store_pg_param_count(struct store_pgq *q)
{
    return q->np;
}

int store_pg_bind(struct store_pgq *q, int i, const char *v, size_t n,
                  bool binary)
{
    if (i < 1 || i > q->np)
        return STORE_ERROR;
    struct pg_param *p = &q->p[i - 1];
    drop_result(q);
    p->binary = binary;
    p->len = (int)n;
    if (v == NULL || binary) {
        p->v = v == NULL ? NULL : (v != NULL && n == 0 ? "" : v);
        return STORE_OK;
    }
    if (p->cap < n + 1) {
        free(p->own);
        p->cap = n + 1 < 32 ? 32 : n + 1;
        p->own = hd_xmalloc(p->cap);
    }
    memcpy(p->own, v, n);
    p->own[n] = '\0';
    p->v = p->own;
    return STORE_OK;
}

/* Notes a lost connection: inside a transaction it is doomed until the
 * caller's ROLLBACK; outside, the next statement reconnects. */
static void note_loss(struct store_pg *c, bool in_tx)
{
    if (PQstatus(c->c) == CONNECTION_OK)
        return;
    if (in_tx)
        c->doomed = true;
    if (c->state[0] == '\0' || strncmp(c->state, "08", 2) != 0)
        set_error(c, "08006", c->msg);
}

/* The error code for store_step: STORE_ERROR for a query the server could
 * not parse or run on its input (syntax, data), else a generic failure. */
static int step_error(struct store_pg *c)
{
    if (strncmp(c->state, "42", 2) == 0 || strncmp(c->state, "22", 2) == 0)
        return STORE_ERROR;
    return 2;
}

static int prepare(struct store_pgq *q)
{
    struct store_pg *c = q->c;
    snprintf(q->name, sizeof q->name, "s%u", ++c->seq);
    PGresult *r = PQprepare(c->c, q->name, q->sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        set_error_res(c, r);
        PQclear(r);
        if (PQstatus(c->c) != CONNECTION_OK)
            return -1;
        hd_panic(__FILE__, __LINE__, "prepare failed: %s %s\nSQL: %s",
                 c->state, c->msg, q->sql);
    }
    PQclear(r);
    q->gen = c->gen;
    return 0;
}

static int run_once(struct store_pgq *q);

/* A read that finds its session gone outside a transaction (the server
 * restarted or failed over since the last statement) runs once more on a
 * new one.  A write is never repeated: it may have committed before the
 * session died, so its caller hears "busy" and decides (mail is retried by
 * the MTA and its intake is idempotent). */
static int run(struct store_pgq *q)
{
    PGTransactionStatusType t = PQtransactionStatus(q->c->c);
    bool idle = t == PQTRANS_IDLE && !q->c->doomed;
    int rc = run_once(q);
    if (rc != STORE_OK && idle && !q->write &&
        PQstatus(q->c->c) != CONNECTION_OK && !q->c->doomed)
        rc = run_once(q);
    return rc;
}

static int run_once(struct store_pgq *q)
{
    struct store_pg *c = q->c;
    c->state[0] = '\0';
    if (c->doomed) {
        if (q->rollback) { /* the transaction died with the session */
            c->doomed = false;
            c->changes = 0;
            q->row = -1;
            q->nrows = 0;
            return STORE_DONE;
        }
        set_error(c, "08006", "connection lost inside a transaction");
        return step_error(c);
    }
    /* Between transactions, a session whose server has gone (closed the
     * socket: a restart, a killed primary) is replaced before anything is
     * sent, so even a write runs on the new one.  Reading is cheap here:
     * no wait, only what the socket already holds (a server's last words,
     * then the end of the stream: a few reads). */
    for (int i = 0; i < 4 && PQstatus(c->c) == CONNECTION_OK &&
                    PQtransactionStatus(c->c) == PQTRANS_IDLE;
         i++)
        if (!PQconsumeInput(c->c))
            break;
    if (PQstatus(c->c) != CONNECTION_OK && reconnect(c) < 0)
        return step_error(c);
    PGTransactionStatusType t = PQtransactionStatus(c->c);
    bool in_tx = t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
    if (q->gen != c->gen && prepare(q) < 0) {
        note_loss(c, in_tx);
        return step_error(c);
    }
    bool sp = q->write && t == PQTRANS_INTRANS;
    if (sp && simple(c, "SAVEPOINT hd_stmt") < 0) {
        note_loss(c, in_tx);
        return step_error(c);
    }
    for (int i = 0; i < q->np; i++) {
        q->vals[i] = q->p[i].v;
        q->lens[i] = q->p[i].len;
        q->fmts[i] = q->p[i].binary ? 1 : 0;
    }
    PGresult *r = PQexecPrepared(c->c, q->name, q->np, q->vals, q->lens,
                                 q->fmts, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
        if (s == PGRES_COMMAND_OK) {
            const char *k = PQcmdTuples(r);
            c->changes = *k ? strtoll(k, NULL, 10) : 0;
        } else if (q->write) {
            c->changes = PQntuples(r); /* INSERT ... RETURNING */
        }
        if (sp && simple(c, "RELEASE SAVEPOINT hd_stmt") < 0) {
            PQclear(r);
            note_loss(c, in_tx);
            return step_error(c);
        }
        q->res = r;
        q->nrows = PQntuples(r);
        q->row = -1;
        int nc = PQnfields(r);
        if (nc > q->ncols) {
            q->dec = realloc(q->dec, (size_t)nc * sizeof *q->dec);
            q->declen = realloc(q->declen, (size_t)nc * sizeof *q->declen);
            if (q->dec == NULL || q->declen == NULL)
                hd_panic(__FILE__, __LINE__, "out of memory");
            for (int i = q->ncols; i < nc; i++)
                q->dec[i] = NULL;
            q->ncols = nc;
        }
        return STORE_OK;
    }
    set_error_res(c, r);
    PQclear(r);
    if (PQstatus(c->c) != CONNECTION_OK) {
        note_loss(c, in_tx && !q->rollback);
        return step_error(c);
    }
    if (sp) {
        char state[6], msg[256];
        memcpy(state, c->state, sizeof state);
        memcpy(msg, c->msg, sizeof msg);
        (void)simple(c, "ROLLBACK TO SAVEPOINT hd_stmt; "
                        "RELEASE SAVEPOINT hd_stmt");
        memcpy(c->state, state, sizeof state);
        memcpy(c->msg, msg, sizeof msg);
    }
    return step_error(c);
}

int store_pg_step(struct store_pgq *q)
{
    if (q->res == NULL && q->row == -1) {
        int rc = run(q);
        if (rc == STORE_DONE) {
            q->row = 0; /* a finished run without a result */
            return STORE_DONE;
        }
        if (rc != STORE_OK)
            return rc;
    } else if (q->res == NULL) {
        return STORE_DONE;
    }
    for (int i = 0; i < q->ncols; i++) {
        free(q->dec[i]);
        q->dec[i] = NULL;
    }
    if (++q->row < q->nrows)
        return STORE_ROW;
    q->row = q->nrows;
    return STORE_DONE;
}

static bool has_row(const struct store_pgq *q, int i)
{
    return q->res != NULL && q->row >= 0 && q->row < q->nrows && i >= 0 &&
           i < PQnfields(q->res);
}


const char *store_pg_col(struct store_pgq *q, int i, size_t *n_r)
{
    if (n_r != NULL)
        *n_r = 0;
    if (!has_row(q, i) || PQgetisnull(q->res, q->row, i))
        return NULL;
    const char *v = PQgetvalue(q->res, q->row, i);
    size_t n = (size_t)PQgetlength(q->res, q->row, i);
    Oid t = PQftype(q->res, i);
    if (t == OID_BOOL) {
        v = v[0] == 't' ? "1" : "0";
        n = 1;
    } else if (t == OID_BYTEA) {
        if (q->dec[i] == NULL) {
            /* hex format (bytea_output's default since 9.0): \x0a1b... */
            size_t m = n >= 2 && v[0] == '\\' && v[1] == 'x' ? (n - 2) / 2
                                                              : 0;
            char *d = hd_xmalloc(m + 1);
            for (size_t k = 0; k < m; k++) {
                int hi = hd_hex_digit(v[2 + 2 * k]);
                int lo = hd_hex_digit(v[3 + 2 * k]);
                d[k] = (char)((hi < 0 ? 0 : hi) << 4 | (lo < 0 ? 0 : lo));
            }
            d[m] = '\0';
            q->dec[i] = d;
            q->declen[i] = m;
        }
        v = q->dec[i];
        n = q->declen[i];
    }
    if (n_r != NULL)
        *n_r = n;
    return v;
}

enum store_coltype store_pg_col_type(struct store_pgq *q, int i)
{
    if (!has_row(q, i) || PQgetisnull(q->res, q->row, i))
        return STORE_COL_NULL;
    switch (PQftype(q->res, i)) {
    case OID_BOOL:
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
        return STORE_COL_INT;
    case OID_FLOAT4:
    case OID_FLOAT8:
        return STORE_COL_REAL;
    case OID_NUMERIC: { /* sum() of integers is numeric: still an integer */
        const char *v = PQgetvalue(q->res, q->row, i);
        return strpbrk(v, ".eE") ? STORE_COL_REAL : STORE_COL_INT;
    }
    default:
        return STORE_COL_TEXT;
    }
}

int store_pg_col_count(struct store_pgq *q)
{
    if (q->res != NULL)
        return PQnfields(q->res);
    /* Before the first step SQLite already knows; describe it here. */
    if (q->gen != q->c->gen && prepare(q) < 0)
        return 0;
    PGresult *d = PQdescribePrepared(q->c->c, q->name);
    int n = PQresultStatus(d) == PGRES_COMMAND_OK ? PQnfields(d) : 0;
    PQclear(d);
    return n;
}

const char *store_pg_col_name(struct store_pgq *q, int i)
{
    if (q->res == NULL || i < 0 || i >= PQnfields(q->res))
        return NULL;
    return PQfname(q->res, i);
}
