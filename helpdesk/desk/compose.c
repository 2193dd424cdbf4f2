/* compose.c - see compose.h.  Owns the mail header encoder and the text
 * message builder; knows nothing about SMTP sessions.
 *
 * Folding rules: ASCII values fold only at an existing space, so an RFC
 * 5322 reader that unfolds (drops the CRLF) gets the value back byte for
 * byte.  Non-ASCII values become a run of encoded-words, each on its own
 * line; RFC 2047 §6.2 makes the whitespace between adjacent encoded-words
 * vanish on decoding, so splitting never adds spaces.  Words never split a
 * UTF-8 sequence (§5: each encoded-word must be decodable alone). */
#include "compose.h"

#include "clock.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#define EW_OVERHEAD 12 /* "=?UTF-8?B?" + "?=" */
#define MSGID_RANDOM 12

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static int check_value(const char *value, struct hd_error *err)
{
    size_t n = strlen(value);
    if (n > HD_HEADER_VALUE_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "header value is %zu bytes, max %d",
                     n, HD_HEADER_VALUE_MAX);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c < 0x20 ? c != '\t' : c == 0x7f) {
            hd_error_set(err, HD_E_INVAL,
                         "header value has control byte 0x%02x at %zu", c, i);
            return -1;
        }
    }
    if (!is_ascii(value) && u8_check((const uint8_t *)value, n) != NULL) {
        hd_error_set(err, HD_E_INVAL, "header value is not valid UTF-8");
        return -1;
    }
    return 0;
}

static int check_name(const char *name, struct hd_error *err)
{
    size_t n = strlen(name);
    if (n == 0 || n > HD_HEADER_NAME_MAX) {
        hd_error_set(err, HD_E_INVAL, "header name length %zu (1..%d)", n,
                     HD_HEADER_NAME_MAX);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= 0x20 || c >= 0x7f || c == ':') {
            hd_error_set(err, HD_E_INVAL, "header name has byte 0x%02x", c);
            return -1;
        }
    }
    return 0;
}

/* Folds an ASCII value at spaces; col is the column after "Name:". */
static int fold_ascii(struct hd_buf *out, const char *v, size_t *colp,
                      struct hd_error *err)
{
    size_t col = *colp;
    while (*v) {
        const char *sp = strchr(v + 1, ' ');
        size_t w = sp ? (size_t)(sp - v) : strlen(v);
        if (col + w > HD_HEADER_LINE_MAX && col > 1 && *v == ' ') {
            if (hd_buf_puts(out, "\r\n", err) < 0)
                return -1;
            col = 0;
        }
        if (hd_buf_append(out, v, w, err) < 0)
            return -1;
        col += w;
        v += w;
    }
    *colp = col;
    return 0;
}

/* Bytes of s (at most max) that end on a UTF-8 character boundary. */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static int encoded_word(struct hd_buf *out, const char *s, size_t n,
                        struct hd_error *err)
{
    unsigned char b64[HD_HEADER_LINE_MAX + 4];
    hd_assert(4 * ((n + 2) / 3) < sizeof(b64));
    int k = EVP_EncodeBlock(b64, (const unsigned char *)s, (int)n);
    if (hd_buf_puts(out, "=?UTF-8?B?", err) < 0 ||
        hd_buf_append(out, b64, (size_t)k, err) < 0 ||
        hd_buf_puts(out, "?=", err) < 0)
        return -1;
    return 0;
}

/* Encodes UTF-8 text as encoded-words; col as in fold_ascii.  The first
 * word shares the line with what precedes it, if it fits. */
static int encode_words(struct hd_buf *out, const char *s, size_t *colp,
                        struct hd_error *err)
{
    size_t len = strlen(s), col = *colp;
    bool first = true;
    while (len > 0) {
        size_t used = first ? col + 1 : 1;
        size_t room = used < HD_HEADER_LINE_MAX ? HD_HEADER_LINE_MAX - used : 0;
        size_t raw = room > EW_OVERHEAD ? (room - EW_OVERHEAD) / 4 * 3 : 0;
        size_t n = utf8_prefix(s, len, raw);
        if (n == 0 && first) { /* name too long: start on the next line */
            first = false;
            col = 0;
            if (hd_buf_puts(out, "\r\n", err) < 0)
                return -1;
            continue;
        }
        hd_assert(n > 0);
        if (hd_buf_puts(out, first ? " " : "\r\n ", err) < 0 ||
            encoded_word(out, s, n, err) < 0)
            return -1;
        col = (first ? col + 1 : 1) + EW_OVERHEAD + 4 * ((n + 2) / 3);
        first = false;
        s += n;
        len -= n;
    }
    *colp = col;
    return 0;
}

