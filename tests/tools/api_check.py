#!/usr/bin/env python3
"""api_check.py URL STATE.json - exercises every path and method of the
OpenAPI document served by helpdesk-web with good and bad input, checks
each status is the one expected AND documented for the operation, and
validates every JSON body against the documented schema (a JSON-schema
subset: type, enum, const, required, properties, additionalProperties,
items, $ref).  STATE holds the tokens and objects the shell test made.
Exits 1 on the first mismatch, printing what differed."""
import json, sys, urllib.request, urllib.error

URL, STATE = sys.argv[1], json.load(open(sys.argv[2]))
DOC = None
covered = set()

def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)

def deref(s):
    while isinstance(s, dict) and "$ref" in s:
        node = DOC
        for part in s["$ref"][2:].split("/"):
            node = node[part]
        s = node
    return s

TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict,
         "array": list, "null": type(None), "number": (int, float)}

def validate(s, v, where):
    s = deref(s)
    if "type" in s:
        ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
        ok = any(isinstance(v, TYPES[t]) and not (t in ("integer", "number")
                 and isinstance(v, bool)) for t in ts)
        if not ok:
            fail("%s: %r is not %s" % (where, v, ts))
    if "const" in s and v != s["const"]:
        fail("%s: %r != const %r" % (where, v, s["const"]))
    if "enum" in s and v not in s["enum"]:
        fail("%s: %r not in %r" % (where, v, s["enum"]))
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                fail("%s: required %r missing" % (where, k))
        props = s.get("properties", {})
        for k, x in v.items():
            if k in props:
                validate(props[k], x, where + "." + k)
            elif s.get("additionalProperties") is False:
                fail("%s: undocumented member %r" % (where, k))
            elif isinstance(s.get("additionalProperties"), dict):
                validate(s["additionalProperties"], x, where + "." + k)
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            validate(s["items"], x, "%s[%d]" % (where, i))

