"""negsim from Python: Monte Carlo simulation of multilateral negotiations.

The same engine, the same seeds and the same files as the ``negsim`` command line (the model
is ``docs/MODEL.md`` in the repository): a run's tables are pandas DataFrames with exactly
the values of its CSV files, and :func:`evaluate` gives one row of observable averages per
point of a design, the shape SALib, EMA Workbench and pyabc expect.

>>> import negsim
>>> s = negsim.load()                      # the bundled second-phase-2007 scenario
>>> s.parties
['CHN', 'DPRK', 'JPN', 'ROK', 'RUS', 'US']
>>> r = negsim.run(s, trials=1000, seed=1)
>>> r.trials["outcome"].value_counts(normalize=True).round(2).to_dict()  # doctest: +SKIP
{'completed': 0.56, 'collapsed': 0.3, 'stalled': 0.14}
>>> import pandas as pd
>>> design = pd.DataFrame({"party.DPRK.compliance": [0.3, 0.6, 0.9]})
>>> negsim.evaluate(s, design, trials=500, seed=1, observe=["outcome"]).shape[0]
3
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _native
from ._native import Scenario

__all__ = ["Scenario", "Run", "Calibration", "load", "run", "evaluate", "trace", "calibrate", "__version__"]
__version__: str = _native.__version__

PathLike = Union[str, "os.PathLike[str]"]


def load(
    path: Optional[PathLike] = None,
    with_: Iterable[PathLike] = (),
    set: Optional[Mapping[str, float]] = None,
) -> Scenario:
    """Load and validate a scenario.

    ``path`` is a scenario file (TOML; None: the bundled ``second-phase-2007``), ``with_``
    what-if overlays applied in order, ``set`` field values by sweep path
    (``{"party.DPRK.compliance": 0.4}``), as ``negsim check --with ... --set ...``.

    Raises ``ValueError`` with negsim's message (file, line, column, what would be valid)
    for a scenario that is not valid.

    >>> s = load(set={"party.DPRK.compliance": 0.4})
    >>> s.value("party.DPRK.compliance")
    0.4
    """
    return _native.load(
        None if path is None else os.fspath(path),
        [os.fspath(w) for w in with_],
        dict(set or {}),
    )


def _scenario(s: Union[Scenario, PathLike, None]) -> Scenario:
    return s if isinstance(s, Scenario) else load(s)


def _frame(columns: list) -> pd.DataFrame:
    """A DataFrame from the native layer's typed column buffers (no text is parsed here)."""
    data = {}
    for name, dtype, buf, mask, cats in columns:
        if dtype == "int64":
            col: Any = np.frombuffer(buf, dtype="<i8")
        elif dtype == "Int64":
            col = pd.arrays.IntegerArray(
                np.frombuffer(buf, dtype="<i8"), np.frombuffer(mask, dtype=np.bool_)
            )
        elif dtype == "float64":
            col = np.frombuffer(buf, dtype="<f8")
        elif dtype == "boolean":
            col = pd.arrays.BooleanArray(
                np.frombuffer(buf, dtype=np.bool_), np.frombuffer(mask, dtype=np.bool_)
            )
        else:
            col = pd.Categorical.from_codes(np.frombuffer(buf, dtype="<i4"), categories=cats)
        data[name] = col
    return pd.DataFrame(data, copy=False)


