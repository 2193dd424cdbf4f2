/* store_report.h - store verbs for the service's own availability record
 * (outages, per-minute heartbeat log) and the read-only counts behind the
 * service checklist report.  Same rules as store.h. */
#ifndef HD_STORE_REPORT_H
#define HD_STORE_REPORT_H

#include "store.h"

/* A half-open span of UTC seconds [start, end). */
struct hd_interval {
    int64_t start, end;
};

/* ---- heartbeat log --------------------------------------------------- */

/* Records that 'program' was alive during the minute starting at
 * 'minute' (idempotent) and forgets its rows older than keep_since. */
HD_NODISCARD int hd_store_uptime_beat(struct hd_store *st,
                                      const char *program, int64_t minute,
                                      int64_t keep_since,
                                      struct hd_error *err);
/* Deletes heartbeat minutes of every program older than before_t; count
 * in *n_r. */
HD_NODISCARD int hd_store_heartbeat_log_prune(struct hd_store *st,
                                              int64_t before_t, int64_t *n_r,
                                              struct hd_error *err);
/* The minutes of 'program' in [from, to), ascending, preceded by the
 * newest one before 'from' when there is one.  Arena array. */
HD_NODISCARD int hd_store_uptime_beats(struct hd_store *st,
                                       const char *program, int64_t from,
                                       int64_t to, struct hd_arena *a,
                                       int64_t **beats_r, size_t *n_r,
                                       struct hd_error *err);
/* The oldest minute of 'program': 1 found / 0 none / -1 error. */
HD_NODISCARD int hd_store_uptime_first_beat(struct hd_store *st,
                                            const char *program,
                                            int64_t *minute_r,
                                            struct hd_error *err);

/* ---- outages of the service ------------------------------------------ */

struct hd_outage {
    int64_t id;
    int64_t start_at, end_at;
    const char *kind;        /* "unplanned" or "planned" */
    const char *cause;
    const char *recorded_by; /* 'cli:root', 'user:3' */
    int64_t created_at;
};

/* Inserts o (id and created_at are set here, inside the caller's
 * transaction when there is one).  The schema refuses end <= start. */
HD_NODISCARD int hd_store_outage_add(struct hd_store *st,
                                     const struct hd_outage *o,
                                     int64_t *id_r, struct hd_error *err);
/* Outages overlapping [from, to), oldest first. */
HD_NODISCARD int hd_store_outage_list(struct hd_store *st, int64_t from,
                                      int64_t to, struct hd_arena *a,
                                      struct hd_outage **os_r, size_t *n_r,
                                      struct hd_error *err);
/* Maintenance announcements with a start and an end overlapping
 * [from, to), as intervals, oldest first. */
HD_NODISCARD int hd_store_maintenance_windows(struct hd_store *st,
                                              int64_t from, int64_t to,
                                              struct hd_arena *a,
                                              struct hd_interval **ws_r,
                                              size_t *n_r,
                                              struct hd_error *err);

/* ---- facts for the checklist ----------------------------------------- */

/* A count or time the checklist shows; -1 where the table it comes from
 * does not exist in this database (a feature not installed). */
struct hd_report_facts {
    int64_t users, users_enabled, users_never_signed_in, admins;
    int64_t users_totp;          /* -1: no TOTP table */
    int64_t last_login_at;       /* newest sign-in of anyone; 0: none */
    int64_t queues, queue_grants;
    int64_t faq_ja, faq_en;      /* published, public articles per language */
    int64_t terms_ja, terms_en;  /* length of the Terms page texts */
    int64_t attachments, att_unscanned, att_clean, att_infected;
    int64_t att_quarantined, att_purged;
    int64_t audit_rows, audit_oldest_at, security_rows, security_failed;
    int64_t backup_run_at, backup_run_ok; /* newest 'run' row; 0: none */
    const char *backup_run_gen, *backup_run_detail;
    int64_t backup_runs_failed;            /* failed runs, all time */
    int64_t backup_verify_at, backup_verify_ok; /* newest backup verify */
    const char *backup_verify_gen;
    int64_t verify_at, verify_ok;          /* newest `helpdesk verify` */
    const char *verify_detail;
    int64_t tickets, incidents, tickets_open;
    int64_t closures;            /* stored calendar closures */
    int64_t status_notices;      /* status announcements still shown */
    int64_t api_tokens;          /* -1: no token table */
    int64_t ip_rules;            /* -1: no allow-list table */
    int64_t admin_tokens;        /* active admin-scope API tokens */
    int64_t admin_tokens_open;   /* ... of them without an IP allow-list */
    int64_t tokens_limited;      /* active tokens with an IP allow-list */
    int64_t admins_totp;         /* enabled admins enrolled in TOTP */
    int64_t users_unused;        /* enabled, no sign-in since the cut-off */
    int64_t restore_at, restore_ok; /* newest `backup restore`; 0: none */
    const char *restore_gen;
    int64_t att_oldest_unscanned_at; /* 0: nothing waits */
    int64_t att_last_scanned_at;     /* newest scan; 0: none */
    int64_t users_oncall;        /* enabled users on call */
    int64_t tickets_unseen;      /* open, no enabled non-admin may see */
    int64_t agents_active;       /* enabled agents */
    int64_t maintenance_future;  /* maintenance announced, not started */
    int64_t alerts_nobody;       /* incident alerts that reached nobody */
};

/* One audit row as the checklist shows it (strings in the arena). */
struct hd_report_audit {
    int64_t at;
    const char *actor, *object, *after_json;
};

/* Fills f (strings from a) with the counts above; users_unused counts
 * enabled users not signed in (or, never signed in, created) since
 * unused_before. */
HD_NODISCARD int hd_store_report_facts(struct hd_store *st, int64_t now,
                                       int64_t unused_before,
                                       struct hd_arena *a,
                                       struct hd_report_facts *f,
                                       struct hd_error *err);

/* The newest 'limit' audit rows of 'action', newest first (arena). */
HD_NODISCARD int hd_store_report_audit_last(struct hd_store *st,
                                            const char *action, int limit,
                                            struct hd_arena *a,
                                            struct hd_report_audit **rows_r,
                                            size_t *n_r,
                                            struct hd_error *err);
/* The queue whose address is 'address': 1 found / 0 none / -1. */
HD_NODISCARD int hd_store_report_queue_at(struct hd_store *st,
                                          const char *address,
                                          int64_t *id_r,
                                          struct hd_error *err);

/* Open tickets that no enabled agent or viewer may see (no queue, or a
 * queue granted only to admins). */
HD_NODISCARD int hd_store_report_tickets_unseen(struct hd_store *st,
                                                int64_t *n_r,
                                                struct hd_error *err);

/* Records the verdict of `helpdesk verify` in backup_log (action
 * 'instance-verify') so the checklist can show when it last ran. */
HD_NODISCARD int hd_store_report_verify_record(struct hd_store *st,
                                               bool ok, int64_t duration_ms,
                                               const char *detail,
                                               struct hd_error *err);

#endif
