/* outbound.c - see outbound.h. */
#include "outbound.h"

#include "auth.h"
#include "blob.h"
#include "clock.h"
#include "compose.h"
#include "log.h"
#include "reply_addr.h"
#include "store_sla.h"
#include "template.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *domain_of(const char *addr)
{
    const char *at = strrchr(addr, '@');
    return at ? at + 1 : "helpdesk.invalid";
}

int64_t hd_subject_ticket_number(const char *subject, const char *tag)
{
    size_t tl = tag ? strlen(tag) : 0;
    for (const char *p = strchr(subject, '['); p; p = strchr(p + 1, '[')) {
        const char *q = p + 1;
        if (tl > 0 && strncasecmp(q, tag, tl) == 0 && q[tl] == ' ')
            q += tl + 1;
        if (*q != '#' || !isdigit((unsigned char)q[1]))
            continue;
        char *end;
        long long n = strtoll(q + 1, &end, 10);
        if (*end == ']' && n > 0)
            return n;
    }
    return 0;
}

const char *hd_outbound_subject(struct hd_arena *a, const char *tag,
                                int64_t number, const char *subject)
{
    const char *s = subject ? subject : "";
    for (;;) {
        while (*s == ' ')
            s++;
        if (strncasecmp(s, "re:", 3) == 0 || strncasecmp(s, "aw:", 3) == 0)
            s += 3;
        else if (strncasecmp(s, "fwd:", 4) == 0)
            s += 4;
        else if (strncmp(s, "返信:", strlen("返信:")) == 0)
            s += strlen("返信:");
        else if (*s == '[' && hd_subject_ticket_number(s, tag) == number &&
                 strchr(s, ']') != NULL)
            s = strchr(s, ']') + 1;
        else
            break;
    }
    return hd_arena_printf(a, "[%s #%lld] %s", tag, (long long)number, s);
}

/* Splits a template into its "Subject:" line and the body. */
static void split_subject(const char *text, struct hd_arena *a,
                          const char **subject_r, const char **body_r)
{
    *subject_r = NULL;
    *body_r = text;
    if (strncmp(text, "Subject: ", 9) != 0)
        return;
    const char *nl = strchr(text, '\n');
    if (nl == NULL)
        return;
    *subject_r = hd_arena_strndup(a, text + 9, (size_t)(nl - text - 9));
    *body_r = nl[1] == '\n' ? nl + 2 : nl + 1;
}

/* The files' bytes as MIME parts (read whole: the outbox row holds the
 * whole message anyway, at most HD_MAIL_MAX). */
static int load_parts(struct hd_instance *inst, struct hd_store *st,
                      const struct hd_outbound *o, struct hd_arena *a,
                      struct hd_out_part **parts_r, struct hd_error *err)
{
    const char *blobs = hd_arena_printf(a, "%s/blobs", hd_instance_dir(inst));
    struct hd_out_part *p = hd_arena_alloc(a, o->nfiles * sizeof *p);
    memset(p, 0, o->nfiles * sizeof *p);
    *parts_r = p;
    for (size_t i = 0; i < o->nfiles; i++) {
        char *data = NULL;
        size_t len = 0;
        int f = hd_blob_read(st, blobs, o->files[i].sha256, HD_MAIL_MAX,
                             &data, &len, err);
        if (f != 1) {
            if (f >= 0)
                hd_error_set(err, f == 2 ? HD_E_TOOBIG : HD_E_INTERNAL,
                             "attachment %s: %s", o->files[i].filename,
                             f == 2 ? "too big for a mail" : "blob missing");
            return -1;
        }
        p[i].filename = o->files[i].filename;
        p[i].content_type = o->files[i].detected_type;
        p[i].data = hd_arena_alloc(a, len + 1);
        memcpy((char *)p[i].data, data, len);
        p[i].len = len;
        free(data);
    }
    return 0;
}

/* The files as attachment rows of message row: stored, not yet scanned. */
static int record_files(struct hd_store *st, const struct hd_outbound *o,
                        int64_t row, struct hd_error *err)
{
    for (size_t i = 0; i < o->nfiles; i++) {
        const struct hd_outbound_file *f = &o->files[i];
        struct hd_attachment at = {
            .message_id = row, .filename = f->filename,
            .content_type = f->content_type, .detected_type = f->detected_type,
            .size = f->size, .sha256 = f->sha256, .state = "stored",
        };
        if (hd_store_attachment_insert(st, &at, NULL, err) < 0)
            return -1;
    }
    return 0;
}

