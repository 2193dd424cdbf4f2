/* agent_notify.c - see agent_notify.h.  Every handler checks the session
 * (and the CSRF token on POST) first; the store shows an agent only
 * notifications about tickets the agent may see now. */
#include "agent_notify.h"

#include "agent_i18n.h"
#include "agent_layout.h"

#include "clock.h"
#include "log.h"
#include "store_notify.h"

#include <stdlib.h>
#include <string.h>

#define HD_NOTIFY_PAGE 100 /* notifications on the list page */

static const char *const kinds[] = {"assigned", "answered", "mentioned",
                                    "new_ticket"};
static const enum web_amsg kind_label[] = {A_NK_ASSIGNED, A_NK_ANSWERED,
                                           A_NK_MENTIONED, A_NK_NEW_TICKET};

static enum web_amsg label_of(const char *kind)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(kinds); i++)
        if (strcmp(kind, kinds[i]) == 0)
            return kind_label[i];
    return A_NK_NEW_TICKET;
}

void web_agent_notify_link(struct web_req *r, struct web_html *h,
                           const struct web_agent *ag)
{
    int64_t n = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_notify_unread(r->st, ag->user.id, &n, &err) < 0)
        n = 0; /* the header never fails a page; the list says more */
    web_html_lit(h, "<a href=\"/agent/notifications\" class=\"notify\">");
    web_html_text(h, web_at(r->lang, A_NOTIFICATIONS));
    web_html_lit(h, " <span id=\"notify-count\" class=\"badge\" "
                    "data-unread=\"");
    web_html_int(h, n);
    web_html_lit(h, "\">");
    web_html_int(h, n);
    web_html_lit(h, "</span><span class=\"sr-only\"> ");
    web_html_text(h, web_at(r->lang, A_UNREAD));
    web_html_lit(h, "</span></a>\n");
}

static void read_form(struct web_req *r, struct web_html *h,
                      const struct web_agent *ag, int64_t id,
                      enum web_amsg label)
{
    web_html_lit(h, "<form class=\"inline\" method=\"post\" "
                    "action=\"/agent/notifications/read\">");
    web_agent_csrf_field(h, ag->csrf);
    if (id > 0) {
        web_html_lit(h, "<input type=\"hidden\" name=\"id\" value=\"");
        web_html_int(h, id);
        web_html_lit(h, "\">");
    }
    web_html_lit(h, "<button type=\"submit\" class=\"quiet\">");
    web_html_text(h, web_at(r->lang, label));
    web_html_lit(h, "</button></form>");
}

static void one_item(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag,
                     const struct hd_notification *n)
{
    if (n->read_at)
        web_html_lit(h, "<li class=\"read\">");
    else {
        web_html_lit(h, "<li class=\"unread\"><strong>");
        web_html_text(h, web_at(r->lang, A_NOTIFY_UNREAD));
        web_html_lit(h, ":</strong> ");
    }
    web_html_text(h, web_at(r->lang, label_of(n->kind)));
    web_html_lit(h, " — <a href=\"/agent/tickets/");
    web_html_int(h, n->ticket_number);
    web_html_lit(h, "\">#");
    web_html_int(h, n->ticket_number);
    web_html_lit(h, " ");
    web_html_text(h, n->subject ? n->subject : "");
    web_html_lit(h, "</a><br><span class=\"meta\">");
    web_html_text(h, web_at(r->lang, A_BY));
    web_html_lit(h, " ");
    web_html_text(h, n->by_name);
    web_html_lit(h, ", ");
    web_agent_time(r, h, n->created_at);
    web_html_lit(h, "</span>");
    if (n->excerpt && *n->excerpt) {
        web_html_lit(h, "<blockquote>");
        web_html_text(h, n->excerpt);
        web_html_lit(h, "</blockquote>");
    }
    if (!n->read_at)
        read_form(r, h, ag, n->id, A_MARK_READ);
    web_html_lit(h, "</li>\n");
}

