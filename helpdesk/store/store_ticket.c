/* store_ticket.c - tickets, their tags and cc's, messages, attachments,
 * blobs and the append-only event history. */
#include "store_int.h"

#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    ST_NUMBER_NEXT,
    ST_TICKET_INSERT, ST_TICKET_HOLD,
    ST_TICKET_GET_ID,
    ST_TICKET_GET_NUMBER,
    ST_TICKET_LIST,
    ST_TICKET_COUNT,
    ST_TICKET_SLA,
    ST_TICKET_TOUCH,
    ST_TAG_ADD,
    ST_CC_ADD,
    ST_HAS_CONTACT,
    ST_MSG_INSERT,
    ST_MSG_FIND_TICKET,
    ST_MSG_EXISTS,
    ST_MSG_LIST,
    ST_ATT_INSERT,
    ST_ATT_LIST,
    ST_BLOB_ADD,
    ST_EVENT_ADD,
    ST_EVENT_LIST,
    ST_COUNT
};

#define TICKET_COLS STORE_TICKET_COLS

/* One statement for every filter: a NULL parameter means "any". */
#define TICKET_WHERE                                                         \
    STORE_TICKET_FILTER_WHERE                                                \
    "AND (CAST(?12 AS bigint) IS NULL OR t.number < ?12) "                   \
    "AND " STORE_PARAM_UNUSED("?14", "bigint") " "                           \
    "AND " STORE_PARAM_UNUSED("?15", "bigint") " "                           \
    "AND " STORE_PARAM_UNUSED("?16", "bigint") " "

#define MSG_COLS                                                             \
    "id, ticket_id, kind, coalesce(author_user_id, 0), "                     \
    "coalesce(author_contact_id, 0), from_addr, from_name, to_addrs, "       \
    "cc_addrs, subject, message_id, in_reply_to, refs, body_text, "          \
    "body_html, body_hash, raw_sha256, raw_size, auto_reply, bounce, lang, " \
    "created_at"

static const char *const sql[ST_COUNT] = {
    [ST_NUMBER_NEXT] = "UPDATE counter SET value = value + 1 "
                       "WHERE name = 'ticket_number' RETURNING value",
    [ST_TICKET_INSERT] =
        "INSERT INTO ticket(number, subject, priority, category, queue_id, "
        "org_id, requester_id, assignee_id, lang, needs_review, created_at, "
        "updated_at, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?11, ?12) RETURNING id",
    /* apart, so a database of an older schema can still take tickets */
    [ST_TICKET_HOLD] = "UPDATE ticket SET spam = ?2, spam_reason = ?3 "
                       "WHERE id = ?1",
    [ST_TICKET_GET_ID] = "SELECT " TICKET_COLS "WHERE t.id = ?1",
    [ST_TICKET_GET_NUMBER] = "SELECT " TICKET_COLS "WHERE t.number = ?1",
    [ST_TICKET_LIST] = "SELECT " TICKET_COLS TICKET_WHERE
                       "ORDER BY t.number DESC LIMIT ?13",
    [ST_TICKET_COUNT] = "SELECT count(*) FROM ticket t " TICKET_WHERE
                        "AND " STORE_PARAM_UNUSED("?13", "bigint"),
    [ST_TICKET_SLA] =
        "UPDATE ticket SET first_response_due = ?2, resolution_due = ?3, "
        "first_response_at = ?4, resolved_at = ?5, sla_first_state = ?6, "
        "sla_resolve_state = ?7, sla_paused_at = ?8, sla_paused_secs = ?9 "
        "WHERE id = ?1",
    [ST_TICKET_TOUCH] = "UPDATE ticket SET updated_at = ?2 WHERE id = ?1",
    [ST_TAG_ADD] = "INSERT INTO ticket_tag(ticket_id, tag) "
                   "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    [ST_CC_ADD] = "INSERT INTO ticket_cc(ticket_id, contact_id) "
                  "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    [ST_HAS_CONTACT] =
        "SELECT 1 FROM ticket WHERE id = ?1 AND requester_id = ?2 "
        "UNION ALL SELECT 1 FROM ticket_cc WHERE ticket_id = ?1 AND "
        "contact_id = ?2 LIMIT 1",
    [ST_MSG_INSERT] =
        "INSERT INTO message(ticket_id, kind, author_user_id, "
        "author_contact_id, from_addr, from_name, to_addrs, cc_addrs, "
        "subject, message_id, in_reply_to, refs, body_text, body_html, "
        "body_hash, raw_sha256, raw_size, auto_reply, bounce, lang, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21) RETURNING id",
    [ST_MSG_FIND_TICKET] = "SELECT ticket_id FROM message WHERE "
                           "message_id = ?1 ORDER BY id LIMIT 1",
    [ST_MSG_EXISTS] = "SELECT ticket_id FROM message WHERE message_id = ?1 "
                      "AND body_hash = ?2",
    [ST_MSG_LIST] = "SELECT " MSG_COLS " FROM message WHERE ticket_id = ?1 "
                    "AND (?2 OR kind <> 'note') ORDER BY created_at, id",
    [ST_ATT_INSERT] =
        "INSERT INTO attachment(message_id, filename, content_type, size, "
        "sha256, inline, state, scan_state, created_at, detected_type) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
    [ST_ATT_LIST] = "SELECT id, message_id, filename, content_type, sha256, "
                    "state, scan_state, size, inline, created_at, "
                    "detected_type FROM attachment WHERE message_id = ?1 ORDER BY id",
    [ST_BLOB_ADD] = "INSERT INTO blob(sha256, size, created_at) "
                    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    [ST_EVENT_ADD] =
        "INSERT INTO event(ticket_id, at, actor, kind, field, old_value, "
        "new_value, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_EVENT_LIST] = "SELECT id, ticket_id, at, actor, kind, field, "
                      "old_value, new_value, detail FROM event "
                      "WHERE ticket_id = ?1 ORDER BY id",
};

