/* fetch.h - shared by the mailbox fetchers (imap_fetch.c, pop3_fetch.c)
 * and the `fetch` command (cmd_fetch.c): the parsed mailbox URL and
 * options, the stop flag set by SIGTERM/SIGINT, and the one way a
 * fetched message is handed to intake.
 *
 * URL forms (the password never appears in the URL; it comes from
 * fetch.password_file):
 *   imaps://USER@HOST[:993]/MAILBOX   IMAP over TLS
 *   imap://USER@HOST[:143]/MAILBOX    IMAP, STARTTLS required
 *   pop3s://USER@HOST[:995]           POP3 over TLS
 *   pop3://USER@HOST[:110]            POP3, STLS required
 * "?tls=none" after imap:// or pop3:// allows a plain-text session; it
 * exists for tests on loopback and must be written out explicitly.
 * USER may be percent-encoded ("a%40b.example" for a@b.example); MAILBOX
 * defaults to INBOX. */
#ifndef MG_FETCH_H
#define MG_FETCH_H

#include "hd.h"
#include "instance.h"

#define MG_FETCH_FIELD_MAX 256 /* user, host, mailbox */
#define MG_FETCH_SOURCE_MAX 1024
#define MG_FETCH_PASSWORD_MAX 1024

enum mg_fetch_proto { MG_FETCH_IMAP, MG_FETCH_POP3 };
enum mg_fetch_tls {
    MG_FETCH_TLS_IMPLICIT, /* imaps, pop3s */
    MG_FETCH_TLS_STARTTLS, /* imap, pop3: upgrade or refuse */
    MG_FETCH_TLS_NONE,     /* ?tls=none */
};

struct mg_fetch_stats {
    size_t fetched, created, threaded, duplicate;
};

struct mg_fetch {
    enum mg_fetch_proto proto;
    enum mg_fetch_tls tls;
    char user[MG_FETCH_FIELD_MAX];
    char host[MG_FETCH_FIELD_MAX];
    char mailbox[MG_FETCH_FIELD_MAX];
    uint16_t port;
    char source[MG_FETCH_SOURCE_MAX]; /* URL without query: progress key */
    char password[MG_FETCH_PASSWORD_MAX]; /* wiped by mg_fetch_deinit() */
    const char *ca_file;     /* "" or NULL: the system store */
    const char *tls_name;    /* name the certificate must carry */
    bool verify;             /* false only by explicit fetch.verify=false */
    const char *done_folder; /* IMAP: move committed mail here ("" none) */
    bool once;               /* process what is there, then return */
    int poll_seconds;        /* IMAP without IDLE, POP3: wait between rounds */
    int idle_seconds;        /* re-IDLE after this long */
    struct hd_instance *inst;
    struct mg_fetch_stats stats;
};

/* Parses url into f (see the forms above).  0, or -1 with HD_E_CONFIG. */
HD_NODISCARD int mg_fetch_url_parse(const char *url, struct mg_fetch *f,
                                    struct hd_error *err);
/* Reads the password (first line of path, at most MG_FETCH_PASSWORD_MAX-1
 * bytes).  0 or -1. */
HD_NODISCARD int mg_fetch_password_load(struct mg_fetch *f, const char *path,
                                        struct hd_error *err);
void mg_fetch_deinit(struct mg_fetch *f);

/* Installs the SIGTERM/SIGINT handler (no SA_RESTART, so a blocked read
 * returns); mg_fetch_stopping() then says whether one arrived. */
void mg_fetch_signals_install(void);
bool mg_fetch_stopping(void);
/* While held, SIGTERM/SIGINT wait: a message being committed and marked
 * is finished before the process reacts. */
void mg_fetch_signals_hold(bool hold);

/* Waits up to 'seconds' for fd (-1: none) to become readable or a stop
 * request.  1 readable, 0 timed out, -1 stopping. */
int mg_fetch_wait(int fd, int seconds);

/* Hands one raw message to intake, durably.  0 committed (stats
 * updated), -1 with err (temporary codes: try the message again later). */
HD_NODISCARD int mg_fetch_intake(struct mg_fetch *f, const char *raw,
                                 size_t len, struct hd_error *err);

#endif
