/* intake.c - see intake.h.  Order matters: the raw bytes of a big
 * message are made durable in the blob store before anything else, so
 * whatever fails later, the message can be re-read from disk; a small one
 * (HD_BLOB_INLINE_MAX) is stored in the same transaction as its rows.  The
 * database commit comes last and is the acknowledgement. */
#include "intake.h"

#include "attstore.h"
#include "bigpart.h"
#include "blob.h"
#include "clock.h"
#include "desk.h"
#include "log.h"
#include "outbound.h"
#include "parse.h"
#include "replymail.h"
#include "route.h"
#include "spam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MG_DEGRADED_SUBJECT_MAX 200 /* bytes of Subject kept when degraded */

static const char *join_addresses(struct hd_arena *a,
                                  const struct mg_address *as, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(as[i].address) + 2;
    char *s = hd_arena_alloc(a, len), *p = s;
    *p = '\0';
    for (size_t i = 0; i < n; i++) {
        if (as[i].address[0] == '\0')
            continue;
        p += snprintf(p, len - (size_t)(p - s), "%s%s", p == s ? "" : ", ",
                      as[i].address);
    }
    return s;
}

static const char *join_refs(struct hd_arena *a, const struct mg_mail *m)
{
    size_t len = 1;
    for (size_t i = 0; i < m->n_references; i++)
        len += strlen(m->references[i]) + 1;
    char *s = hd_arena_alloc(a, len), *p = s;
    *p = '\0';
    for (size_t i = 0; i < m->n_references; i++)
        p += snprintf(p, len - (size_t)(p - s), "%s%s", i ? " " : "",
                      m->references[i]);
    return s;
}

/* The ticket this mail answers: 1 found (and *how set), 0 new, -1. */
static int find_thread(struct hd_instance *inst, struct hd_store *st,
                       const struct mg_mail *m, int64_t contact_id,
                       int64_t *tid_r, const char **how,
                       struct hd_error *err)
{
    int f;
    if (m->bounce && m->bounce_original_message_id != NULL) {
        f = hd_store_message_find_ticket(st, m->bounce_original_message_id,
                                         tid_r, err);
        if (f != 0) {
            *how = "bounce";
            return f;
        }
    }
    if (m->in_reply_to != NULL) {
        f = hd_store_message_find_ticket(st, m->in_reply_to, tid_r, err);
        if (f != 0) {
            *how = "in-reply-to";
            return f;
        }
    }
    for (size_t i = m->n_references; i-- > 0;) {
        f = hd_store_message_find_ticket(st, m->references[i], tid_r, err);
        if (f != 0) {
            *how = "references";
            return f;
        }
    }
    const char *tag = hd_config_get(hd_instance_config(inst),
                                    HD_CFG_MAIL_SUBJECT_TAG);
    int64_t number = hd_subject_ticket_number(m->subject, tag);
    if (number == 0)
        return 0;
    struct hd_arena *a = hd_arena_new();
    struct hd_ticket t;
    f = hd_store_ticket_get(st, 0, number, a, &t, err);
    hd_arena_free(&a);
    if (f <= 0)
        return f;
    /* A tag alone is easy to forge: only the requester and cc'd contacts
     * may join a ticket this way. */
    f = hd_store_ticket_has_contact(st, t.id, contact_id, err);
    if (f == 1) {
        *tid_r = t.id;
        *how = "subject tag";
    }
    return f;
}

/* The routing rules' verdict on a new ticket, and its cc contacts. */
static int open_plan(struct hd_instance *inst, struct hd_store *st,
                     const struct mg_mail *m, const struct mg_intake_opts *opts,
                     const struct hd_contact *c, struct hd_arena *a,
                     struct hd_desk_open *o, struct hd_error *err)
{
    struct mg_route_decision *rd = hd_arena_alloc(a, sizeof *rd);
    if (mg_route_decide(inst, st, m, opts->envelope_rcpt, c, a, rd, err) < 0)
        return -1;
    mg_route_apply_new(rd, &o->tn);
    o->tags = rd->tags;
    o->n_tags = rd->n_tags;
    o->reasons = rd->reasons;
    o->n_reasons = rd->n_reasons;
    int64_t *cc = hd_arena_alloc(a, (m->n_cc + 1) * sizeof *cc);
    for (size_t i = 0; i < m->n_cc; i++) {
        if (m->cc[i].address[0] == '\0')
            continue;
        if (hd_store_contact_ensure(st, m->cc[i].address, m->cc[i].name,
                                    &cc[o->n_cc], NULL, err) < 0)
            return -1;
        o->n_cc++;
    }
    o->cc_ids = cc;
    return 0;
}

