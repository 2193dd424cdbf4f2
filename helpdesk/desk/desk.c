/* desk.c - see desk.h.  Each public operation is: checks, then the rows
 * in order (ticket, history, SLA, audit, webhook, mail), inside tx_begin()
 * and tx_end(), which open and close a transaction only when the caller
 * has none. */
#include "desk.h"

#include "audit.h"
#include "auth.h"
#include "blob.h"
#include "clock.h"
#include "crypt.h"
#include "csat.h"
#include "log.h"
#include "notify.h"
#include "outbound.h"
#include "sla.h"
#include "store_api.h"
#include "store_attach.h"
#include "store_sla.h"
#include "store_spam.h"
#include "store_stats.h"
#include "ticket_json.h"
#include "webhook.h"

#include <jansson.h>
#include <string.h>

struct hd_desk {
    struct hd_instance *inst;
    struct hd_store *st;
    struct hd_arena *a;
    struct hd_desk_who who;
    struct hd_sla *sla; /* the business calendar, built on first use */
};

static void desk_release(void *p)
{
    struct hd_desk *d = p;
    hd_sla_free(&d->sla);
}

struct hd_desk *hd_desk_new(struct hd_instance *inst, struct hd_store *st,
                            struct hd_arena *a, const struct hd_desk_who *who)
{
    struct hd_desk *d = hd_arena_zalloc(a, sizeof *d);
    *d = (struct hd_desk){.inst = inst, .st = st, .a = a, .who = *who};
    hd_arena_cleanup(a, desk_release, d);
    return d;
}

void hd_desk_change_init(struct hd_desk_change *c)
{
    *c = (struct hd_desk_change){
        .status = HD_DESK_KEEP, .priority = HD_DESK_KEEP,
        .category = HD_DESK_KEEP, .queue_id = HD_DESK_KEEP,
        .assignee_id = HD_DESK_KEEP,
    };
}

/* ---- plumbing ---------------------------------------------------------- */

/* Opens a transaction unless the caller holds one; *own_r says which. */
static int tx_begin(struct hd_desk *d, bool *own_r, struct hd_error *err)
{
    *own_r = !hd_store_in_transaction(d->st);
    return *own_r ? hd_store_begin(d->st, err) : 0;
}

/* Ends what tx_begin() opened: commit on rc 0, else roll back.  The
 * caller's own transaction is the caller's to end. */
static int tx_end(struct hd_desk *d, bool own, int rc, struct hd_error *err)
{
    if (!own)
        return rc;
    if (rc == 0 && hd_store_commit(d->st, err) == 0)
        return 0;
    hd_store_rollback(d->st);
    return -1;
}

static int sla_of(struct hd_desk *d, const struct hd_sla **sla_r,
                  struct hd_error *err)
{
    if (d->sla == NULL && hd_sla_new(d->inst, d->st, &d->sla, err) < 0)
        return -1;
    *sla_r = d->sla;
    return 0;
}

/* t read again, with the names the webhook and the API show. */
static int reload(struct hd_desk *d, struct hd_ticket *t,
                  struct hd_error *err)
{
    int found = hd_store_ticket_get(d->st, t->id, 0, d->a, t, err);
    if (found == 0)
        hd_error_set(err, HD_E_NOTFOUND, "ticket %lld is gone",
                     (long long)t->number);
    return found == 1 ? 0 : -1;
}

static int audit(struct hd_desk *d, const struct hd_ticket *t,
                 const char *action, const char *before_json,
                 const char *after_json, struct hd_error *err)
{
    struct hd_audit_entry e = {
        .actor = d->who.actor,
        .source = d->who.source,
        .ip = d->who.ip,
        .request_id = d->who.request_id,
        .object = hd_arena_printf(d->a, "ticket:%lld", (long long)t->number),
        .action = action,
        .before_json = before_json,
        .after_json = after_json,
    };
    return hd_audit_append(d->st, &e, d->a, err);
}

/* The five fields an agent changes, as the audit rows hold them. */
static const char *fields_json(struct hd_desk *d, const struct hd_ticket *t)
{
    return hd_audit_json(
        d->a, json_pack("{s:s, s:s, s:s, s:I, s:I}", "status",
                        hd_status_name(t->status), "priority",
                        hd_priority_name(t->priority), "category",
                        hd_category_name(t->category), "assignee",
                        (json_int_t)t->assignee_id, "queue",
                        (json_int_t)t->queue_id));
}

static int set_field(struct hd_desk *d, const struct hd_ticket *t,
                     const char *field, const char *value,
                     struct hd_error *err)
{
    return hd_store_ticket_set(d->st, t->id, field, value, d->who.actor,
                               err);
}

/* Who acted, as a notification shows it: the agent's name, else the
 * history actor ("mailgw" for mail and its routing rules, "cli:root"). */
static const char *actor_name(struct hd_desk *d, struct hd_error *err)
{
    struct hd_user u;
    if (d->who.user_id <= 0)
        return d->who.actor;
    int found = hd_store_user_get(d->st, d->who.user_id, NULL, d->a, &u,
                                  NULL, err);
    return found < 0 ? NULL : found == 0 ? d->who.actor : u.name;
}

