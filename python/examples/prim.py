"""Scenario discovery with EMA Workbench: PRIM (Friedman and Fisher 1999; Bryant and
Lempert 2010) on a Latin hypercube of 10 parameters finds the box of parameter values
under which the talks collapse in over half the trials.

EMA Workbench samples the hypercube, negsim evaluates all its points in one call (one
scalar per outcome and experiment, the shape the workbench wants), and PRIM peels the box.

    python examples/prim.py             # seconds (400 points x 300 trials)
    NEGSIM_FULL=1 python examples/prim.py   # 4000 points x 1000 trials
"""

import sys
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore", message="ipyparallel not installed")
from ema_workbench import RealParameter
from ema_workbench.analysis import prim
from ema_workbench.em_framework.samplers import LHSSampler

import negsim
from params import FULL, MORE, PARAMS

BOUNDS = {**PARAMS, **MORE}
# Collapse is rare at the scenario's own values: widen the ranges that drive it.
BOUNDS["party.DPRK.walkout_trust"] = (0.2, 0.7)
BOUNDS["party.DPRK.trust_loss"] = (0.1, 0.7)


def discover(points: int, trials: int, seed: int = 1):
    uncertainties = [RealParameter(p, lo, hi) for p, (lo, hi) in BOUNDS.items()]
    sampler = LHSSampler()
    np.random.seed(seed)  # the workbench's samplers draw from numpy's global generator
    sample = sampler.generate_samples(uncertainties, points)
    design = pd.DataFrame({p: sample[p] for p in BOUNDS})
    e = negsim.evaluate(negsim.load(), design, trials=trials, seed=seed, observe=["outcome"])
    x = e[list(BOUNDS)]
    y = (e["outcome=collapsed"] > 0.5).to_numpy()
    alg = prim.Prim(x, y, threshold=0.8, peel_alpha=0.1)
    box = alg.find_box()
    return box, x, y, e


def describe(box):
    """The box chosen (the last one on the trajectory with density >= 0.8), its limits and
    coverage/density."""
    stats = box.peeling_trajectory.iloc[box._cur_box]
    limits = box.box_lims[box._cur_box]
    full = box.box_lims[0]
    changed = [c for c in limits.columns if (limits[c] != full[c]).any()]
    return stats, limits[changed]


def main() -> int:
    points, trials = (4000, 1000) if FULL else (400, 300)
    box, x, y, e = discover(points, trials)
    stats, limits = describe(box)
    print(f"PRIM on {points} Latin-hypercube points x {trials} trials, 10 parameters")
    print(f"points where the talks collapse in over half the trials: {int(y.sum())} of {len(y)}")
    print(f"box: coverage {stats['coverage']:.2f}, density {stats['density']:.2f}, "
          f"{int(stats['res_dim'])} restricted dimension(s)")
    print("limits of the box (low, high):")
    for c in limits.columns:
        print(f"  {c}: {limits[c].iloc[0]:.3g} .. {limits[c].iloc[1]:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
