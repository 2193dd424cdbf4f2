/* cli_ticket.c - `helpdesk ticket list|show`; the changes are in
 * cli_ticket_act.c. */
#include "cli_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *hd_cli_ticket_json(const struct hd_ticket *t)
{
    json_t *j = json_object();
    json_object_set_new(j, "number", json_integer(t->number));
    json_object_set_new(j, "id", json_integer(t->id));
    json_object_set_new(j, "subject", json_string(t->subject));
    json_object_set_new(j, "status", json_string(hd_status_name(t->status)));
    json_object_set_new(j, "priority",
                        json_string(hd_priority_name(t->priority)));
    json_object_set_new(j, "category",
                        json_string(hd_category_name(t->category)));
    json_object_set_new(j, "queue", t->queue_name ? json_string(t->queue_name)
                                                  : json_null());
    json_object_set_new(j, "organisation",
                        t->org_name ? json_string(t->org_name) : json_null());
    json_object_set_new(j, "requester",
                        t->requester_address
                            ? json_pack("{s:s, s:s}", "name",
                                        t->requester_name ? t->requester_name
                                                          : "",
                                        "address", t->requester_address)
                            : json_null());
    json_object_set_new(j, "assignee", t->assignee_name
                                           ? json_string(t->assignee_name)
                                           : json_null());
    json_object_set_new(j, "lang", json_string(t->lang ? t->lang : ""));
    json_object_set_new(j, "needs_review", json_boolean(t->needs_review));
    json_object_set_new(j, "created_at", hd_cli_json_time(t->created_at));
    json_object_set_new(j, "updated_at", hd_cli_json_time(t->updated_at));
    json_object_set_new(
        j, "sla",
        json_pack("{s:o, s:o, s:o, s:o, s:s, s:s}", "first_response_due",
                  hd_cli_json_time(t->first_response_due), "resolution_due",
                  hd_cli_json_time(t->resolution_due), "first_response_at",
                  hd_cli_json_time(t->first_response_at), "resolved_at",
                  hd_cli_json_time(t->resolved_at), "first_response_state",
                  t->sla_first_state ? t->sla_first_state : "running",
                  "resolution_state",
                  t->sla_resolve_state ? t->sla_resolve_state : "running"));
    return j;
}

static int parse_filter(struct hd_cli *cli, int argc, char **argv,
                        struct hd_ticket_filter *f, struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(cli->inst);
    const char *v;
    hd_ticket_filter_init(f);
    if ((v = hd_cli_opt(argc, argv, "--status")) != NULL) {
        enum hd_status s;
        if (strcmp(v, "open-any") == 0)
            f->status = HD_STATUS_COUNT;
        else if (hd_status_parse(v, &s, err) < 0)
            return -1;
        else
            f->status = (int)s;
    }
    if ((v = hd_cli_opt(argc, argv, "--priority")) != NULL) {
        enum hd_priority p;
        if (hd_priority_parse(v, &p, err) < 0)
            return -1;
        f->priority = (int)p;
    }
    if ((v = hd_cli_opt(argc, argv, "--category")) != NULL) {
        enum hd_category c;
        if (hd_category_parse(v, &c, err) < 0)
            return -1;
        f->category = (int)c;
    }
    if ((v = hd_cli_opt(argc, argv, "--queue")) != NULL) {
        struct hd_queue q;
        int found = hd_store_queue_get(st, 0, v, cli->arena, &q, err);
        if (found <= 0) {
            if (found == 0)
                hd_error_set(err, HD_E_NOTFOUND, "no queue '%.60s'", v);
            return -1;
        }
        f->queue_id = q.id;
    }
    if ((v = hd_cli_opt(argc, argv, "--limit")) != NULL)
        f->limit = (size_t)strtoul(v, NULL, 10);
    f->tag = hd_cli_opt(argc, argv, "--tag");
    return 0;
}

static int ticket_list(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_ticket_filter f;
    struct hd_ticket *ts;
    size_t n;
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    if (parse_filter(cli, argc, argv, &f, &err) < 0 ||
        hd_store_ticket_list(hd_instance_store(cli->inst), &f, cli->arena,
                             &ts, &n, &err) < 0)
        return hd_cli_fail(&err);
    if (cli->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, hd_cli_ticket_json(&ts[i]));
        hd_cli_print_json(arr);
        return HD_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++)
        printf("#%-6lld %-8s %-8s %-6s %-12s %s\n", (long long)ts[i].number,
               hd_category_name(ts[i].category), hd_status_name(ts[i].status),
               hd_priority_name(ts[i].priority),
               ts[i].queue_name ? ts[i].queue_name : "-", ts[i].subject);
    return HD_EXIT_OK;
}

