/* store_spam.c - see store_spam.h. */
#include "store_spam.h"

#include "clock.h"
#include "store_int.h"

#include <ctype.h>
#include <string.h>

enum { ST_SPAM_SET, ST_SENDER_GET, ST_SENDER_SET, ST_HELD_COUNT, ST_COUNT };

static const char *const sql[ST_COUNT] = {
    [ST_SPAM_SET] = "UPDATE ticket SET spam = ?2, status = ?3, "
                    "updated_at = ?4 WHERE id = ?1",
    [ST_SENDER_GET] = "SELECT verdict FROM sender_list WHERE address = ?1",
    [ST_SENDER_SET] = "INSERT INTO sender_list(address, verdict, "
                      "user_id, created_at) VALUES (?1, ?2, ?3, ?4) "
                      "ON CONFLICT(address) DO UPDATE SET "
                      "verdict = excluded.verdict, user_id = excluded.user_id, "
                      "created_at = excluded.created_at",
    /* "spam = 1" as written in the partial index ticket_spam_held */
    [ST_HELD_COUNT] = "SELECT count(*) FROM ticket t WHERE spam = 1 AND "
                      "(CAST(?1 AS bigint) IS NULL OR " STORE_TICKET_GRANTED("?1") ")",
};

const char *hd_spam_name(int spam)
{
    switch (spam) {
    case HD_SPAM_NO:
        return "no";
    case HD_SPAM_HELD:
        return "held";
    case HD_SPAM_CONFIRMED:
        return "confirmed";
    }
    return "?";
}

int hd_store_ticket_spam_set(struct hd_store *st, int64_t ticket_id, int spam,
                             enum hd_status status, const char *actor,
                             const char *detail, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    struct hd_ticket t;
    int found = hd_store_ticket_get(st, ticket_id, 0, a, &t, err);
    int rc = -1;
    if (found == 0)
        hd_error_set(err, HD_E_NOTFOUND, "no ticket %lld",
                     (long long)ticket_id);
    if (found <= 0)
        goto out;
    struct store_q *s = store_stmt(st, &sql[ST_SPAM_SET]);
    store_bind_int64(s, 1, ticket_id);
    store_bind_int(s, 2, spam);
    store_bind_text(s, 3, hd_status_name(status));
    store_bind_int64(s, 4, hd_clock_now());
    if (store_exec_done(st, s, err) < 0 ||
        hd_store_event_add(st, ticket_id, actor, "spam", "spam",
                           hd_spam_name(t.spam), hd_spam_name(spam), detail,
                           err) < 0)
        goto out;
    if (t.status != status &&
        hd_store_event_add(st, ticket_id, actor, "field", "status",
                           hd_status_name(t.status), hd_status_name(status),
                           NULL, err) < 0)
        goto out;
    rc = 0;
out:
    hd_arena_free(&a);
    return rc;
}

/* Addresses compare lower-cased: the list is keyed by what we store. */
static void lower(const char *in, char *out, size_t cap)
{
    size_t i = 0;
    for (; in[i] && i + 1 < cap; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

int hd_store_sender_get(struct hd_store *st, const char *address,
                        enum hd_sender_verdict *v_r, struct hd_error *err)
{
    char key[HD_ADDRESS_MAX + 1];
    lower(address, key, sizeof key);
    *v_r = HD_SENDER_NONE;
    struct store_q *s = store_stmt(st, &sql[ST_SENDER_GET]);
    store_bind_text(s, 1, key);
    int rc = store_step(s);
    if (rc == STORE_ROW)
        *v_r = strcmp(store_col_str(s, 0), "block") == 0
                   ? HD_SENDER_BLOCK
                   : HD_SENDER_ALLOW;
    store_reset(s);
    if (rc == STORE_ROW)
        return 1;
    return rc == STORE_DONE ? 0 : store_fail(st, rc, err);
}

int hd_store_sender_set(struct hd_store *st, const char *address,
                        enum hd_sender_verdict v, int64_t user_id,
                        struct hd_error *err)
{
    char key[HD_ADDRESS_MAX + 1];
    hd_assert(v == HD_SENDER_ALLOW || v == HD_SENDER_BLOCK);
    lower(address, key, sizeof key);
    struct store_q *s = store_stmt(st, &sql[ST_SENDER_SET]);
    store_bind_text(s, 1, key);
    store_bind_text(s, 2, v == HD_SENDER_BLOCK ? "block" : "allow");
    store_bind_id(s, 3, user_id);
    store_bind_int64(s, 4, hd_clock_now());
    return store_exec_done(st, s, err);
}

int hd_store_spam_held_count(struct hd_store *st, int64_t visible_to_user,
                             int64_t *n_r, struct hd_error *err)
{
    struct store_q *s = store_stmt(st, &sql[ST_HELD_COUNT]);
    store_bind_id(s, 1, visible_to_user);
    *n_r = 0;
    return store_step_id(st, s, n_r, err) < 0 ? -1 : 0;
}
