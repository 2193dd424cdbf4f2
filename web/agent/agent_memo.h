/* agent_memo.h - per-thread memos of the session check (agent_memo.c):
 * parsed IP allow-lists and CSRF tokens. */
#ifndef WEB_AGENT_MEMO_H
#define WEB_AGENT_MEMO_H

#include "auth.h"
#include "crypt.h"
#include "hd.h"

struct hd_cidr_list;

/* The allow-list text parsed (hd_cidr_list_parse), from this thread's
 * memo when the same text was parsed before; NULL with *err when it does
 * not parse.  The result lives in the memo (until this thread's next
 * call) or in *scratch. */
const struct hd_cidr_list *web_memo_cidr_list(const char *text,
                                              struct hd_cidr_list *scratch,
                                              struct hd_error *err);
/* hd_csrf_token(key, session_id), from this thread's memo when it was
 * computed before for the same key (by address: the instance key is fixed
 * once the server runs) and session. */
void web_memo_csrf(const uint8_t key[HD_KEY_LEN], const char *session_id,
                   char out[HD_CSRF_SIZE]);

#endif