int hd_outbound_queue(struct hd_instance *inst, struct hd_store *st,
                      const struct hd_outbound *o, struct hd_arena *a,
                      const char **message_id_r, struct hd_error *err)
{
    const struct hd_config *cfg = hd_instance_config(inst);
    const char *from = hd_config_get(cfg, HD_CFG_MAIL_FROM_ADDRESS);
    const char *tag = hd_config_get(cfg, HD_CFG_MAIL_SUBJECT_TAG);
    char rnd[HD_TOKEN_SIZE];
    hd_token_new(rnd);
    rnd[16] = '\0';
    const char *mid = hd_arena_printf(a, "hd.%lld.%s@%s",
                                      (long long)o->t->number, rnd,
                                      domain_of(from));
    const char *subject = hd_outbound_subject(a, tag, o->t->number,
                                              o->subject);
    const char *refs = NULL;
    if (o->refs != NULL || o->in_reply_to != NULL) {
        struct hd_buf rb;
        hd_buf_init(&rb, 16384);
        char *copy = hd_arena_strdup(a, o->refs ? o->refs : "");
        for (char *r = strtok(copy, " "); r; r = strtok(NULL, " "))
            if (hd_buf_printf(&rb, err, "%s<%s>", rb.len ? " " : "", r) < 0)
                break;
        if (o->in_reply_to && (o->refs == NULL ||
                               strstr(o->refs, o->in_reply_to) == NULL) &&
            hd_buf_printf(&rb, err, "%s<%s>", rb.len ? " " : "",
                          o->in_reply_to) < 0)
            hd_buf_reset(&rb); /* over 16 KiB of ids: send none */
        refs = hd_arena_strdup(a, hd_buf_cstr(&rb));
        hd_buf_deinit(&rb);
    }
    const char *loop = hd_config_get(cfg, HD_CFG_MAIL_LOOP_MARKER);
    /* The agent's reply address; a key that cannot be read costs the
     * Reply-To, never the alert itself. */
    const char *reply_to = NULL;
    struct hd_error kerr = HD_ERROR_INIT;
    if (o->reply_user_id > 0 &&
        hd_reply_addr_for(hd_instance_dir(inst), cfg, o->t->number,
                          o->reply_user_id, a, &reply_to, &kerr) < 0)
        hd_warn("outbound", "reply_key", "code=%s error=\"%s\"",
                hd_errcode_name(kerr.code), kerr.msg);
    const char *extra[] = {"Reply-To", reply_to};
    struct hd_addr fa = {hd_config_instance_name(cfg, o->t->lang), from};
    struct hd_addr ta = {o->to_name, o->to_addr};
    struct hd_out_msg m = {
        .from = fa,
        .to = &ta,
        .nto = 1,
        .subject = subject,
        .message_id = hd_arena_printf(a, "<%s>", mid),
        .in_reply_to = o->in_reply_to
                           ? hd_arena_printf(a, "<%s>", o->in_reply_to)
                           : NULL,
        .references = refs,
        .auto_submitted = o->automatic ? "auto-replied" : NULL,
        .x_loop = loop,
        .extra = extra,
        .nextra = reply_to ? 1 : 0,
        .body = o->body,
        .body_len = strlen(o->body),
        .cte = HD_CTE_BASE64,
        .iso2022jp = o->t->lang && strcmp(o->t->lang, "ja") == 0 &&
                     strcmp(hd_config_get(cfg, HD_CFG_MAIL_JAPANESE_CHARSET),
                            "iso-2022-jp") == 0,
    };
    struct hd_buf raw;
    hd_buf_init(&raw, HD_MAIL_MAX);
    int rc = -1;
    int64_t row = 0;
    struct hd_out_part *parts = NULL;
    if (o->nfiles > 0) {
        if (load_parts(inst, st, o, a, &parts, err) < 0)
            goto out;
        m.parts = parts;
        m.nparts = o->nfiles;
    }
    if (hd_build_message(&m, &raw, err) < 0)
        goto out;
    if (o->record) {
        struct hd_message msg = {
            .ticket_id = o->t->id,
            .kind = HD_MSG_OUTBOUND,
            .author_user_id = o->author_user_id,
            .from_addr = from,
            .from_name = fa.name,
            .to_addrs = o->to_addr,
            .subject = subject,
            .message_id = mid,
            .in_reply_to = o->in_reply_to,
            .refs = o->refs,
            .body_text = o->body,
            .body_hash = mid,
            .auto_reply = o->automatic,
        };
        if (hd_store_message_insert(st, &msg, &row, err) < 0 ||
            record_files(st, o, row, err) < 0)
            goto out;
    }
    struct hd_outbox_item it = {
        .ticket_id = o->t->id,
        .message_row = row,
        .kind = o->kind,
        .mail_from = from,
        .rcpts = o->to_addr,
        .raw = raw.data,
        .raw_len = raw.len,
    };
    if (hd_store_outbox_add(st, &it, NULL, err) < 0)
        goto out;
    if (message_id_r != NULL)
        *message_id_r = mid;
    rc = 0;
out:
    hd_buf_deinit(&raw);
    return rc;
}

