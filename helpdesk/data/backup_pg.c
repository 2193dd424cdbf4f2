/* backup_pg.c - the snapshot of an instance whose store is PostgreSQL:
 * pg_dump of the database (one consistent snapshot by itself), the facts a
 * manifest needs read back out of that dump, and pg_restore into an empty
 * database.  Everything else (packing, generations, blobs, pruning, the
 * log) is the code SQLite instances use, in backup.c and backup_io.c.
 *
 * The manifest's counts, audit head and blob list come from the dump and
 * not from the live database: pg_dump's snapshot is its own, and a blob
 * row erased or added between the two would otherwise leave the
 * generation without bytes its dump refers to.  Verify reads the dump
 * again the same way, so every byte of table data is decoded by
 * pg_restore and the counts must come out as the manifest says.
 *
 * The password of the store's URL never reaches argv (where ps shows it)
 * or a message: the tools get the URL with it taken out, and the password
 * as PGPASSWORD in their own environment.  A URL without one leaves libpq
 * to ~/.pgpass or PGPASSFILE as usual.  The tools are Debian's
 * /usr/lib/postgresql/15/bin ones when present, else those on PATH. */
#include "backup_int.h"

#include "codec.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG_TOOL_DIR "/usr/lib/postgresql/15/bin"
#define PG_ERR_KEEP 300 /* bytes of a tool's last error line kept */
#define PG_COLS_MAX 64  /* columns of a COPY header we index */

extern char **environ;

static bool has_scheme(const char *url, const char **rest_r)
{
    static const char *const schemes[] = {"postgresql://", "postgres://"};
    for (size_t i = 0; i < HD_ARRAY_LEN(schemes); i++)
        if (strncmp(url, schemes[i], strlen(schemes[i])) == 0) {
            *rest_r = url + strlen(schemes[i]);
            return true;
        }
    return false;
}


/* %XX-decoded copy of s[0..n) (a bad escape stays as it is). */
static char *pct_decode(struct hd_arena *a, const char *s, size_t n)
{
    char *out = hd_arena_alloc(a, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '%' && i + 2 < n && (h = hd_hex_digit(s[i + 1])) >= 0 &&
            (l = hd_hex_digit(s[i + 2])) >= 0) {
            *o++ = (char)(h * 16 + l);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* The query string q (without '?') with every password=... parameter
 * removed; the last one's value decoded into *pw_r. */
static char *strip_query_pw(struct hd_arena *a, const char *q,
                            const char **pw_r)
{
    char *out = hd_arena_alloc(a, strlen(q) + 1), *o = out;
    const char *p = q;
    while (*p != '\0') {
        const char *end = strchr(p, '&');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n >= 9 && strncmp(p, "password=", 9) == 0) {
            *pw_r = pct_decode(a, p + 9, n - 9);
        } else {
            if (o != out)
                *o++ = '&';
            memcpy(o, p, n);
            o += n;
        }
        p += n + (end != NULL);
    }
    *o = '\0';
    return out;
}

int bk_pg_url_split(const char *url, struct hd_arena *a, const char **bare_r,
                    const char **pw_r, struct hd_error *err)
{
    const char *rest;
    *pw_r = NULL;
    if (url == NULL || !has_scheme(url, &rest)) {
        hd_error_set(err, HD_E_INVAL, "not a postgresql:// URL");
        return -1;
    }
    size_t scheme = (size_t)(rest - url);
    size_t auth = strcspn(rest, "/?");
    const char *at = NULL;
    for (size_t i = 0; i < auth; i++) /* the last '@' ends the user part */
        if (rest[i] == '@')
            at = rest + i;
    const char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
    const char *tail = rest + auth, *q = strchr(tail, '?');
    size_t path = q ? (size_t)(q - tail) : strlen(tail);
    if (colon != NULL)
        *pw_r = pct_decode(a, colon + 1, (size_t)(at - colon - 1));
    const char *query = q ? strip_query_pw(a, q + 1, pw_r) : "";
    /* scheme, user (without ":password"), hosts, path, '?' query */
    const char *user_end = colon ? colon : at ? at : rest;
    *bare_r = hd_arena_printf(
        a, "%.*s%.*s%.*s%.*s%s%s", (int)scheme, url,
        (int)(user_end - rest), rest, (int)(rest + auth - (at ? at : rest)),
        at ? at : rest, (int)path, tail, *query ? "?" : "", query);
    return 0;
}

/* The environment for a tool: ours without PGPASSWORD, plus the URL's
 * password when it had one.  Heap; free_env wipes and frees it. */
static char **tool_env(const char *pw)
{
    size_t n = 0, k = 0;
    while (environ[n] != NULL)
        n++;
    char **env = hd_xcalloc(n + 2, sizeof *env);
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "PGPASSWORD=", 11) != 0)
            env[k++] = hd_xstrdup(environ[i]);
    if (pw != NULL) {
        size_t len = strlen(pw) + 12;
        env[k] = hd_xmalloc(len);
        snprintf(env[k], len, "PGPASSWORD=%s", pw);
    }
    return env;
}

