/* smtp_out.c - see smtp_out.h.  Owns the SMTP client session (libetpan's
 * mailsmtp) and the server certificate check; not the message text.
 *
 * libetpan (built on GnuTLS here) does not verify certificates at all, and
 * sends no SNI unless asked in a connect callback.  So: connect with the
 * *_with_callback variants to set SNI, then take the peer's chain from the
 * stream and verify it with OpenSSL (chain + X509_VERIFY_PARAM host or IP)
 * before EHLO-after-TLS and AUTH.  A failed check closes the connection
 * without sending another command, so no credential ever leaves. */
#include "smtp_out.h"

#include <arpa/inet.h>
#include <libetpan/libetpan.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <string.h>

#define SMTP_PORT 25
#define SMTPS_PORT 465

static bool is_ip_literal(const char *h)
{
    unsigned char a[16];
    return inet_pton(AF_INET, h, a) == 1 || inet_pton(AF_INET6, h, a) == 1;
}

static const char *tls_name(const struct mg_smtp_cfg *cfg)
{
    return cfg->tls_name ? cfg->tls_name : cfg->host;
}

static void set_sni(struct mailstream_ssl_context *ctx, void *data)
{
    const char *name = data;
    if (!is_ip_literal(name)) /* RFC 6066 §3: no literal IPs in SNI */
        mailstream_ssl_set_server_name(ctx, (char *)name);
}

/* The server's last reply, one line, printable. */
static void reply_text(mailsmtp *s, char *out, size_t n)
{
    const char *r = s->response ? s->response : "";
    size_t i = 0;
    for (; r[i] && i + 1 < n; i++)
        out[i] = (unsigned char)r[i] < 0x20 ? ' ' : r[i];
    out[i] = '\0';
}

/* Maps a failed libetpan step to our error: 4xx and network trouble are
 * temporary, 5xx permanent with the server's words. */
static int smtp_fail(mailsmtp *s, int r, const char *step,
                     struct hd_error *err)
{
    char text[160];
    reply_text(s, text, sizeof text);
    int code = s->response_code;
    if (r == MAILSMTP_ERROR_SSL)
        hd_error_set(err, HD_E_CRYPTO, "SMTP %s: TLS failed", step);
    else if (code >= 500 && code < 600)
        hd_error_set(err, HD_E_INVAL, "SMTP %s refused: %d %s", step, code,
                     text);
    else if (code >= 400 && code < 500)
        hd_error_set(err, HD_E_TEMP, "SMTP %s deferred: %d %s", step, code,
                     text);
    else
        hd_error_set(err, HD_E_TEMP, "SMTP %s failed: %s", step,
                     mailsmtp_strerror(r));
    return -1;
}

static X509_STORE *ca_store(const char *ca_file, struct hd_error *err)
{
    X509_STORE *st = X509_STORE_new();
    hd_assert(st != NULL);
    int ok = ca_file ? X509_STORE_load_file(st, ca_file)
                     : X509_STORE_set_default_paths(st);
    if (ok != 1) {
        X509_STORE_free(st);
        ERR_clear_error();
        hd_error_set(err, HD_E_CONFIG, "cannot load CA certificates from %s",
                     ca_file ? ca_file : "the system bundle");
        return NULL;
    }
    return st;
}

/* DER chain (leaf first) to X509 objects; the leaf is returned. */
static X509 *decode_chain(carray *chain, STACK_OF(X509) *rest)
{
    X509 *leaf = NULL;
    for (unsigned i = 0; i < carray_count(chain); i++) {
        MMAPString *der = carray_get(chain, i);
        const unsigned char *p = (const unsigned char *)der->str;
        X509 *x = d2i_X509(NULL, &p, (long)der->len);
        if (x == NULL)
            continue;
        if (leaf == NULL)
            leaf = x;
        else
            sk_X509_push(rest, x);
    }
    return leaf;
}

static int verify_chain(X509_STORE *st, X509 *leaf, STACK_OF(X509) *rest,
                        const char *name, struct hd_error *err)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    hd_assert(ctx != NULL);
    int ok = X509_STORE_CTX_init(ctx, st, leaf, rest);
    X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
    if (ok == 1)
        ok = is_ip_literal(name) ? X509_VERIFY_PARAM_set1_ip_asc(vp, name)
                                 : X509_VERIFY_PARAM_set1_host(vp, name, 0);
    if (ok == 1)
        ok = X509_verify_cert(ctx);
    if (ok != 1)
        hd_error_set(err, HD_E_CRYPTO, "certificate of %s not trusted: %s",
                     name,
                     X509_verify_cert_error_string(
                         X509_STORE_CTX_get_error(ctx)));
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return ok == 1 ? 0 : -1;
}

static int verify_peer(mailsmtp *s, const struct mg_smtp_cfg *cfg,
                       struct hd_error *err)
{
    if (cfg->no_verify)
        return 0;
    carray *chain = mailstream_get_certificate_chain(s->stream);
    if (chain == NULL || carray_count(chain) == 0) {
        if (chain)
            mailstream_certificate_chain_free(chain);
        hd_error_set(err, HD_E_CRYPTO, "server sent no certificate");
        return -1;
    }
    STACK_OF(X509) *rest = sk_X509_new_null();
    X509 *leaf = decode_chain(chain, rest);
    mailstream_certificate_chain_free(chain);
    X509_STORE *st = leaf ? ca_store(cfg->ca_file, err) : NULL;
    int r = -1;
    if (leaf == NULL)
        hd_error_set(err, HD_E_CRYPTO, "server certificate undecodable");
    else if (st != NULL)
        r = verify_chain(st, leaf, rest, tls_name(cfg), err);
    X509_STORE_free(st);
    X509_free(leaf);
    sk_X509_pop_free(rest, X509_free);
    return r;
}

