/* agent_act.c - what agents do to a ticket: reply to the requester (real
 * mail through the durable outbox, threaded under the customer's last
 * message; the first one records the first response on the SLA), add an
 * internal note (never mailed, never shown to customers), change status,
 * priority, category, queue and assignee (history recorded by the store,
 * SLA clocks moved on status changes).  Every handler checks the session,
 * role, CSRF and queue access first; reply and note refuse with 409 when a
 * message arrived after the form was drawn. */
#include "agent_act.h"

#include "agent_canned.h"
#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "agent_spam.h"
#include "agent_ticket.h"
#include "agent_lists.h"

#include "clock.h"
#include "codec.h"
#include "log.h"
#include "upload.h"

#include <stdlib.h>
#include <string.h>

static void option(struct web_html *h, const char *value, const char *label,
                   bool selected)
{
    web_html_lit(h, "<option value=\"");
    web_html_text(h, value);
    if (selected)
        web_html_lit(h, "\" selected>");
    else
        web_html_lit(h, "\">");
    web_html_text(h, label);
    web_html_lit(h, "</option>");
}

/* The one composer: the text, canned responses, what to do with the
 * ticket on sending (status, "assign to me"), and two clearly different
 * buttons: "send to customer" (the form's action) and "add internal
 * note" (formaction).  The draft comes back after a collision or an
 * Insert, whichever button it was meant for. */
static void composer(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, const struct hd_ticket *t,
                     int64_t last, const char *draft)
{
    static const enum hd_status after[] = {HD_STATUS_PENDING,
                                           HD_STATUS_RESOLVED};
    web_html_lit(h, "<form class=\"compose\" method=\"post\" "
                    "enctype=\"multipart/form-data\" "
                    "action=\"/agent/tickets/");
    web_html_int(h, t->number);
    web_html_lit(h, "/reply\">\n");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<input type=\"hidden\" name=\"last\" value=\"");
    web_html_int(h, last);
    web_html_lit(h, "\">\n<label for=\"reply-body\">");
    web_html_text(h, web_at(r->lang, A_COMPOSE));
    web_html_lit(h, "</label>\n<textarea id=\"reply-body\" name=\"body\" "
                    "rows=\"8\" required>");
    web_html_text(h, draft);
    web_html_lit(h, "</textarea>\n");
    web_html_lit(h, "<div class=\"attach\"><label for=\"reply-files\">");
    web_html_text(h, web_t(r->lang, M_ATTACH_FILES));
    web_html_lit(h, "</label> <input type=\"file\" id=\"reply-files\" "
                    "name=\"files\" multiple "
                    "aria-describedby=\"reply-files-hint\">"
                    "<p class=\"hint\" id=\"reply-files-hint\">");
    web_html_text(h, web_t(r->lang, M_ATTACH_HINT));
    web_html_lit(h, "</p></div>\n");
    web_agent_canned_picker(r, h, t);
    web_html_lit(h, "<div class=\"send-opts\"><label>");
    web_html_text(h, web_at(r->lang, A_AFTER_SEND));
    web_html_lit(h, " <select name=\"then\" id=\"then\"><option value=\"\">");
    web_html_text(h, web_at(r->lang, A_KEEP_STATUS));
    web_html_lit(h, "</option>");
    for (size_t i = 0; i < HD_ARRAY_LEN(after); i++)
        option(h, hd_status_name(after[i]),
               web_at_status(r->lang, after[i]), false);
    web_html_lit(h, "</select></label>\n");
    if (t->assignee_id != ag->user.id) {
        web_html_lit(h, "<label class=\"check\"><input type=\"checkbox\" "
                        "name=\"assign_me\" value=\"1\" id=\"assign-me\"> ");
        web_html_text(h, web_at(r->lang, A_ASSIGN_ME));
        web_html_lit(h, "</label>\n");
    }
    web_html_lit(h, "</div>\n<div class=\"send-buttons\"><button "
                    "type=\"submit\" class=\"send-reply\">");
    web_html_text(h, web_at(r->lang, A_SEND_REPLY));
    web_html_lit(h, "</button> <button type=\"submit\" class=\"send-note\" "
                    "formaction=\"/agent/tickets/");
    web_html_int(h, t->number);
    web_html_lit(h, "/note\">");
    web_html_text(h, web_at(r->lang, A_SEND_NOTE));
    web_html_lit(h, "</button></div>\n</form>\n");
}