/* Tells t's new assignee, unless they assigned it themselves. */
static int notify_assigned(struct hd_desk *d, const struct hd_ticket *t,
                           struct hd_error *err)
{
    if (t->assignee_id <= 0 || t->assignee_id == d->who.user_id)
        return 0;
    const char *by = actor_name(d, err);
    struct hd_notify_event e = {
        .t = t, .kind = "assigned", .user_id = t->assignee_id,
        .actor_user_id = d->who.user_id, .by_name = by,
    };
    return by == NULL ? -1 : hd_notify_event(d->st, &e, d->a, err);
}

static const char *id_text(struct hd_desk *d, int64_t id)
{
    return id ? hd_arena_printf(d->a, "%lld", (long long)id) : "";
}

/* ---- fields ------------------------------------------------------------ */

/* Whether user_id may hold a ticket of queue_id: an enabled agent or
 * admin, granted the queue (an admin holds every queue).  0, or -1 with
 * HD_E_INVAL saying why (or the store's error).  A rule, not a grant of
 * the actor: it holds whoever assigns, through whichever door. */
static int check_assignee(struct hd_desk *d, int64_t user_id,
                          int64_t queue_id, struct hd_error *err)
{
    struct hd_user u;
    const char *why = NULL;
    int found = hd_store_user_get(d->st, user_id, NULL, d->a, &u, NULL, err);
    if (found < 0)
        return -1;
    if (found == 0)
        why = "no such user";
    else if (u.disabled)
        why = "the user is disabled";
    else if (strcmp(u.role, "viewer") == 0)
        why = "a viewer cannot hold tickets";
    else if (strcmp(u.role, "admin") != 0) {
        int has = queue_id > 0 ? hd_store_user_has_queue(d->st, user_id,
                                                         queue_id, err)
                               : 0;
        if (has < 0)
            return -1;
        if (has == 0)
            why = "the user is not granted the ticket's queue";
    }
    if (why == NULL)
        return 0;
    hd_error_set(err, HD_E_INVAL, "cannot assign to user %lld: %s",
                 (long long)user_id, why);
    return -1;
}

static int check_change(struct hd_desk *d, const struct hd_ticket *t,
                        const struct hd_desk_change *c, struct hd_error *err)
{
    if (c->status != HD_DESK_KEEP &&
        (c->status < 0 || c->status >= HD_STATUS_COUNT)) {
        hd_error_set(err, HD_E_INVAL, "no status %d", c->status);
        return -1;
    }
    if (c->priority != HD_DESK_KEEP &&
        (c->priority < 0 || c->priority >= HD_PRIO_COUNT)) {
        hd_error_set(err, HD_E_INVAL, "no priority %d", c->priority);
        return -1;
    }
    if (c->category != HD_DESK_KEEP &&
        (c->category < 0 || c->category >= HD_CAT_COUNT)) {
        hd_error_set(err, HD_E_INVAL, "no category %d", c->category);
        return -1;
    }
    if (c->status != HD_DESK_KEEP && c->status != (int)t->status &&
        !hd_status_can_change(t->status, (enum hd_status)c->status)) {
        hd_error_set(err, HD_E_INVAL, "status %s cannot become %s",
                     hd_status_name(t->status),
                     hd_status_name((enum hd_status)c->status));
        return -1;
    }
    if (c->queue_id != HD_DESK_KEEP && c->queue_id <= 0) {
        hd_error_set(err, HD_E_INVAL, "a ticket is always in a queue");
        return -1;
    }
    if (c->assignee_id != HD_DESK_KEEP && c->assignee_id != 0 &&
        c->assignee_id != t->assignee_id)
        return check_assignee(d, c->assignee_id,
                              c->queue_id != HD_DESK_KEEP ? c->queue_id
                                                          : t->queue_id,
                              err);
    return 0;
}

int hd_desk_check(struct hd_desk *d, const struct hd_ticket *t,
                  const struct hd_desk_change *c, struct hd_error *err)
{
    return check_change(d, t, c, err);
}

/* The history rows of c, field by field; *n_r counts the changed ones. */
static int write_fields(struct hd_desk *d, struct hd_ticket *t,
                        const struct hd_desk_change *c, int *n_r,
                        bool *reclassified_r, struct hd_error *err)
{
    *n_r = 0;
    *reclassified_r = false;
    if (c->priority != HD_DESK_KEEP && c->priority != (int)t->priority) {
        t->priority = (enum hd_priority)c->priority;
        if (set_field(d, t, "priority", hd_priority_name(t->priority),
                      err) < 0)
            return -1;
        ++*n_r;
        *reclassified_r = true;
    }
    if (c->category != HD_DESK_KEEP && c->category != (int)t->category) {
        t->category = (enum hd_category)c->category;
        if (set_field(d, t, "category", hd_category_name(t->category),
                      err) < 0)
            return -1;
        ++*n_r;
        *reclassified_r = true;
    }
    if (c->queue_id != HD_DESK_KEEP && c->queue_id != t->queue_id) {
        t->queue_id = c->queue_id;
        if (set_field(d, t, "queue", id_text(d, c->queue_id), err) < 0)
            return -1;
        ++*n_r;
    }
    if (c->assignee_id != HD_DESK_KEEP && c->assignee_id != t->assignee_id) {
        t->assignee_id = c->assignee_id;
        if (set_field(d, t, "assignee", id_text(d, c->assignee_id), err) < 0)
            return -1;
        ++*n_r;
    }
    if (c->status != HD_DESK_KEEP && c->status != (int)t->status) {
        if (set_field(d, t, "status",
                      hd_status_name((enum hd_status)c->status), err) < 0)
            return -1;
        ++*n_r;
    }
    return 0;
}

