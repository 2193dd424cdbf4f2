/* store_ticket_page.h - what the agents' ticket page reads besides the
 * ticket, its messages and its history, each in one statement so that
 * the page stays a handful of statements inside one read snapshot: the
 * thread without the columns it does not show, the attachments of the
 * whole thread, who else opened the ticket lately together with when
 * this agent's own view was last recorded, and the short lists of its
 * forms (assignees, canned responses) with the generation that says
 * when a kept copy of them is stale.  The view itself is written apart,
 * after the snapshot. */
#ifndef HD_STORE_TICKET_PAGE_H
#define HD_STORE_TICKET_PAGE_H

#include "store.h"
#include "store_canned.h"

/* A message as the thread shows it. */
struct hd_thread_msg {
    int64_t id, created_at;
    enum hd_msg_kind kind;
    const char *from_addr, *from_name, *body_text;
    bool has_html; /* a sanitised HTML part is stored */
    const char *author_name; /* the agent who wrote a reply or note; "" */
};

/* Every message of the ticket, notes included, in time order (created_at,
 * then id); in the arena. */
HD_NODISCARD int hd_store_ticket_thread(struct hd_store *st,
                                        int64_t ticket_id, struct hd_arena *a,
                                        struct hd_thread_msg **ms_r,
                                        size_t *n_r, struct hd_error *err);

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

/* The counter that every change to the queues, the assignable users or
 * the canned responses increments (schema 0019, by triggers, whichever
 * process writes). */
HD_NODISCARD int hd_store_agent_lists_generation(struct hd_store *st,
                                                 int64_t *gen_r,
                                                 struct hd_error *err);

/* A user who can be assigned a ticket (enabled, role other than viewer). */
struct hd_assignee {
    int64_t id;
    const char *name;
};

/* The assignable users ordered by e-mail address; in the arena. */
HD_NODISCARD int hd_store_assignee_list(struct hd_store *st,
                                        struct hd_arena *a,
                                        struct hd_assignee **us_r,
                                        size_t *n_r, struct hd_error *err);

/* The canned responses without their bodies (body is NULL), ordered by
 * language, name, id; in the arena. */
HD_NODISCARD int hd_store_canned_names(struct hd_store *st,
                                       struct hd_arena *a,
                                       struct hd_canned_row **rs_r,
                                       size_t *n_r, struct hd_error *err);

#endif
