/* audit.c - the hash chain of the audit log, checkpoints on pruning, the
 * security log.  SQL is in store_audit.c.
 *
 * Canonical form hashed for a row (all one byte string):
 *     prev_hash '\n' then, for id, at, actor, source, ip, request_id,
 *     object, action, before_json, after_json in that order:
 *     "~" for NULL, or decimal length ':' bytes, each followed by '\n'.
 * Length prefixes make field boundaries unambiguous (moving a byte from
 * one field to the next changes the hash); the id is included so rows
 * cannot be renumbered or swapped. */
#include "audit.h"

#include "buf.h"
#include "clock.h"
#include "store_data.h"
#include "store_lease.h"

#include <inttypes.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AUDIT_ROW_MAX (8u * 1024 * 1024) /* canonical form of one row */

static int put_field(struct hd_buf *b, const char *v, struct hd_error *err)
{
    if (v == NULL)
        return hd_buf_puts(b, "~\n", err);
    size_t n = strlen(v);
    if (hd_buf_printf(b, err, "%zu:", n) < 0 ||
        hd_buf_append(b, v, n, err) < 0)
        return -1;
    return hd_buf_puts(b, "\n", err);
}

/* hash of e given its prev_hash; 0 or -1 (row too big). */
static int row_hash(const struct hd_audit_entry *e,
                    char out[HD_SHA256_HEX_SIZE], struct hd_error *err)
{
    struct hd_buf b;
    hd_buf_init(&b, AUDIT_ROW_MAX);
    char num[2][24];
    snprintf(num[0], sizeof num[0], "%" PRId64, e->id);
    snprintf(num[1], sizeof num[1], "%" PRId64, e->at);
    const char *fields[] = {num[0],        num[1],         e->actor,
                            e->source,     e->ip,          e->request_id,
                            e->object,     e->action,      e->before_json,
                            e->after_json};
    int rc = hd_buf_puts(&b, e->prev_hash ? e->prev_hash : "", err);
    rc = rc < 0 ? rc : hd_buf_puts(&b, "\n", err);
    for (size_t i = 0; rc == 0 && i < HD_ARRAY_LEN(fields); i++)
        rc = put_field(&b, fields[i], err);
    if (rc == 0)
        hd_sha256_hex(b.data, b.len, out);
    hd_buf_deinit(&b);
    return rc;
}

int hd_audit_append(struct hd_store *st, struct hd_audit_entry *e,
                    struct hd_arena *a, struct hd_error *err)
{
    int64_t last_id = 0;
    char *prev = NULL;
    if (hd_store_audit_lock(st, err) < 0)
        return -1;
    int found = hd_store_audit_head(st, a, &last_id, &prev, err);
    if (found < 0)
        return -1;
    if (found == 0) {
        struct hd_audit_checkpoint cp;
        int c = hd_store_audit_checkpoint_last(st, a, &cp, err);
        if (c < 0)
            return -1;
        last_id = c ? cp.last_id : 0;
        prev = c ? (char *)cp.head_hash : "";
    }
    e->id = last_id + 1;
    if (e->at == 0)
        e->at = hd_clock_now();
    e->prev_hash = prev;
    char h[HD_SHA256_HEX_SIZE];
    if (row_hash(e, h, err) < 0)
        return -1;
    e->hash = hd_arena_strdup(a, h);
    return hd_store_audit_insert(st, e, err);
}