static void free_env(char **env)
{
    for (size_t i = 0; env[i] != NULL; i++) {
        hd_memzero_explicit(env[i], strlen(env[i]));
        free(env[i]);
    }
    free(env);
}

/* Starts tool with argv (argv[0] is its name), stdin from /dev/null,
 * stdout to out_fd (-1: /dev/null), stderr to err_path.  *pid_r. */
static int tool_start(char *const argv[], const char *pw, int out_fd,
                      const char *err_path, pid_t *pid_r,
                      struct hd_error *err)
{
    char path[BK_PATH_MAX];
    snprintf(path, sizeof path, PG_TOOL_DIR "/%s", argv[0]);
    bool debian = access(path, X_OK) == 0;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    else
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char **env = tool_env(pw);
    int rc = debian ? posix_spawn(pid_r, path, &fa, NULL, argv, env)
                    : posix_spawnp(pid_r, argv[0], &fa, NULL, argv, env);
    free_env(env);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        hd_error_set(err, HD_E_IO, "cannot run %s: %s (apt-get install "
                     "postgresql-client-15)", argv[0], strerror(rc));
        return -1;
    }
    return 0;
}

/* The tool's first "error:" line in err_path (the cause; the lines
 * after it quote SQL), else its last non-empty line. */
static void last_line(const char *err_path, char out[PG_ERR_KEEP])
{
    FILE *f = fopen(err_path, "r");
    char line[1024];
    bool found = false;
    out[0] = '\0';
    while (!found && f != NULL && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        found = strstr(line, "error:") != NULL;
        if (line[0] != '\0')
            snprintf(out, PG_ERR_KEEP, "%s", line);
    }
    if (f != NULL)
        fclose(f);
}

static int tool_wait(const char *tool, pid_t pid, const char *err_path,
                     struct hd_error *err)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            hd_error_set(err, HD_E_IO, "waiting for %s: %s", tool,
                         strerror(errno));
            return -1;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char why[PG_ERR_KEEP];
    last_line(err_path, why);
    hd_error_set(err, HD_E_IO, "%s failed (%s %d): %s", tool,
                 WIFEXITED(status) ? "exit" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                 why[0] ? why : "no message");
    return -1;
}

static int tool_run(char *const argv[], const char *pw, const char *err_path,
                    struct hd_error *err)
{
    pid_t pid;
    if (tool_start(argv, pw, -1, err_path, &pid, err) < 0)
        return -1;
    return tool_wait(argv[0], pid, err_path, err);
}

int bk_pg_dump(const char *url, const char *path, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    const char *bare, *pw;
    int rc = bk_pg_url_split(url, a, &bare, &pw, err);
    /* Custom format, so verify and restore can use pg_restore; not
     * compressed, because bk_pack deflates every part anyway.  A lock
     * a migration holds too long fails this run; the next one retries. */
    char *argv[] = {"pg_dump", "--format=custom", "--compress=0",
                    "--lock-wait-timeout=60000",
                    hd_arena_printf(a, "--file=%s", path),
                    hd_arena_printf(a, "--dbname=%s", bare), NULL};
    if (rc == 0)
        rc = tool_run(argv, pw, hd_arena_printf(a, "%s.log", path), err);
    unlink(hd_arena_printf(a, "%s.log", path));
    hd_arena_free(&a);
    return rc;
}

