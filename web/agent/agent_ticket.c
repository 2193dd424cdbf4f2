/* agent_ticket.c - one ticket at /agent/tickets/NUMBER: the thread
 * (customer messages, our replies, internal notes and history events in
 * time order), quoted text and signatures folded, attachments, SLA
 * clocks, and the collision warning.  The forms it shows are handled in
 * agent_act.c.  Who may look: admins, and users granted the ticket's
 * queue (anyone else gets 403, logged). */
#include "agent_ticket.h"

#include "agent_act.h"
#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_lists.h"
#include "agent_queue.h"
#include "agent_session.h"
#include "attach.h"
#include "clock.h"
#include "log.h"
#include "parse.h"
#include "store_api.h"
#include "store_ticket_page.h"

#include <stdlib.h>
#include <string.h>

/* Who may open the ticket, found without writing anything (so that it
 * can run inside a read snapshot). */
enum access { ACC_OK, ACC_NOTFOUND, ACC_FORBIDDEN, ACC_ERROR };

static enum access ticket_access(struct web_req *r,
                                 const struct web_agent *ag,
                                 const char *number, struct hd_ticket *t_r,
                                 struct hd_error *err)
{
    char *end = NULL;
    long long n = number ? strtoll(number, &end, 10) : 0;
    if (n <= 0 || end == NULL || *end != '\0')
        return ACC_NOTFOUND;
    int found = hd_store_ticket_get(r->st, 0, n, r->a, t_r, err);
    if (found <= 0)
        return found < 0 ? ACC_ERROR : ACC_NOTFOUND;
    if (ag->role == WEB_ROLE_ADMIN)
        return ACC_OK;
    int has = t_r->queue_id > 0 ? hd_store_user_has_queue(
                                      r->st, ag->user.id, t_r->queue_id, err)
                                : 0;
    if (has < 0)
        return ACC_ERROR;
    return has ? ACC_OK : ACC_FORBIDDEN;
}

/* The answer to a refused access (the 403 is logged, which writes). */
static void refuse(struct web_req *r, const struct web_agent *ag,
                   enum access acc, struct hd_error *err)
{
    if (acc == ACC_ERROR) {
        web_agent_fail(r, err);
    } else if (acc == ACC_FORBIDDEN) {
        web_agent_security(r, "forbidden", ag->user.id, ag->user.email,
                           r->path);
        r->error_why = web_at(r->lang, A_WHY_QUEUE);
        web_error_page(r, 403);
    } else {
        web_error_page(r, 404);
    }
}

int web_agent_ticket_load(struct web_req *r, const struct web_agent *ag,
                          const char *number, struct hd_ticket *t_r)
{
    struct hd_error err = HD_ERROR_INIT;
    enum access acc = ticket_access(r, ag, number, t_r, &err);
    if (acc == ACC_OK)
        return 1;
    refuse(r, ag, acc, &err);
    return acc == ACC_ERROR ? -1 : 0;
}

/* The body text with quotes and signatures in <details>. */
static void body_folded(struct web_req *r, struct web_html *h,
                        const char *text)
{
    struct mg_fold *folds = NULL;
    size_t len = strlen(text);
    size_t n = mg_text_fold(text, len, r->a, &folds);
    size_t at = 0;
    web_html_lit(h, "<div class=\"body\">");
    for (size_t i = 0; i < n; i++) {
        web_html_textn(h, text + at, folds[i].start - at);
        web_html_lit(h, "<details class=\"fold\"><summary>");
        web_html_text(h, web_at(r->lang, folds[i].kind == MG_FOLD_SIGNATURE
                                             ? A_SIGNATURE
                                             : A_QUOTED));
        web_html_lit(h, "</summary>");
        web_html_textn(h, text + folds[i].start,
                       folds[i].end - folds[i].start);
        web_html_lit(h, "</details>");
        at = folds[i].end;
    }
    web_html_textn(h, text + at, len - at);
    web_html_lit(h, "</div>\n");
}

/* An attachment's state; one refused says why, in the words the
 * customer's acknowledgement uses, with the type that decided it. */
