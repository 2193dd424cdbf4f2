/* store_dir.c - the directory: organisations, domains, contacts, users,
 * roles and queues.  SQL only; policy lives in the callers. */
#include "store_int.h"

#include "clock.h"

#include <string.h>

enum {
    ST_ORG_ADD,
    ST_ORG_DOMAIN_ADD,
    ST_ORG_GET_ID,
    ST_ORG_GET_NAME,
    ST_ORG_LIST,
    ST_ORG_BY_DOMAIN,
    ST_CONTACT_FIND,
    ST_CONTACT_ADD,
    ST_CONTACT_GET,
    ST_USER_ADD,
    ST_USER_GET_ID,
    ST_USER_GET_EMAIL,
    ST_USER_LIST,
    ST_USER_DISABLE,
    ST_USER_ONCALL,
    ST_USER_ALL_QUEUES,
    ST_QUEUE_GRANT_ALL,
    ST_QUEUE_ADOPT,
    ST_USER_GRANT,
    ST_USER_HAS_QUEUE,
    ST_QUEUE_ADD,
    ST_QUEUE_GET_ID,
    ST_QUEUE_GET_NAME,
    ST_QUEUE_LIST, ST_QUEUE_NAMES,
    ST_QUEUE_BY_ADDRESS,
    ST_COUNT
};

#define ORG_COLS "id, name, tier, coalesce(quota_bytes, -1), created_at"
#define USER_COLS                                                            \
    "u.id, u.email, u.name, u.role, u.lang, u.disabled, u.on_duty, "         \
    "u.on_call, u.password_hash IS NOT NULL, u.created_at, "                 \
    "coalesce(u.last_login_at, 0), coalesce(u.last_activity_at, 0), "        \
    "u.password_hash"
#define QUEUE_COLS                                                           \
    "q.id, q.name, q.address, q.description, "                               \
    "(SELECT count(*) FROM ticket t WHERE t.queue_id = q.id AND "            \
    "t.status IN ('new', 'open', 'pending'))"