static void change_form(struct web_req *r, struct web_html *h,
                        const struct web_agent *ag,
                        const struct hd_ticket *t)
{
    struct hd_error err = HD_ERROR_INIT;
    web_html_lit(h, "<form class=\"change\" method=\"post\" "
                    "action=\"/agent/tickets/");
    web_html_int(h, t->number);
    web_html_lit(h, "/update\">\n");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<label>");
    web_html_text(h, web_at(r->lang, A_STATUS));
    web_html_lit(h, " <select name=\"status\">");
    for (int i = 0; i < HD_STATUS_COUNT; i++)
        option(h, hd_status_name(i), web_at_status(r->lang, i),
               (int)t->status == i);
    web_html_lit(h, "</select></label>\n<label>");
    web_html_text(h, web_at(r->lang, A_PRIORITY));
    web_html_lit(h, " <select name=\"priority\">");
    for (int i = 0; i < HD_PRIO_COUNT; i++)
        option(h, hd_priority_name(i), web_at_priority(r->lang, i),
               (int)t->priority == i);
    web_html_lit(h, "</select></label>\n<label>");
    web_html_text(h, web_at(r->lang, A_CATEGORY));
    web_html_lit(h, " <select name=\"category\">");
    for (int i = 0; i < HD_CAT_COUNT; i++)
        option(h, hd_category_name(i), web_at_category(r->lang, i),
               (int)t->category == i);
    web_html_lit(h, "</select></label>\n<label>");
    web_html_text(h, web_at(r->lang, A_QUEUE));
    web_html_lit(h, " <select name=\"queue\">");
    struct web_agent_lists l = {0}; /* kept per thread (agent_lists.h) */
    if (web_agent_lists_get(r, &l, &err) < 0)
        hd_warn("web", "agent_lists", "error=\"%s\"", err.msg);
    for (size_t i = 0; i < l.nq; i++)
        option(h, hd_arena_printf(r->a, "%lld", (long long)l.queues[i].id),
               web_agent_queue_label(l.queues[i].name,
                                     l.queues[i].description),
               l.queues[i].id == t->queue_id);
    web_html_lit(h, "</select></label>\n<label>");
    web_html_text(h, web_at(r->lang, A_ASSIGNEE));
    web_html_lit(h, " <select name=\"assignee\">");
    option(h, "", web_at(r->lang, A_NONE), t->assignee_id == 0);
    for (size_t i = 0; i < l.nu; i++)
        option(h, hd_arena_printf(r->a, "%lld", (long long)l.users[i].id),
               l.users[i].name, l.users[i].id == t->assignee_id);
    web_html_lit(h, "</select></label>\n<button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_UPDATE));
    web_html_lit(h, "</button>\n</form>\n");
}

void web_agent_forms(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, const struct hd_ticket *t,
                     int64_t last, const char *draft, const char *draft_kind)
{
    (void)draft_kind;
    if (web_agent_spam_box(r, h, ag, t))
        return; /* held: a verdict first, nothing else to do */
    web_html_lit(h, "<section class=\"act\">\n");
    composer(r, h, ag, t, last, draft);
    change_form(r, h, ag, t);
    web_agent_merge_form(r, h, ag, t);
    web_html_lit(h, "</section>\n");
}

/* Session (agent or admin), CSRF, ticket access, body; NULL when refused
 * (response written). */
static struct web_agent *act_begin(struct web_req *r, const char *number,
                                   struct hd_ticket *t, const char **body_r)
{
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_AGENT);
    if (ag == NULL || web_agent_ticket_load(r, ag, number, t) <= 0)
        return NULL;
    if (body_r == NULL)
        return ag;
    const char *body = web_form_field(r, "body");
    if (body == NULL || body[strspn(body, " \r\n\t")] == '\0' ||
        strlen(body) > WEB_REPLY_MAX) {
        web_error_page(r, 400);
        return NULL;
    }
    *body_r = body;
    return ag;
}

