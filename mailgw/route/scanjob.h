/* scanjob.h - the virus-scan job: stored attachments are sent to clamd
 * (scan.clamd_socket), oldest first, a batch per worker tick.
 *
 *   clean    -> scan_state 'clean' (now downloadable, see attach.h)
 *   infected -> scan_state 'infected', state 'quarantined' for every
 *               stored attachment with those bytes; the blob leaves
 *               DIR/blobs for DIR/quarantine; each ticket is flagged
 *               needs_review with an event naming the signature
 *   clamd refused it (too big for its StreamMaxLength, or an error)
 *            -> stays unscanned with a scan_note; later passes skip it
 *               unless asked to retry noted ones
 *   clamd unreachable -> nothing changes; the pass stops and says so;
 *               the next pass retries. */
#ifndef MG_SCANJOB_H
#define MG_SCANJOB_H

#include "instance.h"
#include "store.h"

#define MG_SCAN_BATCH 20                     /* attachments per pass */
#define MG_SCAN_FILE_MAX (64u * 1024 * 1024) /* largest blob read to scan */
#define MG_SCAN_VIRUS_MAX 128                /* signature name kept */

struct mg_scan_stats {
    size_t clean, infected, noted; /* verdicts of this pass */
    bool clamd_down;               /* clamd unreachable: stopped early */
    bool configured;               /* scan.clamd_socket is set */
};

/* One pass of at most MG_SCAN_BATCH attachments (with retry_noted, also
 * those clamd refused before).  Returns 0, also when clamd is down
 * (stats->clamd_down, and a log line); -1 on a store or file error or a
 * malformed clamd address.  Does nothing when no socket is configured. */
HD_NODISCARD int mg_scan_run(struct hd_instance *inst, struct hd_store *st,
                             bool retry_noted, struct mg_scan_stats *stats,
                             struct hd_error *err);

#endif
