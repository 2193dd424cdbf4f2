#!/usr/bin/python3
"""mailgen.py - a deterministic corpus of support mail for tests and
benchmarks, standard library only.

  mailgen.py --count N (--dir DIR | --mbox FILE) [--prefix P]
             [--reply-every K] [--attach-every K] [--to ADDR]

Message i (0-based) is, in turn: plain ASCII; Japanese (UTF-8 base64
body, RFC 2047 subject); Japanese in ISO-2022-JP; and every
--attach-every'th carries a base64 attachment.  Every --reply-every'th
message (0: none) is a reply (In-Reply-To + References) to the newest
earlier original.  Message-IDs are <P.i@gen.test>.  Prints one line
"messages=N originals=O replies=R" on stdout.
"""
import argparse
import base64
import os
import random
from email.header import Header

JA_SUBJECTS = ["ログインできません", "請求書の再発行について", "パスワードを忘れました",
               "サーバーが応答しない", "契約プランの変更希望"]
JA_LINES = ["お世話になっております。", "昨日から管理画面にログインできません。",
            "至急ご確認いただけますでしょうか。", "よろしくお願いいたします。"]
EN_SUBJECTS = ["Cannot log in", "Invoice question", "Printer on fire",
               "API returns 500", "Feature request: export"]


def date(i):
    return "Mon, 07 Dec 2026 %02d:%02d:%02d +0900" % (9 + (i // 3600) % 9,
                                                       (i // 60) % 60, i % 60)


def headers(i, prefix, subj, to, extra=""):
    return ("From: Customer %d <customer%d@example.org>\r\n"
            "To: %s\r\nSubject: %s\r\nDate: %s\r\n"
            "Message-ID: <%s.%d@gen.test>\r\nMIME-Version: 1.0\r\n%s"
            % (i % 97, i % 97, to, subj, date(i), prefix, i, extra))


def body_plain(i, rnd):
    lines = ["Hello,", ""] + ["ticket body line %d for message %d." % (k, i)
                              for k in range(rnd.randint(3, 12))]
    return "\r\n".join(lines) + "\r\n"


def plain(i, prefix, to, rnd, subj=None, extra=""):
    s = subj or "%s #%d" % (EN_SUBJECTS[i % len(EN_SUBJECTS)], i)
    return (headers(i, prefix, s, to, extra) +
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n" +
            body_plain(i, rnd))


def japanese_utf8(i, prefix, to, rnd, subj=None, extra=""):
    s = subj or Header("%s %d" % (JA_SUBJECTS[i % 5], i), "utf-8").encode()
    text = "\n".join(JA_LINES[: rnd.randint(2, 4)]) + "\n番号 %d\n" % i
    b64 = base64.encodebytes(text.encode("utf-8")).decode().replace("\n",
                                                                    "\r\n")
    return (headers(i, prefix, s, to, extra) +
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + b64)


def japanese_jis(i, prefix, to, rnd, subj=None, extra=""):
    s = subj or Header("%s %d" % (JA_SUBJECTS[i % 5], i),
                       "iso-2022-jp").encode()
    text = "\r\n".join(JA_LINES) + "\r\n"
    return (headers(i, prefix, s, to, extra).encode("ascii") +
            b"Content-Type: text/plain; charset=ISO-2022-JP\r\n"
            b"Content-Transfer-Encoding: 7bit\r\n\r\n" +
            text.encode("iso-2022-jp"))


def with_attachment(i, prefix, to, rnd, subj=None, extra=""):
    s = subj or "Log files for case %d" % i
    blob = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(2000, 30000)))
    b64 = base64.encodebytes(blob).decode().replace("\n", "\r\n")
    return (headers(i, prefix, s, to, extra) +
            "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n"
            "--b%d\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n%s"
            "--b%d\r\nContent-Type: application/octet-stream\r\n"
            "Content-Disposition: attachment; filename=\"log%d.bin\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s--b%d--\r\n"
            % (i, i, body_plain(i, rnd), i, i, b64, i))


KINDS = [plain, japanese_utf8, japanese_jis]


def make(i, args, rnd, originals):
    if args.reply_every and i % args.reply_every == args.reply_every - 1 \
            and originals:
        parent = originals[-1]
        extra = ("In-Reply-To: <%s.%d@gen.test>\r\n"
                 "References: <%s.%d@gen.test>\r\n"
                 % (args.prefix, parent, args.prefix, parent))
        return plain(i, args.prefix, args.to, rnd,
                     "Re: follow-up %d" % parent, extra), True
    originals.append(i)
    if args.attach_every and i % args.attach_every == 0:
        return with_attachment(i, args.prefix, args.to, rnd), False
    return KINDS[i % len(KINDS)](i, args.prefix, args.to, rnd), False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--dir")
    ap.add_argument("--mbox")
    ap.add_argument("--prefix", default="m")
    ap.add_argument("--reply-every", type=int, default=0)
    ap.add_argument("--attach-every", type=int, default=0)
    ap.add_argument("--to", default="support@support.test")
    args = ap.parse_args()
    rnd = random.Random(args.count * 7919 + len(args.prefix))
    originals, replies = [], 0
    mbox = open(args.mbox, "wb") if args.mbox else None
    if args.dir:
        os.makedirs(args.dir, exist_ok=True)
    for i in range(args.count):
        msg, is_reply = make(i, args, rnd, originals)
        replies += is_reply
        if isinstance(msg, str):
            msg = msg.encode("utf-8")
        if mbox:
            body = msg.replace(b"\r\n", b"\n")
            body = b"\n".join(b">" + l if l.startswith(b"From ") else l
                              for l in body.split(b"\n"))
            mbox.write(b"From customer@example.org Mon Dec  7 09:00:00 2026\n"
                       + body + (b"" if body.endswith(b"\n") else b"\n")
                       + b"\n")
        else:
            with open(os.path.join(args.dir, "%06d.eml" % i), "wb") as f:
                f.write(msg)
    if mbox:
        mbox.close()
    print("messages=%d originals=%d replies=%d"
          % (args.count, args.count - replies, replies))


if __name__ == "__main__":
    main()