static void attachment_state(struct web_req *r, struct web_html *h,
                             const struct hd_attachment *at)
{
    bool type = strcmp(at->state, "refused") == 0;
    bool size = strcmp(at->state, "oversize") == 0;
    web_html_lit(h, "<span class=\"att-");
    web_html_text(h, at->state);
    web_html_lit(h, "\">");
    web_html_text(h, at->state);
    if (type || size) {
        web_html_lit(h, ": ");
        web_html_text(h, web_at(r->lang,
                                type ? A_ATT_TYPE_REFUSED : A_ATT_OVERSIZE));
    }
    if (type && at->detected_type != NULL) {
        web_html_lit(h, ", ");
        web_html_text(h, web_at(r->lang, A_DETECTED));
        web_html_lit(h, " ");
        web_html_text(h, at->detected_type);
    }
    web_html_lit(h, "</span>");
}

/* The attachments of one message: the run of as[] (ordered by message
 * id) that belongs to it. */
static void attachments(struct web_req *r, struct web_html *h,
                        const struct hd_ticket *t,
                        const struct hd_attachment *as, size_t n,
                        bool outbound)
{
    if (n == 0)
        return;
    bool held = false, infected = false;
    for (size_t i = 0; i < n; i++) {
        held = held || !hd_attachment_downloadable(&as[i]);
        infected = infected || strcmp(as[i].state, "quarantined") == 0 ||
                   strcmp(as[i].scan_state, "infected") == 0;
    }
    if (outbound && held) { /* the mail waits in the outbox: say why */
        web_html_lit(h, "<p class=\"held\" role=\"status\">");
        web_html_text(h, web_t(r->lang, infected ? M_HELD_INFECTED
                                                 : M_SCAN_PENDING));
        web_html_lit(h, "</p>\n");
    }
    web_html_lit(h, "<ul class=\"attachments\" aria-label=\"");
    web_html_text(h, web_at(r->lang, A_ATTACHMENTS));
    web_html_lit(h, "\">\n");
    for (size_t i = 0; i < n; i++) {
        web_html_lit(h, "<li>");
        if (hd_attachment_downloadable(&as[i])) {
            web_html_lit(h, "<a class=\"download\" href=\"/agent/tickets/");
            web_html_int(h, t->number);
            web_html_lit(h, "/file?a=");
            web_html_int(h, as[i].id);
            web_html_lit(h, "\" download>");
            web_html_text(h, as[i].filename);
            web_html_lit(h, "</a>");
        } else {
            web_html_text(h, as[i].filename);
        }
        web_html_lit(h, " (");
        web_html_int(h, as[i].size);
        web_html_lit(h, " ");
        web_html_text(h, web_at(r->lang, A_BYTES));
        web_html_lit(h, ", ");
        web_html_text(h, as[i].content_type);
        web_html_lit(h, ", ");
        web_html_text(h, web_at(r->lang, A_SCAN));
        web_html_lit(h, ": <span class=\"scan-");
        web_html_text(h, as[i].scan_state);
        web_html_lit(h, "\">");
        web_html_text(h, as[i].scan_state);
        web_html_lit(h, "</span>, ");
        attachment_state(r, h, &as[i]);
        web_html_lit(h, ")</li>\n");
    }
    web_html_lit(h, "</ul>\n");
}

/* What the thread shows, read in one snapshot: messages (notes too) in
 * time order, history events in id order, and every attachment of the
 * ticket ordered by message id. */
struct thread_rows {
    struct hd_thread_msg *ms;
    struct hd_event *es;
    struct hd_attachment *as;
    size_t nm, ne, na;
};

/* The run of t->as[] that belongs to message id, by binary search. */
static const struct hd_attachment *attachments_of(const struct thread_rows *t,
                                                  int64_t id, size_t *n_r)
{
    size_t lo = 0, hi = t->na;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->as[mid].message_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < t->na && t->as[end].message_id == id)
        end++;
    *n_r = end - lo;
    return t->as + lo;
}