/* True (page with the draft and a 409 written) when a message was added
 * after the form's "last". */
static bool collided(struct web_req *r, const struct web_agent *ag,
                     const struct hd_ticket *t, const char *body,
                     const char *kind)
{
    const char *ls = web_form_field(r, "last");
    int64_t last = 0, seen = ls ? strtoll(ls, NULL, 10) : -1;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_ticket_last_message(r->st, t->id, &last, &err) < 0) {
        web_agent_fail(r, &err);
        return true;
    }
    if (last == seen)
        return false;
    web_agent_ticket_page(r, ag, t, 409, body, kind);
    return true;
}

static void done(struct web_req *r, const struct hd_ticket *t)
{
    web_resp_redirect(r, 303, hd_arena_printf(r->a, "/agent/tickets/%lld",
                                              (long long)t->number));
}

/* A refusal of the desk's rules is the form's fault (400); files over
 * the quota are 413; the rest is the server's. */
static void act_fail(struct web_req *r, const struct hd_error *err)
{
    if (err->code == HD_E_TOOBIG && r->uploads != NULL) {
        r->error_why = web_uploads_quota(r);
        web_error_page(r, 413);
    } else if (err->code == HD_E_PERM)
        web_error_page(r, 403);
    else if (err->code == HD_E_INVAL)
        web_error_page(r, 400);
    else
        web_agent_fail(r, err);
}

/* What the composer asks for besides the text: the status after sending
 * ("then") and "assign to me"; *any_r says whether there is anything. */
static int send_change(struct web_req *r, const struct web_agent *ag,
                       struct hd_desk_change *c, bool *any_r,
                       struct hd_error *err)
{
    const char *then = web_form_field(r, "then");
    const char *me = web_form_field(r, "assign_me");
    enum hd_status st;
    hd_desk_change_init(c);
    *any_r = false;
    if (then != NULL && *then != '\0') {
        if (hd_status_parse(then, &st, err) < 0)
            return -1;
        c->status = (int)st;
        *any_r = true;
    }
    if (me != NULL && strcmp(me, "1") == 0) {
        c->assignee_id = ag->user.id;
        *any_r = true;
    }
    return 0;
}

/* The reply (or, note: the internal note) and the change the composer
 * asked for, in one transaction: both happen or neither does. */
static int send_and_set(struct web_req *r, const struct web_agent *ag,
                        struct hd_ticket *t, const char *body, bool note,
                        struct hd_desk_file *fs, size_t nfs,
                        struct hd_error *err)
{
    struct hd_desk_change c;
    bool any;
    if (send_change(r, ag, &c, &any, err) < 0)
        return -1;
    struct hd_desk *d = web_agent_desk(r, ag);
    if (any && hd_store_begin(r->st, err) < 0)
        return -1;
    int rc = note ? hd_desk_note_files(d, t, body, fs, nfs, NULL, err)
                  : hd_desk_reply_files(d, t, body, fs, nfs, NULL, err);
    if (!any)
        return rc;
    if (rc < 0 || hd_desk_set(d, t, &c, NULL, err) < 0 ||
        hd_store_commit(r->st, err) < 0) {
        hd_store_rollback(r->st);
        return -1;
    }
    return 0;
}

void web_agent_reply(struct web_req *r, const char *number)
{
    struct hd_ticket t;
    const char *body = NULL;
    struct web_agent *ag = act_begin(r, number, &t, &body);
    if (ag == NULL || collided(r, ag, &t, body, "reply"))
        return;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_desk_file *fs;
    size_t nfs;
    const char *why;
    if (!web_uploads_take(r, &fs, &nfs, &why)) {
        r->error_why = why;
        web_error_page(r, 422);
        return;
    }
    if (send_and_set(r, ag, &t, body, false, fs, nfs, &err) < 0) {
        act_fail(r, &err);
        return;
    }
    hd_info("web", "reply", "ticket=%lld user=%lld", (long long)t.number,
            (long long)ag->user.id);
    done(r, &t);
}

