"""lmtp_feed.py - delivers numbered mails through one or more LMTP
servers the way an MTA does: one connection per server kept open, mail i
to server i % len(servers), and a mail that gets a temporary failure (4xx,
or the connection lost or refused) is retried, on the same server, until
it is accepted or --give-up seconds have passed since its first try.  A
5xx fails the run.

    python3 lmtp_feed.py --count N --acked FILE [--prefix P] [--give-up S]
                         [--rcpt ADDR] SOCKET...

Mail i has Message-ID <P-i@customer.test>, From P-c<i>@customer.test and
Subject "P i".  Each Message-ID answered 250 is appended to FILE (one per
line, flushed at once) before the next mail is sent, so a test can watch
the progress and knows which mails were acknowledged.  Prints one line:
"acked A temporary T" (T: replies 4xx and connection failures seen).
Exit 0 if every mail was acknowledged.
"""
import argparse
import socket
import sys
import time

TIMEOUT = 30  # seconds per reply


class Temporary(Exception):
    pass


class Conn:
    def __init__(self, path):
        self.path = path
        self.s = None

    def close(self):
        if self.s is not None:
            try:
                self.s.close()
            except OSError:
                pass
        self.s = None
        self.f = None

    def reply(self):
        """The last line of the next reply, without CR LF."""
        while True:
            line = self.f.readline()
            if not line:
                raise Temporary("connection closed")
            line = line.decode("utf-8", "replace").rstrip("\r\n")
            if len(line) < 4 or line[3] != "-":
                return line

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\r\n")
        return self.reply()

    def open(self):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(TIMEOUT)
        self.s.connect(self.path)
        self.f = self.s.makefile("rb")
        expect(self.reply(), "220", "greeting")
        expect(self.cmd("LHLO feed.test"), "250", "LHLO")

    def send(self, rcpt, data):
        """The reply after DATA (a failing reply before DATA is returned
        as it is)."""
        if self.s is None:
            self.open()
        r = self.cmd("MAIL FROM:<sender@customer.test>")
        if not r.startswith("250"):
            return r
        r = self.cmd("RCPT TO:<%s>" % rcpt)
        if not r.startswith("250"):
            self.cmd("RSET")
            return r
        r = self.cmd("DATA")
        if not r.startswith("354"):
            return r
        self.s.sendall(data + b".\r\n")
        return self.reply()


def expect(reply, code, what):
    if reply.startswith("4"):
        raise Temporary("%s: %s" % (what, reply))
    if not reply.startswith(code):
        sys.exit("lmtp_feed: %s: %s" % (what, reply))
    return reply


def mail(prefix, i, rcpt):
    return ("From: Customer %d <%s-c%d@customer.test>\r\n"
            "To: %s\r\n"
            "Subject: %s %d\r\n"
            "Message-ID: <%s-%d@customer.test>\r\n"
            "Date: Mon, 07 Dec 2026 10:00:00 +0900\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "Mail number %d.\r\n" % (i, prefix, i, rcpt, prefix, i, prefix, i, i)
            ).encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--acked", required=True)
    ap.add_argument("--prefix", default="m")
    ap.add_argument("--rcpt", default="support@support.test")
    ap.add_argument("--give-up", type=float, default=120)
    ap.add_argument("sockets", nargs="+")
    a = ap.parse_args()
    conns = [Conn(p) for p in a.sockets]
    temporary = 0
    acked = 0
    with open(a.acked, "a") as out:
        for i in range(1, a.count + 1):
            c = conns[i % len(conns)]
            data = mail(a.prefix, i, a.rcpt)
            first = time.monotonic()
            while True:
                try:
                    r = c.send(a.rcpt, data)
                    if r.startswith("250"):
                        break
                    if not r.startswith("4"):
                        sys.exit("lmtp_feed: mail %d: %s" % (i, r))
                    why = r
                except (OSError, Temporary) as e:
                    why = str(e)
                    c.close()
                temporary += 1
                if time.monotonic() - first > a.give_up:
                    sys.exit("lmtp_feed: mail %d not accepted after %.0f s: %s"
                             % (i, a.give_up, why))
                time.sleep(0.2)
            out.write("%s-%d@customer.test\n" % (a.prefix, i))
            out.flush()
            acked += 1
    for c in conns:
        try:
            if c.s is not None:
                c.cmd("QUIT")
        except (OSError, Temporary):
            pass
        c.close()
    print("acked %d temporary %d" % (acked, temporary))


if __name__ == "__main__":
    main()