static const char *const sql[ST_COUNT] = {
    [ST_ORG_ADD] = "INSERT INTO org(name, tier, created_at) VALUES (?1, ?2, ?3) RETURNING id",
    [ST_ORG_DOMAIN_ADD] = "INSERT INTO org_domain(domain, org_id) "
                          "VALUES (lower(?1), ?2)",
    [ST_ORG_GET_ID] = "SELECT " ORG_COLS " FROM org WHERE id = ?1",
    [ST_ORG_GET_NAME] = "SELECT " ORG_COLS " FROM org WHERE name = ?1",
    /* ?1 NULL: every organisation and all it counts; else only those
     * with a ticket in a queue granted to user ?1, counting those
     * tickets and the contacts who asked them (docs/security.md) */
    [ST_ORG_LIST] =
        "SELECT " ORG_COLS ", "
        "(SELECT count(*) FROM contact c WHERE c.org_id = org.id AND "
        "(CAST(?1 AS bigint) IS NULL OR EXISTS (SELECT 1 FROM ticket t WHERE "
        "t.requester_id = c.id AND " STORE_TICKET_GRANTED("?1") "))), "
        "(SELECT count(*) FROM ticket t WHERE t.org_id = org.id AND "
        "(CAST(?1 AS bigint) IS NULL OR " STORE_TICKET_GRANTED("?1") ")) "
        "FROM org WHERE CAST(?1 AS bigint) IS NULL OR EXISTS (SELECT 1 FROM ticket t "
        "WHERE t.org_id = org.id AND " STORE_TICKET_GRANTED("?1") ") "
        "ORDER BY name",
    [ST_ORG_BY_DOMAIN] = "SELECT org_id FROM org_domain WHERE domain = lower(?1)",
    [ST_CONTACT_FIND] = "SELECT id FROM contact WHERE address = ?1",
    [ST_CONTACT_ADD] = "INSERT INTO contact(address, name, org_id, created_at) "
                       "VALUES (?1, ?2, ?3, ?4) RETURNING id",
    [ST_CONTACT_GET] = "SELECT id, address, name, lang, coalesce(org_id, 0), "
                       "created_at FROM contact WHERE id = ?1",
    [ST_USER_ADD] = "INSERT INTO \"user\"(email, name, role, password_hash, "
                    "created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    [ST_USER_GET_ID] = "SELECT " USER_COLS " FROM \"user\" u WHERE u.id = ?1",
    [ST_USER_GET_EMAIL] = "SELECT " USER_COLS " FROM \"user\" u WHERE u.email = ?1",
    /* group_concat() joins in the order its rows come: a sorted
     * subquery makes that the same on both engines */
    [ST_USER_LIST] = "SELECT " USER_COLS ", "
                     "(SELECT group_concat(name, ',') FROM (SELECT q.name "
                     "FROM user_queue uq JOIN queue q ON q.id = uq.queue_id "
                     "WHERE uq.user_id = u.id ORDER BY uq.queue_id) x) "
                     "FROM \"user\" u ORDER BY u.email",
    [ST_USER_DISABLE] = "UPDATE \"user\" SET disabled = ?2 WHERE id = ?1",
    [ST_USER_ONCALL] = "UPDATE \"user\" SET on_call = ?2 WHERE id = ?1",
    [ST_USER_ALL_QUEUES] = "UPDATE \"user\" SET all_queues = ?2 WHERE id = ?1",
    [ST_QUEUE_GRANT_ALL] = "INSERT INTO user_queue(user_id, "
                           "queue_id) SELECT id, ?1 FROM \"user\" WHERE "
                           "all_queues = 1 ON CONFLICT DO NOTHING",
    /* The default queue made by init has no address until an operator
     * gives it one with `queue add` of the same name. */
    [ST_QUEUE_ADOPT] = "UPDATE queue SET address = ?2, description = "
                       "coalesce(nullif(?3, ''), description) WHERE name = "
                       "?1 AND address IS NULL RETURNING id",
    [ST_USER_GRANT] = "INSERT INTO user_queue(user_id, queue_id) "
                      "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    [ST_USER_HAS_QUEUE] = "SELECT 1 FROM user_queue WHERE user_id = ?1 AND "
                          "queue_id = ?2",
    [ST_QUEUE_ADD] = "INSERT INTO queue(name, address, description, "
                     "created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
    [ST_QUEUE_GET_ID] = "SELECT " QUEUE_COLS " FROM queue q WHERE q.id = ?1",
    [ST_QUEUE_GET_NAME] = "SELECT " QUEUE_COLS " FROM queue q WHERE q.name = ?1",
    [ST_QUEUE_LIST] = "SELECT " QUEUE_COLS " FROM queue q ORDER BY q.name",
    [ST_QUEUE_NAMES] = "SELECT q.id, q.name, q.address, q.description, -1 "
                       "FROM queue q ORDER BY q.name",
    [ST_QUEUE_BY_ADDRESS] = "SELECT id FROM queue WHERE address = ?1",
};

int hd_store_org_add(struct hd_store *st, const char *name, const char *tier,
                     int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ORG_ADD]);
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, tier ? tier : "standard");
    store_bind_int64(s, 3, hd_clock_now());
    return store_insert(st, s, id_r, err);
}

int hd_store_org_add_domain(struct hd_store *st, int64_t org_id,
                            const char *domain, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ORG_DOMAIN_ADD]);
    store_bind_text(s, 1, domain);
    store_bind_int64(s, 2, org_id);
    return store_exec_done(st, s, err);
}

static void org_row(struct store_q *s, struct hd_arena *a, struct hd_org *o)
{
    memset(o, 0, sizeof *o);
    o->id = store_col_int64(s, 0);
    o->name = store_col_text(s, 1, a);
    o->tier = store_col_text(s, 2, a);
    o->quota_bytes = store_col_int64(s, 3);
    o->created_at = store_col_int64(s, 4);
}

int hd_store_org_get(struct hd_store *st, int64_t id, const char *name,
                     struct hd_arena *a, struct hd_org *org_r,
                     struct hd_error *err)
{
    struct store_q *s;
    if (name != NULL) {
        s = store_stmt(st, &sql[ST_ORG_GET_NAME]);
        store_bind_text(s, 1, name);
    } else {
        s = store_stmt(st, &sql[ST_ORG_GET_ID]);
        store_bind_int64(s, 1, id);
    }
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        org_row(s, a, org_r);
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

static void org_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_org *o = p;
    org_row(s, a, o);
    o->contacts = store_col_int64(s, 5);
    o->tickets = store_col_int64(s, 6);
}

int hd_store_org_list(struct hd_store *st, int64_t visible_to_user,
                      struct hd_arena *a, struct hd_org **orgs_r, size_t *n_r,
                      struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ORG_LIST]);
    store_bind_id(s, 1, visible_to_user);
    return store_collect(st, s, a, sizeof **orgs_r, org_fill, (void **)orgs_r,
                   n_r, err);
}

