/* cmd_lmtp.c - `helpdesk-mailgw lmtp`: the long-running LMTP server the
 * MTA (or the `deliver` launcher) hands mail to.  Each recipient of a
 * message goes through mg_intake_message() exactly as `deliver
 * --recipient ADDR` would, after the message is synced to the server's
 * write-ahead journal (lmtp_spool.h): durable before its 250; 451/452 for
 * anything temporary; never a 5xx for content.  At start the journal is
 * replayed into the database before the socket is opened.  The
 * database's checkpoints run on a thread of their own
 * (hd_store_ckpt_start), not inside a message's commit. */
#include "mailgw.h"

#include "clock.h"
#include "exitcode.h"
#include "lmtp_server.h"
#include "lmtp_spool.h"
#include "log.h"
#include "uptime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BEAT_SECONDS 30 /* heartbeat interval for the availability report */
#define HOST_MAX 128    /* our host name in the greeting */
/* The WAL is checkpointed on a thread of its own from this many pages on
 * (~25 messages; SQLite's own bound, so the log is no bigger). */
#define CKPT_PAGES 1000

struct lmtp_ctx {
    struct hd_instance *inst;
    struct hd_store *st;
    struct mg_lmtp_spool *spool;
    int64_t last_beat;
};

static void on_message(void *ctx, struct mg_lmtp *s, struct hd_buf *out)
{
    struct lmtp_ctx *x = ctx;
    mg_lmtp_spool_deliver(x->spool, s, out);
}

/* The journal's sync point when due; liveness for the availability
 * report, without a sync. */
static void on_tick(void *ctx)
{
    struct lmtp_ctx *x = ctx;
    mg_lmtp_spool_tick(x->spool);
    int64_t now = hd_clock_now();
    if (now - x->last_beat < BEAT_SECONDS)
        return;
    x->last_beat = now;
    struct hd_error err = HD_ERROR_INIT;
    if (hd_uptime_beat(x->st, "mailgw", &err) < 0)
        hd_warn("lmtp", "heartbeat", "error=\"%s\"", err.msg);
}

/* mail.lmtp_socket, relative to the data directory, or DIR/run/lmtp.sock. */
static char *socket_path(struct hd_instance *inst)
{
    const char *s =
        hd_config_get(hd_instance_config(inst), HD_CFG_MAIL_LMTP_SOCKET);
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
    long long maxc = hd_config_get_int(cfg, HD_CFG_MAIL_LMTP_MAX_CONNECTIONS);
    long long tmo = hd_config_get_int(cfg, HD_CFG_MAIL_LMTP_TIMEOUT_SECONDS);
    const char *tcp = hd_config_get(cfg, HD_CFG_MAIL_LMTP_LISTEN);
    if (maxc < 1 || maxc > MG_LMTP_CONN_LIMIT || tmo < 1) {
        hd_error_set(err, HD_E_CONFIG, "mail.lmtp_max_connections must be "
                     "1..%d and mail.lmtp_timeout_seconds at least 1",
                     MG_LMTP_CONN_LIMIT);
        return -1;
    }
    if (mg_lmtp_spool_open(inst, x.st, &x.spool, err) < 0)
        return -1;
    struct hd_store_ckpt *ckpt = hd_store_ckpt_start(x.st, CKPT_PAGES);
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
    mg_lmtp_spool_free(&x.spool);
    hd_store_ckpt_stop(&ckpt);
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
        return strcmp(argv[1], "--help") == 0 ? HD_EXIT_OK : HD_EXIT_USAGE;
    }
    if (hd_instance_open(&g, HD_INSTANCE_DELIVER, &inst, &err) < 0) {
        fprintf(stderr, "helpdesk-mailgw: %s\n", err.msg);
        return hd_error_is_temporary(&err) ? HD_EXIT_TEMPFAIL : HD_EXIT_CONFIG;
    }
    int rc = serve(inst, &err);
    hd_instance_close(&inst);
    if (rc < 0) {
        fprintf(stderr, "helpdesk-mailgw: lmtp: %s\n", err.msg);
        return hd_error_is_temporary(&err) ? HD_EXIT_TEMPFAIL : HD_EXIT_CONFIG;
    }
    return HD_EXIT_OK;
}
