"""Bayesian calibration with pyabc (ABC-SMC, Toni et al. 2009; Klinger et al. 2018) calling
``negsim.evaluate`` in-process: two parameters of the default scenario, DPRK's compliance
and the trust below which it walks out, recovered from outcomes that negsim itself
simulated at known values.

Each particle is one point evaluated over a few hundred trials (its observables are the
share of completed and collapsed trials and the declaration's mean day); pyabc keeps the
particles whose statistics lie close to the "observed" ones.

    python examples/abc.py              # seconds (3 generations of 60 particles)
    NEGSIM_FULL=1 python examples/abc.py    # 8 generations of 500 particles
"""

import os
import sys
import tempfile
import warnings

import numpy as np

warnings.filterwarnings("ignore")
import pyabc  # noqa: E402

import negsim  # noqa: E402
from params import DECLARATION, FULL  # noqa: E402

TRUE = {"party.DPRK.compliance": 0.6, "party.DPRK.walkout_trust": 0.3}
PRIOR = {"party.DPRK.compliance": (0.2, 0.9), "party.DPRK.walkout_trust": (0.2, 0.5)}
OBSERVE = ["outcome", DECLARATION]
SCENARIO = negsim.load()


def statistics(values: dict, trials: int, seed: int) -> dict:
    e = negsim.evaluate(
        SCENARIO, {p: [v] for p, v in values.items()}, trials=trials, seed=seed, observe=OBSERVE
    )
    day = e[DECLARATION].iloc[0]
    return {
        "completed": float(e["outcome=completed"].iloc[0]),
        "collapsed": float(e["outcome=collapsed"].iloc[0]),
        # In units of 100 days, so the three statistics weigh alike; never done: the horizon.
        "declaration": (456.0 if np.isnan(day) else float(day)) / 100.0,
    }


def calibrate(particles: int, generations: int, trials: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    np.random.seed(seed)
    observed = statistics(TRUE, trials=20 * trials, seed=seed + 1000)
    short = {p.split(".")[-1]: p for p in TRUE}

    def model(par):
        # A fresh seed for every particle: a simulation, not the same trials again.
        values = {short[k]: par[k] for k in short}
        return statistics(values, trials=trials, seed=int(rng.integers(1 << 62)))

    prior = pyabc.Distribution(
        **{short_name: pyabc.RV("uniform", lo, hi - lo)
           for short_name, (lo, hi) in ((p.split(".")[-1], b) for p, b in PRIOR.items())}
    )
    abc = pyabc.ABCSMC(
        model, prior, pyabc.PNormDistance(p=2), population_size=particles,
        sampler=pyabc.sampler.SingleCoreSampler(),
    )
    db = os.path.join(tempfile.mkdtemp(prefix="negsim-abc-"), "abc.db")
    abc.new("sqlite:///" + db, observed)
    history = abc.run(max_nr_populations=generations, minimum_epsilon=0.01)
    frame, w = history.get_distribution()
    return observed, frame, w, history


def main() -> int:
    particles, generations, trials = (500, 8, 1000) if FULL else (60, 3, 200)
    observed, frame, w, history = calibrate(particles, generations, trials)
    print(f"pyabc ABC-SMC: {history.max_t + 1} generations of {particles} particles, "
          f"{trials} trials per particle; observed {observed}")
    for name in frame.columns:
        mean = float(np.sum(frame[name] * w))
        sd = float(np.sqrt(np.sum(w * (frame[name] - mean) ** 2)))
        truth = TRUE[[p for p in TRUE if p.endswith(name)][0]]
        print(f"  {name}: posterior mean {mean:.3f} (sd {sd:.3f}); true value {truth}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
