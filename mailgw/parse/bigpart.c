/* bigpart.c - see bigpart.h.  The scanner reads lines (split at LF, the
 * CR of a CRLF not part of the line) and keeps a stack of the open
 * multiparts' boundaries.  Per line, first: is it a delimiter of an open
 * multipart (outermost first, as libetpan splits the outer part before
 * it looks inside)?  Then, by mode: a header line (collect Content-Type
 * and Content-Transfer-Encoding, check it is clean), a leaf body line (a
 * run grows or ends), or a line it need not look at.
 *
 * libetpan's rules mirrored here (mailmime_content.c): a delimiter is
 * "--" + boundary as a line prefix; it opens a part when only blanks
 * follow, closes the multipart when "--" follows, and is ignored
 * otherwise; the FIRST delimiter (after the preamble) needs only the
 * prefix, and blank lines after it are skipped before the part's header
 * fields, so a first part without fields is not cut.  message/rfc822
 * without base64/quoted-printable is parsed as a message (header block,
 * then its own body); multipart/digest parts default to message/rfc822. */
#include "bigpart.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#define RUN_MARKS 32 /* line starts remembered per run (thinned) */
#define CTE_MAX 64   /* a Content-Transfer-Encoding value */

enum scan_mode {
    M_HEADERS,  /* a header block */
    M_LEAF,     /* a leaf body: runs are cut */
    M_OPAQUE,   /* a body not understood: nothing cut until a delimiter */
    M_PREAMBLE, /* before the first delimiter of the innermost multipart */
    M_EPILOGUE, /* after a close delimiter */
    M_LOST,     /* cannot follow any more: no further cut */
};

enum field { F_NONE, F_CT, F_CTE, F_OTHER };

struct level { /* one open multipart */
    char b[MG_BIGPART_BOUNDARY_MAX];
    size_t blen;
    bool digest; /* parts default to message/rfc822 */
};

struct head { /* the header block being read */
    bool unsure;       /* something we do not mirror: no cut beneath */
    bool any;          /* at least one field */
    bool first_part;   /* first part of a multipart (blank-line skip) */
    bool dflt_message; /* no Content-Type means message/rfc822 */
    enum field cur;    /* field the next continuation line belongs to */
    int n_ct, n_cte;
    char ct[MG_BIGPART_FIELD_MAX];
    size_t ct_len;
    char cte[CTE_MAX];
    size_t cte_len;
};

struct run { /* cuttable lines of a leaf body, [start, end) */
    bool open;
    size_t start, second, end, need;
    size_t marks[RUN_MARKS]; /* line starts after the first, thinned */
    size_t nmarks, next_mark;
};

struct mg_bigpart_scan {
    size_t cut_min;
    size_t off; /* bytes pushed */
    /* the line being read */
    size_t line_start, line_len, crs;
    bool nul, last_cr;
    char line[MG_BIGPART_LINE_KEEP];
    /* structure */
    enum scan_mode mode;
    struct level lv[MG_BIGPART_DEPTH_MAX];
    size_t depth;
    bool prev_delim;
    struct head h;
    struct run r;
    struct mg_bigpart_cut cuts[MG_BIGPART_CUTS_MAX];
    size_t ncuts;
};

/* ---- runs and cuts ------------------------------------------------- */

static size_t boundary_need(const struct mg_bigpart_scan *s)
{
    size_t m = 0;
    for (size_t i = 0; i < s->depth; i++)
        if (s->lv[i].blen > m)
            m = s->lv[i].blen;
    return m + 2; /* "--" + boundary: libetpan's look-ahead */
}

static void run_line(struct mg_bigpart_scan *s, size_t start, size_t next)
{
    struct run *r = &s->r;
    if (!r->open) {
        *r = (struct run){.open = true, .start = start, .second = next,
                          .end = next, .need = boundary_need(s)};
        return;
    }
    /* Remember line starts at least need/8 apart: the newest RUN_MARKS
     * of them reach back more than need bytes from the run's end. */
    size_t newest = (r->next_mark + RUN_MARKS - 1) % RUN_MARKS;
    size_t last = r->nmarks ? r->marks[newest] : r->start;
    if (r->nmarks == 0 || start - last >= r->need / 8 + 1) {
        r->marks[r->next_mark] = start;
        r->next_mark = (r->next_mark + 1) % RUN_MARKS;
        if (r->nmarks < RUN_MARKS)
            r->nmarks++;
    }
    r->end = next;
}

