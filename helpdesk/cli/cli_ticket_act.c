/* cli_ticket_act.c - `helpdesk ticket set|note|reply|merge`: an operator
 * changes a ticket from the shell through the desk (desk.h), exactly as
 * the agents' pages and the API do: history with actor "cli:<unix
 * user>", an audit row with source cli, SLA clocks and webhooks.  --as
 * EMAIL names the agent the change is made for (required to write a
 * note or reply, which have an author). */
#include "cli_int.h"

#include "audit.h"
#include "desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HD_CLI_TEXT_MAX (256 * 1024) /* a note or reply body */

/* The enabled agent with this email: 0 with *id_r, -1 with err set. */
static int agent_id(struct hd_cli *cli, const char *email, int64_t *id_r,
                    struct hd_error *err)
{
    struct hd_user u;
    int found = hd_store_user_get(hd_instance_store(cli->inst), 0, email,
                                  cli->arena, &u, NULL, err);
    if (found < 0)
        return -1;
    if (found == 0 || u.disabled || strcmp(u.role, "viewer") == 0) {
        hd_error_set(err, HD_E_NOTFOUND, "no agent '%.100s'", email);
        return -1;
    }
    *id_r = u.id;
    return 0;
}

/* The agent named by --as into *id_r (0 when absent and not required);
 * -1 with err set. */
static int as_user(struct hd_cli *cli, int argc, char **argv, bool required,
                   int64_t *id_r, struct hd_error *err)
{
    const char *email = hd_cli_opt(argc, argv, "--as");
    *id_r = 0;
    if (email != NULL)
        return agent_id(cli, email, id_r, err);
    if (!required)
        return 0;
    hd_error_set(err, HD_E_INVAL, "--as EMAIL names the author");
    return -1;
}

/* --queue NAME and --assignee EMAIL|none into c. */
static int refs_of(struct hd_cli *cli, int argc, char **argv,
                   struct hd_desk_change *c, struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(cli->inst);
    const char *v;
    if ((v = hd_cli_opt(argc, argv, "--queue")) != NULL) {
        struct hd_queue q;
        int found = hd_store_queue_get(st, 0, v, cli->arena, &q, err);
        if (found == 0)
            hd_error_set(err, HD_E_NOTFOUND, "no queue '%.60s'", v);
        if (found <= 0)
            return -1;
        c->queue_id = q.id;
    }
    if ((v = hd_cli_opt(argc, argv, "--assignee")) != NULL) {
        if (strcmp(v, "none") == 0)
            c->assignee_id = 0;
        else if (agent_id(cli, v, &c->assignee_id, err) < 0)
            return -1;
    }
    return 0;
}

/* The options of `ticket set` as a change; -1 with err set. */
static int change_of(struct hd_cli *cli, int argc, char **argv,
                     struct hd_desk_change *c, struct hd_error *err)
{
    const char *v;
    enum hd_status s;
    enum hd_priority p;
    enum hd_category cat;
    hd_desk_change_init(c);
    if ((v = hd_cli_opt(argc, argv, "--status")) != NULL) {
        if (hd_status_parse(v, &s, err) < 0)
            return -1;
        c->status = (int)s;
    }
    if ((v = hd_cli_opt(argc, argv, "--priority")) != NULL) {
        if (hd_priority_parse(v, &p, err) < 0)
            return -1;
        c->priority = (int)p;
    }
    if ((v = hd_cli_opt(argc, argv, "--category")) != NULL) {
        if (hd_category_parse(v, &cat, err) < 0)
            return -1;
        c->category = (int)cat;
    }
    return refs_of(cli, argc, argv, c, err);
}

static int act(struct hd_cli *cli, struct hd_desk *d, const char *sub,
               struct hd_ticket *t, int argc, char **argv,
               struct hd_error *err)
{
    if (strcmp(sub, "set") == 0) {
        struct hd_desk_change c;
        bool changed;
        if (change_of(cli, argc, argv, &c, err) < 0 ||
            hd_desk_set(d, t, &c, &changed, err) < 0)
            return -1;
        printf("#%lld %s\n", (long long)t->number,
               changed ? "changed" : "unchanged");
        return 0;
    }
    if (strcmp(sub, "merge") == 0) {
        const char *into_text = hd_cli_opt(argc, argv, "--into");
        struct hd_ticket into;
        if (into_text == NULL) {
            hd_error_set(err, HD_E_INVAL, "merge needs --into NUMBER");
            return -1;
        }
        if (hd_cli_ticket_load(cli, into_text, &into, err) <= 0 ||
            hd_desk_merge(d, t, &into, err) < 0)
            return -1;
        printf("#%lld merged into #%lld\n", (long long)t->number,
               (long long)into.number);
        return 0;
    }
    const char *file = hd_cli_opt(argc, argv, "--body-file");
    const char *body = file ? hd_cli_read_text(cli, file, HD_CLI_TEXT_MAX)
                            : NULL;
    if (body == NULL || body[strspn(body, " \r\n\t")] == '\0') {
        hd_error_set(err, HD_E_INVAL, "%s needs a non-empty --body-file "
                                      "FILE|-", sub);
        return -1;
    }
    if (strcmp(sub, "note") == 0)
        return hd_desk_note(d, t, body, NULL, err);
    const char *msgid = NULL;
    if (hd_desk_reply(d, t, body, &msgid, err) < 0)
        return -1;
    printf("#%lld reply queued as <%s>\n", (long long)t->number, msgid);
    return 0;
}

int hd_cli_ticket_act(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    const char *sub = argv[1];
    struct hd_ticket t;
    if (argc < 3 || argv[2][0] == '-')
        return hd_cli_usage("ticket %s NUMBER ...", sub);
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    struct hd_desk_who who = {.actor = hd_audit_cli_actor(cli->arena),
                              .source = "cli"};
    bool author = strcmp(sub, "note") == 0 || strcmp(sub, "reply") == 0;
    if (as_user(cli, argc, argv, author, &who.user_id, &err) < 0 ||
        hd_cli_ticket_load(cli, argv[2], &t, &err) <= 0)
        return hd_cli_fail(&err);
    struct hd_desk *d = hd_desk_new(cli->inst, hd_instance_store(cli->inst),
                                    cli->arena, &who);
    if (act(cli, d, sub, &t, argc, argv, &err) < 0)
        return hd_cli_fail(&err);
    return HD_EXIT_OK;
}