static void checkpoint_mac(const uint8_t key[HD_KEY_LEN], int64_t last_id,
                           const char *head_hash, int64_t at,
                           char out[HD_SHA256_HEX_SIZE])
{
    char msg[160];
    int n = snprintf(msg, sizeof msg, "%" PRId64 ":%s:%" PRId64, last_id,
                     head_hash, at);
    uint8_t mac[HD_SHA256_LEN];
    hd_hmac_sha256(key, HD_KEY_LEN, msg, (size_t)n, mac);
    for (size_t i = 0; i < HD_SHA256_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
}

static void report_bad(struct hd_audit_report *r, int64_t id,
                       const char *what)
{
    r->intact = false;
    r->bad_id = id;
    snprintf(r->problem, sizeof r->problem, "audit row %" PRId64 ": %s", id,
             what);
}

/* Where the chain must start: '' and id 1, or a valid checkpoint. */
static int chain_start(struct hd_store *st, const uint8_t *key,
                       struct hd_arena *a, struct hd_audit_report *r,
                       int64_t *after_r, const char **prev_r,
                       struct hd_error *err)
{
    struct hd_audit_checkpoint cp;
    int c = hd_store_audit_checkpoint_last(st, a, &cp, err);
    if (c < 0)
        return -1;
    *after_r = 0;
    *prev_r = "";
    if (c == 0)
        return 0;
    char mac[HD_SHA256_HEX_SIZE];
    checkpoint_mac(key, cp.last_id, cp.head_hash, cp.at, mac);
    if (strcmp(mac, cp.mac) != 0) {
        report_bad(r, cp.last_id, "checkpoint signature does not verify");
        return 0;
    }
    *after_r = cp.last_id;
    *prev_r = cp.head_hash;
    return 0;
}

/* Checks one row against its predecessor's hash. */
static int check_row(const struct hd_audit_entry *e, int64_t want_id,
                     const char *prev, struct hd_audit_report *r,
                     struct hd_error *err)
{
    char h[HD_SHA256_HEX_SIZE];
    if (e->id != want_id)
        report_bad(r, want_id, "missing (deleted?)");
    else if (strcmp(e->prev_hash, prev) != 0)
        report_bad(r, e->id, "does not follow its predecessor");
    else if (row_hash(e, h, err) < 0)
        return -1;
    else if (strcmp(h, e->hash) != 0)
        report_bad(r, e->id, "contents do not match its hash (edited?)");
    return 0;
}

int hd_audit_verify(struct hd_store *st, const uint8_t key[HD_KEY_LEN],
                    struct hd_audit_report *r, struct hd_error *err)
{
    memset(r, 0, sizeof *r);
    r->intact = true;
    struct hd_arena *keep = hd_arena_new();
    int64_t last = 0;
    const char *prev = NULL;
    int rc = chain_start(st, key, keep, r, &last, &prev, err);
    while (rc == 0 && r->intact) {
        struct hd_arena *a = hd_arena_new();
        struct hd_audit_entry *es;
        size_t n = 0;
        rc = hd_store_audit_page(st, last, HD_AUDIT_PAGE, a, &es, &n, err);
        for (size_t i = 0; rc == 0 && r->intact && i < n; i++) {
            rc = check_row(&es[i], last + 1, prev, r, err);
            last = es[i].id;
            prev = hd_arena_strdup(keep, es[i].hash);
            r->rows++;
        }
        hd_arena_free(&a);
        if (n < HD_AUDIT_PAGE)
            break;
    }
    if (rc == 0 && prev != NULL)
        snprintf(r->head_hash, sizeof r->head_hash, "%s", prev);
    hd_arena_free(&keep);
    return rc;
}

int hd_audit_prune(struct hd_store *st, const uint8_t key[HD_KEY_LEN],
                   int64_t before_t, int64_t *pruned_r, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    int64_t last_id = 0;
    char *hash = NULL;
    *pruned_r = 0;
    if (hd_store_begin(st, err) < 0)
        goto fail_nt;
    int found = hd_store_audit_last_before(st, before_t, a, &last_id, &hash,
                                           err);
    if (found < 0)
        goto fail;
    if (found == 1) {
        struct hd_audit_checkpoint cp = {.at = hd_clock_now(),
                                         .last_id = last_id,
                                         .head_hash = hash};
        char mac[HD_SHA256_HEX_SIZE];
        checkpoint_mac(key, cp.last_id, cp.head_hash, cp.at, mac);
        cp.mac = mac;
        if (hd_store_audit_checkpoint_add(st, &cp, err) < 0 ||
            hd_store_audit_delete_through(st, last_id, pruned_r, err) < 0)
            goto fail;
    }
    if (hd_store_commit(st, err) < 0)
        goto fail_nt;
    hd_arena_free(&a);
    return 0;
fail:
    hd_store_rollback(st);
fail_nt:
    hd_arena_free(&a);
    return -1;
}

int hd_audit_key_load(const char *instance_dir, uint8_t key[HD_KEY_LEN],
                      struct hd_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/audit.key", instance_dir);
    return hd_secret_load_or_create(path, key, HD_KEY_LEN, err);
}

int hd_security_log_append(struct hd_store *st,
                           const struct hd_security_event *ev,
                           struct hd_error *err)
{
    struct hd_security_event e = *ev;
    if (e.at == 0)
        e.at = hd_clock_now();
    return hd_store_security_insert(st, &e, err);
}

int hd_security_log_prune(struct hd_store *st, int64_t before_t,
                          int64_t *pruned_r, struct hd_error *err)
{
    return hd_store_security_prune(st, before_t, pruned_r, err);
}

/* ---- doors: the CLI and the programs ---------------------------------- */

const char *hd_audit_json(struct hd_arena *a, json_t *j)
{
    if (j == NULL)
        return NULL;
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    hd_assert(s != NULL);
    const char *r = hd_arena_strdup(a, s);
    free(s);
    json_decref(j);
    return r;
}

const char *hd_audit_cli_actor(struct hd_arena *a)
{
    const struct passwd *pw = getpwuid(getuid());
    if (pw != NULL)
        return hd_arena_printf(a, "cli:%.80s", pw->pw_name);
    return hd_arena_printf(a, "cli:%lu", (unsigned long)getuid());
}

int hd_audit_cli(struct hd_store *st, struct hd_arena *a, const char *object,
                 const char *action, const char *before_json,
                 const char *after_json, struct hd_error *err)
{
    struct hd_audit_entry e = {
        .actor = hd_audit_cli_actor(a), .source = "cli", .object = object,
        .action = action, .before_json = before_json,
        .after_json = after_json,
    };
    return hd_audit_append(st, &e, a, err);
}
