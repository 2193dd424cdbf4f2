/* store_notify.c - SQL for agents' notifications (store_notify.h). */
#include "store_notify.h"
#include "store_int.h"

enum {
    ST_ADD, ST_LIST, ST_UNREAD, ST_READ_ONE, ST_READ_ALL, ST_DUE_USERS,
    ST_PENDING, ST_MAILED, ST_UNSEEN, ST_PREF_GET, ST_PREF_SET, ST_Q_ON,
    ST_Q_OFF, ST_Q_LIST, ST_WATCHERS, ST_BY_LOGIN, ST_COUNT
};

/* User u may see ticket t now: an admin, or granted its queue. */
#define VISIBLE                                                              \
    "(u.role = 'admin' OR EXISTS (SELECT 1 FROM user_queue uq "              \
    "WHERE uq.user_id = u.id AND uq.queue_id = t.queue_id))"

#define NOTE_COLS                                                            \
    "n.id, n.user_id, n.ticket_id, t.number, n.kind, n.by_name, n.excerpt, " \
    "t.subject, n.created_at, coalesce(n.read_at, 0) "                       \
    "FROM notification n JOIN ticket t ON t.id = n.ticket_id "               \
    "JOIN \"user\" u ON u.id = n.user_id "

static const char *const sql[ST_COUNT] = {
    [ST_ADD] =
        "INSERT INTO notification(user_id, ticket_id, kind, by_name, "
        "excerpt, created_at, mail) "
        "SELECT u.id, t.id, ?3, ?4, ?5, ?6, "
        "CASE WHEN coalesce((SELECT p.mail FROM notify_pref p "
        "  WHERE p.user_id = u.id AND p.kind = ?3), 1) <> 0 "
        "THEN 'pending' ELSE 'none' END "
        "FROM \"user\" u JOIN ticket t ON t.id = ?2 "
        "WHERE u.id = ?1 AND u.disabled = 0 AND t.spam = 0 AND " VISIBLE,
    [ST_LIST] = "SELECT " NOTE_COLS "WHERE n.user_id = ?1 AND " VISIBLE
                " ORDER BY n.id DESC LIMIT ?2",
    [ST_UNREAD] = "SELECT count(*) FROM notification n "
                  "JOIN ticket t ON t.id = n.ticket_id "
                  "JOIN \"user\" u ON u.id = n.user_id "
                  "WHERE n.user_id = ?1 AND n.read_at IS NULL AND " VISIBLE,
    [ST_READ_ONE] = "UPDATE notification SET read_at = ?3 "
                    "WHERE user_id = ?1 AND id = ?2 AND read_at IS NULL",
    [ST_READ_ALL] = "UPDATE notification SET read_at = ?2 "
                    "WHERE user_id = ?1 AND read_at IS NULL",
    [ST_DUE_USERS] = "SELECT user_id FROM notification WHERE mail = 'pending' "
                     "GROUP BY user_id HAVING min(created_at) <= ?1 "
                     "ORDER BY user_id LIMIT ?2",
    [ST_PENDING] = "SELECT " NOTE_COLS "WHERE n.user_id = ?1 AND "
                   "n.mail = 'pending' AND " VISIBLE
                   " ORDER BY n.id LIMIT ?2",
    [ST_MAILED] = "UPDATE notification SET mail = 'queued' "
                  "WHERE user_id = ?1 AND mail = 'pending' AND id <= ?2",
    /* what is left pending up to last_id was about a ticket the user
       cannot see any more: it is never mailed */
    [ST_UNSEEN] = "UPDATE notification SET mail = 'none' "
                  "WHERE user_id = ?1 AND mail = 'pending'",
    [ST_PREF_GET] = "SELECT mail FROM notify_pref "
                    "WHERE user_id = ?1 AND kind = ?2",
    [ST_PREF_SET] = "INSERT INTO notify_pref(user_id, kind, mail) "
                    "VALUES (?1, ?2, ?3) ON CONFLICT(user_id, kind) "
                    "DO UPDATE SET mail = excluded.mail",
    [ST_Q_ON] = "INSERT INTO notify_queue(user_id, queue_id) "
                "SELECT u.id, t.queue_id FROM \"user\" u, "
                "(SELECT CAST(?2 AS bigint) AS queue_id) t WHERE u.id = ?1 AND " VISIBLE
                " ON CONFLICT DO NOTHING",
    [ST_Q_OFF] = "DELETE FROM notify_queue WHERE user_id = ?1 "
                 "AND queue_id = ?2",
    [ST_Q_LIST] = "SELECT queue_id FROM notify_queue WHERE user_id = ?1 "
                  "ORDER BY queue_id",
    [ST_WATCHERS] = "SELECT user_id FROM notify_queue WHERE queue_id = ?1 "
                    "ORDER BY user_id",
    [ST_BY_LOGIN] = "SELECT id FROM \"user\" WHERE disabled = 0 AND "
                    "lower(substr(email, 1, CAST(instr(email, '@') - 1 AS integer))) = "
                    "lower(?1) LIMIT 2",
};

static void note_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_notification *r = p;
    r->id = store_col_int64(s, 0);
    r->user_id = store_col_int64(s, 1);
    r->ticket_id = store_col_int64(s, 2);
    r->ticket_number = store_col_int64(s, 3);
    r->kind = store_col_text(s, 4, a);
    r->by_name = store_col_text(s, 5, a);
    r->excerpt = store_col_text(s, 6, a);
    r->subject = store_col_text(s, 7, a);
    r->created_at = store_col_int64(s, 8);
    r->read_at = store_col_int64(s, 9);
}

static void id_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    (void)a;
    *(int64_t *)p = store_col_int64(s, 0);
}

