/* replymail.c - see replymail.h.  The order of the checks is the order
 * of their cost: the address (no store), the parse and the spam verdict
 * (spamd may be asked: before the write lock), then the rows. */
#include "replymail.h"

#include "audit.h"
#include "bigpart.h"
#include "clock.h"
#include "crypt.h"
#include "desk.h"
#include "log.h"
#include "parse.h"
#include "reply_addr.h"
#include "spam.h"
#include "store_lease.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WHY_MAX 160 /* bytes of a refusal's reason in logs */

/* ---- the new text ------------------------------------------------------ */

static bool ends_with(const char *s, size_t n, const char *suf)
{
    size_t m = strlen(suf);
    return n >= m && memcmp(s + n - m, suf, m) == 0;
}

static size_t trim_end(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r' ||
                     s[n - 1] == '\t'))
        n--;
    return n;
}

/* "On Mon, 7 Dec 2026 ... wrote:", "2026年12月7日 ... さんは書きました:":
 * the line that introduces a quote.  mg_text_fold() folds it with the
 * quote below it; a client that quotes without "> " leaves it alone. */
static bool attribution(const char *s, size_t n)
{
    static const char *const tails[] = {"wrote:", "wrote :", "書きました:",
                                        "書きました：", "のメッセージ:"};
    n = trim_end(s, n);
    for (size_t i = 0; i < HD_ARRAY_LEN(tails); i++)
        if (ends_with(s, n, tails[i]))
            return true;
    return false;
}

/* The text without the ranges mg_text_fold() finds (quotes, signature). */
static char *unfolded(const char *text, size_t len, struct hd_arena *a,
                      size_t *n_r)
{
    struct mg_fold *f;
    size_t nf = mg_text_fold(text, len, a, &f), at = 0, n = 0;
    char *o = hd_arena_alloc(a, len + 1);
    for (size_t i = 0; i <= nf; i++) {
        size_t end = i < nf ? f[i].start : len;
        memcpy(o + n, text + at, end - at);
        n += end - at;
        at = i < nf ? f[i].end : len;
    }
    o[n] = '\0';
    *n_r = n;
    return o;
}

/* Drops attribution lines, also Gmail's wrapped "On ...\n... wrote:". */
static size_t drop_attributions(char *s, size_t n)
{
    size_t i = 0, o = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n, next = nl ? e + 1 : n;
        bool drop = attribution(s + i, e - i);
        if (!drop && e - i > 3 && memcmp(s + i, "On ", 3) == 0 && next < n) {
            const char *nl2 = memchr(s + next, '\n', n - next);
            size_t e2 = nl2 ? (size_t)(nl2 - s) : n;
            if (attribution(s + next, e2 - next)) {
                drop = true;
                next = nl2 ? e2 + 1 : n;
            }
        }
        if (!drop) {
            memmove(s + o, s + i, next - i);
            o += next - i;
        }
        i = next;
    }
    s[o] = '\0';
    return o;
}

/* Strips a note marker at the start of s (after blank space); true when
 * there was one. */
static bool take_marker(const char **s)
{
    static const char *const marks[] = {MG_NOTE_MARKER, MG_NOTE_MARKER_JA,
                                        "＃メモ", "＃note"};
    for (size_t i = 0; i < HD_ARRAY_LEN(marks); i++) {
        size_t m = strlen(marks[i]);
        const char *p = *s;
        if (strncasecmp(p, marks[i], m) != 0)
            continue;
        p += m;
        /* "#notes" or "#note123" is text, not the marker. */
        if (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' &&
            *p != '\n' && *p != ':')
            continue;
        if (*p == ':')
            p++;
        *s = p;
        return true;
    }
    return false;
}

const char *mg_replymail_new_text(const char *text, size_t len,
                                  struct hd_arena *a, bool *note_r)
{
    /* Attributions first: a wrapped one's second line would otherwise
     * go with the quote it introduces and leave its first behind. */
    char *c = hd_arena_strndup(a, text, len);
    size_t n = drop_attributions(c, len);
    const char *p = unfolded(c, n, a, &n);
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    *note_r = take_marker(&p);
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    size_t m = strlen(p);
    while (m > 0 && (p[m - 1] == ' ' || p[m - 1] == '\t' ||
                     p[m - 1] == '\r' || p[m - 1] == '\n'))
        m--;
    return hd_arena_strndup(a, p, m);
}

/* ---- checks ------------------------------------------------------------ */

