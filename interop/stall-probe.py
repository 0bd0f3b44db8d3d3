#!/usr/bin/env python3
"""Times the post-STARTTLS EHLO round trip to the lab's Postfix, with and without TCP_QUICKACK (issue #17).

A new connection per sample: greeting, EHLO, STARTTLS, TLS 1.3 handshake (Python's ssl = OpenSSL), then
EHLO under TLS; printed is the time from writing that EHLO to its reply's last line, the median of the
samples. Modes:
  plain     TCP_NODELAY only
  before    TCP_NODELAY, TCP_QUICKACK set once right before the EHLO (dane4j's first attempt)
  reads     TCP_NODELAY, TCP_QUICKACK set again after every read until the reply is complete (dane4j's Netty
            client: TcpQuickAck.Reads)
Usage: stall-probe.py host [samples]      (run by interop/bench.sh while the lab is up)
"""
import select
import socket
import ssl
import statistics
import sys
import time

QUICKACK = getattr(socket, "TCP_QUICKACK", 12)


def line_reply(f):
    while True:
        line = f.readline()
        if not line or line[3:4] != b"-":
            return line


def sample(host, mode):
    s = socket.create_connection((host, 25), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = s.makefile("rb")
    line_reply(f)
    s.sendall(b"EHLO probe.interop.test\r\n")
    line_reply(f)
    s.sendall(b"STARTTLS\r\n")
    line_reply(f)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    t = ctx.wrap_socket(s, server_hostname=host, do_handshake_on_connect=False)
    t.do_handshake()
    if mode in ("before", "reads"):
        t.setsockopt(socket.IPPROTO_TCP, QUICKACK, 1)  # the wrapped socket: wrap_socket detaches s
    t.setblocking(False)
    t0 = time.perf_counter()
    t.send(b"EHLO probe.interop.test\r\n")
    buf = b""
    while True:
        select.select([t], [], [], 5)
        if mode == "reads":
            t.setsockopt(socket.IPPROTO_TCP, QUICKACK, 1)
        try:
            chunk = t.recv(4096)
        except ssl.SSLWantReadError:
            continue
        if not chunk:
            break
        buf += chunk
        lines = buf.split(b"\r\n")
        if any(len(l) >= 4 and l[3:4] == b" " for l in lines):
            break
    elapsed = (time.perf_counter() - t0) * 1000
    t.close()
    return elapsed


def main():
    host = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    modes = ("plain", "before", "reads")
    got = {m: [] for m in modes}
    for _ in range(n):  # interleaved, so that the machine's load drifts over all modes alike
        for m in modes:
            got[m].append(sample(host, m))
    for mode in modes:
        v = got[mode]
        print("STALL mode=%s host=%s median_ms=%.1f min_ms=%.1f max_ms=%.1f over_30ms=%d/%d" % (
            mode, host, statistics.median(v), min(v), max(v), sum(1 for x in v if x > 30), n))


if __name__ == "__main__":
    main()
