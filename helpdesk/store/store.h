/* store.h - the only door to the database.  Typed verbs over the ticket
 * model; no SQL crosses this header, so a PostgreSQL backend can sit
 * behind it later.
 *
 * One struct hd_store is one connection: use it from one thread at a time.
 * Writes that belong together go between hd_store_begin() and
 * hd_store_commit(); begin takes the write lock at once (no upgrade
 * deadlocks) and waits at most the busy timeout, then fails HD_E_BUSY.
 * Strings in returned records live in the arena passed to the call. */
#ifndef HD_STORE_H
#define HD_STORE_H

#include "arena.h"
#include "hd.h"
#include "ticket.h"

struct hd_store;

enum hd_store_flags {
    HD_STORE_CREATE = 1,   /* create the file and the schema if absent */
    HD_STORE_READONLY = 2, /* open read-only (backups, reports) */
    HD_STORE_NO_MIGRATE = 4, /* do not upgrade an older schema */
};

/* True for a PostgreSQL URL (postgresql://, postgres://): hd_store_open()
 * then connects to that database instead of opening a file. */
bool hd_store_is_url(const char *path);
/* True when st is on PostgreSQL. */
bool hd_store_is_pg(const struct hd_store *st);

/* Opens (and with HD_STORE_CREATE creates) the database at path, or
 * ":memory:", or the PostgreSQL database of a URL (its schema migrated
 * the same way; docs/internals/store.md).  Sets WAL, foreign keys, the busy timeout and registers the
 * search tokenizer, then migrates to the newest schema unless told not to.
 * busy_ms bounds every wait for the write lock. */
HD_NODISCARD int hd_store_open(const char *path, unsigned flags, int busy_ms,
                               struct hd_store **st_r, struct hd_error *err);
void hd_store_close(struct hd_store **st); /* sets *st = NULL */

/* Schema version in the database and the newest this build knows. */
int hd_store_schema_version(struct hd_store *st);
int hd_store_schema_latest(void);
/* Applies migrations up to 'target' (0: latest), each in a transaction. */
HD_NODISCARD int hd_store_migrate(struct hd_store *st, int target,
                                  struct hd_error *err);

HD_NODISCARD int hd_store_begin(struct hd_store *st, struct hd_error *err);
/* Nested unit of work inside an open transaction (bulk imports): undo
 * one item without losing the batch.  rollback_to also releases. */
HD_NODISCARD int hd_store_savepoint(struct hd_store *st,
                                    struct hd_error *err);
HD_NODISCARD int hd_store_release(struct hd_store *st, struct hd_error *err);
void hd_store_rollback_to(struct hd_store *st);
/* True while a transaction is open on this connection. */
bool hd_store_in_transaction(const struct hd_store *st);
HD_NODISCARD int hd_store_commit(struct hd_store *st, struct hd_error *err);
void hd_store_rollback(struct hd_store *st);
/* A read snapshot over several statements: one round of file locks
 * instead of one per statement.  Nothing may write before
 * hd_store_read_end() (hd_store_begin() asserts). */
HD_NODISCARD int hd_store_read_begin(struct hd_store *st,
                                     struct hd_error *err);
void hd_store_read_end(struct hd_store *st);
/* Full fsync of the WAL at commit (synchronous=FULL) for the mail gateway,
 * whose exit status acknowledges a message to the MTA. */
void hd_store_set_durable(struct hd_store *st, bool durable);
/* Leaves the write-ahead log to be checkpointed by the long-running
 * processes (worker, web) instead of at close: a short-lived writer such
 * as `deliver` then does one sync per commit instead of four. */
void hd_store_set_no_checkpoint_on_close(struct hd_store *st);
/* Checkpoints of st's write-ahead log on a thread with its own
 * connection, started when the log reaches 'pages' pages, instead of in
 * the commit that crosses SQLite's bound (store_ckpt.c): for a writer
 * whose commits someone waits for (the LMTP server).  NULL for an
 * in-memory database, or when the thread or its connection cannot be had
 * (logged; SQLite's own checkpoints stay).  Stop it before the store is
 * closed. */
struct hd_store_ckpt;
struct hd_store_ckpt *hd_store_ckpt_start(struct hd_store *st, int pages);
void hd_store_ckpt_stop(struct hd_store_ckpt **c); /* sets *c = NULL */
/* Frames copied into the database so far by the thread and by the
 * writer's own final checkpoints. */
void hd_store_ckpt_stats(struct hd_store_ckpt *c, long *thread_frames_r,
                         long *writer_frames_r);
