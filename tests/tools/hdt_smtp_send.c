/* hdt_smtp_send.c - test tool: send one message with mg_smtp_send().
 *
 *   hdt_smtp_send --host H --port P [--tls starttls|tls|none] [--ca FILE]
 *                 [--name TLSNAME] [--no-verify] [--user U --pass P]
 *                 --from ADDR --to ADDR [--subject S]
 *
 * With --subject the message is built by hd_build_message() (body "hello
 * from the help desk"); without it the raw message is read from stdin.
 * Prints "ok" or "error <code>: <message>"; exits 0, 75 for a temporary
 * error, 1 otherwise. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "compose.h"
#include "smtp_out.h"

#define TOOL_MSG_MAX (1u << 20)

static const char *arg(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static bool flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

static int read_msg(int argc, char **argv, struct hd_buf *b,
                    struct hd_error *err)
{
    const char *subject = arg(argc, argv, "--subject");
    if (subject != NULL) {
        struct hd_addr to = {NULL, arg(argc, argv, "--to")};
        const char *body = "hello from the help desk\n.dot line\n";
        struct hd_out_msg m = {.from = {"Help Desk", arg(argc, argv, "--from")},
                               .to = &to, .nto = 1, .subject = subject,
                               .body = body, .body_len = strlen(body)};
        return hd_build_message(&m, b, err);
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        if (hd_buf_append(b, chunk, n, err) < 0)
            return -1;
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    const char *tls = arg(argc, argv, "--tls");
    const char *port = arg(argc, argv, "--port");
    struct mg_smtp_cfg cfg = {
        .host = arg(argc, argv, "--host"),
        .port = port ? (unsigned)strtoul(port, NULL, 10) : 0,
        .tls = !tls || strcmp(tls, "starttls") == 0 ? MG_SMTP_STARTTLS
               : strcmp(tls, "tls") == 0            ? MG_SMTP_TLS
                                                    : MG_SMTP_PLAIN,
        .tls_name = arg(argc, argv, "--name"),
        .ca_file = arg(argc, argv, "--ca"),
        .no_verify = flag(argc, argv, "--no-verify"),
        .user = arg(argc, argv, "--user"),
        .password = arg(argc, argv, "--pass"),
        .timeout = 10,
    };
    const char *from = arg(argc, argv, "--from");
    const char *to = arg(argc, argv, "--to");
    struct hd_error err = HD_ERROR_INIT;
    struct hd_buf msg;
    hd_buf_init(&msg, TOOL_MSG_MAX);
    int rc = from && to ? read_msg(argc, argv, &msg, &err) : -1;
    if (!from || !to)
        hd_error_set(&err, HD_E_INVAL, "--from and --to are required");
    if (rc == 0)
        rc = mg_smtp_send(&cfg, from, &to, 1, hd_buf_cstr(&msg), msg.len,
                          &err);
    hd_buf_deinit(&msg);
    if (rc == 0) {
        puts("ok");
        return 0;
    }
    printf("error %s: %s\n", hd_errcode_name(err.code), err.msg);
    return hd_error_is_temporary(&err) ? 75 : 1;
}