static void truncate_to(struct hd_buf *out, size_t mark)
{
    out->len = mark;
    if (out->data)
        out->data[mark] = '\0';
}

/* Appends text at *col: folded ASCII or encoded-words. */
static int put_text(struct hd_buf *out, const char *v, size_t *col,
                    struct hd_error *err)
{
    if (!is_ascii(v))
        return encode_words(out, v, col, err);
    if (*v == '\0')
        return 0;
    if (hd_buf_puts(out, " ", err) < 0)
        return -1;
    (*col)++;
    return fold_ascii(out, v, col, err);
}

int hd_header_encode(struct hd_buf *out, const char *name, const char *value,
                     struct hd_error *err)
{
    if (check_name(name, err) < 0 || check_value(value, err) < 0)
        return -1;
    size_t mark = out->len, col = strlen(name) + 1;
    if (hd_buf_printf(out, err, "%s:", name) < 0 ||
        put_text(out, value, &col, err) < 0 ||
        hd_buf_puts(out, "\r\n", err) < 0) {
        truncate_to(out, mark);
        return -1;
    }
    return 0;
}

static int check_addr(const char *a, struct hd_error *err)
{
    size_t n = a ? strlen(a) : 0;
    const char *at = a ? strrchr(a, '@') : NULL;
    if (n == 0 || n > HD_ADDRESS_MAX || at == NULL || at == a || !at[1]) {
        hd_error_set(err, HD_E_INVAL, "not a mail address (local@domain)");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)a[i];
        if (c <= 0x20 || c >= 0x7f || strchr("<>()[],;:\\\"", c)) {
            hd_error_set(err, HD_E_INVAL, "mail address has byte 0x%02x", c);
            return -1;
        }
    }
    return 0;
}

/* Display name as an RFC 5322 phrase: atoms as they are, a quoted-string
 * when it has specials, encoded-words when it is not ASCII. */
static int put_phrase(struct hd_buf *out, const char *name, size_t *col,
                      struct hd_error *err)
{
    if (check_value(name, err) < 0)
        return -1;
    if (!is_ascii(name) || strpbrk(name, "()<>[]:;@\\,.\"") == NULL)
        return put_text(out, name, col, err);
    if (hd_buf_puts(out, " \"", err) < 0)
        return -1;
    for (const char *p = name; *p; p++) {
        if ((*p == '"' || *p == '\\') && hd_buf_puts(out, "\\", err) < 0)
            return -1;
        if (hd_buf_append(out, p, 1, err) < 0)
            return -1;
    }
    *col += strlen(name) + 3;
    return hd_buf_puts(out, "\"", err);
}

static int put_mailbox(struct hd_buf *out, const struct hd_addr *a,
                       size_t *col, struct hd_error *err)
{
    if (check_addr(a->addr, err) < 0)
        return -1;
    bool named = a->name != NULL && a->name[0] != '\0';
    size_t w = strlen(a->addr) + (named ? 3 : 1);
    if (named && put_phrase(out, a->name, col, err) < 0)
        return -1;
    if (*col + w > HD_HEADER_LINE_MAX && *col > 1) {
        if (hd_buf_puts(out, "\r\n", err) < 0)
            return -1;
        *col = 0;
    }
    *col += w;
    return hd_buf_printf(out, err, named ? " <%s>" : " %s", a->addr);
}

int hd_header_addrs(struct hd_buf *out, const char *name,
                    const struct hd_addr *list, size_t n,
                    struct hd_error *err)
{
    if (check_name(name, err) < 0)
        return -1;
    size_t mark = out->len, col = strlen(name) + 1;
    int r = hd_buf_printf(out, err, "%s:", name);
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = put_mailbox(out, &list[i], &col, err);
        if (r == 0 && i + 1 < n) {
            r = hd_buf_puts(out, ",", err);
            col++;
        }
    }
    if (r == 0)
        r = hd_buf_puts(out, "\r\n", err);
    if (r < 0)
        truncate_to(out, mark);
    return r;
}

