/* parse.c - the MIME walk: libetpan builds the part tree, we read each
 * part ourselves (see parse.h).  The tree points into the caller's raw
 * buffer and is freed before we return; what the record keeps is copied
 * into the arena, except attachment bodies, which stay pointers into raw.
 * A message with long leaf bodies is given to libetpan as a skeleton
 * without most of them (bigpart.h); part_region() maps back to raw.
 *
 * Which part is "the text": text/plain and text/html parts without a
 * file name and not marked attachment are body text, in order.  Inside
 * multipart/alternative, HTML converted to text is held aside and used
 * only if the alternative had no text/plain.  The first HTML part is kept
 * sanitised as the mail's html.  Everything else is an attachment. */
#include "parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>
#include <openssl/evp.h>

#include "bigpart.h"
#include "bodyhash.h"
#include "buf.h"
#include "charset.h"
#include "htmlmail.h"
#include "parse_int.h"

#define TEXT_TOTAL_MAX (16u * 1024 * 1024) /* all body text together */
#define HTML_TOTAL_MAX (8u * 1024 * 1024)  /* sanitised HTML kept */
#define TYPE_MAX 128                        /* "type/subtype" */
#define FILENAME_MAX_BYTES 255
#define RFC2231_SEGMENTS_MAX 64
#define NESTED_HEADER_PEEK (256u * 1024) /* decoded bytes read for a subject */
#define PARAMS_MAX 64

struct kv {
    const char *name, *value;
};

struct part_info {
    char type[TYPE_MAX];   /* lower-case "type/subtype" */
    const char *charset;   /* label or NULL */
    const char *filename;  /* decoded UTF-8 or NULL */
    const char *content_id;
    bool disp_attachment, disp_inline;
    enum mg_transfer te;
    bool flowed, delsp;
    const char *report_type;
};

struct ctx {
    struct hd_arena *a;
    const char *raw;
    size_t len;
    bool mapped;                  /* raw is a file mapping: drop behind */
    const struct mg_skeleton *sk; /* what libetpan parsed, or NULL */
    /* Or a copy of raw at alias_of with the same offsets, its header
     * block cleaned (mg_headers_clean()); NULL when libetpan read raw. */
    const char *alias, *alias_of;
    size_t alias_len;
    struct mg_mail *m;
    struct hd_buf text, html;
    struct mg_attachment *att;
    size_t natt, capatt, parts;
    struct mg_att_reader *reader;
    bool report;
    const char *problem;
};

static void problem(struct ctx *c, const char *what)
{
    if (!c->problem)
        c->problem = what;
}

/* ---- libetpan glue ------------------------------------------------- */

static int charconv_hook(const char *to, const char *from, const char *str,
                         size_t len, char *result, size_t *result_len)
{
    size_t n;
    if (strcasecmp(to, "utf-8") != 0)
        return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET;
    int r = mg_charset_convert_into(from, str, len, result, *result_len, &n);
    if (r == -1)
        return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET;
    if (r == -2)
        return MAIL_CHARCONV_ERROR_MEMORY;
    *result_len = n;
    return MAIL_CHARCONV_NO_ERROR;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init(void)
{
    extended_charconv = charconv_hook;
}

void mg_parse_init(void)
{
    pthread_once(&init_once, init);
}

static void type_string(const struct mailmime_content *ct, char out[TYPE_MAX])
{
    const char *t = "text", *sub = "plain";
    if (ct && ct->ct_type) {
        const struct mailmime_type *ty = ct->ct_type;
        static const char *const discrete[] = {"application", "text", "image",
                                               "audio", "video", "application"};
        if (ty->tp_type == MAILMIME_TYPE_DISCRETE_TYPE && ty->tp_data.tp_discrete_type) {
            int d = ty->tp_data.tp_discrete_type->dt_type;
            t = d >= 0 && d < 6 ? discrete[d] : "application";
            if (d == MAILMIME_DISCRETE_TYPE_EXTENSION
                && ty->tp_data.tp_discrete_type->dt_extension)
                t = ty->tp_data.tp_discrete_type->dt_extension;
        } else if (ty->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE
                   && ty->tp_data.tp_composite_type) {
            const struct mailmime_composite_type *ctt = ty->tp_data.tp_composite_type;
            t = ctt->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE ? "message"
                : ctt->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART ? "multipart"
                : (ctt->ct_token ? ctt->ct_token : "application");
        }
        sub = ct->ct_subtype ? ct->ct_subtype : "octet-stream";
    }
    size_t k = 0;
    for (const char *p = t; *p && k + 2 < TYPE_MAX; p++)
        out[k++] = (char)tolower((unsigned char)*p);
    out[k++] = '/';
    for (const char *p = sub; *p && k + 1 < TYPE_MAX; p++)
        out[k++] = (char)tolower((unsigned char)*p);
    out[k] = '\0';
}

static size_t collect_params(clist *l, struct kv *kv, size_t n)
{
    for (clistiter *it = l ? clist_begin(l) : NULL; it && n < PARAMS_MAX;
         it = clist_next(it)) {
        const struct mailmime_parameter *p = clist_content(it);
        if (p && p->pa_name && p->pa_value)
            kv[n++] = (struct kv){p->pa_name, p->pa_value};
    }
    return n;
}

static size_t collect_disp(const struct mailmime_disposition *d, struct kv *kv)
{
    size_t n = 0;
    for (clistiter *it = d->dsp_parms ? clist_begin(d->dsp_parms) : NULL;
         it && n < PARAMS_MAX; it = clist_next(it)) {
        const struct mailmime_disposition_parm *p = clist_content(it);
        if (p->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME && p->pa_data.pa_filename)
            kv[n++] = (struct kv){"filename", p->pa_data.pa_filename};
        else if (p->pa_type == MAILMIME_DISPOSITION_PARM_PARAMETER
                 && p->pa_data.pa_parameter && p->pa_data.pa_parameter->pa_name
                 && p->pa_data.pa_parameter->pa_value)
            kv[n++] = (struct kv){p->pa_data.pa_parameter->pa_name,
                                  p->pa_data.pa_parameter->pa_value};
    }
    return n;
}

static const char *kv_get(const struct kv *kv, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(kv[i].name, name) == 0)
            return kv[i].value;
    return NULL;
}

