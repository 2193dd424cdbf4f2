/* compose.h - outbound mail text: the ONE mail header encoder and a small
 * builder for UTF-8 text messages.
 *
 * Every header the help desk writes goes through hd_header_encode(), which
 * refuses CR and LF (header injection), RFC 2047 B-encodes non-ASCII text
 * (UTF-8, split only between characters) and folds lines to at most
 * HD_HEADER_LINE_MAX characters.  Sending is smtp_out.h's job. */
#ifndef HD_COMPOSE_H
#define HD_COMPOSE_H

#include "buf.h"
#include "hd.h"

#define HD_HEADER_LINE_MAX 76   /* RFC 2047 encoded-word lines */
#define HD_HEADER_NAME_MAX 64   /* longest header field name we write */
#define HD_HEADER_VALUE_MAX 4096 /* bytes of one value before encoding */
#define HD_BODY_LINE_MAX 76     /* base64 / quoted-printable lines */

/* Appends "Name: value\r\n" to out.  ASCII values are folded at spaces
 * (unfolding restores them exactly); values with non-ASCII bytes must be
 * valid UTF-8 and become RFC 2047 "=?UTF-8?B?...?=" words.  Refuses
 * (HD_E_INVAL) CR, LF or other control bytes in the value, a name that is
 * not printable ASCII without ':' or space, invalid UTF-8; HD_E_TOOBIG over
 * HD_HEADER_VALUE_MAX.  On failure out is unchanged. */
HD_NODISCARD int hd_header_encode(struct hd_buf *out, const char *name,
                                  const char *value, struct hd_error *err);

/* One mailbox: an optional display name (UTF-8) and an address. */
struct hd_addr {
    const char *name; /* NULL or "" for none */
    const char *addr; /* local@domain, ASCII, no spaces or <> */
};

/* Appends an address-list header ("To: A <a@x>, b@y").  Display names are
 * quoted or RFC 2047 encoded as needed; addresses are checked. */
HD_NODISCARD int hd_header_addrs(struct hd_buf *out, const char *name,
                                 const struct hd_addr *list, size_t n,
                                 struct hd_error *err);

enum hd_cte {
    HD_CTE_BASE64 = 0,       /* default: safe for any text */
    HD_CTE_QUOTED_PRINTABLE, /* readable for mostly-ASCII text */
};

/* A file sent with a message: a base64 part of a multipart/mixed mail,
 * its name as an RFC 2231 parameter (UTF-8, split in sections when long). */
struct hd_out_part {
    const char *filename;     /* UTF-8; control bytes become '_' */
    const char *content_type; /* "type/subtype"; anything else is sent as
                                 application/octet-stream */
    const void *data;
    size_t len;
};

/* A UTF-8 text/plain message, multipart/mixed when it carries files.
 * Pointers are borrowed for the call. */
struct hd_out_msg {
    struct hd_addr from;
    const struct hd_addr *to;
    size_t nto; /* at least one of nto, ncc */
    const struct hd_addr *cc;
    size_t ncc;
    const char *subject;        /* UTF-8 */
    const char *message_id;     /* "<id@host>"; NULL: generated from from */
    const char *in_reply_to;    /* "<id>" or NULL */
    const char *references;     /* "<a> <b> ..." or NULL */
    const char *auto_submitted; /* "auto-replied", ... or NULL */
    const char *x_loop;         /* loop marker (our address) or NULL */
    const char *const *extra;   /* name, value, name, value, ... */
    size_t nextra;              /* number of pairs */
    const char *body;           /* UTF-8 text, LF or CRLF line ends */
    size_t body_len;
    enum hd_cte cte;
    /* Send the body as ISO-2022-JP (7bit) for old Japanese clients when
     * every character has a JIS X 0208 form; otherwise UTF-8 as usual
     * (iconv refuses NEC and IBM extensions such as ① or 髙). */
    bool iso2022jp;
    const struct hd_out_part *parts; /* files after the text, or NULL */
    size_t nparts;
};

/* Appends the whole message (headers, blank line, encoded body, CRLF line
 * ends) to out.  Date is hd_clock_now() in the process zone.  Returns 0, or
 * -1 with HD_E_INVAL for a refused header or body that is not UTF-8. */
HD_NODISCARD int hd_build_message(const struct hd_out_msg *m,
                                  struct hd_buf *out, struct hd_error *err);

/* Formats t as an RFC 5322 date ("Thu, 26 Nov 2026 23:08:24 +0900") in
 * the process zone; out needs 40 bytes. */
void hd_rfc5322_date(int64_t t, char out[40]);

#endif
