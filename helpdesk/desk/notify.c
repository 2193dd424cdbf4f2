/* notify.c - see notify.h.  Owns who is told (the rules in notify.h) and
 * the notification mail; the rows are store_notify.c's. */
#include "notify.h"

#include "auth.h"
#include "clock.h"
#include "log.h"
#include "outbound.h"
#include "reply_addr.h"
#include "store_sla.h"

#include <ctype.h>
#include <string.h>

/* s cut to at most max bytes, never inside a UTF-8 sequence. */
static const char *cut_utf8(struct hd_arena *a, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return s;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return hd_arena_printf(a, "%.*s…", (int)max, s);
}

int hd_notify_event(struct hd_store *st, const struct hd_notify_event *e,
                    struct hd_arena *a, struct hd_error *err)
{
    if (e->user_id <= 0 || e->user_id == e->actor_user_id)
        return 0; /* nobody, or the agent who acted */
    const char *ex = e->excerpt ? cut_utf8(a, e->excerpt, HD_NOTIFY_EXCERPT)
                                : "";
    return hd_store_notify_add(st, e->user_id, e->t->id, e->kind,
                               e->by_name, ex, hd_clock_now(), err) < 0
               ? -1
               : 0;
}

static bool login_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-' ||
           c == '+';
}

/* The next "@login" in *pp: a '@' at the start or after a character that
 * cannot end an address's local part (so "ann@example.com" is no
 * mention), then login characters, a trailing '.' dropped (the end of a
 * sentence).  Returns the length (0: none left) and sets *start_r. */
static size_t next_mention(const char *body, const char **pp,
                           const char **start_r)
{
    for (const char *p = *pp; (p = strchr(p, '@')) != NULL; p++) {
        const char *q = p + 1;
        bool start_ok = p == body || !login_char(p[-1]);
        size_t n = 0;
        while (login_char(q[n]))
            n++;
        while (n > 0 && q[n - 1] == '.')
            n--;
        if (!start_ok || n == 0 || n > 64)
            continue;
        *start_r = q;
        *pp = q + n;
        return n;
    }
    return 0;
}

int hd_notify_mentions(struct hd_store *st, const struct hd_ticket *t,
                       const char *body, int64_t actor_user_id,
                       const char *by_name, struct hd_arena *a,
                       struct hd_error *err)
{
    int64_t told[HD_NOTIFY_MENTIONS_MAX];
    size_t ntold = 0, seen = 0;
    const char *p = body, *start;
    size_t n;
    while (seen < HD_NOTIFY_MENTIONS_MAX &&
           (n = next_mention(body, &p, &start)) > 0) {
        seen++;
        int64_t uid = 0;
        int found = hd_store_user_by_login(st, hd_arena_strndup(a, start, n),
                                           &uid, err);
        if (found < 0)
            return -1;
        bool dup = false;
        for (size_t i = 0; i < ntold; i++)
            dup = dup || told[i] == uid;
        if (found == 0 || dup)
            continue;
        told[ntold++] = uid;
        struct hd_notify_event e = {
            .t = t, .kind = "mentioned", .user_id = uid,
            .actor_user_id = actor_user_id, .by_name = by_name,
            .excerpt = body,
        };
        if (hd_notify_event(st, &e, a, err) < 0)
            return -1;
    }
    return 0;
}