int hd_store_org_by_domain(struct hd_store *st, const char *domain,
                           int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_ORG_BY_DOMAIN]);
    store_bind_text(s, 1, domain);
    return store_step_id(st, s, id_r, err);
}

int hd_store_contact_ensure(struct hd_store *st, const char *address,
                            const char *name, int64_t *id_r,
                            bool *created_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CONTACT_FIND]);
    store_bind_text(s, 1, address);
    int found = store_step_id(st, s, id_r, err);
    if (found != 0) {
        if (created_r != NULL)
            *created_r = false;
        return found < 0 ? -1 : 0;
    }
    int64_t org_id = 0;
    const char *at = strrchr(address, '@');
    if (at != NULL && hd_store_org_by_domain(st, at + 1, &org_id, err) < 0)
        return -1;
    s = store_stmt(st, &sql[ST_CONTACT_ADD]);
    store_bind_text(s, 1, address);
    store_bind_text(s, 2, name ? name : "");
    store_bind_id(s, 3, org_id);
    store_bind_int64(s, 4, hd_clock_now());
    if (created_r != NULL)
        *created_r = true;
    return store_insert(st, s, id_r, err);
}

int hd_store_contact_get(struct hd_store *st, int64_t id, struct hd_arena *a,
                         struct hd_contact *c, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_CONTACT_GET]);
    store_bind_int64(s, 1, id);
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        c->id = store_col_int64(s, 0);
        c->address = store_col_text(s, 1, a);
        c->name = store_col_text(s, 2, a);
        c->lang = store_col_text(s, 3, a);
        c->org_id = store_col_int64(s, 4);
        c->created_at = store_col_int64(s, 5);
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_user_add(struct hd_store *st, const char *email,
                      const char *name, const char *role,
                      const char *password_hash, int64_t *id_r,
                      struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_USER_ADD]);
    store_bind_text(s, 1, email);
    store_bind_text(s, 2, name);
    store_bind_text(s, 3, role);
    store_bind_text(s, 4, password_hash);
    store_bind_int64(s, 5, hd_clock_now());
    int rc = store_insert(st, s, id_r, err);
    if (rc < 0 && err != NULL && err->code == HD_E_INVAL)
        hd_error_set(err, HD_E_INVAL,
                     "unknown role '%.40s' (one of: admin, agent, viewer)",
                     role);
    return rc;
}

static void user_row(struct store_q *s, struct hd_arena *a, struct hd_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = store_col_int64(s, 0);
    u->email = store_col_text(s, 1, a);
    u->name = store_col_text(s, 2, a);
    u->role = store_col_text(s, 3, a);
    u->lang = store_col_text(s, 4, a);
    u->disabled = store_col_int(s, 5) != 0;
    u->on_duty = store_col_int(s, 6) != 0;
    u->on_call = store_col_int(s, 7) != 0;
    u->has_password = store_col_int(s, 8) != 0;
    u->created_at = store_col_int64(s, 9);
    u->last_login_at = store_col_int64(s, 10);
    u->last_activity_at = store_col_int64(s, 11);
}

int hd_store_user_get(struct hd_store *st, int64_t id, const char *email,
                      struct hd_arena *a, struct hd_user *u_r, char **hash_r,
                      struct hd_error *err)
{
    struct store_q *s;
    if (email != NULL) {
        s = store_stmt(st, &sql[ST_USER_GET_EMAIL]);
        store_bind_text(s, 1, email);
    } else {
        s = store_stmt(st, &sql[ST_USER_GET_ID]);
        store_bind_int64(s, 1, id);
    }
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        user_row(s, a, u_r);
        if (hash_r != NULL)
            *hash_r = store_col_text(s, 12, a);
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

static void user_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_user *u = p;
    user_row(s, a, u);
    u->queues = store_col_text(s, 13, a);
}

int hd_store_user_list(struct hd_store *st, struct hd_arena *a,
                       struct hd_user **users_r, size_t *n_r,
                       struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_USER_LIST]);
    return store_collect(st, s, a, sizeof **users_r, user_fill, (void **)users_r,
                   n_r, err);
}

