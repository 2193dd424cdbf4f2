/* pop3_fetch.c - the POP3 side of `fetch` (see pop3_fetch.h).  POP3 has
 * no push, and the server shows new mail only to a new session, so each
 * round is one connection. */
#include "pop3_fetch.h"

#include "log.h"
#include "store_fetch.h"
#include "tlsverify.h"

#include <libetpan/libetpan.h>
#include <string.h>

#define MG_POP3_TIMEOUT_S 60
#define MG_POP3_ROUND_MAX 5000 /* messages taken per session */

static int pop3_fail(struct mg_fetch *f, int r, const char *what,
                     struct hd_error *err)
{
    enum hd_errcode code = r == MAILPOP3_ERROR_BAD_USER ||
                                   r == MAILPOP3_ERROR_BAD_PASSWORD
                               ? HD_E_PERM : HD_E_TEMP;
    hd_error_set(err, code, "pop3 %s:%u: %s failed (libetpan %d)", f->host,
                 f->port, what, r);
    return -1;
}

static const char *cert_name(const struct mg_fetch *f)
{
    return f->tls_name && *f->tls_name ? f->tls_name : f->host;
}

static int pop3_connect(struct mg_fetch *f, mailpop3 *pop,
                        struct hd_error *err)
{
    void *name = (void *)cert_name(f);
    int r = f->tls == MG_FETCH_TLS_IMPLICIT
                ? mailpop3_ssl_connect_with_callback(
                      pop, f->host, f->port, mg_tls_sni_callback, name)
                : mailpop3_socket_connect(pop, f->host, f->port);
    if (r != MAILPOP3_NO_ERROR)
        return pop3_fail(f, r, "connect", err);
    if (f->tls == MG_FETCH_TLS_STARTTLS) {
        r = mailpop3_socket_starttls_with_callback(pop, mg_tls_sni_callback,
                                                   name);
        if (r != MAILPOP3_NO_ERROR) {
            hd_error_set(err, HD_E_PERM, "pop3 %s:%u: STLS refused "
                         "(libetpan %d); use pop3s:// or, for tests only, "
                         "?tls=none", f->host, f->port, r);
            return -1;
        }
    }
    if (f->tls != MG_FETCH_TLS_NONE && f->verify &&
        mg_tls_verify(pop->pop3_stream, cert_name(f), f->ca_file, err) < 0)
        return -1;
    r = mailpop3_login(pop, f->user, f->password);
    return r == MAILPOP3_NO_ERROR ? 0 : pop3_fail(f, r, "login", err);
}

/* One message: RETR, intake, record the UIDL, DELE; stop signals held. */
static int pop3_take(struct mg_fetch *f, mailpop3 *pop,
                     const struct mailpop3_msg_info *mi, struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(f->inst);
    char *raw = NULL;
    size_t len = 0;
    int r = mailpop3_retr(pop, mi->msg_index, &raw, &len);
    if (r != MAILPOP3_NO_ERROR)
        return pop3_fail(f, r, "RETR", err);
    mg_fetch_signals_hold(true);
    int rc = mg_fetch_intake(f, raw, len, err);
    if (rc == 0)
        rc = hd_store_fetch_pop3_add(st, f->source, mi->msg_uidl, err);
    if (rc == 0 && (r = mailpop3_dele(pop, mi->msg_index)) != 0)
        rc = pop3_fail(f, r, "DELE", err);
    mg_fetch_signals_hold(false);
    mailpop3_retr_free(raw);
    return rc;
}

static int pop3_round(struct mg_fetch *f, mailpop3 *pop,
                      struct hd_error *err)
{
    carray *list = NULL;
    int r = mailpop3_list(pop, &list);
    if (r != MAILPOP3_NO_ERROR)
        return pop3_fail(f, r, "LIST/UIDL", err);
    unsigned n = carray_count(list), taken = 0;
    for (unsigned i = 0; i < n && !mg_fetch_stopping(); i++) {
        struct mailpop3_msg_info *mi = carray_get(list, i);
        if (mi == NULL || mi->msg_uidl == NULL) {
            hd_error_set(err, HD_E_TEMP, "pop3 %s: no UIDL for message %u",
                         f->host, i + 1);
            return -1;
        }
        int seen = hd_store_fetch_pop3_seen(hd_instance_store(f->inst),
                                            f->source, mi->msg_uidl, err);
        if (seen < 0)
            return -1;
        if (seen) { /* committed before; its DELE was lost with a QUIT */
            if ((r = mailpop3_dele(pop, mi->msg_index)) != 0)
                return pop3_fail(f, r, "DELE", err);
            continue;
        }
        if (taken++ == MG_POP3_ROUND_MAX)
            break;
        if (pop3_take(f, pop, mi, err) < 0)
            return -1;
    }
    return 0;
}

/* One connection: take what is there, QUIT (which commits the DELEs). */
static int pop3_session(struct mg_fetch *f, struct hd_error *err)
{
    mailpop3 *pop = mailpop3_new(0, NULL);
    hd_assert(pop != NULL);
    mailpop3_set_timeout(pop, MG_POP3_TIMEOUT_S);
    int rc = pop3_connect(f, pop, err);
    if (rc == 0)
        rc = pop3_round(f, pop, err);
    if (rc == 0) {
        int r = mailpop3_quit(pop);
        if (r != MAILPOP3_NO_ERROR)
            rc = pop3_fail(f, r, "QUIT", err);
    }
    mailpop3_free(pop);
    return rc;
}

int mg_pop3_fetch_run(struct mg_fetch *f, struct hd_error *err)
{
    for (;;) {
        if (pop3_session(f, err) < 0)
            return mg_fetch_stopping() ? 0 : -1;
        if (f->once || mg_fetch_stopping())
            return 0;
        if (mg_fetch_wait(-1, f->poll_seconds) < 0)
            return 0;
    }
}
