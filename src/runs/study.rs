//! Study files: a whole what-if study as one reviewed TOML file.
//!
//! ```toml
//! [study]
//! scenario = "../second-phase-2007.toml"       # relative to this file
//! with = ["../whatif/japan-joins-assistance.toml"]
//! seed = 2007
//! trials = 20000
//! design = "grid"                              # or "lhs", with points = N
//! vary = ["party.DPRK.compliance=0.3:0.7:5", "party.US.compliance=0.6,0.9"]
//! precision = { p_completed = 0.01 }           # optional: stop early per point
//! precision_batch = 1000
//! actions = false
//! out = "../../output/dprk-us-compliance"      # optional, relative to this file
//! ```
//!
//! `negsim run --study FILE` reads it; any option also given on the command line overrides
//! the study's (a command-line `--vary` replaces the study's list).

use crate::error::{Error, Location, Result};
use crate::scenario::line_col;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `[study]` table.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Study {
    /// Scenario file, relative to the study file.
    pub scenario: Option<PathBuf>,
    /// Overlays, relative to the study file, applied in order.
    #[serde(default)]
    pub with: Vec<PathBuf>,
    /// Master seed.
    pub seed: Option<u64>,
    /// Trials per point (the most, with precision targets).
    pub trials: Option<u64>,
    /// `grid`, `lhs`, or `file:POINTS.csv` (relative to the study file).
    pub design: Option<String>,
    /// Points of an `lhs` design.
    pub points: Option<u64>,
    /// `PATH=VALUES`, as `--vary` takes them.
    #[serde(default)]
    pub vary: Vec<String>,
    /// Metric to half-width targets.
    #[serde(default)]
    pub precision: BTreeMap<String, f64>,
    /// Trials per round of a precision-driven run.
    pub precision_batch: Option<u64>,
    /// Write `actions.csv`.
    pub actions: Option<bool>,
    /// Observables to add to `trials.csv`, as `--observe` takes them (docs/MODEL.md 5.2).
    #[serde(default)]
    pub observe: Vec<String>,
    /// Output folder, relative to the study file.
    pub out: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StudyFile {
    study: Study,
}

/// A study read from a file, with paths made relative to the working directory.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedStudy {
    /// The study file.
    pub path: PathBuf,
    /// Its bytes' SHA-256.
    pub sha256: String,
    /// Its contents, paths resolved.
    pub study: Study,
    /// Where each value is written (line and column): `trials`, `design`, `vary.1` (the
    /// second of the list), `precision.p_completed`, ...
    pub at: BTreeMap<String, (usize, usize)>,
}

impl LoadedStudy {
    /// An error about the value of the study's field `key` (as in [`LoadedStudy::at`]): placed
    /// at its line and column in the study file, and said of the field rather than of the
    /// command-line option that takes the same value (`vary` for `--vary`). Errors that
    /// already name a file (an overlay that cannot be read) are kept as they are.
    pub fn locate(&self, key: &str, e: Error) -> Error {
        let at = |key: &str| {
            self.at
                .get(key)
                .or_else(|| self.at.get(key.split('.').next().unwrap_or(key)))
                .copied()
        };
        let message = match e {
            Error::Usage(m) => m,
            // A scenario error with no position of its own, caused by a value of the study
            // (a sweep point the study's `vary` makes): placed at that value.
            Error::Scenario { location, message } if location.line_col.is_none() => {
                return Error::Scenario {
                    location: Location {
                        file: self.path.display().to_string(),
                        line_col: at(key),
                    },
                    message: format!("{}: {message}", key.split('.').next().unwrap_or(key)),
                };
            }
            other => return other,
        };
        let mut message = message;
        for (flag, field) in [
            ("--vary/--set path", "vary: path"),
            ("--vary ", "vary: "),
            ("--design ", "design = "),
            ("--precision ", "precision: "),
            ("--precision:", "precision:"),
            ("--points", "points"),
            ("--observe ", "observe: "),
        ] {
            if let Some(rest) = message.strip_prefix(flag) {
                message = format!("{field}{rest}");
            }
        }
        // Any other option: `--precision-batch must ...` is the study's `precision_batch`.
        if let Some(rest) = message.strip_prefix("--") {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(rest.len());
            message = format!("{}{}", rest[..end].replace('-', "_"), &rest[end..]);
        }
        let message = message.replace("needs --points N", "needs points = N");
        Error::Scenario {
            location: Location {
                file: self.path.display().to_string(),
                line_col: at(key),
            },
            message,
        }
    }
}

impl LoadedStudy {
    /// An error reading a file the study names at `key` (`scenario`, `with.0`): placed at that
    /// name in the study, the file named in the message. Errors inside the file (with a line
    /// of their own) are kept as they are.
    pub fn locate_file(&self, key: &str, e: Error) -> Error {
        match e {
            Error::Scenario { location, message } if location.line_col.is_none() => {
                Error::Scenario {
                    location: Location {
                        file: self.path.display().to_string(),
                        line_col: self.at.get(key).copied(),
                    },
                    message: format!(
                        "{} = {}: {message}",
                        key.split('.').next().unwrap_or(key),
                        location.file
                    ),
                }
            }
            other => other,
        }
    }
}

/// Where each value of the `[study]` table of `text` is written (see [`LoadedStudy::at`]).
fn positions(text: &str) -> BTreeMap<String, (usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let mut at = BTreeMap::new();
    let Ok(doc) = DeTable::parse(text) else {
        return at;
    };
    let Some((_, study)) = doc
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == "study")
    else {
        return at;
    };
    let DeValue::Table(t) = study.get_ref() else {
        return at;
    };
    for (k, v) in t {
        let key = k.get_ref().to_string();
        at.insert(key.clone(), line_col(text, v.span().start));
        match v.get_ref() {
            DeValue::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    at.insert(format!("{key}.{i}"), line_col(text, x.span().start));
                }
            }
            DeValue::Table(inner) => {
                for (kk, x) in inner {
                    at.insert(
                        format!("{key}.{}", kk.get_ref()),
                        line_col(text, x.span().start),
                    );
                }
            }
            _ => {}
        }
    }
    at
}

/// Read a study file.
///
/// # Errors
/// [`Error::Io`] when it cannot be read; [`Error::Scenario`] when it is missing, not a
/// regular file, too large or not UTF-8 (see [`crate::scenario::read_input`]), and with line
/// and column when it is not a valid study.
pub fn load(path: &Path) -> Result<LoadedStudy> {
    let text = crate::scenario::read_input(path, "study")?;
    let parsed: StudyFile = toml::from_str(&text).map_err(|e| Error::Scenario {
        location: Location {
            file: path.display().to_string(),
            line_col: e.span().map(|s| line_col(&text, s.start)),
        },
        message: crate::scenario::compile::toml_message(&text, &e),
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let rel = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
    let mut study = parsed.study;
    study.scenario = study.scenario.map(rel);
    study.with = study.with.into_iter().map(rel).collect();
    study.out = study.out.map(rel);
    // `design = "file:POINTS.csv"`: the file, like every path, is relative to the study.
    if let Some(f) = study
        .design
        .as_deref()
        .and_then(|d| d.strip_prefix("file:"))
    {
        study.design = Some(format!("file:{}", rel(PathBuf::from(f)).display()));
    }
    Ok(LoadedStudy {
        path: path.to_path_buf(),
        sha256: crate::output::manifest::sha256_hex(text.as_bytes()),
        study,
        at: positions(&text),
    })
}
