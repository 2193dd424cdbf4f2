/* tlsverify.h - certificate checks for libetpan connections.
 *
 * libetpan (GnuTLS inside) accepts any certificate and sends no SNI
 * unless told.  Callers connect with the *_with_callback variants passing
 * mg_tls_sni_callback and the host name, then call mg_tls_verify() on the
 * stream right after the handshake and before any LOGIN/AUTH, so a
 * password never reaches a server we have not authenticated. */
#ifndef MG_TLSVERIFY_H
#define MG_TLSVERIFY_H

#include "hd.h"

struct mailstream_ssl_context;
struct _mailstream;

/* Callback for the libetpan *_with_callback connects: sets SNI to
 * 'host' (a const char *); IP literals get no SNI (RFC 6066 3). */
void mg_tls_sni_callback(struct mailstream_ssl_context *ctx, void *host);

/* Verifies the chain the server presented on stream s with OpenSSL:
 * trusted by ca_file (PEM bundle; NULL or "": the system store), valid
 * now, for TLS servers, and issued to 'name' (a DNS name, or an IP
 * literal matched against IP SANs).  Returns 0, or -1 with HD_E_PERM and
 * the OpenSSL reason in err. */
HD_NODISCARD int mg_tls_verify(struct _mailstream *s, const char *name,
                               const char *ca_file, struct hd_error *err);

#endif
