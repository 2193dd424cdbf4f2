/* store_ticket_page.h - what the agents' ticket page reads besides the
 * ticket, its messages and its history, each in one statement so that
 * the page stays a handful of statements inside one read snapshot: the
 * attachments of the whole thread, and who else opened the ticket
 * lately together with when this agent's own view was last recorded.
 * The view itself is written apart, after the snapshot. */
#ifndef HD_STORE_TICKET_PAGE_H
#define HD_STORE_TICKET_PAGE_H

#include "store.h"

/* Every attachment of every message of the ticket (notes included),
 * ordered by message id, then attachment id; in the arena. */
HD_NODISCARD int hd_store_ticket_attachments(struct hd_store *st,
                                             int64_t ticket_id,
                                             struct hd_arena *a,
                                             struct hd_attachment **as_r,
                                             size_t *n_r,
                                             struct hd_error *err);

/* The names of the users other than user_id who opened the ticket at or
 * after since, comma-separated ("" none; in the arena), and in *own_at_r
 * when user_id's own view was last recorded (0: never). */
HD_NODISCARD int hd_store_ticket_view_state(struct hd_store *st,
                                            int64_t ticket_id,
                                            int64_t user_id, int64_t since,
                                            struct hd_arena *a,
                                            char **names_r, int64_t *own_at_r,
                                            struct hd_error *err);

/* Records that user_id opened the ticket at 'at' (one row per ticket and
 * user, replaced).  The caller decides how often: see
 * HD_VIEW_WRITE_SECS in store_agent.h. */
HD_NODISCARD int hd_store_ticket_view_put(struct hd_store *st,
                                          int64_t ticket_id, int64_t user_id,
                                          int64_t at, struct hd_error *err);

#endif