/* ---- RFC 2231 parameters ------------------------------------------- */

/* Segment number of "base*N" / "base*N*", or -1; *ext_r says "N*". */
static int segment_of(const char *name, const char *base, bool *ext_r)
{
    size_t bl = strlen(base);
    if (strncasecmp(name, base, bl) != 0 || name[bl] != '*'
        || !isdigit((unsigned char)name[bl + 1]))
        return -1;
    char *end;
    long n = strtol(name + bl + 1, &end, 10);
    *ext_r = *end == '*';
    if ((*end && strcmp(end, "*") != 0) || n < 0 || n >= RFC2231_SEGMENTS_MAX)
        return -1;
    return (int)n;
}

/* Value of parameter 'base' from RFC 2231 forms ("base*" or continuations
 * "base*0*", "base*1" ...), joined before charset conversion so a
 * character split across segments survives; NULL if none. */
static const char *param_2231(const struct kv *kv, size_t n, const char *base,
                              struct hd_arena *a)
{
    char star[TYPE_MAX];
    int sl = snprintf(star, sizeof star, "%s*", base);
    hd_assert(sl > 0 && (size_t)sl < sizeof star);
    const char *v = kv_get(kv, n, star);
    if (v)
        return mg_rfc2231_decode(v, strlen(v), a);
    struct hd_buf j;
    struct hd_error e;
    bool any = false, first_ext = false;
    hd_buf_init(&j, MG_HEADER_LINE_MAX);
    for (int seg = 0; seg < RFC2231_SEGMENTS_MAX; seg++) {
        bool found = false, ext;
        for (size_t i = 0; i < n && !found; i++) {
            if (segment_of(kv[i].name, base, &ext) != seg)
                continue;
            found = any = true;
            if (seg == 0)
                first_ext = ext;
            for (const char *p = kv[i].value; *p; p++) {
                /* Plain segments are literal: keep their '%' literal. */
                int rc = (!ext && first_ext && *p == '%')
                             ? hd_buf_puts(&j, "%25", &e)
                             : hd_buf_append(&j, p, 1, &e);
                if (rc < 0)
                    break;
            }
        }
        if (!found)
            break;
    }
    const char *r = NULL;
    if (any)
        r = first_ext ? mg_rfc2231_decode(hd_buf_cstr(&j), j.len, a)
                      : mg_decode_header(hd_buf_cstr(&j), j.len, a);
    hd_buf_deinit(&j);
    return r;
}

/* Keeps the last path component, drops controls, caps the length at a
 * character boundary. */
static const char *clean_filename(const char *f, struct hd_arena *a)
{
    const char *slash = strrchr(f, '/'), *bs = strrchr(f, '\\');
    if (slash && slash[1])
        f = slash + 1;
    if (bs && bs > f && bs[1])
        f = bs + 1;
    char *o = hd_arena_strdup(a, f);
    size_t k = 0;
    for (const char *p = f; *p; p++)
        if ((unsigned char)*p >= 0x20 && *p != 0x7f)
            o[k++] = *p;
    if (k > FILENAME_MAX_BYTES) {
        k = FILENAME_MAX_BYTES;
        while (k > 0 && ((unsigned char)o[k] & 0xC0) == 0x80)
            k--;
    }
    o[k] = '\0';
    while (k > 0 && (o[k - 1] == ' ' || o[k - 1] == '.'))
        o[--k] = '\0';
    return k ? o : NULL;
}

/* Fallback order: disposition filename*, content-type name*, RFC 2047 in
 * filename=, then name=. */
static const char *pick_filename(const struct kv *disp, size_t nd,
                                 const struct kv *ct, size_t nc,
                                 struct hd_arena *a)
{
    const char *f = param_2231(disp, nd, "filename", a);
    if (!f)
        f = param_2231(ct, nc, "name", a);
    const char *v;
    if (!f && (v = kv_get(disp, nd, "filename")))
        f = mg_decode_header(v, strlen(v), a);
    if (!f && (v = kv_get(ct, nc, "name")))
        f = mg_decode_header(v, strlen(v), a);
    return f ? clean_filename(f, a) : NULL;
}

/* The value of an unquoted parameter 'name=' in a part's header text
 * h[0..n), up to ';' or the end of its line, blanks inside kept (some
 * mailers write "filename=my report.pdf"); NULL when absent or quoted. */
