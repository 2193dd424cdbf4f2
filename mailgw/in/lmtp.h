/* lmtp.h - the LMTP protocol (RFC 2033) of one connection, without
 * sockets: bytes in, replies out, and "a message is complete" as an
 * event.  The server (lmtp_server.c) owns the connection and the store;
 * this module owns the command grammar, the transaction state, the
 * DATA terminator and dot-unstuffing.
 *
 * Commands: LHLO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT (and VRFY,
 * answered 252).  Command lines are capped at MG_LMTP_LINE_MAX bytes; a
 * transaction holds at most MG_LMTP_RCPT_MAX recipients.  Message bytes
 * past the session's max are read and dropped (the message is marked
 * truncated), exactly as deliver does with its standard input: nothing
 * is refused for its content. */
#ifndef MG_LMTP_H
#define MG_LMTP_H

#include "buf.h"
#include "hd.h"

#define MG_LMTP_LINE_MAX 2048 /* one command line, CRLF included */
#define MG_LMTP_RCPT_MAX 100  /* recipients in one transaction */
#define MG_LMTP_ADDR_MAX 256  /* one envelope address (RFC 5321 path) */

struct mg_lmtp;

enum mg_lmtp_event {
    MG_LMTP_MORE,    /* all input consumed; feed more */
    MG_LMTP_MESSAGE, /* DATA complete: deliver, reply, mg_lmtp_done() */
    MG_LMTP_QUIT,    /* QUIT answered (or a fatal error): close */
};

/* A session for one connection; messages keep at most max_message bytes.
 * host names us in the greeting and the LHLO reply; profile (may be NULL)
 * is announced in the LHLO reply as "X-HELPDESK-PROFILE name", so the
 * deliver launcher can refuse a server of another profile, as the full
 * program would refuse the instance. */
struct mg_lmtp *mg_lmtp_new(const char *host, const char *profile,
                            size_t max_message);
void mg_lmtp_free(struct mg_lmtp **s); /* sets *s = NULL */

/* The 220 greeting, appended to out. */
void mg_lmtp_greeting(struct mg_lmtp *s, struct hd_buf *out);

/* Appends one reply line (CRLF added; cut at 510 bytes).  A client that
 * lets replies pile up past out's ceiling is given up: the next
 * mg_lmtp_feed() returns MG_LMTP_QUIT. */
void mg_lmtp_reply(struct mg_lmtp *s, struct hd_buf *out, const char *fmt,
                   ...) HD_PRINTF(3, 4);

/* Consumes input up to the end of a message or of the input; *used_r is
 * how much was consumed.  Replies are appended to out.  After
 * MG_LMTP_MESSAGE, the caller delivers the message, appends one reply per
 * recipient and calls mg_lmtp_done() before feeding the rest. */
enum mg_lmtp_event mg_lmtp_feed(struct mg_lmtp *s, const char *in,
                                size_t len, size_t *used_r,
                                struct hd_buf *out);

/* The complete message (dot-unstuffed, CRLF as sent, NUL-terminated). */
const char *mg_lmtp_message(const struct mg_lmtp *s, size_t *len_r,
                            bool *truncated_r);
size_t mg_lmtp_rcpt_count(const struct mg_lmtp *s);
const char *mg_lmtp_rcpt(const struct mg_lmtp *s, size_t i);
const char *mg_lmtp_sender(const struct mg_lmtp *s);
/* Ends the transaction after the message's replies. */
void mg_lmtp_done(struct mg_lmtp *s);
/* True while a message is being received (between DATA and its end). */
bool mg_lmtp_in_data(const struct mg_lmtp *s);

#endif
