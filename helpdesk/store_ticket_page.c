/* store_ticket_page.c - see store_ticket_page.h. */
#include "store_ticket_page.h"

#include "store_int.h"

enum { ST_ATTACHMENTS, ST_VIEW_STATE, ST_VIEW_PUT, ST_COUNT };

static const char *const sql[ST_COUNT] = {
    /* message_ticket finds the messages, attachment_message their files */
    [ST_ATTACHMENTS] =
        "SELECT a.id, a.message_id, a.filename, a.content_type, a.sha256, "
        "a.state, a.scan_state, a.size, a.inline, a.created_at, "
        "a.detected_type FROM message m JOIN attachment a "
        "ON a.message_id = m.id WHERE m.ticket_id = ?1 "
        "ORDER BY a.message_id, a.id",
    /* one walk of the ticket's rows of ticket_view (its primary key) */
    [ST_VIEW_STATE] =
        "SELECT group_concat(CASE WHEN v.user_id <> ?2 AND v.at >= ?3 "
        "THEN u.name END, ', '), "
        "coalesce(max(CASE WHEN v.user_id = ?2 THEN v.at END), 0) "
        "FROM ticket_view v JOIN user u ON u.id = v.user_id "
        "WHERE v.ticket_id = ?1",
    [ST_VIEW_PUT] = "INSERT OR REPLACE INTO ticket_view(ticket_id, user_id, "
                    "at) VALUES (?1, ?2, ?3)",
};

int hd_store_ticket_attachments(struct hd_store *st, int64_t ticket_id,
                                struct hd_arena *a,
                                struct hd_attachment **as_r, size_t *n_r,
                                struct hd_error *err)
{
    sqlite3_stmt *s = store_stmt(st, &sql[ST_ATTACHMENTS]);
    sqlite3_bind_int64(s, 1, ticket_id);
    return store_collect(st, s, a, sizeof **as_r, store_attachment_fill,
                         (void **)as_r, n_r, err);
}

int hd_store_ticket_view_state(struct hd_store *st, int64_t ticket_id,
                               int64_t user_id, int64_t since,
                               struct hd_arena *a, char **names_r,
                               int64_t *own_at_r, struct hd_error *err)
{
    sqlite3_stmt *s = store_stmt(st, &sql[ST_VIEW_STATE]);
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int64(s, 2, user_id);
    sqlite3_bind_int64(s, 3, since);
    int rc = sqlite3_step(s);
    char *names = rc == SQLITE_ROW ? store_col_text(s, 0, a) : NULL;
    *names_r = names ? names : hd_arena_strdup(a, "");
    *own_at_r = rc == SQLITE_ROW ? sqlite3_column_int64(s, 1) : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_ticket_view_put(struct hd_store *st, int64_t ticket_id,
                             int64_t user_id, int64_t at,
                             struct hd_error *err)
{
    sqlite3_stmt *s = store_stmt(st, &sql[ST_VIEW_PUT]);
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int64(s, 2, user_id);
    sqlite3_bind_int64(s, 3, at);
    return store_exec_done(st, s, err);
}