/* A new ticket for m: routed, acknowledged and alerted as the desk does
 * for mail that is not automatic.  'degraded' (the second try after a
 * failure, see store_degraded()): none of that, flagged for review. */
static int open_ticket(struct hd_instance *inst, struct hd_store *st,
                       struct hd_desk *d, const struct mg_mail *m,
                       const struct mg_att_policy *pol,
                       const struct mg_intake_opts *opts, int64_t contact,
                       bool degraded, struct mg_spam_verdict *sv,
                       struct hd_message *msg,
                       struct hd_arena *a, struct mg_intake_result *r,
                       struct hd_error *err)
{
    struct hd_contact c;
    struct hd_ticket t;
    if (hd_store_contact_get(st, contact, a, &c, err) < 0)
        return -1;
    struct hd_desk_open o = {
        .tn = {
            .subject = msg->subject[0] ? msg->subject : "(no subject)",
            .priority = HD_PRIO_NORMAL,
            .category = HD_CAT_GENERAL,
            .org_id = c.org_id,
            .requester_id = contact,
            .lang = c.lang && *c.lang ? c.lang : m->language,
            .needs_review = m->parse_problem != NULL || degraded,
        },
        .first = msg,
        .acknowledge = !r->automatic && !degraded,
        .alert = !r->automatic && !degraded,
        .ack_in_reply_to = m->message_id_synthetic ? NULL : m->message_id,
        .ack_refs = m->n_references > 0 ? msg->refs : NULL,
    };
    o.n_refused = mg_att_refusals(m, pol, a, &o.refused);
    if ((!degraded &&
         (open_plan(inst, st, m, opts, &c, a, &o, err) < 0 ||
          mg_spam_decide(st, msg->from_addr, sv, &o, a, err) < 0)) ||
        hd_desk_open(d, &o, &t, err) < 0)
        return -1;
    r->created = true;
    r->spam = !degraded && sv->spam;
    r->how = "new";
    r->ticket_id = t.id;
    r->number = t.number;
    r->message_id = msg->id;
    return 0;
}

/* m answers ticket tid: the desk adds it and wakes the ticket. */
static int thread_into(struct hd_store *st, struct hd_desk *d, int64_t tid,
                       struct hd_message *msg, struct hd_arena *a,
                       struct mg_intake_result *r, struct hd_error *err)
{
    struct hd_ticket t;
    int found = hd_store_ticket_get(st, tid, 0, a, &t, err);
    if (found <= 0) {
        if (found == 0)
            hd_error_set(err, HD_E_NOTFOUND, "ticket %lld is gone",
                         (long long)tid);
        return -1;
    }
    if (hd_desk_add_inbound(d, &t, msg, r->automatic, &r->reopened, err) < 0)
        return -1;
    r->ticket_id = t.id;
    r->number = t.number;
    r->message_id = msg->id;
    return 0;
}

/* s cut to at most max bytes, not inside a UTF-8 sequence. */
static const char *cut_utf8(struct hd_arena *a, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return s;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return hd_arena_strndup(a, s, max);
}

/* The rows of m.  'degraded' (NULL normally) is why the normal way
 * failed: then only what cannot fail on the mail's content is stored (a
 * new ticket from a placeholder contact, the text, no threading,
 * routing, acknowledgement or attachment rows; the raw message is kept
 * as always) and the ticket is flagged for review with that reason. */