static const char *unquoted_param(const char *h, size_t n, const char *name,
                                  struct hd_arena *a)
{
    size_t nl = strlen(name);
    for (size_t i = 1; i + nl < n; i++) {
        if (strncasecmp(h + i, name, nl) != 0 || h[i + nl] != '=' ||
            !(h[i - 1] == ';' || h[i - 1] == ' ' || h[i - 1] == '\t'))
            continue;
        size_t s = i + nl + 1, e = s;
        if (s < n && h[s] == '"')
            return NULL;
        while (e < n && h[e] != ';' && h[e] != '\r' && h[e] != '\n')
            e++;
        while (e > s && (h[e - 1] == ' ' || h[e - 1] == '\t'))
            e--;
        return e > s ? hd_arena_strndup(a, h + s, e - s) : NULL;
    }
    return NULL;
}

/* libetpan ends an unquoted file name at its first blank: the whole
 * value from the part's header text when it goes on from there. */
static const char *whole_filename(const struct mailmime *m, const char *f,
                                  struct hd_arena *a)
{
    const struct mailmime_data *d = m->mm_type == MAILMIME_SINGLE
                                        ? m->mm_data.mm_single : NULL;
    const char *h = m->mm_mime_start;
    if (f == NULL || h == NULL || d == NULL || d->dt_type != MAILMIME_DATA_TEXT ||
        d->dt_data.dt_text.dt_data <= h ||
        d->dt_data.dt_text.dt_data - h > 65536)
        return f;
    size_t n = (size_t)(d->dt_data.dt_text.dt_data - h);
    static const char *const names[] = {"filename", "name"};
    for (size_t i = 0; i < HD_ARRAY_LEN(names); i++) {
        const char *v = unquoted_param(h, n, names[i], a);
        if (v == NULL || strchr(v, ' ') == NULL || strchr(v, '=') != NULL)
            continue;
        const char *w = clean_filename(mg_decode_header(v, strlen(v), a), a);
        if (w != NULL && strlen(w) > strlen(f) &&
            strncmp(w, f, strlen(f)) == 0)
            return w;
    }
    return f;
}

/* Types mailers get wrong, as mail clients read them: "text" without a
 * subtype, "plain/text", "text/htm". */
static void type_fix(char type[TYPE_MAX])
{
    static const struct { const char *bad, *good; } fixes[] = {
        {"text/octet-stream", "text/plain"}, {"text/unknown", "text/plain"},
        {"text/", "text/plain"},             {"plain/text", "text/plain"},
        {"text/text", "text/plain"},         {"text/txt", "text/plain"},
        {"text/htm", "text/html"},           {"html/text", "text/html"},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(fixes); i++)
        if (strcmp(type, fixes[i].bad) == 0) {
            snprintf(type, TYPE_MAX, "%s", fixes[i].good);
            return;
        }
}

static void part_info_init(struct ctx *c, const struct mailmime *m,
                           struct part_info *pi)
{
    struct kv ct[PARAMS_MAX], disp[PARAMS_MAX];
    size_t nc = 0, nd = 0;
    memset(pi, 0, sizeof *pi);
    type_string(m->mm_content_type, pi->type);
    type_fix(pi->type);
    if (m->mm_content_type)
        nc = collect_params(m->mm_content_type->ct_parameters, ct, 0);
    for (clistiter *it = m->mm_mime_fields ? clist_begin(m->mm_mime_fields->fld_list)
                                           : NULL; it; it = clist_next(it)) {
        const struct mailmime_field *f = clist_content(it);
        if (f->fld_type == MAILMIME_FIELD_TRANSFER_ENCODING && f->fld_data.fld_encoding) {
            int t = f->fld_data.fld_encoding->enc_type;
            const char *tok = f->fld_data.fld_encoding->enc_token;
            pi->te = t == MAILMIME_MECHANISM_BASE64 ? MG_TE_BASE64
                     : t == MAILMIME_MECHANISM_QUOTED_PRINTABLE ? MG_TE_QP
                     : t == MAILMIME_MECHANISM_TOKEN && tok &&
                               (strcasecmp(tok, "x-uuencode") == 0 ||
                                strcasecmp(tok, "uuencode") == 0 ||
                                strcasecmp(tok, "x-uue") == 0 ||
                                strcasecmp(tok, "uue") == 0)
                         ? MG_TE_UUENCODE
                         : MG_TE_IDENTITY;
        } else if (f->fld_type == MAILMIME_FIELD_ID && f->fld_data.fld_id)
            pi->content_id = hd_arena_strdup(c->a, f->fld_data.fld_id);
        else if (f->fld_type == MAILMIME_FIELD_DISPOSITION && f->fld_data.fld_disposition) {
            const struct mailmime_disposition *d = f->fld_data.fld_disposition;
            int t = d->dsp_type ? d->dsp_type->dsp_type : 0;
            pi->disp_attachment = t == MAILMIME_DISPOSITION_TYPE_ATTACHMENT;
            pi->disp_inline = t == MAILMIME_DISPOSITION_TYPE_INLINE;
            nd = collect_disp(d, disp);
        }
    }
    const char *v = kv_get(ct, nc, "charset");
    pi->charset = v && *v ? hd_arena_strdup(c->a, v) : NULL;
    v = kv_get(ct, nc, "format");
    pi->flowed = v && strcasecmp(v, "flowed") == 0;
    v = kv_get(ct, nc, "delsp");
    pi->delsp = v && strcasecmp(v, "yes") == 0;
    v = kv_get(ct, nc, "report-type");
    pi->report_type = v ? hd_arena_strdup(c->a, v) : NULL;
    pi->filename = whole_filename(m, pick_filename(disp, nd, ct, nc, c->a),
                                  c->a);
}

