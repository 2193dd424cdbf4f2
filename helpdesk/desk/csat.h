/* csat.h - customer satisfaction: the signed link of the closing mail
 * and the mail itself.  A rating is recorded by hd_desk_rate() (desk.h)
 * and read by the reports (stats.h).
 *
 * The link is /r/NUMBER-SIG, SIG the first 32 hex digits of
 * HMAC-SHA256(csat.secret, "csat:NUMBER") under a random key kept in the
 * meta table: it names one ticket, cannot be guessed or moved to
 * another, and needs no state per mail.  Opening it only shows a form;
 * the rating is recorded by the form's POST with the visitor session's
 * CSRF token, so a mail scanner that follows links rates nothing. */
#ifndef HD_CSAT_H
#define HD_CSAT_H

#include "instance.h"
#include "store.h"

#define HD_CSAT_SIG_LEN 32        /* hex digits of the link's signature */
#define HD_CSAT_COMMENT_MAX 2000  /* bytes of a customer's comment */

/* The signature of ticket number's link into sig (HD_CSAT_SIG_LEN + 1),
 * creating the key on first use.  -1 on a store error. */
HD_NODISCARD int hd_csat_sign(struct hd_store *st, int64_t number,
                              char sig[HD_CSAT_SIG_LEN + 1],
                              struct hd_error *err);
/* 1 when sig is number's signature, 0 not, -1 store error.  Compared in
 * constant time. */
HD_NODISCARD int hd_csat_check(struct hd_store *st, int64_t number,
                               const char *sig, struct hd_error *err);

/* Queues the closing mail of a solved ticket to its requester: in their
 * language, with the signed rating link.  Nothing without a requester or
 * instance.public_url, or with mail.csat_mail off. */
HD_NODISCARD int hd_csat_mail(struct hd_instance *inst, struct hd_store *st,
                              const struct hd_ticket *t, struct hd_arena *a,
                              struct hd_error *err);

#endif
