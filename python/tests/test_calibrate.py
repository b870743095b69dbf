"""negsim.calibrate writes the files `negsim calibrate` writes for the same file and seed."""

from pathlib import Path

import negsim

REPO = Path(__file__).resolve().parents[2]
FILE = REPO / "tests" / "data" / "calibration" / "one-action.calibration.toml"


def test_calibrate_equals_the_cli(run_cli, tmp_path):
    run_cli("calibrate", FILE, "--out", "cli", "--threads", 2)
    c = negsim.calibrate(FILE, out=tmp_path / "py", threads=1)
    for f in ["posterior.csv", "generations.csv"]:
        assert (tmp_path / "py" / f).read_bytes() == (tmp_path / "cli" / f).read_bytes(), f
    w = c.posterior["weight"]
    mean = float((c.posterior["party.A.compliance"] * w).sum() / w.sum())
    # The exact posterior is Beta(2, 4), mean 1/3 (docs/MODEL.md 6.9); ABC at tolerance 0.
    assert abs(mean - 1 / 3) < 0.05, mean
    assert len(c.generations) >= 1
    t = negsim.calibrate(FILE)  # a temporary folder
    assert t.posterior.equals(c.posterior)


def test_a_prior_whose_path_ends_like_a_count_is_a_float_column(tmp_path):
    # `defaults.trust_gain` ends in "n", as the count column `n` does: it is a parameter,
    # read back as floats (it used to fail after the whole calibration).
    for f in FILE.parent.iterdir():
        if f.suffix == ".toml":
            (tmp_path / f.name).write_text(f.read_text())
    cal = tmp_path / FILE.name
    cal.write_text(
        cal.read_text().replace("particles = 400", "particles = 50")
        + '\n[[prior]]\npath = "defaults.trust_gain"\nuniform = [0.01, 0.2]\n'
    )
    c = negsim.calibrate(cal)
    col = c.posterior["defaults.trust_gain"]
    assert col.dtype.kind == "f"
    assert ((col >= 0.01) & (col <= 0.2)).all()
