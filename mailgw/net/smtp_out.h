/* smtp_out.h - send one message over SMTP (submission or relay).
 *
 * TLS is on by default and the server certificate is checked (chain
 * against ca_file or the system bundle, and host name or IP address)
 * BEFORE any credential is sent.  Composing the message is compose.h's
 * job; this module only moves bytes. */
#ifndef MG_SMTP_OUT_H
#define MG_SMTP_OUT_H

#include "hd.h"

#define MG_SMTP_TIMEOUT_DEFAULT 30 /* seconds per network operation */
#define MG_SMTP_RCPT_MAX 100       /* recipients per message */

enum mg_smtp_tls {
    MG_SMTP_STARTTLS = 0, /* default: plain connect, STARTTLS required */
    MG_SMTP_TLS,          /* implicit TLS (port 465) */
    MG_SMTP_PLAIN,        /* no TLS at all; AUTH is then refused */
};

/* Zero-initialised means: STARTTLS, verified against the system CAs,
 * no AUTH, default timeout. */
struct mg_smtp_cfg {
    const char *host;         /* name or address to connect to */
    unsigned port;            /* 0: 25 (STARTTLS/PLAIN) or 465 (TLS) */
    enum mg_smtp_tls tls;
    const char *tls_name;     /* name to verify and send as SNI; NULL: host */
    const char *ca_file;      /* PEM bundle; NULL: the system bundle */
    bool no_verify;           /* tests only: skip the certificate check */
    const char *user;         /* NULL: no AUTH; else PLAIN or LOGIN */
    const char *password;
    bool helo_ip;             /* EHLO [address] instead of the host name */
    int timeout;              /* seconds; 0: MG_SMTP_TIMEOUT_DEFAULT */
};

/* Sends msg (a complete RFC 5322 message, CRLF line ends; dot-stuffing is
 * done here) from mail_from to every address in rcpts.  All or nothing:
 * one refused recipient fails the send.  Returns 0 when the server
 * accepted the message, else -1 with
 *   HD_E_TEMP    connection failed or timed out, 4xx reply: retry later;
 *   HD_E_INVAL   5xx reply (the server's text is in err->msg);
 *   HD_E_CRYPTO  TLS failed or the certificate did not verify (nothing
 *                was sent after the handshake);
 *   HD_E_CONFIG  cfg is unusable (no host, AUTH without TLS, ...). */
HD_NODISCARD int mg_smtp_send(const struct mg_smtp_cfg *cfg,
                              const char *mail_from,
                              const char *const *rcpts, size_t nrcpt,
                              const char *msg, size_t len,
                              struct hd_error *err);

#endif
