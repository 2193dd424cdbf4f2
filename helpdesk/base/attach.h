/* attach.h - what an attachment's state allows.  The one rule every door
 * (web UI, JSON API, export to customers) asks before handing out bytes. */
#ifndef HD_ATTACH_H
#define HD_ATTACH_H

#include "ticket.h"

/* True only for bytes we hold that a virus scan found clean: state
 * 'stored' and scan_state 'clean'.  Unscanned, infected, held, refused,
 * quarantined and purged attachments are never downloadable. */
bool hd_attachment_downloadable(const struct hd_attachment *at);

#endif
