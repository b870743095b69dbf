//! Stopping a run from outside: an embedding program (the Python package) sets a flag, and
//! the run stops at its next window of batches with an error, renaming nothing into place.

use std::sync::Arc;

thread_local! {
    /// The cancel flag of the run on this thread, set by [`cancellable`].
    static CANCEL: std::cell::RefCell<Option<Arc<std::sync::atomic::AtomicBool>>> =
        const { std::cell::RefCell::new(None) };
}

/// Run `f` (which calls [`execute`](super::execute) on this thread) so that setting `flag` stops the run at
/// its next window of batches with an error: how an embedding program (the Python package)
/// lets Ctrl-C interrupt a long run. Nothing is renamed into place by a stopped run.
pub fn cancellable<R>(flag: &Arc<std::sync::atomic::AtomicBool>, f: impl FnOnce() -> R) -> R {
    let previous = CANCEL.with(|c| c.replace(Some(Arc::clone(flag))));
    let out = f();
    CANCEL.with(|c| *c.borrow_mut() = previous);
    out
}

/// Whether the run on this thread was cancelled (see [`cancellable`]).
pub fn cancelled() -> bool {
    CANCEL.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
    })
}

/// The cancel flag of the run on this thread, if [`cancellable`] set one: for work that
/// moves to another thread (a pool of its own) and must carry the flag there.
pub fn cancel_flag() -> Option<Arc<std::sync::atomic::AtomicBool>> {
    CANCEL.with(|c| c.borrow().clone())
}
