/* attstore.h - an inbound mail's attachments into the blob store, under
 * the type policy and the organisation's storage quota.  Called by
 * intake.c inside its transaction. */
#ifndef MG_ATTSTORE_H
#define MG_ATTSTORE_H

#include "filetype.h"
#include "instance.h"
#include "outbound.h"
#include "parse.h"
#include "store.h"

/* Why one attachment is or is not stored, decided before any byte is
 * written.  state is one of the attachment states of the schema. */
struct mg_att_policy {
    const char *state;  /* "stored", "oversize", "refused" */
    const char *why;    /* NULL when stored; static text */
    char detected[MG_FILETYPE_MAX]; /* the decoded bytes' type: libmagic's,
                                       but a program type without its
                                       signature reads as octet-stream or
                                       text/plain (filetype.h) */
};

/* The policy of each of m's attachments, in order: an array of
 * m->n_attachments (NULL when none) living in a.  Decided before the
 * ticket is opened, so the acknowledgement can say what was refused. */
struct mg_att_policy *mg_att_policies_decide(const struct hd_config *cfg,
                                             const struct mg_mail *m,
                                             struct hd_arena *a);

/* The attachments pol refuses (size or type) as the acknowledgement
 * lists them: *refused_r (in a) gets that many, names made printable. */
size_t mg_att_refusals(const struct mg_mail *m, const struct mg_att_policy *pol,
                       struct hd_arena *a,
                       const struct hd_refused_file **refused_r);

/* Applies size and type policy to one attachment: size against
 * mail.max_attachment_bytes; the DETECTED type (and the declared one)
 * against mail.attachment_deny_types; the detected type against
 * mail.attachment_allow_types when that is not empty. */
void mg_att_policy_decide(const struct hd_config *cfg,
                          const struct mg_attachment *at,
                          struct mg_att_policy *p);

/* The same policy for a file that did not come by mail (an upload on
 * the web or the API): its size, the type detected from its leading
 * bytes and the type it was declared as. */
void mg_att_policy_check(const struct hd_config *cfg, int64_t size,
                         const char *detected, const char *declared,
                         struct mg_att_policy *p);

/* Stores every attachment of m for message_id on ticket_id under pol
 * (from mg_att_policies_decide): a row each, bytes in DIR/blobs when allowed and within the quota of the ticket's
 * organisation (else state 'held', bytes dropped, a ticket event, and
 * the instance's admins told by mail).  Inside the caller's transaction;
 * temporary scratch lives in a. */
HD_NODISCARD int mg_attachments_store(struct hd_instance *inst,
                                      struct hd_store *st,
                                      const struct mg_mail *m,
                                      const struct mg_att_policy *pol,
                                      int64_t message_id, int64_t ticket_id,
                                      struct hd_arena *a, struct hd_error *err);

#endif
