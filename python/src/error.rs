//! negsim's errors as Python exceptions, in one place: bad input (a scenario, a path, a
//! value) is a `ValueError`, a run folder that may not be written a `FileExistsError`, any
//! other I/O an `OSError`; each carries negsim's message (file, line and column, what
//! would be valid).

use negsim::Error;
use pyo3::PyErr;
use pyo3::exceptions::{PyFileExistsError, PyKeyboardInterrupt, PyOSError, PyValueError};

/// The Python exception for a negsim error.
pub fn to_py(e: Error) -> PyErr {
    let message = e.to_string();
    match e {
        Error::Scenario { .. } | Error::Usage(_) => PyValueError::new_err(message),
        Error::Refused(m) if m == INTERRUPTED => PyKeyboardInterrupt::new_err(m),
        Error::Refused(_) => PyFileExistsError::new_err(message),
        Error::Io { path, source } => PyOSError::new_err((
            source.raw_os_error().unwrap_or(0),
            message,
            path.display().to_string(),
        )),
    }
}

/// The message of a run stopped by [`negsim::runs::run::cancellable`].
pub const INTERRUPTED: &str = "the run was interrupted";

/// `?` on a negsim result inside a Python function.
pub trait IntoPy<T> {
    /// The value, or the error as a Python exception.
    fn py(self) -> pyo3::PyResult<T>;
}

impl<T> IntoPy<T> for negsim::Result<T> {
    fn py(self) -> pyo3::PyResult<T> {
        self.map_err(to_py)
    }
}
