/* lmtp_server.h - the sockets of `helpdesk-mailgw lmtp`: a UNIX socket
 * (and, if configured, a TCP port on the loopback interface), a bounded
 * set of connections served by one thread with poll(), idle timeouts,
 * and SIGTERM handling.  What a complete message becomes is the
 * caller's business (the deliver callback); this module knows nothing
 * of the store.
 *
 * One thread: a message is delivered (committed) while the other
 * connections wait, so commits never compete with each other for the
 * database lock.
 *
 * SIGTERM or SIGINT: the listeners close and the socket file goes; idle
 * connections get 421; a connection in the middle of DATA may finish its
 * message (for at most MG_LMTP_DRAIN_SECONDS), which is delivered and
 * answered before the connection is closed; then the call returns 0. */
#ifndef MG_LMTP_SERVER_H
#define MG_LMTP_SERVER_H

#include "lmtp.h"

#define MG_LMTP_DRAIN_SECONDS 30 /* grace for messages in hand on SIGTERM */
#define MG_LMTP_CONN_LIMIT 1024  /* hard cap on mail.lmtp_max_connections */

struct mg_lmtp_server_opts {
    const char *socket_path; /* UNIX socket (created 0660; its directory
                                0750 when missing) */
    const char *tcp_listen;  /* "127.0.0.1:PORT" or NULL; loopback only */
    int max_connections;     /* 1..MG_LMTP_CONN_LIMIT */
    int timeout_seconds;     /* idle time before a connection is dropped */
    size_t max_message;      /* bytes kept of one message */
    const char *host;        /* our name in the greeting */
    const char *profile;     /* the instance's, announced after LHLO */
};

struct mg_lmtp_server_cb {
    /* A message is complete: append exactly one reply per recipient of
     * s to out (mg_lmtp_reply). */
    void (*deliver)(void *ctx, struct mg_lmtp *s, struct hd_buf *out);
    /* Called about once a second while idle or busy (may be NULL). */
    void (*tick)(void *ctx);
    void *ctx;
};

/* Serves until SIGTERM/SIGINT.  Prints "listening on unix:PATH" (and
 * "listening on tcp:ADDR:PORT") on stdout once ready.  Returns 0 after a
 * clean stop, -1 with err when the sockets cannot be set up (another
 * server answering on the socket is HD_E_EXISTS). */
HD_NODISCARD int mg_lmtp_serve(const struct mg_lmtp_server_opts *o,
                               const struct mg_lmtp_server_cb *cb,
                               struct hd_error *err);

#endif