def call(method, template, path, token=None, body=None, headers=None,
         raw=None, expect=200):
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(URL + path, data=data, method=method,
                                 headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, ctype, payload, hdrs = r.status, r.headers.get(
                "Content-Type", ""), r.read(), r.headers
    except urllib.error.HTTPError as e:
        status, ctype, payload, hdrs = e.code, e.headers.get(
            "Content-Type", ""), e.read(), e.headers
    where = "%s %s -> %d" % (method, path, status)
    if status != expect:
        fail("%s, expected %d: %s" % (where, expect, payload[:300]))
    op = DOC["paths"][template][method.lower()]
    covered.add((template, method.lower()))
    if status == 304:
        return None, hdrs
    doc = op["responses"].get(str(status))
    if doc is None:
        fail("%s: status %d not documented" % (where, status))
    if "application/json" in ctype:
        try:
            val = json.loads(payload.decode("utf-8"))
        except ValueError:
            fail("%s: body is not JSON" % where)
        sch = doc.get("content", {}).get("application/json", {}).get("schema")
        if sch is None:
            fail("%s: JSON body but no documented schema" % where)
        validate(sch, val, where)
        print("ok - %s" % where)
        return val, hdrs
    print("ok - %s (%s)" % (where, ctype.split(";")[0]))
    return payload, hdrs

def main():
    global DOC
    DOC = json.loads(urllib.request.urlopen(URL + "/api/v1/openapi.json")
                     .read())
    covered.add(("/api/v1/openapi.json", "get"))
    call("GET", "/api/v1/openapi.json", "/api/v1/openapi.json")
    S = STATE
    W, R, A, X = S["write"], S["read"], S["admin"], S["other"]
    T = "/api/v1/tickets"
    new = {"subject": "Disk full", "requester": "carol@example.org",
           "body": "Please help 日本語", "queue": "billing",
           "priority": "high", "category": "incident"}
    t, _ = call("POST", T, T, W, new, expect=201)
    n = t["number"]
    one = "%s/{number}" % T
    call("POST", T, T, None, new, expect=401)
    call("POST", T, T, R, new, expect=403)
    call("POST", T, T, W, dict(new, queue="secret"), expect=403)
    call("POST", T, T, W, {"subject": 5, "requester": "x@y", "body": "b",
                            "queue": "billing"}, expect=422)
    call("POST", T, T, W, {"requester": "x@y", "body": "b",
                            "queue": "billing"}, expect=422)
    call("POST", T, T, W, dict(new, colour="red"), expect=422)
    call("POST", T, T, W, dict(new, priority="asap"), expect=422)
    call("POST", T, T, W, raw=b'{"subject": "\xff\xfe"}',
         headers={"Content-Type": "application/json"}, expect=400)
    call("POST", T, T, W, raw=b'{"subject": ', headers={
         "Content-Type": "application/json"}, expect=400)
    call("POST", T, T, W, raw=b'[1]', headers={
         "Content-Type": "application/json"}, expect=422)
    call("POST", T, T, W, raw=b'subject=x', headers={
         "Content-Type": "application/x-www-form-urlencoded"}, expect=415)
    call("POST", T, T, W, raw=b'{"body": "' + b"a" * 300000 + b'"}',
         headers={"Content-Type": "application/json"}, expect=413)
    # idempotency: same answer, one ticket
    k = {"Idempotency-Key": "k-1"}
    a, _ = call("POST", T, T, W, new, headers=k, expect=201)
    b, h = call("POST", T, T, W, new, headers=k, expect=201)
    if a != b or h.get("Idempotent-Replayed") != "true":
        fail("idempotent replay differs: %r %r" % (a, b))
    print("ok - Idempotency-Key replays the first answer")
    # lists, filters, pages
    lst, h = call("GET", T, T + "?status=new&limit=2", R)
    etag = h["ETag"]
    call("GET", T, T + "?status=new&limit=2", R,
         headers={"If-None-Match": etag}, expect=304)
    if lst["next"] is None or len(lst["items"]) != 2:
        fail("expected a next link with limit=2: %r" % lst)
    page2, _ = call("GET", T, lst["next"], R)
    if page2["items"][0]["number"] >= lst["items"][-1]["number"]:
        fail("keyset page 2 does not continue page 1")
    call("GET", T, T + "?status=bogus", R, expect=400)
    call("GET", T, T + "?limit=500", R, expect=400)
    call("GET", T, T + "?queue=secret", W, expect=404)
    hidden, _ = call("GET", T, T + "?queue=secret", A)
    if not hidden["items"]:
        fail("admin should see the secret queue")
    mine, _ = call("GET", T, T, W)
    if any(x["queue"] != "billing" for x in mine["items"]):
        fail("agent sees a queue not granted")
    none, _ = call("GET", T, T, X)
    if none["items"]:
        fail("an agent without queues sees tickets")
    call("GET", one, "%s/%d" % (T, n), X, expect=404)
    call("GET", T, T, S["expired"], expect=401)
    call("GET", T, T, S["revoked"], expect=401)
    call("GET", T, T, S["badip"], expect=403)
    call("GET", T, T, "x" * 43, expect=401)
    # one ticket
    full, _ = call("GET", one, "%s/%d" % (T, n), R)
    if full["messages"][0]["body"] != "Please help 日本語":
        fail("message body not kept as UTF-8")
    call("GET", one, "%s/%d?messages=0" % (T, n), R)
    call("GET", one, "%s/%d" % (T, S["secret_ticket"]), W, expect=404)
    call("GET", one, "%s/999999" % T, R, expect=404)
    call("PATCH", one, "%s/%d" % (T, n), W, {"status": "open",
                                            "assignee": S["agent_email"]})
    call("PATCH", one, "%s/%d" % (T, n), W, {"status": 3}, expect=422)
    call("PATCH", one, "%s/%d" % (T, n), W, {"queue": "secret"}, expect=403)
    call("PATCH", one, "%s/%d" % (T, n), W, {"size": "xl"}, expect=422)
    call("PATCH", one, "%s/%d" % (T, n), R, {"status": "open"}, expect=403)
    call("PATCH", one, "%s/%d" % (T, S["secret_ticket"]), W,
         {"status": "open"}, expect=404)
    msgs = "%s/{number}/messages" % T
    call("POST", "%s/{number}/notes" % T, "%s/%d/notes" % (T, n), W,
         {"body": "internal: call back"}, expect=201)
    call("POST", "%s/{number}/notes" % T, "%s/%d/notes" % (T, n), W,
         {"body": ""}, expect=422)
    ro, _ = call("GET", msgs, "%s/%d/messages" % (T, n), R)
    rw, _ = call("GET", msgs, "%s/%d/messages" % (T, n), W)
    if any(m["kind"] == "note" for m in ro["items"]) or \
       not any(m["kind"] == "note" for m in rw["items"]):
        fail("notes must show with write scope only")
    print("ok - internal notes only with write scope")
    call("GET", msgs, "%s/999999/messages" % T, R, expect=404)
    rep = "%s/{number}/reply" % T
    call("POST", rep, "%s/%d/reply" % (T, n), W, {"body": "We are on it."},
         expect=201)
    call("POST", rep, "%s/%d/reply" % (T, n), W, {"text": "x"}, expect=422)
    mg = "%s/{number}/merge" % T
    call("POST", mg, "%s/%d/merge" % (T, a["number"]), W, {"into": n})
    call("POST", mg, "%s/%d/merge" % (T, a["number"]), W, {"into": n},
         expect=409)
    call("POST", mg, "%s/%d/merge" % (T, n), W, {"into": "x"}, expect=422)
    # attachments
    AT = "/api/v1/attachments/{id}"
    data, _ = call("GET", AT, "/api/v1/attachments/%d" % S["att_clean"], R)
    if data != S["att_clean_bytes"].encode():
        fail("attachment bytes differ")
    call("GET", AT, "/api/v1/attachments/%d" % S["att_unscanned"], R,
         expect=409)
    call("GET", AT, "/api/v1/attachments/999999", R, expect=404)
    call("GET", AT, "/api/v1/attachments/%d" % S["att_secret"], W,
         expect=404)
    # directory
    for p in ("/api/v1/contacts", "/api/v1/organisations", "/api/v1/queues",
              "/api/v1/announcements"):
        call("GET", p, p, R)
        call("GET", p, p, None, expect=401)
    qs, _ = call("GET", "/api/v1/queues", "/api/v1/queues", W)
    if [q["name"] for q in qs["items"]] != ["billing"]:
        fail("queues not limited to grants: %r" % qs)
    call("GET", "/api/v1/contacts", "/api/v1/contacts?after=-1", R,
         expect=400)
    call("GET", "/api/v1/users", "/api/v1/users", A)
    call("GET", "/api/v1/users", "/api/v1/users", W, expect=403)
    call("GET", "/api/v1/faq/articles", "/api/v1/faq/articles")
    FA = "/api/v1/faq/articles/{slug}"
    call("GET", FA, "/api/v1/faq/articles/" + S["faq_slug"])
    call("GET", FA, "/api/v1/faq/articles/no-such-article", expect=404)
    ex, _ = call("GET", "/api/v1/export", "/api/v1/export", A)
    call("GET", "/api/v1/export", "/api/v1/export", W, expect=403)
    call("GET", "/readyz", "/readyz", expect=S["ready_status"])
    call("GET", "/metrics", "/metrics")
    missing = [(p, m) for p, ms in DOC["paths"].items() for m in ms
               if (p, m) not in covered]
    if missing:
        fail("documented but not exercised: %r" % missing)
    print("ok - every documented path and method exercised (%d)" %
          len(covered))
    json.dump({"created": n, "replayed": a["number"]},
              open(sys.argv[2] + ".out", "w"))

main()
