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

#![no_main]

use libfuzzer_sys::fuzz_target;
use negsim::scenario::{self, Document, Override};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split("\n%%%\n");
    let base = parts.next().unwrap_or("");
    // 1. The loader as the CLI calls it for a plain file.
    let _ = scenario::from_str(base, "fuzz.toml");
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
        let _ = doc.compile();
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
        let _ = doc.compile_with(&overrides);
    }
});