/* A connection that writes in bulk (import).  Page cache: the default
 * (2 MB) made a batch of 500 imported messages spill and re-read pages:
 * 16 MB cut SQLite's reads from 11 to 3 and its writes from 11 to 8 per
 * message (bench/mail_bench.sh; the round is in the history of bench/).
 * Memory grows only as pages are used.
 * Search index: inside hd_store_begin() .. hd_store_commit() the search
 * rows of new messages and tickets are written at the commit, in the same
 * transaction, instead of one index segment per row (store_bulk.c); until
 * then they are not searchable on this connection. */
#define HD_STORE_BULK_CACHE_KIB 16384
void hd_store_set_bulk(struct hd_store *st);
/* How long a write waits for the lock before HD_E_BUSY (ms, > 0); the
 * mail gateway's deliver uses mail.deliver_busy_ms so the MTA retries. */
void hd_store_set_busy_timeout(struct hd_store *st, int busy_ms);

/* meta: instance-wide facts (profile, created_at, instance_id).
 * get returns 1 found, 0 absent, -1 error. */
HD_NODISCARD int hd_store_meta_get(struct hd_store *st, const char *key,
                                   struct hd_arena *a, char **value_r,
                                   struct hd_error *err);
HD_NODISCARD int hd_store_meta_set(struct hd_store *st, const char *key,
                                   const char *value, struct hd_error *err);

/* ---- organisations, contacts ------------------------------------------ */

struct hd_org {
    int64_t id;
    const char *name, *tier;
    int64_t quota_bytes; /* -1: instance default */
    int64_t created_at;
    int64_t contacts, tickets; /* filled by list */
};

HD_NODISCARD int hd_store_org_add(struct hd_store *st, const char *name,
                                  const char *tier, int64_t *id_r,
                                  struct hd_error *err);
HD_NODISCARD int hd_store_org_add_domain(struct hd_store *st, int64_t org_id,
                                         const char *domain,
                                         struct hd_error *err);
/* 1 found / 0 absent / -1 error.  By id (name NULL) or by name. */
HD_NODISCARD int hd_store_org_get(struct hd_store *st, int64_t id,
                                  const char *name, struct hd_arena *a,
                                  struct hd_org *org_r, struct hd_error *err);
/* Every organisation (visible_to_user 0), or only those with a ticket
 * in a queue granted to that user, their counts (contacts who asked,
 * tickets) taken from those queues alone; by name. */
HD_NODISCARD int hd_store_org_list(struct hd_store *st,
                                   int64_t visible_to_user,
                                   struct hd_arena *a, struct hd_org **orgs_r,
                                   size_t *n_r, struct hd_error *err);
/* Organisation for a mail domain: 1 found / 0 none / -1 error. */
HD_NODISCARD int hd_store_org_by_domain(struct hd_store *st,
                                        const char *domain, int64_t *id_r,
                                        struct hd_error *err);

struct hd_contact {
    int64_t id;
    const char *address, *name, *lang;
    int64_t org_id;
    int64_t created_at;
};

/* Finds the contact for address or creates it (org from the domain
 * mapping).  *created_r (may be NULL) says which. */
HD_NODISCARD int hd_store_contact_ensure(struct hd_store *st,
                                         const char *address,
                                         const char *name, int64_t *id_r,
                                         bool *created_r,
                                         struct hd_error *err);
HD_NODISCARD int hd_store_contact_get(struct hd_store *st, int64_t id,
                                      struct hd_arena *a,
                                      struct hd_contact *c_r,
                                      struct hd_error *err);

/* ---- users, roles, queues --------------------------------------------- */

struct hd_user {
    int64_t id;
    const char *email, *name, *role, *lang;
    bool disabled, on_duty, on_call, has_password;
    int64_t created_at, last_login_at, last_activity_at; /* 0: never */
    const char *queues; /* comma-separated names, filled by list */
};

HD_NODISCARD int hd_store_user_add(struct hd_store *st, const char *email,
                                   const char *name, const char *role,
                                   const char *password_hash, int64_t *id_r,
                                   struct hd_error *err);
HD_NODISCARD int hd_store_user_get(struct hd_store *st, int64_t id,
                                   const char *email, struct hd_arena *a,
                                   struct hd_user *u_r, char **hash_r,
                                   struct hd_error *err);
HD_NODISCARD int hd_store_user_list(struct hd_store *st, struct hd_arena *a,
                                    struct hd_user **users_r, size_t *n_r,
                                    struct hd_error *err);
