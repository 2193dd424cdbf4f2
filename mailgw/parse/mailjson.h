/* mailjson.h - struct mg_mail as the JSON object of `helpdesk-mailgw
 * parse` (jansson).  The contract, key for key:
 *   from {name,address}, reply_to[], to[], cc[] (address objects),
 *   subject, date (RFC 3339 UTC or null), message_id, in_reply_to (or
 *   null), references[], text, html (or null), attachments[] {filename,
 *   content_type, size, sha256, inline}, auto_reply, bounce, list,
 *   language. */
#ifndef MG_MAILJSON_H
#define MG_MAILJSON_H

#include <jansson.h>

#include "parse.h"

/* A new reference the caller json_decref()s; never NULL. */
json_t *mg_mail_to_json(const struct mg_mail *m);

#endif
