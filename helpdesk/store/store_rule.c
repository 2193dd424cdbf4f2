/* store_rule.c - SQL for routing rules and assignment candidates. */
#include "store_int.h"
#include "store_rule.h"

#include "clock.h"

enum { ST_LIST, ST_ADD, ST_DELETE, ST_MOVE, ST_CANDIDATES, ST_COUNT };

static const char *const sql[ST_COUNT] = {
    [ST_LIST] = "SELECT id, position, name, conditions, actions, stop, "
                "enabled FROM rule WHERE ?1 <> 0 OR enabled <> 0 "
                "ORDER BY position, id",
    [ST_ADD] = "INSERT INTO rule(position, name, conditions, actions, stop, "
               "created_at) VALUES (coalesce(?1, (SELECT coalesce(max("
               "position), 0) + 10 FROM rule)), ?2, ?3, ?4, ?5, ?6) RETURNING id",
    [ST_DELETE] = "DELETE FROM rule WHERE id = ?1",
    [ST_MOVE] = "UPDATE rule SET position = ?2 WHERE id = ?1",
    [ST_CANDIDATES] =
        "SELECT u.id, u.email, (SELECT count(*) FROM ticket t WHERE "
        "t.assignee_id = u.id AND t.status IN ('new', 'open', 'pending')) "
        "FROM \"user\" u JOIN user_queue uq ON uq.user_id = u.id "
        "WHERE uq.queue_id = ?1 AND u.disabled = 0 AND u.role IN "
        "('agent', 'admin') AND (CASE WHEN ?2 <> 0 THEN u.on_call "
        "ELSE u.on_duty END) <> 0 ORDER BY u.id",
};

static void rule_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_rule_row *r = p;
    r->id = store_col_int64(s, 0);
    r->position = store_col_int64(s, 1);
    r->name = store_col_text(s, 2, a);
    r->conditions = store_col_text(s, 3, a);
    r->actions = store_col_text(s, 4, a);
    r->stop = store_col_int(s, 5) != 0;
    r->enabled = store_col_int(s, 6) != 0;
}

int hd_store_rule_list(struct hd_store *st, bool all, struct hd_arena *a,
                       struct hd_rule_row **rs_r, size_t *n_r,
                       struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_LIST]);
    store_bind_int(s, 1, all);
    return store_collect(st, s, a, sizeof **rs_r, rule_fill, (void **)rs_r,
                         n_r, err);
}

int hd_store_rule_add(struct hd_store *st, const struct hd_rule_row *r,
                      int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ADD]);
    store_bind_id(s, 1, r->position);
    store_bind_text(s, 2, r->name);
    store_bind_text(s, 3, r->conditions);
    store_bind_text(s, 4, r->actions);
    store_bind_int(s, 5, r->stop);
    store_bind_int64(s, 6, hd_clock_now());
    return store_insert(st, s, id_r, err);
}

int hd_store_rule_delete(struct hd_store *st, int64_t id,
                         struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_DELETE]);
    store_bind_int64(s, 1, id);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0;
}

int hd_store_rule_move(struct hd_store *st, int64_t id, int64_t position,
                       struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_MOVE]);
    store_bind_int64(s, 1, id);
    store_bind_int64(s, 2, position);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    return store_changes(st) > 0;
}

static void cand_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_assignee *c = p;
    c->user_id = store_col_int64(s, 0);
    c->email = store_col_text(s, 1, a);
    c->open_tickets = store_col_int64(s, 2);
}

int hd_store_assign_candidates(struct hd_store *st, int64_t queue_id,
                               bool on_call, struct hd_arena *a,
                               struct hd_assignee **as_r, size_t *n_r,
                               struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CANDIDATES]);
    store_bind_int64(s, 1, queue_id);
    store_bind_int(s, 2, on_call);
    return store_collect(st, s, a, sizeof **as_r, cand_fill, (void **)as_r,
                         n_r, err);
}