static void message_item(struct web_req *r, struct web_html *h,
                         const struct hd_ticket *t,
                         const struct thread_rows *rows,
                         const struct hd_thread_msg *m)
{
    static const char *const cls[] = {"msg inbound", "msg outbound",
                                      "msg note"};
    static const enum web_amsg who[] = {A_CUSTOMER, A_OUR_REPLY,
                                        A_NOTE_LABEL};
    web_html_lit(h, "<article class=\"");
    web_html_text(h, cls[m->kind]);
    web_html_lit(h, "\" id=\"m");
    web_html_int(h, m->id);
    web_html_lit(h, "\" tabindex=\"-1\">\n<header><span class=\"kind\">");
    web_html_text(h, web_at(r->lang, who[m->kind]));
    web_html_lit(h, "</span> <span class=\"from\">");
    /* ours: the agent who wrote it, not the support address it went
     * out from */
    if (m->kind != HD_MSG_INBOUND && *m->author_name != '\0') {
        web_html_text(h, m->author_name);
    } else {
        web_html_text(h, *m->from_name ? m->from_name : m->from_addr);
        web_html_lit(h, " &lt;");
        web_html_text(h, m->from_addr);
        web_html_lit(h, "&gt;");
    }
    web_html_lit(h, "</span> ");
    web_agent_time(r, h, m->created_at);
    if (m->has_html) {
        web_html_lit(h, " <a class=\"html-view\" href=\"/agent/tickets/");
        web_html_int(h, t->number);
        web_html_lit(h, "/html?m=");
        web_html_int(h, m->id);
        web_html_lit(h, "\">");
        web_html_text(h, web_at(r->lang, A_SHOW_HTML));
        web_html_lit(h, "</a>");
    }
    web_html_lit(h, "</header>\n");
    body_folded(r, h, m->body_text);
    size_t na = 0;
    const struct hd_attachment *as = attachments_of(rows, m->id, &na);
    attachments(r, h, t, as, na, m->kind == HD_MSG_OUTBOUND);
    web_html_lit(h, "</article>\n");
}

/* The words for who did it: an agent's name, or what the program is. */
static const char *actor_words(struct web_req *r,
                               const struct web_agent_lists *l,
                               const char *actor)
{
    if (strncmp(actor, "user:", 5) == 0) {
        long long id = strtoll(actor + 5, NULL, 10);
        for (size_t i = 0; i < l->nu; i++)
            if (l->users[i].id == id)
                return l->users[i].name;
        return actor;
    }
    if (strcmp(actor, "mailgw") == 0)
        return web_at(r->lang, A_ACTOR_MAIL);
    if (strcmp(actor, "worker") == 0)
        return web_at(r->lang, A_ACTOR_WORKER);
    if (strcmp(actor, "customer-web") == 0)
        return web_at(r->lang, A_ACTOR_CUSTOMER);
    return actor;
}

/* A stored field value in words: statuses, priorities and categories by
 * their names, queues and assignees by id. */
static const char *value_words(struct web_req *r,
                               const struct web_agent_lists *l,
                               const char *field, const char *v)
{
    enum hd_status st;
    enum hd_priority p;
    enum hd_category c;
    struct hd_error ignore = HD_ERROR_INIT;
    if (v == NULL || *v == '\0')
        return "—";
    if (strcmp(field, "status") == 0 && hd_status_parse(v, &st, &ignore) == 0)
        return web_at_status(r->lang, st);
    if (strcmp(field, "priority") == 0 &&
        hd_priority_parse(v, &p, &ignore) == 0)
        return web_at_priority(r->lang, p);
    if (strcmp(field, "category") == 0 &&
        hd_category_parse(v, &c, &ignore) == 0)
        return web_at_category(r->lang, c);
    long long id = strtoll(v, NULL, 10);
    if (strcmp(field, "queue") == 0 || strcmp(field, "queue_id") == 0)
        for (size_t i = 0; i < l->nq; i++)
            if (l->queues[i].id == id || strcmp(l->queues[i].name, v) == 0)
                return l->queues[i].name;
    if (strcmp(field, "assignee") == 0 || strcmp(field, "assignee_id") == 0)
        for (size_t i = 0; i < l->nu; i++)
            if (l->users[i].id == id)
                return l->users[i].name;
    return v;
}

