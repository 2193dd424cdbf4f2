/* ops.c - operations endpoints: /readyz (can this instance do its work:
 * database writable, disk space, worker heartbeat, clamd) and /metrics
 * (Prometheus text: tickets, intake, outbox, SLA, backups, webhooks and
 * the HTTP counters of metrics.c).  /metrics answers clients whose
 * address (the real client's, behind a trusted proxy) is in
 * web.metrics_allow_ips, or others holding an admin token. */
#include "api.h"

#include "clock.h"
#include "scan.h"
#include "store_api.h"

#include <sys/statvfs.h>

#define WEB_METRICS_MAX (64 * 1024)

static void check(json_t *checks, bool *all, const char *name, bool ok,
                  const char *detail)
{
    json_object_set_new(checks, name, json_pack("{s:b, s:s}", "ok", ok,
                                                "detail", detail));
    *all = *all && ok;
}

/* The write lock can be taken and a row written (then rolled back). */
static bool db_writable(struct web_req *r, const char **detail)
{
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_begin(r->st, &err) < 0 ||
        hd_store_meta_set(r->st, "ops.ready_probe", "1", &err) < 0) {
        hd_store_rollback(r->st);
        *detail = hd_arena_strdup(r->a, err.msg);
        return false;
    }
    hd_store_rollback(r->st);
    *detail = "writable";
    return true;
}

static bool disk_ok(struct web_req *r, const char **detail)
{
    struct statvfs sv;
    long min_mb = hd_config_get_int(r->app->cfg, HD_CFG_OPS_MIN_FREE_DISK_MB);
    if (statvfs(hd_instance_dir(r->app->inst), &sv) < 0) {
        *detail = "statvfs failed";
        return false;
    }
    unsigned long long free_mb =
        (unsigned long long)sv.f_bavail * sv.f_frsize / (1024 * 1024);
    *detail = hd_arena_printf(r->a, "%llu MB free, need %ld", free_mb,
                              min_mb);
    return free_mb >= (unsigned long long)min_mb;
}

static bool worker_ok(struct web_req *r, const char **detail)
{
    struct hd_error err = HD_ERROR_INIT;
    int64_t at = 0, now = hd_clock_now();
    long max = hd_config_get_int(r->app->cfg,
                                 HD_CFG_OPS_HEARTBEAT_MAX_AGE_SECONDS);
    int found = hd_store_api_heartbeat_at(r->st, "worker", &at, &err);
    if (found <= 0) {
        *detail = found < 0 ? err.msg : "no worker heartbeat yet";
        return false;
    }
    *detail = hd_arena_printf(r->a, "heartbeat %llds ago, max %ld",
                              (long long)(now - at), max);
    return now - at <= max;
}

void web_page_readyz(struct web_req *r, const char *arg)
{
    (void)arg;
    json_t *checks = json_object();
    bool all = true;
    const char *d;
    bool ok = db_writable(r, &d);
    check(checks, &all, "database", ok, d);
    ok = disk_ok(r, &d);
    check(checks, &all, "disk", ok, d);
    ok = worker_ok(r, &d);
    check(checks, &all, "worker", ok, d);
    const char *clamd = hd_config_get(r->app->cfg, HD_CFG_SCAN_CLAMD_SOCKET);
    if (clamd != NULL && *clamd != '\0') {
        struct hd_error err = HD_ERROR_INIT;
        ok = hd_scan_ping(clamd, &err) == 0;
        check(checks, &all, "clamd", ok, ok ? "PONG" : err.msg);
    }
    /* The clock is reported (checklist row 35), not a reason to refuse
     * work: an unsynchronised clock still serves. */
    struct hd_clock_sync cs;
    hd_clock_sync_state(&cs);
    bool ignored = true;
    check(checks, &ignored, "clock", cs.synced,
          hd_arena_printf(r->a, "%s by %s, maximum error %ld us",
                          cs.synced ? "synchronised" : "unsynchronised",
                          cs.source, cs.max_error_us));
    web_resp_header(r, "Cache-Control", "no-store");
    web_resp_json(r, all ? 200 : 503, json_pack("{s:s, s:o}", "status",
                                                all ? "ready" : "not_ready",
                                                "checks", checks));
}

#define GAUGE(b, name, help, fmt, ...)                                       \
    hd_buf_printf(b, &err, "# HELP " name " " help "\n# TYPE " name         \
                  " gauge\n" name fmt "\n", __VA_ARGS__)

