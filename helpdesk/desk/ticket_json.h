/* ticket_json.h - the one JSON form of a ticket: what the API answers and
 * what webhook receivers get.  Times are RFC 3339 UTC text, or null when
 * not set. */
#ifndef HD_TICKET_JSON_H
#define HD_TICKET_JSON_H

#include "ticket.h"

struct json_t; /* jansson's value type */

/* {number, subject, status, priority, category, queue, organisation,
 * requester {address, name}, assignee, lang, merged, created_at,
 * updated_at, first_response_due, resolution_due, sla {first_response,
 * resolution}}: a new reference the caller owns. */
struct json_t *hd_ticket_json(const struct hd_ticket *t);

/* t (UTC seconds) as RFC 3339 text, or null for 0: a new reference. */
struct json_t *hd_json_time(int64_t t);

#endif
