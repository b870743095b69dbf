//! `negsim.calibrate(...)`: `negsim calibrate CALIBRATION.toml` from Python, through
//! [`negsim::inference::calibrate`]: the calibration folder written (into `out`, under the
//! run-folder rules, or a temporary folder) and its tables read back as columns.

use crate::error::IntoPy;
use negsim::error::Error;
use negsim::inference::{Calibration, calibrate as run_calibration, with_threads, write};
use negsim::output::RunDir;
use negsim::output::manifest::now;
use negsim::runs::run::cancellable;
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::path::PathBuf;

/// What `calibrate` returns: the folder, the posterior's and the generations' columns, and
/// the holder of a temporary folder.
pub type Calibrated<'py> = (
    String,
    Bound<'py, PyList>,
    Bound<'py, PyList>,
    Option<Holder>,
);

/// Calibrate as `negsim calibrate FILE [--out OUT] [--threads N] [--force]` does. Returns
/// `(folder, posterior columns, generations columns)`; the folder is `out`, or a temporary
/// one (removed when the returned holder is dropped).
#[pyfunction]
#[pyo3(signature = (file, out=None, threads=None, force=false, progress=false))]
pub fn calibrate<'py>(
    py: Python<'py>,
    file: PathBuf,
    out: Option<PathBuf>,
    threads: Option<usize>,
    force: bool,
    progress: bool,
) -> PyResult<Calibrated<'py>> {
    let started_at = now();
    let config = Calibration::load(&file).py()?;
    let (tmp, dir_path) = match out {
        Some(o) => (None, o),
        None => {
            let t = tempfile::Builder::new()
                .prefix("negsim-calibration-")
                .tempdir()
                .map_err(|e| Error::io(std::env::temp_dir(), e))
                .py()?;
            let p = t.path().join("calibration");
            (Some(t), p)
        }
    };
    let dir = RunDir::prepare(&dir_path, force).py()?;
    crate::interrupt::run(py, |flag| {
        let posterior = cancellable(flag, || run_calibration(&config, threads, progress))?;
        let n_threads = threads.unwrap_or_else(rayon::current_num_threads);
        with_threads(threads, || {
            write::write(&config, &posterior, &dir, n_threads, started_at)
        })
    })?
    .py()?;

    drop(dir);
    let read = |name: &str| -> PyResult<Vec<u8>> {
        let p = dir_path.join(name);
        std::fs::read(&p).map_err(|e| Error::io(&p, e)).py()
    };
    // The prior paths are parameters: floats, whatever their names.
    let paths: Vec<String> = config
        .setup
        .priors
        .iter()
        .map(|p| p.path.to_string())
        .collect();
    let post = crate::table::to_py(py, "posterior.csv", &read("posterior.csv")?, &paths)?;
    let gens = crate::table::to_py(py, "generations.csv", &read("generations.csv")?, &[])?;
    Ok((
        dir_path.display().to_string(),
        post,
        gens,
        tmp.map(|t| Holder { _tmp: t }),
    ))
}

/// Keeps a temporary calibration folder for as long as Python holds it.
#[pyclass(module = "negsim._native", frozen)]
pub struct Holder {
    _tmp: tempfile::TempDir,
}