static const char *field_words(struct web_req *r, const char *field)
{
    static const struct {
        const char *name;
        enum web_amsg m;
    } fs[] = {{"status", A_F_STATUS},     {"priority", A_F_PRIORITY},
              {"category", A_F_CATEGORY}, {"queue", A_F_QUEUE},
              {"queue_id", A_F_QUEUE},    {"assignee", A_F_ASSIGNEE},
              {"assignee_id", A_F_ASSIGNEE}};
    for (size_t i = 0; i < HD_ARRAY_LEN(fs); i++)
        if (strcmp(field, fs[i].name) == 0)
            return web_at(r->lang, fs[i].m);
    return field;
}

/* An alert that reached nobody: the detail the desk writes says 0. */
static bool alert_reached_nobody(const struct hd_event *e)
{
    return strcmp(e->kind, "alert") == 0 && e->detail != NULL &&
           strstr(e->detail, " to 0 ") != NULL;
}

/* One history line as a sentence: who, then what, in words. */
static void event_item(struct web_req *r, struct web_html *h,
                       const struct web_agent_lists *l,
                       const struct hd_event *e)
{
    bool ja = strcmp(r->lang, "ja") == 0;
    if (alert_reached_nobody(e)) {
        web_html_lit(h, "<p class=\"alert-nobody\" role=\"alert\">");
        web_agent_time(r, h, e->at);
        web_html_lit(h, " ");
        web_html_text(h, web_at(r->lang, A_ALERT_NOBODY));
        web_html_lit(h, "</p>\n");
        return;
    }
    web_html_lit(h, "<p class=\"event\">");
    web_agent_time(r, h, e->at);
    web_html_lit(h, " <span class=\"actor\">");
    web_html_text(h, actor_words(r, l, e->actor));
    web_html_lit(h, "</span>");
    if (!ja)
        web_html_lit(h, " ");
    if (e->field != NULL) {
        web_html_text(h, web_at(r->lang, A_EV_CHANGED));
        web_html_lit(h, " ");
        web_html_text(h, field_words(r, e->field));
        web_html_lit(h, " ");
        web_html_text(h, value_words(r, l, e->field, e->old_value));
        web_html_lit(h, " → ");
        web_html_text(h, value_words(r, l, e->field, e->new_value));
    } else if (strcmp(e->kind, "created") == 0) {
        web_html_text(h, web_at(r->lang, A_EV_CREATED));
    } else if (strcmp(e->kind, "routed") == 0) {
        web_html_text(h, web_at(r->lang, A_EV_ROUTED));
    } else if (strcmp(e->kind, "note") == 0) {
        web_html_text(h, web_at(r->lang, A_EV_NOTE));
    } else if (strcmp(e->kind, "merged") == 0) {
        web_html_text(h, web_at(r->lang, A_EV_MERGED));
    } else if (strcmp(e->kind, "ack") == 0 &&
               (e->detail == NULL ||
                strncmp(e->detail, "acknowledgement skipped", 23) != 0)) {
        /* the detail is the mail itself: the thread shows it */
        web_html_text(h, web_at(r->lang, A_EV_ACK));
        web_html_lit(h, "</p>\n");
        return;
    } else {
        web_html_text(h, web_at(r->lang, A_EV_OTHER));
        web_html_lit(h, " ");
        web_html_text(h, e->kind);
    }
    if (e->detail != NULL && *e->detail) {
        web_html_lit(h, " (");
        web_html_text(h, e->detail);
        web_html_lit(h, ")");
    }
    web_html_lit(h, "</p>\n");
}

static int thread_read(struct web_req *r, const struct hd_ticket *t,
                       struct thread_rows *rows, struct hd_error *err)
{
    memset(rows, 0, sizeof *rows);
    return hd_store_ticket_thread(r->st, t->id, r->a, &rows->ms, &rows->nm,
                                  err) < 0 ||
                   hd_store_event_list(r->st, t->id, r->a, &rows->es,
                                       &rows->ne, err) < 0 ||
                   hd_store_ticket_attachments(r->st, t->id, r->a, &rows->as,
                                               &rows->na, err) < 0
               ? -1
               : 0;
}