static int intake_tx(struct hd_instance *inst, struct hd_store *st,
                     const struct mg_mail *m, const char *raw_sha,
                     size_t raw_len, const struct mg_intake_opts *opts,
                     const char *degraded, struct mg_spam_verdict *sv,
                     struct hd_arena *a,
                     struct mg_intake_result *r, struct hd_error *err)
{
    int64_t contact = 0, tid = 0;
    const char *addr = m->from.address[0] && !degraded ? m->from.address
                                                       : "unknown@invalid";
    const char *name = degraded ? "" : m->from.name;
    if (hd_store_message_exists(st, m->message_id, m->body_hash, &tid,
                                err) != 0) {
        if (err->code != HD_OK)
            return -1;
        r->duplicate = true;
        r->ticket_id = tid;
        r->how = "duplicate";
        return 0;
    }
    if (hd_store_contact_ensure(st, addr, name, &contact, NULL, err) < 0)
        return -1;
    int f = degraded ? 0 : find_thread(inst, st, m, contact, &tid, &r->how,
                                       err);
    if (f < 0)
        return -1;
    struct hd_message msg = {
        .kind = HD_MSG_INBOUND,
        .author_contact_id = contact,
        .from_addr = addr,
        .from_name = name,
        .to_addrs = degraded ? "" : join_addresses(a, m->to, m->n_to),
        .cc_addrs = degraded ? "" : join_addresses(a, m->cc, m->n_cc),
        .subject = degraded ? cut_utf8(a, m->subject, MG_DEGRADED_SUBJECT_MAX)
                            : m->subject,
        .message_id = m->message_id,
        .in_reply_to = m->in_reply_to,
        .refs = join_refs(a, m),
        .body_text = m->text,
        .body_html = m->html,
        .body_hash = m->body_hash,
        .raw_sha256 = raw_sha,
        .raw_size = (int64_t)raw_len,
        .auto_reply = m->auto_reply || m->loop || m->list,
        .bounce = m->bounce,
        .lang = m->language,
    };
    const struct hd_desk_who who = {.actor = opts->actor,
                                    .source = opts->source ? opts->source
                                                           : "mailgw"};
    struct hd_desk *d = hd_desk_new(inst, st, a, &who);
    /* Decided before the ticket opens: its acknowledgement names the
     * files refused; they are stored (or not) after, under the same
     * decisions. */
    const struct mg_att_policy *pol =
        mg_att_policies_decide(hd_instance_config(inst), m, a);
    if ((f == 0 ? open_ticket(inst, st, d, m, pol, opts, contact,
                              degraded != NULL, sv, &msg, a, r,
                              err)
                : thread_into(st, d, tid, &msg, a, r, err)) < 0 ||
        (!degraded && mg_attachments_store(inst, st, m, pol, r->message_id,
                                           r->ticket_id, a, err) < 0))
        return -1;
    const char *review = degraded ? degraded : m->parse_problem;
    if (review != NULL &&
        hd_store_event_add(st, r->ticket_id, opts->actor, "review",
                           degraded ? "degraded" : NULL, NULL, NULL, review,
                           err) < 0)
        return -1;
    return 0;
}

/* The raw message as a file blob (no row: the caller adds it in its
 * transaction), read in one pass that drops a mapping's pages behind. */
static int raw_blob_put(const char *blobs, const char *raw, size_t len,
                        bool mapped, char raw_sha[65], struct hd_error *err)
{
    struct hd_blob_writer *w;
    struct mg_raw_pass rp;
    const char *p;
    size_t n;
    if (hd_blob_writer_open(NULL, blobs, &w, err) < 0)
        return -1;
    mg_raw_pass_init(&rp, raw, len, mapped);
    while (mg_raw_pass_next(&rp, &p, &n))
        if (hd_blob_writer_append(w, p, n, err) < 0) {
            hd_blob_writer_abort(&w);
            return -1;
        }
    return hd_blob_writer_commit(&w, raw_sha, NULL, err);
}

bool mg_intake_must_retry(const struct hd_error *err)
{
    return hd_error_is_temporary(err) || err->code == HD_E_IO;
}

/* The raw message as intake_tx() records it. */
struct raw_ref {
    const char *raw;
    size_t len;
    bool in_row;       /* small: stored in the database row */
    const char *blobs; /* the blob folder */
    char *sha;         /* the raw blob's sha256 (set here when in_row) */
};

/* One try of the rows of m in one transaction (a savepoint inside a
 * caller's batch), committed or undone whole. */