/* hd_desk_set() without its transaction; 'targets' says whether a new
 * priority or category brings new SLA targets. */
static int apply(struct hd_desk *d, struct hd_ticket *t,
                 const struct hd_desk_change *c, bool targets,
                 bool *changed_r, struct hd_error *err)
{
    const char *before = fields_json(d, t);
    enum hd_status old = t->status;
    int64_t old_assignee = t->assignee_id;
    const struct hd_sla *sla;
    bool reclassified;
    int n;
    *changed_r = false;
    if (check_change(d, t, c, err) < 0 ||
        write_fields(d, t, c, &n, &reclassified, err) < 0)
        return -1;
    if (n == 0)
        return 0;
    *changed_r = true;
    enum hd_status to = c->status == HD_DESK_KEEP ? old
                                                  : (enum hd_status)c->status;
    if ((reclassified && targets) || to != old) {
        if (sla_of(d, &sla, err) < 0 ||
            (reclassified && targets &&
             hd_sla_recompute(sla, d->st, t, err) < 0) ||
            (to != old && hd_sla_on_status(sla, d->st, t, old, to,
                                           hd_clock_now(), err) < 0))
            return -1;
    }
    if (reload(d, t, err) < 0 ||
        (t->assignee_id != old_assignee && notify_assigned(d, t, err) < 0))
        return -1;
    if (to != old && to == HD_STATUS_RESOLVED &&
        hd_csat_mail(d->inst, d->st, t, d->a, err) < 0)
        return -1;
    return audit(d, t, "ticket.update", before, fields_json(d, t), err) < 0
               ? -1
               : hd_webhook_ticket_event(d->st, "updated", t, err);
}

int hd_desk_set(struct hd_desk *d, struct hd_ticket *t,
                const struct hd_desk_change *c, bool *changed_r,
                struct hd_error *err)
{
    bool own, changed = false;
    if (tx_begin(d, &own, err) < 0)
        return -1;
    int rc = tx_end(d, own, apply(d, t, c, true, &changed, err), err);
    if (changed_r != NULL)
        *changed_r = rc == 0 && changed;
    return rc;
}

/* Only the status, as the desk itself changes it (reply, customer). */
static int set_status(struct hd_desk *d, struct hd_ticket *t,
                      enum hd_status to, struct hd_error *err)
{
    struct hd_desk_change c;
    bool changed;
    hd_desk_change_init(&c);
    c.status = (int)to;
    return apply(d, t, &c, true, &changed, err);
}

/* ---- messages ---------------------------------------------------------- */

/* The newest message from the customer, for In-Reply-To / References;
 * NULL when there is none (err untouched) or on error (err set). */
static const struct hd_message *customer_last(struct hd_desk *d,
                                              const struct hd_ticket *t,
                                              struct hd_error *err)
{
    struct hd_message *ms = NULL;
    size_t n = 0;
    if (hd_store_message_list(d->st, t->id, false, d->a, &ms, &n, err) < 0)
        return NULL;
    for (size_t i = n; i > 0; i--)
        if (ms[i - 1].kind == HD_MSG_INBOUND)
            return &ms[i - 1];
    return NULL;
}

static int check_reply(const struct hd_ticket *t, struct hd_error *err)
{
    if (t->requester_address == NULL) {
        hd_error_set(err, HD_E_INVAL,
                     "the ticket has no requester to write to");
        return -1;
    }
    if (t->status == HD_STATUS_CLOSED || t->merged_into != 0) {
        hd_error_set(err, HD_E_INVAL, "the ticket is closed");
        return -1;
    }
    return 0;
}

