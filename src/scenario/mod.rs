//! Scenario files: reading, overlaying, overriding and validating them (docs/MODEL.md section 3).
//!
//! A [`Document`] is a scenario file as text plus what was layered on it: what-if overlays
//! (`--with CHANGES.toml`, matched by id) and field overrides by path (`--vary`, `--set`).
//! [`Document::compile`] validates it into a [`Scenario`]; nothing unvalidated reaches the
//! engine. Errors in the file itself carry its line and column; errors that only an override
//! causes name the override instead.
//!
//! ```
//! let text = r#"
//! [scenario]
//! name = "tiny"
//! start = "2007-10-03"
//! horizon_days = 100
//!
//! [[party]]
//! id = "A"
//! [[party]]
//! id = "B"
//!
//! [[phase]]
//! id = "p"
//!
//! [[action]]
//! id = "x"
//! party = "A"
//! phase = "p"
//! "#;
//! let scenario = negsim::scenario::from_str(text, "tiny.toml").unwrap();
//! assert_eq!(scenario.parties.len(), 2);
//! assert_eq!(scenario.horizon, 100);
//! ```

pub mod compile;
mod origin;
pub mod path;
pub mod raw;

pub use compile::{BestCase, MAX_HORIZON_DAYS, best_case, line_col};
pub use path::{Override, ParamPath};

use crate::error::{Error, Location, Result};
use crate::model::Scenario;
use compile::Ctx;
use std::path::Path;

/// The bundled default scenario, compiled into the binary so `negsim run` works anywhere.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/second-phase-2007.toml");
/// The file name the bundled default is reported under.
pub const DEFAULT_SCENARIO_FILE: &str = "scenarios/second-phase-2007.toml";

/// Compile scenario text; `label` names it in errors.
///
/// # Errors
/// [`Error::Scenario`] with the line and column of the fault.
pub fn from_str(text: &str, label: &str) -> Result<Scenario> {
    Document::from_text(label, text)?.compile()
}

/// Read and compile a scenario file.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Scenario`] when it is not valid.
pub fn load(path: &Path) -> Result<Scenario> {
    Document::open(path)?.compile()
}

/// The largest scenario, overlay or study file negsim reads, in bytes (16 MiB). Real
/// scenarios are a few kilobytes; the limit keeps a wrong path (a log, a disk image) from
/// being read into memory whole.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Read an input file (`what`: "scenario", "overlay", "study") as UTF-8 text, refusing what
/// is not one: a path that does not exist, anything but a regular file (a folder, a fifo,
/// `/dev/zero`), a file over [`MAX_FILE_BYTES`], and bytes that are not UTF-8 (named by the
/// line and column of the first bad byte).
///
/// # Errors
/// [`Error::Scenario`] (exit code 2) for each of those; [`Error::Io`] when a file that is
/// there cannot be read.
pub fn read_input(path: &Path, what: &str) -> Result<String> {
    use std::io::Read;
    let refuse = |line_col: Option<(usize, usize)>, message: String| Error::Scenario {
        location: crate::error::Location {
            file: path.display().to_string(),
            line_col,
        },
        message,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(refuse(
                None,
                format!("no such file (the {what} file to read)"),
            ));
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file (a device, fifo or socket)"
        };
        return Err(refuse(
            None,
            format!("is {kind}; give a {what} file (TOML)"),
        ));
    }
    let too_big = |n: u64| {
        refuse(
            None,
            format!(
                "is {n} bytes or more; a {what} file is at most {MAX_FILE_BYTES} bytes (16 MiB)"
            ),
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    // Never more than the limit, even if the file grows while it is read.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
        let (line, col) = line_col(prefix, good);
        refuse(
            Some((line, col)),
            format!(
                "byte 0x{:02x} is not valid UTF-8; {what} files are UTF-8 text",
                bytes[good]
            ),
        )
    })
}