/* ---- leaves -------------------------------------------------------- */

/* The bytes of a part's body, if libetpan's pointers lie inside raw. */
static bool part_region(struct ctx *c, const struct mailmime *m,
                        const char **s_r, size_t *n_r)
{
    const struct mailmime_data *d = m->mm_type == MAILMIME_SINGLE
                                        ? m->mm_data.mm_single : m->mm_body;
    const char *s = m->mm_mime_start;
    size_t n = m->mm_length;
    const char *base = c->sk ? c->sk->data : c->alias ? c->alias : c->raw;
    size_t len = c->sk ? c->sk->len : c->alias ? c->alias_len : c->len;
    if (d && d->dt_type == MAILMIME_DATA_TEXT)
        s = d->dt_data.dt_text.dt_data, n = d->dt_data.dt_text.dt_length;
    if (!s || s < base || s > base + len || n > (size_t)(base + len - s)) {
        problem(c, "MIME part outside the message skipped");
        return false;
    }
    if (c->sk) { /* back from libetpan's copy to the message */
        const char *e = mg_skeleton_to_raw(c->sk, s + n, true);
        s = mg_skeleton_to_raw(c->sk, s, false);
        n = e > s ? (size_t)(e - s) : 0;
    } else if (c->alias) { /* back from the copy; never into its tail */
        size_t off = (size_t)(s - c->alias);
        size_t raw_len = c->len - (size_t)(c->alias_of - c->raw);
        if (off > raw_len)
            off = raw_len;
        if (n > raw_len - off)
            n = raw_len - off;
        s = c->alias_of + off;
    }
    *s_r = s, *n_r = n;
    return true;
}

static void text_append(struct hd_buf *b, const char *s, size_t n)
{
    struct hd_error e;
    if (n == 0)
        return;
    if (b->len > 0 && b->data[b->len - 1] != '\n' && hd_buf_puts(b, "\n", &e) < 0)
        return;
    if (b->len > 0 && hd_buf_puts(b, "\n", &e) < 0)
        return;
    if (hd_buf_append(b, s, n, &e) < 0)
        return; /* over TEXT_TOTAL_MAX: the rest stays in the raw mail */
}

/* Charset label for HTML without one: a <meta charset> near the top. */
static const char *html_meta_charset(const char *s, size_t n, struct hd_arena *a)
{
    size_t look = n < 2048 ? n : 2048;
    const char *p = memmem(s, look, "charset=", 8);
    if (!p)
        return NULL;
    p += 8;
    while (p < s + look && (*p == '"' || *p == '\''))
        p++;
    size_t k = 0;
    while (p + k < s + look && k < MG_CHARSET_LABEL_MAX - 1
           && (isalnum((unsigned char)p[k]) || p[k] == '-' || p[k] == '_'))
        k++;
    return k ? hd_arena_strndup(a, p, k) : NULL;
}

static void body_part(struct ctx *c, const struct part_info *pi, const char *s,
                      size_t n, struct hd_buf *html_sink)
{
    bool html = strcmp(pi->type, "text/html") == 0;
    size_t dn, un;
    char *d = mg_transfer_decode(s, n, pi->te, MG_TEXT_PART_MAX, &dn), *u;
    const char *cs = pi->charset;
    if (!cs && html)
        cs = html_meta_charset(d, dn, c->a);
    mg_charset_decode(cs, d, dn, c->a, &u, &un);
    free(d);
    if (c->mapped)
        mg_raw_drop(s, n);
    un = mg_newlines_lf(u, un);
    if (html) {
        char *safe, *txt;
        mg_html_process(u, un, c->a, c->html.len ? NULL : &safe, &txt);
        struct hd_error e;
        if (!c->html.len && hd_buf_puts(&c->html, safe, &e) < 0)
            problem(c, "HTML part too large; sanitised copy dropped");
        text_append(html_sink ? html_sink : &c->text, txt, strlen(txt));
        return;
    }
    if (pi->flowed)
        u = mg_flowed_decode(u, un, pi->delsp, c->a, &un);
    text_append(&c->text, u, un);
}

static const char *ext_for(const char *type)
{
    static const struct { const char *t, *e; } map[] = {
        {"text/plain", ".txt"}, {"text/html", ".html"}, {"text/calendar", ".ics"},
        {"text/csv", ".csv"}, {"image/png", ".png"}, {"image/jpeg", ".jpg"},
        {"image/gif", ".gif"}, {"application/pdf", ".pdf"},
        {"message/rfc822", ".eml"}, {"message/delivery-status", ".txt"},
        {"text/rfc822-headers", ".txt"}, {"application/zip", ".zip"}};
    for (size_t i = 0; i < HD_ARRAY_LEN(map); i++)
        if (strcmp(type, map[i].t) == 0)
            return map[i].e;
    return ".bin";
}

