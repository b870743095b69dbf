"""negsim.run gives the values of the CLI's CSV files for the same seed, and .save writes
the same bytes under the same folder rules."""

import io

import numpy as np
import pandas as pd
import pytest

import negsim

VARY = "party.DPRK.compliance=0.3,0.7"
OBSERVE = ["action.provide-declaration.done_day", "action.provide-declaration.late"]
FILES = ["trials.csv", "summary.csv", "points.csv", "actions.csv"]


@pytest.fixture(scope="module")
def py_run():
    return negsim.run(
        negsim.load(), trials=700, seed=7, vary=VARY, observe=OBSERVE, actions=True,
        progress=False,
    )


@pytest.fixture()
def cli_dir(run_cli, tmp_path):
    args = ["run", "--trials", 700, "--seed", 7, "--vary", VARY, "--actions", "--out", "cli"]
    for o in OBSERVE:
        args += ["--observe", o]
    run_cli(*args)
    return tmp_path / "cli"


def same(frame: pd.DataFrame, csv: pd.DataFrame):
    """The frame holds the CSV's columns and values: numbers equal exactly, missing where
    the CSV cell is empty, words and true/false as written."""
    assert list(frame.columns) == list(csv.columns)
    assert len(frame) == len(csv)
    for c in csv.columns:
        a, b = frame[c], csv[c]
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            x = a.astype("float64").to_numpy(na_value=np.nan)
            np.testing.assert_array_equal(x, b.to_numpy(dtype=float), err_msg=c)
        else:
            norm = lambda s: [None if pd.isna(v) else str(v).lower() for v in s.astype(object)]
            assert norm(a) == norm(b), c


def test_tables_equal_the_cli_csv_files(py_run, cli_dir):
    for f, frame in [
        ("trials.csv", py_run.trials),
        ("summary.csv", py_run.summary),
        ("points.csv", py_run.points),
        ("actions.csv", py_run.actions),
    ]:
        same(frame, pd.read_csv(cli_dir / f, dtype={"end_date": str}))


def test_types(py_run):
    t = py_run.trials
    assert str(t["end_day"].dtype) == "Int64"
    assert str(t["phase.declaration.done_day"].dtype) == "Int64"
    assert t["phase.declaration.done_day"].isna().any()
    assert isinstance(t["outcome"].dtype, pd.CategoricalDtype)
    assert list(t["outcome"].cat.categories) == ["completed", "collapsed", "stalled"]
    assert str(t["action.provide-declaration.late"].dtype) == "boolean"
    assert str(t["party.DPRK.compliance"].dtype) == "float64"
    assert py_run.manifest["observe"] == OBSERVE
    assert py_run.manifest["trials"] == 700


def test_save_writes_the_cli_bytes(py_run, cli_dir, tmp_path):
    out = tmp_path / "py"
    py_run.save(out)
    for f in FILES:
        assert (out / f).read_bytes() == (cli_dir / f).read_bytes(), f
        assert py_run.read(f) == (cli_dir / f).read_bytes(), f
    m = (out / "manifest.json").read_text()
    assert '"sha256"' in m


def test_save_keeps_a_run_unless_forced(py_run, tmp_path, cli):
    out = tmp_path / "again"
    py_run.save(out)
    with pytest.raises(FileExistsError, match="already holds a finished run"):
        py_run.save(out)
    py_run.save(out, force=True)
    # The saved folder is a finished run the CLI verifies.
    import subprocess

    p = subprocess.run([str(cli), "verify", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr + p.stdout


def test_save_refuses_foreign_files_and_repositories(py_run, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="notes.txt"):
        py_run.save(mine, force=True)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "Cargo.toml").write_text("")
    with pytest.raises(ValueError, match="repository"):
        py_run.save(repo, force=True)


def test_design_run_equals_the_cli_design_file(run_cli, tmp_path):
    design = pd.DataFrame(
        {"party.DPRK.compliance": [0.2, 0.5, 0.8], "scenario.review_every_days": [10.4, 14.5, 21]}
    )
    design.to_csv(tmp_path / "points.csv", index=False)
    run_cli("run", "--trials", 300, "--seed", 3, "--design", "file:points.csv", "--out", "d")
    r = negsim.run(negsim.load(), trials=300, seed=3, design=design, progress=False)
    for f in ["trials.csv", "summary.csv", "points.csv"]:
        assert r.read(f) == (tmp_path / "d" / f).read_bytes(), f
    assert r.points["scenario.review_every_days"].tolist() == [10.0, 15.0, 21.0]


def test_threads_change_no_value():
    a = negsim.run(trials=3000, seed=2, threads=1, progress=False)
    b = negsim.run(trials=3000, seed=2, threads=2, progress=False)
    assert a.read("trials.csv") == b.read("trials.csv")


def test_million_trials_frame_matches_read_csv():
    r = negsim.run(trials=20000, seed=5, progress=False)
    ref = pd.read_csv(io.BytesIO(r.read("trials.csv")), dtype={"end_date": str})
    same(r.trials, ref)
