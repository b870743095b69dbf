"""Shared fixtures: the negsim command line (to compare with), run folders in tmp_path."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli() -> Path:
    """The negsim binary of this repository: $NEGSIM_BIN, else built (or found up to date)
    with `cargo build --release --bin negsim`, so a stale binary is never compared with."""
    env = os.environ.get("NEGSIM_BIN")
    if env:
        return Path(env)
    cargo = shutil.which("cargo")
    assert cargo, "no cargo to build the negsim binary with (set NEGSIM_BIN)"
    subprocess.run([cargo, "build", "--release", "--bin", "negsim"], cwd=REPO, check=True)
    return REPO / "target" / "release" / "negsim"


@pytest.fixture()
def run_cli(cli, tmp_path):
    """Run `negsim ARGS...` in tmp_path; returns the completed process."""

    def go(*args):
        p = subprocess.run(
            [str(cli), *map(str, args)], cwd=tmp_path, capture_output=True, text=True
        )
        assert p.returncode == 0, p.stderr
        return p

    return go