static int reply_rows(struct hd_desk *d, struct hd_ticket *t,
                      const char *body, const struct hd_outbound_file *files,
                      size_t nfiles, const char **message_id_r,
                      struct hd_error *err)
{
    struct hd_error lerr = HD_ERROR_INIT;
    const struct hd_message *c = customer_last(d, t, &lerr);
    const struct hd_sla *sla;
    if (c == NULL && lerr.code != HD_OK) {
        *err = lerr;
        return -1;
    }
    struct hd_outbound o = {
        .t = t,
        .kind = "reply",
        .to_addr = t->requester_address,
        .to_name = t->requester_name,
        .subject = t->subject,
        .body = body,
        .in_reply_to = c ? c->message_id : NULL,
        .refs = c && c->refs && *c->refs ? c->refs : NULL,
        .record = true,
        .author_user_id = d->who.user_id,
        .files = files,
        .nfiles = nfiles,
    };
    if (hd_outbound_queue(d->inst, d->st, &o, d->a, message_id_r, err) < 0)
        return -1;
    if (t->first_response_at == 0 &&
        (sla_of(d, &sla, err) < 0 ||
         hd_sla_first_response(sla, d->st, t, hd_clock_now(), err) < 0))
        return -1;
    if (t->status == HD_STATUS_NEW &&
        set_status(d, t, HD_STATUS_OPEN, err) < 0)
        return -1;
    return audit(d, t, "ticket.reply", NULL, NULL, err);
}

int hd_desk_reply(struct hd_desk *d, struct hd_ticket *t, const char *body,
                  const char **message_id_r, struct hd_error *err)
{
    return hd_desk_reply_files(d, t, body, NULL, 0, message_id_r, err);
}

/* ---- files ------------------------------------------------------------- */

/* Refuses files that would take t's organisation over its quota (the
 * same sum mail intake keeps: its tickets' stored attachments). */
static int files_quota(struct hd_desk *d, const struct hd_ticket *t,
                       const struct hd_desk_file *fs, size_t n,
                       struct hd_error *err)
{
    struct hd_org_usage u;
    int64_t add = 0;
    for (size_t i = 0; i < n; i++)
        add += hd_blob_writer_size(fs[i].w);
    if (n == 0 || t->org_id == 0)
        return 0;
    int f = hd_store_attach_org_usage(d->st, t->org_id, d->a, &u, err);
    if (f <= 0)
        return f;
    int64_t limit = u.quota_bytes >= 0
                        ? u.quota_bytes
                        : hd_config_get_int(hd_instance_config(d->inst),
                                            HD_CFG_ATTACHMENTS_ORG_QUOTA_BYTES);
    if (u.used_bytes + add <= limit)
        return 0;
    hd_error_set(err, HD_E_TOOBIG,
                 "the organisation's attachment quota is full (%lld of %lld "
                 "bytes used)",
                 (long long)u.used_bytes, (long long)limit);
    return -1;
}

/* Commits each file's blob in d's transaction: *of_r (in d's arena) gets
 * what the mail and the attachment rows need. */
static int files_commit(struct hd_desk *d, const struct hd_ticket *t,
                        struct hd_desk_file *fs, size_t n,
                        struct hd_outbound_file **of_r, struct hd_error *err)
{
    *of_r = NULL;
    if (n == 0)
        return 0;
    if (files_quota(d, t, fs, n, err) < 0)
        return -1;
    struct hd_outbound_file *of = hd_arena_alloc(d->a, n * sizeof *of);
    for (size_t i = 0; i < n; i++) {
        char *sha = hd_arena_alloc(d->a, 65);
        hd_blob_writer_bind(fs[i].w, d->st);
        if (hd_blob_writer_commit(&fs[i].w, sha, &of[i].size, err) < 0)
            return -1;
        of[i].filename = fs[i].filename;
        of[i].content_type = fs[i].content_type;
        of[i].detected_type = fs[i].detected_type;
        of[i].sha256 = sha;
    }
    *of_r = of;
    return 0;
}

/* The files as attachment rows of message_id, each with a history line. */
static int files_rows(struct hd_desk *d, const struct hd_ticket *t,
                      int64_t message_id, const struct hd_outbound_file *of,
                      size_t n, struct hd_error *err)
{
    for (size_t i = 0; i < n; i++) {
        struct hd_attachment at = {
            .message_id = message_id, .filename = of[i].filename,
            .content_type = of[i].content_type,
            .detected_type = of[i].detected_type, .size = of[i].size,
            .sha256 = of[i].sha256, .state = "stored",
        };
        if (hd_store_attachment_insert(d->st, &at, NULL, err) < 0 ||
            hd_store_event_add(
                d->st, t->id, d->who.actor, "attachment", NULL, NULL, NULL,
                hd_arena_printf(d->a, "attachment %.200s (%lld bytes) "
                                      "added, waiting for the virus scan",
                                of[i].filename, (long long)of[i].size),
                err) < 0)
            return -1;
    }
    return 0;
}

int hd_desk_reply_files(struct hd_desk *d, struct hd_ticket *t,
                        const char *body, struct hd_desk_file *files,
                        size_t n, const char **message_id_r,
                        struct hd_error *err)
{
    bool own;
    struct hd_outbound_file *of;
    if (check_reply(t, err) < 0 || tx_begin(d, &own, err) < 0)
        return -1;
    int rc = files_commit(d, t, files, n, &of, err) < 0
                 ? -1
                 : reply_rows(d, t, body, of, n, message_id_r, err);
    return tx_end(d, own, rc, err);
}

