#!/usr/bin/env python3
"""Compare two trials.csv files column by column: difference of means in standard errors.

Used to check negsim's skip-ahead engine against the literal reference (negsim_ref.py):
the two draw different random numbers, so they agree in distribution, not row by row.
Exits 1 when any |z| exceeds the threshold (default 4).
"""
import csv, math, sys

def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows

def columns(rows):
    cols = {}
    for k in rows[0].keys():
        if k in ("point", "trial", "end_date"):
            continue
        vals = []
        for r in rows:
            v = r[k]
            if k == "outcome":
                continue
            if k == "collapsed_by":
                continue
            vals.append(float(v) if v != "" else None)
        cols[k] = vals
    for o in ("completed", "collapsed", "stalled"):
        cols["p_" + o] = [1.0 if r["outcome"] == o else 0.0 for r in rows]
    for k in list(cols):
        if k.endswith(".done_day"):
            cols[k.replace(".done_day", ".p_done")] = [0.0 if v is None else 1.0 for v in cols[k]]
    return cols

def stat(vals):
    xs = [v for v in vals if v is not None]
    n = len(xs)
    if n < 2:
        return n, float("nan"), float("nan")
    m = sum(xs) / n
    var = sum((x - m) ** 2 for x in xs) / (n - 1)
    return n, m, math.sqrt(var / n)

def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 4.0
    ca, cb = columns(a), columns(b)
    worst = 0.0
    for k in ca:
        if k not in cb:
            print(f"{k}: missing in {sys.argv[2]}")
            continue
        na, ma, sa = stat(ca[k]); nb, mb, sb = stat(cb[k])
        se = math.hypot(sa, sb)
        z = 0.0 if se == 0 or math.isnan(se) else (ma - mb) / se
        if math.isnan(ma) and math.isnan(mb):
            z = 0.0
        worst = max(worst, abs(z))
        flag = "  <--" if abs(z) > limit else ""
        print(f"{k:45s} {ma:14.5f} {mb:14.5f}  n={na}/{nb}  z={z:+.2f}{flag}")
    print(f"worst |z| = {worst:.2f}")
    sys.exit(1 if worst > limit else 0)

main()
