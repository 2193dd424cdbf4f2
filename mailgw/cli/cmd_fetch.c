/* cmd_fetch.c - `helpdesk-mailgw fetch`: options and configuration, the
 * reconnect loop with exponential back-off, and the exit status.  The
 * protocol work is in imap_fetch.c and pop3_fetch.c. */
#include "mailgw.h"

#include "clock.h"
#include "exitcode.h"
#include "fetch.h"
#include "imap_fetch.h"
#include "log.h"
#include "pop3_fetch.h"

#include <stdio.h>
#include <string.h>

#define MG_FETCH_BACKOFF_MIN_S 1
#define MG_FETCH_BACKOFF_MAX_S 300

struct fetch_opts {
    bool once;
    const char *url, *password_file, *ca_file;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: helpdesk-mailgw [--data DIR] fetch [--once] [--url URL]\n"
            "           [--password-file FILE] [--ca-file FILE]\n"
            "URL: imaps://USER@HOST:PORT/MAILBOX, imap://... (STARTTLS "
            "required),\n     pop3s://USER@HOST:PORT, pop3://... (STLS "
            "required); '?tls=none'\n     after imap:// or pop3:// allows "
            "plain text (tests only).\nDefaults come from fetch.* in "
            "helpdesk.conf.  --once takes what is there and exits.\n");
}

static int parse_opts(int argc, char **argv, struct fetch_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--url") == 0 ? &o->url
                            : strcmp(a, "--password-file") == 0
                                ? &o->password_file
                            : strcmp(a, "--ca-file") == 0 ? &o->ca_file
                                                          : NULL;
        if (strcmp(a, "--once") == 0) {
            o->once = true;
        } else if (slot != NULL && i + 1 < argc) {
            *slot = argv[++i];
        } else {
            fprintf(stderr, "helpdesk-mailgw: fetch: bad option '%s'\n", a);
            return -1;
        }
    }
    return 0;
}

static int setup(struct hd_instance *inst, const struct fetch_opts *o,
                 struct mg_fetch *f, struct hd_error *err)
{
    const struct hd_config *c = hd_instance_config(inst);
    const char *url = o->url ? o->url : hd_config_get(c, HD_CFG_FETCH_URL);
    const char *pwf = o->password_file
                          ? o->password_file
                          : hd_config_get(c, HD_CFG_FETCH_PASSWORD_FILE);
    if (*url == '\0' || *pwf == '\0') {
        hd_error_set(err, HD_E_CONFIG, "fetch.url and fetch.password_file "
                     "must be set (or --url and --password-file)");
        return -1;
    }
    f->inst = inst;
    f->once = o->once;
    f->ca_file =
        o->ca_file ? o->ca_file : hd_config_get(c, HD_CFG_FETCH_CA_FILE);
    f->tls_name = hd_config_get(c, HD_CFG_FETCH_TLS_NAME);
    f->verify = hd_config_get_bool(c, HD_CFG_FETCH_VERIFY);
    f->done_folder = hd_config_get(c, HD_CFG_FETCH_DONE_FOLDER);
    f->poll_seconds = (int)hd_config_get_int(c, HD_CFG_FETCH_POLL_SECONDS);
    f->idle_seconds = (int)hd_config_get_int(c, HD_CFG_FETCH_IDLE_MINUTES) * 60;
    if (f->poll_seconds < 1 || f->idle_seconds < 60) {
        hd_error_set(err, HD_E_CONFIG, "fetch.poll_seconds must be >= 1 and "
                     "fetch.idle_minutes >= 1");
        return -1;
    }
    if (!f->verify)
        hd_warn("fetch", "verify-off", "fetch.verify = false: the server "
                "certificate is NOT checked");
    if (mg_fetch_url_parse(url, f, err) < 0)
        return -1;
    return mg_fetch_password_load(f, pwf, err);
}

static int exit_status(const struct hd_error *err)
{
    if (hd_error_is_temporary(err))
        return HD_EXIT_TEMPFAIL;
    if (err->code == HD_E_PERM)
        return HD_EXIT_NOPERM;
    if (err->code == HD_E_CONFIG)
        return HD_EXIT_CONFIG;
    return HD_EXIT_UNAVAILABLE;
}

/* Sessions until done (--once), stopped, or (--once) failed.  Errors
 * reconnect after 1 s, 2 s, 4 s ... at most MG_FETCH_BACKOFF_MAX_S; a
 * session that lasted longer than that starts the series again. */
static int run_loop(struct mg_fetch *f)
{
    int backoff = MG_FETCH_BACKOFF_MIN_S;
    for (;;) {
        struct hd_error err = HD_ERROR_INIT;
        int64_t started = hd_clock_now();
        int rc = f->proto == MG_FETCH_IMAP ? mg_imap_fetch_run(f, &err)
                                           : mg_pop3_fetch_run(f, &err);
        if (rc == 0)
            return HD_EXIT_OK;
        fprintf(stderr, "helpdesk-mailgw: fetch: %s\n", err.msg);
        if (f->once || err.code == HD_E_CONFIG)
            return exit_status(&err);
        if (hd_clock_now() - started > MG_FETCH_BACKOFF_MAX_S)
            backoff = MG_FETCH_BACKOFF_MIN_S;
        hd_warn("fetch", "retry", "source=%s in=%ds code=%s", f->source,
                backoff, hd_errcode_name(err.code));
        if (mg_fetch_wait(-1, backoff) < 0)
            return HD_EXIT_OK;
        backoff = backoff * 2 > MG_FETCH_BACKOFF_MAX_S ? MG_FETCH_BACKOFF_MAX_S
                                                       : backoff * 2;
    }
}

int mg_cmd_fetch(int argc, char **argv, const struct mg_globals *mg)
{
    struct hd_globals g = {mg->data_dir, mg->profile, "helpdesk-mailgw"};
    struct fetch_opts o = {0};
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return HD_EXIT_OK;
    }
    if (parse_opts(argc, argv, &o) < 0) {
        usage(stderr);
        return HD_EXIT_USAGE;
    }
    struct hd_error err = HD_ERROR_INIT;
    struct hd_instance *inst = NULL;
    static struct mg_fetch f; /* holds the password: static, wiped below */
    memset(&f, 0, sizeof f);
    int rc;
    if (hd_instance_open(&g, 0, &inst, &err) < 0 ||
        setup(inst, &o, &f, &err) < 0) {
        fprintf(stderr, "helpdesk-mailgw: fetch: %s\n", err.msg);
        rc = exit_status(&err);
        goto out;
    }
    /* Our acknowledgement to the server (MOVE, DELE) follows the commit,
     * so the commit must be on disk first. */
    hd_store_set_durable(hd_instance_store(inst), true);
    mg_fetch_signals_install();
    rc = run_loop(&f);
    fprintf(stderr, "fetch: %zu messages: %zu new tickets, %zu replies, "
                    "%zu duplicates\n", f.stats.fetched, f.stats.created,
            f.stats.threaded, f.stats.duplicate);
out:
    mg_fetch_deinit(&f);
    hd_instance_close(&inst);
    return rc;
}
