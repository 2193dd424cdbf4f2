/* pages_customer.c - the customer's view of a ticket, /t/TOKEN.
 *
 * Customers write by mail and have no account; the acknowledgement gives
 * them an unguessable link (256-bit token, only its SHA-256 is stored).
 * The page shows status, category, the promised answer time and the
 * thread without internal notes; its reply form enters the ticket as a
 * mail reply would: a message from the requester, threaded under the
 * ticket's first message, added by the desk (hd_desk_add_inbound: reopen,
 * SLA, audit, webhook), with any files the customer attached (upload.h,
 * hd_desk_attach).  Files show with a download link once scanned clean.
 * Links stop working WEB_CUSTOMER_GRACE_DAYS after the ticket is closed,
 * and every view and reply is written to the security log. */
#include "web_int.h"

#include "attach.h"
#include "audit.h"
#include "auth.h"
#include "clock.h"
#include "crypt.h"
#include "desk.h"
#include "log.h"
#include "pages_rate.h"
#include "store_stats.h"
#include "store_api.h"
#include "store_sla.h"
#include "upload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WEB_CUSTOMER_GRACE_DAYS 30
#define WEB_CUSTOMER_REPLY_MAX (64 * 1024)

static const char *L(const struct web_req *r, const char *ja, const char *en)
{
    return strcmp(r->lang, "ja") == 0 ? ja : en;
}

/* The ticket behind token: 1 found and valid, 0 unknown or expired. */
static int find(struct web_req *r, const char *token, struct hd_ticket *t,
                struct hd_error *err)
{
    char hash[HD_SHA256_HEX_SIZE];
    int64_t id;
    if (token == NULL || strlen(token) < 32 || strlen(token) > 64)
        return 0;
    hd_token_hash(token, hash);
    int f = hd_store_ticket_by_token(r->st, hash, &id, err);
    if (f <= 0)
        return f;
    f = hd_store_ticket_get(r->st, id, 0, r->a, t, err);
    if (f <= 0)
        return f;
    if (t->status == HD_STATUS_CLOSED &&
        hd_clock_now() > t->updated_at + WEB_CUSTOMER_GRACE_DAYS * 86400)
        return 0;
    return 1;
}

static void log_use(struct web_req *r, const char *kind,
                    const struct hd_ticket *t)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *detail = hd_arena_printf(r->a, "ticket=%lld request_id=%s",
                                         (long long)t->number,
                                         r->request_id);
    struct hd_security_event ev = {.kind = kind,
                                   .subject = t->requester_address,
                                   .ip = r->client_ip,
                                   .detail = detail};
    if (hd_security_log_append(r->st, &ev, &err) < 0)
        hd_warn("web", "security_log", "error=\"%s\"", err.msg);
}

static const char *status_label(const struct web_req *r, enum hd_status s)
{
    static const char *const ja[] = {"受付", "対応中", "お客様のご返信待ち",
                                     "解決済み", "完了"};
    static const char *const en[] = {"received", "in progress",
                                     "waiting for your reply", "resolved",
                                     "closed"};
    return strcmp(r->lang, "ja") == 0 ? ja[s] : en[s];
}

/* The files of one message the customer sees: a download link once
 * scanned clean, else that the scan is pending; refused ones say so. */
static int files(struct web_req *r, struct web_html *h, const char *token,
                 int64_t message_id, struct hd_error *err)
{
    struct hd_attachment *as;
    size_t n;
    if (hd_store_attachment_list(r->st, message_id, r->a, &as, &n, err) < 0)
        return -1;
    if (n == 0)
        return 0;
    web_html_lit(h, "<ul class=\"files\" aria-label=\"");
    web_html_text(h, L(r, "添付ファイル", "Attachments"));
    web_html_lit(h, "\">");
    for (size_t i = 0; i < n; i++) {
        web_html_lit(h, "<li>");
        if (hd_attachment_downloadable(&as[i])) {
            web_html_lit(h, "<a href=\"/t/");
            web_html_text(h, token);
            web_html_lit(h, "/file?a=");
            web_html_int(h, as[i].id);
            web_html_lit(h, "\" download>");
            web_html_text(h, as[i].filename);
            web_html_lit(h, "</a>");
        } else {
            web_html_text(h, as[i].filename);
            web_html_lit(h, " (");
            web_html_text(h, strcmp(as[i].state, "stored") == 0 &&
                                     strcmp(as[i].scan_state, "unscanned") == 0
                                 ? web_t(r->lang, M_SCAN_PENDING)
                                 : L(r, "表示できません", "not available"));
            web_html_lit(h, ")");
        }
        web_html_lit(h, "</li>");
    }
    web_html_lit(h, "</ul>");
    return 0;
}

