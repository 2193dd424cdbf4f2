/* route.h - which queue, category, priority and agent a new ticket gets, and
 * why.  Rules are ordered; each is a set of conditions and actions; every
 * decision carries the reason that goes into the ticket's history
 * ("routed by rule 2: subject contains 障害"). */
#ifndef MG_ROUTE_H
#define MG_ROUTE_H

#include "instance.h"
#include "parse.h"

#define MG_ROUTE_REASONS_MAX 8
#define MG_ROUTE_TAGS_MAX 8

struct mg_route_decision {
    int64_t queue_id; /* 0: none */
    enum hd_category category;
    enum hd_priority priority;
    const char *tags[MG_ROUTE_TAGS_MAX]; /* the desk writes tags and */
    size_t n_tags;
    const char *reasons[MG_ROUTE_REASONS_MAX]; /* reasons (desk.h); arena
                                                  strings */
    size_t n_reasons;
    bool automatic; /* auto-reply, bounce, list, loop: never acknowledged */
    int64_t assignee_id; /* 0: nobody */
    const char *assign;  /* pending "round-robin"/"least-open", or NULL */
};

/* Decides for a new ticket from mail m sent to envelope_rcpt (may be
 * NULL) by contact c.  Strings live in a. */
HD_NODISCARD int mg_route_decide(struct hd_instance *inst,
                                 struct hd_store *st, const struct mg_mail *m,
                                 const char *envelope_rcpt,
                                 const struct hd_contact *c,
                                 struct hd_arena *a,
                                 struct mg_route_decision *d,
                                 struct hd_error *err);
/* Copies queue, category and priority into a new ticket. */
void mg_route_apply_new(const struct mg_route_decision *d,
                        struct hd_ticket_new *tn);
/* Is word (UTF-8) in s, ASCII case-insensitively? */
bool mg_route_contains(const char *s, const char *word);

#endif
