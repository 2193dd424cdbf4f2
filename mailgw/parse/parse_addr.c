/* parse_addr.c - address lists, Message-ID lists, dates and the header
 * fields of struct mg_mail; header-based classification.  Lenient by
 * design: what cannot be parsed is skipped, never fatal. */
#include "parse_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"

#define MSGID_MAX 998
#define DATE_TOKEN_MAX 32

/* ---- addresses ----------------------------------------------------- */

static bool has_8bit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] & 0x80)
            return true;
    return false;
}

/* Copies s[0..n) without surrounding blanks; removes quotes (and, for
 * 7-bit text, backslash escapes: in raw CP932 a 0x5C is a trail byte). */
static char *unquote(const char *s, size_t n, struct hd_arena *a)
{
    while (n > 0 && isspace((unsigned char)*s))
        s++, n--;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    bool esc_ok = !has_8bit(s, n);
    char *o = hd_arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            continue;
        if (s[i] == '\\' && esc_ok && i + 1 < n)
            i++;
        o[k++] = s[i];
    }
    while (k > 0 && isspace((unsigned char)o[k - 1]))
        k--;
    o[k] = '\0';
    return o;
}

/* Address without blanks and comments; 8-bit (EAI) made valid UTF-8. */
static const char *clean_addr(const char *s, size_t n, struct hd_arena *a)
{
    char *o = hd_arena_alloc(a, n + 1);
    size_t k = 0;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '(')
            depth++;
        else if (c == ')' && depth > 0)
            depth--;
        else if (!depth && !isspace((unsigned char)c) && c != '"')
            o[k++] = c;
    }
    o[k] = '\0';
    char *colon = strrchr(o, ':'); /* obsolete route "@a,@b:" */
    if (colon && o[0] == '@')
        memmove(o, colon + 1, strlen(colon + 1) + 1);
    if (k > HD_ADDRESS_MAX)
        o[HD_ADDRESS_MAX] = '\0';
    char *u;
    size_t un;
    mg_charset_decode("UTF-8", o, strlen(o), a, &u, &un);
    return u;
}

/* First "(comment)" text as a display name fallback. */
static const char *comment_name(const char *s, size_t n, struct hd_arena *a)
{
    const char *o = memchr(s, '(', n);
    const char *c = o ? memchr(o, ')', (size_t)(s + n - o)) : NULL;
    if (!o || !c)
        return "";
    return mg_decode_header(o + 1, (size_t)(c - o - 1), a);
}

/* s[0..n) without "(comments)" outside quotes: "Jane (Sales)" is the
 * name "Jane". */
static char *strip_comments(const char *s, size_t n, struct hd_arena *a)
{
    char *o = hd_arena_alloc(a, n + 1);
    size_t k = 0;
    int depth = 0;
    bool q = false;
    for (size_t i = 0; i < n; i++) {
        if (!depth && s[i] == '"' && (i == 0 || s[i - 1] != '\\'))
            q = !q;
        if (!q && s[i] == '(')
            depth++;
        else if (!q && s[i] == ')' && depth > 0)
            depth--;
        else if (!depth)
            o[k++] = s[i];
    }
    o[k] = '\0';
    return o;
}

static void one_address(const char *s, size_t n, struct hd_arena *a,
                        struct mg_address *ad)
{
    const char *lt = NULL, *gt = NULL;
    bool q = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' && (i == 0 || s[i - 1] != '\\'))
            q = !q;
        else if (!q && s[i] == '<' && !lt)
            lt = s + i;
        else if (!q && s[i] == '>' && lt && !gt)
            gt = s + i;
    }
    if (lt) {
        const char *end = gt ? gt : s + n;
        ad->address = clean_addr(lt + 1, (size_t)(end - lt - 1), a);
        char *bare = strip_comments(s, (size_t)(lt - s), a);
        char *nm = unquote(bare, strlen(bare), a);
        ad->name = *nm ? mg_decode_header(nm, strlen(nm), a)
                       : comment_name(s, (size_t)(lt - s), a);
    } else {
        /* "John Doe john@example.com" (no angle brackets, as some
         * mailers write it): the word with '@' is the address. */
        char *bare = strip_comments(s, n, a);
        char *at = strchr(bare, '@'), *ws = NULL;
        for (char *p = bare; at && *p; p++)
            if ((*p == ' ' || *p == '\t') && p < at)
                ws = p;
        char *qt = strchr(bare, '"');
        if (ws != NULL && qt == NULL && strchr(at, ' ') == NULL) {
            ad->address = clean_addr(ws + 1, strlen(ws + 1), a);
            char *nm = unquote(bare, (size_t)(ws - bare), a);
            ad->name = mg_decode_header(nm, strlen(nm), a);
        } else {
            ad->address = clean_addr(s, n, a);
            ad->name = comment_name(s, n, a);
        }
    }
    if (strlen(ad->name) > HD_NAME_MAX) {
        char *t = hd_arena_strdup(a, ad->name);
        size_t k = HD_NAME_MAX;
        while (k > 0 && ((unsigned char)t[k] & 0xC0) == 0x80)
            k--; /* cut at a character boundary */
        t[k] = '\0';
        ad->name = t;
    }
}

