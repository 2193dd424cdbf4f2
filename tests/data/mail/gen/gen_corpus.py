#!/usr/bin/env python3
"""Writes the mail parser corpus: NNNN-name.eml + NNNN-name.json pairs.

Charset bytes are produced by real encoders (Python codecs and iconv(1)),
so every .eml holds the bytes a real client would send.  The .json holds
the subset of the `helpdesk-mailgw parse` output a case is about; extra
keys understood by tests/unit/test_parse.c:
  text_contains / text_not_contains / html_contains / html_not_contains:
      lists of substrings;  text_before_quote: text up to the first folded
      (quoted or signature) range, trimmed;  loop, bounce_original_message_id,
      message_id_synthetic, has_problem.
Run from anywhere: python3 gen_corpus.py  (writes into the parent folder).
"""
import base64, hashlib, json, os, quopri, subprocess, sys

OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
cases = []

def iconv(text, charset):
    return subprocess.run(["iconv", "-f", "UTF-8", "-t", charset],
                          input=text.encode(), capture_output=True, check=True).stdout

def sjis_to_jis(b):
    """CP932 bytes -> ISO-2022-JP (CP50221 style, NEC row 13 included)."""
    out, i, mode = bytearray(), 0, 0
    while i < len(b):
        c = b[i]
        if c < 0x80:
            if mode: out += b"\x1b(B"; mode = 0
            out.append(c); i += 1; continue
        c1, c2 = c, b[i + 1]; i += 2
        if not mode: out += b"\x1b$B"; mode = 1
        adj = 1 if c2 < 0x9f else 0
        rowoff = 0x70 if c1 < 0xa0 else 0xb0
        j1 = ((c1 - rowoff) << 1) - adj
        j2 = (c2 - (0x1f if c2 < 0x7f else 0x20)) if adj else c2 - 0x7e
        out += bytes([j1, j2])
    if mode: out += b"\x1b(B"
    return bytes(out)

def jis(text):
    return sjis_to_jis(text.encode("cp932"))

def eucms(text):
    """EUC-JP-MS bytes via JIS rows (+0x80), NEC rows included."""
    j = jis(text); out, i, mode = bytearray(), 0, 0
    while i < len(j):
        if j[i] == 0x1b: mode = j[i + 1] == ord("$"); i += 3; continue
        out.append(j[i] | 0x80 if mode else j[i]); i += 1
    return bytes(out)

def b64w(charset, data):
    return b"=?" + charset.encode() + b"?B?" + base64.b64encode(data) + b"?="

def sha(b):
    return hashlib.sha256(b).hexdigest()

def msg(headers, body, nl=b"\r\n"):
    h = b"".join((k.encode() + b": " + (v if isinstance(v, bytes) else v.encode()) + nl)
                 for k, v in headers)
    return h + nl + body

def std(**over):
    h = [("From", "Taro Yamada <taro@example.jp>"), ("To", "support@helpdesk.example"),
         ("Subject", "Test"), ("Date", "Fri, 25 Dec 2026 18:59:00 +0900"),
         ("Message-ID", "<%s@example.jp>" % over.pop("mid", "m1")), ("MIME-Version", "1.0")]
    for k, v in over.items():
        k = k.replace("_", "-")
        h = [x for x in h if x[0].lower() != k.lower()]
        if v is not None: h.append((k, v))
    return h

def add(name, raw, exp):
    cases.append((name, raw, exp))

def text_case(name, charset, text, te="8bit", label=None, subject=None, extra=None):
    data = text.encode(charset) if charset not in ("ISO-2022-JP", "EUC-JP-MS", "CP50220") \
        else (jis(text) if charset != "EUC-JP-MS" else eucms(text))
    if te == "base64": body = base64.encodebytes(data)
    elif te == "quoted-printable": body = quopri.encodestring(data)
    else: body = data
    lab = label if label is not None else charset
    ct = "text/plain" + ("; charset=%s" % lab if lab else "")
    h = std(Content_Type=ct, Content_Transfer_Encoding=te, mid=name)
    if subject: h = [x for x in h if x[0] != "Subject"] + [("Subject", subject[0])]
    exp = {"text": text.rstrip("\n").replace("\r\n", "\n")}
    if subject: exp["subject"] = subject[1]
    if extra: exp.update(extra)
    add(name, msg(h, body), exp)

# ---- charsets -------------------------------------------------------
JA = "お問い合わせありがとうございます。\n請求書の件です。"
NEC = "【至急】サーバ障害①②㈱～髙﨑"
text_case("utf8-plain", "utf-8", "Hello, the printer is on fire.\n", extra={"language": "en"})
text_case("utf8-base64-ja", "utf-8", JA + "\n", te="base64", extra={"language": "ja"})
text_case("iso2022jp-body", "ISO-2022-JP", JA + "\n", te="7bit",
          subject=(b64w("ISO-2022-JP", jis("お問い合わせ：請求書の件")).decode(), "お問い合わせ：請求書の件"))
text_case("iso2022jp-nec-rows", "CP50220", NEC + "\n", te="7bit", label="ISO-2022-JP",
          subject=(b64w("ISO-2022-JP", jis("①②の件")).decode(), "①②の件"))
text_case("shiftjis-cp932-chars", "cp932", NEC + "\n", label="Shift_JIS",
          subject=(b64w("Shift_JIS", "サーバ①".encode("cp932")).decode(), "サーバ①"))
text_case("cp932-label", "cp932", JA + "\n", label="windows-31j")
text_case("eucjp-ms-nec", "EUC-JP-MS", "ＥＵＣ本文⑬②\n", label="EUC-JP",
          subject=("=?EUC-JP?B?" + base64.b64encode(eucms("ＥＵＣ件名：返金について")).decode() + "?=",
                   "ＥＵＣ件名：返金について"))
