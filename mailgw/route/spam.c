/* spam.c - see spam.h.  The shipped rules, in the order they are
 * tried:
 *
 *   X-Spam-Flag: YES                 (SpamAssassin)      -> held
 *   X-Spam-Status: Yes, score=...    (SpamAssassin)      -> held
 *   X-Spamd-Result: default: True [...] (rspamd)         -> held
 *   spamd says Spam: True            (scan.spamd_socket) -> held
 *   Authentication-Results: dmarc=fail                   -> no ack
 *   ... no dmarc result, spf=fail and no dkim=pass       -> no ack
 *   sender listed "block" / "allow" (agents' verdicts) overrides held. */
#include "spam.h"

#include "log.h"
#include "spamd.h"
#include "store_spam.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define SPAM_WHY_MAX 80 /* bytes of a header value quoted in the history */

/* The topmost field called name, or NULL. */
static const struct mg_header *topmost(const struct mg_header *h, size_t n,
                                       const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].name && h[i].value && strcasecmp(h[i].name, name) == 0)
            return &h[i];
    return NULL;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

/* True when value v begins with word w (case-insensitive) and a
 * non-letter follows. */
static bool starts_word(const char *v, const char *w)
{
    size_t n = strlen(w);
    v = skip_ws(v);
    return strncasecmp(v, w, n) == 0 && !isalpha((unsigned char)v[n]);
}

static const char *quote(struct hd_arena *a, const char *name,
                         const char *value)
{
    return hd_arena_printf(a, "%s: %.*s", name, SPAM_WHY_MAX,
                           skip_ws(value));
}

/* rspamd: "default: True [15.00 / 15.00]; ..." (the metric, its verdict) */
static bool rspamd_spam(const char *v)
{
    v = skip_ws(v);
    const char *c = strchr(v, ':');
    return c != NULL && starts_word(c + 1, "True");
}

/* The result of 'method' ("dmarc", "spf", "dkim") in an
 * Authentication-Results value: the word after "method=", copied to out
 * (empty when absent).  Only whole method names count ("dkim=" inside
 * "header.dkim=" does not). */
static void auth_result(const char *v, const char *method, char *out,
                        size_t cap)
{
    size_t n = strlen(method);
    out[0] = '\0';
    for (const char *p = v; (p = strcasestr(p, method)) != NULL; p += n) {
        bool start = p == v || p[-1] == ';' || p[-1] == ' ' ||
                     p[-1] == '\t' || p[-1] == '\n';
        if (!start || p[n] != '=')
            continue;
        size_t i = 0;
        for (const char *r = p + n + 1; isalnum((unsigned char)*r) &&
                                        i + 1 < cap;
             r++)
            out[i++] = (char)tolower((unsigned char)*r);
        out[i] = '\0';
        if (strcmp(method, "dkim") != 0 || strcmp(out, "pass") == 0)
            return; /* dkim: any passing signature counts */
    }
}

/* Does the Authentication-Results value v come from authserv_id?  The
 * id is the first token before ';' (RFC 8601 2.2), a version may
 * follow it. */
static bool authserv_is(const char *v, const char *id)
{
    v = skip_ws(v);
    size_t n = strcspn(v, " \t;");
    return strlen(id) == n && strncasecmp(v, id, n) == 0;
}

static const struct mg_header *auth_results(const struct mg_header *h,
                                            size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (!h[i].name || !h[i].value ||
            strcasecmp(h[i].name, "Authentication-Results") != 0)
            continue;
        if (id == NULL || id[0] == '\0' || authserv_is(h[i].value, id))
            return &h[i];
        /* an id is configured: a foreign instance is skipped, the
         * first one with our id is the one our MTA added */
    }
    return NULL;
}

