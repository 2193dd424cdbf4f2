/* erase.h - erasure on request (an organisation, a contact, a ticket):
 * database rows, attachment and raw-message blobs nobody else uses,
 * outbox and search entries, and an erasure certificate in the audit
 * log.  The certificate names the target by SHA-256 only, so it keeps no
 * personal data itself. */
#ifndef HD_ERASE_H
#define HD_ERASE_H

#include "instance.h"
#include "store_data.h"

struct hd_erase_target {
    enum hd_erase_kind kind;
    int64_t id;          /* org id or ticket number */
    const char *address; /* contact address */
};

/* Plans, and unless dry_run erases, in one transaction; blob files are
 * unlinked after the commit.  *cert_r gets the certificate (JSON text in
 * a); HD_E_NOTFOUND when the target does not exist (nothing changed). */
HD_NODISCARD int hd_erase(struct hd_instance *inst,
                          const struct hd_erase_target *t, bool dry_run,
                          const char *actor, struct hd_arena *a,
                          char **cert_r, struct hd_error *err);

#endif
