"""negsim.trace is `negsim trace --format csv`."""

import pandas as pd

import negsim


def test_trace_equals_the_cli(run_cli, tmp_path):
    p = run_cli("trace", "--trial", 5, "--seed", 3, "--format", "csv", "--set",
                "party.DPRK.compliance=0.4")
    (tmp_path / "t.csv").write_text(p.stdout)
    cli = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    t = negsim.trace(negsim.load(set={"party.DPRK.compliance": 0.4}), trial=5, seed=3)
    assert list(t.columns) == list(cli.columns)
    for c in cli.columns:
        if str(t[c].dtype) in ("float64", "Int64", "int64"):
            want = pd.to_numeric(cli[c].replace("", None)).astype(float).to_numpy()
            got = t[c].astype("float64").to_numpy(na_value=float("nan"))
            assert ((got == want) | (pd.isna(got) & pd.isna(want))).all(), c
        else:
            got = ["" if pd.isna(x) else str(x) for x in t[c].astype(object)]
            assert got == cli[c].tolist(), c
    assert t["event"].iloc[-1] == "end"


def test_trace_is_the_run_row():
    s = negsim.load()
    r = negsim.run(s, trials=10, seed=9, progress=False)
    t = negsim.trace(s, trial=7, seed=9)
    assert t["day"].iloc[-1] == r.trials["end_day"].iloc[7]
    assert t["outcome"].iloc[-1] == r.trials["outcome"].iloc[7]
