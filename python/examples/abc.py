"""Bayesian calibration with pyabc (ABC-SMC, Toni et al. 2009; Klinger et al. 2018) calling
``negsim.evaluate`` in-process: two parameters of the default scenario, DPRK's compliance
and the trust below which it walks out, recovered from outcomes that negsim itself
simulated at known values.

Each particle is one point evaluated over a few hundred trials (its observables are the
share of completed and collapsed trials and the declaration's mean day); pyabc keeps the
particles whose statistics lie close to the "observed" ones.

Then the same two parameters, priors and true values go to ``negsim calibrate`` (docs/MODEL.md
6), which fits the per-trial observables of one history rather than averages over hundreds of
trials: the record of one history is what a historian has, so it is given the declaration's
day and the walkout day of one trial simulated at the true values, and its posterior is
correspondingly wider. The two posteriors are printed side by side.

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


def negsim_calibrate(particles: int, seed: int = 1):
    """The same problem for ``negsim calibrate``: one history simulated at the true values
    (its declaration day and walkout day, "never" when they did not happen), the same priors."""
    here = os.path.dirname(os.path.abspath(__file__))
    scenario = os.path.join(here, "..", "..", "scenarios", "second-phase-2007.toml")
    truth = negsim.load(scenario, set=TRUE)
    history = negsim.run(truth, trials=1, seed=seed + 2000, progress=False,
                         observe=[DECLARATION, "party.DPRK.walkout_day"]).trials.iloc[0]
    start = np.datetime64("2007-10-03")

    def fact(name, scale):
        v = history[name]
        value = '"never"' if v is None or v is np.nan or str(v) == "<NA>" else f'"{start + int(v)}"'
        return f'[[observe]]\nname = "{name}"\nvalue = {value}\nscale = {scale}\n'

    text = (
        "[calibration]\n"
        f"scenario = {scenario!r}\n"
        f"seed = {seed}\nparticles = {particles}\npredictive_trials = 0\n"
        "stop = { tolerance = 0.0, min_acceptance = 0.01, max_trials = 2_000_000 }\n\n"
        + fact(DECLARATION, 30) + "\n" + fact("party.DPRK.walkout_day", 30) + "\n"
        + "\n".join(f'[[prior]]\npath = "{p}"\nuniform = [{lo}, {hi}]\n'
                     for p, (lo, hi) in PRIOR.items())
    )
    d = tempfile.mkdtemp(prefix="negsim-calibrate-")
    f = os.path.join(d, "same-problem.toml")
    with open(f, "w") as out:
        out.write(text)
    return history, negsim.calibrate(f, out=os.path.join(d, "out"))


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
    history, cal = negsim_calibrate(particles=particles * 2)
    post, w = cal.posterior, cal.posterior["weight"]
    g = cal.generations.iloc[-1]
    print(f"negsim calibrate on one history at the true values (declaration day "
          f"{history[DECLARATION]}, walkout day {history['party.DPRK.walkout_day']}): "
          f"{len(cal.generations)} generations, final tolerance {g['tolerance']}, "
          f"{int(g['trials'])} trials")
    for p in PRIOR:
        mean = float(np.sum(post[p] * w))
        sd = float(np.sqrt(np.sum(w * (post[p] - mean) ** 2)))
        print(f"  {p.split('.')[-1]}: posterior mean {mean:.3f} (sd {sd:.3f}); true value {TRUE[p]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
