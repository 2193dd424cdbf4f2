/* sla.h - service-level clocks of tickets.  Incidents run on a 24/7
 * clock, general questions on the business calendar (policy table
 * sla_policy).  Due times are stored on the ticket; they are computed at
 * creation, shifted when the ticket waits on the customer (pending pauses
 * the clock) and judged met or breached when the first response or the
 * resolution happens.  The worker escalates at 80 % and 100 %. */
#ifndef HD_SLA_H
#define HD_SLA_H

#include "calendar.h"
#include "instance.h"

struct hd_sla;

#define HD_SLA_WARN_PERCENT 80

/* A new business calendar from the config (calendar.hours,
 * calendar.jp_holidays, calendar.year_end, instance.timezone) plus the
 * closures stored in st (may be NULL).  Caller frees. */
HD_NODISCARD int hd_business_calendar(struct hd_instance *inst,
                                      struct hd_store *st,
                                      struct hd_calendar **cal_r,
                                      struct hd_error *err);

/* Builds the business calendar from the config (calendar.hours,
 * calendar.jp_holidays, calendar.year_end) plus stored closures. */
HD_NODISCARD int hd_sla_new(struct hd_instance *inst, struct hd_store *st,
                            struct hd_sla **sla_r, struct hd_error *err);
void hd_sla_free(struct hd_sla **sla);
const struct hd_calendar *hd_sla_business(const struct hd_sla *sla);

/* Sets the due times of a new ticket (from t->created_at) and stores
 * them. */
HD_NODISCARD int hd_sla_start(const struct hd_sla *sla, struct hd_store *st,
                              struct hd_ticket *t, struct hd_error *err);
/* Status change old -> new at 'now': pending pauses, leaving pending
 * resumes (due times move by the paused business time), resolved
 * records resolution met/breached.  Stores the SLA fields. */
HD_NODISCARD int hd_sla_on_status(const struct hd_sla *sla,
                                  struct hd_store *st, struct hd_ticket *t,
                                  enum hd_status old_status,
                                  enum hd_status new_status, int64_t now,
                                  struct hd_error *err);
/* The category or priority of t changed: due times that have not been
 * met yet are computed again from the creation time under the new policy
 * (plus the time spent paused) and stored. */
HD_NODISCARD int hd_sla_recompute(const struct hd_sla *sla,
                                  struct hd_store *st, struct hd_ticket *t,
                                  struct hd_error *err);
/* The first reply to the customer went out at 'now'. */
HD_NODISCARD int hd_sla_first_response(const struct hd_sla *sla,
                                       struct hd_store *st,
                                       struct hd_ticket *t, int64_t now,
                                       struct hd_error *err);

enum hd_sla_level { HD_SLA_FINE, HD_SLA_WARNING, HD_SLA_BREACHED };
/* Where the running clock of t stands at now; *which_r (may be NULL) is
 * "first_response" or "resolution". */
enum hd_sla_level hd_sla_level(const struct hd_sla *sla,
                               const struct hd_ticket *t, int64_t now,
                               const char **which_r);

/* Customer-facing promise for a new ticket: when to expect an answer, in
 * lang ("ja" or "en"), e.g. "営業時間外のため、12月28日(月) 10:00以降に順次
 * 回答いたします。".  Written into out (size n). */
void hd_sla_promise(const struct hd_sla *sla, const struct hd_ticket *t,
                    const char *lang, char *out, size_t n);

#endif
