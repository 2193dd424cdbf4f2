#!/usr/bin/env python3
"""pg_prepare - every statement of the store, prepared on PostgreSQL.

Runs the C preprocessor over each helpdesk/store/store_*.c (so the macros of
store_int.h expand to adjacent string literals), takes every static string
table out of it

    static const char *const sql_x[] = { [ST_A] = "SELECT ..." "...", ... };

joins adjacent literals, applies the translation the PostgreSQL driver
applies at prepare time and nothing else (?N -> $N outside quotes and
comments, LIMIT -1 -> LIMIT ALL, INDEXED BY name / NOT INDEXED removed),
and prepares each statement on the database given (libpq's PQprepare, as
the driver does: parameter types left to the server), then deallocates it.

    pg_prepare.py [-I DIR] [--cpp=ARG]... FILE... # lists the statements
    pg_prepare.py --url postgresql://... [-I DIR]... FILE...

Slots paired as alternatives (store_stmt_alt(st, &a[X], &b[X])) are checked
in their PostgreSQL table; their SQLite twins are skipped.  KNOWN names the
few statements that are not for PostgreSQL, each with its reason; they are
printed as skipped.  A KNOWN entry that no longer exists fails the check,
so the list cannot silently cover something else.  Exit status 1 when any
statement fails to prepare.
"""
import argparse
import ctypes
import ctypes.util
import os
import re
import subprocess
import sys

SEARCH = "search: left to pgsearch"
SQLITE_ONLY = "SQLite only: run behind store_backend() == STORE_SQLITE"

# (file, table, slot) -> why it is not prepared on PostgreSQL.
KNOWN = {
    ("store_bulk.c", "sql", "ST_MSG_INDEX"): SEARCH,
    ("store_bulk.c", "sql", "ST_TICKET_INDEX"): SEARCH,
    ("store_bulk.c", "deferred_triggers", "0"): "not SQL: trigger names",
    ("store_bulk.c", "deferred_triggers", "1"): "not SQL: trigger names",
    ("store_data.c", "sql_chk", "ST_INTEGRITY"): SQLITE_ONLY,
    ("store_migrate.c", "sql_mg", "MG_COLUMNS"): SQLITE_ONLY + " (the source of a move)",
    ("store_migrate.c", "derived", "0"): "not SQL: table names",
    ("store_migrate.c", "derived", "1"): "not SQL: table names",
    ("store_migrate.c", "derived", "2"): "not SQL: table names",
    ("store_migrate.c", "derived", "3"): "not SQL: table names",
    ("store_migrate.c", "derived", "4"): "not SQL: table names",
    ("store_migrate.c", "derived", "5"): "not SQL: table names",
    ("store_data.c", "sql_chk", "ST_FKCHECK"): SQLITE_ONLY,
    ("store_faq.c", "sql", "ST_SEARCH"): SEARCH,
    ("store_faq.c", "sql", "ST_SEARCH_FLOOR"): SEARCH,
    ("store_queue.c", "sql", "ST_WALK_DUE"): SEARCH,
    ("store_queue.c", "sql", "ST_WALK_NEW"): SEARCH,
    ("store_queue.c", "sql", "ST_COLL_DUE"): SEARCH,
    ("store_queue.c", "sql", "ST_COLL_NEW"): SEARCH,
    ("store_queue.c", "sql", "ST_COLL_COUNT"): SEARCH,
    ("store_queue.c", "sql", "ST_SAMPLE"): SEARCH,
    ("store_queue.c", "sql", "ST_WARM_INDEX"): SEARCH,
}

# ---- extraction -----------------------------------------------------------

TABLE_RE = re.compile(
    rb"static\s+const\s+char\s*\*\s*const\s+(\w+)\s*\[[^\]]*\]\s*=\s*\{")
ALT_RE = re.compile(
    r"store_stmt_alt\s*\(\s*[^,]+,\s*&\s*(\w+)\s*\[\s*(\w+)\s*\]\s*,"
    r"\s*&\s*(\w+)\s*\[\s*(\w+)\s*\]\s*\)")

ESC = {ord("n"): b"\n", ord("t"): b"\t", ord("r"): b"\r", ord("\\"): b"\\",
       ord('"'): b'"', ord("'"): b"'", ord("?"): b"?", ord("a"): b"\a",
       ord("b"): b"\b", ord("f"): b"\f", ord("v"): b"\v"}