static int check_cfg(const struct mg_smtp_cfg *cfg, size_t nrcpt,
                     struct hd_error *err)
{
    if (cfg->host == NULL || cfg->host[0] == '\0') {
        hd_error_set(err, HD_E_CONFIG, "SMTP host not set");
        return -1;
    }
    if (cfg->user != NULL && cfg->tls == MG_SMTP_PLAIN) {
        hd_error_set(err, HD_E_CONFIG, "SMTP AUTH needs TLS");
        return -1;
    }
    if (nrcpt == 0 || nrcpt > MG_SMTP_RCPT_MAX) {
        hd_error_set(err, HD_E_INVAL, "%zu recipients (1..%d)", nrcpt,
                     MG_SMTP_RCPT_MAX);
        return -1;
    }
    return 0;
}

static int ehlo(mailsmtp *s, const struct mg_smtp_cfg *cfg,
                struct hd_error *err)
{
    int r = mailesmtp_ehlo_with_ip(s, cfg->helo_ip);
    if (r == MAILSMTP_ERROR_NOT_IMPLEMENTED && cfg->tls == MG_SMTP_PLAIN)
        r = mailsmtp_helo_with_ip(s, cfg->helo_ip); /* pre-ESMTP server */
    return r == MAILSMTP_NO_ERROR ? 0 : smtp_fail(s, r, "EHLO", err);
}

/* Connects and, for STARTTLS, upgrades; the certificate is verified
 * before returning, and EHLO is (re)sent over the secured channel. */
static int open_session(mailsmtp *s, const struct mg_smtp_cfg *cfg,
                        struct hd_error *err)
{
    const char *name = tls_name(cfg);
    uint16_t port = (uint16_t)(cfg->port ? cfg->port
                               : cfg->tls == MG_SMTP_TLS ? SMTPS_PORT
                                                         : SMTP_PORT);
    int r = cfg->tls == MG_SMTP_TLS
                ? mailsmtp_ssl_connect_with_callback(s, cfg->host, port,
                                                     set_sni, (void *)name)
                : mailsmtp_socket_connect(s, cfg->host, port);
    if (r != MAILSMTP_NO_ERROR)
        return smtp_fail(s, r, "connect", err);
    if (cfg->tls == MG_SMTP_TLS && verify_peer(s, cfg, err) < 0)
        return -1;
    if (ehlo(s, cfg, err) < 0)
        return -1;
    if (cfg->tls != MG_SMTP_STARTTLS)
        return 0;
    if (!(s->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
        hd_error_set(err, HD_E_CRYPTO, "%s offers no STARTTLS", cfg->host);
        return -1;
    }
    r = mailsmtp_socket_starttls_with_callback(s, set_sni, (void *)name);
    if (r != MAILSMTP_NO_ERROR)
        return smtp_fail(s, r, "STARTTLS", err);
    if (verify_peer(s, cfg, err) < 0)
        return -1;
    return ehlo(s, cfg, err);
}

static int transfer(mailsmtp *s, const char *from, const char *const *rcpts,
                    size_t nrcpt, const char *msg, size_t len,
                    struct hd_error *err)
{
    int r = mailsmtp_mail(s, from);
    if (r != MAILSMTP_NO_ERROR)
        return smtp_fail(s, r, "MAIL FROM", err);
    for (size_t i = 0; i < nrcpt; i++) {
        r = mailsmtp_rcpt(s, rcpts[i]);
        if (r != MAILSMTP_NO_ERROR)
            return smtp_fail(s, r, "RCPT TO", err);
    }
    r = mailsmtp_data(s);
    if (r != MAILSMTP_NO_ERROR)
        return smtp_fail(s, r, "DATA", err);
    r = mailsmtp_data_message(s, msg, len); /* dot-stuffs */
    if (r != MAILSMTP_NO_ERROR)
        return smtp_fail(s, r, "message", err);
    return 0;
}

int mg_smtp_send(const struct mg_smtp_cfg *cfg, const char *mail_from,
                 const char *const *rcpts, size_t nrcpt, const char *msg,
                 size_t len, struct hd_error *err)
{
    if (check_cfg(cfg, nrcpt, err) < 0)
        return -1;
    mailsmtp *s = mailsmtp_new(0, NULL);
    hd_assert(s != NULL);
    mailsmtp_set_timeout(s, cfg->timeout > 0 ? cfg->timeout
                                             : MG_SMTP_TIMEOUT_DEFAULT);
    int rc = open_session(s, cfg, err);
    if (rc == 0 && cfg->user != NULL) {
        /* Cyrus SASL PLAIN/LOGIN (needs libsasl2-modules installed). */
        int r = mailsmtp_auth(s, cfg->user,
                              cfg->password ? cfg->password : "");
        if (r != MAILSMTP_NO_ERROR)
            rc = smtp_fail(s, r, "AUTH", err);
    }
    if (rc == 0)
        rc = transfer(s, mail_from, rcpts, nrcpt, msg, len, err);
    if (rc == 0)
        mailsmtp_quit(s);
    mailsmtp_free(s);
    return rc;
}
