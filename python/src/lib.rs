//! The native half of the `negsim` Python package: a thin layer over the negsim library, one
//! file per concept. The Python half (`negsim/__init__.py`) turns what this returns into
//! pandas DataFrames.
//!
//! | module | what it exposes |
//! |---|---|
//! | [`scenario`] | `load`, `Scenario` |
//! | [`run`] | `run`, `RunFolder` (the run's files, `.save`) |
//! | [`evaluate`] | `evaluate`: observable averages per point |
//! | [`calibrate`] | `calibrate`: `negsim calibrate` from Python |
//! | [`trace`] | `trace`: one trial's events |
//! | [`table`] | CSV files as typed column buffers |
//! | [`points`] | the points a run or an evaluation visits |
//! | [`interrupt`] | the engine off the GIL, stopped by Ctrl-C |
//! | [`error`] | negsim's errors as Python exceptions |

use pyo3::prelude::*;

pub mod calibrate;
pub mod error;
pub mod evaluate;
pub mod interrupt;
pub mod points;
pub mod run;
pub mod scenario;
pub mod table;
pub mod trace;

/// The module `negsim._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", negsim::VERSION)?;
    m.add_class::<scenario::Scenario>()?;
    m.add_class::<run::RunFolder>()?;
    m.add_function(wrap_pyfunction!(scenario::load, m)?)?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(trace::trace, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate::evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate::calibrate, m)?)?;
    m.add_class::<calibrate::Holder>()?;
    Ok(())
}