int hd_store_ticket_insert(struct hd_store *st, const struct hd_ticket_new *tn,
                           const char *actor, int64_t *id_r,
                           int64_t *number_r, struct hd_error *err)
{
    int64_t number = 0, id = 0;
    struct store_q *s = store_stmt(st, &sql[ST_NUMBER_NEXT]);
    if (store_step_id(st, s, &number, err) <= 0) {
        if (err != NULL && err->code == HD_OK)
            hd_error_set(err, HD_E_INTERNAL, "ticket counter missing");
        return -1;
    }
    s = store_stmt(st, &sql[ST_TICKET_INSERT]);
    store_bind_int64(s, 1, number);
    store_bind_text(s, 2, tn->subject ? tn->subject : "");
    store_bind_text(s, 3, hd_priority_name(tn->priority));
    store_bind_text(s, 4, hd_category_name(tn->category));
    store_bind_id(s, 5, tn->queue_id);
    store_bind_id(s, 6, tn->org_id);
    store_bind_id(s, 7, tn->requester_id);
    store_bind_id(s, 8, tn->assignee_id);
    store_bind_text(s, 9, tn->lang ? tn->lang : "ja");
    store_bind_int(s, 10, tn->needs_review);
    store_bind_int64(s, 11, hd_clock_now());
    store_bind_text(s, 12, hd_status_name(tn->status));
    if (store_insert(st, s, &id, err) < 0)
        return -1;
    if (tn->spam != HD_SPAM_NO) {
        s = store_stmt(st, &sql[ST_TICKET_HOLD]);
        store_bind_int64(s, 1, id);
        store_bind_int(s, 2, tn->spam);
        store_bind_text(s, 3, tn->spam_reason);
        if (store_exec_done(st, s, err) < 0)
            return -1;
    }
    if (hd_store_event_add(st, id, actor, "created", NULL, NULL, NULL,
                           tn->needs_review ? "needs review" : "", err) < 0)
        return -1;
    if (id_r != NULL)
        *id_r = id;
    if (number_r != NULL)
        *number_r = number;
    return 0;
}

