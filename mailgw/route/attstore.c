/* attstore.c - see attstore.h.  Order per attachment: policy (size, then
 * type by the decoded bytes), then quota, then bytes to the blob store,
 * then the row; an event on the ticket for anything not stored.  The
 * quota counts what the organisation's tickets hold in 'stored'
 * attachments, including those stored earlier in this same mail. */
#include "attstore.h"

#include "blob.h"
#include "config.h"
#include "log.h"
#include "outbound.h"
#include "store_attach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes at most MG_FILETYPE_SNIFF_MAX leading bytes into buf. */
static size_t sniff(const struct mg_attachment *at, char *buf)
{
    struct mg_att_reader *rd = hd_xmalloc(sizeof *rd);
    const char *p;
    size_t n, got = 0;
    mg_att_reader_init(rd, at);
    while (got < MG_FILETYPE_SNIFF_MAX && mg_att_reader_next(rd, &p, &n)) {
        size_t k = n < MG_FILETYPE_SNIFF_MAX - got ? n
                                                   : MG_FILETYPE_SNIFF_MAX - got;
        memcpy(buf + got, p, k);
        got += k;
    }
    free(rd);
    return got;
}

static void detect(const struct mg_attachment *at, char out[MG_FILETYPE_MAX])
{
    struct hd_error err = HD_ERROR_INIT;
    char *buf = hd_xmalloc(MG_FILETYPE_SNIFF_MAX);
    size_t n = sniff(at, buf);
    if (mg_filetype_detect(buf, n, out, &err) < 0)
        hd_warn("attach", "detect_failed", "error=\"%s\"", err.msg);
    free(buf);
}

void mg_att_policy_check(const struct hd_config *cfg, int64_t size,
                         const char *detected, const char *declared,
                         struct mg_att_policy *p)
{
    const char *deny = hd_config_get(cfg, HD_CFG_MAIL_ATTACHMENT_DENY_TYPES);
    const char *allow = hd_config_get(cfg, HD_CFG_MAIL_ATTACHMENT_ALLOW_TYPES);
    long long max = hd_config_get_int(cfg, HD_CFG_MAIL_MAX_ATTACHMENT_BYTES);
    p->state = "stored";
    p->why = NULL;
    if (p->detected != detected)
        snprintf(p->detected, sizeof p->detected, "%s", detected);
    if ((long long)size > max) {
        p->state = "oversize";
        p->why = "over the size limit";
    } else if (mg_filetype_in_list(deny, p->detected)) {
        p->state = "refused";
        p->why = "detected type not allowed";
    } else if (mg_filetype_in_list(deny, declared)) {
        p->state = "refused";
        p->why = "declared type not allowed";
    } else if (allow[0] != '\0' && !mg_filetype_in_list(allow, p->detected)) {
        p->state = "refused";
        p->why = "detected type not in the allowed list";
    }
}

void mg_att_policy_decide(const struct hd_config *cfg,
                          const struct mg_attachment *at,
                          struct mg_att_policy *p)
{
    detect(at, p->detected);
    mg_att_policy_check(cfg, (int64_t)at->size, p->detected,
                        at->content_type, p);
}

struct mg_att_policy *mg_att_policies_decide(const struct hd_config *cfg,
                                             const struct mg_mail *m,
                                             struct hd_arena *a)
{
    if (m->n_attachments == 0)
        return NULL;
    struct mg_att_policy *pol = hd_arena_alloc(a,
                                               m->n_attachments * sizeof *pol);
    for (size_t i = 0; i < m->n_attachments; i++)
        mg_att_policy_decide(cfg, &m->attachments[i], &pol[i]);
    return pol;
}

