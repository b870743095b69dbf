//! `negsim.trace(...)`: one trial's events, as `negsim trace --format csv` gives them.

use crate::scenario::Scenario;
use pyo3::prelude::*;
use pyo3::types::PyList;

/// Trial `trial` of a run of `scenario` with seed `seed`, replayed: its event rows as
/// columns (see `negsim._frame`).
#[pyfunction]
#[pyo3(signature = (scenario, trial, seed))]
pub fn trace<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    trial: u64,
    seed: u64,
) -> PyResult<Bound<'py, PyList>> {
    let s = &scenario.compiled;
    let text = py.detach(|| {
        let replay = negsim::trace::replay(s, seed, trial);
        negsim::trace::to_csv(&negsim::trace::rows(s, &replay.events))
    });
    crate::table::to_py(py, "trace", text.as_bytes(), &[])
}
