/* store_ticket_page.c - see store_ticket_page.h. */
#include "store_ticket_page.h"

#include "store_int.h"

#include <string.h>

enum {
    ST_THREAD, ST_ATTACHMENTS, ST_VIEW_STATE, ST_VIEW_PUT, ST_LISTS_GEN,
    ST_ASSIGNEES, ST_CANNED_NAMES, ST_COUNT
};

static const char *const sql[ST_COUNT] = {
    [ST_THREAD] = "SELECT m.id, m.kind, m.from_addr, m.from_name, "
                  "m.body_text, coalesce(m.body_html, '') <> '', "
                  "m.created_at, coalesce(u.name, '') FROM message m "
                  "LEFT JOIN \"user\" u ON u.id = m.author_user_id "
                  "WHERE m.ticket_id = ?1 ORDER BY m.created_at, m.id",
    /* message_ticket finds the messages, attachment_message their files */
    [ST_ATTACHMENTS] =
        "SELECT a.id, a.message_id, a.filename, a.content_type, a.sha256, "
        "a.state, a.scan_state, a.size, a.inline, a.created_at, "
        "a.detected_type FROM message m JOIN attachment a "
        "ON a.message_id = m.id WHERE m.ticket_id = ?1 "
        "ORDER BY a.message_id, a.id",
    /* one walk of the ticket's rows of ticket_view (its primary key), in
     * user order on both engines (group_concat joins in row order) */
    [ST_VIEW_STATE] =
        "SELECT group_concat(CASE WHEN user_id <> ?2 AND at >= ?3 "
        "THEN name END, ', '), "
        "coalesce(max(CASE WHEN user_id = ?2 THEN at END), 0) "
        "FROM (SELECT v.user_id, v.at, u.name FROM ticket_view v "
        "JOIN \"user\" u ON u.id = v.user_id WHERE v.ticket_id = ?1 "
        "ORDER BY v.user_id) x",
    [ST_VIEW_PUT] = "INSERT INTO ticket_view(ticket_id, user_id, "
                    "at) VALUES (?1, ?2, ?3) ON CONFLICT(ticket_id, user_id) "
                    "DO UPDATE SET at = excluded.at",
    [ST_LISTS_GEN] = "SELECT gen FROM agent_list_generation WHERE id = 1",
    [ST_ASSIGNEES] = "SELECT id, name FROM \"user\" WHERE disabled = 0 AND "
                     "role <> 'viewer' ORDER BY email",
    [ST_CANNED_NAMES] = "SELECT id, name, lang, shortcut FROM "
                        "canned_response ORDER BY lang, name, id",
};

static void thread_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_thread_msg *m = p;
    struct hd_error ignore;
    m->id = store_col_int64(s, 0);
    if (hd_msg_kind_parse(store_col_str(s, 1), &m->kind,
                          &ignore) < 0)
        hd_panic(__FILE__, __LINE__, "message %lld: bad kind",
                 (long long)m->id);
    m->from_addr = store_col_text(s, 2, a);
    m->from_name = store_col_text(s, 3, a);
    m->body_text = store_col_text(s, 4, a);
    m->has_html = store_col_int(s, 5) != 0;
    m->created_at = store_col_int64(s, 6);
    m->author_name = store_col_text(s, 7, a);
}

int hd_store_ticket_thread(struct hd_store *st, int64_t ticket_id,
                           struct hd_arena *a, struct hd_thread_msg **ms_r,
                           size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_THREAD]);
    store_bind_int64(s, 1, ticket_id);
    return store_collect(st, s, a, sizeof **ms_r, thread_fill, (void **)ms_r,
                         n_r, err);
}

int hd_store_ticket_attachments(struct hd_store *st, int64_t ticket_id,
                                struct hd_arena *a,
                                struct hd_attachment **as_r, size_t *n_r,
                                struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ATTACHMENTS]);
    store_bind_int64(s, 1, ticket_id);
    return store_collect(st, s, a, sizeof **as_r, store_attachment_fill,
                         (void **)as_r, n_r, err);
}

int hd_store_ticket_view_state(struct hd_store *st, int64_t ticket_id,
                               int64_t user_id, int64_t since,
                               struct hd_arena *a, char **names_r,
                               int64_t *own_at_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_VIEW_STATE]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_int64(s, 2, user_id);
    store_bind_int64(s, 3, since);
    int rc = store_step(s);
    char *names = rc == STORE_ROW ? store_col_text(s, 0, a) : NULL;
    *names_r = names ? names : hd_arena_strdup(a, "");
    *own_at_r = rc == STORE_ROW ? store_col_int64(s, 1) : 0;
    store_reset(s);
    return rc == STORE_ROW || rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_ticket_view_put(struct hd_store *st, int64_t ticket_id,
                             int64_t user_id, int64_t at,
                             struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_VIEW_PUT]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_int64(s, 2, user_id);
    store_bind_int64(s, 3, at);
    return store_exec_done(st, s, err);
}

int hd_store_agent_lists_generation(struct hd_store *st, int64_t *gen_r,
                                    struct hd_error *err)
{
    *gen_r = 0;
    int found = store_step_id(st, store_stmt(st, &sql[ST_LISTS_GEN]), gen_r,
                              err);
    if (found == 0)
        hd_error_set(err, HD_E_INTERNAL, "agent_list_generation has no row");
    return found == 1 ? 0 : -1;
}

static void assignee_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_assignee *u = p;
    u->id = store_col_int64(s, 0);
    u->name = store_col_text(s, 1, a);
}

int hd_store_assignee_list(struct hd_store *st, struct hd_arena *a,
                           struct hd_assignee **us_r, size_t *n_r,
                           struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ASSIGNEES]);
    return store_collect(st, s, a, sizeof **us_r, assignee_fill,
                         (void **)us_r, n_r, err);
}

static void canned_name_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_canned_row *r = p;
    memset(r, 0, sizeof *r);
    r->id = store_col_int64(s, 0);
    r->name = store_col_text(s, 1, a);
    r->lang = store_col_text(s, 2, a);
    r->shortcut = store_col_text(s, 3, a);
}

int hd_store_canned_names(struct hd_store *st, struct hd_arena *a,
                          struct hd_canned_row **rs_r, size_t *n_r,
                          struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CANNED_NAMES]);
    return store_collect(st, s, a, sizeof **rs_r, canned_name_fill,
                         (void **)rs_r, n_r, err);
}