/* Splits at top-level ',' and ';' (outside quotes, <>, comments), drops a
 * "group:" prefix; calls one_address for each non-empty element. */
size_t mg_address_list(const char *raw, struct hd_arena *a,
                       struct mg_address **list_r)
{
    size_t n = strlen(raw), cnt = 0, start = 0;
    struct mg_address *l = hd_arena_zalloc(a, MG_ADDRESSES_MAX * sizeof *l);
    bool q = false, angle = false;
    int depth = 0;
    for (size_t i = 0; i <= n && cnt < MG_ADDRESSES_MAX; i++) {
        char c = i < n ? raw[i] : ',';
        if (q) {
            if (c == '\\' && i + 1 < n && !((unsigned char)raw[i + 1] & 0x80))
                i++;
            else if (c == '"')
                q = false;
            if (i < n)
                continue;
        }
        if (c == '"') q = true;
        else if (c == '(') depth++;
        else if (c == ')' && depth) depth--;
        else if (!depth && c == '<') angle = true;
        else if (!depth && c == '>') angle = false;
        else if (!depth && !angle && c == ':' ) start = i + 1; /* group */
        else if (!depth && !angle && (c == ',' || c == ';' || i == n)) {
            const char *s = raw + start;
            size_t len = i - start;
            while (len && isspace((unsigned char)*s)) s++, len--;
            if (len) {
                one_address(s, len, a, &l[cnt]);
                if (*l[cnt].address || *l[cnt].name)
                    cnt++;
            }
            start = i + 1;
        }
    }
    *list_r = l;
    return cnt;
}

/* ---- Message-IDs --------------------------------------------------- */

size_t mg_msgid_list(const char *raw, struct hd_arena *a, const char ***ids_r)
{
    size_t n = strlen(raw), cnt = 0, cap = 16;
    const char **ids = hd_arena_alloc(a, cap * sizeof *ids);
    bool angled = strchr(raw, '<') != NULL;
    for (size_t i = 0; i < n;) {
        size_t s, e;
        if (angled) {
            const char *lt = memchr(raw + i, '<', n - i);
            const char *gt = lt ? memchr(lt, '>', (size_t)(raw + n - lt)) : NULL;
            if (!gt) break;
            s = (size_t)(lt - raw) + 1, e = (size_t)(gt - raw), i = e + 1;
        } else {
            while (i < n && isspace((unsigned char)raw[i])) i++;
            s = i;
            while (i < n && !isspace((unsigned char)raw[i])) i++;
            e = i;
        }
        while (s < e && isspace((unsigned char)raw[s])) s++;
        while (e > s && isspace((unsigned char)raw[e - 1])) e--;
        if (e == s || e - s > MSGID_MAX || has_8bit(raw + s, e - s))
            continue;
        if (cnt == cap) {
            const char **n2 = hd_arena_alloc(a, 2 * cap * sizeof *ids);
            memcpy(n2, ids, cnt * sizeof *ids);
            ids = n2, cap *= 2;
        }
        char *id = hd_arena_strndup(a, raw + s, e - s);
        for (char *p = id; *p; p++)
            if ((unsigned char)*p < 0x21 || *p == 0x7f) *p = '_';
        ids[cnt++] = id;
    }
    *ids_r = ids;
    return cnt;
}

