# smtp_sink.py - an SMTP server for tests that stores every message it
# accepts.  Run it with /usr/bin/python3 (Debian's python3-aiosmtpd).
#
#   smtp_sink.py PORT OUTDIR LOGFILE [CERT KEY]
#
# With CERT and KEY: STARTTLS is required and AUTH (agent/secret, PLAIN or
# LOGIN) is required after TLS.  Without them: plain SMTP, no AUTH.
# Each message becomes OUTDIR/msg-<n>.eml, prefixed with X-Env-From,
# X-Env-Rcpt, X-Auth and X-TLS lines.  LOGFILE gets one line per EHLO and
# per AUTH attempt, so a test can tell "no session reached AUTH".
# Recipients reject* get 550 and defer* get 451.  SINK_DATA_DELAY (seconds)
# makes the sink wait that long after the message before storing it and
# answering, like a slow server.  (A failed AUTH is
# answered only after a long delay by aiosmtpd 1.4: do not test that.)
import asyncio
import os
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

port, outdir, logfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cert = sys.argv[4] if len(sys.argv) > 5 else None
key = sys.argv[5] if len(sys.argv) > 5 else None
lock = threading.Lock()
counter = [0]
data_delay = float(os.environ.get("SINK_DATA_DELAY") or 0)


def log(line):
    with lock, open(logfile, "a") as f:
        f.write(line + "\n")


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        log("EHLO %s tls=%d" % (hostname, session.ssl is not None))
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # Local parts that make the sink answer like a real server would.
        if address.startswith("reject"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if address.startswith("defer"):
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if data_delay > 0:
            await asyncio.sleep(data_delay)
        with lock:
            counter[0] += 1
            n = counter[0]
        tmp = os.path.join(outdir, ".tmp-%d" % n)
        with open(tmp, "wb") as f:
            f.write(("X-Env-From: %s\nX-Env-Rcpt: %s\nX-Auth: %s\nX-TLS: %s\n"
                     % (envelope.mail_from, ",".join(envelope.rcpt_tos),
                        session.authenticated, session.ssl is not None)).encode())
            f.write(envelope.original_content)
        # rename: a reader never sees a half-written message
        os.rename(tmp, os.path.join(outdir, "msg-%06d.eml" % n))
        log("DATA stored msg-%06d.eml" % n)
        return "250 OK stored"


def auth(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"agent" and auth_data.password == b"secret"
    log("AUTH %s %s %s" % (mechanism, auth_data.login.decode(errors="replace"),
                           "ok" if ok else "fail"))
    return AuthResult(success=ok)


if cert:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    c = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=ctx,
                   require_starttls=True, authenticator=auth,
                   auth_require_tls=True)
else:
    c = Controller(Handler(), hostname="127.0.0.1", port=port)
c.start()
log("READY %d" % port)
while True:
    time.sleep(3600)
