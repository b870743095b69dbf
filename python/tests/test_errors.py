"""Errors are Python exceptions carrying negsim's message: ValueError for bad input,
OSError for I/O; Ctrl-C (KeyboardInterrupt) stops a run."""

import _thread
import threading
import time

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