void hd_rfc5322_date(int64_t t, char out[40])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
                                       "Thu", "Fri", "Sat"};
    static const char *const mons[] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    long off;
    hd_time_local(t, &tm, &off);
    char sign = off < 0 ? '-' : '+';
    long a = off < 0 ? -off : off;
    /* English names by table: strftime would follow the locale. */
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
             days[tm.tm_wday % 7], tm.tm_mday, mons[tm.tm_mon % 12],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, sign,
             a / 3600, a / 60 % 60);
}

/* Text with CRLF line ends (lone LF becomes CRLF; lone CR is refused). */
static int canonical_text(const char *s, size_t n, struct hd_buf *out,
                          struct hd_error *err)
{
    if (u8_check((const uint8_t *)s, n) != NULL) {
        hd_error_set(err, HD_E_INVAL, "body is not valid UTF-8");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')) {
            hd_error_set(err, HD_E_INVAL, "body has a bare CR at %zu", i);
            return -1;
        }
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r') &&
            hd_buf_append(out, "\r", 1, err) < 0)
            return -1;
        if (hd_buf_append(out, &s[i], 1, err) < 0)
            return -1;
    }
    return 0;
}

static int body_base64(const struct hd_buf *t, struct hd_buf *out,
                       struct hd_error *err)
{
    unsigned char line[HD_BODY_LINE_MAX + 1];
    const size_t chunk = HD_BODY_LINE_MAX / 4 * 3;
    for (size_t i = 0; i < t->len; i += chunk) {
        size_t n = t->len - i < chunk ? t->len - i : chunk;
        int k = EVP_EncodeBlock(line, (const unsigned char *)t->data + i,
                                (int)n);
        if (hd_buf_append(out, line, (size_t)k, err) < 0 ||
            hd_buf_puts(out, "\r\n", err) < 0)
            return -1;
    }
    return 0;
}

/* RFC 2045 §6.7: '=' and non-ASCII as =XX, space/tab before a line break
 * encoded, soft breaks ("=" CRLF) keep lines <= 76. */
static int body_qp(const struct hd_buf *t, struct hd_buf *out,
                   struct hd_error *err)
{
    size_t col = 0;
    for (size_t i = 0; i < t->len; i++) {
        unsigned char c = (unsigned char)t->data[i];
        if (c == '\r' && i + 1 < t->len && t->data[i + 1] == '\n') {
            if (hd_buf_puts(out, "\r\n", err) < 0)
                return -1;
            i++;
            col = 0;
            continue;
        }
        bool eol = i + 1 == t->len || t->data[i + 1] == '\r';
        bool lit = (c >= 33 && c <= 126 && c != '=') ||
                   ((c == ' ' || c == '\t') && !eol);
        size_t w = lit ? 1 : 3;
        if (col + w > HD_BODY_LINE_MAX - 1) {
            if (hd_buf_puts(out, "=\r\n", err) < 0)
                return -1;
            col = 0;
        }
        if ((lit ? hd_buf_append(out, &c, 1, err)
                 : hd_buf_printf(out, err, "=%02X", c)) < 0)
            return -1;
        col += w;
    }
    return t->len > 0 && t->data[t->len - 1] != '\n'
               ? hd_buf_puts(out, "\r\n", err)
               : 0;
}

static int put_body(const struct hd_out_msg *m, struct hd_buf *out,
                    struct hd_error *err)
{
    struct hd_buf t;
    hd_buf_init(&t, HD_MAIL_MAX);
    int r = canonical_text(m->body ? m->body : "", m->body_len, &t, err);
    if (r == 0)
        r = m->cte == HD_CTE_QUOTED_PRINTABLE ? body_qp(&t, out, err)
                                              : body_base64(&t, out, err);
    hd_buf_deinit(&t);
    return r;
}

static int put_msgid(struct hd_buf *out, const struct hd_out_msg *m,
                     struct hd_error *err)
{
    if (m->message_id != NULL)
        return hd_header_encode(out, "Message-ID", m->message_id, err);
    unsigned char rnd[MSGID_RANDOM];
    char hex[2 * MSGID_RANDOM + 1], id[HD_ADDRESS_MAX + 64];
    if (RAND_bytes(rnd, sizeof rnd) != 1) {
        hd_error_set(err, HD_E_INTERNAL, "RAND_bytes failed");
        return -1;
    }
    for (size_t i = 0; i < sizeof rnd; i++)
        snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    const char *dom = strrchr(m->from.addr, '@');
    snprintf(id, sizeof id, "<%lld.%s%s>", (long long)hd_clock_now(), hex,
             dom ? dom : "@localhost");
    return hd_header_encode(out, "Message-ID", id, err);
}

