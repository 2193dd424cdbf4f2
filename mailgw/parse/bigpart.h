/* bigpart.h - big MIME leaf bodies kept away from libetpan, and passes
 * over a raw message that drop its pages behind them.
 *
 * libetpan's mailmime_parse() reads every byte of the message it is given
 * to find part boundaries; for a 20 MB message read through a file
 * mapping that makes all 20 MB resident at once.  Our own bounded
 * scanner (push, any chunking) walks the message first and finds, inside
 * leaf bodies, long runs of whole lines none of which starts with '-';
 * these runs ("cuts") are left out of the copy libetpan parses (the
 * skeleton), and the parser maps libetpan's pointers back to the raw
 * message (mg_skeleton_to_raw).
 *
 * Why the tree libetpan builds from the skeleton equals the one it builds
 * from the raw message, pointers mapped: libetpan recognises a boundary
 * delimiter only as "--" right after a line feed
 * (mailmime_body_part_dash2_parse); a cut holds only whole lines that do
 * not start with '-', lies inside a body the scanner understood down from
 * the top (every header block clean, every enclosing boundary known), and
 * keeps the first line and at least one line plus the longest enclosing
 * boundary's length of bytes at its end, so no part starts or ends inside
 * a cut, no body becomes empty and no look-ahead of libetpan's crosses the
 * end of a part differently.  Whatever the scanner does not understand
 * (odd header lines, a second Content-Type, a quoted boundary with
 * escapes, a bare CR before a delimiter, over-long lines that could be
 * delimiters, ...) gets no cut; from a point it cannot follow at all it
 * stops cutting. */
#ifndef MG_BIGPART_H
#define MG_BIGPART_H

#include "parse.h"

/* Shortest run of body lines left out of libetpan's copy. */
#define MG_BIGPART_CUT_MIN ((size_t)64 * 1024)
#define MG_BIGPART_CUTS_MAX 256       /* cuts per message; more are kept */
#define MG_BIGPART_BOUNDARY_MAX 200   /* longer boundary: no cut beneath */
#define MG_BIGPART_LINE_KEEP 4096     /* bytes of one line looked at */
#define MG_BIGPART_FIELD_MAX 2048     /* Content-Type / -Transfer-Encoding */
#define MG_BIGPART_DEPTH_MAX (MG_MIME_DEPTH_MAX + 1) /* open multiparts */

/* One run left out: raw offsets [start, end), both at line starts. */
struct mg_bigpart_cut {
    size_t start, end;
};

struct mg_bigpart_scan;

/* A scanner cutting runs of at least cut_min bytes (cut_min >= 1). */
struct mg_bigpart_scan *mg_bigpart_scan_new(size_t cut_min);
void mg_bigpart_scan_free(struct mg_bigpart_scan **s); /* sets *s = NULL */
/* Feeds the next n bytes of the message (any split). */
void mg_bigpart_scan_push(struct mg_bigpart_scan *s, const char *p,
                          size_t n);
/* Ends the input; returns the number of cuts and *cuts_r (sorted, not
 * overlapping), valid until the scanner is freed. */
size_t mg_bigpart_scan_finish(struct mg_bigpart_scan *s,
                              const struct mg_bigpart_cut **cuts_r);

/* A pass over raw[0..len) in chunks of MG_RAW_DROP_STEP: with a mapped
 * raw message each chunk's pages are dropped once the next is asked for
 * (and all at the end), so one pass keeps about one step resident.
 *   struct mg_raw_pass rp; mg_raw_pass_init(&rp, raw, len, mapped);
 *   while (mg_raw_pass_next(&rp, &p, &n)) use(p, n);  */
struct mg_raw_pass {
    const char *p;
    size_t len, pos, last; /* last: bytes handed out by the last call */
    bool mapped;
};
void mg_raw_pass_init(struct mg_raw_pass *rp, const char *p, size_t len,
                      bool mapped);
bool mg_raw_pass_next(struct mg_raw_pass *rp, const char **p_r, size_t *n_r);

/* sha256 hex of raw[0..len) in one dropping pass. */
void mg_raw_sha256_hex(const char *raw, size_t len, bool mapped,
                       char out[65]);

/* The message with the cuts left out, and the way back to raw. */
struct mg_skeleton_seg {
    size_t sk, raw, len; /* skeleton offset, raw offset, bytes */
};
struct mg_skeleton {
    const char *raw;
    size_t raw_len;
    char *data; /* heap; not NUL-terminated */
    size_t len;
    struct mg_skeleton_seg *segs; /* heap, nsegs = cuts + 1 */
    size_t nsegs;
};

/* Scans raw[0..len) (dropping behind when mapped) and, when it finds a
 * cut, builds *sk and returns true; false (and *sk untouched) when
 * nothing is worth leaving out. */
bool mg_skeleton_build(const char *raw, size_t len, bool mapped,
                       size_t cut_min, struct mg_skeleton *sk);
void mg_skeleton_deinit(struct mg_skeleton *sk);
/* The raw pointer of skeleton pointer q (inside data[0..len]): at_end
 * says q ends a region (so a q on a cut maps to the cut's start), else
 * it starts one (maps to the cut's end). */
const char *mg_skeleton_to_raw(const struct mg_skeleton *sk, const char *q,
                               bool at_end);

#endif