/* What was read on the way; the reason is NULL while all is well. */
struct take {
    const char *why;        /* refusal reason (static or arena), or NULL */
    int64_t number, user_id;
    struct hd_user u;
    struct hd_ticket t;
    const char *body;
    bool note;
    bool again; /* posted before: a retried delivery of the same mail */
};

/* The checks that need no store: address, sender form, automatic mail,
 * spam. */
static void check_mail(const struct mg_mail *m,
                       const struct mg_spam_verdict *sv, struct take *tk)
{
    if (m->auto_reply || m->bounce || m->list || m->loop)
        tk->why = "automatic mail (auto-reply, bounce, list or loop)";
    else if (sv->spam)
        tk->why = "spam";
    else if (sv->no_ack)
        tk->why = sv->no_ack_why ? sv->no_ack_why : "forged sender";
    else if (m->from.address[0] == '\0')
        tk->why = "no sender";
}

/* The checks against the rows: user, sender, grant, ticket, text.
 * 0 (tk->why set on a refusal) or -1. */
static int check_rows(struct hd_store *st, const struct mg_mail *m,
                      struct hd_arena *a, struct take *tk,
                      struct hd_error *err)
{
    int f = hd_store_user_get(st, tk->user_id, NULL, a, &tk->u, NULL, err);
    if (f <= 0) {
        tk->why = "no such user";
        return f;
    }
    if (tk->u.disabled) {
        tk->why = "the user is disabled";
        return 0;
    }
    if (strcmp(tk->u.role, "agent") != 0 && strcmp(tk->u.role, "admin") != 0) {
        tk->why = "the user may not answer tickets (role)";
        return 0;
    }
    if (strcasecmp(m->from.address, tk->u.email) != 0) {
        tk->why = "the sender is not the user's own address";
        return 0;
    }
    if ((f = hd_store_ticket_get(st, 0, tk->number, a, &tk->t, err)) <= 0) {
        tk->why = "no such ticket";
        return f;
    }
    if (strcmp(tk->u.role, "admin") != 0) {
        f = tk->t.queue_id > 0 ? hd_store_user_has_queue(st, tk->user_id,
                                                         tk->t.queue_id, err)
                               : 0;
        if (f < 0)
            return -1;
        if (f == 0) {
            tk->why = "the user is not granted the ticket's queue";
            return 0;
        }
    }
    tk->body = mg_replymail_new_text(m->text, m->text_len, a, &tk->note);
    if (tk->body[0] == '\0')
        tk->why = "no new text";
    return 0;
}

/* The reply or note through the desk, as the user, in a savepoint of
 * its own.  A rule of the desk (closed ticket, no requester) is a
 * refusal, not a failure: what the desk wrote is undone. */
static int post(struct hd_instance *inst, struct hd_store *st,
                struct hd_arena *a, const struct mg_mail *m, struct take *tk,
                struct hd_error *err)
{
    const struct hd_desk_who who = {
        .actor = hd_arena_printf(a, "user:%lld", (long long)tk->user_id),
        .source = "mailgw",
        .user_id = tk->user_id,
    };
    struct hd_desk *d = hd_desk_new(inst, st, a, &who);
    if (hd_store_savepoint(st, err) < 0)
        return -1;
    /* Once per mail: a delivery retried after our commit (deliver killed
     * before it exited, the MTA retrying) finds its mark and posts
     * nothing again.  The mark commits with the post. */
    char key[16 + HD_SHA256_HEX_SIZE] = "replymail:";
    hd_sha256_hex(m->message_id, strlen(m->message_id), key + 10);
    int first = hd_store_once(st, key, hd_clock_now(), err);
    if (first <= 0) {
        tk->again = first == 0;
        return first < 0 ? (hd_store_rollback_to(st), -1)
                         : hd_store_release(st, err);
    }
    int rc = tk->note ? hd_desk_note(d, &tk->t, tk->body, NULL, err)
                      : hd_desk_reply(d, &tk->t, tk->body, NULL, err);
    if (rc == 0)
        return hd_store_release(st, err);
    hd_store_rollback_to(st);
    if (err->code != HD_E_INVAL)
        return -1;
    tk->why = hd_arena_strdup(a, err->msg);
    hd_error_clear(err);
    return 0;
}

static int refusal_row(struct hd_store *st, const struct mg_mail *m,
                       const struct take *tk, struct hd_arena *a,
                       struct hd_error *err)
{
    char from[WHY_MAX];
    hd_log_printable(m ? m->from.address : "", from, sizeof from - 1);
    struct hd_security_event ev = {
        .kind = "reply_refused",
        .user_id = tk->u.id > 0 ? tk->u.id : 0,
        .subject = from,
        .detail = hd_arena_printf(a, "ticket %lld: %s",
                                  (long long)tk->number, tk->why),
    };
    return hd_security_log_append(st, &ev, err);
}