/* The newest message's id (0: none), what the forms carry as "last". */
static int64_t thread_last(const struct thread_rows *rows)
{
    int64_t last = 0;
    for (size_t i = 0; i < rows->nm; i++)
        if (rows->ms[i].id > last)
            last = rows->ms[i].id;
    return last;
}

/* Messages and events merged by time. */
static void thread(struct web_req *r, struct web_html *h,
                   const struct hd_ticket *t, const struct thread_rows *rows)
{
    size_t i = 0, j = 0;
    struct web_agent_lists l = {0}; /* names of users and queues */
    struct hd_error err = HD_ERROR_INIT;
    if (web_agent_lists_get(r, &l, &err) < 0)
        hd_warn("web", "agent_lists", "error=\"%s\"", err.msg);
    web_html_lit(h, "<section class=\"thread\"><h2>");
    web_html_text(h, web_at(r->lang, A_THREAD));
    web_html_lit(h, "</h2>\n");
    while (i < rows->nm || j < rows->ne) {
        if (j >= rows->ne ||
            (i < rows->nm && rows->ms[i].created_at <= rows->es[j].at))
            message_item(r, h, t, rows, &rows->ms[i++]);
        else
            event_item(r, h, &l, &rows->es[j++]);
    }
    web_html_lit(h, "</section>\n");
}

static void sla_box(struct web_req *r, struct web_html *h,
                    const struct hd_ticket *t)
{
    int64_t now = hd_clock_now();
    web_html_lit(h, "<dl class=\"sla\"><dt>");
    web_html_text(h, web_at(r->lang, A_FIRST_RESPONSE));
    web_html_lit(h, "</dt><dd>");
    if (t->first_response_at != 0) {
        web_html_text(h, web_at(r->lang, A_MET));
        web_html_lit(h, " ");
        web_agent_time(r, h, t->first_response_at);
    } else if (t->first_response_due != 0) {
        web_agent_time(r, h, t->first_response_due);
        web_html_lit(h, " (");
        web_agent_left(r, h, t->first_response_due, now);
        web_html_lit(h, ")");
    } else {
        web_html_lit(h, "—");
    }
    web_html_lit(h, "</dd><dt>");
    web_html_text(h, web_at(r->lang, A_RESOLUTION));
    web_html_lit(h, "</dt><dd>");
    if (t->resolved_at != 0) {
        web_agent_time(r, h, t->resolved_at);
    } else if (t->resolution_due != 0) {
        web_agent_time(r, h, t->resolution_due);
        web_html_lit(h, " (");
        web_agent_left(r, h, t->resolution_due, now);
        web_html_lit(h, ")");
    } else {
        web_html_lit(h, "—");
    }
    web_html_lit(h, "</dd></dl>\n");
}

static void summary(struct web_req *r, struct web_html *h,
                    const struct hd_ticket *t)
{
    bool inc = t->category == HD_CAT_INCIDENT;
    if (inc)
        web_html_lit(h, "<h1 class=\"incident\">");
    else
        web_html_lit(h, "<h1>");
    if (inc) {
        web_html_lit(h, "<strong class=\"label-incident\">");
        web_html_text(h, web_at(r->lang, A_INCIDENT_LABEL));
        web_html_lit(h, "</strong> ");
    }
    web_html_lit(h, "#");
    web_html_int(h, t->number);
    web_html_lit(h, " ");
    web_html_text(h, t->subject);
    web_html_lit(h, "</h1>\n<p class=\"facts\">");
    web_html_text(h, web_at(r->lang, A_STATUS));
    web_html_lit(h, ": ");
    web_html_text(h, web_at_status(r->lang, t->status));
    web_html_lit(h, " · ");
    web_html_text(h, web_at(r->lang, A_PRIORITY));
    web_html_lit(h, ": ");
    web_html_text(h, web_at_priority(r->lang, t->priority));
    web_html_lit(h, " · ");
    web_html_text(h, web_at(r->lang, A_QUEUE));
    web_html_lit(h, ": ");
    web_html_text(h, web_agent_queue_label(t->queue_name, t->queue_desc));
    web_html_lit(h, " · ");
    web_html_text(h, web_at(r->lang, A_ASSIGNEE));
    web_html_lit(h, ": ");
    web_html_text(h, t->assignee_name ? t->assignee_name : "—");
    web_html_lit(h, " · ");
    web_html_text(h, web_at(r->lang, A_REQUESTER));
    web_html_lit(h, ": ");
    if (t->requester_name != NULL && *t->requester_name != '\0') {
        web_html_text(h, t->requester_name);
        web_html_lit(h, " ");
    }
    web_html_text(h, t->requester_address ? t->requester_address : "—");
    web_agent_merged_note(r, h, t);
    web_html_lit(h, "</p>\n");
    sla_box(r, h, t);
}