/* Ends the open run: cuts from its second line to the newest remembered
 * line start that leaves at least need bytes (and one line) after it. */
static void run_close(struct mg_bigpart_scan *s)
{
    struct run *r = &s->r;
    if (!r->open)
        return;
    r->open = false;
    if (r->end < r->need)
        return;
    size_t limit = r->end - r->need, best = 0;
    for (size_t k = 0; k < r->nmarks; k++) {
        size_t m = r->marks[(r->next_mark + RUN_MARKS - 1 - k) % RUN_MARKS];
        if (m <= limit) {
            best = m;
            break;
        }
    }
    if (best <= r->second || best - r->second < s->cut_min ||
        s->ncuts == MG_BIGPART_CUTS_MAX)
        return;
    s->cuts[s->ncuts++] = (struct mg_bigpart_cut){r->second, best};
}

static void lose(struct mg_bigpart_scan *s)
{
    s->r.open = false; /* a run in progress is not cut */
    s->mode = M_LOST;
}

/* ---- header blocks ------------------------------------------------- */

static void head_start(struct mg_bigpart_scan *s, bool first_part,
                       bool dflt_message)
{
    memset(&s->h, 0, sizeof s->h);
    s->h.first_part = first_part;
    s->h.dflt_message = dflt_message;
    s->mode = M_HEADERS;
}

static bool field_add(char *buf, size_t *len, size_t cap, const char *p,
                      size_t n)
{
    if (n > cap - *len)
        return false;
    memcpy(buf + *len, p, n);
    *len += n;
    return true;
}

static bool is_lwsp(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return false;
    return true;
}

static void head_line(struct mg_bigpart_scan *s, const char *t, size_t n)
{
    struct head *h = &s->h;
    bool ok = true;
    if (t[0] == ' ' || t[0] == '\t') { /* folded: belongs to h->cur */
        if (h->cur == F_NONE || is_lwsp(t, n))
            h->unsure = true;
        else if (h->cur == F_CT)
            ok = field_add(h->ct, &h->ct_len, sizeof h->ct, t, n);
        else if (h->cur == F_CTE)
            ok = field_add(h->cte, &h->cte_len, sizeof h->cte, t, n);
        h->unsure |= !ok;
        return;
    }
    size_t k = 0; /* field name: printable ASCII but ':' (RFC 5322 ftext) */
    while (k < n && t[k] > ' ' && t[k] < 127 && t[k] != ':')
        k++;
    if (k == 0 || k == n || t[k] != ':') {
        h->unsure = true;
        h->cur = F_OTHER;
        return;
    }
    h->any = true;
    h->cur = F_OTHER;
    if (k == 12 && strncasecmp(t, "Content-Type", 12) == 0) {
        h->cur = F_CT;
        h->n_ct++;
        ok = field_add(h->ct, &h->ct_len, sizeof h->ct, t + k + 1, n - k - 1);
    } else if (k == 25 &&
               strncasecmp(t, "Content-Transfer-Encoding", 25) == 0) {
        h->cur = F_CTE;
        h->n_cte++;
        ok = field_add(h->cte, &h->cte_len, sizeof h->cte, t + k + 1,
                       n - k - 1);
    }
    h->unsure |= !ok;
}

/* ---- Content-Type, as far as structure goes ------------------------- */

struct ctype {
    char type[32], sub[32];
    const char *boundary; /* into the header buffer, or NULL */
    size_t blen;
    int n_boundary;
};