static const char *category_label(const struct hd_ticket *t, bool ja)
{
    if (t->category == HD_CAT_INCIDENT)
        return ja ? "障害 (24時間365日対応)" : "Incident (handled 24/7)";
    return ja ? "一般のお問い合わせ (平日10:00-19:00対応)"
              : "General question (answered Mon-Fri 10:00-19:00 JST)";
}

/* The {{refused}} lines: a heading and one line per file, ending in a
 * blank line; "" when nothing was refused. */
static const char *refused_lines(struct hd_arena *a, bool ja,
                                 const struct hd_refused_file *rf, size_t n)
{
    if (n == 0)
        return "";
    const char *s =
        ja ? "\n次の添付ファイルは受け付けられず、保存していません。"
             "必要な場合は別の形でお送りください。\n"
           : "\nThese attachments were not accepted and were not "
             "kept; please send them another way if we need "
             "them:\n";
    for (size_t i = 0; i < n; i++) {
        const char *why =
            rf[i].why == HD_REFUSED_SIZE
                ? (ja ? "サイズが上限を超えています"
                      : "larger than the size limit")
                : (ja ? "受け付けていない種類のファイルです (プログラムなど)"
                      : "a type of file we do not accept (such as a program)");
        s = hd_arena_printf(a, "%s- %s: %s\n", s, rf[i].filename, why);
    }
    return s;
}

/* An instance's template written before {{refused}} existed still tells
 * the customer: the lines go before the signature, or at the end. */
static const char *with_refused(struct hd_arena *a, const char *text)
{
    const char *sig = strstr(text, "\n-- \n");
    if (sig == NULL)
        return hd_arena_printf(a, "%s{{refused}}", text);
    return hd_arena_printf(a, "%.*s{{refused}}%s", (int)(sig + 1 - text), text,
                           sig + 1);
}

int hd_outbound_ack(struct hd_instance *inst, struct hd_store *st,
                    const struct hd_sla *sla, const struct hd_ticket *t,
                    const char *customer_msgid, const char *customer_refs,
                    const struct hd_refused_file *refused, size_t n_refused,
                    bool *sent_r, struct hd_error *err)
{
    const struct hd_config *cfg = hd_instance_config(inst);
    struct hd_arena *a = hd_arena_new();
    int rc = -1;
    *sent_r = false;
    int64_t recent = 0;
    if (t->requester_address == NULL ||
        strcmp(t->requester_address, "unknown@invalid") == 0) {
        rc = 0;
        goto out;
    }
    if (hd_store_outbox_count_since(st, "ack", t->requester_address,
                                    hd_clock_now() - 3600, &recent, err) < 0)
        goto out;
    if (recent >= HD_ACK_PER_HOUR_MAX) {
        rc = hd_store_event_add(st, t->id, "mailgw", "ack", NULL, NULL, NULL,
                                "acknowledgement skipped: sender rate limit",
                                err);
        goto out;
    }
    bool ja = t->lang == NULL || strcmp(t->lang, "en") != 0;
    const char *lang = ja ? "ja" : "en";
    char promise[512];
    hd_sla_promise(sla, t, lang, promise, sizeof promise);
    const char *link = "";
    const char *base = hd_config_get(cfg, HD_CFG_INSTANCE_PUBLIC_URL);
    if (*base != '\0') {
        char token[HD_TOKEN_SIZE], hash[HD_SHA256_HEX_SIZE];
        hd_token_new(token);
        hd_token_hash(token, hash);
        if (hd_store_ticket_set_token(st, t->id, hash, err) < 0)
            goto out;
        link = hd_arena_printf(a, "%s %s/t/%s\n",
                               ja ? "状況の確認:" : "Follow it here:", base,
                               token);
    }
    const char *text, *subject, *body;
    if (hd_template_load(hd_instance_dir(inst), "ack", lang, a, &text, err) <
        0)
        goto out;
    char number[24];
    snprintf(number, sizeof number, "%lld", (long long)t->number);
    const char *name = t->requester_name && *t->requester_name
                           ? t->requester_name
                           : t->requester_address;
    struct hd_tvar vars[] = {
        {"subject", t->subject, false},
        {"name", name, false},
        {"instance", hd_config_instance_name(cfg, lang), false},
        {"number", number, false},
        {"tag", hd_config_get(cfg, HD_CFG_MAIL_SUBJECT_TAG), false},
        {"category", category_label(t, ja), false},
        {"promise", promise, false},
        {"link", link, true},
        {"refused", refused_lines(a, ja, refused, n_refused), true},
    };
    if (n_refused > 0 && strstr(text, "{{refused}}") == NULL)
        text = with_refused(a, text);
    struct hd_buf out;
    hd_buf_init(&out, HD_TEMPLATE_MAX * 2);
    if (hd_template_expand(text, vars, HD_ARRAY_LEN(vars), &out, err) < 0) {
        hd_buf_deinit(&out);
        goto out;
    }
    split_subject(hd_buf_cstr(&out), a, &subject, &body);
    struct hd_outbound o = {
        .t = t,
        .kind = "ack",
        .to_addr = t->requester_address,
        .to_name = t->requester_name,
        .subject = subject ? subject : t->subject,
        .body = hd_arena_strdup(a, body),
        .in_reply_to = customer_msgid,
        .refs = customer_refs,
        .automatic = true,
        .record = true,
    };
    hd_buf_deinit(&out);
    if (hd_outbound_queue(inst, st, &o, a, NULL, err) < 0)
        goto out;
    *sent_r = true;
    rc = hd_store_event_add(st, t->id, "mailgw", "ack", NULL, NULL, NULL,
                            promise, err);
out:
    hd_arena_free(&a);
    return rc;
}