text_case("eucjp-qp", "euc_jp", JA + "\n", te="quoted-printable", label="euc-jp")
text_case("latin1", "latin-1", "Café crème, déjà vu.\n", label="ISO-8859-1", te="quoted-printable")
text_case("latin2", "iso8859-2", "Zażółć gęślą jaźń\n", label="iso-8859-2")
text_case("latin5-cyrillic", "iso8859-5", "Привет мир\n", label="ISO-8859-5", extra={"language": "ru"})
text_case("greek-8859-7", "iso8859-7", "Καλημέρα κόσμε\n", label="iso-8859-7", extra={"language": "el"})
text_case("latin9-euro", "iso8859-15", "Prix: 10 € net\n", label="ISO-8859-15")
text_case("win1250", "cp1250", "Příliš žluťoučký kůň\n", label="windows-1250")
text_case("win1251", "cp1251", "Добрый день, заявка\n", label="windows-1251", extra={"language": "ru"})
text_case("win1252-quotes", "cp1252", "\u201cSmart quotes\u201d \u2013 and \u20ac\n", label="windows-1252")
text_case("win1253", "cp1253", "Ευχαριστώ πολύ\n", label="windows-1253")
text_case("gb2312", "gb2312", "您好，打印机坏了。\n", label="gb2312", extra={"language": "zh"})
text_case("gbk-chars", "gbk", "您好，請問\n", label="GBK", extra={"language": "zh"})
text_case("big5", "big5", "您好，印表機故障。\n", label="big5", extra={"language": "zh"})
text_case("koi8r", "koi8-r", "Здравствуйте, принтер сломался\n", label="koi8-r", te="base64",
          extra={"language": "ru"})
text_case("latin1-label-cp1252-bytes", "cp1252", "Price \u2013 \u20ac5\n", label="iso-8859-1")
text_case("unlabelled-utf8", "utf-8", "Grüße aus München\n", label="", extra={})
text_case("unlabelled-sjis", "cp932", JA + "\n", label="")
text_case("unlabelled-eucjp", "euc_jp", JA + "\n", label="")
text_case("bad-label-utf8-bytes", "utf-8", "ラベルが壊れています\n", label="x-no-such-charset")
text_case("ascii-label-sjis-bytes", "cp932", JA + "\n", label="us-ascii")
text_case("utf8-label-sjis-bytes", "cp932", JA + "\n", label="utf-8")
add("utf8-invalid-bytes", msg(std(Content_Type="text/plain; charset=utf-8", mid="inv"),
    "壊れた".encode() + b"\xff" + "バイト列".encode() + b"\r\n"),
    {"text": "壊れた\ufffdバイト列"})
add("unlabelled-8bit-headers-sjis", msg(
    [("From", "\"山田 太郎\" <taro@example.jp>".encode("cp932")),
     ("Subject", "生の件名①".encode("cp932")), ("To", "support@helpdesk.example"),
     ("Message-ID", "<raw8@example.jp>")], "本文\r\n".encode("cp932")),
    {"from": {"name": "山田 太郎", "address": "taro@example.jp"}, "subject": "生の件名①", "text": "本文"})
add("unlabelled-8bit-headers-utf8", msg(
    [("From", "Jürgen Groß <jg@example.de>"), ("Subject", "Grüße"), ("Message-ID", "<u8@example.de>")],
    b"ok\r\n"), {"from": {"name": "Jürgen Groß", "address": "jg@example.de"}, "subject": "Grüße"})

# ---- RFC 2047 -------------------------------------------------------
a = "あい".encode()
add("rfc2047-split-utf8-char", msg(std(Subject=b64w("UTF-8", a[:4]) + b"\r\n " + b64w("UTF-8", a[4:]), mid="s1"), b"x\r\n"),
    {"subject": "あい"})
add("rfc2047-split-q", msg(std(Subject="=?UTF-8?Q?=E3=81?= =?UTF-8?Q?=82_b?=", mid="s2"), b"x\r\n"),
    {"subject": "あ b"})
add("rfc2047-in-quotes", msg(std(From=b"\"" + b64w("ISO-2022-JP", jis("山田")) + b"\" <yamada@example.jp>", mid="s3"), b"x\r\n"),
    {"from": {"name": "山田", "address": "yamada@example.jp"}})
add("rfc2047-iso2022jp-folded", msg(std(Subject=b64w("ISO-2022-JP", jis("長い件名の")) + b"\r\n\t" + b64w("ISO-2022-JP", jis("続きです")), mid="s4"), b"x\r\n"),
    {"subject": "長い件名の続きです"})
add("rfc2047-mixed-literal", msg(std(Subject="Re: [#123] =?UTF-8?B?" + base64.b64encode("請求書".encode()).decode() + "?= again", mid="s5"), b"x\r\n"),
    {"subject": "Re: [#123] 請求書 again"})
add("rfc2047-lowercase-q", msg(std(Subject="=?iso-8859-1?q?caf=e9_cr=E8me?=", mid="s6"), b"x\r\n"),
    {"subject": "café crème"})
add("rfc2047-malformed", msg(std(Subject="=?UTF-8?X?abc?= and =?broken", mid="s7"), b"x\r\n"),
    {"subject": "=?UTF-8?X?abc?= and =?broken"})

# ---- attachments and RFC 2231 ---------------------------------------
def mixed(name, parts, hdr=None, exp=None, boundary="b1", end=True):
    body = b""
    for ph, pb in parts:
        body += b"--" + boundary.encode() + b"\r\n" + ph + b"\r\n\r\n" + pb + b"\r\n"
    if end: body += b"--" + boundary.encode() + b"--\r\n"
    h = std(Content_Type="multipart/mixed; boundary=\"%s\"" % boundary, mid=name, **(hdr or {}))
    add(name, msg(h, body), exp)

def att(data, ctype="application/octet-stream", disp=None, te="base64", extra=b""):
    h = b"Content-Type: " + ctype.encode() + b"\r\nContent-Transfer-Encoding: " + te.encode()
    if disp: h += b"\r\nContent-Disposition: " + disp
    h += extra
    body = base64.encodebytes(data).replace(b"\n", b"\r\n").rstrip(b"\r\n") if te == "base64" else data
    return h, body

TXT = (b"Content-Type: text/plain; charset=utf-8", b"See attached.")
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8
def aexp(fn, ct, data, inline=False):
    return {"filename": fn, "content_type": ct, "size": len(data), "sha256": sha(data), "inline": inline}

