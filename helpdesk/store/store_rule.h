/* store_rule.h - routing rules as stored (JSON text validated by
 * mailgw/route/rules.c) and the candidates for auto-assignment. */
#ifndef HD_STORE_RULE_H
#define HD_STORE_RULE_H

#include "store.h"

struct hd_rule_row {
    int64_t id, position;
    const char *name, *conditions, *actions; /* JSON text */
    bool stop, enabled;
};

/* Enabled rules (all with all=true) in position order. */
HD_NODISCARD int hd_store_rule_list(struct hd_store *st, bool all,
                                    struct hd_arena *a,
                                    struct hd_rule_row **rs_r, size_t *n_r,
                                    struct hd_error *err);
/* position 0: after the last rule. */
HD_NODISCARD int hd_store_rule_add(struct hd_store *st,
                                   const struct hd_rule_row *r, int64_t *id_r,
                                   struct hd_error *err);
/* Moves a rule to 'position' (rules run in position order): 1 moved /
 * 0 no such rule / -1. */
HD_NODISCARD int hd_store_rule_move(struct hd_store *st, int64_t id,
                                    int64_t position, struct hd_error *err);
/* 1 deleted / 0 no such rule / -1. */
HD_NODISCARD int hd_store_rule_delete(struct hd_store *st, int64_t id,
                                      struct hd_error *err);

struct hd_assignee {
    int64_t user_id;
    const char *email;
    int64_t open_tickets;
};

/* Active agents and admins granted queue_id, on duty (or on call when
 * on_call is set), with their open ticket counts, by user id. */
HD_NODISCARD int hd_store_assign_candidates(struct hd_store *st,
                                            int64_t queue_id, bool on_call,
                                            struct hd_arena *a,
                                            struct hd_assignee **as_r,
                                            size_t *n_r, struct hd_error *err);

#endif
