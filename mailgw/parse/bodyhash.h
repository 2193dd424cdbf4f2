/* bodyhash.h - the body of a message as de-duplication sees it.
 *
 * intake recognises a message it has already stored by its Message-ID
 * (or, lacking one, an id made from some headers and the body) and a
 * hash of its body (hd_store_message_exists).  The same message reaches
 * us in several framings: Postfix's pipe hands `deliver` LF line ends,
 * its LMTP client sends CRLF, and LMTP's DATA (RFC 5321 4.1.1.4) ends
 * every message with a line end, so a message without a final newline
 * gains one on the way through the LMTP server but not in-process.  The
 * hash must not see any of that, or a retry by another way becomes a
 * second ticket.  So it is taken over a canonical form:
 *
 *   - CR LF is LF (a CR not followed by LF is kept);
 *   - the line ends at the very end are left out, and one LF is put
 *     back if anything is left (an empty body stays empty).
 *
 * A body that already ends in exactly one LF and has no CR is its own
 * canonical form, so its hash is the plain sha256 of the raw body, as
 * before this form existed.  The raw message itself is stored byte for
 * byte; only the hash reads it this way. */
#ifndef MG_BODYHASH_H
#define MG_BODYHASH_H

#include "bigpart.h"

/* An iterator over the canonical form of body[0..n) in spans:
 *   struct mg_body_canon bc; mg_body_canon_init(&bc, body, n, mapped);
 *   while (mg_body_canon_next(&bc, &p, &pn)) use(p, pn);
 * Spans point into body or into static memory and are valid until the
 * next call.  With a mapped body, pages are dropped behind (bigpart.h). */
struct mg_body_canon {
    struct mg_raw_pass rp;
    const char *p;    /* the chunk being read */
    size_t n, i;      /* its length, the next byte */
    size_t nl;        /* line ends read but not yet handed out */
    bool cr;          /* a CR read after them, its LF not yet seen */
    bool release;     /* hand out what is held before reading on */
    bool any;         /* something was handed out */
    bool eof, done;   /* input over; the final LF handed out */
};

void mg_body_canon_init(struct mg_body_canon *bc, const char *body,
                        size_t n, bool mapped);
bool mg_body_canon_next(struct mg_body_canon *bc, const char **p_r,
                        size_t *n_r);

/* sha256 hex of the canonical form of body[0..n): mg_mail.body_hash. */
void mg_body_hash_hex(const char *body, size_t n, bool mapped,
                      char out[65]);

#endif