/* all: the user sees every queue, also those added later (grants are
 * added by hd_store_queue_grant_all); false: only the queues granted. */
HD_NODISCARD int hd_store_user_set_all_queues(struct hd_store *st,
                                              int64_t id, bool all,
                                              struct hd_error *err);
/* Puts the user on call (incident alerts day and night) or off. */
HD_NODISCARD int hd_store_user_set_on_call(struct hd_store *st, int64_t id,
                                           bool on_call,
                                           struct hd_error *err);
HD_NODISCARD int hd_store_user_set_disabled(struct hd_store *st, int64_t id,
                                            bool disabled,
                                            struct hd_error *err);
HD_NODISCARD int hd_store_user_grant_queue(struct hd_store *st,
                                           int64_t user_id, int64_t queue_id,
                                           struct hd_error *err);
/* 1 when the user may see the queue, 0 when not, -1 error. */
HD_NODISCARD int hd_store_user_has_queue(struct hd_store *st,
                                         int64_t user_id, int64_t queue_id,
                                         struct hd_error *err);

/* The description init gives the default queue: a note for admins, not
 * a name to show in its place. */
#define HD_QUEUE_DEFAULT_DESCRIPTION "default queue"

struct hd_queue {
    int64_t id;
    const char *name, *address, *description;
    int64_t open_tickets;
};

HD_NODISCARD int hd_store_queue_add(struct hd_store *st, const char *name,
                                    const char *address,
                                    const char *description, int64_t *id_r,
                                    struct hd_error *err);
/* Grants a new queue to every user who sees all queues: call it after
 * hd_store_queue_add(), in the same transaction. */
HD_NODISCARD int hd_store_queue_grant_all(struct hd_store *st,
                                          int64_t queue_id,
                                          struct hd_error *err);
/* Gives the queue 'name' an address (and a description) when it has
 * none yet, as the default queue made by init: 1 done (id in *id_r) /
 * 0 no such queue without an address / -1. */
HD_NODISCARD int hd_store_queue_adopt(struct hd_store *st, const char *name,
                                      const char *address,
                                      const char *description, int64_t *id_r,
                                      struct hd_error *err);
HD_NODISCARD int hd_store_queue_get(struct hd_store *st, int64_t id,
                                    const char *name, struct hd_arena *a,
                                    struct hd_queue *q_r,
                                    struct hd_error *err);
HD_NODISCARD int hd_store_queue_list(struct hd_store *st, struct hd_arena *a,
                                     struct hd_queue **qs_r, size_t *n_r,
                                     struct hd_error *err);
/* The same without counting (open_tickets -1): the count walks every open
 * ticket of each queue, too slow for a list on every page view. */
HD_NODISCARD int hd_store_queue_names(struct hd_store *st, struct hd_arena *a,
                                      struct hd_queue **qs_r, size_t *n_r,
                                      struct hd_error *err);
/* Queue whose address equals the envelope recipient: 1 / 0 / -1. */
HD_NODISCARD int hd_store_queue_by_address(struct hd_store *st,
                                           const char *address,
                                           int64_t *id_r,
                                           struct hd_error *err);

/* ---- tickets, messages, history --------------------------------------- */

/* What a new ticket starts with; zero ids mean none. */
struct hd_ticket_new {
    const char *subject;
    enum hd_status status; /* HD_STATUS_NEW (0) but for generated data */
    enum hd_priority priority;
    enum hd_category category;
    int64_t queue_id, org_id, requester_id, assignee_id;
    const char *lang;
    bool needs_review;
    int spam;                /* enum hd_spam: HD_SPAM_HELD opens it held */
    const char *spam_reason; /* why (NULL unless held) */
};

/* Inserts a ticket with the next number (inside the caller's transaction,
 * so concurrent writers never share a number) and its 'created' event. */
HD_NODISCARD int hd_store_ticket_insert(struct hd_store *st,
                                        const struct hd_ticket_new *tn,
                                        const char *actor, int64_t *id_r,
                                        int64_t *number_r,
                                        struct hd_error *err);
/* 1 found / 0 absent / -1.  By id, or by number when id is 0. */
HD_NODISCARD int hd_store_ticket_get(struct hd_store *st, int64_t id,
                                     int64_t number, struct hd_arena *a,
                                     struct hd_ticket *t_r,
                                     struct hd_error *err);

