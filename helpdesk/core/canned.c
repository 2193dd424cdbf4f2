/* canned.c - see canned.h.  Owns the placeholder table and the one-pass
 * expansion; the rows themselves are store_canned.c's. */
#include "canned.h"

#include "buf.h"
#include "clock.h"

#include <stdio.h>
#include <string.h>
#include <unistr.h>

const char *const hd_canned_placeholders[] = {
    "customer.name", "customer.email", "ticket.number", "ticket.subject",
    "agent.name",    "agent.email",    "sla.due",       "faq.url",
    "instance.name", NULL,
};

bool hd_canned_lang_ok(const char *lang)
{
    return lang != NULL && (strcmp(lang, "ja") == 0 || strcmp(lang, "en") == 0);
}

/* Valid UTF-8 of at most max bytes without control characters (newline,
 * carriage return and tab allowed when multiline). */
static bool text_ok(const char *s, size_t min, size_t max, bool multiline)
{
    size_t n = s ? strlen(s) : 0;
    if (n < min || n > max)
        return false;
    if (n > 0 && u8_check((const uint8_t *)s, n) != NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool allowed = multiline && (c == '\n' || c == '\r' || c == '\t');
        if ((c < 0x20 || c == 0x7f) && !allowed)
            return false;
    }
    return true;
}

int hd_canned_check(const struct hd_canned_row *r, struct hd_error *err)
{
    const char *bad = NULL;
    size_t max = 0;
    if (!text_ok(r->name, 1, HD_CANNED_NAME_MAX, false))
        bad = "name", max = HD_CANNED_NAME_MAX;
    else if (!hd_canned_lang_ok(r->lang)) {
        hd_error_set(err, HD_E_INVAL, "invalid language: expected ja or en");
        return -1;
    }
    else if (!text_ok(r->body, 1, HD_CANNED_BODY_MAX, true))
        bad = "body", max = HD_CANNED_BODY_MAX;
    else if (!text_ok(r->shortcut, 0, HD_CANNED_SHORT_MAX, false))
        bad = "shortcut", max = HD_CANNED_SHORT_MAX;
    else if (!text_ok(r->category, 0, HD_CANNED_SHORT_MAX, false))
        bad = "category", max = HD_CANNED_SHORT_MAX;
    if (bad == NULL)
        return 0;
    hd_error_set(err, HD_E_INVAL,
                 "invalid %s: expected UTF-8 text of at most %zu bytes", bad,
                 max);
    return -1;
}

static const char *const ja_wday[] = {"日", "月", "火", "水",
                                      "木", "金", "土"};
static const char *const en_wday[] = {"Sun", "Mon", "Tue", "Wed",
                                      "Thu", "Fri", "Sat"};
static const char *const en_mon[] = {"Jan", "Feb", "Mar", "Apr",
                                     "May", "Jun", "Jul", "Aug",
                                     "Sep", "Oct", "Nov", "Dec"};

static bool lang_ja(const char *lang)
{
    return lang == NULL || strcmp(lang, "en") != 0;
}

void hd_canned_format_day(int64_t t, const char *lang,
                          char out[HD_CANNED_DATE_SIZE])
{
    struct tm tm;
    long off = 0;
    hd_time_local(t, &tm, &off);
    if (lang_ja(lang))
        snprintf(out, HD_CANNED_DATE_SIZE, "%d年%d月%d日(%s)",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 ja_wday[tm.tm_wday]);
    else
        snprintf(out, HD_CANNED_DATE_SIZE, "%s %d %s %d", en_wday[tm.tm_wday],
                 tm.tm_mday, en_mon[tm.tm_mon], tm.tm_year + 1900);
}

