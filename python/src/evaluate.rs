//! `negsim.evaluate(...)`: observable averages per point of a design, through
//! [`negsim::runs::evaluate`], returned as columns for a DataFrame.

use crate::error::{INTERRUPTED, to_py};
use crate::run::{points, pool};
use crate::scenario::Scenario;
use negsim::error::Error;
use negsim::runs::run::cancellable;
use pyo3::prelude::*;
use pyo3::types::PyList;

/// For every point of the design (`design_paths`, one column of values each; or `vary`
/// specs, a grid), run `trials` trials with seed `seed` and average `observe`. Returns
/// `[(name, values)]`: the sweep paths (the values each point ran with), then `n` and the
/// averages (docs/MODEL.md 5.2).
#[pyfunction]
#[pyo3(signature = (scenario, design_paths, design_columns, vary, trials, seed, observe, threads))]
#[allow(clippy::too_many_arguments)]
pub fn evaluate<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    design_paths: Vec<String>,
    design_columns: Vec<Vec<f64>>,
    vary: Vec<String>,
    trials: u64,
    seed: u64,
    observe: Vec<String>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    let pts = points(scenario, &vary, &design_paths, design_columns)?;
    let pool = pool(threads)?;
    let e = crate::interrupt::run(py, |flag| {
        pool.install(|| {
            cancellable(flag, || {
                negsim::runs::evaluate::evaluate(&pts, &observe, trials, seed)
            })
        })
    })?
    .map_err(|e| match e {
        Error::Refused(m) if m == INTERRUPTED => pyo3::exceptions::PyKeyboardInterrupt::new_err(m),
        e => to_py(e),
    })?;
    let out = PyList::empty(py);
    for (k, p) in pts.params().into_iter().enumerate() {
        let col: Vec<f64> = e.values.iter().map(|v| v[k]).collect();
        out.append((p, col))?;
    }
    for (k, c) in e.columns.iter().enumerate() {
        let col: Vec<f64> = e.rows.iter().map(|r| r[k]).collect();
        out.append((c.clone(), col))?;
    }
    Ok(out)
}
