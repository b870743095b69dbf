"""Sobol indices of the default scenario: which of 8 parameters decide whether the talks
complete, and when the declaration is handed over.

SALib draws a Saltelli sample (Saltelli 2002; Saltelli et al. 2010), negsim evaluates every
point at once (``negsim.evaluate``: trial k draws stream k at every point, so differences
between points are the parameters' doing, not noise), and SALib's Sobol analysis gives
first-order (S1) and total (ST) indices with 95% confidence intervals (Sobol 2001).

    python examples/sobol.py            # seconds (N=64, 300 trials a point)
    NEGSIM_FULL=1 python examples/sobol.py   # N=1024, 2000 trials a point
"""

import sys
import time

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

import negsim
from params import DECLARATION, FULL, OBSERVE, PARAMS


def analyse(n_base: int, trials: int, seed: int = 1):
    problem = {
        "num_vars": len(PARAMS),
        "names": list(PARAMS),
        "bounds": [list(b) for b in PARAMS.values()],
    }
    x = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    design = pd.DataFrame(x, columns=problem["names"])
    t = time.time()
    e = negsim.evaluate(negsim.load(), design, trials=trials, seed=seed, observe=OBSERVE)
    secs = time.time() - t
    results = {}
    for label, col in [("p_completed", "outcome=completed"), ("declaration day", DECLARATION)]:
        y = e[col].to_numpy()
        # A point where the declaration never came in any trial: count it at the horizon.
        y = np.where(np.isnan(y), 456.0, y)
        si = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        results[label] = pd.DataFrame(
            {"S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"]},
            index=problem["names"],
        )
    return results, len(design), secs


def main() -> int:
    n_base, trials = (1024, 2000) if FULL else (64, 300)
    results, points, secs = analyse(n_base, trials)
    print(f"Sobol indices, {points} points x {trials} trials ({secs:.1f} s in negsim.evaluate)")
    for label, df in results.items():
        print(f"\n{label} (95% confidence half-widths in *_conf):")
        print(df.sort_values("ST", ascending=False).round(3).to_string())
        top = df["ST"].idxmax()
        print(f"-> {label} depends most on {top} (ST = {df.loc[top, 'ST']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
