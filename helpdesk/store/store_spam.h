/* store_spam.h - store verbs for mail held as spam: the ticket's spam
 * state and the sender block/allow list agents teach by their verdicts.
 * Which tickets a listing shows is the filter's field spam (store.h);
 * what a verdict means is the desk's (desk.h).  Same rules as store.h. */
#ifndef HD_STORE_SPAM_H
#define HD_STORE_SPAM_H

#include "store.h"

enum hd_sender_verdict {
    HD_SENDER_NONE,  /* not on the list */
    HD_SENDER_ALLOW, /* released once: never held again */
    HD_SENDER_BLOCK, /* confirmed as spam: always held */
};

/* Sets ticket_id's spam state (enum hd_spam) and status together, with a
 * history event "spam" (old -> new state name, detail) by actor. */
HD_NODISCARD int hd_store_ticket_spam_set(struct hd_store *st,
                                          int64_t ticket_id, int spam,
                                          enum hd_status status,
                                          const char *actor,
                                          const char *detail,
                                          struct hd_error *err);

/* The verdict on a sender address (compared lower-cased) in *v_r:
 * 1 listed / 0 not (*v_r HD_SENDER_NONE) / -1 error. */
HD_NODISCARD int hd_store_sender_get(struct hd_store *st, const char *address,
                                     enum hd_sender_verdict *v_r,
                                     struct hd_error *err);
/* Lists address as v (ALLOW or BLOCK), replacing an earlier verdict;
 * user_id 0: no user. */
HD_NODISCARD int hd_store_sender_set(struct hd_store *st, const char *address,
                                     enum hd_sender_verdict v, int64_t user_id,
                                     struct hd_error *err);

/* Tickets held as spam (the "spam" view's count), within the queues
 * granted to visible_to_user (0: all). */
HD_NODISCARD int hd_store_spam_held_count(struct hd_store *st,
                                          int64_t visible_to_user,
                                          int64_t *n_r, struct hd_error *err);

/* The name of a spam state for history and JSON: "no", "held",
 * "confirmed". */
const char *hd_spam_name(int spam);

#endif