/* The agent's own view of the ticket: read with the page, written after
 * its snapshot when the recorded one is HD_VIEW_WRITE_SECS old. */
struct view_mark {
    int64_t ticket_id, user_id, at;
    bool due;
};

/* Others who opened the ticket lately; whether this view is to be
 * recorded goes to *mark. */
static int collision(struct web_req *r, struct web_html *h,
                     const struct web_agent *ag, const struct hd_ticket *t,
                     bool changed, struct view_mark *mark,
                     struct hd_error *err)
{
    char *names = NULL;
    int64_t now = hd_clock_now(), own = 0;
    if (hd_store_ticket_view_state(r->st, t->id, ag->user.id,
                                   now - WEB_COLLISION_SECS, r->a, &names,
                                   &own, err) < 0)
        return -1;
    *mark = (struct view_mark){
        .ticket_id = t->id,
        .user_id = ag->user.id,
        .at = now,
        .due = own == 0 || own > now || now - own >= HD_VIEW_WRITE_SECS,
    };
    if (*names != '\0') {
        web_html_lit(h, "<p class=\"warning\" role=\"status\">");
        web_html_text(h, web_at(r->lang, A_COLLISION_VIEW));
        web_html_lit(h, " ");
        web_html_text(h, names);
        web_html_lit(h, "</p>\n");
    }
    if (changed) {
        web_html_lit(h, "<p class=\"warning\" role=\"alert\" "
                        "id=\"collision\">");
        web_html_text(h, web_at(r->lang, A_COLLISION_NEW));
        web_html_lit(h, "</p>\n");
    }
    return 0;
}

/* Writes the view the page found due (outside any snapshot).  The page is
 * already answered: a failure only costs the other agents' warning. */
static void view_record(struct web_req *r, const struct view_mark *mark)
{
    struct hd_error err = HD_ERROR_INIT;
    if (!mark->due)
        return;
    if (hd_store_ticket_view_put(r->st, mark->ticket_id, mark->user_id,
                                 mark->at, &err) < 0)
        hd_warn("web", "ticket_view", "ticket=%lld error=\"%s\"",
                (long long)mark->ticket_id, err.msg);
}

static void draft_notice(struct web_html *h, const char *notice)
{
    if (notice == NULL)
        return;
    web_html_lit(h, "<p class=\"notice\" role=\"status\" id=\"notice\">");
    web_html_text(h, notice);
    web_html_lit(h, "</p>\n");
}

void web_agent_ticket_page(struct web_req *r, const struct web_agent *ag,
                           const struct hd_ticket *t, int status,
                           const char *draft, const char *draft_kind)
{
    struct web_ticket_draft d = {
        .text = draft, .kind = draft_kind, .collided = draft != NULL};
    web_agent_ticket_page_draft(r, ag, t, status, &d);
}

/* Draws the page from the caller's read snapshot; *mark says whether the
 * agent's view is to be recorded afterwards. */
static void render(struct web_req *r, const struct web_agent *ag,
                   const struct hd_ticket *t, int status,
                   const struct web_ticket_draft *d, struct view_mark *mark)
{
    static const struct web_ticket_draft none;
    if (d == NULL)
        d = &none;
    struct hd_error err = HD_ERROR_INIT;
    struct thread_rows rows;
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, hd_arena_printf(r->a, "#%lld %s",
                                                      (long long)t->number,
                                                      t->subject));
    summary(r, &h, t);
    draft_notice(&h, d->notice);
    if (collision(r, &h, ag, t, d->collided, mark, &err) < 0 ||
        thread_read(r, t, &rows, &err) < 0) {
        mark->due = false;
        web_html_deinit(&h);
        web_agent_fail(r, &err);
        return;
    }
    thread(r, &h, t, &rows);
    if (ag->role >= WEB_ROLE_AGENT)
        web_agent_forms(r, &h, ag, t, thread_last(&rows), d->text, d->kind);
    else {
        web_html_lit(&h, "<p class=\"readonly\">");
        web_html_text(&h, web_at(r->lang, A_READ_ONLY));
        web_html_lit(&h, "</p>\n");
    }
    web_agent_layout_end(r, &h);
    web_resp_html(r, status, &h);
    web_html_deinit(&h);
}