static void log_outcome(const struct mg_mail *m, const struct take *tk)
{
    char from[WHY_MAX], why[WHY_MAX];
    hd_log_printable(m ? m->from.address : "", from, sizeof from - 1);
    if (tk->why == NULL && tk->again) {
        hd_info("replymail", "again", "ticket=%lld user=%lld",
                (long long)tk->number, (long long)tk->user_id);
        return;
    }
    if (tk->why == NULL) {
        hd_info("replymail", tk->note ? "note" : "reply",
                "ticket=%lld user=%lld", (long long)tk->number,
                (long long)tk->user_id);
        return;
    }
    hd_log_printable(tk->why, why, sizeof why - 1);
    hd_warn("replymail", "refused",
            "reason=\"%s\" ticket=%lld user=%lld from=\"%s\"", why,
            (long long)tk->number, (long long)tk->user_id, from);
}

/* ---- taking the mail --------------------------------------------------- */

/* The verdict of the address: 1 valid (number and user set), 0 refused
 * (tk->why), -1 the key cannot be read. */
static int check_address(struct hd_instance *inst, const char *local,
                         const char *domain, const char *rcpt,
                         struct take *tk, struct hd_error *err)
{
    struct hd_reply_key k;
    if (hd_reply_key_load(hd_instance_dir(inst), &k, err) < 0)
        return -1;
    enum hd_reply_verdict v = hd_reply_addr_check(&k, local, domain, rcpt,
                                                  &tk->number, &tk->user_id);
    hd_reply_key_wipe(&k);
    if (v == HD_REPLY_VALID)
        return 1;
    tk->why = v == HD_REPLY_MALFORMED ? "malformed reply address"
                                      : "bad reply token";
    return 0;
}

int mg_replymail_take(struct hd_instance *inst, struct hd_store *st,
                      const char *raw, size_t len,
                      const struct mg_intake_opts *opts,
                      struct mg_intake_result *r, struct hd_error *err)
{
    const char *local, *domain;
    struct hd_arena *a = hd_arena_new();
    struct take tk = {0};
    struct mg_mail *m = NULL;
    int rc = 0;
    if (opts->envelope_rcpt == NULL ||
        !hd_reply_site(hd_instance_config(inst), a, &local, &domain) ||
        !hd_reply_addr_claims(local, domain, opts->envelope_rcpt))
        goto out;
    rc = -1;
    if (check_address(inst, local, domain, opts->envelope_rcpt, &tk, err) < 0)
        goto out;
    struct mg_parse_opts po = {.raw_mapped = opts->raw_mapped,
                               .cut_min = MG_BIGPART_CUT_MIN};
    struct mg_spam_verdict sv = {0};
    /* Parsed even for a bad address: the log names the sender. */
    if (mg_parse_message_opts(raw, len, &po, a, &m, err) < 0) {
        hd_error_clear(err);
        m = NULL;
        if (tk.why == NULL)
            tk.why = "the mail cannot be parsed";
    }
    if (tk.why == NULL) {
        mg_spam_assess(inst, m, raw, len, a, &sv);
        check_mail(m, &sv, &tk);
    }
    bool batched = hd_store_in_transaction(st);
    if ((batched ? hd_store_savepoint(st, err) : hd_store_begin(st, err)) < 0)
        goto out;
    if ((tk.why == NULL && check_rows(st, m, a, &tk, err) < 0) ||
        (tk.why == NULL && post(inst, st, a, m, &tk, err) < 0) ||
        (tk.why != NULL && refusal_row(st, m, &tk, a, err) < 0)) {
        if (batched)
            hd_store_rollback_to(st);
        else
            hd_store_rollback(st);
        goto out;
    }
    if ((batched ? hd_store_release(st, err) : hd_store_commit(st, err)) < 0)
        goto out;
    log_outcome(m, &tk);
    memset(r, 0, sizeof *r);
    r->how = tk.why     ? "reply refused"
             : tk.again ? "agent answer already posted"
             : tk.note  ? "agent note"
                        : "agent reply";
    r->refused = tk.why != NULL;
    if (tk.why == NULL) {
        r->ticket_id = tk.t.id;
        r->number = tk.t.number;
    }
    rc = 1;
out:
    hd_arena_free(&a);
    return rc;
}