static void thread(struct web_req *r, struct web_html *h,
                   const struct hd_ticket *t, const char *token,
                   struct hd_error *err)
{
    struct hd_message *ms;
    size_t n;
    if (hd_store_message_list(r->st, t->id, false, r->a, &ms, &n, err) < 0)
        return;
    web_html_lit(h, "<ol class=\"thread\">\n");
    for (size_t i = 0; i < n; i++) {
        bool ours = ms[i].kind == HD_MSG_OUTBOUND;
        web_html_lit(h, "<li class=\"msg\"><p class=\"meta\"><strong>");
        web_html_text(h, ours ? hd_config_instance_name(r->app->cfg, r->lang)
                              : L(r, "お客様", "You"));
        web_html_lit(h, "</strong> ");
        web_layout_datetime(r, h, ms[i].created_at);
        web_html_lit(h, "</p><div class=\"body\">");
        web_html_text(h, ms[i].body_text);
        web_html_lit(h, "</div>");
        if (files(r, h, token, ms[i].id, err) < 0)
            return;
        web_html_lit(h, "</li>\n");
    }
    web_html_lit(h, "</ol>\n");
}

/* A wrong or expired link: what to do instead, not a generic 404. */
static void gone_page(struct web_req *r)
{
    struct web_html h;
    web_html_init(&h);
    const char *title = web_t(r->lang, M_LINK_GONE);
    struct web_page p = {.title = title, .description = title};
    web_resp_header(r, "Referrer-Policy", "no-referrer");
    web_resp_header(r, "X-Robots-Tag", "noindex");
    web_layout_begin(r, &h, &p);
    web_html_lit(&h, "<h1>");
    web_html_text(&h, title);
    web_html_lit(&h, "</h1>\n<p>");
    web_html_text(&h, web_t(r->lang, M_LINK_GONE_TEXT));
    web_html_lit(&h, "</p>\n");
    web_layout_contact(r, &h, M_CONTACT, true);
    web_layout_search_form(r, &h, NULL);
    web_layout_end(r, &h);
    web_resp_html(r, 404, &h);
    web_html_deinit(&h);
}