/* ---- dates --------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int month_of(const char *t)
{
    static const char *const m[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                    "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++)
        if (strncasecmp(t, m[i], 3) == 0)
            return i + 1;
    return 0;
}

static bool zone_of(const char *t, int *off)
{
    static const struct { const char *n; int h; } z[] = {
        {"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -5}, {"EDT", -4},
        {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8},
        {"PDT", -7}, {"JST", 9}};
    if ((t[0] == '+' || t[0] == '-') && strlen(t) == 5
        && strspn(t + 1, "0123456789") == 4) {
        int v = (t[1] - '0') * 600 + (t[2] - '0') * 60 + (t[3] - '0') * 10 + (t[4] - '0');
        *off = t[0] == '-' ? -v : v;
        return true;
    }
    for (size_t i = 0; i < HD_ARRAY_LEN(z); i++)
        if (strcasecmp(t, z[i].n) == 0) {
            *off = z[i].h * 60;
            return true;
        }
    return false;
}

int64_t mg_parse_date(const char *s)
{
    int day = 0, mon = 0, hh = -1, mi = 0, ss = 0, off = 0;
    long year = -1;
    char tok[DATE_TOKEN_MAX];
    while (s && *s) {
        size_t k = 0;
        while (*s && (isspace((unsigned char)*s) || *s == ','))
            s++;
        if (*s == '(')
            break; /* trailing comment "(JST)" */
        while (*s && !isspace((unsigned char)*s) && *s != ',' && k + 1 < sizeof tok)
            tok[k++] = *s++;
        tok[k] = '\0';
        while (*s && !isspace((unsigned char)*s) && *s != ',')
            s++; /* overlong token: rest skipped */
        if (!k)
            continue;
        int a, b, c;
        if (strchr(tok, ':') && sscanf(tok, "%d:%d:%d", &a, &b, &c) >= 2) {
            hh = a, mi = b, ss = strchr(strchr(tok, ':') + 1, ':') ? c : 0;
        } else if (isdigit((unsigned char)tok[0]) && strspn(tok, "0123456789") == k) {
            long v = strtol(tok, NULL, 10);
            if (k <= 2 && !day && !mon) day = (int)v;
            else if (k <= 2 && !day) day = (int)v;
            else if (year < 0) year = k <= 2 ? (v < 50 ? 2000 + v : 1900 + v)
                                    : (k == 3 ? 1900 + v : v);
        } else if (month_of(tok) && strlen(tok) >= 3 && !mon)
            mon = month_of(tok);
        else
            (void)zone_of(tok, &off);
    }
    if (!day || !mon || year < 1970 || year > 9999 || hh < 0 || hh > 23
        || mi < 0 || mi > 59 || ss < 0 || ss > 60 || day > 31)
        return 0;
    int64_t t = days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400
                + hh * 3600 + mi * 60 + ss - (int64_t)off * 60;
    return t > 0 ? t : 0;
}

/* ---- the fields of struct mg_mail ---------------------------------- */

static const char *raw_of(struct mg_mail *m, const char *name)
{
    const struct mg_header *h = mg_headers_find(m->headers, m->n_headers, name);
    return h ? h->raw : NULL;
}

static size_t addresses(struct mg_mail *m, const char *name,
                        struct hd_arena *a, struct mg_address **l_r)
{
    /* Repeated To:/Cc: fields are joined, as many clients read them. */
    size_t total = 0;
    struct mg_address *all = NULL;
    for (size_t i = 0; i < m->n_headers; i++) {
        if (strcasecmp(m->headers[i].name, name) != 0)
            continue;
        struct mg_address *l;
        size_t n = mg_address_list(m->headers[i].raw, a, &l);
        if (!all) {
            all = l, total = n;
            continue;
        }
        struct mg_address *j = hd_arena_alloc(a, (total + n + 1) * sizeof *j);
        memcpy(j, all, total * sizeof *j);
        memcpy(j + total, l, n * sizeof *j);
        all = j, total += n;
        if (total > MG_ADDRESSES_MAX)
            total = MG_ADDRESSES_MAX;
    }
    *l_r = all;
    return total;
}

void mg_headers_apply(struct mg_mail *m, struct hd_arena *a)
{
    struct mg_address *l;
    m->from.name = m->from.address = "";
    if (addresses(m, "From", a, &l) > 0)
        m->from = l[0];
    else if (addresses(m, "Sender", a, &l) > 0)
        m->from = l[0];
    m->n_reply_to = addresses(m, "Reply-To", a, &m->reply_to);
    m->n_to = addresses(m, "To", a, &m->to);
    m->n_cc = addresses(m, "Cc", a, &m->cc);
    const char *v = mg_mail_header(m, "Subject");
    m->subject = v ? v : "";
    v = raw_of(m, "Date");
    m->date = v ? mg_parse_date(v) : 0;
    const char **ids;
    if ((v = raw_of(m, "Message-ID")) && mg_msgid_list(v, a, &ids) > 0)
        m->message_id = ids[0];
    if ((v = raw_of(m, "In-Reply-To")) && mg_msgid_list(v, a, &ids) > 0)
        m->in_reply_to = ids[0];
    if ((v = raw_of(m, "References"))) {
        size_t n = mg_msgid_list(v, a, &ids);
        size_t skip = n > MG_REFERENCES_MAX ? n - MG_REFERENCES_MAX : 0;
        m->references = ids + skip; /* keep the newest */
        m->n_references = n - skip;
    }
}

/* ---- classification ------------------------------------------------ */

static bool value_is(const char *v, const char *word)
{
    while (v && isspace((unsigned char)*v))
        v++;
    size_t n = strlen(word);
    return v && strncasecmp(v, word, n) == 0
           && (v[n] == '\0' || v[n] == ';' || isspace((unsigned char)v[n]));
}

static bool contains_ci(const char *hay, const char *needle)
{
    return hay && strcasestr(hay, needle) != NULL;
}

