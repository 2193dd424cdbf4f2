/* journal.h - the LMTP server's write-ahead spool: every message it is
 * about to acknowledge is appended here (envelope and raw bytes) and
 * fdatasynced; that sync is the durable commit.  The database commit
 * that follows may then be lazy (WAL, synchronous=NORMAL): it records
 * the record's sequence number in the same transaction, and a crash that
 * loses it is repaired at the next start by replaying every record whose
 * number is greater than the one the database has.  Once a synced
 * database commit covers every record, the journal is emptied.
 *
 * This module owns the file and the record format; what a record
 * becomes (intake, the recorded number) is cmd_lmtp.c's business.
 *
 * Record (all integers little-endian):
 *
 *     0  magic    "HDJ1"
 *     4  crc32    of bytes 8 .. end of record (IEEE, as zlib's crc32)
 *     8  seq      u64, > 0, increasing through the file
 *    16  env_len  u32, bytes of the envelope
 *    20  n_rcpt   u32, 1 .. MG_LMTP_RCPT_MAX
 *    24  msg_len  u64, <= MG_JOURNAL_MSG_MAX
 *    32  envelope sender NUL, then n_rcpt recipients, each NUL-ended
 *        message  msg_len raw bytes
 *
 * A record is valid only whole: a short, torn or corrupt record ends the
 * journal (it was never acknowledged: its fdatasync did not return). */
#ifndef MG_JOURNAL_H
#define MG_JOURNAL_H

#include "hd.h"
#include "lmtp.h"

#include <stdint.h>

#define MG_JOURNAL_HEADER 32u
/* Messages journaled; bigger ones take the blob store's durable path. */
#define MG_JOURNAL_MSG_MAX ((size_t)256 * 1024)
/* Envelope of one record: sender and recipients with their NULs. */
#define MG_JOURNAL_ENV_MAX \
    ((size_t)(MG_LMTP_RCPT_MAX + 1) * (MG_LMTP_ADDR_MAX + 1))
/* Past this size the server makes the database durable and empties the
 * journal before taking the next message. */
#define MG_JOURNAL_SIZE_MAX ((uint64_t)16 * 1024 * 1024)

struct mg_journal;

/* One decoded record; pointers into the buffer it was decoded from. */
struct mg_journal_rec {
    uint64_t seq;
    const char *sender; /* NUL-terminated; "" for the null sender */
    const char *rcpts;  /* n_rcpt NUL-terminated strings, back to back */
    uint32_t n_rcpt;
    const char *msg;    /* msg_len bytes, not NUL-terminated */
    size_t msg_len;
};

/* Opens (creating 0600, and its directory 0700) the journal at path and
 * locks it (flock) for this process.  A created file's directory is
 * fsynced so the file survives a crash.  Returns 0, or -1 with err
 * (HD_E_EXISTS: another process holds it; HD_E_IO). */
HD_NODISCARD int mg_journal_open(const char *path, struct mg_journal **j_r,
                                 struct hd_error *err);
void mg_journal_free(struct mg_journal **j); /* sets *j = NULL */

/* Appends one record after the last valid one and fdatasyncs it.  0 when
 * it is on disk; -1 with err (HD_E_NOSPACE on a full disk, else HD_E_TEMP)
 * and nothing appended otherwise. */
HD_NODISCARD int mg_journal_append(struct mg_journal *j, uint64_t seq,
                                   const char *sender,
                                   const char *const *rcpts, uint32_t n_rcpt,
                                   const char *msg, size_t msg_len,
                                   struct hd_error *err);
/* The same in two steps, so the caller can work while the disk syncs:
 * _start writes the record and has another thread fdatasync it (-1 with
 * err and nothing appended if the write fails); _finish waits for that
 * sync: 0 when the record is on disk, -1 with err when it is not (the
 * record is cut off again).  Every _start is followed by one _finish
 * before anything else is done with the journal. */
HD_NODISCARD int mg_journal_append_start(struct mg_journal *j, uint64_t seq,
                                         const char *sender,
                                         const char *const *rcpts,
                                         uint32_t n_rcpt, const char *msg,
                                         size_t msg_len,
                                         struct hd_error *err);
HD_NODISCARD int mg_journal_append_finish(struct mg_journal *j,
                                          struct hd_error *err);
/* Tests: every sync from now on is reported failed (EIO), as a disk
 * error would be. */
void mg_journal_test_fail_sync(struct mg_journal *j);
/* Takes back the record appended last (its message was not accepted):
 * the file is cut to where it began and synced.  0 or -1 with err. */
HD_NODISCARD int mg_journal_unappend(struct mg_journal *j,
                                     struct hd_error *err);
/* Empties the journal (ftruncate and fsync).  0 or -1 with err. */
HD_NODISCARD int mg_journal_truncate(struct mg_journal *j,
                                     struct hd_error *err);
/* Bytes of valid records in the journal. */
uint64_t mg_journal_size(const struct mg_journal *j);

/* Reading, at start: the valid records in order.  _next returns 1 and
 * fills rec (valid until _read_end), 0 at the end of the valid records
 * (a torn tail is cut off the file then, so appends follow the last
 * valid record), -1 with err on a read error. */
HD_NODISCARD int mg_journal_read_begin(struct mg_journal *j,
                                       struct hd_error *err);
HD_NODISCARD int mg_journal_next(struct mg_journal *j,
                                 struct mg_journal_rec *rec,
                                 struct hd_error *err);
void mg_journal_read_end(struct mg_journal *j);

/* The record format alone (tests, the reader).  encode_header writes the
 * MG_JOURNAL_HEADER bytes of a record for the given envelope and
 * message.  decode returns 1 and fills rec and *used_r when buf starts
 * with a whole valid record, 0 when it does not (short, torn, bad magic,
 * lengths or checksum). */
void mg_journal_encode_header(unsigned char *hdr, uint64_t seq,
                              const char *env, size_t env_len,
                              uint32_t n_rcpt, const char *msg,
                              size_t msg_len);
int mg_journal_decode(const char *buf, size_t len,
                      struct mg_journal_rec *rec, size_t *used_r);

#endif
