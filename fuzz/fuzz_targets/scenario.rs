//! Fuzz target: arbitrary bytes through the scenario loader, overlays and `--set` overrides.
//!
//! The input is read as UTF-8 (other bytes are dropped: the loader only ever sees text) and
//! cut at lines `%%%` into up to three parts:
//!
//! 1. a scenario file, compiled with `negsim::scenario::from_str`;
//! 2. an optional what-if overlay, applied with `Document::apply_overlay`;
//! 3. optional `PATH=VALUE` lines, each parsed as a `--set` override.
//!
//! Any result is fine except a panic (or a hang, or running out of memory): the rule of
//! the codebase is that no input makes negsim panic.
//!
//! Every scenario that compiles (when small enough to run quickly) also runs a few trials
//! through the skip-ahead engine, with and without per-action records, under a recording
//! observer (what `negsim trace` uses), and through the literal engine. cargo-fuzz builds
//! with debug assertions, so each of the skip-ahead engine's unchecked table reads is
//! checked here (`src/engine/table.rs`), on scenarios no test wrote.

#![no_main]

use libfuzzer_sys::fuzz_target;
use negsim::Scenario;
use negsim::engine::literal::LiteralTrial;
use negsim::engine::{Recorder, Trial, TrialResult};
use negsim::rng;
use negsim::scenario::{self, Document, Override};

/// A few trials of `s` through both engines, when it is small enough to run quickly (the
/// literal engine visits every day of every party).
fn run_trials(s: &Scenario) {
    if s.horizon > 3000 || s.actions.len() > 60 || s.parties.len() > 16 {
        return;
    }
    let master = rng::master(7);
    let mut trial = Trial::new(s);
    let mut out = TrialResult::new(s);
    for t in 0..3 {
        trial.keep_action_records(t != 1);
        trial.run(&master, t, &mut out);
        assert!(out.end_day <= s.horizon);
    }
    let mut rec = Recorder::default();
    trial.run_observed(&master, 0, &mut out, &mut rec);
    let literal = LiteralTrial::new(s);
    for t in 0..2 {
        let r = literal.run(&master, t);
        assert!(r.end_day <= s.horizon);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split("\n%%%\n");
    let base = parts.next().unwrap_or("");
    // 1. The loader as the CLI calls it for a plain file, and the trials of what it compiles.
    if let Ok(s) = scenario::from_str(base, "fuzz.toml") {
        run_trials(&s);
    }
    let overlay = parts.next();
    let sets = parts.next();
    if overlay.is_none() && sets.is_none() {
        return;
    }
    let Ok(mut doc) = Document::from_text("fuzz.toml", base) else {
        return;
    };
    // 2. An overlay, then a compile.
    if let Some(overlay) = overlay {
        if doc.apply_overlay("overlay.toml", overlay).is_err() {
            return;
        }
        if let Ok(s) = doc.compile() {
            run_trials(&s);
        }
    }
    // 3. `--set PATH=VALUE` overrides, checked and applied as the CLI does.
    if let Some(sets) = sets {
        let overrides: Vec<Override> = sets
            .lines()
            .filter_map(|l| Override::parse(l).ok())
            .take(8)
            .collect();
        for o in &overrides {
            let _ = doc.check_path(&o.path);
            let _ = doc.value_at(&o.path);
        }
        if let Ok(s) = doc.compile_with(&overrides) {
            run_trials(&s);
        }
    }
});