void store_ticket_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_ticket *t = p;
    struct hd_error ignore;
    memset(t, 0, sizeof *t);
    t->id = store_col_int64(s, 0);
    t->number = store_col_int64(s, 1);
    t->subject = store_col_text(s, 2, a);
    if (hd_status_parse(store_col_str(s, 3), &t->status,
                        &ignore) < 0 ||
        hd_priority_parse(store_col_str(s, 4),
                          &t->priority, &ignore) < 0 ||
        hd_category_parse(store_col_str(s, 5),
                          &t->category, &ignore) < 0)
        hd_panic(__FILE__, __LINE__, "ticket %lld: bad enum in database",
                 (long long)t->id);
    t->queue_id = store_col_int64(s, 6);
    t->org_id = store_col_int64(s, 7);
    t->requester_id = store_col_int64(s, 8);
    t->assignee_id = store_col_int64(s, 9);
    t->queue_name = store_col_text(s, 10, a);
    t->org_name = store_col_text(s, 11, a);
    t->requester_address = store_col_text(s, 12, a);
    t->requester_name = store_col_text(s, 13, a);
    t->assignee_name = store_col_text(s, 14, a);
    t->lang = store_col_text(s, 15, a);
    t->needs_review = store_col_int(s, 16) != 0;
    t->merged_into = store_col_int64(s, 17);
    t->created_at = store_col_int64(s, 18);
    t->updated_at = store_col_int64(s, 19);
    t->first_response_due = store_col_int64(s, 20);
    t->resolution_due = store_col_int64(s, 21);
    t->first_response_at = store_col_int64(s, 22);
    t->resolved_at = store_col_int64(s, 23);
    t->sla_first_state = store_col_text(s, 24, a);
    t->sla_resolve_state = store_col_text(s, 25, a);
    t->sla_paused_at = store_col_int64(s, 26);
    t->sla_paused_secs = store_col_int64(s, 27);
    t->spam = store_col_int(s, 28);
    t->spam_reason = store_col_text(s, 29, a);
    t->queue_desc = store_col_text(s, 30, a);
}

int hd_store_ticket_get(struct hd_store *st, int64_t id, int64_t number,
                        struct hd_arena *a, struct hd_ticket *t_r,
                        struct hd_error *err)
{
    struct store_q *s;
    if (id > 0) {
        s = store_stmt(st, &sql[ST_TICKET_GET_ID]);
        store_bind_int64(s, 1, id);
    } else {
        s = store_stmt(st, &sql[ST_TICKET_GET_NUMBER]);
        store_bind_int64(s, 1, number);
    }
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        store_ticket_fill(s, a, t_r);
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

void hd_ticket_filter_init(struct hd_ticket_filter *f)
{
    memset(f, 0, sizeof *f);
    f->status = -1;
    f->priority = -1;
    f->category = -1;
}

void store_ticket_bind_filter(struct store_q *s,
                              const struct hd_ticket_filter *f)
{
    if (f->status >= 0 && f->status < HD_STATUS_COUNT)
        store_bind_text(s, 1, hd_status_name((enum hd_status)f->status));
    if (f->status == HD_STATUS_COUNT)
        store_bind_int(s, 2, 1);
    if (f->priority >= 0)
        store_bind_text(s, 3, hd_priority_name((enum hd_priority)f->priority));
    if (f->category >= 0)
        store_bind_text(s, 4, hd_category_name((enum hd_category)f->category));
    store_bind_id(s, 5, f->queue_id);
    store_bind_id(s, 6, f->assignee_id);
    store_bind_id(s, 7, f->org_id);
    store_bind_id(s, 8, f->requester_id);
    if (f->unassigned)
        store_bind_int(s, 9, 1);
    store_bind_text(s, 10, f->tag);
    store_bind_id(s, 11, f->visible_to_user);
    if (f->spam != HD_SPAM_NO)
        store_bind_int(s, 17, f->spam);
}

static void bind_filter(struct store_q *s, const struct hd_ticket_filter *f)
{
    store_ticket_bind_filter(s, f);
    store_bind_id(s, 12, f->after_number);
}

int hd_store_ticket_list(struct hd_store *st, const struct hd_ticket_filter *f,
                         struct hd_arena *a, struct hd_ticket **ts_r,
                         size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TICKET_LIST]);
    bind_filter(s, f);
    store_bind_int64(s, 13, f->limit > 0 ? (int64_t)f->limit : STORE_NO_LIMIT);
    return store_collect(st, s, a, sizeof **ts_r, store_ticket_fill,
                         (void **)ts_r,
                         n_r, err);
}

int hd_store_ticket_count(struct hd_store *st, const struct hd_ticket_filter *f,
                          int64_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TICKET_COUNT]);
    bind_filter(s, f);
    return store_step_id(st, s, n_r, err) < 0 ? -1 : 0;
}

/* ---- field changes ---------------------------------------------------- */

/* The settable fields.  Column names come from this fixed table, never
 * from the caller; each has its own statement. */