static bool tspecial(char c)
{
    return strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static size_t token(const char *p, size_t n)
{
    size_t k = 0;
    while (k < n && p[k] > ' ' && p[k] < 127 && !tspecial(p[k]))
        k++;
    return k;
}

static size_t skip_wsp(const char *p, size_t n, size_t i)
{
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return i;
}

static bool copy_token(char *out, size_t cap, const char *p, size_t n)
{
    if (n == 0 || n >= cap)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

/* One "; name=value" (value a token or a quoted string without escapes);
 * returns the index after it, or 0 when it is not that simple. */
static size_t param(const char *v, size_t n, size_t i, struct ctype *ct)
{
    size_t k = token(v + i, n - i);
    const char *name = v + i;
    if (k == 0)
        return 0;
    bool is_b = k == 8 && strncasecmp(name, "boundary", 8) == 0;
    i = skip_wsp(v, n, i + k);
    if (i == n || v[i] != '=')
        return 0;
    i = skip_wsp(v, n, i + 1);
    const char *val = v + i;
    size_t vl;
    if (i < n && v[i] == '"') {
        const char *q = memchr(v + i + 1, '"', n - i - 1);
        if (q == NULL || memchr(v + i + 1, '\\', (size_t)(q - v - i - 1)))
            return 0;
        val = v + i + 1;
        vl = (size_t)(q - val);
        i = (size_t)(q - v) + 1;
    } else {
        vl = token(v + i, n - i);
        i += vl;
    }
    if (is_b) {
        ct->boundary = val;
        ct->blen = vl;
        ct->n_boundary++;
    }
    return i;
}

/* "type/subtype *(; param)" without comments; false when not that. */
static bool parse_ctype(const char *v, size_t n, struct ctype *ct)
{
    memset(ct, 0, sizeof *ct);
    if (memchr(v, '(', n))
        return false;
    size_t i = skip_wsp(v, n, 0), k = token(v + i, n - i);
    if (!copy_token(ct->type, sizeof ct->type, v + i, k))
        return false;
    i += k;
    if (i == n || v[i] != '/')
        return false;
    k = token(v + i + 1, n - i - 1);
    if (!copy_token(ct->sub, sizeof ct->sub, v + i + 1, k))
        return false;
    for (i = skip_wsp(v, n, i + 1 + k); i < n; i = skip_wsp(v, n, i)) {
        if (v[i] != ';')
            return false;
        i = skip_wsp(v, n, i + 1);
        if (i < n && (i = param(v, n, i, ct)) == 0)
            return false;
    }
    return true;
}

/* Base64 and quoted-printable make libetpan treat message/rfc822 as a
 * leaf; other clean tokens leave it a message.  -1: not a clean token. */
static int cte_is_encoded(const struct head *h)
{
    if (h->n_cte == 0)
        return 0;
    size_t i = skip_wsp(h->cte, h->cte_len, 0), e = h->cte_len;
    while (e > i && (h->cte[e - 1] == ' ' || h->cte[e - 1] == '\t'))
        e--;
    if (e == i || token(h->cte + i, e - i) != e - i)
        return -1;
    return (e - i == 6 && strncasecmp(h->cte + i, "base64", 6) == 0) ||
           (e - i == 16 &&
            strncasecmp(h->cte + i, "quoted-printable", 16) == 0);
}

static void open_multipart(struct mg_bigpart_scan *s, const struct ctype *ct)
{
    if (ct->n_boundary != 1 || ct->blen == 0 ||
        ct->blen > MG_BIGPART_BOUNDARY_MAX ||
        s->depth == MG_BIGPART_DEPTH_MAX) {
        s->mode = M_OPAQUE;
        return;
    }
    struct level *l = &s->lv[s->depth++];
    memcpy(l->b, ct->boundary, ct->blen);
    l->blen = ct->blen;
    l->digest = strcasecmp(ct->sub, "digest") == 0;
    s->mode = M_PREAMBLE;
}

/* The empty line after a header block: what kind of body follows. */
static void head_end(struct mg_bigpart_scan *s)
{
    struct head *h = &s->h;
    struct ctype ct;
    bool message = h->dflt_message;
    if (h->unsure || (h->first_part && !h->any) || h->n_ct > 1 ||
        h->n_cte > 1) {
        s->mode = M_OPAQUE;
        return;
    }
    if (h->n_ct == 1) {
        if (!parse_ctype(h->ct, h->ct_len, &ct)) {
            s->mode = M_OPAQUE;
            return;
        }
        if (strcasecmp(ct.type, "multipart") == 0) {
            open_multipart(s, &ct);
            return;
        }
        message = strcasecmp(ct.type, "message") == 0 &&
                  strcasecmp(ct.sub, "rfc822") == 0;
    }
    int enc = message ? cte_is_encoded(h) : 1;
    if (enc < 0)
        s->mode = M_OPAQUE;
    else if (enc == 0)
        head_start(s, false, false); /* an enclosed message's header */
    else
        s->mode = M_LEAF;
}

/* ---- lines --------------------------------------------------------- */

/* A line starting with "--": 1 when it was a delimiter of an open
 * multipart (structure updated), 0 when not, -1 when unclear. */
static int delimiter(struct mg_bigpart_scan *s, const char *t, size_t n,
                     bool overflow)
{
    for (size_t i = 0; i < s->depth; i++) {
        const struct level *l = &s->lv[i];
        if (n - 2 < l->blen || memcmp(t + 2, l->b, l->blen) != 0)
            continue;
        const char *rest = t + 2 + l->blen;
        size_t rn = n - 2 - l->blen;
        bool first = s->mode == M_PREAMBLE && i + 1 == s->depth;
        if (overflow || (first && !is_lwsp(rest, rn)))
            return -1;
        if (first || is_lwsp(rest, rn)) {
            if (s->prev_delim)
                return -1; /* an empty part: libetpan reads it otherwise */
            s->depth = i + 1;
            head_start(s, first, l->digest);
            return 1;
        }
        if (rn >= 2 && rest[0] == '-' && rest[1] == '-') {
            if (s->prev_delim)
                return -1;
            s->depth = i;
            s->mode = M_EPILOGUE;
            return 1;
        }
    }
    return 0;
}

static void line_done(struct mg_bigpart_scan *s, size_t next)
{
    size_t n = s->line_len - (s->last_cr ? 1 : 0);
    bool overflow = n > MG_BIGPART_LINE_KEEP;
    bool bare_cr = s->crs > (s->last_cr ? 1u : 0u);
    const char *t = s->line;
    if (overflow)
        n = MG_BIGPART_LINE_KEEP;
    if (s->mode == M_LOST)
        return;
    bool dashes = n >= 2 && t[0] == '-' && t[1] == '-';
    int d = dashes ? delimiter(s, t, n, overflow) : 0;
    if (d != 0 || (dashes && bare_cr))
        run_close(s);
    if (d < 0 || (dashes && bare_cr)) {
        lose(s);
        return;
    }
    s->prev_delim = d == 1 && s->mode == M_HEADERS;
    if (d == 1)
        return;
    switch (s->mode) {
    case M_HEADERS:
        if (n == 0 && !bare_cr)
            head_end(s);
        else if (overflow || bare_cr || s->nul || n == 0)
            s->h.unsure = true;
        else
            head_line(s, t, n);
        break;
    case M_LEAF:
        if (n > 0 && t[0] == '-')
            run_close(s);
        else
            run_line(s, s->line_start, next);
        break;
    case M_PREAMBLE:
        if (bare_cr) /* libetpan's preamble scan starts lines after CR */
            lose(s);
        break;
    default:
        break;
    }
}

/* Bytes of the current line (no LF among them).  CRs and NULs are
 * counted only where they matter: header blocks, preambles and lines
 * starting with '-' (possible delimiters). */
static void line_bytes(struct mg_bigpart_scan *s, const char *p, size_t n)
{
    if (n == 0)
        return;
    if (s->line_len < MG_BIGPART_LINE_KEEP) {
        size_t room = MG_BIGPART_LINE_KEEP - s->line_len;
        memcpy(s->line + s->line_len, p, n < room ? n : room);
    }
    /* line[0] is this line's first byte: it was copied above at the
     * latest */
    if (s->mode == M_HEADERS || s->mode == M_PREAMBLE || s->line[0] == '-')
        for (const char *q = p;
             (q = memchr(q, '\r', n - (size_t)(q - p))) != NULL; q++)
            s->crs++;
    if (s->mode == M_HEADERS)
        s->nul |= memchr(p, '\0', n) != NULL;
    s->line_len += n;
    s->last_cr = p[n - 1] == '\r';
}

struct mg_bigpart_scan *mg_bigpart_scan_new(size_t cut_min)
{
    hd_assert(cut_min >= 1);
    struct mg_bigpart_scan *s = hd_xcalloc(1, sizeof *s);
    s->cut_min = cut_min;
    head_start(s, false, false);
    return s;
}

void mg_bigpart_scan_free(struct mg_bigpart_scan **s)
{
    free(*s);
    *s = NULL;
}

void mg_bigpart_scan_push(struct mg_bigpart_scan *s, const char *p, size_t n)
{
    while (n > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t k = nl ? (size_t)(nl - p) : n;
        line_bytes(s, p, k);
        s->off += k;
        if (nl == NULL)
            return;
        s->off++;
        line_done(s, s->off);
        s->line_start = s->off;
        s->line_len = s->crs = 0;
        s->nul = s->last_cr = false;
        p += k + 1;
        n -= k + 1;
    }
}

size_t mg_bigpart_scan_finish(struct mg_bigpart_scan *s,
                              const struct mg_bigpart_cut **cuts_r)
{
    if (s->mode != M_LOST)
        run_close(s); /* a last line without LF is not part of it */
    *cuts_r = s->cuts;
    return s->ncuts;
}

/* ---- dropping passes ------------------------------------------------ */

void mg_raw_pass_init(struct mg_raw_pass *rp, const char *p, size_t len,
                      bool mapped)
{
    *rp = (struct mg_raw_pass){.p = p, .len = len, .mapped = mapped};
}

bool mg_raw_pass_next(struct mg_raw_pass *rp, const char **p_r, size_t *n_r)
{
    if (rp->mapped && rp->pos > 0) /* the chunk handed out last */
        mg_raw_drop(rp->p + rp->pos - rp->last, rp->last);
    if (rp->pos >= rp->len) {
        if (rp->mapped) /* pages straddling two chunks */
            mg_raw_drop(rp->p, rp->len);
        return false;
    }
    size_t n = rp->len - rp->pos;
    if (n > MG_RAW_DROP_STEP)
        n = MG_RAW_DROP_STEP;
    *p_r = rp->p + rp->pos;
    *n_r = n;
    rp->pos += n;
    rp->last = n;
    return true;
}

void mg_raw_sha256_hex(const char *raw, size_t len, bool mapped,
                       char out[65])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char dg[32];
    struct mg_raw_pass rp;
    const char *p;
    size_t n;
    hd_assert(md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1);
    mg_raw_pass_init(&rp, raw, len, mapped);
    while (mg_raw_pass_next(&rp, &p, &n))
        hd_assert(EVP_DigestUpdate(md, p, n) == 1);
    hd_assert(EVP_DigestFinal_ex(md, dg, NULL) == 1);
    EVP_MD_CTX_free(md);
    for (int i = 0; i < 32; i++) {
        out[2 * i] = "0123456789abcdef"[dg[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[dg[i] & 15];
    }
    out[64] = '\0';
}

/* ---- the skeleton --------------------------------------------------- */

bool mg_skeleton_build(const char *raw, size_t len, bool mapped,
                       size_t cut_min, struct mg_skeleton *sk)
{
    struct mg_bigpart_scan *s = mg_bigpart_scan_new(cut_min);
    const struct mg_bigpart_cut *cuts;
    struct mg_raw_pass rp;
    const char *p;
    size_t n, kept = len;
    mg_raw_pass_init(&rp, raw, len, mapped);
    while (mg_raw_pass_next(&rp, &p, &n))
        mg_bigpart_scan_push(s, p, n);
    size_t nc = mg_bigpart_scan_finish(s, &cuts);
    if (nc == 0) {
        mg_bigpart_scan_free(&s);
        return false;
    }
    for (size_t i = 0; i < nc; i++)
        kept -= cuts[i].end - cuts[i].start;
    *sk = (struct mg_skeleton){.raw = raw, .raw_len = len, .len = kept,
                               .nsegs = nc + 1};
    sk->data = hd_xmalloc(kept ? kept : 1);
    sk->segs = hd_xmalloc(sk->nsegs * sizeof *sk->segs);
    size_t at = 0, q = 0;
    for (size_t i = 0; i <= nc; i++) {
        size_t e = i < nc ? cuts[i].start : len;
        sk->segs[i] = (struct mg_skeleton_seg){q, at, e - at};
        mg_raw_pass_init(&rp, raw + at, e - at, mapped);
        while (mg_raw_pass_next(&rp, &p, &n)) {
            memcpy(sk->data + q, p, n);
            q += n;
        }
        at = i < nc ? cuts[i].end : len;
    }
    hd_assert(q == kept);
    mg_bigpart_scan_free(&s);
    return true;
}

void mg_skeleton_deinit(struct mg_skeleton *sk)
{
    free(sk->data);
    free(sk->segs);
    memset(sk, 0, sizeof *sk);
}

const char *mg_skeleton_to_raw(const struct mg_skeleton *sk, const char *q,
                               bool at_end)
{
    hd_assert(q >= sk->data && q <= sk->data + sk->len);
    size_t off = (size_t)(q - sk->data);
    for (size_t i = 0; i < sk->nsegs; i++) {
        const struct mg_skeleton_seg *g = &sk->segs[i];
        bool in = at_end ? off > g->sk && off <= g->sk + g->len
                         : off >= g->sk && off < g->sk + g->len;
        if (in)
            return sk->raw + g->raw + (off - g->sk);
    }
    return off == 0 ? sk->raw : sk->raw + sk->raw_len;
}