void web_agent_ticket_page_draft(struct web_req *r,
                                 const struct web_agent *ag,
                                 const struct hd_ticket *t, int status,
                                 const struct web_ticket_draft *d)
{
    struct hd_error err = HD_ERROR_INIT;
    struct view_mark mark = {0};
    if (hd_store_read_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    render(r, ag, t, status, d, &mark);
    hd_store_read_end(r->st);
    view_record(r, &mark);
}

/* GET: the ticket is found, checked and drawn in one read snapshot (one
 * pair of SQLite file locks for the page, and a thread that agrees with
 * its ticket row); the only writes, the agent's view and a refusal's
 * security log line, come after it. */
void web_agent_ticket(struct web_req *r, const char *number)
{
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    struct hd_error err = HD_ERROR_INIT;
    struct view_mark mark = {0};
    struct hd_ticket t;
    if (ag == NULL)
        return;
    if (hd_store_read_begin(r->st, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    enum access acc = ticket_access(r, ag, number, &t, &err);
    if (acc == ACC_OK)
        render(r, ag, &t, 200, NULL, &mark);
    hd_store_read_end(r->st);
    if (acc != ACC_OK)
        refuse(r, ag, acc, &err);
    view_record(r, &mark);
}

/* One attachment of the ticket as a download (?a=ID): the agent's grant
 * on the ticket first, then the file must belong to it and be clean. */
void web_agent_attachment(struct web_req *r, const char *number)
{
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    struct hd_ticket t;
    if (ag == NULL || web_agent_ticket_load(r, ag, number, &t) <= 0)
        return;
    const char *as = web_req_arg(r, "a");
    char *end = NULL;
    long long id = as ? strtoll(as, &end, 10) : 0;
    struct hd_attachment at;
    int64_t tid = 0;
    struct hd_error err = HD_ERROR_INIT;
    int f = id > 0 && *end == '\0'
                ? hd_store_api_attachment_get(r->st, id, r->a, &at, &tid,
                                              &err)
                : 0;
    if (f < 0) {
        web_agent_fail(r, &err);
        return;
    }
    if (f == 0 || tid != t.id) {
        web_error_page(r, 404);
        return;
    }
    hd_info("web", "attachment", "ticket=%lld attachment=%lld user=%lld",
            (long long)t.number, id, (long long)ag->user.id);
    web_resp_attachment(r, &at);
}

/* The stored (sanitised at intake) HTML of one message, as its own
 * document under a sandbox CSP: no script runs, no form submits, and the
 * page's CSP (img-src 'self' data:) keeps remote images off. */
void web_agent_message_html(struct web_req *r, const char *number)
{
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_VIEWER);
    struct hd_ticket t;
    if (ag == NULL || web_agent_ticket_load(r, ag, number, &t) <= 0)
        return;
    const char *ms = web_req_arg(r, "m");
    int64_t mid = ms ? strtoll(ms, NULL, 10) : 0;
    struct hd_message *m = NULL;
    size_t n = 0;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_message_list(r->st, t.id, true, r->a, &m, &n, &err) < 0) {
        web_agent_fail(r, &err);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (m[i].id != mid || m[i].body_html == NULL)
            continue;
        web_resp_data(r, 200, "text/html; charset=utf-8", m[i].body_html,
                      strlen(m[i].body_html), true);
        web_resp_header(r, "Content-Security-Policy",
                        "sandbox; default-src 'none'; img-src data:; "
                        "style-src 'unsafe-inline'");
        web_resp_header(r, "Cache-Control", "no-store");
        return;
    }
    web_error_page(r, 404);
}