/* ---- reading a dump's data ----------------------------------------- */

/* Where a table's rows are counted, and which columns we read. */
struct copy_sec {
    int64_t *count;   /* NULL: a table we do not count */
    bool blob, audit; /* read sha256/size/data, or id/hash */
    int c_sha, c_size, c_data, c_id, c_hash;
};

struct dump_read {
    struct bk_pg_facts *f;
    struct hd_arena *a;
    size_t cap;
    struct hd_blob_row *bs; /* heap while reading */
};

/* Splits a COPY text row at its tabs, in place; returns the number of
 * fields (at most PG_COLS_MAX are indexed). */
static int split_row(char *row, char *f[PG_COLS_MAX])
{
    int n = 0;
    for (char *p = row; n < PG_COLS_MAX;) {
        f[n++] = p;
        p = strchr(p, '\t');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

/* "COPY public.name (c1, c2) FROM stdin;" -> the section to read. */
static void copy_header(struct dump_read *d, char *line, struct copy_sec *s)
{
    memset(s, 0, sizeof *s);
    s->c_sha = s->c_size = s->c_data = s->c_id = s->c_hash = -1;
    char *name = line + 5, *cols = strstr(name, " (");
    if (cols == NULL)
        return;
    *cols = '\0';
    cols += 2;
    char *dot = strrchr(name, '.');
    name = dot ? dot + 1 : name;
    struct hd_store_counts *c = &d->f->counts;
    static const char *const tables[] = {"ticket", "message",    "contact",
                                         "org",    "attachment", "blob",
                                         "audit"};
    int64_t *fields[] = {&c->tickets,     &c->messages, &c->contacts,
                         &c->orgs,        &c->attachments, &c->blobs,
                         &c->audit};
    for (size_t i = 0; i < HD_ARRAY_LEN(tables); i++)
        if (strcmp(name, tables[i]) == 0)
            s->count = fields[i];
    s->blob = strcmp(name, "blob") == 0;
    s->audit = strcmp(name, "audit") == 0;
    char *end = strchr(cols, ')');
    if (end != NULL)
        *end = '\0';
    int i = 0;
    char *save = NULL;
    for (char *c1 = strtok_r(cols, ", ", &save); c1 != NULL &&
         i < PG_COLS_MAX; c1 = strtok_r(NULL, ", ", &save), i++) {
        s->c_sha = strcmp(c1, "sha256") == 0 ? i : s->c_sha;
        s->c_size = strcmp(c1, "size") == 0 ? i : s->c_size;
        s->c_data = strcmp(c1, "data") == 0 ? i : s->c_data;
        s->c_id = strcmp(c1, "id") == 0 ? i : s->c_id;
        s->c_hash = strcmp(c1, "hash") == 0 ? i : s->c_hash;
    }
}

static const char *col(char *const f[], int n, int i)
{
    return i >= 0 && i < n ? f[i] : NULL;
}

static int blob_row(struct dump_read *d, const struct copy_sec *s,
                    char *row, struct hd_error *err)
{
    char *f[PG_COLS_MAX];
    int n = split_row(row, f);
    const char *sha = col(f, n, s->c_sha), *size = col(f, n, s->c_size);
    const char *data = col(f, n, s->c_data);
    if (sha == NULL || strlen(sha) != 64 || size == NULL) {
        hd_error_set(err, HD_E_CRYPTO, "dump: unreadable blob row");
        return -1;
    }
    if (d->f->nblobs == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 256;
        d->bs = hd_xrealloc(d->bs, d->cap * sizeof *d->bs);
    }
    /* \N is NULL: the bytes are in a file, not in the row */
    d->bs[d->f->nblobs++] = (struct hd_blob_row){
        .sha256 = hd_arena_strdup(d->a, sha),
        .size = strtoll(size, NULL, 10),
        .in_row = data != NULL && strcmp(data, "\\N") != 0};
    return 0;
}

static void audit_row(struct dump_read *d, const struct copy_sec *s,
                      char *row)
{
    char *f[PG_COLS_MAX];
    int n = split_row(row, f);
    const char *id = col(f, n, s->c_id), *hash = col(f, n, s->c_hash);
    int64_t v = id ? strtoll(id, NULL, 10) : 0;
    if (hash != NULL && v > d->f->audit_id) {
        d->f->audit_id = v;
        d->f->audit_head = hd_arena_strdup(d->a, hash);
    }
}

/* Reads pg_restore's plain-text data output from in. */
static int read_copy(struct dump_read *d, FILE *in, struct hd_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool inside = false;
    struct copy_sec s;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, in)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (!inside) {
            if (strncmp(line, "COPY ", 5) == 0) {
                copy_header(d, line, &s);
                inside = true;
            }
            continue;
        }
        if (strcmp(line, "\\.") == 0) {
            inside = false;
            continue;
        }
        if (s.count != NULL)
            (*s.count)++;
        if (s.blob)
            rc = blob_row(d, &s, line, err);
        else if (s.audit && s.c_id >= 0 && s.c_hash >= 0)
            audit_row(d, &s, line);
    }
    free(line);
    if (rc == 0 && inside) {
        hd_error_set(err, HD_E_CRYPTO, "dump: table data ends early");
        rc = -1;
    }
    return rc;
}