int hd_desk_attach(struct hd_desk *d, const struct hd_ticket *t,
                   int64_t message_id, struct hd_desk_file *files, size_t n,
                   struct hd_error *err)
{
    bool own;
    struct hd_outbound_file *of;
    if (tx_begin(d, &own, err) < 0)
        return -1;
    int rc = files_commit(d, t, files, n, &of, err) < 0
                 ? -1
                 : files_rows(d, t, message_id, of, n, err);
    return tx_end(d, own, rc, err);
}

static int note_rows(struct hd_desk *d, const struct hd_ticket *t,
                     const char *body, int64_t *id_r, struct hd_error *err)
{
    struct hd_user u = {0};
    if (d->who.user_id > 0 &&
        hd_store_user_get(d->st, d->who.user_id, NULL, d->a, &u, NULL,
                          err) < 0)
        return -1;
    char rnd[HD_TOKEN_SIZE];
    char hash[HD_SHA256_HEX_SIZE];
    hd_token_new(rnd);
    rnd[16] = '\0';
    hd_sha256_hex(body, strlen(body), hash);
    struct hd_message m = {
        .ticket_id = t->id,
        .kind = HD_MSG_NOTE,
        .author_user_id = d->who.user_id,
        .from_addr = u.email,
        .from_name = u.name,
        .message_id = hd_arena_printf(d->a, "note.%lld.%s@helpdesk",
                                      (long long)t->number, rnd),
        .body_text = body,
        .body_hash = hash,
        .created_at = hd_clock_now(),
    };
    if (hd_store_message_insert(d->st, &m, id_r, err) < 0 ||
        hd_store_event_add(d->st, t->id, d->who.actor, "note", NULL, NULL,
                           NULL, "", err) < 0 ||
        hd_notify_mentions(d->st, t, body, d->who.user_id,
                           u.name ? u.name : d->who.actor, d->a, err) < 0)
        return -1;
    return audit(d, t, "ticket.note", NULL, NULL, err);
}

int hd_desk_note(struct hd_desk *d, const struct hd_ticket *t,
                 const char *body, int64_t *id_r, struct hd_error *err)
{
    return hd_desk_note_files(d, t, body, NULL, 0, id_r, err);
}

int hd_desk_note_files(struct hd_desk *d, const struct hd_ticket *t,
                       const char *body, struct hd_desk_file *files, size_t n,
                       int64_t *id_r, struct hd_error *err)
{
    bool own;
    int64_t id = 0;
    struct hd_outbound_file *of;
    if (tx_begin(d, &own, err) < 0)
        return -1;
    int rc = files_commit(d, t, files, n, &of, err) < 0 ||
                     note_rows(d, t, body, &id, err) < 0 ||
                     files_rows(d, t, id, of, n, err) < 0
                 ? -1
                 : 0;
    rc = tx_end(d, own, rc, err);
    if (id_r != NULL)
        *id_r = id;
    return rc;
}

/* The customer answered: a pending ticket opens again, a resolved one
 * too when the instance says so. */
static int customer_woke(struct hd_desk *d, struct hd_ticket *t,
                         bool *reopened_r, struct hd_error *err)
{
    bool reopen = hd_config_get_bool(hd_instance_config(d->inst),
                                     HD_CFG_MAIL_REOPEN_RESOLVED);
    if (t->status != HD_STATUS_PENDING &&
        !(reopen && t->status == HD_STATUS_RESOLVED))
        return 0;
    *reopened_r = t->status == HD_STATUS_RESOLVED;
    return set_status(d, t, HD_STATUS_OPEN, err);
}

/* The customer wrote (not automatic mail): the assignee hears of it. */
static int notify_answered(struct hd_desk *d, const struct hd_ticket *t,
                           const struct hd_message *m, struct hd_error *err)
{
    if (t->assignee_id <= 0 || t->spam != HD_SPAM_NO)
        return 0;
    const char *by = t->requester_name && *t->requester_name
                         ? t->requester_name
                     : m->from_addr ? m->from_addr
                                    : d->who.actor;
    struct hd_notify_event e = {
        .t = t, .kind = "answered", .user_id = t->assignee_id,
        .actor_user_id = d->who.user_id, .by_name = by,
        .excerpt = m->body_text,
    };
    return hd_notify_event(d->st, &e, d->a, err);
}

int hd_desk_add_inbound(struct hd_desk *d, struct hd_ticket *t,
                        struct hd_message *m, bool automatic,
                        bool *reopened_r, struct hd_error *err)
{
    bool own, reopened = false;
    if (tx_begin(d, &own, err) < 0)
        return -1;
    m->ticket_id = t->id;
    int rc = -1;
    if ((automatic || customer_woke(d, t, &reopened, err) == 0) &&
        hd_store_message_insert(d->st, m, &m->id, err) == 0 &&
        (automatic || notify_answered(d, t, m, err) == 0))
        rc = 0;
    rc = tx_end(d, own, rc, err);
    if (reopened_r != NULL)
        *reopened_r = rc == 0 && reopened;
    return rc;
}

/* ---- opening ----------------------------------------------------------- */

/* A routing rule may name someone who cannot hold the ticket (a viewer,
 * a disabled user, an agent without the queue): the mail is not refused
 * for that, the ticket opens unassigned and its history says why.
 * *why_r gets that line, or NULL when the assignee stands. */