void web_page_customer(struct web_req *r, const char *token)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    int f = find(r, token, &t, &err);
    if (f == 0)
        return gone_page(r);
    if (f < 0)
        return web_error_page(r, 500);
    log_use(r, "customer_view", &t);
    struct web_html h;
    web_html_init(&h);
    struct web_page p = {.title = t.subject,
                         .description = L(r, "お問い合わせの状況",
                                          "Your request")};
    web_resp_header(r, "Referrer-Policy", "no-referrer");
    web_resp_header(r, "X-Robots-Tag", "noindex");
    web_layout_begin(r, &h, &p);
    web_html_lit(&h, "<h1>");
    web_html_text(&h, t.subject);
    web_html_lit(&h, "</h1>\n");
    const char *sent = web_req_arg(r, "sent");
    if (sent != NULL && strcmp(sent, "1") == 0) {
        web_html_lit(&h, "<p class=\"confirm\" role=\"status\" "
                         "id=\"sent\">");
        web_html_text(&h, L(r, "ご返信を受け付けました。担当者からの回答を"
                               "メールでお知らせします。",
                            "Your reply was received. We will answer by "
                            "mail."));
        web_html_lit(&h, "</p>\n");
    }
    web_html_lit(&h, "<dl class=\"ticket-facts\"><dt>");
    web_html_text(&h, L(r, "受付番号", "Reference"));
    web_html_lit(&h, "</dt><dd>");
    web_html_int(&h, t.number);
    web_html_lit(&h, "</dd><dt>");
    web_html_text(&h, L(r, "状況", "Status"));
    web_html_lit(&h, "</dt><dd>");
    web_html_text(&h, status_label(r, t.status));
    web_html_lit(&h, "</dd><dt>");
    web_html_text(&h, L(r, "区分", "Category"));
    web_html_lit(&h, "</dt><dd>");
    web_html_text(&h, t.category == HD_CAT_INCIDENT
                          ? L(r, "障害 (24時間365日対応)",
                              "Incident (handled 24/7)")
                          : L(r, "一般のお問い合わせ (営業時間内に対応)",
                              "General question (business hours)"));
    web_html_lit(&h, "</dd>");
    if (t.first_response_at == 0 && t.first_response_due != 0) {
        web_html_lit(&h, "<dt>");
        web_html_text(&h, L(r, "回答予定", "Answer expected by"));
        web_html_lit(&h, "</dt><dd>");
        web_layout_datetime(r, &h, t.first_response_due);
        web_html_text(&h, L(r, "までにご回答します", ""));
        web_html_lit(&h, "</dd>");
    }
    web_html_lit(&h, "</dl>\n");
    thread(r, &h, &t, token, &err);
    if (t.status == HD_STATUS_RESOLVED || t.status == HD_STATUS_CLOSED) {
        const char *rating = NULL, *comment = NULL;
        if (hd_store_csat_get(r->st, t.id, r->a, &rating, &comment,
                              &err) >= 0)
            web_rate_form(r, &h, hd_arena_printf(r->a, "/t/%s/rate", token),
                          rating, NULL);
    }
    if (t.status != HD_STATUS_CLOSED) {
        web_html_lit(&h, "<form class=\"reply\" method=\"post\" "
                         "enctype=\"multipart/form-data\" action=\"/t/");
        web_html_text(&h, token);
        web_html_lit(&h, "/reply\"><input type=\"hidden\" name=\"csrf\" "
                         "value=\"");
        web_html_text(&h, web_session_csrf(r));
        web_html_lit(&h, "\"><label for=\"reply\">");
        web_html_text(&h, L(r, "返信する", "Reply"));
        web_html_lit(&h, "</label><textarea id=\"reply\" name=\"body\" "
                         "rows=\"8\" required></textarea>"
                         "<label for=\"reply-files\">");
        web_html_text(&h, web_t(r->lang, M_ATTACH_FILES));
        web_html_lit(&h, "</label><input type=\"file\" id=\"reply-files\" "
                         "name=\"files\" multiple "
                         "aria-describedby=\"reply-files-hint\"><p "
                         "class=\"hint\" id=\"reply-files-hint\">");
        web_html_text(&h, web_t(r->lang, M_ATTACH_HINT));
        web_html_lit(&h, "</p><button type=\"submit\">");
        web_html_text(&h, L(r, "送信", "Send"));
        web_html_lit(&h, "</button></form>\n");
    }
    web_layout_end(r, &h);
    web_resp_html(r, err.code == HD_OK ? 200 : 500, &h);
    web_html_deinit(&h);
}

/* The form's text with CRLF line ends made LF, as mail text is stored. */
static const char *lf_text(struct web_req *r, const char *body)
{
    char *out = hd_arena_strdup(r->a, body), *w = out;
    for (const char *p = body; *p; p++)
        if (!(p[0] == '\r' && p[1] == '\n'))
            *w++ = *p;
    *w = '\0';
    return out;
}

/* The reply as a message from the requester, threaded under the
 * ticket's first message. */
