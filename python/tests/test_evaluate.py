"""negsim.evaluate equals the averages of a CLI run with --design file: and --observe over
the same points (computed here from its trials.csv)."""

import numpy as np
import pandas as pd
import pytest

import negsim

OBSERVE = [
    "outcome",
    "end_day",
    "collapsed_by",
    "phase.declaration.done_day",
    "action.provide-declaration.done_day",
    "action.provide-declaration.late",
    "party.DPRK.walkout_day",
]
TRIALS = 400


@pytest.fixture(scope="module")
def design():
    rng = np.random.default_rng(11)
    return pd.DataFrame(
        {
            "party.DPRK.compliance": rng.uniform(0.2, 0.9, 12).round(3),
            "party.US.compliance": rng.uniform(0.3, 0.9, 12).round(3),
            "scenario.review_every_days": rng.uniform(7, 30, 12).round(1),
        }
    )


def test_evaluate_equals_the_cli_design_run(design, run_cli, tmp_path):
    design.to_csv(tmp_path / "points.csv", index=False)
    args = ["run", "--trials", TRIALS, "--seed", 4, "--design", "file:points.csv", "--out", "e"]
    for o in OBSERVE:
        args += ["--observe", o]
    run_cli(*args)
    trials = pd.read_csv(tmp_path / "e" / "trials.csv")
    e = negsim.evaluate(negsim.load(), design, trials=TRIALS, seed=4, observe=OBSERVE)
    assert len(e) == len(design)
    assert (e["n"] == TRIALS).all()
    pts = pd.read_csv(tmp_path / "e" / "points.csv")
    for p in design.columns:
        np.testing.assert_array_equal(e[p].to_numpy(), pts[p].to_numpy())
    by = trials.groupby("point")
    n = TRIALS
    for name in ["end_day", "phase.declaration.done_day", "action.provide-declaration.done_day",
                 "party.DPRK.walkout_day"]:
        mean = by[name].mean().to_numpy()
        count = by[name].count().to_numpy()
        se = np.array((by[name].std(ddof=1) / np.sqrt(count)).fillna(0), dtype=float)
        se[count == 0] = np.nan
        np.testing.assert_allclose(e[name], mean, rtol=1e-12, equal_nan=True, err_msg=name)
        np.testing.assert_allclose(e[f"{name}.se"], se, rtol=1e-9, equal_nan=True, err_msg=name)
        np.testing.assert_allclose(e[f"{name}.share"], count / n, rtol=1e-12, err_msg=name)
    for word in ["completed", "collapsed", "stalled"]:
        share = by["outcome"].apply(lambda s: (s == word).mean()).to_numpy()
        np.testing.assert_allclose(e[f"outcome={word}"], share, rtol=1e-12)
        np.testing.assert_allclose(
            e[f"outcome={word}.se"], np.sqrt(share * (1 - share) / n), rtol=1e-12
        )
    dprk = by["collapsed_by"].apply(lambda s: (s == "DPRK").mean()).to_numpy()
    np.testing.assert_allclose(e["collapsed_by=DPRK"], dprk, rtol=1e-12)
    late = by["action.provide-declaration.late"].apply(lambda s: (s == True).mean()).to_numpy()  # noqa: E712
    np.testing.assert_allclose(e["action.provide-declaration.late"], late, rtol=1e-12)


def test_points_as_array_or_grid_give_the_same_rows(design):
    s = negsim.load()
    a = negsim.evaluate(s, design, trials=200, seed=2, observe="outcome")
    b = negsim.evaluate(s, (design.to_numpy(), list(design.columns)), trials=200, seed=2,
                        observe="outcome")
    pd.testing.assert_frame_equal(a, b)
    g = negsim.evaluate(s, ["party.DPRK.compliance=0.3,0.6"], trials=200, seed=2)
    d = negsim.evaluate(s, {"party.DPRK.compliance": [0.3, 0.6]}, trials=200, seed=2)
    pd.testing.assert_frame_equal(g, d)


def test_common_random_numbers_and_threads(design):
    s = negsim.load()
    one = negsim.evaluate(s, design, trials=300, seed=8, observe=["end_day"], threads=1)
    two = negsim.evaluate(s, design, trials=300, seed=8, observe=["end_day"], threads=2)
    pd.testing.assert_frame_equal(one, two)
    # The same point twice in a design gives the same row: trial k draws stream k anywhere.
    twice = pd.concat([design.iloc[:1], design.iloc[:1]])
    e = negsim.evaluate(s, twice, trials=300, seed=8, observe=["end_day"])
    assert e.iloc[0].equals(e.iloc[1])
