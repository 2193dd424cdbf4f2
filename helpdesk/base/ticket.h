/* ticket.h - the states, priorities and categories of a ticket, and which
 * status changes are allowed.  Plain records; storage is in store.h. */
#ifndef HD_TICKET_H
#define HD_TICKET_H

#include "hd.h"

enum hd_status {
    HD_STATUS_NEW,
    HD_STATUS_OPEN,
    HD_STATUS_PENDING,  /* waiting on the customer: SLA clock paused */
    HD_STATUS_RESOLVED,
    HD_STATUS_CLOSED,
    HD_STATUS_COUNT
};

enum hd_priority {
    HD_PRIO_LOW,
    HD_PRIO_NORMAL,
    HD_PRIO_HIGH,
    HD_PRIO_URGENT,
    HD_PRIO_COUNT
};

enum hd_category { HD_CAT_GENERAL, HD_CAT_INCIDENT, HD_CAT_COUNT };

/* A ticket held as spam is closed, has no SLA clock and is listed only
 * by the "spam" view; released, it opens as new (desk.h). */
enum hd_spam {
    HD_SPAM_NO,        /* an ordinary ticket (or released spam) */
    HD_SPAM_HELD,      /* held: waits for an agent's verdict */
    HD_SPAM_CONFIRMED, /* an agent said spam: listed nowhere */
};

enum hd_msg_kind { HD_MSG_INBOUND, HD_MSG_OUTBOUND, HD_MSG_NOTE };

const char *hd_status_name(enum hd_status s);
const char *hd_priority_name(enum hd_priority p);
const char *hd_category_name(enum hd_category c);
const char *hd_msg_kind_name(enum hd_msg_kind k);
/* Name to enum: 0 and *_r set, or -1 with HD_E_INVAL naming the choices. */
HD_NODISCARD int hd_status_parse(const char *s, enum hd_status *r,
                                 struct hd_error *err);
HD_NODISCARD int hd_priority_parse(const char *s, enum hd_priority *r,
                                   struct hd_error *err);
HD_NODISCARD int hd_category_parse(const char *s, enum hd_category *r,
                                   struct hd_error *err);
HD_NODISCARD int hd_msg_kind_parse(const char *s, enum hd_msg_kind *r,
                                   struct hd_error *err);

/* Is from -> to a legal transition?  closed is final except through a
 * customer reply (reopen), which the caller asks for explicitly. */
bool hd_status_can_change(enum hd_status from, enum hd_status to);
/* Open states count toward queues and SLA (new, open, pending). */
bool hd_status_is_open(enum hd_status s);

/* One ticket row with the names a listing shows.  Strings live in the
 * arena given to the store call that filled it. */
struct hd_ticket {
    int64_t id, number;
    const char *subject;
    enum hd_status status;
    enum hd_priority priority;
    enum hd_category category;
    int64_t queue_id, org_id, requester_id, assignee_id; /* 0: none */
    const char *queue_name, *org_name, *requester_address, *requester_name,
        *assignee_name; /* NULL when the id is 0 */
    const char *queue_desc; /* the queue's description; NULL or "": none */
    const char *lang;
    bool needs_review;
    int64_t merged_into;
    int64_t created_at, updated_at;
    int64_t first_response_due, resolution_due; /* 0: none */
    int64_t first_response_at, resolved_at;     /* 0: not yet */
    const char *sla_first_state, *sla_resolve_state;
    int64_t sla_paused_at, sla_paused_secs;
    int spam;                /* enum hd_spam */
    const char *spam_reason; /* why it was held; NULL: never held */
};

struct hd_message {
    int64_t id, ticket_id;
    enum hd_msg_kind kind;
    int64_t author_user_id, author_contact_id;
    const char *from_addr, *from_name, *to_addrs, *cc_addrs, *subject;
    const char *message_id, *in_reply_to, *refs; /* ids without <> */
    const char *body_text, *body_html;           /* html: sanitised */
    const char *body_hash, *raw_sha256;
    int64_t raw_size;
    bool auto_reply, bounce;
    const char *lang;
    int64_t created_at;
};

struct hd_attachment {
    int64_t id, message_id;
    const char *filename, *content_type, *sha256, *state, *scan_state;
    const char *detected_type; /* by the bytes (libmagic); NULL: unknown */
    int64_t size;
    bool inline_;
    int64_t created_at;
};

struct hd_event {
    int64_t id, ticket_id, at;
    const char *actor, *kind, *field, *old_value, *new_value, *detail;
};

#endif