static void add_attachment(struct ctx *c, const struct part_info *pi,
                           const char *s, size_t n, const char *fname,
                           bool is_message)
{
    if (c->natt == c->capatt) {
        c->capatt = c->capatt ? 2 * c->capatt : 8;
        c->att = hd_xrealloc(c->att, c->capatt * sizeof *c->att);
    }
    struct mg_attachment *t = &c->att[c->natt++];
    memset(t, 0, sizeof *t);
    t->raw = s, t->raw_len = n, t->transfer = pi->te;
    t->content_type = hd_arena_strdup(c->a, pi->type);
    if (pi->content_id) {
        const char *id = pi->content_id;
        size_t l = strlen(id);
        if (l >= 2 && id[0] == '<' && id[l - 1] == '>')
            id++, l -= 2;
        t->content_id = hd_arena_strndup(c->a, id, l);
    }
    t->filename = fname ? fname : pi->filename;
    if (!t->filename)
        t->filename = hd_arena_printf(c->a, "attachment-%zu%s", c->natt,
                                      ext_for(pi->type));
    t->inline_ = pi->disp_inline || (!pi->disp_attachment && pi->content_id);
    t->is_message = is_message;
    /* Hash while decoding in chunks: the decoded bytes are never held. */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char dg[32];
    const char *p;
    size_t cn, dropped = 0;
    hd_assert(md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1);
    mg_att_reader_init(c->reader, t);
    while (mg_att_reader_next(c->reader, &p, &cn)) {
        hd_assert(EVP_DigestUpdate(md, p, cn) == 1);
        t->size += cn;
        if (c->mapped && c->reader->pos - dropped >= MG_RAW_DROP_STEP) {
            mg_raw_drop(t->raw + dropped, c->reader->pos - dropped);
            dropped = c->reader->pos;
        }
    }
    if (c->mapped)
        mg_raw_drop(t->raw, t->raw_len);
    hd_assert(EVP_DigestFinal_ex(md, dg, NULL) == 1);
    EVP_MD_CTX_free(md);
    for (int i = 0; i < 32; i++) {
        t->sha256[2 * i] = "0123456789abcdef"[dg[i] >> 4];
        t->sha256[2 * i + 1] = "0123456789abcdef"[dg[i] & 15];
    }
}

/* Header block of an enclosed message (message/rfc822 or
 * text/rfc822-headers), decoded if it was transfer-encoded. */
static void nested_headers(struct ctx *c, const struct part_info *pi,
                           const char *s, size_t n, struct mg_header **h_r,
                           size_t *nh_r)
{
    size_t body, dn = n;
    const char *ignored = NULL;
    char *d = NULL;
    if (pi->te != MG_TE_IDENTITY)
        s = d = mg_transfer_decode(s, n, pi->te, NESTED_HEADER_PEEK, &dn);
    mg_headers_split(s, dn, c->a, h_r, nh_r, &body, &ignored);
    free(d);
}

static void nested_message(struct ctx *c, const struct part_info *pi,
                           const char *s, size_t n, bool headers_only)
{
    struct mg_header *h;
    size_t nh;
    nested_headers(c, pi, s, n, &h, &nh);
    const struct mg_header *id = mg_headers_find(h, nh, "Message-ID");
    const char **ids;
    if ((c->report || c->m->bounce) && id && !c->m->bounce_original_message_id
        && mg_msgid_list(id->raw, c->a, &ids) > 0)
        c->m->bounce_original_message_id = ids[0];
    const char *fname = NULL;
    if (!headers_only && !pi->filename) {
        const struct mg_header *sub = mg_headers_find(h, nh, "Subject");
        const char *base = sub && *sub->value ? clean_filename(sub->value, c->a) : NULL;
        fname = hd_arena_printf(c->a, "%s.eml", base ? base : "forwarded-message");
    }
    add_attachment(c, pi, s, n, fname, !headers_only);
}

static void leaf(struct ctx *c, const struct mailmime *m,
                 const struct part_info *pi, struct hd_buf *html_sink)
{
    const char *s;
    size_t n;
    if (!part_region(c, m, &s, &n))
        return;
    bool textual = strcmp(pi->type, "text/plain") == 0
                   || strcmp(pi->type, "text/html") == 0;
    if (strcmp(pi->type, "message/rfc822") == 0
        || strcmp(pi->type, "message/global") == 0)
        nested_message(c, pi, s, n, false);
    else if (strcmp(pi->type, "text/rfc822-headers") == 0)
        nested_message(c, pi, s, n, true);
    else if (textual && !pi->disp_attachment && !pi->filename)
        body_part(c, pi, s, n, html_sink);
    else if (strncmp(pi->type, "multipart/", 10) == 0) {
        /* A multipart libetpan could not split (no boundary): its body is
         * all we have, so it is read as text. */
        struct part_info t = *pi;
        memcpy(t.type, "text/plain", sizeof "text/plain");
        problem(c, "multipart without usable boundary read as text");
        body_part(c, &t, s, n, html_sink);
    }
    else
        add_attachment(c, pi, s, n, NULL, false);
}

/* ---- the walk ------------------------------------------------------ */

static void walk(struct ctx *c, const struct mailmime *m, int depth,
                 struct hd_buf *html_sink);

static void walk_multipart(struct ctx *c, const struct mailmime *m,
                           const struct part_info *pi, int depth,
                           struct hd_buf *html_sink)
{
    bool alt = strcmp(pi->type, "multipart/alternative") == 0;
    struct hd_buf side;
    size_t before = c->text.len;
    if (strcmp(pi->type, "multipart/report") == 0) {
        c->report = true;
        if (pi->report_type && strcasecmp(pi->report_type, "delivery-status") == 0)
            c->m->bounce = true;
    }
    if (alt) {
        hd_buf_init(&side, TEXT_TOTAL_MAX);
        html_sink = &side;
    }
    clist *l = m->mm_data.mm_multipart.mm_mp_list;
    for (clistiter *it = l ? clist_begin(l) : NULL; it; it = clist_next(it))
        walk(c, clist_content(it), depth + 1, html_sink);
    if (!alt)
        return;
    if (c->text.len == before) /* no text/plain alternative: use the HTML */
        text_append(&c->text, side.data ? side.data : "", side.len);
    hd_buf_deinit(&side);
}