def c_string(src, i):
    """Decodes the C string literal starting at src[i] == '"'; returns
    (bytes, index after the closing quote)."""
    out = bytearray()
    i += 1
    while src[i] != ord('"'):
        c = src[i]
        if c == ord("\\"):
            n = src[i + 1]
            if n in ESC:
                out += ESC[n]
                i += 2
            elif ord("0") <= n <= ord("7"):
                j = i + 1
                while j < i + 4 and ord("0") <= src[j] <= ord("7"):
                    j += 1
                out.append(int(src[i + 1:j], 8) & 0xFF)
                i = j
            elif n == ord("x"):
                j = i + 2
                while chr(src[j]) in "0123456789abcdefABCDEF":
                    j += 1
                out.append(int(src[i + 2:j], 16) & 0xFF)
                i = j
            else:
                raise ValueError("unknown escape \\%c" % n)
        else:
            out.append(c)
            i += 1
    return bytes(out), i + 1


def main_file_text(pre, path):
    """The lines of the preprocessor output that come from path itself."""
    keep, mine = [], False
    base = os.path.basename(path)
    for line in pre.split(b"\n"):
        m = re.match(rb'# \d+ "([^"]*)"', line)
        if m:
            mine = os.path.basename(m.group(1).decode()) == base
            continue
        if mine:
            keep.append(line)
    return b"\n".join(keep)


def tables(src):
    """Yields (table, slot, sql or None) for each entry of each table."""
    for m in TABLE_RE.finditer(src):
        name = m.group(1).decode()
        i, index, slot, parts, other = m.end(), 0, None, [], False
        while True:
            c = src[i]
            if c in b" \t\r\n":
                i += 1
            elif c == ord('"'):
                s, i = c_string(src, i)
                parts.append(s)
            elif c == ord("["):
                j = src.index(b"]", i)
                slot = src[i + 1:j].decode().strip()
                i = src.index(b"=", j) + 1
            elif c in b",}":
                if parts or other or slot is not None:
                    key = slot if slot is not None else str(index)
                    sql = b"".join(parts).decode() if parts and not other \
                        else None
                    yield name, key, sql
                    index += 1
                slot, parts, other = None, [], False
                i += 1
                if c == ord("}"):
                    break
            else:  # NULL, an expression: not a literal
                other = True
                i += 1


def extract(path, cc, incs, cpp):
    pre = subprocess.run([cc, "-E", "-std=gnu11"] +
                         ["-I" + d for d in incs] + cpp + [path],
                         check=True, stdout=subprocess.PIPE).stdout
    return list(tables(main_file_text(pre, path)))


def alt_pairs(path, entries):
    """{(table, slot) of SQLite: (table, slot) of PostgreSQL}.  A pair
    indexed by a variable (store_stmt_alt(st, &sql[which], &pg[which]))
    pairs every slot the PostgreSQL table fills."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    pairs = {}
    for m in ALT_RE.finditer(text):
        t1, s1, t2, s2 = m.groups()
        if s1 == s2 and re.fullmatch(r"[a-z_][a-z0-9_]*", s1):
            for t, s, _ in entries:
                if t == t2:
                    pairs[(t1, s)] = (t2, s)
        else:
            pairs[(t1, s1)] = (t2, s2)
    return pairs

# ---- the driver's translation ---------------------------------------------


def is_word(c):
    return c.isalnum() or c == "_"


def word_at(s, i, w):
    n = len(w)
    if s[i:i + n].upper() != w:
        return False
    before = s[i - 1] if i > 0 else " "
    after = s[i + n] if i + n < len(s) else " "
    return not is_word(before) and not is_word(after)


def skip_space(s, i):
    while i < len(s) and s[i] in " \n\t\r":
        i += 1
    return i


def skip_ident(s, i):
    if i < len(s) and s[i] == '"':
        j = s.find('"', i + 1)
        return len(s) if j < 0 else j + 1
    while i < len(s) and is_word(s[i]):
        i += 1
    return i


def translate(sql):
    out, i, n, np = [], 0, len(sql), 0
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1])
            i = j + 1
            continue
        if sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j])
            i = j
            continue
        if sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(sql[i:j])
            i = j
            continue
        if ch == "?":
            m = re.match(r"\d+", sql[i + 1:])
            num = int(m.group(0)) if m else np + 1
            np = max(np, num)
            out.append("$%d" % num)
            i += 1 + (len(m.group(0)) if m else 0)
            continue
        if word_at(sql, i, "LIMIT"):
            j = skip_space(sql, i + 5)
            if sql.startswith("-1", j) and not sql[j + 2:j + 3].isdigit():
                out.append("LIMIT ALL")
                i = j + 2
                continue
        if word_at(sql, i, "INDEXED"):
            j = skip_space(sql, i + 7)
            if word_at(sql, j, "BY"):
                i = skip_ident(sql, skip_space(sql, j + 2))
                continue
        if word_at(sql, i, "NOT"):
            j = skip_space(sql, i + 3)
            if word_at(sql, j, "INDEXED"):
                i = j + 7
                continue
        out.append(ch)
        i += 1
    return "".join(out)

# ---- libpq ----------------------------------------------------------------


class PG:
    PGRES_COMMAND_OK, PGRES_TUPLES_OK = 1, 2
    CONNECTION_OK = 0

    def __init__(self, url):
        lib = ctypes.CDLL(ctypes.util.find_library("pq") or "libpq.so.5")
        lib.PQconnectdb.restype = ctypes.c_void_p
        lib.PQconnectdb.argtypes = [ctypes.c_char_p]
        lib.PQstatus.argtypes = [ctypes.c_void_p]
        lib.PQerrorMessage.restype = ctypes.c_char_p
        lib.PQerrorMessage.argtypes = [ctypes.c_void_p]
        lib.PQprepare.restype = ctypes.c_void_p
        lib.PQprepare.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                  ctypes.c_char_p, ctypes.c_int,
                                  ctypes.c_void_p]
        lib.PQexec.restype = ctypes.c_void_p
        lib.PQexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.PQexecPrepared.restype = ctypes.c_void_p
        lib.PQexecPrepared.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                       ctypes.c_int, ctypes.c_void_p,
                                       ctypes.c_void_p, ctypes.c_void_p,
                                       ctypes.c_int]
        lib.PQresultStatus.argtypes = [ctypes.c_void_p]
        lib.PQresultErrorMessage.restype = ctypes.c_char_p
        lib.PQresultErrorMessage.argtypes = [ctypes.c_void_p]
        lib.PQclear.argtypes = [ctypes.c_void_p]
        lib.PQfinish.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self.c = lib.PQconnectdb(url.encode())
        if lib.PQstatus(self.c) != self.CONNECTION_OK:
            raise SystemExit("pg_prepare: cannot connect: " +
                             lib.PQerrorMessage(self.c).decode().strip())

    def _result(self, r):
        st = self.lib.PQresultStatus(r)
        msg = self.lib.PQresultErrorMessage(r).decode().strip()
        self.lib.PQclear(r)
        return None if st in (self.PGRES_COMMAND_OK, self.PGRES_TUPLES_OK) \
            else (msg or "status %d" % st)

    def exec(self, sql):
        return self._result(self.lib.PQexec(self.c, sql.encode()))

    def prepare(self, sql, run=False):
        """None when sql prepares (and, with run, runs without
        parameters), else the server's message."""
        err = self._result(self.lib.PQprepare(self.c, b"hd_check",
                                              sql.encode(), 0, None))
        if err is not None:
            return err
        if run:
            err = self._result(self.lib.PQexecPrepared(
                self.c, b"hd_check", 0, None, None, None, 0))
        self.exec("DEALLOCATE hd_check")
        return err