void web_agent_note(struct web_req *r, const char *number)
{
    struct hd_ticket t;
    const char *body = NULL;
    struct web_agent *ag = act_begin(r, number, &t, &body);
    if (ag == NULL || collided(r, ag, &t, body, "note"))
        return;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_desk_file *fs;
    size_t nfs;
    const char *why;
    if (!web_uploads_take(r, &fs, &nfs, &why)) {
        r->error_why = why;
        web_error_page(r, 422);
        return;
    }
    if (send_and_set(r, ag, &t, body, true, fs, nfs, &err) < 0) {
        act_fail(r, &err);
        return;
    }
    done(r, &t);
}

/* The queue chosen, when ag may file tickets there: 0, or -1 with
 * HD_E_PERM. */
static int queue_granted(struct web_req *r, const struct web_agent *ag,
                         int64_t queue_id, struct hd_error *err)
{
    if (ag->role == WEB_ROLE_ADMIN)
        return 0;
    int has = hd_store_user_has_queue(r->st, ag->user.id, queue_id, err);
    if (has == 0)
        hd_error_set(err, HD_E_PERM, "queue not granted");
    return has == 1 ? 0 : -1;
}

/* An id field of the form: absent or empty is 0 (none); anything but
 * digits ("1 OR 1=1") is refused with HD_E_INVAL. */
static int form_id(struct web_req *r, const char *name, int64_t *id_r,
                   struct hd_error *err)
{
    const char *v = web_form_field(r, name);
    *id_r = 0;
    if (v == NULL || *v == '\0' || hd_decimal_decode(v, id_r, NULL) == 0)
        return 0;
    hd_error_set(err, HD_E_INVAL, "%s: expected an id", name);
    return -1;
}

/* The form's fields as a change: a priority or category that does not
 * parse is left alone; a status, assignee or queue that does not parse
 * is refused.  Whether the assignee may hold the ticket is the desk's
 * rule. */
static int form_change(struct web_req *r, const struct web_agent *ag,
                       const struct hd_ticket *t, struct hd_desk_change *c,
                       struct hd_error *err)
{
    const char *v;
    enum hd_priority p;
    enum hd_category cat;
    enum hd_status st;
    int64_t queue_id;
    hd_desk_change_init(c);
    if ((v = web_form_field(r, "priority")) &&
        hd_priority_parse(v, &p, NULL) == 0)
        c->priority = (int)p;
    if ((v = web_form_field(r, "category")) &&
        hd_category_parse(v, &cat, NULL) == 0)
        c->category = (int)cat;
    if (web_form_field(r, "assignee") != NULL &&
        form_id(r, "assignee", &c->assignee_id, err) < 0)
        return -1;
    if (form_id(r, "queue", &queue_id, err) < 0)
        return -1;
    if (queue_id > 0 && queue_id != t->queue_id) {
        c->queue_id = queue_id;
        if (queue_granted(r, ag, c->queue_id, err) < 0)
            return -1;
    }
    if ((v = web_form_field(r, "status"))) {
        if (hd_status_parse(v, &st, err) < 0)
            return -1;
        c->status = (int)st;
    }
    return 0;
}

void web_agent_update(struct web_req *r, const char *number)
{
    struct hd_ticket t;
    struct web_agent *ag = act_begin(r, number, &t, NULL);
    if (ag == NULL)
        return;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_desk_change c;
    if (form_change(r, ag, &t, &c, &err) < 0 ||
        hd_desk_set(web_agent_desk(r, ag), &t, &c, NULL, &err) < 0) {
        act_fail(r, &err);
        return;
    }
    done(r, &t);
}