/* Subjects of out-of-office replies: a weak hint, but one the help desk
 * must not answer with an acknowledgement. */
static const char *const auto_subjects[] = {
    "out of office", "out of the office", "automatic reply", "auto-reply",
    "autoreply", "auto reply", "abwesenheitsnotiz", "absence", "自動応答",
    "自動返信", "不在", "休暇",
};

static bool auto_reply_of(struct mg_mail *m)
{
    const char *v = mg_mail_header(m, "Auto-Submitted");
    if (v && !value_is(v, "no"))
        return true;
    if (mg_mail_header(m, "X-Autoreply") || mg_mail_header(m, "X-Autorespond")
        || mg_mail_header(m, "X-Autoresponder"))
        return true;
    v = mg_mail_header(m, "Precedence");
    if (value_is(v, "auto_reply") || value_is(v, "bulk") || value_is(v, "junk"))
        return true;
    v = mg_mail_header(m, "X-Auto-Response-Suppress");
    if (contains_ci(v, "all") || contains_ci(v, "oof"))
        return true;
    for (size_t i = 0; i < HD_ARRAY_LEN(auto_subjects); i++)
        if (contains_ci(m->subject, auto_subjects[i]))
            return true;
    return false;
}

/* Fields only mailing-list managers add: RFC 2369/2919, Mailman, fml,
 * ezmlm, and others. */
static const char *const list_fields[] = {
    "List-Id", "List-Unsubscribe", "List-Post", "X-Mailman-Version",
    "X-BeenThere", "X-ML-Name", "X-MLServer", "X-ML-Count", "Mailing-List",
    "X-Mailing-List", "X-List", "X-Sequence", "X-Ml-Info",
};

/* Senders of delivery reports (local parts, compared whole unless they
 * end in '*'): the common MTAs, Exchange's system mailbox, and Japanese
 * carriers'. */
static const char *const bounce_senders[] = {
    "mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon",
    "mail-delivery-system", "microsoftexchange*", "mdaemon", "bounce",
    "bounces", "mail.delivery.system", "nobody-bounce",
};

/* Subjects of delivery reports, worded as MTAs word them and customers
 * do not (the start of the Subject; a forward carries "Fwd:" in front
 * and stays a customer's).  Plain words a shop's customer may use about
 * a parcel ("delivery failed", 配送エラー) are not here: the sender
 * decides those. */
static const char *const bounce_subjects[] = {
    "undeliverable:", "undeliverable mail", "undelivered mail returned",
    "returned mail:", "returned mail - ", "mail delivery failed:",
    "delivery status notification (failure)",
    "delivery status notification (delay)", "failure notice",
    "delivery failure: user", "mail system error - returned mail",
    "nondeliverable mail", "non-delivery report",
    "warning: could not send message for past",
    "delivery notification: delivery has failed",
};

static bool starts_ci(const char *s, const char *prefix)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool bounce_sender(const char *addr)
{
    const char *at = strchr(addr, '@');
    size_t local = at ? (size_t)(at - addr) : strlen(addr);
    for (size_t i = 0; i < HD_ARRAY_LEN(bounce_senders); i++) {
        const char *b = bounce_senders[i];
        size_t n = strlen(b);
        if (b[n - 1] == '*' ? local >= n - 1 && strncasecmp(addr, b, n - 1) == 0
                            : local == n && strncasecmp(addr, b, n) == 0)
            return true;
    }
    return false;
}

void mg_classify(struct mg_mail *m)
{
    m->auto_reply = auto_reply_of(m);
    const char *v = mg_mail_header(m, "Precedence");
    m->list = value_is(v, "list") || value_is(v, "bulk");
    for (size_t i = 0; i < HD_ARRAY_LEN(list_fields) && !m->list; i++)
        m->list = mg_mail_header(m, list_fields[i]) != NULL;
    v = mg_mail_header(m, "Errors-To");
    if (contains_ci(v, "-bounces") || contains_ci(v, "-admin@") ||
        contains_ci(v, "owner-"))
        m->list = true;
    if (bounce_sender(m->from.address))
        m->bounce = true;
    for (size_t i = 0; i < HD_ARRAY_LEN(bounce_subjects) && !m->bounce; i++)
        m->bounce = starts_ci(m->subject, bounce_subjects[i]);
    /* A null reverse path marks bounces, but RFC 3834 auto-replies use it
     * too; those stay auto-replies. */
    v = mg_mail_header(m, "Return-Path");
    if (v && strcmp(v, "<>") == 0 && !m->auto_reply)
        m->bounce = true;
    for (size_t i = 0; i < m->n_headers; i++)
        if (strcasecmp(m->headers[i].name, MG_LOOP_HEADER) == 0
            && contains_ci(m->headers[i].value, MG_LOOP_VALUE))
            m->loop = true;
}