static int store_once(struct hd_instance *inst, struct hd_store *st,
                      const struct mg_mail *m, const struct raw_ref *rr,
                      const struct mg_intake_opts *opts, const char *degraded,
                      struct mg_spam_verdict *sv, struct hd_arena *a,
                      struct mg_intake_result *r, struct hd_error *err)
{
    /* Inside a caller's batch (import) each message is a savepoint, so
     * one bad message is undone without losing the others. */
    bool batched = hd_store_in_transaction(st);
    if ((batched ? hd_store_savepoint(st, err) : hd_store_begin(st, err)) < 0)
        return -1;
    if ((rr->in_row
             ? hd_blob_put(st, rr->blobs, rr->raw, rr->len, rr->sha, err)
             : hd_store_blob_add(st, rr->sha, (int64_t)rr->len, err)) < 0 ||
        intake_tx(inst, st, m, rr->sha, rr->len, opts, degraded, sv, a, r,
                  err) < 0 ||
        r->duplicate) {
        if (batched)
            hd_store_rollback_to(st);
        else
            hd_store_rollback(st);
        return r->duplicate ? 0 : -1;
    }
    return batched ? hd_store_release(st, err) : hd_store_commit(st, err);
}

int mg_intake_message(struct hd_instance *inst, struct hd_store *st,
                      const char *raw, size_t len,
                      const struct mg_intake_opts *opts,
                      struct mg_intake_result *r, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    struct mg_mail *m = NULL;
    char raw_sha[65];
    int rc = -1;
    memset(r, 0, sizeof *r);
    /* An agent's answer to a reply address is no customer mail: it is
     * posted as the agent or refused, and never opens a ticket. */
    int taken = mg_replymail_take(inst, st, raw, len, opts, r, err);
    if (taken != 0) {
        hd_arena_free(&a);
        return taken < 0 ? -1 : 0;
    }
    char *blobs = hd_arena_printf(a, "%s/blobs", hd_instance_dir(inst));
    /* A big raw message is a file made durable before anything else; a
     * small one goes into the database with the message rows below. */
    bool in_row = len <= HD_BLOB_INLINE_MAX;
    if (!in_row &&
        raw_blob_put(blobs, raw, len, opts->raw_mapped, raw_sha, err) < 0)
        goto out;
    struct mg_parse_opts po = {.raw_mapped = opts->raw_mapped,
                               .cut_min = MG_BIGPART_CUT_MIN};
    if (mg_parse_message_opts(raw, len, &po, a, &m, err) < 0)
        goto out;
    r->automatic = m->auto_reply || m->bounce || m->list || m->loop;
    /* The spam step asks the network (spamd) before the write lock. */
    struct mg_spam_verdict sv;
    mg_spam_assess(inst, m, raw, len, a, &sv);
    struct raw_ref rr = {raw, len, in_row, blobs, raw_sha};
    rc = store_once(inst, st, m, &rr, opts, NULL, &sv, a, r, err);
    if (rc < 0 && !mg_intake_must_retry(err)) {
        /* Failed for good on this mail's content: never "try again",
         * store what cannot fail and flag it for review. */
        char safe[160];
        const char *why = hd_arena_printf(
            a, "stored without threading, routing, acknowledgement or "
               "attachments: %s (%s)",
            hd_log_printable(err->msg, safe, sizeof safe - 1),
            hd_errcode_name(err->code));
        hd_warn("intake", "degraded", "error=\"%s\"", safe);
        hd_error_clear(err);
        memset(r, 0, sizeof *r);
        r->automatic = m->auto_reply || m->bounce || m->list || m->loop;
        rc = store_once(inst, st, m, &rr, opts, why, &sv, a, r, err);
        if (rc == 0 && !r->duplicate)
            r->how = "degraded";
    }
out:
    if (rc == 0) {
        char subj[120];
        hd_info("intake", "stored",
                "ticket=%lld how=%s created=%d automatic=%d spam=%d "
                "subject=\"%s\"",
                (long long)r->number, r->how, r->created, r->automatic, r->spam,
                hd_log_printable(m ? m->subject : "", subj, 100));
    }
    hd_arena_free(&a);
    return rc;
}
