/* agent_sessmemo.c - validated agent sessions remembered per thread (see
 * agent_sessmemo.h).  A memo holds copies, never pointers into a request: the
 * user's texts in one bounded buffer, the grants in a bounded array.  A
 * session whose texts or grants do not fit is simply checked against the
 * tables every time.  Per thread, so no locks; the memory is bounded by
 * the constants below. */
#include "agent_sessmemo.h"

#include "agent_session.h"

#include <string.h>

#define WEB_MEMO_SESSIONS 8    /* sessions remembered per thread */
#define WEB_MEMO_TEXT 1024     /* bytes of a user's texts kept */
#define WEB_MEMO_QUEUES 64     /* grants kept with a session */

struct sess_memo {
    bool used;
    char id[HD_SHA256_HEX_SIZE];
    int64_t auth_gen, at;
    struct hd_agent_session sess; /* id_hash unset: id is the key */
    struct hd_user user;          /* strings: offsets into text */
    size_t email, name, role, lang, ips;
    char text[WEB_MEMO_TEXT];
    bool all_queues; /* queues unknown (admin or too many) */
    int64_t queues[WEB_MEMO_QUEUES];
    size_t nqueues;
};

static _Thread_local struct sess_memo memos[WEB_MEMO_SESSIONS];
static _Thread_local unsigned memo_next;

static struct sess_memo *find(const char *id_hash)
{
    for (size_t i = 0; i < WEB_MEMO_SESSIONS; i++)
        if (memos[i].used && strcmp(memos[i].id, id_hash) == 0)
            return &memos[i];
    return NULL;
}

bool web_memo_session_get(const char *id_hash, int64_t auth_gen, int64_t now,
                          struct hd_arena *a, struct web_agent *ag)
{
    const struct sess_memo *m = find(id_hash);
    if (m == NULL || m->auth_gen != auth_gen || now < m->at ||
        now - m->at >= WEB_SESSION_MEMO_SECS ||
        now < m->sess.last_seen_at)
        return false;
    ag->sess = m->sess;
    ag->sess.id_hash = hd_arena_strdup(a, m->id);
    ag->user = m->user;
    ag->user.email = hd_arena_strdup(a, m->text + m->email);
    ag->user.name = hd_arena_strdup(a, m->text + m->name);
    ag->user.role = hd_arena_strdup(a, m->text + m->role);
    ag->user.lang = hd_arena_strdup(a, m->text + m->lang);
    ag->own_ips = hd_arena_strdup(a, m->text + m->ips);
    ag->queues = NULL;
    ag->nqueues = 0;
    if (!m->all_queues) {
        int64_t *q = hd_arena_alloc(a, (m->nqueues + 1) * sizeof *q);
        memcpy(q, m->queues, m->nqueues * sizeof *q);
        ag->queues = q;
        ag->nqueues = m->nqueues;
    }
    return true;
}

/* Appends s with its NUL to m->text at *off_r; false when it does not
 * fit. */
static bool put_text(struct sess_memo *m, size_t *used, const char *s,
                     size_t *off_r)
{
    size_t n = strlen(s ? s : "") + 1;
    if (n > WEB_MEMO_TEXT - *used)
        return false;
    memcpy(m->text + *used, s ? s : "", n);
    *off_r = *used;
    *used += n;
    return true;
}

void web_memo_session_put(const struct web_agent *ag, int64_t auth_gen,
                          int64_t now)
{
    if (strlen(ag->sess.id_hash) >= HD_SHA256_HEX_SIZE ||
        (ag->queues != NULL && ag->nqueues > WEB_MEMO_QUEUES) ||
        (ag->queues == NULL && ag->role != WEB_ROLE_ADMIN))
        return;
    struct sess_memo *m = find(ag->sess.id_hash);
    if (m == NULL)
        m = &memos[memo_next++ % WEB_MEMO_SESSIONS];
    m->used = false;
    size_t used = 0;
    if (!put_text(m, &used, ag->user.email, &m->email) ||
        !put_text(m, &used, ag->user.name, &m->name) ||
        !put_text(m, &used, ag->user.role, &m->role) ||
        !put_text(m, &used, ag->user.lang, &m->lang) ||
        !put_text(m, &used, ag->own_ips, &m->ips))
        return; /* left unused */
    memcpy(m->id, ag->sess.id_hash, strlen(ag->sess.id_hash) + 1);
    m->auth_gen = auth_gen;
    m->at = now;
    m->sess = ag->sess;
    m->sess.id_hash = NULL;
    m->user = ag->user;
    m->user.email = m->user.name = m->user.role = m->user.lang = NULL;
    m->user.queues = NULL;
    m->all_queues = ag->queues == NULL;
    m->nqueues = m->all_queues ? 0 : ag->nqueues;
    if (m->nqueues > 0)
        memcpy(m->queues, ag->queues, m->nqueues * sizeof *m->queues);
    m->used = true;
}

void web_memo_session_seen(const char *id_hash, int64_t at)
{
    struct sess_memo *m = find(id_hash);
    if (m != NULL && at > m->sess.last_seen_at)
        m->sess.last_seen_at = at;
}
