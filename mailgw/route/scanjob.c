/* scanjob.c - see scanjob.h.  The verdict and the blob's move are two
 * steps: the rows change in one transaction first, then the file moves.
 * A crash between them leaves the infected file in DIR/blobs with no blob
 * row and every row that named it quarantined, so it is never served;
 * the reverse order could leave rows 'stored' pointing at nothing.  An
 * inline blob (blob.h) is copied to the quarantine before its row goes. */
#include "scanjob.h"

#include "blob.h"
#include "config.h"
#include "log.h"
#include "scan.h"
#include "store_attach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int verdict_tx(struct hd_store *st, int64_t id, const char *scan_state,
                      const char *note, struct hd_error *err)
{
    if (hd_store_begin(st, err) < 0)
        return -1;
    if (hd_store_attach_set_scan(st, id, scan_state, NULL, note, err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    return hd_store_commit(st, err);
}

static const char *quarantine_dir(struct hd_instance *inst,
                                  struct hd_arena *a, struct hd_error *err)
{
    const char *dir = hd_arena_printf(a, "%s/quarantine",
                                      hd_instance_dir(inst));
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        hd_error_set(err, HD_E_IO, "cannot create %s: %s", dir,
                     strerror(errno));
        return NULL;
    }
    return dir;
}

/* Writes the bytes of an inline blob to DIR/quarantine/<sha256> (before
 * the rows drop them). */
static int copy_to_quarantine(const char *dir, const char *sha,
                              const char *buf, size_t len,
                              struct hd_arena *a, struct hd_error *err)
{
    const char *to = hd_arena_printf(a, "%s/%s", dir, sha);
    FILE *f = fopen(to, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        hd_error_set(err, HD_E_IO, "cannot quarantine %s: %s", to,
                     strerror(errno));
        if (f != NULL)
            (void)fclose(f);
        (void)unlink(to);
        return -1;
    }
    return 0;
}

/* Moves a file blob to DIR/quarantine/<sha256>. */
static int move_to_quarantine(const char *dir, const char *sha,
                              const char *from, struct hd_arena *a,
                              struct hd_error *err)
{
    const char *to = hd_arena_printf(a, "%s/%s", dir, sha);
    if (rename(from, to) < 0) {
        hd_error_set(err, HD_E_IO, "cannot quarantine %s: %s", from,
                     strerror(errno));
        return -1;
    }
    return 0;
}

static int quarantine_rows(struct hd_store *st, const char *sha,
                           const char *virus, struct hd_arena *a,
                           int *released_r, struct hd_error *err)
{
    struct hd_attach_item *its;
    size_t n;
    if (hd_store_attach_stored_by_hash(st, sha, a, &its, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *detail = hd_arena_printf(
            a, "attachment %.200s quarantined: %.100s", its[i].at.filename,
            virus);
        if (hd_store_attach_set_scan(st, its[i].at.id, "infected",
                                     "quarantined", virus, err) < 0 ||
            hd_store_ticket_flag_review(st, its[i].ticket_id, err) < 0 ||
            hd_store_event_add(st, its[i].ticket_id, "worker", "attachment",
                               "scan", "unscanned", "infected", detail,
                               err) < 0)
            return -1;
        hd_warn("scan", "quarantined", "ticket=%lld attachment=%lld "
                "virus=\"%s\"", (long long)its[i].ticket_number,
                (long long)its[i].at.id, virus);
    }
    *released_r = hd_store_blob_release(st, sha, err);
    return *released_r < 0 ? -1 : 0;
}

/* The bytes (buf, len) were found infected.  An inline blob's bytes leave
 * with its row, so they are copied out first; a file blob is moved after
 * the commit. */
static int quarantine(struct hd_instance *inst, struct hd_store *st,
                      const struct hd_attach_item *it, const char *virus,
                      const char *buf, size_t len, struct hd_arena *a,
                      struct hd_error *err)
{
    const char *sha = it->at.sha256, *dir = quarantine_dir(inst, a, err);
    const char *blobs = hd_arena_printf(a, "%s/blobs", hd_instance_dir(inst));
    struct hd_blob_reader *r = NULL;
    char *from = NULL;
    int released = 0;
    if (dir == NULL || hd_blob_open(st, blobs, sha, &r, err) < 0)
        return -1;
    if (r != NULL && hd_blob_reader_path(r) != NULL)
        from = hd_arena_strdup(a, hd_blob_reader_path(r));
    bool copied = r != NULL && from == NULL;
    hd_blob_reader_close(&r);
    if (copied && copy_to_quarantine(dir, sha, buf, len, a, err) < 0)
        return -1;
    if (hd_store_begin(st, err) < 0)
        return -1;
    if (quarantine_rows(st, sha, virus, a, &released, err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    if (hd_store_commit(st, err) < 0)
        return -1;
    if (copied && !released) /* still held in the database for others */
        (void)unlink(hd_arena_printf(a, "%s/%s", dir, sha));
    return released && from ? move_to_quarantine(dir, sha, from, a, err) : 0;
}

/* Scans one attachment.  Returns 0 (verdict recorded, or clamd down:
 * *down_r), -1. */
static int scan_one(struct hd_instance *inst, struct hd_store *st,
                    const char *sock, const struct hd_attach_item *it,
                    struct mg_scan_stats *s, struct hd_arena *a,
                    struct hd_error *err)
{
    char *buf = NULL, virus[MG_SCAN_VIRUS_MAX];
    size_t len;
    struct hd_error serr = HD_ERROR_INIT;
    enum hd_scan_result r;
    const char *blobs = hd_arena_printf(a, "%s/blobs", hd_instance_dir(inst));
    int rc = hd_blob_read(st, blobs, it->at.sha256, MG_SCAN_FILE_MAX, &buf,
                          &len, err);
    if (rc == 0)
        hd_error_set(err, HD_E_IO, "blob %s is missing", it->at.sha256);
    if (rc <= 0) {
        /* A missing or unreadable blob is noted, not fatal: one bad file
         * must not stop every later scan. */
        hd_err("scan", "unreadable", "attachment=%lld error=\"%s\"",
               (long long)it->at.id, err->msg);
        s->noted++;
        const char *note = hd_arena_printf(a, "%.200s", err->msg);
        *err = (struct hd_error)HD_ERROR_INIT;
        return verdict_tx(st, it->at.id, "unscanned", note, err);
    }
    if (rc == 2) {
        s->noted++;
        return verdict_tx(st, it->at.id, "unscanned",
                          hd_arena_printf(a, "too big to scan (%zu bytes)",
                                          len),
                          err);
    }
    rc = hd_scan_buffer(sock, buf, len, virus, sizeof virus, &r, &serr);
    if (rc == 0 && r == HD_SCAN_INFECTED) {
        s->infected++;
        rc = quarantine(inst, st, it, virus, buf, len, a, err);
        free(buf);
        return rc;
    }
    free(buf);
    if (rc < 0 && serr.code == HD_E_TEMP) {
        s->clamd_down = true;
        hd_warn("scan", "clamd_down", "error=\"%s\"", serr.msg);
        return 0;
    }
    if (rc < 0) {
        *err = serr;
        return -1;
    }
    switch (r) {
    case HD_SCAN_CLEAN:
        s->clean++;
        return verdict_tx(st, it->at.id, "clean", NULL, err);
    case HD_SCAN_INFECTED: /* handled above, while buf was held */
    case HD_SCAN_ERROR:
        break;
    }
    s->noted++;
    hd_warn("scan", "refused", "attachment=%lld error=\"%s\"",
            (long long)it->at.id, serr.msg);
    return verdict_tx(st, it->at.id, "unscanned",
                      hd_arena_printf(a, "%s: %.200s",
                                      serr.code == HD_E_TOOBIG
                                          ? "too big for clamd"
                                          : "clamd error",
                                      serr.msg),
                      err);
}

int mg_scan_run(struct hd_instance *inst, struct hd_store *st,
                bool retry_noted, struct mg_scan_stats *stats,
                struct hd_error *err)
{
    const char *sock = hd_config_get(hd_instance_config(inst),
                                     HD_CFG_SCAN_CLAMD_SOCKET);
    struct hd_arena *a;
    struct hd_attach_item *its;
    size_t n;
    int rc = -1;
    memset(stats, 0, sizeof *stats);
    if (sock == NULL || *sock == '\0')
        return 0;
    stats->configured = true;
    a = hd_arena_new();
    if (hd_store_attach_unscanned(st, MG_SCAN_BATCH, retry_noted, a, &its,
                                  &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n && !stats->clamd_down; i++)
        if (scan_one(inst, st, sock, &its[i], stats, a, err) < 0)
            goto out;
    rc = 0;
out:
    hd_arena_free(&a);
    return rc;
}