class Run:
    """A finished run: its tables as DataFrames, its manifest, and :meth:`save`.

    ``trials``, ``summary``, ``points`` and ``actions`` (with ``actions=True``) hold the
    columns and values of ``trials.csv``, ``summary.csv``, ``points.csv`` and
    ``actions.csv``: days are nullable ``Int64`` (``<NA>`` where the event did not happen),
    words (``outcome``, ``collapsed_by``, dates, ids) categories, ``late`` a nullable
    boolean. Each is built once, when first read.
    """

    def __init__(self, folder: "_native.RunFolder") -> None:
        self._folder = folder
        self._frames: dict = {}

    def _table(self, file: str) -> pd.DataFrame:
        if file not in self._frames:
            self._frames[file] = _frame(self._folder.table(file))
        return self._frames[file]

    @property
    def trials(self) -> pd.DataFrame:
        """``trials.csv``: one row per (point, trial)."""
        return self._table("trials.csv")

    @property
    def summary(self) -> pd.DataFrame:
        """``summary.csv``: one row per (point, metric)."""
        return self._table("summary.csv")

    @property
    def points(self) -> pd.DataFrame:
        """``points.csv``: one row per point, with the trials run there."""
        return self._table("points.csv")

    @property
    def actions(self) -> pd.DataFrame:
        """``actions.csv`` (a run with ``actions=True``): one row per (point, trial, action)."""
        if "actions.csv" not in self._folder.files():
            raise ValueError("this run has no actions.csv; run with actions=True")
        return self._table("actions.csv")

    @property
    def manifest(self) -> dict:
        """``manifest.json`` as a dict."""
        return json.loads(self._folder.manifest_json())

    @property
    def files(self) -> list:
        """The data files of the run."""
        return self._folder.files()

    def read(self, file: str) -> bytes:
        """The bytes of one of the run's files, as ``negsim run`` writes them."""
        return bytes(self._folder.read(file))

    def save(self, dir: PathLike, force: bool = False) -> str:
        """Write the run folder ``dir`` as ``negsim run --out DIR`` does.

        The data files are the same bytes the CLI writes for the same seed and options; a
        manifest follows. The CLI's folder rules hold: ``/``, the home folder and
        repositories are refused (``ValueError``), so is a folder holding files negsim did
        not write, or a run already there unless ``force=True`` (``FileExistsError``).
        """
        return os.fspath(self._folder.save(os.fspath(dir), force))

    def __repr__(self) -> str:
        m = self.manifest
        return (
            f"<negsim.Run {m['scenario']['name']}: {m['sweep']['points']} point(s) x "
            f"{m['trials']} trials, seed {m['seed']}>"
        )


def _design(design: Any) -> tuple:
    """(paths, columns of floats) from a DataFrame, a dict of columns, or a 2-D array with
    ``paths`` given as its ``columns`` attribute."""
    if isinstance(design, pd.DataFrame):
        paths = [str(c) for c in design.columns]
        cols = [design[c].to_numpy(dtype=float).tolist() for c in design.columns]
    elif isinstance(design, Mapping):
        paths = [str(k) for k in design]
        cols = [np.asarray(v, dtype=float).tolist() for v in design.values()]
    else:
        raise TypeError(
            "design: give a pandas DataFrame (or a dict) with one column per sweep path"
        )
    if not paths:
        # No columns would otherwise read as no design at all: the base scenario, one point.
        raise ValueError(
            "design: no columns; give one column per sweep path (or no design, for the "
            "scenario alone)"
        )
    return paths, cols


def run(
    scenario: Union[Scenario, PathLike, None] = None,
    trials: int = 10000,
    seed: int = 1,
    vary: Union[str, Sequence[str]] = (),
    design: Any = None,
    observe: Sequence[str] = (),
    threads: Optional[int] = None,
    progress: bool = True,
    actions: bool = False,
) -> Run:
    """Run ``trials`` trials of every point, as ``negsim run`` does.

    ``vary`` takes the CLI's ``PATH=VALUES`` specs (a grid, the first varying slowest);
    ``design`` a DataFrame with one column per sweep path and one row per point
    (whole-day fields rounded, halves away from zero). Trial k draws stream k of ``seed`` at
    every point. ``observe`` adds ``trials`` columns (docs/MODEL.md 5.2); ``actions=True``
    writes ``actions.csv``. The engine runs on every core (or ``threads``) without the
    GIL; Ctrl-C stops it (``KeyboardInterrupt``).

    >>> r = run(trials=200, seed=3, vary="party.DPRK.compliance=0.2,0.8")
    >>> r.points["trials"].tolist()
    [200, 200]
    """
    if isinstance(vary, str):
        vary = [vary]
    paths, cols = ([], []) if design is None else _design(design)
    folder = _native.run(
        _scenario(scenario),
        int(trials),
        int(seed),
        list(vary),
        paths,
        cols,
        list(observe),
        threads,
        bool(progress),
        bool(actions),
    )
    return Run(folder)