static const struct field {
    const char *name;
    const char *get;
    const char *set;
} fields[] = {
    {"status", "SELECT status FROM ticket WHERE id = ?1",
     "UPDATE ticket SET status = ?2, updated_at = ?3 WHERE id = ?1"},
    {"priority", "SELECT priority FROM ticket WHERE id = ?1",
     "UPDATE ticket SET priority = ?2, updated_at = ?3 WHERE id = ?1"},
    {"category", "SELECT category FROM ticket WHERE id = ?1",
     "UPDATE ticket SET category = ?2, updated_at = ?3 WHERE id = ?1"},
    {"subject", "SELECT subject FROM ticket WHERE id = ?1",
     "UPDATE ticket SET subject = ?2, updated_at = ?3 WHERE id = ?1"},
    {"queue", "SELECT q.name FROM ticket t LEFT JOIN queue q ON "
              "q.id = t.queue_id WHERE t.id = ?1",
     "UPDATE ticket SET queue_id = ?2, updated_at = ?3 WHERE id = ?1"},
    {"assignee", "SELECT u.email FROM ticket t LEFT JOIN \"user\" u ON "
                 "u.id = t.assignee_id WHERE t.id = ?1",
     "UPDATE ticket SET assignee_id = ?2, updated_at = ?3 WHERE id = ?1"},
    {"org", "SELECT o.name FROM ticket t LEFT JOIN org o ON "
            "o.id = t.org_id WHERE t.id = ?1",
     "UPDATE ticket SET org_id = ?2, updated_at = ?3 WHERE id = ?1"},
    {"merged_into", "SELECT merged_into FROM ticket WHERE id = ?1",
     "UPDATE ticket SET merged_into = ?2, updated_at = ?3 WHERE id = ?1"},
    {"needs_review", "SELECT needs_review FROM ticket WHERE id = ?1",
     "UPDATE ticket SET needs_review = ?2, updated_at = ?3 WHERE id = ?1"},
};

int hd_store_ticket_set(struct hd_store *st, int64_t ticket_id,
                        const char *field, const char *value,
                        const char *actor, struct hd_error *err)
{
    const struct field *f = NULL;
    for (size_t i = 0; i < HD_ARRAY_LEN(fields); i++)
        if (strcmp(fields[i].name, field) == 0)
            f = &fields[i];
    if (f == NULL) {
        hd_error_set(err, HD_E_INVAL, "unknown ticket field '%.40s'", field);
        return -1;
    }
    struct hd_arena *a = hd_arena_new();
    int ret = -1;
    struct store_q *s = store_stmt(st, &f->get);
    store_bind_int64(s, 1, ticket_id);
    int rc = store_step(s);
    if (rc != STORE_ROW) {
        store_reset(s);
        if (rc == STORE_DONE)
            hd_error_set(err, HD_E_NOTFOUND, "no ticket with id %lld",
                         (long long)ticket_id);
        else
            store_fail(st, rc, err);
        goto out;
    }
    char *old = store_col_text(s, 0, a);
    store_reset(s);
    s = store_stmt(st, &f->set);
    store_bind_int64(s, 1, ticket_id);
    bool is_id = strcmp(field, "queue") == 0 ||
                 strcmp(field, "assignee") == 0 || strcmp(field, "org") == 0 ||
                 strcmp(field, "merged_into") == 0;
    if (is_id)
        store_bind_id(s, 2, value && *value ? strtoll(value, NULL, 10) : 0);
    else
        store_bind_text(s, 2, value);
    store_bind_int64(s, 3, hd_clock_now());
    if (store_exec_done(st, s, err) < 0)
        goto out;
    if (hd_store_event_add(st, ticket_id, actor, "field", field, old, value,
                           "", err) < 0)
        goto out;
    ret = 0;
out:
    hd_arena_free(&a);
    return ret;
}

int hd_store_ticket_set_sla(struct hd_store *st, const struct hd_ticket *t,
                            struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TICKET_SLA]);
    store_bind_int64(s, 1, t->id);
    store_bind_id(s, 2, t->first_response_due);
    store_bind_id(s, 3, t->resolution_due);
    store_bind_id(s, 4, t->first_response_at);
    store_bind_id(s, 5, t->resolved_at);
    store_bind_text(s, 6, t->sla_first_state ? t->sla_first_state : "running");
    store_bind_text(s, 7,
                    t->sla_resolve_state ? t->sla_resolve_state : "running");
    store_bind_id(s, 8, t->sla_paused_at);
    store_bind_int64(s, 9, t->sla_paused_secs);
    return store_exec_done(st, s, err);
}

