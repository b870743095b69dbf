"""Morris elementary-effects screening (Morris 1991; Campolongo et al. 2007) of the same 8
parameters: mu* ranks them by influence, sigma says how much of it is non-linear or
interaction, for a tenth of a Sobol analysis's points.

    python examples/morris.py           # seconds
    NEGSIM_FULL=1 python examples/morris.py
"""

import sys

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample

import negsim
from params import DECLARATION, FULL, OBSERVE, PARAMS


def screen(trajectories: int, trials: int, seed: int = 1):
    problem = {
        "num_vars": len(PARAMS),
        "names": list(PARAMS),
        "bounds": [list(b) for b in PARAMS.values()],
    }
    x = morris_sample.sample(problem, trajectories, num_levels=4, seed=seed)
    e = negsim.evaluate(
        negsim.load(), pd.DataFrame(x, columns=problem["names"]), trials=trials, seed=seed,
        observe=OBSERVE,
    )
    out = {}
    for label, col in [("p_completed", "outcome=completed"), ("declaration day", DECLARATION)]:
        y = np.where(np.isnan(e[col].to_numpy()), 456.0, e[col].to_numpy())
        si = morris_analyze.analyze(problem, x, y, num_levels=4, seed=seed)
        out[label] = pd.DataFrame(
            {"mu_star": si["mu_star"], "mu_star_conf": si["mu_star_conf"], "sigma": si["sigma"]},
            index=problem["names"],
        )
    return out, len(x)


def main() -> int:
    trajectories, trials = (100, 2000) if FULL else (12, 300)
    out, points = screen(trajectories, trials)
    print(f"Morris screening, {points} points x {trials} trials")
    for label, df in out.items():
        print(f"\n{label}:")
        print(df.sort_values("mu_star", ascending=False).round(3).to_string())
        print(f"-> most influential on {label}: {df['mu_star'].idxmax()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