static void walk(struct ctx *c, const struct mailmime *m, int depth,
                 struct hd_buf *html_sink)
{
    struct part_info pi;
    if (!m)
        return;
    if (depth > MG_MIME_DEPTH_MAX) {
        problem(c, "MIME nesting deeper than the limit; inner parts skipped");
        return;
    }
    if (++c->parts > MG_PARTS_MAX) {
        problem(c, "too many MIME parts; the rest skipped");
        return;
    }
    part_info_init(c, m, &pi);
    switch (m->mm_type) {
    case MAILMIME_MULTIPLE:
        walk_multipart(c, m, &pi, depth, html_sink);
        break;
    case MAILMIME_MESSAGE:
        if (strncmp(pi.type, "message/", 8) != 0)
            memcpy(pi.type, "message/rfc822", sizeof "message/rfc822");
        leaf(c, m, &pi, html_sink);
        break;
    default:
        leaf(c, m, &pi, html_sink);
        break;
    }
}

/* ---- assembly ------------------------------------------------------ */

/* A stable id for mail without Message-ID: the fields a relay does not
 * change plus the body in the form its hash sees (bodyhash.h), so a
 * redelivery gets the same id while trace headers (Received,
 * Delivered-To), line ends and a final newline added by LMTP differ. */
static const char *synthetic_id(struct mg_mail *m, const char *body,
                                size_t n, bool mapped, struct hd_arena *a)
{
    struct mg_body_canon bc;
    const char *p;
    size_t pn;
    static const char *const fields[] = {"From", "To", "Cc", "Subject", "Date"};
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char dg[32];
    char hex[65];
    hd_assert(md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1);
    for (size_t i = 0; i < HD_ARRAY_LEN(fields); i++) {
        const struct mg_header *h = mg_headers_find(m->headers, m->n_headers,
                                                    fields[i]);
        const char *v = h ? h->raw : "";
        hd_assert(EVP_DigestUpdate(md, v, strlen(v) + 1) == 1);
    }
    mg_body_canon_init(&bc, body, n, mapped);
    while (mg_body_canon_next(&bc, &p, &pn))
        hd_assert(EVP_DigestUpdate(md, p, pn) == 1);
    hd_assert(EVP_DigestFinal_ex(md, dg, NULL) == 1);
    EVP_MD_CTX_free(md);
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = "0123456789abcdef"[dg[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[dg[i] & 15];
    }
    hex[64] = '\0';
    return hd_arena_printf(a, "%s@%s", hex, MG_SYNTHETIC_ID_DOMAIN);
}

/* When libetpan cannot build a tree, the body is one text/plain part with
 * the charset and encoding the top-level header names. */
static void fallback_body(struct ctx *c, size_t body_off)
{
    struct part_info pi = {.type = "text/plain"};
    const char *ct = mg_mail_header(c->m, "Content-Type");
    const char *te = mg_mail_header(c->m, "Content-Transfer-Encoding");
    const char *cs = ct ? strcasestr(ct, "charset=") : NULL;
    if (cs) {
        cs += 8;
        size_t k = strspn(cs, "\"");
        size_t l = strcspn(cs + k, "\"; ");
        pi.charset = hd_arena_strndup(c->a, cs + k, l);
    }
    if (te && strncasecmp(te, "base64", 6) == 0)
        pi.te = MG_TE_BASE64;
    else if (te && strncasecmp(te, "quoted-printable", 16) == 0)
        pi.te = MG_TE_QP;
    body_part(c, &pi, c->raw + body_off, c->len - body_off, NULL);
}

static void finish(struct ctx *c, size_t body_off)
{
    struct mg_mail *m = c->m;
    struct hd_arena *a = c->a;
    size_t n = c->text.len;
    const char *t = hd_buf_cstr(&c->text);
    while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    m->text = hd_arena_strndup(a, t, n);
    m->text_len = n;
    struct mg_fold *f;
    m->text_quote_start = mg_text_fold(m->text, n, a, &f) ? f[0].start : n;
    m->html = c->html.len ? hd_arena_strndup(a, c->html.data, c->html.len) : NULL;
    m->attachments = hd_arena_alloc(a, (c->natt + 1) * sizeof *m->attachments);
    if (c->natt)
        memcpy(m->attachments, c->att, c->natt * sizeof *c->att);
    m->n_attachments = c->natt;
    char *sample = hd_arena_printf(a, "%s\n%.*s", m->subject,
                                   (int)(n < 8192 ? n : 8192), m->text);
    m->language = mg_language_guess(sample, strlen(sample));
    if (!m->message_id) {
        m->message_id = synthetic_id(m, c->raw + body_off, c->len - body_off,
                                     c->mapped, a);
        m->message_id_synthetic = true;
    }
    m->parse_problem = c->problem;
    m->raw_mapped = c->mapped;
}

/* Whether the line of raw holding offset at belongs to a Content-Type
 * field (its first line or a continuation). */
static bool in_content_type(const char *raw, size_t at)
{
    for (;;) {
        size_t ls = at;
        while (ls > 0 && raw[ls - 1] != '\n')
            ls--;
        if (raw[ls] != ' ' && raw[ls] != '\t')
            return strncasecmp(raw + ls, "content-type:", 13) == 0;
        if (ls == 0)
            return false;
        at = ls - 1;
    }
}

/* The multipart boundaries of the Content-Type fields in raw[0..len). */
struct bounds {
    const char *b[MG_MIME_DEPTH_MAX];
    size_t n[MG_MIME_DEPTH_MAX];
    bool closed[MG_MIME_DEPTH_MAX]; /* its "--b--" line follows */
    size_t count;
};

static void find_bounds(const char *raw, size_t len, struct bounds *bs)
{
    size_t i = 0;
    bs->count = 0;
    while (bs->count < MG_MIME_DEPTH_MAX && i < len) {
        const char *p = memmem(raw + i, len - i, "oundary=", 8);
        if (p == NULL)
            break;
        size_t at = (size_t)(p - raw);
        i = at + 8;
        if (at == 0 || (raw[at - 1] | 0x20) != 'b' || !in_content_type(raw, at))
            continue;
        bool q = i < len && raw[i] == '"';
        size_t st = i + q, e = st;
        while (e < len && e - st < 200 && raw[e] != '\r' && raw[e] != '\n' &&
               (q ? raw[e] != '"' : raw[e] != ';' && raw[e] != ' ' &&
                                        raw[e] != '\t'))
            e++;
        if (e == st)
            continue;
        char close[208];
        int cl = snprintf(close, sizeof close, "--%.*s--", (int)(e - st),
                          raw + st);
        bs->b[bs->count] = raw + st;
        bs->n[bs->count] = e - st;
        bs->closed[bs->count++] =
            memmem(raw + e, len - e, close, (size_t)cl) != NULL;
        i = e;
    }
}

/* Closing delimiters a cut message lacks: for each boundary whose "--b--"
 * line never follows, innermost first, "\r\n--b--\r\n".  "" when none
 * is missing. */
static const char *missing_closers(const struct bounds *bs,
                                   struct hd_arena *a)
{
    size_t cap = bs->count * 210 + 1, used = 0;
    char *out = hd_arena_alloc(a, cap);
    out[0] = '\0';
    for (size_t k = bs->count; k-- > 0;) {
        if (bs->closed[k])
            continue;
        int w = snprintf(out + used, cap - used, "\r\n--%.*s--\r\n",
                         (int)bs->n[k], bs->b[k]);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
    return out;
}

/* Cleans (mg_headers_clean()) the header block of every part of s[0..n):
 * the lines after a "--boundary" line, when they look like fields and
 * end in a blank line within 64 KiB.  Returns whether anything changed. */
static bool clean_part_headers(char *s, size_t n, const struct bounds *bs)
{
    bool changed = false;
    for (size_t k = 0; k < bs->count; k++) {
        size_t bl = bs->n[k];
        char dash[208];
        snprintf(dash, sizeof dash, "--%.*s", (int)bl, bs->b[k]);
        for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), dash,
                                            bl + 2)) != NULL;
             p += bl + 2) {
            size_t at = (size_t)(p - s), after = at + bl + 2;
            if ((at > 0 && s[at - 1] != '\n') ||
                (after + 1 < n && s[after] == '-' && s[after + 1] == '-'))
                continue;
            const char *nl = memchr(s + after, '\n', n - after);
            if (nl == NULL)
                break;
            size_t h = (size_t)(nl - s) + 1, look = n - h < 65536 ? n - h : 65536;
            const char *colon = memchr(s + h, ':', look);
            const char *eol = memchr(s + h, '\n', look);
            if (colon == NULL || eol == NULL || colon > eol ||
                (memmem(s + h, look, "\n\n", 2) == NULL &&
                 memmem(s + h, look, "\n\r\n", 3) == NULL))
                continue;
            changed = mg_headers_clean(s + h, look) || changed;
        }
    }
    return changed;
}