static int user_set_flag(struct hd_store *st, int stmt, int64_t id,
                         bool on, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[stmt]);
    store_bind_int64(s, 1, id);
    store_bind_int(s, 2, on);
    if (store_exec_done(st, s, err) < 0)
        return -1;
    if (store_changes(st) == 0) {
        hd_error_set(err, HD_E_NOTFOUND, "no user with id %lld",
                     (long long)id);
        return -1;
    }
    return 0;
}

int hd_store_user_set_disabled(struct hd_store *st, int64_t id,
                               bool disabled, struct hd_error *err)
{
    return user_set_flag(st, ST_USER_DISABLE, id, disabled, err);
}

int hd_store_user_set_on_call(struct hd_store *st, int64_t id, bool on_call,
                              struct hd_error *err)
{
    return user_set_flag(st, ST_USER_ONCALL, id, on_call, err);
}

int hd_store_user_set_all_queues(struct hd_store *st, int64_t id, bool all,
                                 struct hd_error *err)
{
    return user_set_flag(st, ST_USER_ALL_QUEUES, id, all, err);
}

int hd_store_user_grant_queue(struct hd_store *st, int64_t user_id,
                              int64_t queue_id, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_USER_GRANT]);
    store_bind_int64(s, 1, user_id);
    store_bind_int64(s, 2, queue_id);
    int rc = store_exec_done(st, s, err);
    store_count_changed(st); /* user_queue is WITHOUT ROWID */
    return rc;
}

int hd_store_user_has_queue(struct hd_store *st, int64_t user_id,
                            int64_t queue_id, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_USER_HAS_QUEUE]);
    store_bind_int64(s, 1, user_id);
    store_bind_int64(s, 2, queue_id);
    return store_step_id(st, s, NULL, err);
}

int hd_store_queue_add(struct hd_store *st, const char *name,
                       const char *address, const char *description,
                       int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_QUEUE_ADD]);
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, address && *address ? address : NULL);
    store_bind_text(s, 3, description ? description : "");
    store_bind_int64(s, 4, hd_clock_now());
    return store_insert(st, s, id_r, err);
}

int hd_store_queue_grant_all(struct hd_store *st, int64_t queue_id,
                             struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_QUEUE_GRANT_ALL]);
    store_bind_int64(s, 1, queue_id);
    int rc = store_exec_done(st, s, err);
    store_count_changed(st); /* user_queue is WITHOUT ROWID */
    return rc;
}

int hd_store_queue_adopt(struct hd_store *st, const char *name,
                         const char *address, const char *description,
                         int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_QUEUE_ADOPT]);
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, address && *address ? address : NULL);
    store_bind_text(s, 3, description ? description : "");
    return store_step_id(st, s, id_r, err);
}

static void queue_fill(struct store_q *s, struct hd_arena *a, void *p)
{
    struct hd_queue *q = p;
    q->id = store_col_int64(s, 0);
    q->name = store_col_text(s, 1, a);
    q->address = store_col_text(s, 2, a);
    q->description = store_col_text(s, 3, a);
    q->open_tickets = store_col_int64(s, 4);
}

int hd_store_queue_get(struct hd_store *st, int64_t id, const char *name,
                       struct hd_arena *a, struct hd_queue *q_r,
                       struct hd_error *err)
{
    struct store_q *s;
    if (name != NULL) {
        s = store_stmt(st, &sql[ST_QUEUE_GET_NAME]);
        store_bind_text(s, 1, name);
    } else {
        s = store_stmt(st, &sql[ST_QUEUE_GET_ID]);
        store_bind_int64(s, 1, id);
    }
    int rc = store_step(s);
    if (rc == STORE_ROW) {
        queue_fill(s, a, q_r);
        store_reset(s);
        return 1;
    }
    store_reset(s);
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_queue_list(struct hd_store *st, struct hd_arena *a,
                        struct hd_queue **qs_r, size_t *n_r,
                        struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_QUEUE_LIST]);
    return store_collect(st, s, a, sizeof **qs_r, queue_fill, (void **)qs_r, n_r,
                   err);
}

int hd_store_queue_names(struct hd_store *st, struct hd_arena *a,
                         struct hd_queue **qs_r, size_t *n_r,
                         struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_QUEUE_NAMES]);
    return store_collect(st, s, a, sizeof **qs_r, queue_fill, (void **)qs_r,
                         n_r, err);
}

int hd_store_queue_by_address(struct hd_store *st, const char *address,
                              int64_t *id_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_QUEUE_BY_ADDRESS]);
    store_bind_text(s, 1, address);
    return store_step_id(st, s, id_r, err);
}
