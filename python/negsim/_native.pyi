"""Type stubs of the native module (Rust, PyO3). Use the functions of ``negsim`` itself:
these return raw column buffers that ``negsim`` turns into DataFrames."""

from typing import Optional

__version__: str

# (name, dtype, data, mask, categories); dtype is int64, Int64, float64, boolean or category.
Column = tuple[str, str, bytearray, Optional[bytearray], Optional[list[str]]]

class Scenario:
    """A validated scenario (``negsim.load``)."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def start(self) -> str: ...
    @property
    def horizon_days(self) -> int: ...
    @property
    def parties(self) -> list[str]: ...
    @property
    def actions(self) -> list[str]: ...
    @property
    def phases(self) -> list[str]: ...
    @property
    def units(self) -> list[str]: ...
    def paths(self) -> list[str]:
        """Every sweep path (what ``vary``, design columns and ``set`` name)."""
    def is_whole(self, path: str) -> bool:
        """Whether the path takes whole days (design values are rounded)."""
    def value(self, path: str) -> Optional[float]:
        """The path's value in this scenario (None where a default applies)."""
    def check(self) -> list[tuple[str, str, str]]:
        """``negsim check``'s warnings: (kind, subject, message)."""
    def describe(self) -> str:
        """The report ``negsim check`` prints."""
    def graph(self) -> str:
        """The action-for-action links as Graphviz DOT (``negsim graph``)."""

class RunFolder:
    def files(self) -> list[str]: ...
    def table(self, file: str) -> list[Column]: ...
    def read(self, file: str) -> bytes: ...
    def manifest_json(self) -> str: ...
    def params(self) -> list[str]: ...
    def save(self, dir: str, force: bool = False) -> str: ...

def load(path: Optional[str] = None, with_: list[str] = ..., set: dict[str, float] = ...) -> Scenario: ...
def run(
    scenario: Scenario,
    trials: int,
    seed: int,
    vary: list[str],
    design_paths: list[str],
    design_columns: list[list[float]],
    observe: list[str],
    threads: Optional[int],
    progress: bool,
    actions: bool,
) -> RunFolder: ...
def evaluate(
    scenario: Scenario,
    design_paths: list[str],
    design_columns: list[list[float]],
    vary: list[str],
    trials: int,
    seed: int,
    observe: list[str],
    threads: Optional[int],
) -> list[tuple[str, list[float]]]: ...
def trace(scenario: Scenario, trial: int, seed: int) -> list[Column]: ...

class Holder:
    """Keeps a temporary calibration folder while Python holds it."""

def calibrate(
    file: str, out: Optional[str] = None, threads: Optional[int] = None, force: bool = False,
    progress: bool = False,
) -> tuple[str, list[Column], list[Column], Optional[Holder]]: ...