struct hd_ticket_filter {
    int status;   /* -1: any; HD_STATUS_COUNT: any open state */
    int priority; /* -1: any */
    int category; /* -1: any */
    int64_t queue_id, assignee_id, org_id, requester_id; /* 0: any */
    bool unassigned;
    const char *tag;
    int64_t visible_to_user; /* 0: no restriction; else granted queues */
    size_t limit;            /* 0: no limit */
    int64_t after_number;    /* keyset: numbers below this (0: from top) */
    int spam;                /* enum hd_spam: which tickets (HD_SPAM_NO,
                                the default, for every ordinary list) */
};
void hd_ticket_filter_init(struct hd_ticket_filter *f);

/* Tickets matching f, newest number first. */
HD_NODISCARD int hd_store_ticket_list(struct hd_store *st,
                                      const struct hd_ticket_filter *f,
                                      struct hd_arena *a,
                                      struct hd_ticket **ts_r, size_t *n_r,
                                      struct hd_error *err);
HD_NODISCARD int hd_store_ticket_count(struct hd_store *st,
                                       const struct hd_ticket_filter *f,
                                       int64_t *n_r, struct hd_error *err);

/* Changes one field and records the event (old -> new).  field is one of
 * status, priority, category, queue, assignee, subject, org; value is the
 * name or the id as text ("" clears an id). */
HD_NODISCARD int hd_store_ticket_set(struct hd_store *st, int64_t ticket_id,
                                     const char *field, const char *value,
                                     const char *actor,
                                     struct hd_error *err);
/* SLA fields, written by the SLA module (no event: it logs its own). */
HD_NODISCARD int hd_store_ticket_set_sla(struct hd_store *st,
                                         const struct hd_ticket *t,
                                         struct hd_error *err);
HD_NODISCARD int hd_store_ticket_add_tag(struct hd_store *st,
                                         int64_t ticket_id, const char *tag,
                                         struct hd_error *err);
HD_NODISCARD int hd_store_ticket_add_cc(struct hd_store *st,
                                        int64_t ticket_id,
                                        int64_t contact_id,
                                        struct hd_error *err);
/* 1 when the contact is the requester or a cc of the ticket. */
HD_NODISCARD int hd_store_ticket_has_contact(struct hd_store *st,
                                             int64_t ticket_id,
                                             int64_t contact_id,
                                             struct hd_error *err);

/* Inserts a message; m->id is ignored.  Returns 0 and *id_r, or -1 with
 * HD_E_EXISTS when the same message_id + body_hash is already stored. */
HD_NODISCARD int hd_store_message_insert(struct hd_store *st,
                                         const struct hd_message *m,
                                         int64_t *id_r,
                                         struct hd_error *err);
/* Ticket of any stored message with this Message-ID: 1 / 0 / -1. */
HD_NODISCARD int hd_store_message_find_ticket(struct hd_store *st,
                                              const char *message_id,
                                              int64_t *ticket_id_r,
                                              struct hd_error *err);
/* 1 when message_id + body_hash is already stored (duplicate delivery). */
HD_NODISCARD int hd_store_message_exists(struct hd_store *st,
                                         const char *message_id,
                                         const char *body_hash,
                                         int64_t *ticket_id_r,
                                         struct hd_error *err);
HD_NODISCARD int hd_store_message_list(struct hd_store *st,
                                       int64_t ticket_id, bool with_notes,
                                       struct hd_arena *a,
                                       struct hd_message **ms_r, size_t *n_r,
                                       struct hd_error *err);

HD_NODISCARD int hd_store_attachment_insert(struct hd_store *st,
                                            const struct hd_attachment *at,
                                            int64_t *id_r,
                                            struct hd_error *err);
HD_NODISCARD int hd_store_attachment_list(struct hd_store *st,
                                          int64_t message_id,
                                          struct hd_arena *a,
                                          struct hd_attachment **as_r,
                                          size_t *n_r, struct hd_error *err);
/* Records a blob (content-addressed file) once. */
HD_NODISCARD int hd_store_blob_add(struct hd_store *st, const char *sha256,
                                   int64_t size, struct hd_error *err);

HD_NODISCARD int hd_store_event_add(struct hd_store *st, int64_t ticket_id,
                                    const char *actor, const char *kind,
                                    const char *field, const char *old_value,
                                    const char *new_value,
                                    const char *detail,
                                    struct hd_error *err);
HD_NODISCARD int hd_store_event_list(struct hd_store *st, int64_t ticket_id,
                                     struct hd_arena *a,
                                     struct hd_event **es_r, size_t *n_r,
                                     struct hd_error *err);

#endif
