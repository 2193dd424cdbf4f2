/* store_view.h - agents' personal saved views of the queue: a name and
 * the queue page's query string, per user.  Every call takes the owner,
 * so one user never reads or deletes another's view.  What the query
 * means is the web layer's business. */
#ifndef HD_STORE_VIEW_H
#define HD_STORE_VIEW_H

#include "store.h"

#define HD_SAVED_VIEWS_MAX 20 /* views one user may keep */

struct hd_saved_view {
    int64_t id, user_id;
    const char *name, *query;
    int64_t created_at;
};

/* Stores a view named name for user_id (a view of that name is given the
 * new query).  *id_r gets its id.  Refuses with HD_E_TOOBIG when the user
 * already has HD_SAVED_VIEWS_MAX other views. */
HD_NODISCARD int hd_store_view_put(struct hd_store *st, int64_t user_id,
                                   const char *name, const char *query,
                                   int64_t now, int64_t *id_r,
                                   struct hd_error *err);
/* The user's views by name (at most HD_SAVED_VIEWS_MAX), in a. */
HD_NODISCARD int hd_store_view_list(struct hd_store *st, int64_t user_id,
                                    struct hd_arena *a,
                                    struct hd_saved_view **vs_r, size_t *n_r,
                                    struct hd_error *err);
/* View id if it belongs to user_id: 1 found / 0 absent / -1 error. */
HD_NODISCARD int hd_store_view_get(struct hd_store *st, int64_t id,
                                   int64_t user_id, struct hd_arena *a,
                                   struct hd_saved_view *v_r,
                                   struct hd_error *err);
/* Deletes view id of user_id: 1 deleted / 0 no such view of theirs / -1. */
HD_NODISCARD int hd_store_view_delete(struct hd_store *st, int64_t id,
                                      int64_t user_id, struct hd_error *err);

#endif