static void forged_sender(const struct mg_header *ar,
                          struct mg_spam_verdict *v)
{
    char dmarc[16], spf[16], dkim[16];
    if (ar == NULL)
        return;
    auth_result(ar->value, "dmarc", dmarc, sizeof dmarc);
    auth_result(ar->value, "spf", spf, sizeof spf);
    auth_result(ar->value, "dkim", dkim, sizeof dkim);
    if (strcmp(dmarc, "fail") == 0) {
        v->no_ack = true;
        v->no_ack_why = "DMARC fail";
    } else if (dmarc[0] == '\0' && strcmp(spf, "fail") == 0 &&
               strcmp(dkim, "pass") != 0) {
        v->no_ack = true;
        v->no_ack_why = "SPF fail without a DKIM pass";
    }
}

void mg_spam_headers(const struct mg_header *h, size_t n,
                     bool trust_spam_headers, const char *authserv_id,
                     struct hd_arena *a, struct mg_spam_verdict *v)
{
    const struct mg_header *f;
    memset(v, 0, sizeof *v);
    forged_sender(auth_results(h, n, authserv_id), v);
    if (!trust_spam_headers)
        return;
    if ((f = topmost(h, n, "X-Spam-Flag")) && starts_word(f->value, "YES"))
        v->why = quote(a, "X-Spam-Flag", f->value);
    else if ((f = topmost(h, n, "X-Spam-Status")) &&
             starts_word(f->value, "Yes"))
        v->why = quote(a, "X-Spam-Status", f->value);
    else if ((f = topmost(h, n, "X-Spamd-Result")) && rspamd_spam(f->value))
        v->why = quote(a, "X-Spamd-Result", f->value);
    v->spam = v->why != NULL;
}

void mg_spam_assess(struct hd_instance *inst, const struct mg_mail *m,
                    const char *raw, size_t len, struct hd_arena *a,
                    struct mg_spam_verdict *v)
{
    const struct hd_config *cfg = hd_instance_config(inst);
    mg_spam_headers(m->headers, m->n_headers,
                    hd_config_get_bool(cfg, HD_CFG_MAIL_SPAM_HEADERS),
                    hd_config_get(cfg, HD_CFG_MAIL_AUTHSERV_ID), a, v);
    const char *spamd = hd_config_get(cfg, HD_CFG_SCAN_SPAMD_SOCKET);
    if (v->spam || spamd == NULL || spamd[0] == '\0' ||
        len > HD_SPAMD_MESSAGE_MAX)
        return;
    struct hd_spamd_result r;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_spamd_check(spamd, raw, len, &r, &err) < 0) {
        hd_warn("spam", "spamd", "not judged: %s", err.msg);
        return;
    }
    if (r.spam) {
        v->spam = true;
        v->why = hd_arena_printf(a, "spamd: %.1f / %.1f", r.score,
                                 r.threshold);
    }
}

int mg_spam_decide(struct hd_store *st, const char *sender,
                   struct mg_spam_verdict *v, struct hd_desk_open *o,
                   struct hd_arena *a, struct hd_error *err)
{
    enum hd_sender_verdict sv;
    if (hd_store_sender_get(st, sender, &sv, err) < 0)
        return -1;
    if (sv == HD_SENDER_BLOCK) {
        v->spam = true;
        v->why = "sender blocked by an agent";
    } else if (sv == HD_SENDER_ALLOW) {
        v->spam = false;
    }
    if (v->spam) {
        o->tn.spam = HD_SPAM_HELD;
        o->tn.spam_reason = v->why;
        o->acknowledge = false;
        o->alert = false;
    }
    if (v->no_ack && o->acknowledge) {
        o->acknowledge = false;
        const char **rs = hd_arena_alloc(a, (o->n_reasons + 1) * sizeof *rs);
        for (size_t i = 0; i < o->n_reasons; i++)
            rs[i] = o->reasons[i];
        rs[o->n_reasons++] =
            hd_arena_printf(a, "not acknowledged: %s", v->no_ack_why);
        o->reasons = rs;
    }
    return 0;
}