void hd_canned_format_date(int64_t t, const char *lang,
                           char out[HD_CANNED_DATE_SIZE])
{
    bool ja = lang_ja(lang);
    if (t == 0) {
        snprintf(out, HD_CANNED_DATE_SIZE, "%s", ja ? "未設定" : "not set");
        return;
    }
    struct tm tm;
    long off = 0;
    hd_time_local(t, &tm, &off);
    if (ja) {
        snprintf(out, HD_CANNED_DATE_SIZE, "%d年%d月%d日(%s) %02d:%02d",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 ja_wday[tm.tm_wday], tm.tm_hour, tm.tm_min);
        return;
    }
    long a = off < 0 ? -off : off;
    snprintf(out, HD_CANNED_DATE_SIZE,
             "%s %d %s %d %02d:%02d (UTC%c%02ld:%02ld)", en_wday[tm.tm_wday],
             tm.tm_mday, en_mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
             tm.tm_min, off < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
}

static const char *nz(const char *s)
{
    return s != NULL ? s : "";
}

/* The value of a known placeholder ("" for a NULL field), or NULL when
 * name is unknown. */
static const char *value_of(const char *name, const struct hd_canned_ctx *c,
                            struct hd_arena *a)
{
    if (strcmp(name, "customer.name") == 0)
        return nz(c->customer_name && *c->customer_name ? c->customer_name
                                                        : c->customer_email);
    if (strcmp(name, "customer.email") == 0)
        return nz(c->customer_email);
    if (strcmp(name, "ticket.number") == 0)
        return hd_arena_printf(a, "%lld", (long long)c->ticket_number);
    if (strcmp(name, "ticket.subject") == 0)
        return nz(c->ticket_subject);
    if (strcmp(name, "agent.name") == 0)
        return nz(c->agent_name);
    if (strcmp(name, "agent.email") == 0)
        return nz(c->agent_email);
    if (strcmp(name, "faq.url") == 0)
        return nz(c->faq_url);
    if (strcmp(name, "instance.name") == 0)
        return nz(c->instance_name);
    if (strcmp(name, "sla.due") == 0) {
        char *d = hd_arena_alloc(a, HD_CANNED_DATE_SIZE);
        hd_canned_format_date(c->sla_due, c->lang, d);
        return d;
    }
    return NULL;
}

/* At p (just after "{{"): the placeholder name, spaces trimmed, and the
 * length up to and including "}}"; 0 when p does not hold a well-formed
 * placeholder ([a-z0-9._] up to HD_CANNED_KEY_MAX bytes). */
static size_t parse_key(const char *p, char key[HD_CANNED_KEY_MAX + 1])
{
    size_t i = 0, k = 0;
    while (p[i] == ' ')
        i++;
    while ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') ||
           p[i] == '.' || p[i] == '_') {
        if (k == HD_CANNED_KEY_MAX)
            return 0;
        key[k++] = p[i++];
    }
    key[k] = '\0';
    while (p[i] == ' ')
        i++;
    if (k == 0 || p[i] != '}' || p[i + 1] != '}')
        return 0;
    return i + 2;
}

static void note_unknown(struct hd_canned_result *res, const char *key,
                         struct hd_arena *a)
{
    for (size_t i = 0; i < res->n_unknown; i++)
        if (strcmp(res->unknown[i], key) == 0)
            return;
    if (res->n_unknown < HD_CANNED_UNKNOWN_MAX)
        res->unknown[res->n_unknown++] = hd_arena_strdup(a, key);
}

/* Appends the text up to the next "{{" (or the end); returns its end. */
static const char *copy_plain(struct hd_buf *b, const char *p, int *rc,
                              struct hd_error *err)
{
    const char *open = strstr(p, "{{");
    size_t n = open ? (size_t)(open - p) : strlen(p);
    if (*rc == 0 && hd_buf_append(b, p, n, err) < 0)
        *rc = -1;
    return p + n;
}

int hd_canned_expand(const char *body, const struct hd_canned_ctx *ctx,
                     struct hd_arena *a, struct hd_canned_result *res_r,
                     struct hd_error *err)
{
    struct hd_buf b;
    char key[HD_CANNED_KEY_MAX + 1];
    int rc = 0;
    hd_buf_init(&b, HD_CANNED_OUT_MAX);
    res_r->unknown = hd_arena_alloc(
        a, HD_CANNED_UNKNOWN_MAX * sizeof *res_r->unknown);
    res_r->n_unknown = 0;
    const char *p = body;
    while (rc == 0 && *(p = copy_plain(&b, p, &rc, err)) != '\0') {
        size_t len = parse_key(p + 2, key);
        const char *v = len ? value_of(key, ctx, a) : NULL;
        if (len == 0 || v == NULL) {
            /* Left as written: an unknown name whole (and reported), a
             * stray brace by itself, so "{{{x}}" still finds {{x}}. */
            size_t n = len ? len + 2 : 1;
            if (len != 0)
                note_unknown(res_r, key, a);
            rc = hd_buf_append(&b, p, n, err);
            p += n;
            continue;
        }
        rc = hd_buf_puts(&b, v, err);
        p += len + 2;
    }
    if (rc == 0)
        res_r->text = hd_arena_strdup(a, hd_buf_cstr(&b));
    hd_buf_deinit(&b);
    return rc;
}
