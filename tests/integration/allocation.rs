//! The engine allocates nothing per trial once a [`Trial`]'s buffers have grown: memory and
//! allocator traffic do not grow with the number of trials (the performance issue's "no
//! allocation per trial").
//!
//! A counting global allocator counts allocations made on the current thread only, so the
//! other tests running in parallel do not disturb the count.

use negsim::engine::{Trial, TrialResult};
use negsim::rng;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn trials_allocate_nothing_once_warm() {
    for text in [
        negsim::scenario::DEFAULT_SCENARIO,
        include_str!("../../scenarios/communique-july-2007.toml"),
        include_str!("../../scenarios/whatif/banking-dispute-recurs.toml"),
    ] {
        let s = match negsim::scenario::from_str(text, "s.toml") {
            Ok(s) => s,
            // An overlay is not a scenario on its own: skip it.
            Err(_) => continue,
        };
        let master = rng::master(11);
        let mut trial = Trial::new(&s);
        let mut r = TrialResult::new(&s);
        // Warm up: buffers grow to the largest size these trials need.
        for k in 0..2_000 {
            trial.run(&master, k, &mut r);
        }
        let before = allocations();
        for k in 2_000..7_000 {
            trial.run(&master, k, &mut r);
        }
        assert_eq!(
            allocations() - before,
            0,
            "{}: allocations in 5,000 trials",
            s.name
        );
    }
}