# ---- main -----------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-I", dest="incs", action="append", default=[])
    ap.add_argument("--cpp", action="append", default=[],
                    help="one more preprocessor argument (--cpp=-isystem)")
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"))
    ap.add_argument("--url", help="prepare on this database")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    stmts, twins, seen = [], {}, set()
    for path in a.files:
        base = os.path.basename(path)
        entries = extract(path, a.cc, a.incs, a.cpp)
        for (t, s), pg in alt_pairs(path, entries).items():
            twins[(base, t, s)] = (base,) + pg
        for t, s, sql in entries:
            stmts.append((base, t, s, sql))
            seen.add((base, t, s))

    pg = PG(a.url) if a.url else None
    failed = checked = skipped = bad = 0
    given = {os.path.basename(p) for p in a.files}
    for key in sorted(k for k in KNOWN if k[0] in given and k not in seen):
        print("FAIL %s %s[%s]: named in KNOWN but not found" % key)
        failed += 1
    for key in sorted(k for k in twins.values() if k not in seen):
        print("FAIL %s %s[%s]: PostgreSQL twin not found" % key)
        failed += 1
    for base, t, s, sql in stmts:
        name = "%s %s[%s]" % (base, t, s)
        why = KNOWN.get((base, t, s))
        if why is None and (base, t, s) in twins:
            why = "SQLite twin of %s %s[%s]" % twins[(base, t, s)]
        if why is None and sql is None:
            why = "not a string literal"
            print("FAIL %s: %s" % (name, why))
            failed += 1
            continue
        if why is not None:
            print("SKIP %s: %s" % (name, why))
            skipped += 1
            continue
        tsql = translate(sql)
        if pg is None:
            print("%s\n  %s" % (name, tsql))
            continue
        # A temporary table later statements use is made, not only
        # prepared.
        run = re.match(r"\s*CREATE\s+TEMP", tsql, re.I) is not None
        err = pg.prepare(tsql, run)
        checked += 1
        if err is not None:
            bad += 1
            print("FAIL %s: %s\n  %s" % (name, err.replace("\n", "\n  "),
                                         tsql))
            failed += 1
    if pg is not None:
        print("pg_prepare: %d prepared, %d failed, %d skipped" %
              (checked - bad, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
