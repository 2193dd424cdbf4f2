/* retention.c - the daily prune of old log rows (retention.h). */
#include "retention.h"

#include "arena.h"
#include "audit.h"
#include "config.h"
#include "store_data.h"
#include "store_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deletes the unchained logs and records the whole prune, in one
 * transaction. */
static int prune_rest(struct hd_store *st, int64_t now,
                      struct hd_retention_stats *s, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    char stamp[32];
    snprintf(stamp, sizeof stamp, "%" PRId64, now);
    if (hd_store_begin(st, err) < 0)
        goto fail_nt;
    if (hd_store_security_prune(st, s->before, &s->security, err) < 0 ||
        hd_store_backup_log_prune(st, s->before, &s->backup_log, err) < 0 ||
        hd_store_heartbeat_log_prune(st, s->before, &s->heartbeat, err) < 0 ||
        hd_store_meta_set(st, HD_RETENTION_META, stamp, err) < 0)
        goto fail;
    if (s->audit + s->security + s->backup_log + s->heartbeat > 0) {
        struct hd_audit_entry e = {
            .actor = "worker", .source = "worker", .object = "log",
            .action = "log.prune",
            .after_json = hd_arena_printf(
                a,
                "{\"before\":%" PRId64 ",\"audit\":%" PRId64
                ",\"security\":%" PRId64 ",\"backup_log\":%" PRId64
                ",\"heartbeat\":%" PRId64 "}",
                s->before, s->audit, s->security, s->backup_log,
                s->heartbeat),
        };
        if (hd_audit_append(st, &e, a, err) < 0)
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

int hd_retention_run(struct hd_instance *inst, int64_t now,
                     struct hd_retention_stats *s_r, struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(inst);
    long long days =
        hd_config_get_int(hd_instance_config(inst), HD_CFG_LOG_RETENTION_DAYS);
    memset(s_r, 0, sizeof *s_r);
    if (days <= 0)
        return 0;
    s_r->before = now - (int64_t)days * 86400;
    uint8_t key[HD_KEY_LEN];
    if (hd_audit_key_load(hd_instance_dir(inst), key, err) < 0 ||
        hd_audit_prune(st, key, s_r->before, &s_r->audit, err) < 0)
        return -1;
    return prune_rest(st, now, s_r, err);
}

int hd_retention_maybe_run(struct hd_instance *inst, int64_t now,
                           struct hd_retention_stats *s_r,
                           struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    char *v = NULL;
    int found = hd_store_meta_get(hd_instance_store(inst), HD_RETENTION_META,
                                  a, &v, err);
    int64_t last = found == 1 ? strtoll(v, NULL, 10) : 0;
    hd_arena_free(&a);
    memset(s_r, 0, sizeof *s_r);
    if (found < 0)
        return -1;
    if (found == 1 && now >= last && now - last < HD_RETENTION_EVERY)
        return 0;
    return hd_retention_run(inst, now, s_r, err) < 0 ? -1 : 1;
}
