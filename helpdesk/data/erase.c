/* erase.c - erasure and its certificate.  What is removed is decided in
 * store_data.c (hd_store_erase_plan); this file adds the certificate,
 * the backup horizon and the blob files.  Erasure runs with SQLite's
 * secure_delete on, so the bytes of erased rows (inline blobs too) do not
 * linger in free pages of the database file. */
#include "erase.h"

#include "audit.h"
#include "backup.h"
#include "blob.h"
#include "clock.h"
#include "config.h"
#include "crypt.h"
#include "log.h"
#include "store_blob.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define ERASE_DAY 86400

static const char *kind_name(enum hd_erase_kind k)
{
    return k == HD_ERASE_ORG ? "org" : k == HD_ERASE_CONTACT ? "contact"
                                                             : "ticket";
}

static char *certificate(struct hd_instance *inst,
                         const struct hd_erase_target *t,
                         const struct hd_erase_counts *c, bool dry_run,
                         const char *actor, struct hd_arena *a)
{
    char key[64], at[32], until[32] = "";
    char digest[HD_SHA256_HEX_SIZE];
    if (t->kind == HD_ERASE_CONTACT)
        snprintf(key, sizeof key, "%s", "");
    else
        snprintf(key, sizeof key, "%" PRId64, t->id);
    const char *name = t->kind == HD_ERASE_CONTACT ? t->address : key;
    hd_sha256_hex(name, strlen(name), digest);
    hd_time_format_utc(hd_clock_now(), at);
    struct hd_error ignore = HD_ERROR_INIT;
    int64_t newest = 0;
    long long gens = hd_config_get_int(hd_instance_config(inst),
                                       HD_CFG_BACKUP_GENERATIONS);
    if (hd_backup_newest(inst, &newest, &ignore) == 0 && newest > 0)
        hd_time_format_utc(newest + gens * ERASE_DAY, until);
    json_t *j = json_pack(
        "{s:s, s:b, s:s, s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I, "
        "s:I, s:I, s:I}, s:s?}",
        "certificate", "erasure", "dry_run", dry_run, "target",
        kind_name(t->kind), "target_sha256", digest, "at", at, "by", actor,
        "removed", "tickets", (json_int_t)c->tickets, "messages",
        (json_int_t)c->messages, "attachments", (json_int_t)c->attachments,
        "events", (json_int_t)c->events, "contacts", (json_int_t)c->contacts,
        "orgs", (json_int_t)c->orgs, "blobs", (json_int_t)c->nblobs,
        "outbox", (json_int_t)c->outbox, "search_entries",
        (json_int_t)c->fts, "backups_hold_data_until",
        *until ? until : NULL);
    char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
    char *out = hd_arena_strdup(a, s);
    free(s);
    json_decref(j);
    return out;
}

static int erase_tx(struct hd_instance *inst, struct hd_store *st,
                    const struct hd_erase_target *t, bool dry_run,
                    const char *actor, struct hd_arena *a, char **cert_r,
                    struct hd_error *err)
{
    struct hd_erase_counts c;
    if (hd_store_begin(st, err) < 0)
        return -1;
    int found = hd_store_erase_plan(st, t->kind, t->id, t->address, a, &c,
                                    err);
    if (found == 0)
        hd_error_set(err, HD_E_NOTFOUND, "no such %s: nothing erased",
                     kind_name(t->kind));
    if (found == 1 && !dry_run && hd_store_erase_apply(st, &c, err) < 0)
        found = -1;
    if (found == 1) {
        *cert_r = certificate(inst, t, &c, dry_run, actor, a);
        struct hd_audit_entry e = {.actor = actor, .source = "cli",
                                   .object = kind_name(t->kind),
                                   .action = "erase", .after_json = *cert_r};
        if (!dry_run && hd_audit_append(st, &e, a, err) < 0)
            found = -1;
    }
    if (found != 1 || dry_run) {
        hd_store_rollback(st);
        return found == 1 ? 0 : -1;
    }
    if (hd_store_commit(st, err) < 0)
        return -1;
    /* Only after the commit: a failed erasure must not lose blobs. */
    char *blobs = hd_arena_printf(a, "%s/blobs", hd_instance_dir(inst));
    for (size_t i = 0; i < c.nblobs; i++)
        (void)hd_blob_remove_file(blobs, c.blobs[i]);
    return 0;
}

int hd_erase(struct hd_instance *inst, const struct hd_erase_target *t,
             bool dry_run, const char *actor, struct hd_arena *a,
             char **cert_r, struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(inst);
    struct hd_error ignore = HD_ERROR_INIT;
    /* Erased rows, inline blobs among them, are overwritten with zeros
     * rather than left in free pages. */
    if (hd_store_secure_delete(st, true, err) < 0)
        return -1;
    int rc = erase_tx(inst, st, t, dry_run, actor, a, cert_r, err);
    if (hd_store_secure_delete(st, false, &ignore) < 0)
        hd_warn("erase", "secure_delete_off", "error=\"%s\"", ignore.msg);
    return rc;
}
