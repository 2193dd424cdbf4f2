"""lmtp_client.py - a small LMTP client for tests (smtplib's LMTP class
reads one reply after DATA; LMTP sends one per recipient).

    python3 lmtp_client.py SOCKET RCPT... < message
        one transaction; prints the reply to each recipient after DATA,
        one per line; exit 0 if all were 250.
"""
import socket
import sys

TIMEOUT = 30  # seconds per reply


class Lmtp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(TIMEOUT)
        self.s.connect(path)
        self.f = self.s.makefile("rb")
        self.greeting = self.reply()

    def reply(self):
        """The last line of the next reply, without CRLF ('' at EOF)."""
        while True:
            line = self.f.readline().decode("utf-8", "replace").rstrip("\r\n")
            if len(line) < 4 or line[3] != "-":
                return line

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\r\n")
        return self.reply()

    def send(self, sender, rcpts, data, lhlo=True):
        """One transaction; returns the replies after DATA (one per
        accepted recipient), or [the failing reply] before DATA."""
        if lhlo:
            self.cmd("LHLO test.client")
        r = self.cmd("MAIL FROM:<%s>" % sender)
        if not r.startswith("250"):
            return [r]
        ok = 0
        for a in rcpts:
            r = self.cmd("RCPT TO:<%s>" % a)
            ok += r.startswith("250")
        r = self.cmd("DATA")
        if not r.startswith("354"):
            return [r]
        self.s.sendall(stuff(data) + b".\r\n")
        return [self.reply() for _ in range(ok)]

    def close(self):
        self.s.close()


def stuff(data):
    """Dot-stuffing, and a final CRLF if the data lacks one."""
    out = b"\n".join(b"." + l if l.startswith(b".") else l
                     for l in data.split(b"\n"))
    return out if out.endswith(b"\n") else out + b"\r\n"


if __name__ == "__main__":
    c = Lmtp(sys.argv[1])
    replies = c.send("sender@example.org", sys.argv[2:], sys.stdin.buffer.read())
    c.cmd("QUIT")
    print("\n".join(replies))
    sys.exit(0 if all(r.startswith("250") for r in replies) else 1)