/* libetpan's tree of raw[0..len), read from a skeleton when big leaf
 * bodies can be kept away from it (bigpart.h); walked, then freed. */
static void parse_mime(struct ctx *c, const char *raw, size_t len,
                       size_t skip, size_t cut_min, size_t body_off)
{
    struct mg_skeleton sk;
    struct mailmime *mime = NULL;
    size_t idx = 0;
    bool cut = cut_min > 0 && len >= cut_min &&
               mg_skeleton_build(raw, len, c->mapped, cut_min, &sk);
    if (cut)
        c->sk = &sk;
    /* A malformed line in the header block would end libetpan's header
     * there (the rest, Content-Type included, taken for body): it reads a
     * copy whose header lines are cleaned at the same offsets. */
    size_t hlen = body_off > skip ? body_off - skip : 0;
    char *copy = NULL;
    if (cut) {
        if (hlen <= sk.len && mg_skeleton_to_raw(&sk, sk.data + hlen, false) ==
                                  raw + hlen) {
            (void)mg_headers_clean(sk.data, hlen);
            /* the parts' header blocks too, as in memory below */
            struct bounds bs = {.count = 0};
            find_bounds(sk.data, sk.len, &bs);
            if (bs.count > 0)
                (void)clean_part_headers(sk.data + hlen, sk.len - hlen, &bs);
        }
    } else if (hlen <= len) {
        /* A multipart cut before its closing delimiters (a gateway or a
         * full disk left it so): libetpan loses every part of a nested
         * one, so the copy gets them appended. */
        struct bounds bs = {.count = 0};
        if (!c->mapped)
            find_bounds(raw, len, &bs);
        const char *tail = missing_closers(&bs, c->a);
        size_t tl = strlen(tail);
        copy = hd_xmalloc(len + tl + 1);
        memcpy(copy, raw, hlen);
        bool changed = mg_headers_clean(copy, hlen);
        if (bs.count > 0) { /* and the header blocks of the parts */
            memcpy(copy + hlen, raw + hlen, len - hlen);
            changed = clean_part_headers(copy + hlen, len - hlen, &bs) ||
                      changed;
        }
        if (changed || tl > 0) {
            if (bs.count == 0)
                memcpy(copy + hlen, raw + hlen, len - hlen);
            memcpy(copy + len, tail, tl);
            c->alias = copy, c->alias_of = raw, c->alias_len = len + tl;
            if (tl > 0)
                problem(c, "multipart cut before its closing boundary");
        } else {
            free(copy);
            copy = NULL;
        }
    }
    const char *in = cut ? sk.data : copy ? copy : raw;
    size_t in_len = cut ? sk.len : c->alias ? c->alias_len : len;
    if (len > 0 && mailmime_parse(in, in_len, &idx, &mime) ==
                       MAILIMF_NO_ERROR && mime) {
        if (mime->mm_type == MAILMIME_MESSAGE)
            walk(c, mime->mm_data.mm_message.mm_msg_mime, 0, NULL);
        mailmime_free(mime); /* before anyone may free raw */
    } else {
        problem(c, "MIME structure unreadable; body taken as plain text");
        fallback_body(c, body_off);
    }
    c->sk = NULL;
    c->alias = c->alias_of = NULL;
    free(copy);
    if (cut)
        mg_skeleton_deinit(&sk);
}