int hd_notify_new_ticket(struct hd_store *st, const struct hd_ticket *t,
                         int64_t actor_user_id, const char *by_name,
                         const char *excerpt, struct hd_arena *a,
                         struct hd_error *err)
{
    int64_t *ids;
    size_t n;
    if (hd_store_notify_watchers(st, t->queue_id, a, &ids, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct hd_notify_event e = {
            .t = t, .kind = "new_ticket", .user_id = ids[i],
            .actor_user_id = actor_user_id, .by_name = by_name,
            .excerpt = excerpt,
        };
        if (hd_notify_event(st, &e, a, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- mail ---------------------------------------------------------------- */

static const char *kind_words(const char *kind, bool ja)
{
    if (strcmp(kind, "assigned") == 0)
        return ja ? "あなたに割り当てられました" : "Assigned to you";
    if (strcmp(kind, "answered") == 0)
        return ja ? "お客様から返信がありました" : "The customer answered";
    if (strcmp(kind, "mentioned") == 0)
        return ja ? "メモであなたに言及がありました" : "You were mentioned";
    return ja ? "新しいチケット" : "New ticket";
}

static const char *domain_of(const char *addr)
{
    const char *at = strrchr(addr, '@');
    return at ? at + 1 : "helpdesk.invalid";
}

void hd_notify_headers(const struct hd_config *cfg, const struct hd_user *u,
                       const struct hd_notification *ns, size_t n,
                       const char *reply_to, struct hd_arena *a,
                       struct hd_out_msg *m_r)
{
    bool ja = u->lang == NULL || strcmp(u->lang, "en") != 0;
    const char *from = hd_config_get(cfg, HD_CFG_MAIL_FROM_ADDRESS);
    const char *tag = hd_config_get(cfg, HD_CFG_MAIL_SUBJECT_TAG);
    struct hd_addr *to = hd_arena_zalloc(a, sizeof *to);
    *to = (struct hd_addr){u->name, u->email};
    char rnd[HD_TOKEN_SIZE];
    hd_token_new(rnd);
    rnd[16] = '\0';
    const char *subject =
        n == 1 ? hd_outbound_subject(
                     a, tag, ns[0].ticket_number,
                     hd_arena_printf(a, "%s: %s", kind_words(ns[0].kind, ja),
                                     ns[0].subject ? ns[0].subject : ""))
        : ja   ? hd_arena_printf(a, "[%s] 通知 %zu件", tag, n)
               : hd_arena_printf(a, "[%s] %zu notifications", tag, n);
    /* What the mail is about, for the agent's mail filters. */
    const char **extra = hd_arena_zalloc(a, 4 * sizeof *extra);
    extra[0] = "X-Helpdesk-Notify";
    extra[1] = n == 1 ? ns[0].kind : "digest";
    extra[2] = "Reply-To";
    extra[3] = reply_to;
    *m_r = (struct hd_out_msg){
        .from = {hd_config_instance_name(cfg, ja ? "ja" : "en"), from},
        .to = to,
        .nto = 1,
        .subject = subject,
        .message_id = hd_arena_printf(a, "<hd.notify.%lld.%s@%s>",
                                      (long long)u->id, rnd,
                                      domain_of(from)),
        /* RFC 3834: generated by us, not a reply to anyone; our own
         * intake treats it as automatic and it never wakes a ticket. */
        .auto_submitted = "auto-generated",
        .x_loop = hd_config_get(cfg, HD_CFG_MAIL_LOOP_MARKER),
        .extra = extra,
        .nextra = reply_to ? 2 : 1,
        .cte = HD_CTE_BASE64,
    };
}

/* The text of the mail: one block per notification. */
static int mail_body(const struct hd_config *cfg, bool ja,
                     const struct hd_notification *ns, size_t n,
                     struct hd_buf *b, struct hd_error *err)
{
    const char *base = hd_config_get(cfg, HD_CFG_INSTANCE_PUBLIC_URL);
    if (n > 1 &&
        hd_buf_printf(b, err, ja ? "%zu件の通知があります。\n\n"
                                 : "%zu notifications for you.\n\n",
                      n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char when[32];
        hd_time_format_local(ns[i].created_at, when);
        if (hd_buf_printf(b, err, "#%lld %s\n%s (%s%s, %s)\n",
                          (long long)ns[i].ticket_number,
                          ns[i].subject ? ns[i].subject : "",
                          kind_words(ns[i].kind, ja), ja ? "" : "by ",
                          ns[i].by_name, when) < 0 ||
            (*ns[i].excerpt &&
             hd_buf_printf(b, err, "> %s\n", ns[i].excerpt) < 0) ||
            (*base && hd_buf_printf(b, err, "%s/agent/tickets/%lld\n", base,
                                    (long long)ns[i].ticket_number) < 0) ||
            hd_buf_puts(b, "\n", err) < 0)
            return -1;
    }
    return hd_buf_puts(b, ja ? "-- \n通知の設定: /agent/preferences\n"
                             : "-- \nSettings: /agent/preferences\n",
                       err);
}

/* One agent's mail, inside the caller's transaction. */
static int mail_one(struct hd_instance *inst, struct hd_store *st,
                    int64_t uid, struct hd_arena *a, bool *queued_r,
                    struct hd_error *err)
{
    const struct hd_config *cfg = hd_instance_config(inst);
    struct hd_user u;
    struct hd_notification *ns = NULL;
    size_t n = 0;
    *queued_r = false;
    int found = hd_store_user_get(st, uid, NULL, a, &u, NULL, err);
    if (found < 0 ||
        (found == 1 && !u.disabled &&
         hd_store_notify_pending(st, uid, HD_NOTIFY_DIGEST_MAX, a, &ns, &n,
                                 err) < 0))
        return -1;
    if (n == 0) /* gone, disabled, or nothing it may see any more */
        return hd_store_notify_mailed(st, uid, 0, err);
    struct hd_out_msg m;
    /* One ticket: answering the mail answers its customer.  A key that
     * cannot be read costs the Reply-To, never the notification. */
    const char *reply_to = NULL;
    struct hd_error kerr = HD_ERROR_INIT;
    if (n == 1 &&
        hd_reply_addr_for(hd_instance_dir(inst), cfg, ns[0].ticket_number,
                          uid, a, &reply_to, &kerr) < 0)
        hd_warn("notify", "reply_key", "code=%s error=\"%s\"",
                hd_errcode_name(kerr.code), kerr.msg);
    hd_notify_headers(cfg, &u, ns, n, reply_to, a, &m);
    struct hd_buf body, raw;
    hd_buf_init(&body, HD_MAIL_MAX);
    hd_buf_init(&raw, HD_MAIL_MAX);
    int rc = -1;
    if (mail_body(cfg, u.lang == NULL || strcmp(u.lang, "en") != 0, ns, n,
                  &body, err) < 0)
        goto out;
    m.body = hd_buf_cstr(&body);
    m.body_len = body.len;
    if (hd_build_message(&m, &raw, err) < 0)
        goto out;
    struct hd_outbox_item it = {
        .ticket_id = n == 1 ? ns[0].ticket_id : 0,
        .kind = "notify",
        .mail_from = m.from.addr,
        .rcpts = u.email,
        .raw = raw.data,
        .raw_len = raw.len,
    };
    if (hd_store_outbox_add(st, &it, NULL, err) < 0 ||
        hd_store_notify_mailed(st, uid, ns[n - 1].id, err) < 0)
        goto out;
    *queued_r = true;
    rc = 0;
out:
    hd_buf_deinit(&body);
    hd_buf_deinit(&raw);
    return rc;
}

int hd_notify_mail_run(struct hd_instance *inst, struct hd_store *st,
                       int64_t now, size_t *mails_r, struct hd_error *err)
{
    int64_t window = hd_config_get_int(hd_instance_config(inst),
                                       HD_CFG_SUPPORT_NOTIFY_DIGEST_SECONDS);
    struct hd_arena *a = hd_arena_new();
    int64_t *ids;
    size_t n;
    int rc = -1;
    *mails_r = 0;
    if (hd_store_notify_due_users(st, now - window, HD_NOTIFY_USERS_MAX, a,
                                  &ids, &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        bool queued;
        if (hd_store_begin(st, err) < 0)
            goto out;
        if (mail_one(inst, st, ids[i], a, &queued, err) < 0) {
            hd_store_rollback(st);
            goto out;
        }
        if (hd_store_commit(st, err) < 0)
            goto out;
        *mails_r += queued;
    }
    rc = 0;
out:
    hd_arena_free(&a);
    return rc;
}
