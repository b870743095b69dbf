//! Outputs (DESIGN.md section 5): one file per format, written under temporary names in the
//! run folder and renamed when complete; `manifest.json` last.
//!
//! A folder that holds `manifest.json` holds a finished run and is never overwritten without
//! `--force`; a folder with CSV files but no manifest holds an unfinished run, also kept
//! unless `--force` is given.

pub mod actions;
pub mod columns;
pub mod manifest;
pub mod points;
pub mod summary;
pub mod trials;

pub use columns::Columns;
pub use manifest::Manifest;

use crate::error::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// The files a run may write, in the order they are listed in the manifest.
pub const RUN_FILES: &[&str] = &[
    "trials.csv",
    "summary.csv",
    "points.csv",
    "actions.csv",
    "manifest.json",
];

/// A run folder being written.
#[derive(Debug)]
pub struct RunDir {
    dir: PathBuf,
}

impl RunDir {
    /// Prepare `dir` for a run: create it, and refuse when it holds a run (finished or not)
    /// unless `force`.
    ///
    /// # Errors
    /// [`Error::Refused`] when the folder holds a run and `force` is false; [`Error::Io`].
    pub fn prepare(dir: &Path, force: bool) -> Result<Self> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Refused(format!(
                "{} exists and is not a folder",
                dir.display()
            )));
        }
        let existing: Vec<&str> = RUN_FILES
            .iter()
            .copied()
            .filter(|f| dir.join(f).exists())
            .collect();
        if !existing.is_empty() && !force {
            let what = if existing.contains(&"manifest.json") {
                "a finished run"
            } else {
                "an unfinished run (no manifest.json)"
            };
            return Err(Error::Refused(format!(
                "{} already holds {what} ({}); give --force to replace it, or --out another folder",
                dir.display(),
                existing.join(", ")
            )));
        }
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        if force {
            // The manifest goes first, so a crash from here on leaves an unfinished run.
            for f in RUN_FILES.iter().rev() {
                let p = dir.join(f);
                if p.exists() {
                    fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
                }
            }
            // A report describes the run it was drawn from: it goes with it.
            let report = dir.join("report");
            if report.join("report.html").exists() {
                fs::remove_dir_all(&report).map_err(|e| Error::io(&report, e))?;
            }
        }
        Ok(RunDir {
            dir: dir.to_path_buf(),
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The temporary name a file is written under until complete.
    pub fn temp_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!(".{name}.partial"))
    }

    /// Open `name` for writing under its temporary name.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn create(&self, name: &str) -> Result<std::io::BufWriter<fs::File>> {
        let p = self.temp_path(name);
        let f = fs::File::create(&p).map_err(|e| Error::io(&p, e))?;
        Ok(std::io::BufWriter::with_capacity(1 << 20, f))
    }

    /// Give a completed file its final name.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn finish(&self, name: &str) -> Result<()> {
        let from = self.temp_path(name);
        let to = self.dir.join(name);
        fs::rename(&from, &to).map_err(|e| Error::io(&to, e))
    }
}

/// Append a float the way every negsim CSV writes it: integers without a decimal point,
/// other values in the shortest form that reads back to the same number.
#[inline]
pub fn push_f64(buf: &mut Vec<u8>, x: f64) {
    // Whole and not huge (tested without a libm call to `fract`): print as an integer.
    if x.abs() < 1e15 && (x as i64) as f64 == x {
        let mut b = itoa::Buffer::new();
        buf.extend_from_slice(b.format(x as i64).as_bytes());
    } else {
        use std::io::Write;
        let _ = write!(buf, "{x}");
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