void web_agent_notifications(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    struct hd_notification *ns = NULL;
    size_t n = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_notify_list(r->st, ag->user.id, HD_NOTIFY_PAGE, r->a, &ns,
                             &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_NOTIFICATIONS));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_NOTIFICATIONS));
    web_html_lit(&h, "</h1>\n<p><a href=\"/agent/preferences\">");
    web_html_text(&h, web_at(r->lang, A_PREFERENCES));
    web_html_lit(&h, "</a></p>\n");
    bool unread = false;
    for (size_t i = 0; i < n; i++)
        unread = unread || ns[i].read_at == 0;
    if (unread) {
        web_html_lit(&h, "<p>");
        read_form(r, &h, ag, 0, A_MARK_ALL_READ);
        web_html_lit(&h, "</p>\n");
    }
    if (n == 0) {
        web_html_lit(&h, "<p>");
        web_html_text(&h, web_at(r->lang, A_NO_NOTIFICATIONS));
        web_html_lit(&h, "</p>\n");
    } else {
        web_html_lit(&h, "<ul class=\"notifications\">\n");
        for (size_t i = 0; i < n; i++)
            one_item(r, &h, ag, &ns[i]);
        web_html_lit(&h, "</ul>\n");
    }
    web_agent_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}

/* A positive id from a form field, else 0 (absent) or -1 (not digits). */
static int64_t form_id(struct web_req *r, const char *name)
{
    const char *v = web_form_field(r, name);
    if (v == NULL || *v == '\0')
        return 0;
    char *end;
    if (strspn(v, "0123456789") != strlen(v) || strlen(v) > 18)
        return -1;
    long long x = strtoll(v, &end, 10);
    return x > 0 ? x : -1;
}

void web_agent_notifications_read(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    int64_t id = form_id(r, "id");
    if (id < 0) {
        web_error_page(r, 400);
        return;
    }
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_notify_mark_read(r->st, ag->user.id, id, hd_clock_now(),
                                  &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    web_resp_redirect(r, 303, "/agent/notifications");
}

void web_agent_notifications_json(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    int64_t n = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_notify_unread(r->st, ag->user.id, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    const char *body = hd_arena_printf(r->a, "{\"unread\":%lld}\n",
                                       (long long)n);
    web_resp_data(r, 200, "application/json", body, strlen(body), false);
    web_resp_header(r, "Cache-Control", "no-store");
}

/* ---- preferences ---------------------------------------------------------- */

/* The queues ag may see: every queue for an admin, else the granted. */
static int visible_queues(struct web_req *r, const struct web_agent *ag,
                          struct hd_queue **qs_r, size_t *n_r,
                          struct hd_error *err)
{
    struct hd_queue *qs;
    size_t n, k = 0;
    if (hd_store_queue_names(r->st, r->a, &qs, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int has = ag->role == WEB_ROLE_ADMIN
                      ? 1
                      : hd_store_user_has_queue(r->st, ag->user.id, qs[i].id,
                                                err);
        if (has < 0)
            return -1;
        if (has)
            qs[k++] = qs[i];
    }
    *qs_r = qs;
    *n_r = k;
    return 0;
}

static void checkbox(struct web_html *h, const char *name, const char *id,
                     bool on, const char *label)
{
    web_html_lit(h, "<li><input type=\"checkbox\" value=\"1\" name=\"");
    web_html_text(h, name);
    web_html_lit(h, "\" id=\"");
    web_html_text(h, id);
    if (on)
        web_html_lit(h, "\" checked");
    else
        web_html_lit(h, "\"");
    web_html_lit(h, "> <label for=\"");
    web_html_text(h, id);
    web_html_lit(h, "\">");
    web_html_text(h, label);
    web_html_lit(h, "</label></li>\n");
}

static int prefs_form(struct web_req *r, struct web_html *h,
                      const struct web_agent *ag, struct hd_error *err)
{
    struct hd_queue *qs;
    size_t nq, nopt;
    int64_t *opted;
    if (visible_queues(r, ag, &qs, &nq, err) < 0 ||
        hd_store_notify_queues(r->st, ag->user.id, r->a, &opted, &nopt,
                               err) < 0)
        return -1;
    web_html_lit(h, "<form class=\"stack\" method=\"post\" "
                    "action=\"/agent/preferences\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<fieldset><legend>");
    web_html_text(h, web_at(r->lang, A_PREF_MAIL));
    web_html_lit(h, "</legend><p>");
    web_html_text(h, web_at(r->lang, A_PREF_MAIL_HELP));
    web_html_lit(h, "</p><ul class=\"plain\">\n");
    for (size_t i = 0; i < HD_ARRAY_LEN(kinds); i++) {
        int on = hd_store_notify_pref_mail(r->st, ag->user.id, kinds[i], err);
        if (on < 0)
            return -1;
        checkbox(h, hd_arena_printf(r->a, "mail_%s", kinds[i]),
                 hd_arena_printf(r->a, "mail-%s", kinds[i]), on,
                 web_at(r->lang, kind_label[i]));
    }
    web_html_lit(h, "</ul></fieldset>\n<fieldset><legend>");
    web_html_text(h, web_at(r->lang, A_PREF_QUEUES));
    web_html_lit(h, "</legend><p>");
    web_html_text(h, web_at(r->lang, nq ? A_PREF_QUEUES_HELP
                                        : A_PREF_NO_QUEUES));
    web_html_lit(h, "</p><ul class=\"plain\">\n");
    for (size_t i = 0; i < nq; i++) {
        bool on = false;
        for (size_t j = 0; j < nopt; j++)
            on = on || opted[j] == qs[i].id;
        checkbox(h, hd_arena_printf(r->a, "queue_%lld", (long long)qs[i].id),
                 hd_arena_printf(r->a, "queue-%lld", (long long)qs[i].id),
                 on, web_agent_queue_label(qs[i].name, qs[i].description));
    }
    web_html_lit(h, "</ul></fieldset>\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_SAVE));
    web_html_lit(h, "</button></form>\n");
    return 0;
}

static void prefs_page(struct web_req *r, const struct web_agent *ag,
                       bool saved)
{
    struct web_html h;
    struct hd_error err = HD_ERROR_INIT;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_PREFERENCES));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_PREFERENCES));
    web_html_lit(&h, "</h1>\n");
    if (saved) {
        web_html_lit(&h, "<p id=\"notice\" class=\"notice\" role=\"status\">");
        web_html_text(&h, web_at(r->lang, A_PREF_SAVED));
        web_html_lit(&h, "</p>\n");
    }
    if (prefs_form(r, &h, ag, &err) < 0) {
        web_html_deinit(&h);
        web_agent_fail(r, &err);
        return;
    }
    web_agent_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}