name_bytes = "障害報告書.txt".encode()
mixed("rfc2231-continuations", [TXT, att(b"log\n", "text/plain",
      b"attachment;\r\n filename*0*=UTF-8''" + "".join("%%%02X" % c for c in name_bytes[:5]).encode() +
      b";\r\n filename*1*=" + "".join("%%%02X" % c for c in name_bytes[5:]).encode())],
      exp={"text": "See attached.", "attachments": [aexp("障害報告書.txt", "text/plain", b"log\n")]})
mixed("rfc2231-iso2022jp", [TXT, att(b"a,b\n", "text/csv", b"attachment; filename*=ISO-2022-JP''" +
      "".join("%%%02X" % c for c in jis("請求明細2024年.csv")).encode())],
      exp={"attachments": [aexp("請求明細2024年.csv", "text/csv", b"a,b\n")]})
mixed("rfc2047-filename", [TXT, att(b"PK\x03\x04zip", "application/zip",
      b"attachment; filename=\"" + b64w("ISO-2022-JP", jis("ログ.zip")) + b"\"")],
      exp={"attachments": [aexp("ログ.zip", "application/zip", b"PK\x03\x04zip")]})
mixed("ct-name-only", [TXT, att(PDF, "application/pdf; name=\"report.pdf\"")],
      exp={"attachments": [aexp("report.pdf", "application/pdf", PDF)]})
mixed("ct-name-2231", [TXT, att(PDF, "application/pdf; name*=utf-8''%E8%A6%8B%E7%A9%8D.pdf")],
      exp={"attachments": [aexp("見積.pdf", "application/pdf", PDF)]})
mixed("filename-with-path", [TXT, att(PDF, "application/pdf", b"attachment; filename=\"C:\\\\Users\\\\x\\\\report.pdf\"")],
      exp={"attachments": [aexp("report.pdf", "application/pdf", PDF)]})
mixed("zero-byte-attachment", [TXT, att(b"", "application/octet-stream", b"attachment; filename=empty.bin")],
      exp={"attachments": [aexp("empty.bin", "application/octet-stream", b"")]})
mixed("zero-byte-text-part", [(b"Content-Type: text/plain; charset=utf-8", b""), TXT],
      exp={"text": "See attached."})
mixed("bad-base64-attachment", [TXT, (b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
      b"Content-Disposition: attachment; filename=junk.bin", b"aGVs!!bG8g\r\n***d29y\r\nbGQ=garbage")],
      exp={"attachments": [aexp("junk.bin", "application/octet-stream", base64.b64decode("aGVsbG8gd29ybGQ="))]})
mixed("bad-base64-text", [(b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64",
      b"SGVsbG8s#IHdv\r\ncmxk")], exp={"text": "Hello, world"})
mixed("missing-boundary-end", [TXT, att(b"data", "application/octet-stream", b"attachment; filename=a.bin")],
      end=False, exp={"text": "See attached.", "attachments": [aexp("a.bin", "application/octet-stream", b"data")]})
add("boundary-never-used", msg(std(Content_Type="multipart/mixed; boundary=NOPE", mid="nb"),
    b"--other\r\nContent-Type: text/plain\r\n\r\nlost\r\n--other--\r\n"), {"attachments": []})
