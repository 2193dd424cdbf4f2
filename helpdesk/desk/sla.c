/* sla.c - see sla.h. */
#include "sla.h"

#include "clock.h"
#include "store_sla.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hd_sla {
    struct hd_calendar *business;
    struct hd_calendar *always;
};

int hd_business_calendar(struct hd_instance *inst, struct hd_store *st,
                         struct hd_calendar **cal_r, struct hd_error *err)
{
    const struct hd_config *cfg = hd_instance_config(inst);
    struct hd_calendar *cal =
        hd_calendar_new(hd_config_get(cfg, HD_CFG_INSTANCE_TIMEZONE), err);
    if (cal == NULL ||
        hd_calendar_parse_hours(cal, hd_config_get(cfg, HD_CFG_CALENDAR_HOURS),
                                err) < 0)
        goto fail;
    hd_calendar_set_holidays_jp(
        cal, hd_config_get_bool(cfg, HD_CFG_CALENDAR_JP_HOLIDAYS));
    hd_calendar_set_year_end(
        cal, *hd_config_get(cfg, HD_CFG_CALENDAR_YEAR_END) != '\0');
    if (st != NULL && hd_calendar_load(cal, st, err) < 0)
        goto fail;
    *cal_r = cal;
    return 0;
fail:
    hd_calendar_free(&cal);
    return -1;
}

int hd_sla_new(struct hd_instance *inst, struct hd_store *st,
               struct hd_sla **sla_r, struct hd_error *err)
{
    struct hd_sla *sla = hd_xcalloc(1, sizeof *sla);
    sla->always = hd_calendar_new_always();
    if (hd_business_calendar(inst, st, &sla->business, err) < 0) {
        hd_sla_free(&sla);
        return -1;
    }
    *sla_r = sla;
    return 0;
}

void hd_sla_free(struct hd_sla **slap)
{
    struct hd_sla *sla = *slap;
    if (sla == NULL)
        return;
    hd_calendar_free(&sla->business);
    hd_calendar_free(&sla->always);
    free(sla);
    *slap = NULL;
}

const struct hd_calendar *hd_sla_business(const struct hd_sla *sla)
{
    return sla->business;
}

static int policy(struct hd_store *st, const struct hd_ticket *t,
                  struct hd_sla_policy *p, struct hd_error *err)
{
    int f = hd_store_sla_policy(st, hd_category_name(t->category),
                                hd_priority_name(t->priority), p, err);
    if (f == 0)
        hd_error_set(err, HD_E_CONFIG, "no SLA policy for %s tickets",
                     hd_category_name(t->category));
    return f > 0 ? 0 : -1;
}

static const struct hd_calendar *clock_of(const struct hd_sla *sla,
                                          const struct hd_sla_policy *p)
{
    return p->business_hours ? sla->business : sla->always;
}

int hd_sla_start(const struct hd_sla *sla, struct hd_store *st,
                 struct hd_ticket *t, struct hd_error *err)
{
    struct hd_sla_policy p;
    if (policy(st, t, &p, err) < 0)
        return -1;
    const struct hd_calendar *cal = clock_of(sla, &p);
    if (hd_calendar_add_minutes(cal, t->created_at, p.first_response_m,
                                &t->first_response_due, err) < 0 ||
        hd_calendar_add_minutes(cal, t->created_at, p.resolution_m,
                                &t->resolution_due, err) < 0)
        return -1;
    t->sla_first_state = "running";
    t->sla_resolve_state = "running";
    return hd_store_ticket_set_sla(st, t, err);
}

int hd_sla_recompute(const struct hd_sla *sla, struct hd_store *st,
                     struct hd_ticket *t, struct hd_error *err)
{
    struct hd_sla_policy p;
    int64_t first, resolve;
    if (policy(st, t, &p, err) < 0)
        return -1;
    const struct hd_calendar *cal = clock_of(sla, &p);
    if (hd_calendar_add_minutes(cal, t->created_at, p.first_response_m,
                                &first, err) < 0 ||
        hd_calendar_add_minutes(cal, t->created_at, p.resolution_m, &resolve,
                                err) < 0)
        return -1;
    /* Time spent pending does not count against the customer's clock. */
    if (t->first_response_at == 0)
        t->first_response_due = first + t->sla_paused_secs;
    if (t->resolved_at == 0)
        t->resolution_due = resolve + t->sla_paused_secs;
    return hd_store_ticket_set_sla(st, t, err);
}

/* Moves a due time by the clock time that passed while paused. */
static int shift(const struct hd_calendar *cal, int64_t paused_at,
                 int64_t now, int64_t *due, struct hd_error *err)
{
    if (*due == 0)
        return 0;
    int64_t left = hd_calendar_business_seconds_between(cal, paused_at, *due);
    int64_t d;
    if (hd_calendar_add_minutes(cal, now, (int)(left / 60), &d, err) < 0)
        return -1;
    *due = d + left % 60;
    return 0;
}

static const char *judge(int64_t at, int64_t due)
{
    return due == 0 || at <= due ? "met" : "breached";
}

