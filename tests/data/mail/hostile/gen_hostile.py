#!/usr/bin/env python3
"""Writes the hostile intake corpus: NN-name.eml, each a mail a hostile or
broken sender can send and that must still open exactly one ticket
(tests/e2e/mailgw_hostile.test.sh delivers each through `deliver`).
Names ending in -skip.eml are expected to have some derived work (the
acknowledgement, alert or webhook event) skipped, with the reason on the
ticket's history.  Run from anywhere: python3 gen_hostile.py"""
import os

OUT = os.path.dirname(os.path.abspath(__file__))

def head(frm=b"Alice <alice@example.com>", subject=b"hello", extra=b""):
    h = b""
    if frm is not None:
        h += b"From: " + frm + b"\r\n"
    h += b"To: support@desk.example\r\n"
    if subject is not None:
        h += b"Subject: " + subject + b"\r\n"
    return h + extra

def write(name, data):
    with open(os.path.join(OUT, name + ".eml"), "wb") as f:
        f.write(data)

body = b"\r\nPlease help.\r\n"
n = 0
def case(name, data):
    global n
    n += 1
    write("%02d-%s" % (n, name), data)

# A Subject past the acknowledgement's 4096-byte header limit.
case("subject-5k-skip", head(subject=b"S" * 5000 + b" end",
                             extra=b"Message-ID: <h1@example.com>\r\n") + body)
# A Subject that folds past the header limit as many words.
case("subject-words-9k-skip", head(subject=b" ".join([b"word"] * 1800),
                                   extra=b"Message-ID: <h2@example.com>\r\n") + body)
# 34 KB of backslashes: each doubles in JSON, past the 64 KiB webhook cap.
case("subject-backslash-34k-skip",
     head(subject=b"\\" * (34 * 1024),
          extra=b"Message-ID: <h3@example.com>\r\n") + body)
# Addresses a strict syntax refuses.
case("from-quoted-comma-skip", head(frm=b'<"a,b"@x.example>',
                               extra=b"Message-ID: <h4@example.com>\r\n") + body)
case("from-ip-literal-skip", head(frm=b"<a@[127.0.0.1]>",
                             extra=b"Message-ID: <h5@example.com>\r\n") + body)
case("from-bare-root-skip", head(frm=b"root",
                            extra=b"Message-ID: <h6@example.com>\r\n") + body)
case("no-from", head(frm=None, extra=b"Message-ID: <h7@example.com>\r\n") + body)
# 10,000 recipients in To and Cc.
rcpts = b",\r\n ".join(b"user%d@example.net" % i for i in range(5000))
rcpts2 = b",\r\n ".join(b"cc%d@example.org" % i for i in range(5000))
case("recipients-10000",
     b"From: bob@example.com\r\nTo: " + rcpts + b"\r\nCc: " + rcpts2 +
     b"\r\nSubject: many\r\nMessage-ID: <h8@example.com>\r\n" + body)
# A header block of 1 MB: one unfolded line and many fields.
case("header-1mb",
     head(extra=b"Message-ID: <h9@example.com>\r\nX-Long: " +
          b"x" * (512 * 1024) + b"\r\n" +
          b"".join(b"X-F%d: %s\r\n" % (i, b"y" * 60) for i in range(8000))) +
     body)
case("empty", b"")
case("headers-only", head(extra=b"Message-ID: <h11@example.com>\r\n"))
case("nul-bytes-skip", head(frm=b"Nul\x00Name <nul@example.com>",
                       subject=b"a\x00b\x00c",
                       extra=b"Message-ID: <h12\x00@example.com>\r\n") +
     b"\r\nbody\x00with\x00nuls\r\n")
bad = b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x82\xf0\x28\x8c\xbc\xed\xa0\x80"
case("invalid-utf8-everywhere",
     b"From: " + bad + b" <" + bad + b"@example.com>\r\n" +
     b"To: " + bad + b" <" + bad + b"@desk.example>\r\n" +
     b"Cc: " + bad + b"\r\nSubject: " + bad + b"\r\n" +
     b"Message-ID: <" + bad + b"@example.com>\r\n" +
     b"In-Reply-To: <" + bad + b">\r\nReferences: <" + bad + b">\r\n" +
     b"Date: " + bad + b"\r\nContent-Type: text/plain; charset=" + bad +
     b"\r\nContent-Transfer-Encoding: " + bad + b"\r\n" +
     b"X-" + bad + b": " + bad + b"\r\n" + b"\r\n" + bad + b"\r\n")
# Everything at once: an incident (alerts) whose Subject breaks the alert.
case("from-angle-only", head(frm=b"<>", extra=b"Message-ID: <h14@example.com>\r\n") + body)
case("subject-crlf-injection",
     head(subject=b"=?UTF-8?B?" + __import__("base64").b64encode(
         b"x\r\nBcc: victim@example.com\r\n") + b"?=",
          extra=b"Message-ID: <h15@example.com>\r\n") + body)