static int open_assignee(struct hd_desk *d, struct hd_ticket_new *tn,
                         const char **why_r, struct hd_error *err)
{
    struct hd_error why = HD_ERROR_INIT;
    *why_r = NULL;
    if (tn->assignee_id == 0 ||
        check_assignee(d, tn->assignee_id, tn->queue_id, &why) == 0)
        return 0;
    if (why.code != HD_E_INVAL) {
        *err = why;
        return -1;
    }
    tn->assignee_id = 0;
    *why_r = hd_arena_printf(d->a, "left unassigned: %s", why.msg);
    return 0;
}

/* Work derived from a new ticket (its webhook event, acknowledgement,
 * on-call alert) must never cost the ticket: each step runs in a
 * savepoint; a step that fails for good (a Subject too long for a mail
 * header, a payload over its limit, an address no mail can go to) is
 * undone alone, skipped, and the reason written on the ticket's history
 * as a "skipped" event (counted in /metrics).  A failure that may pass
 * (database busy, disk full, I/O) fails the whole operation, so the
 * caller retries it. */
static int derived_begin(struct hd_desk *d, struct hd_error *err)
{
    return hd_store_savepoint(d->st, err);
}

static bool derived_must_retry(const struct hd_error *e)
{
    return hd_error_is_temporary(e) || e->code == HD_E_IO;
}

static int derived_end(struct hd_desk *d, const struct hd_ticket *t,
                       const char *what, int rc, struct hd_error *e,
                       struct hd_error *err)
{
    if (rc == 0)
        return hd_store_release(d->st, err);
    hd_store_rollback_to(d->st);
    if (derived_must_retry(e)) {
        *err = *e;
        return -1;
    }
    char safe[200];
    hd_warn("desk", "skipped", "ticket=%lld what=%s code=%s error=\"%s\"",
            (long long)t->number, what, hd_errcode_name(e->code),
            hd_log_printable(e->msg, safe, sizeof safe - 1));
    const char *why = hd_arena_printf(d->a, "%s not built: %s", what,
                                      e->msg);
    hd_error_clear(e);
    return hd_store_event_add(d->st, t->id, d->who.actor, "skipped", what,
                              NULL, NULL, why, err);
}

/* A ticket opened (or released from spam): an assignee given at once
 * (a routing rule, the API) and the agents opted in to its queue hear. */
static int notify_opened(struct hd_desk *d, const struct hd_ticket *t,
                         const char *excerpt, struct hd_error *err)
{
    const char *by = actor_name(d, err);
    return by == NULL || notify_assigned(d, t, err) < 0 ||
                   hd_notify_new_ticket(d->st, t, d->who.user_id, by,
                                        excerpt, d->a, err) < 0
               ? -1
               : 0;
}

static int open_rows(struct hd_desk *d, struct hd_desk_open *o,
                     struct hd_ticket *t, struct hd_error *err)
{
    int64_t id, number;
    const struct hd_sla *sla;
    const char *unassigned;
    if (open_assignee(d, &o->tn, &unassigned, err) < 0 ||
        hd_store_ticket_insert(d->st, &o->tn, d->who.actor, &id, &number,
                               err) < 0)
        return -1;
    if (unassigned != NULL &&
        hd_store_event_add(d->st, id, d->who.actor, "routed", NULL, NULL,
                           NULL, unassigned, err) < 0)
        return -1;
    for (size_t i = 0; i < o->n_tags; i++)
        if (hd_store_ticket_add_tag(d->st, id, o->tags[i], err) < 0)
            return -1;
    for (size_t i = 0; i < o->n_reasons; i++)
        if (hd_store_event_add(d->st, id, d->who.actor, "routed", NULL, NULL,
                               NULL, o->reasons[i], err) < 0)
            return -1;
    for (size_t i = 0; i < o->n_cc; i++)
        if (hd_store_ticket_add_cc(d->st, id, o->cc_ids[i], err) < 0)
            return -1;
    o->first->ticket_id = id;
    if (hd_store_message_insert(d->st, o->first, &o->first->id, err) < 0)
        return -1;
    t->id = id;
    json_t *tj = NULL;
    if (reload(d, t, err) < 0)
        return -1;
    /* Held spam is nobody's work: no clock, no webhook, no mail. */
    if (t->spam == HD_SPAM_HELD)
        return audit(d, t, "ticket.create", NULL,
                     hd_audit_json(d->a, hd_ticket_json(t)), err) < 0
                   ? -1
                   : hd_store_event_add(d->st, id, d->who.actor, "spam",
                                        "spam", NULL, "held",
                                        t->spam_reason, err);
    if (sla_of(d, &sla, err) < 0 || hd_sla_start(sla, d->st, t, err) < 0 ||
        audit(d, t, "ticket.create", NULL,
              hd_audit_json(d->a, tj = hd_ticket_json(t)), err) < 0 ||
        notify_opened(d, t, o->first->body_text, err) < 0)
        return -1;
    struct hd_error e = HD_ERROR_INIT;
    bool acked;
    if (derived_begin(d, err) < 0 ||
        derived_end(d, t, "webhook",
                    hd_webhook_ticket_event(d->st, "created", t, &e), &e,
                    err) < 0)
        return -1;
    if (o->acknowledge &&
        (derived_begin(d, err) < 0 ||
         derived_end(d, t, "acknowledgement",
                     hd_outbound_ack(d->inst, d->st, sla, t,
                                     o->ack_in_reply_to, o->ack_refs,
                                     o->refused, o->n_refused, &acked, &e),
                     &e, err) < 0))
        return -1;
    if (o->alert && t->category == HD_CAT_INCIDENT &&
        (derived_begin(d, err) < 0 ||
         derived_end(d, t, "alert",
                     hd_outbound_alert(d->inst, d->st, t,
                                       o->first->body_text, &e),
                     &e, err) < 0))
        return -1;
    return 0;
}