int hd_store_ticket_add_tag(struct hd_store *st, int64_t ticket_id,
                            const char *tag, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_TAG_ADD]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_text(s, 2, tag);
    return store_exec_done(st, s, err);
}

int hd_store_ticket_add_cc(struct hd_store *st, int64_t ticket_id,
                           int64_t contact_id, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CC_ADD]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_int64(s, 2, contact_id);
    return store_exec_done(st, s, err);
}

int hd_store_ticket_has_contact(struct hd_store *st, int64_t ticket_id,
                                int64_t contact_id, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_HAS_CONTACT]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_int64(s, 2, contact_id);
    return store_step_id(st, s, NULL, err);
}

/* ---- messages --------------------------------------------------------- */

int hd_store_message_insert(struct hd_store *st, const struct hd_message *m,
                            int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_MSG_INSERT]);
    store_bind_int64(s, 1, m->ticket_id);
    store_bind_text(s, 2, hd_msg_kind_name(m->kind));
    store_bind_id(s, 3, m->author_user_id);
    store_bind_id(s, 4, m->author_contact_id);
    store_bind_text(s, 5, m->from_addr ? m->from_addr : "");
    store_bind_text(s, 6, m->from_name ? m->from_name : "");
    store_bind_text(s, 7, m->to_addrs ? m->to_addrs : "");
    store_bind_text(s, 8, m->cc_addrs ? m->cc_addrs : "");
    store_bind_text(s, 9, m->subject ? m->subject : "");
    store_bind_text(s, 10, m->message_id);
    store_bind_text(s, 11, m->in_reply_to);
    store_bind_text(s, 12, m->refs ? m->refs : "");
    store_bind_text(s, 13, m->body_text ? m->body_text : "");
    store_bind_text(s, 14, m->body_html);
    store_bind_text(s, 15, m->body_hash ? m->body_hash : "");
    store_bind_text(s, 16, m->raw_sha256);
    store_bind_int64(s, 17, m->raw_size);
    store_bind_int(s, 18, m->auto_reply);
    store_bind_int(s, 19, m->bounce);
    store_bind_text(s, 20, m->lang);
    store_bind_int64(s, 21, m->created_at ? m->created_at : hd_clock_now());
    if (store_insert(st, s, id_r, err) < 0)
        return -1;
    s = store_stmt(st, &sql[ST_TICKET_TOUCH]);
    store_bind_int64(s, 1, m->ticket_id);
    store_bind_int64(s, 2, hd_clock_now());
    return store_exec_done(st, s, err);
}

int hd_store_message_find_ticket(struct hd_store *st, const char *message_id,
                                 int64_t *ticket_id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_MSG_FIND_TICKET]);
    store_bind_text(s, 1, message_id);
    return store_step_id(st, s, ticket_id_r, err);
}

int hd_store_message_exists(struct hd_store *st, const char *message_id,
                            const char *body_hash, int64_t *ticket_id_r,
                            struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_MSG_EXISTS]);
    store_bind_text(s, 1, message_id);
    store_bind_text(s, 2, body_hash);
    return store_step_id(st, s, ticket_id_r, err);
}

static void msg_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_message *m = p;
    struct hd_error ignore;
    memset(m, 0, sizeof *m);
    m->id = store_col_int64(s, 0);
    m->ticket_id = store_col_int64(s, 1);
    if (hd_msg_kind_parse(store_col_str(s, 2), &m->kind,
                          &ignore) < 0)
        hd_panic(__FILE__, __LINE__, "message %lld: bad kind",
                 (long long)m->id);
    m->author_user_id = store_col_int64(s, 3);
    m->author_contact_id = store_col_int64(s, 4);
    m->from_addr = store_col_text(s, 5, a);
    m->from_name = store_col_text(s, 6, a);
    m->to_addrs = store_col_text(s, 7, a);
    m->cc_addrs = store_col_text(s, 8, a);
    m->subject = store_col_text(s, 9, a);
    m->message_id = store_col_text(s, 10, a);
    m->in_reply_to = store_col_text(s, 11, a);
    m->refs = store_col_text(s, 12, a);
    m->body_text = store_col_text(s, 13, a);
    m->body_html = store_col_text(s, 14, a);
    m->body_hash = store_col_text(s, 15, a);
    m->raw_sha256 = store_col_text(s, 16, a);
    m->raw_size = store_col_int64(s, 17);
    m->auto_reply = store_col_int(s, 18) != 0;
    m->bounce = store_col_int(s, 19) != 0;
    m->lang = store_col_text(s, 20, a);
    m->created_at = store_col_int64(s, 21);
}