void web_agent_preferences(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    const char *s = web_req_arg(r, "saved");
    prefs_page(r, ag, s != NULL && strcmp(s, "1") == 0);
}

/* Each kind's box, and each queue the form may name: a queue the agent
 * may not see is refused (400), never silently stored. */
static int prefs_save(struct web_req *r, const struct web_agent *ag,
                      struct hd_error *err)
{
    struct hd_queue *qs, *all;
    size_t nq, nall;
    if (visible_queues(r, ag, &qs, &nq, err) < 0 ||
        hd_store_queue_names(r->st, r->a, &all, &nall, err) < 0)
        return -1;
    for (size_t i = 0; i < nall; i++) {
        bool seen = false;
        for (size_t j = 0; j < nq; j++)
            seen = seen || qs[j].id == all[i].id;
        const char *v = web_form_field(
            r, hd_arena_printf(r->a, "queue_%lld", (long long)all[i].id));
        if (!seen && v != NULL) {
            hd_error_set(err, HD_E_INVAL, "queue %s is not granted to you",
                         all[i].name);
            return -1;
        }
    }
    if (hd_store_begin(r->st, err) < 0)
        return -1;
    for (size_t i = 0; i < HD_ARRAY_LEN(kinds); i++) {
        const char *v = web_form_field(
            r, hd_arena_printf(r->a, "mail_%s", kinds[i]));
        if (hd_store_notify_pref_set(r->st, ag->user.id, kinds[i],
                                     v != NULL && strcmp(v, "1") == 0,
                                     err) < 0)
            goto fail;
    }
    for (size_t i = 0; i < nall; i++) {
        const char *v = web_form_field(
            r, hd_arena_printf(r->a, "queue_%lld", (long long)all[i].id));
        if (hd_store_notify_queue_set(r->st, ag->user.id, all[i].id,
                                      v != NULL && strcmp(v, "1") == 0,
                                      err) < 0)
            goto fail;
    }
    return hd_store_commit(r->st, err);
fail:
    hd_store_rollback(r->st);
    return -1;
}

void web_agent_preferences_save(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_VIEWER);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    if (prefs_save(r, ag, &err) < 0) {
        if (err.code == HD_E_INVAL)
            web_error_page(r, 400);
        else
            web_agent_fail(r, &err);
        return;
    }
    hd_info("web", "preferences", "user=%lld", (long long)ag->user.id);
    web_resp_redirect(r, 303, "/agent/preferences?saved=1");
}
