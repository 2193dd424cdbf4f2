/* agent_memo.c - per-thread memos for the session check that every
 * signed-in request runs: the parsed IP allow-lists of the configuration
 * and the CSRF tokens of recent sessions.  The configuration is read once
 * at start, so an allow-list's text seldom changes; the text itself is
 * the key, so a different text is never answered from the memo.  A CSRF
 * token is a pure function of the key and the session id, both of which
 * are the key of its memo.  Per thread, so no locks; the memory is
 * bounded by the constants below. */
#include "agent_memo.h"

#include "cidr.h"

#include <string.h>

#define WEB_MEMO_LISTS 4         /* allow-lists kept per thread */
#define WEB_MEMO_LIST_TEXT 512   /* longer lists are parsed every time */
#define WEB_MEMO_CSRF 16         /* sessions' CSRF tokens per thread */

struct list_memo {
    bool used, ok;
    char text[WEB_MEMO_LIST_TEXT];
    struct hd_error err; /* the parse error when !ok */
    struct hd_cidr_list l;
};

struct csrf_memo {
    const uint8_t *key; /* the key's address: the instance key is fixed */
    char id[HD_SHA256_HEX_SIZE];
    char token[HD_CSRF_SIZE];
};

static _Thread_local struct list_memo lists[WEB_MEMO_LISTS];
static _Thread_local unsigned list_next;
static _Thread_local struct csrf_memo csrfs[WEB_MEMO_CSRF];
static _Thread_local unsigned csrf_next;

const struct hd_cidr_list *web_memo_cidr_list(const char *text,
                                              struct hd_cidr_list *scratch,
                                              struct hd_error *err)
{
    size_t n = strlen(text);
    if (n >= WEB_MEMO_LIST_TEXT)
        return hd_cidr_list_parse(text, scratch, err) < 0 ? NULL : scratch;
    for (size_t i = 0; i < WEB_MEMO_LISTS; i++) {
        struct list_memo *m = &lists[i];
        if (!m->used || strcmp(m->text, text) != 0)
            continue;
        if (!m->ok)
            *err = m->err;
        return m->ok ? &m->l : NULL;
    }
    struct list_memo *m = &lists[list_next++ % WEB_MEMO_LISTS];
    memcpy(m->text, text, n + 1);
    hd_error_clear(&m->err);
    m->ok = hd_cidr_list_parse(text, &m->l, &m->err) == 0;
    m->used = true;
    if (!m->ok)
        *err = m->err;
    return m->ok ? &m->l : NULL;
}

void web_memo_csrf(const uint8_t key[HD_KEY_LEN], const char *session_id,
                   char out[HD_CSRF_SIZE])
{
    size_t n = strlen(session_id);
    if (n >= HD_SHA256_HEX_SIZE) { /* not a stored hash: no memo */
        hd_csrf_token(key, session_id, out);
        return;
    }
    for (size_t i = 0; i < WEB_MEMO_CSRF; i++) {
        const struct csrf_memo *m = &csrfs[i];
        if (m->key == key && strcmp(m->id, session_id) == 0) {
            memcpy(out, m->token, HD_CSRF_SIZE);
            return;
        }
    }
    struct csrf_memo *m = &csrfs[csrf_next++ % WEB_MEMO_CSRF];
    hd_csrf_token(key, session_id, m->token);
    memcpy(m->id, session_id, n + 1);
    m->key = key;
    memcpy(out, m->token, HD_CSRF_SIZE);
}