static int put_opt(struct hd_buf *out, const char *name, const char *v,
                   struct hd_error *err)
{
    return v == NULL ? 0 : hd_header_encode(out, name, v, err);
}

static int put_headers(const struct hd_out_msg *m, struct hd_buf *out,
                       struct hd_error *err)
{
    char date[40];
    hd_rfc5322_date(hd_clock_now(), date);
    if (m->nto + m->ncc == 0) {
        hd_error_set(err, HD_E_INVAL, "message has no recipient");
        return -1;
    }
    if (hd_header_addrs(out, "From", &m->from, 1, err) < 0 ||
        (m->nto && hd_header_addrs(out, "To", m->to, m->nto, err) < 0) ||
        (m->ncc && hd_header_addrs(out, "Cc", m->cc, m->ncc, err) < 0) ||
        hd_header_encode(out, "Subject", m->subject ? m->subject : "",
                         err) < 0 ||
        hd_header_encode(out, "Date", date, err) < 0 ||
        put_msgid(out, m, err) < 0 ||
        put_opt(out, "In-Reply-To", m->in_reply_to, err) < 0 ||
        put_opt(out, "References", m->references, err) < 0 ||
        put_opt(out, "Auto-Submitted", m->auto_submitted, err) < 0 ||
        put_opt(out, "X-Loop", m->x_loop, err) < 0)
        return -1;
    for (size_t i = 0; i < m->nextra; i++)
        if (hd_header_encode(out, m->extra[2 * i], m->extra[2 * i + 1],
                             err) < 0)
            return -1;
    return 0;
}

/* The canonical body converted to ISO-2022-JP into out; -1 (out
 * unchanged) when a character has no JIS form or a line is too long for
 * 7bit transport. */
static int body_iso2022jp(const struct hd_out_msg *m, struct hd_buf *out)
{
    struct hd_error ignore;
    struct hd_buf t;
    int rc = -1;
    iconv_t cd = iconv_open("ISO-2022-JP", "UTF-8");
    hd_buf_init(&t, HD_MAIL_MAX);
    if (cd == (iconv_t)-1 ||
        canonical_text(m->body ? m->body : "", m->body_len, &t, &ignore) < 0)
        goto out;
    size_t inleft = t.len, cap = t.len * 2 + 16, outleft = cap;
    char *buf = hd_xmalloc(cap), *in = t.data ? t.data : "", *o = buf;
    if (iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1 &&
        iconv(cd, NULL, NULL, &o, &outleft) != (size_t)-1) {
        size_t n = (size_t)(o - buf), line = 0;
        bool ok = true;
        for (size_t i = 0; i < n && ok; i++) {
            line = buf[i] == '\n' ? 0 : line + 1;
            ok = line <= 998 && (unsigned char)buf[i] < 0x80;
        }
        if (ok && hd_buf_append(out, buf, n, &ignore) == 0 &&
            (n == 0 || buf[n - 1] == '\n' ||
             hd_buf_puts(out, "\r\n", &ignore) == 0))
            rc = 0;
    }
    free(buf);
out:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    hd_buf_deinit(&t);
    return rc;
}

/* The text: its part headers, a blank line and the encoded body. */
static int put_text_part(const struct hd_out_msg *m, struct hd_buf *out,
                         struct hd_error *err)
{
    if (m->iso2022jp) {
        size_t mark = out->len;
        if (hd_buf_puts(out, "Content-Type: text/plain; charset=ISO-2022-JP\r\n"
                             "Content-Transfer-Encoding: 7bit\r\n\r\n",
                        err) == 0 &&
            body_iso2022jp(m, out) == 0)
            return 0;
        truncate_to(out, mark); /* not representable: UTF-8 below */
    }
    const char *cte = m->cte == HD_CTE_QUOTED_PRINTABLE ? "quoted-printable"
                                                        : "base64";
    if (hd_buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n",
                    err) < 0 ||
        hd_buf_printf(out, err, "Content-Transfer-Encoding: %s\r\n\r\n",
                      cte) < 0)
        return -1;
    return put_body(m, out, err);
}