static int store_series(struct hd_buf *b, const struct hd_api_metrics *m,
                        int64_t now)
{
    struct hd_error err = HD_ERROR_INIT;
    int rc = hd_buf_printf(b, &err, "# HELP helpdesk_tickets Tickets by "
                           "status.\n# TYPE helpdesk_tickets gauge\n");
    for (int i = 0; i < HD_STATUS_COUNT && rc == 0; i++)
        rc = hd_buf_printf(b, &err, "helpdesk_tickets{status=\"%s\"} %lld\n",
                           hd_status_name((enum hd_status)i),
                           (long long)m->by_status[i]);
    rc |= hd_buf_printf(b, &err, "# HELP helpdesk_tickets_by_category "
                        "Tickets by category.\n# TYPE "
                        "helpdesk_tickets_by_category gauge\n");
    for (int i = 0; i < HD_CAT_COUNT && rc == 0; i++)
        rc = hd_buf_printf(b, &err, "helpdesk_tickets_by_category"
                           "{category=\"%s\"} %lld\n",
                           hd_category_name((enum hd_category)i),
                           (long long)m->by_category[i]);
    rc |= GAUGE(b, "helpdesk_intake_messages_24h", "Inbound messages in the "
                "last 24 hours.", " %lld", (long long)m->inbound_24h);
    rc |= GAUGE(b, "helpdesk_intake_needs_review", "Open tickets from mail "
                "that could not be parsed.", " %lld",
                (long long)m->needs_review);
    rc |= GAUGE(b, "helpdesk_outbox_depth", "Mails waiting to be sent.",
                " %lld", (long long)m->outbox_depth);
    rc |= GAUGE(b, "helpdesk_outbox_oldest_age_seconds", "Age of the oldest "
                "queued mail.", " %lld", (long long)(m->outbox_oldest_at
                                         ? now - m->outbox_oldest_at : 0));
    rc |= GAUGE(b, "helpdesk_outbox_failed", "Mails given up on.", " %lld",
                (long long)m->outbox_failed);
    rc |= GAUGE(b, "helpdesk_sla_breached_tickets", "Open tickets with a "
                "breached SLA clock.", " %lld", (long long)m->sla_breached);
    rc |= GAUGE(b, "helpdesk_backup_age_seconds", "Time since the newest "
                "successful backup (-1: none).", " %lld",
                (long long)(m->backup_ok_at ? now - m->backup_ok_at : -1));
    rc |= GAUGE(b, "helpdesk_webhook_queued", "Webhook deliveries waiting.",
                " %lld", (long long)m->webhook_queued);
    rc |= GAUGE(b, "helpdesk_webhook_failed", "Webhook deliveries given up.",
                " %lld", (long long)m->webhook_failed);
    rc |= hd_buf_printf(b, &err, "# HELP helpdesk_intake_skipped_total "
                        "Webhook events, acknowledgements and alerts of new "
                        "tickets that could not be built (reason on the "
                        "ticket's history).\n# TYPE "
                        "helpdesk_intake_skipped_total counter\n"
                        "helpdesk_intake_skipped_total %lld\n",
                        (long long)m->intake_skipped);
    rc |= hd_buf_printf(b, &err, "# HELP helpdesk_intake_degraded_total "
                        "Mails stored without threading, routing or "
                        "attachments after a failure, flagged for review."
                        "\n# TYPE helpdesk_intake_degraded_total counter\n"
                        "helpdesk_intake_degraded_total %lld\n",
                        (long long)m->intake_degraded);
    rc |= hd_buf_printf(b, &err, "# HELP helpdesk_reply_refused_total "
                        "Mails to agents' reply addresses refused (bad "
                        "token, other sender, disabled user, no grant, "
                        "auto-reply, spam), as the security log still "
                        "holds them.\n# TYPE helpdesk_reply_refused_total "
                        "counter\nhelpdesk_reply_refused_total %lld\n",
                        (long long)m->reply_refused);
    return rc;
}

void web_page_metrics(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_api_metrics m;
    /* An empty list lets no address in without a token. */
    const struct hd_cidr_list *allow = &r->app->metrics_allow;
    if (!(allow->n > 0 && hd_cidr_match(allow, r->client_ip)) &&
        !web_api_auth(r, HD_SCOPE_ADMIN, &c))
        return;
    int64_t now = hd_clock_now();
    if (hd_store_api_metrics(r->st, now, &m, &err) < 0) {
        web_api_fail(r, &err);
        return;
    }
    struct hd_buf b;
    hd_buf_init(&b, WEB_METRICS_MAX);
    int rc = store_series(&b, &m, now);
    web_metrics_http(&b);
    if (rc != 0) {
        hd_buf_deinit(&b);
        web_api_error(r, 500, "internal", "metrics too large");
        return;
    }
    char *body = hd_arena_strndup(r->a, hd_buf_cstr(&b), b.len);
    web_resp_data(r, 200, "text/plain; version=0.0.4; charset=utf-8", body,
                  b.len, true);
    web_resp_header(r, "Cache-Control", "no-store");
    hd_buf_deinit(&b);
}