/* A file name on one line of a mail: control bytes become spaces. */
static const char *printable_name(struct hd_arena *a, const char *name)
{
    char *s = hd_arena_strdup(a, name);
    for (char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
    return s;
}

size_t mg_att_refusals(const struct mg_mail *m, const struct mg_att_policy *pol,
                       struct hd_arena *a,
                       const struct hd_refused_file **refused_r)
{
    size_t n = 0;
    struct hd_refused_file *rf = hd_arena_alloc(a, (m->n_attachments + 1) *
                                                       sizeof *rf);
    for (size_t i = 0; i < m->n_attachments; i++) {
        bool big = strcmp(pol[i].state, "oversize") == 0;
        if (!big && strcmp(pol[i].state, "refused") != 0)
            continue;
        rf[n].filename = printable_name(a, m->attachments[i].filename);
        rf[n].why = big ? HD_REFUSED_SIZE : HD_REFUSED_TYPE;
        n++;
    }
    *refused_r = rf;
    return n;
}

/* The ticket's organisation and how much of its quota is used. */
struct quota {
    bool loaded;  /* looked up (once per mail) */
    bool limited; /* the ticket has an organisation */
    int64_t org_id, limit, used;
    const char *org;
    size_t held; /* attachments held in this mail */
};

static int quota_load(struct hd_instance *inst, struct hd_store *st,
                      int64_t ticket_id, struct hd_arena *a, struct quota *q,
                      struct hd_error *err)
{
    struct hd_ticket t;
    struct hd_org_usage u;
    q->loaded = true;
    if (hd_store_ticket_get(st, ticket_id, 0, a, &t, err) <= 0) {
        if (err->code == HD_OK)
            hd_error_set(err, HD_E_INTERNAL, "ticket %lld vanished",
                         (long long)ticket_id);
        return -1;
    }
    if (t.org_id == 0)
        return 0;
    int f = hd_store_attach_org_usage(st, t.org_id, a, &u, err);
    if (f <= 0)
        return f;
    q->limited = true;
    q->org_id = u.org_id;
    q->org = u.name;
    q->used = u.used_bytes;
    q->limit = u.quota_bytes >= 0
                   ? u.quota_bytes
                   : hd_config_get_int(hd_instance_config(inst),
                                       HD_CFG_ATTACHMENTS_ORG_QUOTA_BYTES);
    return 0;
}

/* Decodes the attachment chunk by chunk straight into the blob writer;
 * neither the encoded nor the decoded part is ever held whole.  With a
 * mapped raw message the pages already read are dropped behind. */
static int write_blob(const char *blobs, const struct mg_attachment *at,
                      bool mapped, struct hd_store *st, struct hd_error *err)
{
    struct hd_blob_writer *w;
    struct mg_att_reader *rd = hd_xmalloc(sizeof *rd);
    const char *p;
    size_t n, dropped = 0;
    char sha[65];
    int rc = -1;
    if (hd_blob_writer_open(st, blobs, &w, err) < 0)
        goto out;
    mg_att_reader_init(rd, at);
    while (mg_att_reader_next(rd, &p, &n)) {
        if (hd_blob_writer_append(w, p, n, err) < 0) {
            hd_blob_writer_abort(&w);
            goto out;
        }
        if (mapped && rd->pos - dropped >= MG_RAW_DROP_STEP) {
            mg_raw_drop(at->raw + dropped, rd->pos - dropped);
            dropped = rd->pos;
        }
    }
    if (mapped)
        mg_raw_drop(at->raw, at->raw_len);
    if (hd_blob_writer_commit(&w, sha, NULL, err) < 0)
        goto out;
    if (strcmp(sha, at->sha256) != 0) { /* the parser hashed other bytes */
        hd_error_set(err, HD_E_INTERNAL, "attachment %s: stored %s, parsed %s",
                     at->filename, sha, at->sha256);
        goto out;
    }
    rc = 0;
out:
    free(rd);
    return rc;
}

/* One mail to every active admin: the ticket, the organisation, and the
 * two ways out (purge, or a bigger quota). */
static int tell_admins(struct hd_instance *inst, struct hd_store *st,
                       int64_t ticket_id, const struct quota *q,
                       struct hd_arena *a, struct hd_error *err)
{
    struct hd_ticket t;
    struct hd_user *us;
    size_t n;
    if (hd_store_ticket_get(st, ticket_id, 0, a, &t, err) <= 0 ||
        hd_store_user_list(st, a, &us, &n, err) < 0)
        return -1;
    const char *body = hd_arena_printf(
        a,
        "Ticket #%lld: %zu attachment(s) from organisation \"%s\" were held "
        "and not stored: the organisation uses %lld of its %lld bytes.\n\n"
        "Free space:   helpdesk attachments purge --org %lld "
        "--older-than DAYS\n"
        "Raise quota:  helpdesk attachments quota --org %lld BYTES\n",
        (long long)t.number, q->held, q->org, (long long)q->used,
        (long long)q->limit, (long long)q->org_id, (long long)q->org_id);
    for (size_t i = 0; i < n; i++) {
        if (us[i].disabled || strcmp(us[i].role, "admin") != 0)
            continue;
        struct hd_outbound o = {
            .t = &t, .kind = "quota", .to_addr = us[i].email,
            .to_name = us[i].name,
            .subject = hd_arena_printf(a, "Attachment quota of %s reached",
                                       q->org),
            .body = body, .automatic = true, .record = false,
        };
        if (hd_outbound_queue(inst, st, &o, a, NULL, err) < 0)
            return -1;
    }
    char org[120];
    hd_warn("attach", "quota_held",
            "ticket=%lld org=%lld name=\"%s\" held=%zu used=%lld quota=%lld",
            (long long)t.number, (long long)q->org_id,
            hd_log_printable(q->org, org, 100), q->held, (long long)q->used,
            (long long)q->limit);
    return 0;
}

static int note_not_stored(struct hd_store *st, int64_t ticket_id,
                           const struct mg_attachment *at,
                           const struct mg_att_policy *p,
                           const struct quota *q, struct hd_arena *a,
                           struct hd_error *err)
{
    const char *detail;
    if (strcmp(p->state, "held") == 0)
        detail = hd_arena_printf(
            a,
            "attachment %.200s (%zu bytes) held, not stored: organisation "
            "\"%.100s\" would exceed its attachment quota (%lld of %lld "
            "bytes used)",
            at->filename, at->size, q->org, (long long)q->used,
            (long long)q->limit);
    else
        detail = hd_arena_printf(
            a,
            "attachment %.200s (%zu bytes, declared %.60s, detected %.60s) "
            "not stored: %s",
            at->filename, at->size, at->content_type, p->detected, p->why);
    return hd_store_event_add(st, ticket_id, "mailgw", "attachment", NULL,
                              NULL, NULL, detail, err);
}

int mg_attachments_store(struct hd_instance *inst, struct hd_store *st,
                         const struct mg_mail *m,
                         const struct mg_att_policy *pol, int64_t message_id,
                         int64_t ticket_id, struct hd_arena *a,
                         struct hd_error *err)
{
    const char *blobs = hd_arena_printf(a, "%s/blobs", hd_instance_dir(inst));
    struct quota q = {0};
    for (size_t i = 0; i < m->n_attachments; i++) {
        const struct mg_attachment *at = &m->attachments[i];
        struct mg_att_policy p = pol[i];
        if (strcmp(p.state, "stored") == 0 && !q.loaded &&
            quota_load(inst, st, ticket_id, a, &q, err) < 0)
            return -1;
        if (strcmp(p.state, "stored") == 0 && q.limited &&
            q.used + (int64_t)at->size > q.limit) {
            p.state = "held";
            q.held++;
        }
        if (strcmp(p.state, "stored") == 0) {
            if (write_blob(blobs, at, m->raw_mapped, st, err) < 0)
                return -1;
            q.used += (int64_t)at->size;
        }
        struct hd_attachment row = {
            .message_id = message_id, .filename = at->filename,
            .content_type = at->content_type, .detected_type = p.detected,
            .size = (int64_t)at->size, .sha256 = at->sha256,
            .inline_ = at->inline_, .state = p.state,
        };
        if (hd_store_attachment_insert(st, &row, NULL, err) < 0)
            return -1;
        if (strcmp(p.state, "stored") != 0 &&
            note_not_stored(st, ticket_id, at, &p, &q, a, err) < 0)
            return -1;
    }
    if (q.held > 0 && tell_admins(inst, st, ticket_id, &q, a, err) < 0)
        return -1;
    return 0;
}