int hd_desk_open(struct hd_desk *d, struct hd_desk_open *o,
                 struct hd_ticket *t_r, struct hd_error *err)
{
    bool own;
    if (o->tn.spam == HD_SPAM_HELD)
        o->tn.status = HD_STATUS_CLOSED; /* out of every open count */
    if (tx_begin(d, &own, err) < 0)
        return -1;
    return tx_end(d, own, open_rows(d, o, t_r, err), err);
}

/* ---- spam -------------------------------------------------------------- */

static int spam_rows(struct hd_desk *d, struct hd_ticket *t, bool release,
                     struct hd_error *err)
{
    const char *before = fields_json(d, t);
    int to = release ? HD_SPAM_NO : HD_SPAM_CONFIRMED;
    const struct hd_sla *sla;
    if (hd_store_ticket_spam_set(d->st, t->id, to,
                                 release ? HD_STATUS_NEW : HD_STATUS_CLOSED,
                                 d->who.actor,
                                 release ? "released" : "confirmed",
                                 err) < 0 ||
        (t->requester_address != NULL &&
         hd_store_sender_set(d->st, t->requester_address,
                             release ? HD_SENDER_ALLOW : HD_SENDER_BLOCK,
                             d->who.user_id, err) < 0) ||
        reload(d, t, err) < 0)
        return -1;
    if (release && (sla_of(d, &sla, err) < 0 ||
                    hd_sla_start(sla, d->st, t, err) < 0 ||
                    reload(d, t, err) < 0 ||
                    hd_webhook_ticket_event(d->st, "created", t, err) < 0 ||
                    notify_opened(d, t, NULL, err) < 0))
        return -1;
    return audit(d, t, release ? "ticket.spam_release" : "ticket.spam_confirm",
                 before, fields_json(d, t), err);
}

int hd_desk_spam(struct hd_desk *d, struct hd_ticket *t, bool release,
                 struct hd_error *err)
{
    bool own;
    if (t->spam != HD_SPAM_HELD) {
        hd_error_set(err, HD_E_INVAL, "ticket %lld is not held as spam",
                     (long long)t->number);
        return -1;
    }
    if (tx_begin(d, &own, err) < 0)
        return -1;
    return tx_end(d, own, spam_rows(d, t, release, err), err);
}

/* ---- customer satisfaction --------------------------------------------- */

static int rate_rows(struct hd_desk *d, const struct hd_ticket *t,
                     bool good, const char *comment, struct hd_error *err)
{
    const char *rating = good ? "good" : "bad";
    const char *after = hd_audit_json(
        d->a, json_pack("{s:s, s:s}", "rating", rating, "comment", comment));
    if (hd_store_csat_put(d->st, t->id, rating, comment, err) < 0 ||
        hd_store_event_add(d->st, t->id, d->who.actor, "csat", "rating",
                           NULL, rating, comment, err) < 0)
        return -1;
    return audit(d, t, "ticket.rate", NULL, after, err);
}

int hd_desk_rate(struct hd_desk *d, const struct hd_ticket *t, bool good,
                 const char *comment, struct hd_error *err)
{
    bool own;
    if (t->status != HD_STATUS_RESOLVED && t->status != HD_STATUS_CLOSED) {
        hd_error_set(err, HD_E_INVAL, "ticket %lld is not solved yet",
                     (long long)t->number);
        return -1;
    }
    if (t->spam != HD_SPAM_NO) {
        hd_error_set(err, HD_E_INVAL, "spam is not rated");
        return -1;
    }
    if (comment == NULL)
        comment = "";
    if (strlen(comment) > HD_CSAT_COMMENT_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "comment of %zu bytes, max %d",
                     strlen(comment), HD_CSAT_COMMENT_MAX);
        return -1;
    }
    if (tx_begin(d, &own, err) < 0)
        return -1;
    return tx_end(d, own, rate_rows(d, t, good, comment, err), err);
}

/* ---- merging ----------------------------------------------------------- */