/* A MIME type we may write as it is: "type/subtype" of token bytes. */
static bool mime_type_ok(const char *t)
{
    size_t slash = 0, n = 0;
    for (const char *c = t; *c; c++, n++) {
        if (*c == '/')
            slash++;
        else if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                   (*c >= '0' && *c <= '9') || strchr("!#$&^_.+-", *c)))
            return false;
    }
    return slash == 1 && n > 2 && n < 128 && t[0] != '/' && t[n - 1] != '/';
}

/* RFC 2231 attr-char: sent as it is; every other byte is %XX. */
static bool attr_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c != 0 && strchr("!#$&+-.^_`|~", c));
}

#define PARAM_SECTION 48 /* %-encoded bytes of one RFC 2231 section */

/* "; NAME*0*=UTF-8''..." sections (RFC 2231 §3, §4), each on its own
 * folded line; control bytes of the name become '_'. */
static int put_param(struct hd_buf *out, const char *param, const char *v,
                     struct hd_error *err)
{
    size_t sec = 0, col = PARAM_SECTION;
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        unsigned char b = *c < 0x20 || *c == 0x7f ? '_' : *c;
        if (col >= PARAM_SECTION) {
            if (hd_buf_printf(out, err, ";\r\n %s*%zu*=%s", param, sec,
                              sec == 0 ? "UTF-8''" : "") < 0)
                return -1;
            sec++;
            col = 0;
        }
        int r = attr_char(b) ? hd_buf_append(out, &b, 1, err)
                             : hd_buf_printf(out, err, "%%%02X", b);
        if (r < 0)
            return -1;
        col += attr_char(b) ? 1 : 3;
    }
    return sec == 0 ? hd_buf_printf(out, err, ";\r\n %s=\"file\"", param) : 0;
}

static int put_file_part(const struct hd_out_part *p, struct hd_buf *out,
                         struct hd_error *err)
{
    const char *fn = p->filename && *p->filename ? p->filename : "file";
    struct hd_buf t = {.data = (char *)p->data, .len = p->len};
    if (u8_check((const uint8_t *)fn, strlen(fn)) != NULL) {
        hd_error_set(err, HD_E_INVAL, "file name is not valid UTF-8");
        return -1;
    }
    return hd_buf_printf(out, err, "Content-Type: %s",
                         p->content_type && mime_type_ok(p->content_type)
                             ? p->content_type
                             : "application/octet-stream") < 0 ||
                   put_param(out, "name", fn, err) < 0 ||
                   hd_buf_puts(out, "\r\nContent-Disposition: attachment",
                               err) < 0 ||
                   put_param(out, "filename", fn, err) < 0 ||
                   hd_buf_puts(out, "\r\nContent-Transfer-Encoding: base64"
                                    "\r\n\r\n",
                               err) < 0 ||
                   body_base64(&t, out, err) < 0
               ? -1
               : 0;
}

/* multipart/mixed: the text, then each file (RFC 2046 §5.1.3). */
static int put_mixed(const struct hd_out_msg *m, struct hd_buf *out,
                     struct hd_error *err)
{
    unsigned char rnd[MSGID_RANDOM];
    char b[2 * MSGID_RANDOM + 8];
    if (RAND_bytes(rnd, sizeof rnd) != 1) {
        hd_error_set(err, HD_E_INTERNAL, "no random bytes for a boundary");
        return -1;
    }
    memcpy(b, "=_hd_", 5); /* "=_" never occurs in base64 or QP output */
    for (size_t i = 0; i < sizeof rnd; i++)
        snprintf(b + 5 + 2 * i, 3, "%02x", rnd[i]);
    if (hd_buf_printf(out, err,
                      "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
                      "--%s\r\n",
                      b, b) < 0 ||
        put_text_part(m, out, err) < 0)
        return -1;
    for (size_t i = 0; i < m->nparts; i++)
        if (hd_buf_printf(out, err, "\r\n--%s\r\n", b) < 0 ||
            put_file_part(&m->parts[i], out, err) < 0)
            return -1;
    return hd_buf_printf(out, err, "\r\n--%s--\r\n", b);
}

int hd_build_message(const struct hd_out_msg *m, struct hd_buf *out,
                     struct hd_error *err)
{
    size_t mark = out->len;
    if (put_headers(m, out, err) < 0 ||
        hd_buf_puts(out, "MIME-Version: 1.0\r\n", err) < 0 ||
        (m->nparts > 0 ? put_mixed(m, out, err)
                       : put_text_part(m, out, err)) < 0) {
        truncate_to(out, mark);
        return -1;
    }
    return 0;
}
