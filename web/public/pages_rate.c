/* pages_rate.c - see pages_rate.h.  GET never records anything (mail
 * scanners open links); the POST needs the visitor session's CSRF token,
 * and the link's signature names the one ticket it may rate. */
#include "pages_rate.h"

#include "csat.h"
#include "desk.h"
#include "log.h"
#include "store_stats.h"

#include <stdlib.h>
#include <string.h>

static const char *L(const struct web_req *r, const char *ja, const char *en)
{
    return strcmp(r->lang, "ja") == 0 ? ja : en;
}

static void choice(struct web_req *r, struct web_html *h, const char *value,
                   const char *label, const char *pick)
{
    web_html_lit(h, "<label><input type=\"radio\" name=\"rating\" value=\"");
    web_html_text(h, value);
    web_html_lit(h, "\" required");
    if (pick && strcmp(pick, value) == 0)
        web_html_lit(h, " checked");
    web_html_lit(h, "> ");
    web_html_text(h, label);
    web_html_lit(h, "</label>\n");
    (void)r;
}

void web_rate_form(struct web_req *r, struct web_html *h, const char *action,
                   const char *current, const char *pick)
{
    web_html_lit(h, "<section class=\"rate\"><h2>");
    web_html_text(h, L(r, "対応の評価", "Rate our answer"));
    web_html_lit(h, "</h2>\n");
    if (current != NULL) {
        web_html_lit(h, "<p class=\"rated\">");
        web_html_text(h, L(r, "ご評価ありがとうございました: ",
                           "Thank you for your rating: "));
        web_html_text(h, strcmp(current, "good") == 0 ? L(r, "良い", "good")
                                                      : L(r, "悪い", "bad"));
        web_html_lit(h, "</p>\n");
    }
    web_html_lit(h, "<form method=\"post\" action=\"");
    web_html_text(h, action);
    web_html_lit(h, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
    web_html_text(h, web_session_csrf(r));
    web_html_lit(h, "\">\n<fieldset><legend>");
    web_html_text(h, L(r, "対応はいかがでしたか", "How did we do?"));
    web_html_lit(h, "</legend>\n");
    choice(r, h, "good", L(r, "良い", "Good"), pick ? pick : current);
    choice(r, h, "bad", L(r, "悪い", "Bad"), pick ? pick : current);
    web_html_lit(h, "</fieldset>\n<label for=\"comment\">");
    web_html_text(h, L(r, "コメント（任意）", "Comment (optional)"));
    web_html_lit(h, "</label><textarea id=\"comment\" name=\"comment\" "
                    "rows=\"4\" maxlength=\"2000\"></textarea>\n"
                    "<button type=\"submit\">");
    web_html_text(h, L(r, "評価を送る", "Send rating"));
    web_html_lit(h, "</button></form></section>\n");
}

void web_rate_post(struct web_req *r, const struct hd_ticket *t,
                   const char *back)
{
    if (!web_session_csrf_ok(r, web_form_field(r, "csrf")))
        return web_error_page(r, 403);
    const char *rating = web_form_field(r, "rating");
    const char *comment = web_form_field(r, "comment");
    if (rating == NULL ||
        (strcmp(rating, "good") != 0 && strcmp(rating, "bad") != 0))
        return web_error_page(r, 400);
    const struct hd_desk_who who = {
        .actor = "customer-web", .source = "web",
        .ip = r->client_ip, .request_id = r->request_id,
    };
    struct hd_error err = HD_ERROR_INIT;
    struct hd_desk *d = hd_desk_new(r->app->inst, r->st, r->a, &who);
    if (hd_desk_rate(d, t, strcmp(rating, "good") == 0, comment, &err) < 0) {
        if (err.code == HD_E_INVAL || err.code == HD_E_TOOBIG)
            return web_error_page(r, 400);
        return web_fail_page(r, &err);
    }
    hd_info("web", "csat", "ticket=%lld rating=%s", (long long)t->number,
            rating);
    web_resp_redirect(r, 303, back);
}

/* The ticket of /r/NUMBER-SIG when the signature is right: 1, else 0
 * (or -1 on a store error). */
static int signed_ticket(struct web_req *r, const char *arg,
                         struct hd_ticket *t, struct hd_error *err)
{
    char *end = NULL;
    long long number = arg ? strtoll(arg, &end, 10) : 0;
    if (number <= 0 || end == NULL || *end != '-')
        return 0;
    int ok = hd_csat_check(r->st, number, end + 1, err);
    if (ok <= 0)
        return ok;
    int f = hd_store_ticket_get(r->st, 0, number, r->a, t, err);
    return f <= 0 ? f : t->spam == HD_SPAM_NO;
}

void web_page_rate(struct web_req *r, const char *arg)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    const char *rating = NULL, *comment = NULL;
    int f = signed_ticket(r, arg, &t, &err);
    if (f <= 0)
        return web_error_page(r, f < 0 ? 500 : 404);
    if (hd_store_csat_get(r->st, t.id, r->a, &rating, &comment, &err) < 0)
        return web_fail_page(r, &err);
    const char *pick = web_req_arg(r, "rating");
    struct web_html h;
    web_html_init(&h);
    struct web_page p = {.title = t.subject,
                         .description = L(r, "対応の評価", "Rate our answer")};
    web_resp_header(r, "Referrer-Policy", "no-referrer");
    web_resp_header(r, "X-Robots-Tag", "noindex");
    web_layout_begin(r, &h, &p);
    web_html_lit(&h, "<h1>");
    web_html_text(&h, t.subject);
    web_html_lit(&h, "</h1>\n");
    web_rate_form(r, &h, hd_arena_printf(r->a, "/r/%s", arg), rating, pick);
    web_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}

void web_page_rate_post(struct web_req *r, const char *arg)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket t;
    int f = signed_ticket(r, arg, &t, &err);
    if (f <= 0)
        return web_error_page(r, f < 0 ? 500 : 404);
    web_rate_post(r, &t, hd_arena_printf(r->a, "/r/%s", arg));
}
