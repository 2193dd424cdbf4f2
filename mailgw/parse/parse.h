/* parse.h - one raw RFC 5322 / MIME message into a struct mg_mail.
 *
 * Owns reading mail: headers (RFC 5322, RFC 2047 encoded words), MIME
 * structure (libetpan stays behind this header), transfer encodings,
 * charsets (charset.h), RFC 2231 parameters, format=flowed, HTML parts
 * (htmlmail.h), classification hints (auto-reply, bounce, list, loop) and
 * folding of quoted text.  Knows nothing about tickets or the store.
 *
 * Odd mail never fails: the record is filled best-effort and a note goes
 * into parse_problem.  Lifetimes: every string and array lives in the
 * arena passed in; attachment bytes (mg_attachment.raw) point INTO the
 * caller's raw buffer, which must outlive the record. */
#ifndef MG_PARSE_H
#define MG_PARSE_H

#include "arena.h"
#include "hd.h"

#define MG_MIME_DEPTH_MAX 20        /* nesting of multiparts/messages */
#define MG_HEADER_COUNT_MAX 1000    /* header fields read per header block */
#define MG_HEADER_LINE_MAX 65536    /* one unfolded field; longer is cut */
#define MG_PARTS_MAX 1000           /* leaf parts looked at */
#define MG_ADDRESSES_MAX 500        /* addresses kept per header */
#define MG_REFERENCES_MAX 100       /* newest References kept */
#define MG_TEXT_PART_MAX (8u * 1024 * 1024) /* decoded text kept per part */
#define MG_LOOP_HEADER "X-Loop"     /* our own loop marker ... */
#define MG_LOOP_VALUE "helpdesk"    /* ... and its value */
#define MG_SYNTHETIC_ID_DOMAIN "synthetic.helpdesk"

struct mg_address {
    const char *name;    /* display name, decoded UTF-8; "" if none */
    const char *address; /* addr-spec as written, "" if none found */
};

struct mg_header {
    const char *name;  /* field name as written */
    const char *raw;   /* unfolded raw value (may hold 8-bit bytes) */
    const char *value; /* RFC 2047-decoded UTF-8, trimmed */
};

enum mg_transfer {
    MG_TE_IDENTITY, /* 7bit, 8bit, binary, unknown: bytes as they are */
    MG_TE_BASE64,
    MG_TE_QP,
    MG_TE_UUENCODE, /* x-uuencode: "begin MODE NAME" ... "end" */
};

struct mg_attachment {
    const char *filename;     /* UTF-8, never NULL (generated if absent) */
    const char *content_type; /* lower-case "type/subtype" */
    const char *content_id;   /* without <>, or NULL */
    size_t size;              /* decoded bytes */
    char sha256[65];          /* hex of the decoded bytes */
    bool inline_;             /* Content-Disposition inline or a cid: part */
    bool is_message;          /* a forwarded message/rfc822 kept whole */
    /* The part's body as it sits in the raw message, still transfer-
     * encoded; read the decoded bytes with mg_att_reader_*() or
     * mg_attachment_data().  Points into the caller's raw buffer. */
    const char *raw;
    size_t raw_len;
    enum mg_transfer transfer;
};

struct mg_mail {
    struct mg_address from;       /* {"",""} if missing */
    struct mg_address *reply_to;  size_t n_reply_to;
    struct mg_address *to;        size_t n_to;
    struct mg_address *cc;        size_t n_cc;
    const char *subject;          /* decoded UTF-8, "" if missing */
    int64_t date;                 /* UTC seconds, 0 if missing/unparseable */
    const char *message_id;       /* without <>; synthetic if absent */
    bool message_id_synthetic;    /* true when we made message_id up */
    const char *in_reply_to;      /* without <>, or NULL */
    const char **references;      /* without <>, oldest first */
    size_t n_references;
    const char *text;             /* UTF-8 body text, never NULL */
    size_t text_len;
    size_t text_quote_start;      /* first quoted/signature byte, or text_len */
    const char *html;             /* sanitised HTML, or NULL */
    struct mg_attachment *attachments;
    size_t n_attachments;
    bool auto_reply;              /* out-of-office, autoresponder */
    bool bounce;                  /* delivery status notification */
    bool list;                    /* mailing list or bulk */
    bool loop;                    /* carries our own X-Loop marker */
    const char *bounce_original_message_id; /* without <>, or NULL */
    const char *language;         /* "ja", "en", ... two letters */
    char body_hash[65];           /* sha256 hex of the body, line ends
                                     canonical (bodyhash.h) */
    struct mg_header *headers;    /* top-level header fields, in order */
    size_t n_headers;
    const char *parse_problem;    /* first oddity seen, or NULL */
    /* The raw buffer is a read-only file mapping (from
     * mg_parse_opts.raw_mapped): readers may drop its pages behind them
     * with mg_raw_drop() to bound the resident size of a big message. */
    bool raw_mapped;
};