int hd_store_message_list(struct hd_store *st, int64_t ticket_id,
                          bool with_notes, struct hd_arena *a,
                          struct hd_message **ms_r, size_t *n_r,
                          struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_MSG_LIST]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_int(s, 2, with_notes);
    return store_collect(st, s, a, sizeof **ms_r, msg_fill, (void **)ms_r,
                         n_r, err);
}

int hd_store_attachment_insert(struct hd_store *st,
                               const struct hd_attachment *at, int64_t *id_r,
                               struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ATT_INSERT]);
    store_bind_int64(s, 1, at->message_id);
    store_bind_text(s, 2, at->filename ? at->filename : "");
    store_bind_text(s, 3, at->content_type ? at->content_type
                                           : "application/octet-stream");
    store_bind_int64(s, 4, at->size);
    store_bind_text(s, 5, at->sha256);
    store_bind_int(s, 6, at->inline_);
    store_bind_text(s, 7, at->state ? at->state : "stored");
    store_bind_text(s, 8, at->scan_state ? at->scan_state : "unscanned");
    store_bind_int64(s, 9, hd_clock_now());
    store_bind_text(s, 10, at->detected_type);
    return store_insert(st, s, id_r, err);
}

void store_attachment_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_attachment *at = p;
    at->id = store_col_int64(s, 0);
    at->message_id = store_col_int64(s, 1);
    at->filename = store_col_text(s, 2, a);
    at->content_type = store_col_text(s, 3, a);
    at->sha256 = store_col_text(s, 4, a);
    at->state = store_col_text(s, 5, a);
    at->scan_state = store_col_text(s, 6, a);
    at->size = store_col_int64(s, 7);
    at->inline_ = store_col_int(s, 8) != 0;
    at->created_at = store_col_int64(s, 9);
    at->detected_type = store_col_text(s, 10, a);
}

int hd_store_attachment_list(struct hd_store *st, int64_t message_id,
                             struct hd_arena *a, struct hd_attachment **as_r,
                             size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ATT_LIST]);
    store_bind_int64(s, 1, message_id);
    return store_collect(st, s, a, sizeof **as_r, store_attachment_fill,
                         (void **)as_r, n_r, err);
}

int hd_store_blob_add(struct hd_store *st, const char *sha256, int64_t size,
                      struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BLOB_ADD]);
    store_bind_text(s, 1, sha256);
    store_bind_int64(s, 2, size);
    store_bind_int64(s, 3, hd_clock_now());
    return store_exec_done(st, s, err);
}

/* ---- history ---------------------------------------------------------- */

int hd_store_event_add(struct hd_store *st, int64_t ticket_id,
                       const char *actor, const char *kind,
                       const char *field, const char *old_value,
                       const char *new_value, const char *detail,
                       struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_EVENT_ADD]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_int64(s, 2, hd_clock_now());
    store_bind_text(s, 3, actor ? actor : "system");
    store_bind_text(s, 4, kind);
    store_bind_text(s, 5, field);
    store_bind_text(s, 6, old_value);
    store_bind_text(s, 7, new_value);
    store_bind_text(s, 8, detail ? detail : "");
    return store_exec_done(st, s, err);
}

static void event_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_event *e = p;
    e->id = store_col_int64(s, 0);
    e->ticket_id = store_col_int64(s, 1);
    e->at = store_col_int64(s, 2);
    e->actor = store_col_text(s, 3, a);
    e->kind = store_col_text(s, 4, a);
    e->field = store_col_text(s, 5, a);
    e->old_value = store_col_text(s, 6, a);
    e->new_value = store_col_text(s, 7, a);
    e->detail = store_col_text(s, 8, a);
}

int hd_store_event_list(struct hd_store *st, int64_t ticket_id,
                        struct hd_arena *a, struct hd_event **es_r,
                        size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_EVENT_LIST]);
    store_bind_int64(s, 1, ticket_id);
    return store_collect(st, s, a, sizeof **es_r, event_fill, (void **)es_r,
                         n_r, err);
}
