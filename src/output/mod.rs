//! Outputs (docs/MODEL.md section 5): one file per format, written under temporary names in the
//! run folder and renamed when complete; `manifest.json` last.
//!
//! A folder that holds `manifest.json` holds a finished run and is never overwritten without
//! `--force`; a folder with CSV files but no manifest holds an unfinished run, also kept
//! unless `--force` is given. [`rundir`] guards the folder (one writer, nothing foreign
//! replaced), [`verify`](mod@verify) checks a finished run against its manifest.
//! [`observe`] names every per-trial quantity (docs/MODEL.md 5.2), for `--observe` columns
//! and calibration targets.

pub mod actions;
pub mod columns;
mod floats;
pub mod lock;
pub mod manifest;
pub mod observe;
pub mod points;
pub mod rundir;
pub mod summary;
pub mod trials;
pub mod verify;

pub use columns::Columns;
pub use manifest::Manifest;
pub use rundir::{RUN_FILES, RunDir};
pub use verify::{OutFile, verify};

/// Append a float the way every negsim CSV writes it: integers without a decimal point,
/// other values in the shortest form that reads back to the same number.
#[inline]
pub fn push_f64(buf: &mut Vec<u8>, x: f64) {
    // Whole and not huge (tested without a libm call to `fract`): print as an integer.
    if x.abs() < 1e15 && (x as i64) as f64 == x {
        let mut b = itoa::Buffer::new();
        buf.extend_from_slice(b.format(x as i64).as_bytes());
    } else {
        // `{x}`, from a table of recent values when it holds this one.
        floats::push_display(buf, x);
    }
}

/// Append an unsigned integer.
#[inline]
pub fn push_u64(buf: &mut Vec<u8>, x: u64) {
    let mut b = itoa::Buffer::new();
    buf.extend_from_slice(b.format(x).as_bytes());
}

/// Quote a CSV field when it needs it.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