static json_t *message_json(struct hd_cli *cli, const struct hd_message *m)
{
    struct hd_error err = HD_ERROR_INIT;
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s?, s:o, s:b, s:b}",
        "id", (json_int_t)m->id, "kind", hd_msg_kind_name(m->kind), "from",
        m->from_addr, "from_name", m->from_name, "subject", m->subject,
        "message_id", m->message_id, "text", m->body_text, "html",
        m->body_html, "to", m->to_addrs, "in_reply_to", m->in_reply_to,
        "created_at", hd_cli_json_time(m->created_at), "auto_reply",
        m->auto_reply, "bounce", m->bounce);
    struct hd_attachment *as;
    size_t n;
    json_t *arr = json_array();
    if (hd_store_attachment_list(hd_instance_store(cli->inst), m->id,
                                 cli->arena, &as, &n, &err) == 0) {
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:b}",
                               "filename", as[i].filename, "content_type",
                               as[i].content_type, "size",
                               (json_int_t)as[i].size, "sha256",
                               as[i].sha256, "state", as[i].state,
                               "scan_state", as[i].scan_state, "inline",
                               as[i].inline_));
    }
    json_object_set_new(j, "attachments", arr);
    return j;
}

int hd_cli_ticket_load(struct hd_cli *cli, const char *text,
                       struct hd_ticket *t, struct hd_error *err)
{
    const char *num = text[0] == '#' ? text + 1 : text;
    char *end;
    long long number = strtoll(num, &end, 10);
    if (*num == '\0' || *end != '\0' || number <= 0) {
        hd_error_set(err, HD_E_INVAL, "'%.40s' is not a ticket number", text);
        return -1;
    }
    int found = hd_store_ticket_get(hd_instance_store(cli->inst), 0, number,
                                    cli->arena, t, err);
    if (found == 0)
        hd_error_set(err, HD_E_NOTFOUND, "no ticket #%lld", number);
    return found;
}

static int ticket_show(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (argc < 3)
        return hd_cli_usage("ticket show NUMBER [--json]");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_store *st = hd_instance_store(cli->inst);
    struct hd_ticket t;
    if (hd_cli_ticket_load(cli, argv[2], &t, &err) <= 0)
        return hd_cli_fail(&err);
    long long number = t.number;
    struct hd_message *ms;
    struct hd_event *es;
    size_t nm, ne;
    if (hd_store_message_list(st, t.id, true, cli->arena, &ms, &nm, &err) < 0 ||
        hd_store_event_list(st, t.id, cli->arena, &es, &ne, &err) < 0)
        return hd_cli_fail(&err);
    if (cli->json) {
        json_t *j = hd_cli_ticket_json(&t);
        json_t *marr = json_array(), *earr = json_array();
        for (size_t i = 0; i < nm; i++)
            json_array_append_new(marr, message_json(cli, &ms[i]));
        for (size_t i = 0; i < ne; i++)
            json_array_append_new(
                earr, json_pack("{s:o, s:s, s:s, s:s?, s:s?, s:s?, s:s}",
                                "at", hd_cli_json_time(es[i].at), "actor",
                                es[i].actor, "kind", es[i].kind, "field",
                                es[i].field, "old", es[i].old_value, "new",
                                es[i].new_value, "detail", es[i].detail));
        json_object_set_new(j, "messages", marr);
        json_object_set_new(j, "history", earr);
        hd_cli_print_json(j);
        return HD_EXIT_OK;
    }
    printf("#%lld %s\n  status %s, priority %s, category %s, queue %s\n",
           number, t.subject, hd_status_name(t.status),
           hd_priority_name(t.priority), hd_category_name(t.category),
           t.queue_name ? t.queue_name : "-");
    for (size_t i = 0; i < nm; i++)
        printf("\n--- %s from %s\n%s\n", hd_msg_kind_name(ms[i].kind),
               ms[i].from_addr, ms[i].body_text);
    return HD_EXIT_OK;
}

int hd_cli_cmd_ticket(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk ticket list [--status S|open-any] "
               "[--priority P] [--category incident|general] [--queue Q] "
               "[--tag T] [--limit N] [--json]\n"
               "       helpdesk ticket show NUMBER [--json]\n"
               "       helpdesk ticket set NUMBER [--status S] "
               "[--priority P] [--category C] [--queue Q] "
               "[--assignee EMAIL|none] [--as EMAIL]\n"
               "       helpdesk ticket note|reply NUMBER --body-file "
               "FILE|- --as EMAIL\n"
               "       helpdesk ticket merge NUMBER --into NUMBER "
               "[--as EMAIL]\n");
        return HD_EXIT_OK;
    }
    if (strcmp(sub, "list") == 0)
        return ticket_list(cli, argc, argv);
    if (strcmp(sub, "show") == 0)
        return ticket_show(cli, argc, argv);
    if (strcmp(sub, "set") == 0 || strcmp(sub, "note") == 0 ||
        strcmp(sub, "reply") == 0 || strcmp(sub, "merge") == 0)
        return hd_cli_ticket_act(cli, argc, argv);
    return hd_cli_usage("ticket: expected list, show, set, note, reply or "
                        "merge");
}
