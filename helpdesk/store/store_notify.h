/* store_notify.h - SQL for agents' notifications, their mail preferences
 * and queue opt-ins (schema 0027_notify.sql).  Who is told what is the
 * desk's decision (notify.h); this file only keeps the rows.  Every read
 * for a user shows only tickets that user may see now (an admin, or a
 * grant of the ticket's queue), so a grant taken away hides what was
 * told before it. */
#ifndef HD_STORE_NOTIFY_H
#define HD_STORE_NOTIFY_H

#include "store.h"

/* One notification as lists and mails show it. */
struct hd_notification {
    int64_t id, user_id, ticket_id, ticket_number;
    const char *kind;     /* "assigned", "answered", "mentioned",
                             "new_ticket" */
    const char *by_name;  /* who acted */
    const char *excerpt;  /* a few lines of what was said, or "" */
    const char *subject;  /* the ticket's subject */
    int64_t created_at, read_at; /* read_at 0: unread */
};

/* Adds a notification for user_id about ticket_id when the user is
 * enabled and may see the ticket (admin, or granted its
 * queue); mail 'pending' unless the user turned mail off for this kind.
 * Returns 1 added, 0 skipped (no such user, disabled, no grant), -1. */
HD_NODISCARD int hd_store_notify_add(struct hd_store *st, int64_t user_id,
                                     int64_t ticket_id, const char *kind,
                                     const char *by_name,
                                     const char *excerpt, int64_t now,
                                     struct hd_error *err);

/* The newest 'max' notifications of user_id (only tickets the user may
 * see), newest first, in arena a. */
HD_NODISCARD int hd_store_notify_list(struct hd_store *st, int64_t user_id,
                                      size_t max, struct hd_arena *a,
                                      struct hd_notification **rs_r,
                                      size_t *n_r, struct hd_error *err);

/* How many unread notifications user_id has (same visibility). */
HD_NODISCARD int hd_store_notify_unread(struct hd_store *st, int64_t user_id,
                                        int64_t *n_r, struct hd_error *err);

/* Marks one notification of user_id read (id > 0) or all of them (id 0).
 * Returns the number of rows changed, or -1. */
HD_NODISCARD int hd_store_notify_mark_read(struct hd_store *st,
                                           int64_t user_id, int64_t id,
                                           int64_t now, struct hd_error *err);

/* ---- mail ---------------------------------------------------------------- */

/* Users whose oldest pending mail notification was created at or before
 * 'before' (their digest window is over), at most max, in arena a. */
HD_NODISCARD int hd_store_notify_due_users(struct hd_store *st,
                                           int64_t before, size_t max,
                                           struct hd_arena *a,
                                           int64_t **ids_r, size_t *n_r,
                                           struct hd_error *err);

/* The pending mail notifications of user_id, oldest first (at most max;
 * the rest wait for the next mail), in arena a. */
HD_NODISCARD int hd_store_notify_pending(struct hd_store *st,
                                         int64_t user_id, size_t max,
                                         struct hd_arena *a,
                                         struct hd_notification **rs_r,
                                         size_t *n_r, struct hd_error *err);

/* Pending rows of user_id up to and including last_id become 'queued';
 * rows about tickets the user can no longer see become 'none'. */
HD_NODISCARD int hd_store_notify_mailed(struct hd_store *st, int64_t user_id,
                                        int64_t last_id,
                                        struct hd_error *err);

/* ---- preferences --------------------------------------------------------- */

/* Whether user_id gets mail for kind: 1 on (the default), 0 off, -1. */
HD_NODISCARD int hd_store_notify_pref_mail(struct hd_store *st,
                                           int64_t user_id, const char *kind,
                                           struct hd_error *err);
HD_NODISCARD int hd_store_notify_pref_set(struct hd_store *st,
                                          int64_t user_id, const char *kind,
                                          bool mail, struct hd_error *err);

/* Opts user_id in (on) or out of every new ticket of queue_id.  Opting
 * in to a queue the user may not see is refused: HD_E_INVAL. */
HD_NODISCARD int hd_store_notify_queue_set(struct hd_store *st,
                                           int64_t user_id, int64_t queue_id,
                                           bool on, struct hd_error *err);

/* The queues user_id opted in to (ids ascending), in arena a. */
HD_NODISCARD int hd_store_notify_queues(struct hd_store *st, int64_t user_id,
                                        struct hd_arena *a, int64_t **ids_r,
                                        size_t *n_r, struct hd_error *err);

/* The users opted in to queue_id, in arena a (grants are checked when
 * each notification is added). */
HD_NODISCARD int hd_store_notify_watchers(struct hd_store *st,
                                          int64_t queue_id,
                                          struct hd_arena *a, int64_t **ids_r,
                                          size_t *n_r, struct hd_error *err);

/* The enabled user whose address's local part is 'login' (ASCII case
 * folded): 1 found (*id_r), 0 none or more than one, -1 error. */
HD_NODISCARD int hd_store_user_by_login(struct hd_store *st,
                                        const char *login, int64_t *id_r,
                                        struct hd_error *err);

#endif
