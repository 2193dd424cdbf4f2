/* ticket_json.c - see ticket_json.h. */
#include "ticket_json.h"

#include "clock.h"

#include <jansson.h>

json_t *hd_json_time(int64_t t)
{
    if (t == 0)
        return json_null();
    char buf[32];
    hd_time_format_utc(t, buf);
    return json_string(buf);
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *hd_ticket_json(const struct hd_ticket *t)
{
    json_t *j = json_object();
    json_object_set_new(j, "number", json_integer(t->number));
    json_object_set_new(j, "subject", json_string(t->subject ? t->subject : ""));
    json_object_set_new(j, "status", json_string(hd_status_name(t->status)));
    json_object_set_new(j, "priority",
                        json_string(hd_priority_name(t->priority)));
    json_object_set_new(j, "category",
                        json_string(hd_category_name(t->category)));
    json_object_set_new(j, "queue", text_or_null(t->queue_name));
    json_object_set_new(j, "organisation", text_or_null(t->org_name));
    json_object_set_new(j, "requester", t->requester_address
        ? json_pack("{s:s, s:s}", "address", t->requester_address, "name",
                    t->requester_name ? t->requester_name : "")
        : json_null());
    json_object_set_new(j, "assignee", text_or_null(t->assignee_name));
    json_object_set_new(j, "lang", json_string(t->lang ? t->lang : ""));
    json_object_set_new(j, "merged", json_boolean(t->merged_into != 0));
    json_object_set_new(j, "created_at", hd_json_time(t->created_at));
    json_object_set_new(j, "updated_at", hd_json_time(t->updated_at));
    json_object_set_new(j, "first_response_due",
                        hd_json_time(t->first_response_due));
    json_object_set_new(j, "resolution_due", hd_json_time(t->resolution_due));
    json_object_set_new(j, "sla", json_pack(
        "{s:s, s:s}", "first_response",
        t->sla_first_state ? t->sla_first_state : "running", "resolution",
        t->sla_resolve_state ? t->sla_resolve_state : "running"));
    return j;
}
