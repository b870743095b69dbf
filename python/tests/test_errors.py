"""Errors are Python exceptions carrying negsim's message: ValueError for bad input,
OSError for I/O; Ctrl-C (KeyboardInterrupt) stops a run."""

import _thread
import re
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import negsim


def test_bad_scenario_names_file_line_and_column(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text('[scenario]\nname = "x"\nstart = "2007-10-03"\nhorizon_days = "many"\n')
    with pytest.raises(ValueError, match=r"bad.toml:4:\d+"):
        negsim.load(p)


def test_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        negsim.load(tmp_path / "nope.toml")


def test_unknown_path_lists_what_would_be_valid():
    with pytest.raises(ValueError, match="party.DPRK.compliance"):
        negsim.load(set={"party.DPRK.complaince": 0.3})
    with pytest.raises(ValueError):
        negsim.run(trials=10, vary="party.NOPE.compliance=0.1,0.2")
    with pytest.raises(ValueError, match="outside|between|\\[0, 1\\]|0 and 1"):
        negsim.run(trials=10, design=pd.DataFrame({"party.DPRK.compliance": [0.5, 7.0]}))


def test_bad_options():
    with pytest.raises(ValueError, match="trials"):
        negsim.run(trials=0)
    with pytest.raises(ValueError, match="threads"):
        negsim.run(trials=10, threads=0)
    with pytest.raises(ValueError, match="observe"):
        negsim.evaluate(None, {"party.DPRK.compliance": [0.5]}, observe=["no.such.thing"])
    with pytest.raises(ValueError, match="not both"):
        negsim.run(trials=10, vary="party.DPRK.compliance=0.1", design={"party.US.compliance": [0.5]})


def test_io_error_is_an_os_error(tmp_path):
    r = negsim.run(trials=10, progress=False)
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(OSError):
        r.save(f / "under-a-file")


def test_ctrl_c_stops_a_long_run():
    threading.Timer(0.5, _thread.interrupt_main).start()
    t = time.time()
    with pytest.raises(KeyboardInterrupt):
        negsim.run(trials=10**9, seed=1, progress=False)
    assert time.time() - t < 30
    # The package still works afterwards.
    assert negsim.run(trials=5, progress=False).points["trials"].tolist() == [5]


def test_a_design_without_columns_is_refused():
    for empty in (pd.DataFrame(), pd.DataFrame(index=range(5)), {}):
        with pytest.raises(ValueError, match="no columns"):
            negsim.evaluate(None, empty, trials=10)
        with pytest.raises(ValueError, match="no columns"):
            negsim.run(trials=10, design=empty, progress=False)


def test_evaluate_with_huge_trials_is_interruptible_and_bounded():
    # Memory does not grow with trials (the batches are taken a few at a time), so the
    # interpreter survives, and Ctrl-C stops it within a few batches.
    with pytest.raises(ValueError, match="2\\^64"):
        negsim.evaluate(None, {"party.DPRK.compliance": [0.4, 0.5]}, trials=2**63)
    threading.Timer(1.0, _thread.interrupt_main).start()
    t = time.time()
    with pytest.raises(KeyboardInterrupt):
        negsim.evaluate(None, {"party.DPRK.compliance": [0.5]}, trials=10**13)
    assert time.time() - t < 30


def test_ctrl_c_stops_a_calibration(tmp_path):
    repo = Path(__file__).resolve().parents[2]
    data = repo / "tests" / "data" / "calibration"
    for f in data.iterdir():
        if f.suffix == ".toml":
            (tmp_path / f.name).write_text(f.read_text())
    cal = tmp_path / "one-action.calibration.toml"
    text = cal.read_text()
    assert "particles = " in text
    cal.write_text(re.sub(r"particles = \d+", "particles = 20000", text))
    threading.Timer(1.0, _thread.interrupt_main).start()
    t = time.time()
    with pytest.raises(KeyboardInterrupt):
        negsim.calibrate(cal, progress=False)
    # Uninterrupted it takes about 25 s on two cores; the generations and the weights check
    # the flag as they go.
    assert time.time() - t < 10