static int merge_rows(struct hd_desk *d, struct hd_ticket *from,
                      struct hd_ticket *into, struct hd_error *err)
{
    const char *after = hd_audit_json(
        d->a, json_pack("{s:I}", "into", (json_int_t)into->number));
    if (hd_store_api_ticket_merge(d->st, from->id, into->id, d->who.actor,
                                  err) < 0 ||
        reload(d, from, err) < 0 || reload(d, into, err) < 0 ||
        audit(d, from, "ticket.merge", NULL, after, err) < 0)
        return -1;
    return hd_webhook_ticket_event(d->st, "updated", from, err);
}

int hd_desk_merge(struct hd_desk *d, struct hd_ticket *from,
                  struct hd_ticket *into, struct hd_error *err)
{
    bool own;
    if (into->id == from->id || from->merged_into != 0 ||
        into->merged_into != 0) {
        hd_error_set(err, HD_E_INVAL, "a ticket merges once, into another "
                                      "unmerged ticket");
        return -1;
    }
    if (tx_begin(d, &own, err) < 0)
        return -1;
    return tx_end(d, own, merge_rows(d, from, into, err), err);
}

/* ---- the SLA clock ----------------------------------------------------- */

/* The state the running clock of t moves to at now, or NULL. */
static const char *next_state(const struct hd_sla *sla,
                              const struct hd_ticket *t, int64_t now,
                              bool *first_r)
{
    const char *which;
    enum hd_sla_level lvl = hd_sla_level(sla, t, now, &which);
    *first_r = strcmp(which, "first_response") == 0;
    const char *state = *first_r ? t->sla_first_state : t->sla_resolve_state;
    if (lvl == HD_SLA_BREACHED && strcmp(state, "breached") != 0)
        return "breached";
    if (lvl == HD_SLA_WARNING && strcmp(state, "running") == 0)
        return "warned";
    return NULL;
}

/* A breach: the webhook (the ticket as it was), then one step of
 * priority. */
static int breached(struct hd_desk *d, struct hd_ticket *t,
                    struct hd_error *err)
{
    bool changed;
    if (hd_webhook_ticket_event(d->st, "sla_breached", t, err) < 0)
        return -1;
    if (t->priority >= HD_PRIO_URGENT)
        return 0;
    struct hd_desk_change c;
    hd_desk_change_init(&c);
    c.priority = (int)t->priority + 1;
    return apply(d, t, &c, false, &changed, err);
}

/* "SLA warned: ..." or "SLA breached: ..." to the assignee, if any. */
static int mail_assignee(struct hd_desk *d, const struct hd_ticket *t,
                         const char *state, const char *detail,
                         struct hd_error *err)
{
    struct hd_user u;
    if (t->assignee_id <= 0)
        return 0;
    if (hd_store_user_get(d->st, t->assignee_id, NULL, d->a, &u, NULL,
                          err) <= 0)
        return -1;
    struct hd_outbound o = {
        .t = t, .kind = "escalation", .to_addr = u.email, .to_name = u.name,
        .subject = hd_arena_printf(d->a, "SLA %s: %s", state, t->subject),
        .body = detail, .automatic = true, .reply_user_id = u.id,
    };
    return hd_outbound_queue(d->inst, d->st, &o, d->a, NULL, err);
}

/* 0 escalated, 1 another worker escalated it already, -1 error. */
static int escalate_rows(struct hd_desk *d, struct hd_ticket *t,
                         const char *next, bool first, struct hd_error *err)
{
    /* t was read before this transaction: claim the step first, so two
     * workers (on one host or several) never both record and mail it. */
    int c = hd_store_ticket_sla_step(
        d->st, t->id, first,
        first ? t->sla_first_state : t->sla_resolve_state, next, err);
    if (c <= 0)
        return c < 0 ? -1 : 1;
    if (first)
        t->sla_first_state = next;
    else
        t->sla_resolve_state = next;
    char dues[32];
    hd_time_format_local(first ? t->first_response_due : t->resolution_due,
                         dues);
    const char *detail = hd_arena_printf(
        d->a, "%s target %s (due %s)", first ? "first response" : "resolution",
        strcmp(next, "breached") == 0 ? "breached" : "at 80%", dues);
    if (hd_store_ticket_set_sla(d->st, t, err) < 0 ||
        hd_store_event_add(d->st, t->id, d->who.actor, "sla", NULL, NULL,
                           next, detail, err) < 0 ||
        (strcmp(next, "breached") == 0 && breached(d, t, err) < 0))
        return -1;
    return mail_assignee(d, t, next, detail, err);
}

int hd_desk_escalate(struct hd_desk *d, struct hd_ticket *t, int64_t now,
                     bool *changed_r, struct hd_error *err)
{
    const struct hd_sla *sla;
    bool first, own;
    *changed_r = false;
    if (sla_of(d, &sla, err) < 0)
        return -1;
    const char *next = next_state(sla, t, now, &first);
    if (next == NULL)
        return 0;
    if (tx_begin(d, &own, err) < 0)
        return -1;
    int r = escalate_rows(d, t, next, first, err);
    int rc = tx_end(d, own, r < 0 ? -1 : 0, err);
    *changed_r = rc == 0 && r == 0;
    return rc;
}