/* How mg_parse_message_opts() reads a message. */
struct mg_parse_opts {
    /* raw is a read-only FILE mapping: every pass over it drops the pages
     * behind it (mg_raw_drop), so a big message is never resident whole. */
    bool raw_mapped;
    /* Leaf bodies' runs of lines at least this long are kept away from
     * libetpan (bigpart.h); 0: never.  The record is the same either
     * way; mg_parse_message() uses MG_BIGPART_CUT_MIN. */
    size_t cut_min;
};

/* Parses raw[0..len).  Returns 0 and *mail_r (in the arena), or -1 with
 * HD_E_INVAL for a NULL raw and HD_E_TOOBIG above HD_MAIL_MAX.  raw need
 * not be NUL-terminated and is never read past len; it must stay alive
 * and unchanged while *mail_r is used.  Thread-safe once
 * mg_parse_init() ran. */
HD_NODISCARD int mg_parse_message(const char *raw, size_t len,
                                  struct hd_arena *a, struct mg_mail **mail_r,
                                  struct hd_error *err);

/* mg_parse_message() with options (see struct mg_parse_opts). */
HD_NODISCARD int mg_parse_message_opts(const char *raw, size_t len,
                                       const struct mg_parse_opts *o,
                                       struct hd_arena *a,
                                       struct mg_mail **mail_r,
                                       struct hd_error *err);

/* Installs the charset hook into libetpan; call once at startup before
 * threads (mg_parse_message() calls it too, idempotently). */
void mg_parse_init(void);

/* First header field called 'name' (case-insensitive), decoded; NULL if
 * absent.  The string lives as long as the mail. */
const char *mg_mail_header(const struct mg_mail *mail, const char *name);

/* Streaming decoder for an attachment's bytes, in chunks of up to
 * MG_ATT_CHUNK; no allocation.  Usage:
 *   struct mg_att_reader r; mg_att_reader_init(&r, att);
 *   while (mg_att_reader_next(&r, &p, &n)) write(fd, p, n);  */
#define MG_ATT_CHUNK 65536
struct mg_att_reader {
    const struct mg_attachment *att;
    size_t pos;              /* next raw byte */
    unsigned bits, nbits;    /* base64 carry */
    char buf[MG_ATT_CHUNK];
};
void mg_att_reader_init(struct mg_att_reader *r,
                        const struct mg_attachment *att);
/* Returns true and a chunk (valid until the next call), false at the end. */
bool mg_att_reader_next(struct mg_att_reader *r, const char **p_r,
                        size_t *n_r);
/* The whole decoded attachment, copied into the arena (NUL-terminated). */
void mg_attachment_data(const struct mg_attachment *att, struct hd_arena *a,
                        const char **data_r, size_t *len_r);

/* Drops the resident pages wholly inside p[0..n) of a read-only FILE
 * mapping (MADV_DONTNEED): the next read faults them in again from the
 * file, unchanged.  Never call it on heap memory (it would zero it). */
void mg_raw_drop(const char *p, size_t n);
/* Bytes a mapped reader moves on before dropping what lies behind. */
#define MG_RAW_DROP_STEP ((size_t)1 << 20)

enum mg_fold_kind { MG_FOLD_QUOTE, MG_FOLD_SIGNATURE };
struct mg_fold {
    size_t start, end;      /* byte offsets into the text, end exclusive */
    enum mg_fold_kind kind;
};
/* Finds ranges a UI may fold: quoted replies ("> " lines, "On ... wrote:",
 * "-----Original Message-----", Outlook "From:/Sent:" blocks, Japanese
 * "...さんは書きました:") and the signature after a "-- " line.  Returns
 * the number of ranges (sorted, non-overlapping) in *folds_r (arena). */
size_t mg_text_fold(const char *text, size_t len, struct hd_arena *a,
                    struct mg_fold **folds_r);

/* RFC 5322 date (lenient: missing weekday, seconds or zone, two-digit
 * years, obsolete zone names) to UTC seconds; 0 if unparseable. */
int64_t mg_parse_date(const char *s);

/* RFC 2047 decoding of a header value (also inside quoted strings, adjacent
 * words of one charset joined before conversion so split characters
 * survive), unlabelled 8-bit text guessed.  Result in the arena. */
const char *mg_decode_header(const char *raw, size_t n, struct hd_arena *a);

#endif
