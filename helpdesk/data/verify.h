/* verify.h - `helpdesk verify`: is the live instance intact?  Re-hashes
 * every blob against its name and the blob table, walks the audit chain,
 * runs PRAGMA integrity_check and foreign_key_check. */
#ifndef HD_VERIFY_H
#define HD_VERIFY_H

#include "instance.h"

/* Returns a JSON report {"intact": bool, "blobs": n, "audit_rows": n,
 * "problems": [...]} (caller decrefs), or NULL with err when the check
 * itself could not run. */
struct json_t *hd_verify_instance(struct hd_instance *inst,
                                  struct hd_error *err);

#endif