/// A scenario file, with any overlays applied, ready to compile (possibly many times, once
/// per sweep point).
#[derive(Debug, Clone)]
pub struct Document {
    label: String,
    /// The original text of the base file.
    base_text: String,
    /// The base file with overlays applied, as a TOML table.
    table: toml::Table,
    /// Labels of the overlays applied, in order.
    overlays: Vec<String>,
    /// Their texts, to take an error in the merged document back to the file that wrote it.
    overlay_texts: Vec<String>,
}

impl Document {
    /// Read a scenario file.
    ///
    /// # Errors
    /// As [`Document::from_text`], or [`Error::Io`].
    pub fn open(path: &Path) -> Result<Self> {
        let text = read_input(path, "scenario")?;
        Self::from_text(&path.display().to_string(), &text)
    }

    /// Parse scenario text. Syntax, unknown keys and types are checked here, with positions.
    ///
    /// # Errors
    /// [`Error::Scenario`] for a TOML syntax error, an unknown key or a wrong type.
    pub fn from_text(label: &str, text: &str) -> Result<Self> {
        let ctx = Ctx {
            label,
            text: Some(text),
        };
        compile::parse(&ctx, text)?;
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ctx.err(e.span(), e.message().to_string()))?;
        Ok(Document {
            label: label.to_string(),
            base_text: text.to_string(),
            table,
            overlays: Vec::new(),
            overlay_texts: Vec::new(),
        })
    }

    /// The label of the base file.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The base file's text (what the manifest hashes).
    pub fn base_text(&self) -> &str {
        &self.base_text
    }

    /// Labels of the overlays applied so far.
    pub fn overlays(&self) -> &[String] {
        &self.overlays
    }

    /// Apply a what-if overlay: tables matched by id replace the fields they give; new ids
    /// are added (docs/MODEL.md section 3).
    ///
    /// # Errors
    /// [`Error::Scenario`] when the overlay is not valid TOML of the scenario format.
    pub fn apply_overlay(&mut self, label: &str, text: &str) -> Result<()> {
        let ctx = Ctx {
            label,
            text: Some(text),
        };
        // Same keys and types as a scenario file (all fields optional there too).
        compile::parse(&ctx, text)?;
        let overlay: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ctx.err(e.span(), e.message().to_string()))?;
        origin::check_overlay_ids(text).map_err(|(span, m)| ctx.err(Some(span), m))?;
        path::merge_overlay(&mut self.table, &overlay).map_err(|m| ctx.err(None, m))?;
        self.overlays.push(label.to_string());
        self.overlay_texts.push(text.to_string());
        Ok(())
    }

    /// Read and apply an overlay file.
    ///
    /// # Errors
    /// As [`Document::apply_overlay`], or [`Error::Io`].
    pub fn apply_overlay_file(&mut self, path: &Path) -> Result<()> {
        let text = read_input(path, "overlay")?;
        self.apply_overlay(&path.display().to_string(), &text)
    }

    /// Compile the document as it stands.
    ///
    /// # Errors
    /// [`Error::Scenario`] naming the fault.
    pub fn compile(&self) -> Result<Scenario> {
        self.compile_with(&[])
    }

    /// Compile with field overrides applied (a sweep point, or `--set`).
    ///
    /// # Errors
    /// [`Error::Usage`] for a path that names nothing; [`Error::Scenario`] for a value the
    /// scenario rules reject: at the line and column of the file that wrote it (the base or
    /// the overlay that last set it), or naming the overrides when only they cause it.
    pub fn compile_with(&self, overrides: &[Override]) -> Result<Scenario> {
        if overrides.is_empty() && self.overlays.is_empty() {
            let ctx = Ctx {
                label: &self.label,
                text: Some(&self.base_text),
            };
            let raw = compile::parse(&ctx, &self.base_text)?;
            return compile::compile(&ctx, &raw);
        }
        let mut table = self.table.clone();
        for o in overrides {
            path::set(&mut table, &o.path, o.value)?;
        }
        let text = toml::to_string(&table)
            .map_err(|e| Error::Usage(format!("cannot rebuild the scenario: {e}")))?;
        let mut label = self.label.clone();
        for o in &self.overlays {
            label.push_str(&format!(" + {o}"));
        }
        for o in overrides {
            label.push_str(&format!(
                " with {}={}",
                o.path,
                crate::error::short_number(o.value)
            ));
        }
        // Positions in the synthesised text are taken back to a file the user wrote.
        let ctx = Ctx {
            label: &label,
            text: Some(&text),
        };
        compile::parse(&ctx, &text)
            .and_then(|raw| compile::compile(&ctx, &raw))
            .map_err(|e| self.relocate(e, &text, overrides))
    }

    /// An error of the merged document (`merged`, its text) at the file and position that wrote
    /// the value at fault ([`origin`]). When overrides are given, the error is the document's
    /// only if the document alone fails with the same message; otherwise the overrides cause
    /// it, and the error names them and no position.
    fn relocate(&self, e: Error, merged: &str, overrides: &[Override]) -> Error {
        let Error::Scenario { location, message } = e else {
            return e;
        };
        if !overrides.is_empty() {
            // The document's own fault only when it fails alone with the same words: an
            // override may replace a bad value of a file (and a file's fault its value).
            if let Err(Error::Scenario {
                location: at,
                message: alone,
            }) = self.compile_with(&[])
                && alone == message
            {
                return Error::Scenario {
                    location: at,
                    message,
                };
            }
            return Error::Scenario {
                location: Location {
                    file: location.file,
                    line_col: None,
                },
                message,
            };
        }
        // The fault is in the first file with which the scenario fails with these words, or
        // in one before it: a later overlay that only names the same entry is not to blame.
        let first_failing = (0..self.overlays.len())
            .find(|&k| self.first_files_fail_with(k, &message))
            .unwrap_or(self.overlays.len());
        let layers: Vec<(&str, &str)> =
            std::iter::once((self.label.as_str(), self.base_text.as_str()))
                .chain(
                    self.overlays
                        .iter()
                        .zip(&self.overlay_texts)
                        .map(|(l, t)| (l.as_str(), t.as_str())),
                )
                .take(first_failing + 1)
                .collect();
        let found = location
            .line_col
            .and_then(|at| origin::locate(merged, at, &layers));
        Error::Scenario {
            location: found.unwrap_or(Location {
                file: location.file,
                line_col: None,
            }),
            message,
        }
    }

    /// Whether the base file with only its first `k` overlays fails to compile with `message`.
    fn first_files_fail_with(&self, k: usize, message: &str) -> bool {
        let Ok(mut d) = Document::from_text(&self.label, &self.base_text) else {
            return false;
        };
        for (label, text) in self.overlays.iter().zip(&self.overlay_texts).take(k) {
            if d.apply_overlay(label, text).is_err() {
                return false;
            }
        }
        matches!(d.compile(), Err(Error::Scenario { message: m, .. }) if m == message)
    }

    /// Check that a path names a numeric field of this document, without setting it.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the path and listing valid ones near it.
    pub fn check_path(&self, path: &ParamPath) -> Result<()> {
        let mut t = self.table.clone();
        let current = path::get(&t, path)?;
        path::set(&mut t, path, current.unwrap_or(0.0))
    }

    /// Whether the field a path names takes whole days (so sampled values are rounded).
    pub fn is_whole(&self, path: &ParamPath) -> bool {
        path::is_whole(&self.table, path)
    }

    /// The current value at a path (when the file sets it).
    ///
    /// # Errors
    /// [`Error::Usage`] for a path that names nothing.
    pub fn value_at(&self, path: &ParamPath) -> Result<Option<f64>> {
        path::get(&self.table, path)
    }

    /// Every numeric path this document offers (for help and error messages).
    pub fn paths(&self) -> Vec<String> {
        path::all_paths(&self.table)
    }
}