int hd_outbound_alert(struct hd_instance *inst, struct hd_store *st,
                      const struct hd_ticket *t, const char *excerpt,
                      struct hd_error *err)
{
    const struct hd_config *cfg = hd_instance_config(inst);
    struct hd_arena *a = hd_arena_new();
    int rc = -1;
    const char *text, *subject, *body;
    char number[24], due[32], received[32];
    snprintf(number, sizeof number, "%lld", (long long)t->number);
    hd_time_format_local(t->first_response_due, due);
    hd_time_format_local(t->created_at, received);
    size_t el = strlen(excerpt);
    const char *ex = hd_arena_strndup(a, excerpt,
                                      el < HD_ALERT_EXCERPT ? el
                                                            : HD_ALERT_EXCERPT);
    struct hd_tvar vars[] = {
        {"subject", t->subject, false},
        {"number", number, false},
        {"name", t->requester_name, false},
        {"address", t->requester_address, false},
        {"received", received, false},
        {"due", due, false},
        {"excerpt", ex, true},
    };
    struct hd_buf out;
    hd_buf_init(&out, HD_TEMPLATE_MAX * 2);
    if (hd_template_load(hd_instance_dir(inst), "alert", "en", a, &text,
                         err) < 0 ||
        hd_template_expand(text, vars, HD_ARRAY_LEN(vars), &out, err) < 0)
        goto out;
    split_subject(hd_buf_cstr(&out), a, &subject, &body);
    char *list = hd_arena_strdup(
        a, hd_config_get(cfg, HD_CFG_SUPPORT_ONCALL_ADDRESSES));
    size_t sent = 0;
    for (char *r = strtok(list, " ,"); r; r = strtok(NULL, " ,")) {
        struct hd_outbound o = {
            .t = t, .kind = "alert", .to_addr = r, .subject = subject,
            .body = body, .automatic = true,
        };
        if (hd_outbound_queue(inst, st, &o, a, NULL, err) < 0)
            goto out;
        sent++;
    }
    struct hd_user *us;
    size_t n;
    if (hd_store_user_list(st, a, &us, &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (!us[i].on_call || us[i].disabled)
            continue;
        struct hd_outbound o = {
            .t = t, .kind = "alert", .to_addr = us[i].email,
            .to_name = us[i].name, .subject = subject, .body = body,
            .automatic = true, .reply_user_id = us[i].id,
        };
        if (hd_outbound_queue(inst, st, &o, a, NULL, err) < 0)
            goto out;
        sent++;
    }
    /* An alert that reached nobody is said so in the ticket's history
     * (the agent's page shows it) and counted by checklist rows 21, 27. */
    char detail[120], count[24];
    snprintf(count, sizeof count, "%zu", sent);
    if (sent == 0)
        snprintf(detail, sizeof detail, "incident alert reached NOBODY: no "
                                        "agent on call and no "
                                        "support.oncall_addresses");
    else
        snprintf(detail, sizeof detail, "incident alert queued to %zu "
                                        "on-call recipients", sent);
    rc = hd_store_event_add(st, t->id, "mailgw", "alert", "recipients", NULL,
                            count, detail, err);
out:
    hd_buf_deinit(&out);
    hd_arena_free(&a);
    return rc;
}