int bk_pg_read(const char *path, struct hd_arena *a, struct bk_pg_facts *f,
               struct hd_error *err)
{
    memset(f, 0, sizeof *f);
    struct dump_read d = {.f = f, .a = a};
    char *log = hd_arena_printf(a, "%s.read.log", path);
    char *argv[] = {"pg_restore", "--data-only", "--file=-", (char *)path,
                    NULL};
    int fds[2];
    pid_t pid;
    if (pipe2(fds, O_CLOEXEC) < 0) {
        hd_error_set(err, HD_E_IO, "pipe: %s", strerror(errno));
        return -1;
    }
    int rc = tool_start(argv, NULL, fds[1], log, &pid, err);
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    hd_assert(in != NULL);
    struct hd_error e2 = HD_ERROR_INIT;
    int rrc = rc == 0 ? read_copy(&d, in, &e2) : 0;
    fclose(in); /* a reader that stopped early makes the tool see EPIPE */
    if (rc == 0 && tool_wait("pg_restore", pid, log, err) < 0) {
        err->code = HD_E_CRYPTO; /* it could not read the dump: damaged */
        rc = -1;
    }
    if (rrc < 0) { /* what the reader found says more than SIGPIPE */
        *err = e2;
        rc = -1;
    }
    unlink(log);
    f->blobs = hd_arena_alloc(a, (f->nblobs + 1) * sizeof *f->blobs);
    if (f->nblobs > 0)
        memcpy(f->blobs, d.bs, f->nblobs * sizeof *f->blobs);
    free(d.bs);
    return rc;
}

int bk_pg_restore(const char *path, const char *url, bool replace,
                  struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    const char *bare, *pw;
    int rc = bk_pg_url_split(url, a, &bare, &pw, err);
    /* One transaction: a restore that fails half-way leaves the target
     * as it was.  Owner and grants are the target role's. */
    char *argv[10] = {"pg_restore", "--exit-on-error",
                      "--single-transaction", "--no-owner",
                      "--no-privileges",
                      hd_arena_printf(a, "--dbname=%s", bare)};
    size_t n = 6;
    if (replace) { /* drops what the dump holds first; nothing else */
        argv[n++] = "--clean";
        argv[n++] = "--if-exists";
    }
    argv[n] = (char *)path;
    if (rc == 0)
        rc = tool_run(argv, pw, hd_arena_printf(a, "%s.restore.log", path),
                      err);
    unlink(hd_arena_printf(a, "%s.restore.log", path));
    hd_arena_free(&a);
    return rc;
}
