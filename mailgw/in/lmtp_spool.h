/* lmtp_spool.h - what the LMTP server does with a complete message: the
 * write-ahead journal (journal.h) first, then intake into the store, then
 * the replies.
 *
 * Durability.  A message is acknowledged (250) once its journal record
 * is fdatasynced and its database transaction has committed.  That
 * commit is not synced (WAL, synchronous=NORMAL): it is atomic, and it
 * records the record's sequence number (meta lmtp_journal_seq) in the
 * same transaction, so after any crash the database holds exactly the
 * messages up to some number N, and the journal holds every acknowledged
 * message after N.  Opening the spool replays those through the same
 * intake, then makes the database durable and empties the journal.  The
 * sequence check keeps a message without a Message-ID from being stored
 * twice; intake's de-duplication covers the rest.
 *
 * Sync points: every MG_LMTP_SPOOL_SYNC_EVERY messages, after
 * MG_LMTP_SPOOL_IDLE_SECONDS without one, before the journal would pass
 * MG_JOURNAL_SIZE_MAX and at a clean stop, one small commit at
 * synchronous=FULL syncs the write-ahead log (and with it every commit
 * before it); only when it succeeded is the journal emptied.
 *
 * Messages over MG_JOURNAL_MSG_MAX are not journaled: their raw bytes go
 * to the blob store (fsynced) and each recipient's commit is synced, as
 * `deliver` does in-process.
 *
 * Failure to journal, or to commit, is a 451 (452 on a full disk) and
 * the record is taken back: nothing is acknowledged.  So is a journal at
 * its bound whose sync point fails (the database is busy or broken). */
#ifndef MG_LMTP_SPOOL_H
#define MG_LMTP_SPOOL_H

#include "instance.h"
#include "lmtp.h"

#define MG_LMTP_SPOOL_SYNC_EVERY 256   /* messages between sync points */
#define MG_LMTP_SPOOL_IDLE_SECONDS 1   /* ... or this long without one */
#define MG_LMTP_SPOOL_PATH "spool/lmtp.journal" /* in the data directory */
#define MG_LMTP_SPOOL_META "lmtp_journal_seq"   /* meta: last seq stored */

struct mg_lmtp_spool;

/* Opens the instance's journal, replays what the database lacks, makes
 * the database durable and empties the journal.  Returns 0, or -1 with
 * err (HD_E_EXISTS: another server holds the journal; a temporary code
 * when the replay could not commit: the journal is kept for next time). */
HD_NODISCARD int mg_lmtp_spool_open(struct hd_instance *inst,
                                    struct hd_store *st,
                                    struct mg_lmtp_spool **sp_r,
                                    struct hd_error *err);
/* A last sync point (the journal is emptied if it succeeds), then frees.
 * Sets *sp = NULL. */
void mg_lmtp_spool_free(struct mg_lmtp_spool **sp);

/* The complete message of s: journal, intake for each recipient, and one
 * reply per recipient appended to out. */
void mg_lmtp_spool_deliver(struct mg_lmtp_spool *sp, struct mg_lmtp *s,
                           struct hd_buf *out);

/* Call often (after replies are sent): a sync point when one is due. */
void mg_lmtp_spool_tick(struct mg_lmtp_spool *sp);

/* Last sequence number handed out (tests, logs). */
uint64_t mg_lmtp_spool_seq(const struct mg_lmtp_spool *sp);

#endif