int hd_sla_on_status(const struct hd_sla *sla, struct hd_store *st,
                     struct hd_ticket *t, enum hd_status old_status,
                     enum hd_status new_status, int64_t now,
                     struct hd_error *err)
{
    struct hd_sla_policy p;
    if (policy(st, t, &p, err) < 0)
        return -1;
    const struct hd_calendar *cal = clock_of(sla, &p);
    if (new_status == HD_STATUS_PENDING && t->sla_paused_at == 0) {
        t->sla_paused_at = now;
    } else if (old_status == HD_STATUS_PENDING && t->sla_paused_at != 0) {
        if ((t->first_response_at == 0 &&
             shift(cal, t->sla_paused_at, now, &t->first_response_due,
                   err) < 0) ||
            shift(cal, t->sla_paused_at, now, &t->resolution_due, err) < 0)
            return -1;
        t->sla_paused_secs += now - t->sla_paused_at;
        t->sla_paused_at = 0;
    }
    if ((new_status == HD_STATUS_RESOLVED || new_status == HD_STATUS_CLOSED) &&
        t->resolved_at == 0) {
        t->resolved_at = now;
        t->sla_resolve_state = judge(now, t->resolution_due);
    }
    if (new_status == HD_STATUS_OPEN && t->resolved_at != 0) {
        /* Reopened: the resolution clock runs again from its old target. */
        t->resolved_at = 0;
        t->sla_resolve_state = "running";
    }
    return hd_store_ticket_set_sla(st, t, err);
}

int hd_sla_first_response(const struct hd_sla *sla, struct hd_store *st,
                          struct hd_ticket *t, int64_t now,
                          struct hd_error *err)
{
    (void)sla;
    if (t->first_response_at != 0)
        return 0;
    t->first_response_at = now;
    t->sla_first_state = judge(now, t->first_response_due);
    return hd_store_ticket_set_sla(st, t, err);
}

enum hd_sla_level hd_sla_level(const struct hd_sla *sla,
                               const struct hd_ticket *t, int64_t now,
                               const char **which_r)
{
    (void)sla;
    int64_t due = t->first_response_at == 0 ? t->first_response_due
                                            : t->resolution_due;
    if (which_r != NULL)
        *which_r = t->first_response_at == 0 ? "first_response"
                                             : "resolution";
    if (due == 0 || t->sla_paused_at != 0 || t->resolved_at != 0)
        return HD_SLA_FINE;
    if (now >= due)
        return HD_SLA_BREACHED;
    int64_t span = due - t->created_at - t->sla_paused_secs;
    int64_t used = now - t->created_at - t->sla_paused_secs;
    if (span > 0 && used * 100 >= span * HD_SLA_WARN_PERCENT)
        return HD_SLA_WARNING;
    return HD_SLA_FINE;
}

static const char *const wd_ja[] = {"日", "月", "火", "水", "木", "金", "土"};
static const char *const wd_en[] = {"Sunday",   "Monday", "Tuesday",
                                    "Wednesday", "Thursday", "Friday",
                                    "Saturday"};
static const char *const mon_en[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

static void when(int64_t t, bool ja, char *out, size_t n)
{
    struct tm tm;
    hd_time_local(t, &tm, NULL);
    if (ja)
        snprintf(out, n, "%d月%d日(%s) %02d:%02d", tm.tm_mon + 1, tm.tm_mday,
                 wd_ja[tm.tm_wday], tm.tm_hour, tm.tm_min);
    else
        snprintf(out, n, "%s %d %s, %02d:%02d %s", wd_en[tm.tm_wday],
                 tm.tm_mday, mon_en[tm.tm_mon], tm.tm_hour, tm.tm_min,
                 tm.tm_zone ? tm.tm_zone : "");
}

void hd_sla_promise(const struct hd_sla *sla, const struct hd_ticket *t,
                    const char *lang, char *out, size_t n)
{
    bool ja = lang == NULL || strcmp(lang, "en") != 0;
    char due[64], open[64];
    when(t->first_response_due, ja, due, sizeof due);
    if (t->category == HD_CAT_INCIDENT) {
        snprintf(out, n,
                 ja ? "障害として受け付けました。24時間365日体制で対応し、"
                      "%s までに最初のご連絡を差し上げます。"
                    : "We have logged this as an incident. Our team works "
                      "on incidents around the clock and will contact you "
                      "by %s.",
                 due);
        return;
    }
    int64_t created = t->created_at, next;
    struct hd_error err;
    if (!hd_calendar_is_open(sla->business, created) &&
        hd_calendar_next_open(sla->business, created, &next, &err) == 0) {
        when(next, ja, open, sizeof open);
        snprintf(out, n,
                 ja ? "営業時間外のため、%s以降に順次回答いたします"
                      "(回答期限の目安: %s)。"
                    : "We received your message outside our business "
                      "hours. We will reply from %s (at the latest by %s).",
                 open, due);
        return;
    }
    snprintf(out, n,
             ja ? "営業時間内に受け付けました。%s までに回答いたします。"
                : "We received your message during business hours and will "
                  "reply by %s.",
             due);
}
