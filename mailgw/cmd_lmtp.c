/* cmd_lmtp.c - `helpdesk-mailgw lmtp`: the long-running LMTP server the
 * MTA (or the `deliver` launcher) hands mail to.  Each recipient of a
 * message goes through mg_intake_message() exactly as `deliver
 * --recipient ADDR` would: same durable commit (synchronous=FULL, blobs
 * fsynced) before its 250; 451/452 for anything temporary; never a 5xx
 * for content. */
#include "mailgw.h"

#include "clock.h"
#include "intake.h"
#include "lmtp_server.h"
#include "log.h"
#include "uptime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EX_OK_ 0
#define EX_USAGE_ 64
#define EX_CONFIG_ 78
#define EX_TEMPFAIL_ 75
#define BEAT_SECONDS 30 /* heartbeat interval for the availability report */
#define WHY_MAX 200     /* error text quoted in a 451 reply */
#define HOST_MAX 128    /* our host name in the greeting */

struct lmtp_ctx {
    struct hd_instance *inst;
    struct hd_store *st;
    int64_t last_beat;
};

/* One recipient's delivery and its reply line. */
static void deliver_rcpt(struct lmtp_ctx *x, struct mg_lmtp *s,
                         const char *rcpt, struct hd_buf *out)
{
    struct hd_error err = HD_ERROR_INIT;
    struct mg_intake_result r;
    struct mg_intake_opts o = {.envelope_rcpt = rcpt, .actor = "mailgw"};
    size_t len;
    bool truncated;
    const char *raw = mg_lmtp_message(s, &len, &truncated);
    char safe[MG_LMTP_ADDR_MAX + 1];
    hd_log_printable(rcpt, safe, MG_LMTP_ADDR_MAX);
    if (mg_intake_message(x->inst, x->st, raw, len, &o, &r, &err) < 0) {
        char why[WHY_MAX];
        hd_log_printable(err.msg, why, sizeof why - 1);
        hd_warn("lmtp", "deferred", "rcpt=\"%s\" code=%s error=\"%s\"", safe,
                hd_errcode_name(err.code), why);
        if (err.code == HD_E_NOSPACE)
            mg_lmtp_reply(s, out, "452 4.3.1 <%s> disk full, try again "
                                  "later", safe);
        else
            mg_lmtp_reply(s, out, "451 4.3.0 <%s> deferred (%s): %s", safe,
                          hd_errcode_name(err.code), why);
        return;
    }
    if (truncated)
        hd_warn("lmtp", "truncated", "ticket=%lld bytes=%zu",
                (long long)r.number, len);
    mg_lmtp_reply(s, out, "250 2.0.0 <%s> ticket %lld (%s)", safe,
                  (long long)r.number, r.duplicate ? "duplicate" : r.how);
}

static void on_message(void *ctx, struct mg_lmtp *s, struct hd_buf *out)
{
    for (size_t i = 0; i < mg_lmtp_rcpt_count(s); i++)
        deliver_rcpt(ctx, s, mg_lmtp_rcpt(s, i), out);
}

/* Liveness for the availability report, without a sync. */
static void on_tick(void *ctx)
{
    struct lmtp_ctx *x = ctx;
    int64_t now = hd_clock_now();
    if (now - x->last_beat < BEAT_SECONDS)
        return;
    x->last_beat = now;
    struct hd_error err = HD_ERROR_INIT;
    hd_store_set_durable(x->st, false);
    if (hd_uptime_beat(x->st, "mailgw", &err) < 0)
        hd_warn("lmtp", "heartbeat", "error=\"%s\"", err.msg);
    hd_store_set_durable(x->st, true);
}

/* mail.lmtp_socket, relative to the data directory, or DIR/run/lmtp.sock. */
static char *socket_path(struct hd_instance *inst)
{
    const char *s = hd_config_get(hd_instance_config(inst), "mail.lmtp_socket");
    const char *dir = hd_instance_dir(inst);
    if (s[0] == '/')
        return hd_xstrdup(s);
    const char *rel = s[0] != '\0' ? s : "run/lmtp.sock";
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = hd_xmalloc(n);
    snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

static int serve(struct hd_instance *inst, struct hd_error *err)
{
    const struct hd_config *cfg = hd_instance_config(inst);
    struct lmtp_ctx x = {.inst = inst, .st = hd_instance_store(inst)};
    long long busy = hd_config_get_int(cfg, "mail.deliver_busy_ms");
    long long maxc = hd_config_get_int(cfg, "mail.lmtp_max_connections");
    long long tmo = hd_config_get_int(cfg, "mail.lmtp_timeout_seconds");
    const char *tcp = hd_config_get(cfg, "mail.lmtp_listen");
    if (maxc < 1 || maxc > MG_LMTP_CONN_LIMIT || tmo < 1) {
        hd_error_set(err, HD_E_CONFIG, "mail.lmtp_max_connections must be "
                     "1..%d and mail.lmtp_timeout_seconds at least 1",
                     MG_LMTP_CONN_LIMIT);
        return -1;
    }
    hd_store_set_durable(x.st, true);
    hd_store_set_busy_timeout(x.st, busy > 0 ? (int)busy : 1);
    char host[HOST_MAX] = "localhost";
    gethostname(host, sizeof host - 1);
    char *path = socket_path(inst);
    struct mg_lmtp_server_opts o = {
        .socket_path = path, .tcp_listen = tcp[0] ? tcp : NULL,
        .max_connections = (int)maxc, .timeout_seconds = (int)tmo,
        .max_message = HD_MAIL_MAX, .host = host,
        .profile = hd_instance_profile(inst),
    };
    struct mg_lmtp_server_cb cb = {on_message, on_tick, &x};
    int rc = mg_lmtp_serve(&o, &cb, err);
    free(path);
    return rc;
}

int mg_cmd_lmtp(int argc, char **argv, const struct mg_globals *mg)
{
    struct hd_globals g = {mg->data_dir, mg->profile, "helpdesk-mailgw"};
    struct hd_error err = HD_ERROR_INIT;
    struct hd_instance *inst = NULL;
    if (argc > 1) {
        printf("usage: helpdesk-mailgw [--data DIR] lmtp\n"
               "Serves LMTP on mail.lmtp_socket (default DIR/run/lmtp.sock)"
               " until SIGTERM.\n");
        return strcmp(argv[1], "--help") == 0 ? EX_OK_ : EX_USAGE_;
    }
    if (hd_instance_open(&g, 0, &inst, &err) < 0) {
        fprintf(stderr, "helpdesk-mailgw: %s\n", err.msg);
        return hd_error_is_temporary(&err) ? EX_TEMPFAIL_ : EX_CONFIG_;
    }
    int rc = serve(inst, &err);
    hd_instance_close(&inst);
    if (rc < 0) {
        fprintf(stderr, "helpdesk-mailgw: lmtp: %s\n", err.msg);
        return EX_CONFIG_;
    }
    return EX_OK_;
}