int hd_store_notify_add(struct hd_store *st, int64_t user_id,
                        int64_t ticket_id, const char *kind,
                        const char *by_name, const char *excerpt,
                        int64_t now, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ADD]);
    store_bind_int64(s, 1, user_id);
    store_bind_int64(s, 2, ticket_id);
    store_bind_text(s, 3, kind);
    store_bind_text(s, 4, by_name ? by_name : "");
    store_bind_text(s, 5, excerpt ? excerpt : "");
    store_bind_int64(s, 6, now);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0;
}

int hd_store_notify_list(struct hd_store *st, int64_t user_id, size_t max,
                         struct hd_arena *a, struct hd_notification **rs_r,
                         size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_LIST]);
    store_bind_int64(s, 1, user_id);
    store_bind_int64(s, 2, (int64_t)max);
    return store_collect(st, s, a, sizeof **rs_r, note_fill, (void **)rs_r,
                         n_r, err);
}

int hd_store_notify_unread(struct hd_store *st, int64_t user_id,
                           int64_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_UNREAD]);
    store_bind_int64(s, 1, user_id);
    *n_r = 0;
    return store_step_id(st, s, n_r, err) < 0 ? -1 : 0;
}

int hd_store_notify_mark_read(struct hd_store *st, int64_t user_id,
                              int64_t id, int64_t now, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[id > 0 ? ST_READ_ONE : ST_READ_ALL]);
    store_bind_int64(s, 1, user_id);
    if (id > 0) {
        store_bind_int64(s, 2, id);
        store_bind_int64(s, 3, now);
    } else
        store_bind_int64(s, 2, now);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st);
}

int hd_store_notify_due_users(struct hd_store *st, int64_t before, size_t max,
                              struct hd_arena *a, int64_t **ids_r,
                              size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_DUE_USERS]);
    store_bind_int64(s, 1, before);
    store_bind_int64(s, 2, (int64_t)max);
    return store_collect(st, s, a, sizeof **ids_r, id_fill, (void **)ids_r,
                         n_r, err);
}

int hd_store_notify_pending(struct hd_store *st, int64_t user_id, size_t max,
                            struct hd_arena *a, struct hd_notification **rs_r,
                            size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_PENDING]);
    store_bind_int64(s, 1, user_id);
    store_bind_int64(s, 2, (int64_t)max);
    return store_collect(st, s, a, sizeof **rs_r, note_fill, (void **)rs_r,
                         n_r, err);
}

int hd_store_notify_mailed(struct hd_store *st, int64_t user_id,
                           int64_t last_id, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[last_id > 0 ? ST_MAILED
                                                      : ST_UNSEEN]);
    store_bind_int64(s, 1, user_id);
    if (last_id > 0)
        store_bind_int64(s, 2, last_id);
    return store_exec_done(st, s, err);
}

int hd_store_notify_pref_mail(struct hd_store *st, int64_t user_id,
                              const char *kind, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_PREF_GET]);
    store_bind_int64(s, 1, user_id);
    store_bind_text(s, 2, kind);
    int64_t on = 1;
    int found = store_step_id(st, s, &on, err);
    if (found < 0)
        return -1;
    return found == 0 || on != 0;
}

int hd_store_notify_pref_set(struct hd_store *st, int64_t user_id,
                             const char *kind, bool mail,
                             struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_PREF_SET]);
    store_bind_int64(s, 1, user_id);
    store_bind_text(s, 2, kind);
    store_bind_int(s, 3, mail ? 1 : 0);
    return store_exec_done(st, s, err);
}

int hd_store_notify_queue_set(struct hd_store *st, int64_t user_id,
                              int64_t queue_id, bool on, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[on ? ST_Q_ON : ST_Q_OFF]);
    store_bind_int64(s, 1, user_id);
    store_bind_int64(s, 2, queue_id);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    if (!on)
        return 0;
    /* nothing inserted: either already in, or not visible */
    int64_t *ids = NULL;
    size_t n = 0;
    struct hd_arena *a = hd_arena_new();
    int rc = hd_store_notify_queues(st, user_id, a, &ids, &n, err);
    bool in = false;
    for (size_t i = 0; rc == 0 && i < n; i++)
        in = in || ids[i] == queue_id;
    hd_arena_free(&a);
    if (rc < 0)
        return -1;
    if (!in) {
        hd_error_set(err, HD_E_INVAL, "user %lld may not see queue %lld",
                     (long long)user_id, (long long)queue_id);
        return -1;
    }
    return 0;
}

int hd_store_notify_queues(struct hd_store *st, int64_t user_id,
                           struct hd_arena *a, int64_t **ids_r, size_t *n_r,
                           struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_Q_LIST]);
    store_bind_int64(s, 1, user_id);
    return store_collect(st, s, a, sizeof **ids_r, id_fill, (void **)ids_r,
                         n_r, err);
}

int hd_store_notify_watchers(struct hd_store *st, int64_t queue_id,
                             struct hd_arena *a, int64_t **ids_r,
                             size_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_WATCHERS]);
    store_bind_int64(s, 1, queue_id);
    return store_collect(st, s, a, sizeof **ids_r, id_fill, (void **)ids_r,
                         n_r, err);
}

int hd_store_user_by_login(struct hd_store *st, const char *login,
                           int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_BY_LOGIN]);
    store_bind_text(s, 1, login);
    int64_t *ids = NULL;
    size_t n = 0;
    struct hd_arena *a = hd_arena_new();
    int rc = store_collect(st, s, a, sizeof *ids, id_fill, (void **)&ids, &n,
                           err);
    if (rc == 0 && n == 1)
        *id_r = ids[0];
    hd_arena_free(&a);
    return rc < 0 ? -1 : n == 1;
}