static int add_reply(struct web_req *r, struct hd_ticket *t,
                     const char *body, struct hd_desk_file *fs, size_t nfs,
                     struct hd_error *err)
{
    struct hd_message *ms;
    size_t n;
    if (hd_store_message_list(r->st, t->id, false, r->a, &ms, &n, err) < 0)
        return -1;
    char tok[HD_TOKEN_SIZE], hash[HD_SHA256_HEX_SIZE];
    hd_token_new(tok);
    tok[20] = '\0';
    const char *text = lf_text(r, body);
    hd_sha256_hex(text, strlen(text), hash);
    const char *tag = hd_config_get(r->app->cfg, HD_CFG_MAIL_SUBJECT_TAG);
    struct hd_message m = {
        .kind = HD_MSG_INBOUND,
        .author_contact_id = t->requester_id,
        .from_addr = t->requester_address,
        .from_name = t->requester_name,
        .subject = hd_arena_printf(r->a, "Re: [%s #%lld] web reply", tag,
                                   (long long)t->number),
        .message_id = hd_arena_printf(r->a, "web.%s@customer-view.invalid",
                                      tok),
        .in_reply_to = n > 0 ? ms[0].message_id : NULL,
        .body_text = text,
        .body_hash = hash,
        .lang = t->lang,
        .created_at = hd_clock_now(),
    };
    const struct hd_desk_who who = {
        .actor = "customer-web", .source = "web",
        .ip = r->client_ip, .request_id = r->request_id,
    };
    struct hd_desk *d = hd_desk_new(r->app->inst, r->st, r->a, &who);
    if (hd_store_begin(r->st, err) < 0)
        return -1;
    if (hd_desk_add_inbound(d, t, &m, false, NULL, err) < 0 ||
        hd_desk_attach(d, t, m.id, fs, nfs, err) < 0 ||
        hd_store_commit(r->st, err) < 0) {
        hd_store_rollback(r->st);
        return -1;
    }
    return 0;
}

void web_page_customer_reply(struct web_req *r, const char *token)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    int f = find(r, token, &t, &err);
    if (f == 0)
        return gone_page(r);
    if (f < 0)
        return web_error_page(r, 500);
    if (!web_session_csrf_ok(r, web_form_field(r, "csrf")))
        return web_error_page(r, 403);
    const char *body = web_form_field(r, "body");
    if (body == NULL || *body == '\0' ||
        strlen(body) > WEB_CUSTOMER_REPLY_MAX ||
        t.status == HD_STATUS_CLOSED || t.requester_address == NULL)
        return web_error_page(r, 400);
    struct hd_desk_file *fs;
    size_t nfs;
    const char *why;
    if (!web_uploads_take(r, &fs, &nfs, &why)) {
        r->error_why = why;
        return web_error_page(r, 422);
    }
    if (add_reply(r, &t, body, fs, nfs, &err) < 0) {
        hd_warn("web", "customer_reply", "error=\"%s\"", err.msg);
        if (err.code == HD_E_TOOBIG) {
            r->error_why = web_uploads_quota(r);
            return web_error_page(r, 413);
        }
        return web_fail_page(r, &err);
    }
    log_use(r, "customer_reply", &t);
    web_resp_redirect(r, 303,
                      hd_arena_printf(r->a, "/t/%s?sent=1#sent", token));
}

/* One file of the ticket behind token (?a=ID): never a note's, only a
 * message the page itself shows, and only once scanned clean. */
void web_page_customer_file(struct web_req *r, const char *token)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    struct hd_attachment at;
    struct hd_message *ms;
    size_t n;
    int64_t tid = 0;
    int f = find(r, token, &t, &err);
    if (f == 0)
        return gone_page(r);
    const char *as = web_req_arg(r, "a");
    char *end = NULL;
    long long id = as ? strtoll(as, &end, 10) : 0;
    if (f > 0)
        f = id > 0 && *end == '\0'
                ? hd_store_api_attachment_get(r->st, id, r->a, &at, &tid, &err)
                : 0;
    if (f > 0 &&
        hd_store_message_list(r->st, t.id, false, r->a, &ms, &n, &err) < 0)
        f = -1;
    if (f < 0)
        return web_error_page(r, 500);
    bool shown = false;
    for (size_t i = 0; f > 0 && tid == t.id && i < n; i++)
        shown = shown || ms[i].id == at.message_id;
    if (!shown)
        return web_error_page(r, 404);
    log_use(r, "customer_file", &t);
    web_resp_header(r, "Referrer-Policy", "no-referrer");
    web_resp_attachment(r, &at);
}

void web_page_customer_rate(struct web_req *r, const char *token)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    int f = find(r, token, &t, &err);
    if (f <= 0)
        return web_error_page(r, f < 0 ? 500 : 404);
    log_use(r, "customer_rate", &t);
    web_rate_post(r, &t, hd_arena_printf(r->a, "/t/%s", token));
}
