#!/usr/bin/env python3
"""Turns interop/bench.sh's RESULT lines into the Markdown tables of BENCHMARKS.md (issue #17).

Throughput: per sender and domain the median of the rounds (msgs/s, CPU ms per message), and the ratios to
Postfix of the same run: a sender without connection reuse is divided by `postfix` (a handshake per message),
one with reuse by `postfix-reuse`; the receiving Postfix's CPU per message beside them (both share the lab's
cores). Latency: the medians as printed.
Usage: bench-report.py results.txt
"""
import collections
import statistics
import sys


def parse(path):
    rows = []
    for line in open(path):
        if line.startswith("RESULT "):
            rows.append(dict(kv.split("=", 1) for kv in line.split()[1:]))
    return rows


def main():
    rows = parse(sys.argv[1])
    tp = collections.defaultdict(list)
    lat = []
    for r in rows:
        if "msgs_per_s" in r:
            tp[(r["label"], r["domain"])].append(r)
        elif "warm_ms" in r:
            lat.append(r)
    domains = sorted({d for _, d in tp}, key=lambda d: (d != "ee.sec.test", d))
    labels = list(dict.fromkeys(l for l, _ in tp))

    def med(label, dom, key):
        v = [float(r[key]) for r in tp.get((label, dom), []) if key in r]
        return statistics.median(v) if v else None

    def fmt(x, nd=1):
        return "–" if x is None else f"{x:.{nd}f}"

    print("| sender | " + " / ".join(domains) + " msgs/s | CPU ms/msg | ÷ Postfix msgs/s | ÷ Postfix CPU "
          "| receiver CPU ms/msg | rounds |")
    print("|---|---|---|---|---|---|---|")
    for label in labels:
        # the Postfix row of the same kind (a tagged run's rows are "postfix-TAG", "postfix-reuse-TAG")
        base = next((b for b in labels if b.startswith("postfix") and ("reuse" in b) == ("reuse" in label)),
                    "postfix-reuse" if "reuse" in label else "postfix")
        mps = [med(label, d, "msgs_per_s") for d in domains]
        cpu = [med(label, d, "cpu_ms_per_msg") for d in domains]
        bm = [med(base, d, "msgs_per_s") for d in domains]
        bc = [med(base, d, "cpu_ms_per_msg") for d in domains]
        extra = ""
        if label.startswith("postfix"):
            sm = [med(label, d, "smtp_cpu_ms_per_msg") for d in domains]
            extra = " (smtp alone " + " / ".join(fmt(x, 2) for x in sm) + ")"
        rm = [None if a is None or b in (None, 0) else a / b for a, b in zip(mps, bm)]
        rc = [None if a is None or b in (None, 0) else a / b for a, b in zip(cpu, bc)]
        rcv = [med(label, d, "receiver_cpu_ms_per_msg") for d in domains]
        n = max(len(tp.get((label, d), [])) for d in domains)
        print(f"| {label} | " + " / ".join(fmt(x, 0) for x in mps) + " | " + " / ".join(fmt(x, 2) for x in cpu)
              + extra + " | " + " / ".join(fmt(x, 2) for x in rm) + " | " + " / ".join(fmt(x, 2) for x in rc)
              + " | " + " / ".join(fmt(x, 2) for x in rcv) + f" | {n} |")
    if lat:
        print()
        print("| one message (" + lat[0]["domain"] + ") | warm, new connection (ms) | cold (ms) | ÷ Postfix warm | ÷ Postfix cold |")
        print("|---|---|---|---|---|")
        pf = next((r for r in lat if r["label"].startswith("postfix")), None)
        for r in lat:
            w, c = float(r["warm_ms"]), float(r["cold_ms"])
            rw = fmt(w / float(pf["warm_ms"]), 2) if pf else "–"
            rc = fmt(c / float(pf["cold_ms"]), 2) if pf else "–"
            print(f"| {r['label']} | {w:.1f} | {c:.1f} | {rw} | {rc} |")
    for line in open(sys.argv[1]):
        if line.startswith("STALL "):
            print("    " + line.rstrip())


if __name__ == "__main__":
    main()
