//! The engine runs without the GIL on a thread of its own while the calling thread waits
//! for it, checking for Ctrl-C (Python's signal handlers) every 50 ms: on an interrupt the
//! run's cancel flag is set, the runner stops at its next window of batches, and the
//! `KeyboardInterrupt` is raised once it has.

use pyo3::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Run `work` (given the cancel flag it must poll) without the GIL, interruptibly.
///
/// # Errors
/// The `KeyboardInterrupt` (or other exception) a signal handler raised; otherwise `work`'s
/// own result is returned as it is.
pub fn run<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(&Arc<AtomicBool>) -> T + Send,
) -> PyResult<T> {
    let flag = Arc::new(AtomicBool::new(false));
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        let f = Arc::clone(&flag);
        s.spawn(move || {
            let _ = tx.send(work(&f));
        });
        let mut rx = rx;
        loop {
            // The receiver goes into the GIL-free wait and comes back (it is Send, not Sync).
            let (back, got) = py.detach(move || {
                let got = rx.recv_timeout(Duration::from_millis(50));
                (rx, got)
            });
            rx = back;
            match got {
                Ok(v) => return Ok(v),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(
                        "negsim: the run's thread stopped without a result",
                    ));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(e) = py.check_signals() {
                        flag.store(true, Ordering::Relaxed);
                        // Wait for the run to stop (it checks the flag between windows).
                        let _ = py.detach(move || rx.recv());
                        return Err(e);
                    }
                }
            }
        }
    })
}
