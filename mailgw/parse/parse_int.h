/* parse_int.h - shared by parse.c (MIME walk, libetpan), parse_header.c
 * (header fields, addresses, dates, classification) and parse_body.c
 * (transfer decoding, format=flowed, folding, language).  Not public. */
#ifndef MG_PARSE_INT_H
#define MG_PARSE_INT_H

#include "parse.h"

/* Splits the header block at raw[0..len) into fields (arena); *body_r is
 * the offset of the body (len if none).  Notes oddities in *problem_r. */
/* Rewrites, in place and at the same length, the lines of a header block
 * s[0..n) that MIME parsers stop at: a field name with spaces, tabs,
 * 8-bit bytes or other characters RFC 5322 does not allow gets '-' for
 * each of them; a line with no field name at all becomes a continuation
 * of the field before.  Returns whether anything changed. */
bool mg_headers_clean(char *s, size_t n);

void mg_headers_split(const char *raw, size_t len, struct hd_arena *a,
                      struct mg_header **h_r, size_t *n_r, size_t *body_r,
                      const char **problem_r);
/* First field 'name' in an array, or NULL. */
const struct mg_header *mg_headers_find(const struct mg_header *h, size_t n,
                                        const char *name);
/* Fills from/to/cc/reply_to/subject/date/ids from mail->headers. */
void mg_headers_apply(struct mg_mail *m, struct hd_arena *a);
/* Address list parser on a raw value. */
size_t mg_address_list(const char *raw, struct hd_arena *a,
                       struct mg_address **list_r);
/* Message-IDs (<...> tokens, without brackets) in a raw value. */
size_t mg_msgid_list(const char *raw, struct hd_arena *a, const char ***ids_r);
/* Header-based classification (auto_reply, list, bounce hints, loop). */
void mg_classify(struct mg_mail *m);
/* RFC 2231 value "charset'lang'%XX.." (already joined) to UTF-8. */
const char *mg_rfc2231_decode(const char *v, size_t n, struct hd_arena *a);

/* Decodes a whole transfer-encoded body into malloc memory (free()),
 * keeping at most 'max' bytes. */
char *mg_transfer_decode(const char *s, size_t n, enum mg_transfer te,
                         size_t max, size_t *outlen_r);
/* RFC 3676 format=flowed unwrapping of UTF-8 text (arena). */
char *mg_flowed_decode(const char *s, size_t n, bool delsp,
                       struct hd_arena *a, size_t *outlen_r);
/* CRLF and lone CR to LF, in place; returns the new length. */
size_t mg_newlines_lf(char *s, size_t n);
/* Two-letter language guess for UTF-8 text. */
const char *mg_language_guess(const char *text, size_t n);
/* sha256 hex of s[0..n). */
void mg_sha256_hex(const void *s, size_t n, char out[65]);

#endif