add("multipart-no-boundary-param", msg(std(Content_Type="multipart/mixed", mid="nbp"), b"just text\r\n"), {"attachments": []})
mixed("calendar-part", [TXT, (b"Content-Type: text/calendar; method=REQUEST; charset=utf-8", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR")],
      exp={"attachments": [aexp("attachment-1.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR")]})
mixed("two-text-parts", [(b"Content-Type: text/plain; charset=utf-8", b"first"), (b"Content-Type: text/plain; charset=utf-8", b"second")],
      exp={"text": "first\n\nsecond"})
PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)
mixed("pdf-and-inline-image", [TXT, att(PDF, "application/pdf", b"attachment; filename=\"a.pdf\""),
      att(PNG, "image/png", b"inline; filename=\"pic.png\"")],
      exp={"attachments": [aexp("a.pdf", "application/pdf", PDF), aexp("pic.png", "image/png", PNG, True)]})
qp = b"Line with =3D sign and a soft=\r\n break, caf=C3=A9.\r\n"
add("qp-soft-breaks", msg(std(Content_Type="text/plain; charset=utf-8", Content_Transfer_Encoding="quoted-printable", mid="qp"), qp),
    {"text": "Line with = sign and a soft break, café."})
fwd = msg([("From", "Alice <alice@example.org>"), ("Subject", "Original question"), ("Message-ID", "<orig@example.org>")], b"inner body\r\n")
mixed("forwarded-rfc822", [(b"Content-Type: text/plain; charset=utf-8", b"FYI, forwarding."),
      (b"Content-Type: message/rfc822\r\nContent-Disposition: attachment", fwd)],
      exp={"text": "FYI, forwarding.", "attachments": [aexp("Original question.eml", "message/rfc822", fwd)]})

# ---- client shapes --------------------------------------------------
def alt(name, plain, html, hdr=None, exp=None, plain_cs="utf-8", te="quoted-printable"):
    enc = (lambda d: quopri.encodestring(d)) if te == "quoted-printable" else (lambda d: base64.encodebytes(d))
    body = (b"--alt\r\nContent-Type: text/plain; charset=\"" + plain_cs.encode() + b"\"\r\nContent-Transfer-Encoding: " + te.encode() + b"\r\n\r\n" +
            enc(plain) + b"\r\n--alt\r\nContent-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: " + te.encode() + b"\r\n\r\n" +
            enc(html) + b"\r\n--alt--\r\n")
    add(name, msg(std(Content_Type="multipart/alternative; boundary=\"alt\"", mid=name, **(hdr or {})), body), exp)

alt("outlook-original-message",
    b"Thanks, that fixed it.\r\n\r\n-----Original Message-----\r\nFrom: Support <support@helpdesk.example>\r\nSent: Thursday, December 24, 2026 10:00 AM\r\nSubject: Re: Printer\r\n\r\nPlease restart it.\r\n",
    b"<html><head><style>p{color:red}</style></head><body><p>Thanks, that fixed it.</p></body></html>",
    hdr={"Thread-Index": "AdbXyz==", "X-MS-Has-Attach": "", "Content-Language": "en-US"},
    exp={"text_before_quote": "Thanks, that fixed it.", "html_contains": ["<p>Thanks, that fixed it.</p>"], "html_not_contains": ["style", "color"]})
alt("outlook-ja-sashidashinin",
    "ご対応ありがとうございます。\r\n\r\n差出人: サポート <support@helpdesk.example>\r\n送信日時: 2026年12月24日 10:00\r\n件名: RE: 障害\r\n\r\n再起動してください。\r\n".encode(),
    "<p>ご対応ありがとうございます。</p>".encode(), exp={"text_before_quote": "ご対応ありがとうございます。", "language": "ja"})
alt("gmail-on-wrote",
    b"Still broken.\r\n\r\nOn Thu, Dec 24, 2026 at 10:00 AM Support <support@helpdesk.example> wrote:\r\n> Please restart it.\r\n>\r\n> -- \r\n> Support\r\n",
    b"<div dir=\"ltr\">Still broken.</div><br><div class=\"gmail_quote\"><blockquote>Please restart it.</blockquote></div>",
    te="base64", exp={"text_before_quote": "Still broken.", "html_contains": ["<blockquote>Please restart it.</blockquote>"], "html_not_contains": ["class=", "dir="]})
rel = (b"--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Logo: <img src=\"cid:logo@x\" alt=\"logo\"> <img src=\"https://tracker.example/p.gif\"></p>\r\n"
       b"--rel\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(PNG) + b"--rel--\r\n")
add("gmail-related-inline-image", msg(std(Content_Type="multipart/related; boundary=rel", mid="rel"), rel),
    {"text": "Logo:", "html_contains": ["src=\"cid:logo@x\"", "data-src=\"https://tracker.example/p.gif\""],
     "html_not_contains": [" src=\"https"], "attachments": [aexp("attachment-1.png", "image/png", PNG, True)]})
add("iphone-flowed-delsp", msg(std(Content_Type="text/plain; charset=utf-8; format=flowed; delsp=yes", Content_Transfer_Encoding="8bit", mid="iph"),
    "このメールは長い行を \r\n折り返しています。\r\n\r\niPhoneから送信\r\n".encode()),
    {"text": "このメールは長い行を折り返しています。\n\niPhoneから送信"})
add("thunderbird-flowed", msg(std(Content_Type="text/plain; charset=UTF-8; format=flowed", Content_Transfer_Encoding="7bit", mid="tb"),
    b"This is a long line that was \r\nwrapped by the client.\r\n\r\n> Quoted text that \r\n> continues.\r\n\r\n-- \r\nJohn\r\n"),
    {"text": "This is a long line that was wrapped by the client.\n\n> Quoted text that continues.\n\n-- \nJohn",
     "text_before_quote": "This is a long line that was wrapped by the client."})
docomo = "ドコモからです".encode("cp932") + b"\xf8\x9f" + "\r\nｶﾀｶﾅ半角\r\n".encode("cp932")
add("docomo-sjis-emoji", msg(std(From="taro@docomo.ne.jp", Content_Type="text/plain; charset=Shift_JIS", Content_Transfer_Encoding="8bit", mid="docomo"), docomo),
    {"text": subprocess.run(["iconv", "-f", "CP932", "-t", "UTF-8"], input=docomo, capture_output=True).stdout.decode().replace("\r\n", "\n").rstrip("\n"),
     "from": {"name": "", "address": "taro@docomo.ne.jp"}})
add("au-iso2022jp", msg(std(From="jiro@ezweb.ne.jp", Subject=b64w("ISO-2022-JP", jis("ａｕから質問")), Content_Type="text/plain; charset=ISO-2022-JP", Content_Transfer_Encoding="7bit", mid="au"),
    jis("ログインできません①") + b"\r\n"), {"subject": "ａｕから質問", "text": "ログインできません①"})
add("softbank-utf8-emoji", msg(std(From="hanako@softbank.ne.jp", Subject="=?UTF-8?B?" + base64.b64encode("絵文字😀".encode()).decode() + "?=", Content_Type="text/plain; charset=UTF-8", Content_Transfer_Encoding="base64", mid="sb"),
    base64.encodebytes("スマホから😀🙏\n".encode())), {"subject": "絵文字😀", "text": "スマホから😀🙏"})
add("ja-sanwa-kakimashita", msg(std(Content_Type="text/plain; charset=utf-8", mid="kaki"),
    "承知しました。\n\n2026年12月24日(木) 10:00 サポート さんは書きました:\n> 再起動してください。\n".encode()),
    {"text_before_quote": "承知しました。"})
add("signature-only", msg(std(Content_Type="text/plain; charset=utf-8", mid="sig"), b"Body line.\n-- \nJohn Doe\nACME\n"),
    {"text_before_quote": "Body line.", "text": "Body line.\n-- \nJohn Doe\nACME"})

# ---- HTML -----------------------------------------------------------
def html_only(name, html, exp, cs="utf-8", label=None):
    add(name, msg(std(Content_Type="text/html; charset=%s" % (label or cs), mid=name), html.encode(cs) if isinstance(html, str) else html), exp)

html_only("html-to-text", "<html><head><title>T</title><script>x()</script></head><body><p>Hello <b>there</b></p>"
          "<ul><li>one</li><li>two</li></ul><p>See <a href=\"https://example.org/faq\">the FAQ</a>.<br>Bye</p></body></html>",
          {"text": "Hello there\n\n- one\n- two\n\nSee the FAQ <https://example.org/faq>.\nBye"})
html_only("html-sanitise", "<p onclick=\"evil()\">Hi <a href=\" jav&#x09;ascript:alert(1)\">x</a> <a href=\"mailto:a@b.example\">m</a>"
          "<iframe src=\"https://e.example\"></iframe><form action=\"https://e.example\"><input name=p></form>"
          "<style>body{}</style><svg><script>alert(1)</script></svg><img src=x onerror=alert(1)>&lt;script&gt;</p>",
          {"html_contains": ["<a href=\"mailto:a@b.example\">m</a>", "&lt;script&gt;"],
           "html_not_contains": ["onclick", "javascript", "iframe", "<form", "<input", "<style", "<script", "onerror", "svg"]})
html_only("html-stale-meta-charset", "<html><head><meta charset=\"Shift_JIS\"></head><body><p>障害のお知らせ</p></body></html>",
          {"text": "障害のお知らせ"})
html_only("html-sjis-labelled", "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-jp\"></head><body><p>障害のお知らせ①</p></body></html>",
          {"text": "障害のお知らせ①"}, cs="cp932", label="Shift_JIS")
html_only("html-entities", "<p>A &amp; B &#x2460; &nbsp;&lt;ok&gt; &unknown;</p>", {"text_contains": ["A & B ①", "<ok>"]})
html_only("html-unlabelled-meta", "<html><head><meta charset=\"euc-jp\"></head><body>ＥＵＣです</body></html>", {"text": "ＥＵＣです"}, cs="euc_jp", label="\"\"")

# ---- headers --------------------------------------------------------
plain = b"body\r\n"
add("no-from", msg([h for h in std(mid="nofrom") if h[0] != "From"], plain), {"from": {"name": "", "address": ""}})
add("no-date", msg([h for h in std(mid="nodate") if h[0] != "Date"], plain), {"date": None})
noid = msg([h for h in std() if h[0] != "Message-ID"], plain)
add("no-message-id", noid, {"message_id_synthetic": True})
add("no-headers-at-all", b"\r\nJust a body.\r\n", {"text": "Just a body.", "subject": "", "message_id_synthetic": True})
add("empty-message", b"", {"text": "", "subject": "", "from": {"name": "", "address": ""}})
add("headers-only", b"From: a@b.example\r\nSubject: nothing\r\n", {"text": "", "subject": "nothing"})
add("huge-header-line", msg(std(Subject="x" * 100000, mid="huge"), plain), {"text": "body", "has_problem": True})
many = std(mid="many") + [("X-Filler-%d" % i, "v") for i in range(2000)]
add("too-many-headers", msg(many, plain), {"text": "body", "subject": "Test", "has_problem": True})
add("lf-only", msg(std(Content_Type="text/plain; charset=utf-8", mid="lf"), b"line one\nline two\n", nl=b"\n"), {"text": "line one\nline two"})
add("mbox-from-line", b"From taro@example.jp Fri Dec 25 09:59:00 2026\n" + msg(std(mid="mbox"), plain, nl=b"\n"), {"subject": "Test", "text": "body"})
add("garbage-header-line", b"this is not a header\r\n" + msg(std(mid="garb"), plain), {"subject": "Test", "has_problem": True})
for i, (d, want) in enumerate([("25 Dec 2026 18:59 +0900", "2026-12-25T09:59:00Z"), ("Fri, 25 Dec 26 09:59:00 GMT", "2026-12-25T09:59:00Z"),
                               ("Fri, 25 Dec 2026 04:59:00 EST", "2026-12-25T09:59:00Z"), ("Fri, 25 Dec 2026 18:59:00 +0900 (JST)", "2026-12-25T09:59:00Z"),
                               ("yesterday at noon", None)]):
    add("date-variant-%d" % i, msg(std(Date=d, mid="d%d" % i), plain), {"date": want})
add("msgid-no-brackets", msg(std(Message_ID="bare-id@example.jp"), plain), {"message_id": "bare-id@example.jp"})
refs = " ".join("<r%d@example.jp>" % i for i in range(5))
add("references-in-reply-to", msg(std(References=refs, In_Reply_To="<r4@example.jp> (Taro's message)", mid="refs"), plain),
    {"in_reply_to": "r4@example.jp", "references": ["r%d@example.jp" % i for i in range(5)]})
add("address-lists", msg(std(To="undisclosed-recipients:;", Cc="bob@example.org (Bob Smith), \"Doe, Jane\" <jane@example.org>",
                             Reply_To="Team: a@example.org, b@example.org;", mid="addr"), plain),
    {"to": [], "cc": [{"name": "Bob Smith", "address": "bob@example.org"}, {"name": "Doe, Jane", "address": "jane@example.org"}],
     "reply_to": [{"name": "", "address": "a@example.org"}, {"name": "", "address": "b@example.org"}]})

# ---- nesting --------------------------------------------------------
def nest(levels, leaf=b"Content-Type: text/plain; charset=utf-8\r\n\r\ndeep text\r\n"):
    part = leaf
    for i in range(levels):
        b = ("n%d" % i).encode()
        part = (b"Content-Type: multipart/mixed; boundary=" + b + b"\r\n\r\n--" + b + b"\r\n" + part + b"\r\n--" + b + b"--\r\n")
    return part
hdrs = b"".join(k.encode() + b": " + v.encode() + b"\r\n" for k, v in std(mid="deep") if k != "MIME-Version")
add("deep-nesting-over-limit", hdrs + b"MIME-Version: 1.0\r\n" + nest(30), {"text_not_contains": ["deep text"], "has_problem": True})
hdrs = b"".join(k.encode() + b": " + v.encode() + b"\r\n" for k, v in std(mid="deep2") if k != "MIME-Version")
add("deep-nesting-within-limit", hdrs + b"MIME-Version: 1.0\r\n" + nest(15), {"text": "deep text"})

# ---- classification -------------------------------------------------
def cls(name, hdr, exp, body=plain):
    add(name, msg(std(mid=name, **hdr), body), exp)
cls("auto-submitted", {"Auto_Submitted": "auto-replied"}, {"auto_reply": True, "bounce": False})
cls("auto-submitted-no", {"Auto_Submitted": "no"}, {"auto_reply": False})
cls("x-autoreply", {"X_Autoreply": "yes"}, {"auto_reply": True})
cls("precedence-bulk", {"Precedence": "bulk"}, {"auto_reply": True, "list": True})
cls("x-auto-response-suppress", {"X_Auto_Response_Suppress": "All"}, {"auto_reply": True})
cls("subject-out-of-office", {"Subject": "Out of Office: Re: Printer"}, {"auto_reply": True})
cls("subject-jidou-outou", {"Subject": "=?UTF-8?B?" + base64.b64encode("自動応答: 休暇中".encode()).decode() + "?="}, {"auto_reply": True})
cls("list-id", {"List_Id": "<users.lists.example.org>", "List_Unsubscribe": "<mailto:leave@lists.example.org>"}, {"list": True, "auto_reply": False})
cls("x-loop-ours", {"X_Loop": "helpdesk"}, {"loop": True})
cls("null-return-path", {"Return_Path": "<>"}, {"bounce": True})
cls("mailer-daemon-plain", {"From": "Mail Delivery System <MAILER-DAEMON@mx.example.org>"}, {"bounce": True})
orig = msg([("From", "support@helpdesk.example"), ("To", "gone@example.org"), ("Subject", "Re: [#42] Printer"),
            ("Message-ID", "<ticket42.reply7@helpdesk.example>")], b"Your ticket...\r\n")
dsn = (b"--dsn\r\nContent-Type: text/plain\r\n\r\nDelivery to gone@example.org failed.\r\n"
       b"--dsn\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
       b"\r\n--dsn\r\nContent-Type: message/rfc822\r\n\r\n" + orig + b"\r\n--dsn--\r\n")
add("bounce-dsn-rfc822", msg(std(From="MAILER-DAEMON@mx.example.org", Return_Path="<>", Content_Type="multipart/report; report-type=delivery-status; boundary=dsn", mid="dsn1"), dsn),
    {"bounce": True, "bounce_original_message_id": "ticket42.reply7@helpdesk.example", "text_contains": ["failed"]})
dsn2 = dsn.replace(b"message/rfc822", b"text/rfc822-headers").replace(b"Your ticket...\r\n", b"")
add("bounce-dsn-headers-only", msg(std(From="postmaster@mx.example.org", Content_Type="multipart/report; report-type=delivery-status; boundary=dsn", mid="dsn2"), dsn2),
    {"bounce": True, "bounce_original_message_id": "ticket42.reply7@helpdesk.example"})

# ---- what real mailers send ------------------------------------------
# Malformed field names (spaces, tabs, punctuation) after Content-Type and
# Content-Transfer-Encoding: skipped, the rest of the header block counts.
BAD1 = ("X Bad Name/with space", "v")
BAD2 = ("X-Script/function/ !\"#$%&'()*+,-./", "TEST")
for cs, enc, name in (("ISO-2022-JP", jis, "badfield-iso2022jp-b64"),
                      ("EUC-JP", eucms, "badfield-eucjp-b64")):
    h = std(mid=name, Content_Type="text/plain; charset=%s" % cs,
            Content_Transfer_Encoding="base64") + [BAD1, BAD2, ("X-After", "ok")]
    add(name, msg(h, base64.encodebytes(enc(JA + "\n"))), {"text": JA})
part = (b"--b\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: base64\r\n"
        b"X Bad Name/with space: v\r\nX-Script/function/ !\"#$%&'()*+,-./: TEST\r\n\r\n" +
        base64.encodebytes(jis(JA + "\n")).replace(b"\n", b"\r\n") + b"--b--\r\n")
add("badfield-in-part-header", msg(std(mid="badfield-part", Content_Type="multipart/mixed; boundary=b"), part),
    {"text": JA})
h = std(mid="badfield-tab", Content_Type="text/plain; charset=UTF-8",
        Content_Transfer_Encoding="quoted-printable") + [("X\tTabbed Name", "1"),
        ("Subject", "=?UTF-8?B?" + base64.b64encode("件名".encode()).decode() + "?=")]
h = [x for x in h if not (x[0] == "Subject" and x[1] == "Test")]
add("badfield-tab-qp", msg(h, quopri.encodestring("Größe: 3 cm\n".encode())),
    {"text": "Größe: 3 cm", "subject": "件名"})

# Truncated nested multiparts: the text of every part that was opened.
def nested(cut_after):
    alt = (b"--alt\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
           b"The first line of the plain part.\r\nSecond line.\r\n"
           b"--alt\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n"
           b"<p>The first line of the <b>HTML</b> part.</p>\r\n--alt--\r\n")
    mixed = (b"--mix\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n" + alt +
             b"--mix\r\nContent-Type: application/pdf; name=a.pdf\r\n"
             b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--mix--\r\n")
    return mixed[:mixed.index(cut_after) + len(cut_after)]
for name, cut, exp in (
        ("truncated-nested-in-plain", b"Second line.\r\n", ["The first line of the plain part.", "Second line."]),
        ("truncated-nested-in-html", b"<b>HTML</b> part.</p>\r\n", ["The first line of the plain part."]),
        ("truncated-nested-html-only", b"<b>HTML", ["The first line of the plain part."]),
        ("truncated-nested-in-attachment", b"JVBERi0x", ["The first line of the plain part."])):
    add(name, msg(std(mid=name, Content_Type="multipart/mixed; boundary=mix"), nested(cut)),
        {"text_contains": exp})
alt_only = (b"--mix\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n"
            b"--alt\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>Only HTML here, cut")
add("truncated-nested-html-no-plain", msg(std(mid="tnh", Content_Type="multipart/mixed; boundary=mix"), alt_only),
    {"text_contains": ["Only HTML here, cut"]})

# Encoded words as mail clients decode them.
add("ew-space-inside-q", msg(std(mid="ew1", Subject="=?UTF-8?Q?Hello World =C3=A9t=C3=A9?="), b"x\r\n"),
    {"subject": "Hello World été"})
add("ew-space-inside-b", msg(std(mid="ew2", Subject="=?UTF-8?B?44GT44KT 44Gr44Gh44Gv?="), b"x\r\n"),
    {"subject": "こんにちは"})
add("ew-leading-space", msg(std(mid="ew3", Subject="=?UTF-8?B? 44GC44KK44GM44Go44GG?="), b"x\r\n"),
    {"subject": "ありがとう"})
add("ew-glued-to-address", msg(std(mid="ew4", From="=?UTF-8?B?5bGx55Sw?=<yamada@example.jp>"), b"x\r\n"),
    {"from": {"name": "山田", "address": "yamada@example.jp"}})
add("ew-glued-iso2022jp", msg(std(mid="ew5", From=b64w("ISO-2022-JP", jis("佐藤")).decode() + "<sato@example.jp>"), b"x\r\n"),
    {"from": {"name": "佐藤", "address": "sato@example.jp"}})
add("ew-glued-text-after", msg(std(mid="ew6", Subject="=?UTF-8?Q?Re:?=Printer"), b"x\r\n"),
    {"subject": "Re:Printer"})

# Raw 8-bit headers in other charsets than Japanese.
def raw8(name, charset, subject, fname=None, frm=None, body_cs=None):
    bcs = body_cs or charset
    h = [("From", frm.encode(charset) + b" <sender@example.net>" if frm else "Sender <sender@example.net>"),
         ("To", "support@helpdesk.example"), ("Subject", subject.encode(charset)),
         ("Message-ID", "<%s@example.net>" % name), ("MIME-Version", "1.0")]
    exp = {"subject": subject}
    if frm:
        exp["from"] = {"name": frm, "address": "sender@example.net"}
    if fname is None:
        h.append(("Content-Type", "text/plain; charset=%s" % bcs))
        add(name, msg(h, "body\n".encode()), exp)
        return
    h.append(("Content-Type", "multipart/mixed; boundary=b"))
    body = (b"--b\r\nContent-Type: text/plain; charset=" + bcs.encode() + b"\r\n\r\nsee file\r\n"
            b"--b\r\nContent-Type: application/octet-stream; name=\"" + fname.encode(charset) + b"\"\r\n"
            b"Content-Disposition: attachment; filename=\"" + fname.encode(charset) + b"\"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b--\r\n")
    exp["attachments"] = [{"content_type": "application/octet-stream", "filename": fname,
                           "inline": False, "sha256": sha(b"\x00\x01\x02"), "size": 3}]
    add(name, msg(h, body), exp)
raw8("raw8-latin1-filename", "latin-1", "Café: la facture de décembre", fname="résumé.pdf")
raw8("raw8-gb2312-filename", "gb2312", "关于发票的问题", fname="财务报告.doc")
raw8("raw8-gb2312-from", "gb2312", "请帮助我们解决这个问题", frm="张伟")
raw8("raw8-gbk", "gbk", "关于账户登录失败的问题", fname="截图.png")
raw8("raw8-big5", "big5", "關於帳戶登入失敗的問題", fname="報告.doc")
raw8("raw8-euckr", "euc-kr", "계정 로그인 문제에 대하여", fname="보고서.doc")
raw8("raw8-win1251", "cp1251", "Проблема со входом в систему", fname="отчёт.txt")
raw8("raw8-win1252", "cp1252", "Réunion “urgente” – demain", fname="Übersicht.xls")
raw8("raw8-win1250", "cp1250", "Żółta łódź – pytanie", fname="oferta_łódź.pdf")
raw8("raw8-latin1-unlabelled-body", "latin-1", "Problème avec l'accès", fname="données.csv", body_cs="us-ascii")
raw8("raw8-sjis-still", "cp932", "請求書の再発行について", fname="請求書.pdf")
raw8("raw8-eucjp-still", "euc_jp", "請求書の再発行について", fname="見積書.pdf")

# Bounces and auto-replies from more MTAs: never a ticket that is acked.
def bounce(name, frm, subject, body=b"The message could not be delivered.\r\n", extra=(), exp=None):
    h = [("From", frm), ("To", "support@helpdesk.example"), ("Subject", subject),
         ("Message-ID", "<%s@mx.example>" % name), ("MIME-Version", "1.0"),
         ("Content-Type", "text/plain; charset=us-ascii")] + list(extra)
    add(name, msg(h, body), exp or {"bounce": True})
bounce("bounce-au-kddi", "Postmaster@ezweb.ne.jp", "Mail System Error - Returned Mail",
       b"This Message was undeliverable due to the following reason:\r\n\r\n<gone@ezweb.ne.jp> is not a valid user\r\n")
bounce("bounce-docomo", "Mail Delivery Subsystem <mailer-daemon@docomo.ne.jp>", "Returned mail: see transcript for details")
bounce("bounce-softbank", "Mail Delivery System <Postmaster@softbank.ne.jp>", "Undelivered Mail Returned to Sender")
bounce("bounce-qmail", "MAILER-DAEMON@mx.example.org", "failure notice",
       b"Hi. This is the qmail-send program at mx.example.org.\r\nI'm afraid I wasn't able to deliver your message.\r\n")
bounce("bounce-exchange-ndr", "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>",
       "Undeliverable: Printer question",
       b"Delivery has failed to these recipients or groups:\r\n\r\ngone@contoso.com\r\n")
bounce("bounce-domino", "Postmaster <Postmaster@notes.example.com>",
       "DELIVERY FAILURE: User gone (gone@notes.example.com) not listed in Domino Directory")
bounce("bounce-postfix-sender", "MAILER-DAEMON@mx.example.org (Mail Delivery System)",
       "Undelivered Mail Returned to Sender")
bounce("bounce-subject-only-returned", "mail-daemon@relay.example.net", "Returned mail: User unknown")
bounce("bounce-delivery-status-notification", "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
       "Delivery Status Notification (Failure)")
bounce("bounce-yahoo", "MAILER-DAEMON@yahoo.com", "Failure Notice")
bounce("bounce-mail-delivery-failed", "Mail Delivery System <Mailer-Daemon@mx.example.de>",
       "Mail delivery failed: returning message to sender")
bounce("bounce-ja-subject", "postmaster@mail.example.jp", "=?ISO-2022-JP?B?" +
       base64.b64encode(jis("配送エラー")).decode() + "?=")
bounce("fml-status-report", "elena-admin@ml.example.jp", "fml Status report (elena ML)",
       b"--elena@ml.example.jp, Be Seeing You!\r\n",
       extra=[("X-MLServer", "fml [fml 4.0.3 release (20011202/4.0.3)]"), ("X-ML-Name", "elena"),
              ("X-Mail-Count", "0"), ("Precedence", "junk")],
       exp={"auto_reply": True})
bounce("fml-list-post", "Member <member@example.jp>", "[elena:00042] Re: question",
       b"hello\r\n", extra=[("X-MLServer", "fml [fml 8.0]"), ("X-ML-Name", "elena"),
                           ("X-Mail-Count", "00042")],
       exp={"list": True})
bounce("mailman-list", "Member <member@example.org>", "[users] question",
       b"hello\r\n", extra=[("Sender", "users-bounces@lists.example.org"),
                           ("Errors-To", "users-bounces@lists.example.org"),
                           ("X-BeenThere", "users@lists.example.org")],
       exp={"list": True})
bounce("vacation-ja-carrier", "Hanako <hanako@docomo.ne.jp>", "=?ISO-2022-JP?B?" +
       base64.b64encode(jis("不在通知")).decode() + "?=", exp={"auto_reply": True})
bounce("autoreply-x-mailer-vacation", "Bob <bob@example.org>", "Re: question",
       b"I am away.\r\n", extra=[("X-Mailer", "vacation"), ("Auto-Submitted", "auto-replied (vacation)")],
       exp={"auto_reply": True})

# Legacy encodings still in the wild.
uu = b"begin 644 note.txt\r\n" + b"".join(
    bytes([32 + len(c)]) + bytes(
        32 + ((v >> s) & 63) if ((v >> s) & 63) else 96
        for i in range(0, len(c), 3)
        for v in [int.from_bytes((c[i:i+3] + b"\0\0")[:3], "big")]
        for s in (18, 12, 6, 0)) + b"\r\n"
    for c in [b"Hello from uuencode!\n"[k:k+45] for k in range(0, 21, 45)]) + b"`\r\nend\r\n"
add("x-uuencode-part", msg(std(mid="uu1", Content_Type="multipart/mixed; boundary=b"),
    b"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
    b"Content-Type: text/plain; name=note.txt\r\nContent-Disposition: attachment; filename=note.txt\r\n"
    b"Content-Transfer-Encoding: x-uuencode\r\n\r\n" + uu + b"--b--\r\n"),
    {"text": "see attached", "attachments": [{"content_type": "text/plain", "filename": "note.txt",
     "inline": False, "sha256": sha(b"Hello from uuencode!\n"), "size": 21}]})
add("uuencode-te-uuencode", msg(std(mid="uu2", Content_Type="multipart/mixed; boundary=b"),
    b"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
    b"Content-Type: application/octet-stream; name=note.txt\r\n"
    b"Content-Transfer-Encoding: uuencode\r\n\r\n" + uu + b"--b--\r\n"),
    {"attachments": [{"content_type": "application/octet-stream", "filename": "note.txt",
     "inline": False, "sha256": sha(b"Hello from uuencode!\n"), "size": 21}]})
def unq(name, ct_params, disp_params, fname):
    add(name, msg(std(mid=name, Content_Type="multipart/mixed; boundary=b"),
        b"--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n--b\r\n"
        b"Content-Type: application/pdf; " + ct_params + b"\r\n" +
        (b"Content-Disposition: attachment; " + disp_params + b"\r\n" if disp_params else b"") +
        b"Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b--\r\n"),
        {"attachments": [{"content_type": "application/pdf", "filename": fname,
         "inline": False, "sha256": sha(b"\x00\x01\x02"), "size": 3}]})
unq("unquoted-filename-spaces", b"name=my report.pdf", b"filename=my report 2026.pdf", "my report 2026.pdf")
unq("unquoted-name-spaces", b"name=quarterly sales figures.pdf", None, "quarterly sales figures.pdf")
unq("unquoted-filename-spaces-then-param", b"name=a b.pdf; x-mac-type=50444620", b"filename=a b.pdf; size=3", "a b.pdf")
VI = "Tiếng Việt có dấu: Xin chào, cảm ơn bạn."
add("windows-1258", msg(std(mid="vi1", Content_Type="text/plain; charset=windows-1258",
                            Subject=b"=?windows-1258?Q?" + quopri.encodestring(iconv("Cảm ơn", "WINDOWS-1258"), header=True) + b"?="),
                        iconv(VI + "\n", "WINDOWS-1258")),
    {"text": VI, "subject": "Cảm ơn"})

# Charset labels mailers write that iconv does not know by that name.
text_case("label-iso-8859-8-i", "iso8859-8", "שלום עולם\n", label="iso-8859-8-i")
text_case("label-unicode-1-1-utf-7", "utf-7", "Grüße aus Köln\n", label="unicode-1-1-utf-7")
text_case("label-ks-c-5601", "cp949", "안녕하세요\n", label="ks_c_5601")

# A From with a comment.
add("from-comment-mailer-daemon", msg(std(mid="fc1", From="MAILER-DAEMON (Mail Delivery System)"), b"x\r\n"),
    {"from": {"name": "Mail Delivery System", "address": "MAILER-DAEMON"}, "bounce": True})
add("from-comment-after-address", msg(std(mid="fc2", From="jdoe@example.com (John Doe)"), b"x\r\n"),
    {"from": {"name": "John Doe", "address": "jdoe@example.com"}})
add("from-comment-with-angle", msg(std(mid="fc3", From="Jane (Sales) <jane@example.com>"), b"x\r\n"),
    {"from": {"name": "Jane", "address": "jane@example.com"}})

# Senders and types mailers write wrong.
add("from-no-angle-brackets", msg(std(mid="fa1", From="John Doe john@example.com"), b"x\r\n"),
    {"from": {"name": "John Doe", "address": "john@example.com"}})
add("ct-text-no-subtype", msg(std(mid="ct1", Content_Type="text"), b"body text\r\n"),
    {"text": "body text", "attachments": []})
add("ct-plain-text-swapped", msg(std(mid="ct2", Content_Type="plain/text; charset=UTF-8"), "本文です\r\n".encode()),
    {"text": "本文です", "attachments": []})

def main():
    for f in os.listdir(OUT):
        if f[:4].isdigit() and (f.endswith(".eml") or f.endswith(".json")):
            os.remove(os.path.join(OUT, f))
    for i, (name, raw, exp) in enumerate(cases, 1):
        base = os.path.join(OUT, "%04d-%s" % (i, name))
        with open(base + ".eml", "wb") as f: f.write(raw)
        with open(base + ".json", "w", encoding="utf-8") as f:
            json.dump(exp, f, ensure_ascii=False, indent=1, sort_keys=True); f.write("\n")
    print("%d cases" % len(cases))

main()