/* The first charset a Content-Type field of the message declares, other
 * than ASCII and UTF-8 (looked for in its first 64 KiB), into out; ""
 * when none: the hint for its unlabelled 8-bit header text
 * (mg_charset_hint_set()). */
static void charset_hint(const char *raw, size_t len,
                         char out[MG_CHARSET_LABEL_MAX])
{
    size_t n = len < 65536 ? len : 65536, i = 0;
    out[0] = '\0';
    while (i < n) {
        const char *p = memmem(raw + i, n - i, "harset=", 7);
        if (p == NULL)
            return;
        size_t at = (size_t)(p - raw);
        i = at + 7;
        if (at == 0 || (raw[at - 1] | 0x20) != 'c' || !in_content_type(raw, at))
            continue;
        i += i < n && raw[i] == '"';
        size_t e = i;
        while (e < n && e - i + 1 < MG_CHARSET_LABEL_MAX && raw[e] > ' ' &&
               raw[e] != '"' && raw[e] != ';' && (unsigned char)raw[e] < 0x7f)
            e++;
        memcpy(out, raw + i, e - i);
        out[e - i] = '\0';
        if (strcasecmp(out, "us-ascii") != 0 && strcasecmp(out, "utf-8") != 0 &&
            strcasecmp(out, "utf8") != 0 && out[0] != '\0')
            return;
        out[0] = '\0';
        i = e;
    }
}

int mg_parse_message(const char *raw, size_t len, struct hd_arena *a,
                     struct mg_mail **mail_r, struct hd_error *err)
{
    struct mg_parse_opts o = {.cut_min = MG_BIGPART_CUT_MIN};
    return mg_parse_message_opts(raw, len, &o, a, mail_r, err);
}

int mg_parse_message_opts(const char *raw, size_t len,
                          const struct mg_parse_opts *o, struct hd_arena *a,
                          struct mg_mail **mail_r, struct hd_error *err)
{
    if (!raw) {
        hd_error_set(err, HD_E_INVAL, "no message given");
        return -1;
    }
    if (len > HD_MAIL_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "message is %zu bytes, max %u", len,
                     HD_MAIL_MAX);
        return -1;
    }
    mg_parse_init();
    struct ctx c = {.a = a, .raw = raw, .len = len, .mapped = o->raw_mapped};
    size_t body_off;
    c.m = hd_arena_zalloc(a, sizeof *c.m);
    c.reader = hd_xmalloc(sizeof *c.reader);
    hd_buf_init(&c.text, TEXT_TOTAL_MAX);
    hd_buf_init(&c.html, HTML_TOTAL_MAX);
    char hint[MG_CHARSET_LABEL_MAX];
    charset_hint(raw, len, hint);
    mg_charset_hint_set(hint);
    mg_headers_split(raw, len, a, &c.m->headers, &c.m->n_headers, &body_off,
                     &c.problem);
    mg_headers_apply(c.m, a);
    mg_classify(c.m); /* headers only; the walk may add a report's bounce */
    mg_body_hash_hex(raw + body_off, len - body_off, c.mapped,
                     c.m->body_hash);
    /* An mbox "From " line is not a header; libetpan would stop there. */
    size_t skip = 0;
    if (len > 5 && memcmp(raw, "From ", 5) == 0) {
        const char *nl = memchr(raw, '\n', len);
        skip = nl ? (size_t)(nl - raw) + 1 : len;
    }
    parse_mime(&c, raw + skip, len - skip, skip, o->cut_min, body_off);
    finish(&c, body_off);
    mg_charset_hint_set(NULL);
    hd_buf_deinit(&c.text);
    hd_buf_deinit(&c.html);
    free(c.att);
    free(c.reader);
    *mail_r = c.m;
    return 0;
}
