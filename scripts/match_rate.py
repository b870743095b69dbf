#!/usr/bin/env python3
"""How often a run's trials reproduce a recorded history, fact by fact and all at once.

    python3 scripts/match_rate.py RUN_DIR CALIBRATION_DIR

RUN_DIR is a finished `negsim run` folder whose trials.csv has a column for every fact
(`--observe NAME` for those trials.csv does not already have); CALIBRATION_DIR is a
`negsim calibrate` folder, whose observed.csv lists the facts (docs/MODEL.md 6.10). A trial
matches a fact when the fact's term of the calibration distance is at most 1 (docs/MODEL.md
6.3: |value - observed| / scale, a day that did not happen counted at its censored value,
words and flags only when equal); the joint match rate is the share of trials matching every
fact, with a Wilson 95% interval. The same definitions as the fit table of `negsim report`.
Python 3 standard library only.
"""

import csv
import math
import sys


def wilson(k, n, z=1.959963984540054):
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def term(fact, cell):
    kind, scale = fact["kind"], float(fact["scale"])
    if kind in ("word", "flag"):
        return 0.0 if cell == fact["value"] else 1.0
    censored = float(fact["censored"]) if fact["censored"] else None
    obs = censored if fact["never"] == "true" else float(fact["value"])
    if cell == "":
        if censored is None:
            return math.inf
        x = censored
    else:
        x = float(cell)
    return abs(x - obs) / scale


def main(run_dir, cal_dir):
    with open(f"{cal_dir}/observed.csv", newline="") as f:
        facts = list(csv.DictReader(f))
    hits = [0] * len(facts)
    joint = n = 0
    with open(f"{run_dir}/trials.csv", newline="") as f:
        rows = csv.DictReader(f)
        missing = [x["name"] for x in facts if x["name"] not in rows.fieldnames]
        if missing:
            sys.exit(f"error: {run_dir}/trials.csv has no column {missing[0]}: run with --observe {missing[0]}")
        for row in rows:
            n += 1
            ok = True
            for i, fact in enumerate(facts):
                t = term(fact, row[fact["name"]])
                if (t == 0.0) if fact["kind"] in ("word", "flag") else (t <= 1.0):
                    hits[i] += 1
                else:
                    ok = False
            joint += ok
    print("| observed fact | within one scale |")
    print("|---|---:|")
    for fact, k in zip(facts, hits):
        print(f"| `{fact['name']}` (scale {fact['scale']}) | {100 * k / n:.1f}% |")
    lo, hi = wilson(joint, n)
    print(f"| **every fact at once** | **{joint / n:.3g}** ({joint} of {n}; 95% {lo:.3g} to {hi:.3g}) |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