def evaluate(
    scenario: Union[Scenario, PathLike, None],
    points: Any,
    trials: int = 1000,
    seed: int = 1,
    observe: Sequence[str] = ("outcome",),
    threads: Optional[int] = None,
) -> pd.DataFrame:
    """Average observables over ``trials`` trials at every point of a design.

    ``points`` is a DataFrame (or a dict of columns) with one column per sweep path and one
    row per point, a 2-D array with ``columns=[paths]`` given as a tuple
    ``(array, paths)``, or ``vary`` specs (a list of ``PATH=VALUES`` strings, a grid).
    Trial k draws stream k of ``seed`` at every point (common random numbers), as
    ``negsim run --design file:POINTS.csv --observe NAME...`` does, whose ``trials.csv``
    gives the same averages.

    Returns one row per point: the sweep paths (whole-day fields rounded as run), ``n``,
    then for each observable (docs/MODEL.md 5.2) a number's mean over the trials in which
    it happened (``NAME``, ``NAME.se``) and the share in which it did (``NAME.share``,
    ``NAME.share.se``); a word's share of each value (``outcome=completed``,
    ``outcome=completed.se``); ``late``'s share true (``NAME``, ``NAME.se``).

    >>> import pandas as pd
    >>> d = pd.DataFrame({"party.DPRK.compliance": [0.2, 0.9]})
    >>> e = evaluate(load(), d, trials=300, seed=1, observe=["outcome", "end_day"])
    >>> list(e.columns[:4])
    ['party.DPRK.compliance', 'n', 'outcome=completed', 'outcome=completed.se']
    >>> bool(e["outcome=completed"].iloc[1] > e["outcome=completed"].iloc[0])
    True
    """
    if isinstance(observe, str):
        observe = [observe]
    vary: list = []
    paths: list = []
    cols: list = []
    if isinstance(points, tuple) and len(points) == 2:
        array, names = points
        array = np.asarray(array, dtype=float)
        if array.ndim != 2 or array.shape[1] != len(names):
            raise ValueError(
                f"points: a 2-D array with one column per path ({len(names)}), "
                f"not shape {array.shape}"
            )
        paths, cols = [str(n) for n in names], [array[:, k].tolist() for k in range(array.shape[1])]
    elif isinstance(points, (list, str)) and all(isinstance(v, str) for v in points):
        vary = [points] if isinstance(points, str) else list(points)
    else:
        paths, cols = _design(points)
    out = _native.evaluate(
        _scenario(scenario), paths, cols, vary, int(trials), int(seed), list(observe), threads
    )
    return pd.DataFrame({name: np.asarray(values, dtype=float) for name, values in out})


class Calibration:
    """A finished calibration (``negsim calibrate``): ``posterior`` (the final particles: one
    column per prior's path, ``weight``, ``distance``), ``generations`` (tolerance,
    proposals, acceptance, effective sample size per generation) and ``dir``, the folder
    holding every file (``predictive/``, ``manifest.json``)."""

    def __init__(self, dir: str, posterior: pd.DataFrame, generations: pd.DataFrame, holder: Any):
        self.dir = dir
        self.posterior = posterior
        self.generations = generations
        self._holder = holder  # keeps a temporary folder alive

    @property
    def manifest(self) -> dict:
        with open(os.path.join(self.dir, "manifest.json")) as f:
            return json.load(f)

    def __repr__(self) -> str:
        return f"<negsim.Calibration: {len(self.posterior)} particles, {len(self.generations)} generations in {self.dir}>"


def calibrate(
    file: PathLike,
    out: Optional[PathLike] = None,
    threads: Optional[int] = None,
    force: bool = False,
    progress: bool = False,
) -> Calibration:
    """Calibrate as ``negsim calibrate FILE [--out OUT] [--threads N] [--force]`` does
    (ABC by sequential Monte Carlo, docs/MODEL.md 6): the same file and seed give the same
    files. Without ``out`` the folder is temporary, kept while the result lives.

    >>> c = calibrate("tests/data/calibration/one-action.calibration.toml")  # doctest: +SKIP
    >>> float((c.posterior["party.A.compliance"] * c.posterior["weight"]).sum())  # doctest: +SKIP
    0.33...
    """
    d, post, gens, holder = _native.calibrate(
        os.fspath(file), None if out is None else os.fspath(out), threads, bool(force),
        bool(progress),
    )
    return Calibration(d, _frame(post), _frame(gens), holder)


def trace(scenario: Union[Scenario, PathLike, None], trial: int, seed: int = 1) -> pd.DataFrame:
    """The events of trial ``trial`` of a run with ``seed``, as ``negsim trace --format csv``.

    >>> t = trace(load(), trial=0, seed=1)
    >>> t["event"].iloc[-1]
    'end'
    """
    return _frame(_native.trace(_scenario(scenario), int(trial), int(seed)))
