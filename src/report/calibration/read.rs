//! Reading a calibration folder back (docs/MODEL.md 6.8, 6.10): it is verified first (the
//! folder against its manifest, `predictive/` against its own), then `priors.csv`,
//! `observed.csv`, `posterior.csv` and `generations.csv` are read whole (they grow with the
//! particles and generations, never with the trials), and `predictive/trials.csv` is streamed
//! into per-fact counts (see [`super::fit`]): memory holds a count per distinct value, never a
//! row per trial.

use super::fit::{Fact, FactStats, Fit};
use crate::error::{Error, Result};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The posterior predictive run's folder, inside a calibration folder.
pub const PREDICTIVE_DIR: &str = "predictive";

/// The files a calibration report reads from the folder itself (each must be listed, and so
/// verified, in its manifest).
pub const READ_FILES: &[&str] = &[
    "posterior.csv",
    "generations.csv",
    "observed.csv",
    "priors.csv",
];

/// Whether `dir` holds a calibration rather than a run: it has `posterior.csv`.
pub fn is_calibration(dir: &Path) -> bool {
    dir.join("posterior.csv").is_file()
}

/// A prior, from `priors.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorRow {
    /// The sweep path.
    pub path: String,
    /// Log-uniform (else uniform).
    pub log: bool,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl PriorRow {
    /// The coordinate in which the prior is flat: `x`, or `ln x` for a log-uniform one.
    pub fn z(&self, x: f64) -> f64 {
        if self.log {
            x.max(f64::MIN_POSITIVE).ln()
        } else {
            x
        }
    }

    /// The natural value of a coordinate.
    pub fn x(&self, z: f64) -> f64 {
        if self.log { z.exp() } else { z }
    }

    /// The support in the flat coordinate.
    pub fn z_range(&self) -> (f64, f64) {
        (self.z(self.low), self.z(self.high))
    }
}

/// One generation, from `generations.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationRow {
    /// From 0.
    pub generation: u64,
    /// Its tolerance (infinite for generation 0).
    pub tolerance: f64,
    /// Proposals simulated.
    pub proposals: u64,
    /// Particles accepted.
    pub accepted: u64,
    /// Acceptance rate.
    pub acceptance: f64,
    /// Effective sample size.
    pub ess: f64,
    /// Trials so far.
    pub trials: u64,
}

/// A calibration folder, read back for a report.
#[derive(Debug, Clone)]
pub struct CalibrationData {
    /// The folder.
    pub dir: PathBuf,
    /// Its manifest, as JSON (shown as it is, key by key).
    pub manifest: serde_json::Value,
    /// The priors, in file order.
    pub priors: Vec<PriorRow>,
    /// The particles: values in prior order.
    pub values: Vec<Vec<f64>>,
    /// Their weights, normalised to sum to 1.
    pub weights: Vec<f64>,
    /// Their distances.
    pub distances: Vec<f64>,
    /// The generations.
    pub generations: Vec<GenerationRow>,
    /// The facts and how the posterior predictive run fits them.
    pub fit: Fit,
    /// The scenario's start date (day 0), from the predictive run.
    pub start: NaiveDate,
}

impl CalibrationData {
    /// The date of a day number.
    pub fn date(&self, day: f64) -> NaiveDate {
        chrono::Duration::try_days(day.round() as i64)
            .and_then(|dd| self.start.checked_add_signed(dd))
            .unwrap_or(self.start)
    }
}

fn refused(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::Refused(format!("{}: {what}", path.display()))
}

fn open(path: &Path) -> Result<(csv::Reader<std::fs::File>, Vec<String>)> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(f);
    let h = r
        .headers()
        .map_err(|e| refused(path, e))?
        .iter()
        .map(str::to_string)
        .collect();
    Ok((r, h))
}

fn expect_header(path: &Path, h: &[String], want: &[&str]) -> Result<()> {
    if h.len() < want.len() || h[..want.len()] != *want {
        return Err(refused(
            path,
            format!("expected the columns {}", want.join(", ")),
        ));
    }
    Ok(())
}

fn num<T: std::str::FromStr>(path: &Path, line: u64, col: &str, s: &str) -> Result<T> {
    s.parse().map_err(|_| {
        refused(
            path,
            format!("line {line}, column {col}: `{s}` is not a number"),
        )
    })
}

/// Verify the folder and its predictive run, and that the manifest lists every file read.
fn verify_all(dir: &Path) -> Result<()> {
    let hint = "the calibration's files differ from its manifest, so no report is drawn; run the calibration again (--force), or `negsim verify` it";
    crate::output::verify(dir)?.into_result(&dir.display().to_string(), hint)?;
    let listed = listed_files(dir)?;
    for f in READ_FILES {
        if !listed.iter().any(|l| l == f) {
            return Err(Error::Refused(format!(
                "{}: its manifest does not list {f}, so it cannot be verified; no report is drawn (give the folder of a finished `negsim calibrate`)",
                dir.display()
            )));
        }
    }
    let pred = dir.join(PREDICTIVE_DIR);
    if !pred.is_dir() {
        return Err(Error::Refused(format!(
            "{}: no {PREDICTIVE_DIR}/ run (a calibration with predictive_trials = 0), so there is nothing to compare with the record; calibrate with predictive_trials > 0",
            dir.display()
        )));
    }
    crate::output::verify(&pred)?.into_result(&pred.display().to_string(), hint)?;
    Ok(())
}

fn listed_files(dir: &Path) -> Result<Vec<String>> {
    let mp = dir.join("manifest.json");
    let text = std::fs::read_to_string(&mp).map_err(|e| Error::io(&mp, e))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| refused(&mp, format!("not a manifest ({e})")))?;
    Ok(v.get("outputs")
        .and_then(|o| o.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|f| f.get("file").and_then(|x| x.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

fn read_priors(dir: &Path) -> Result<Vec<PriorRow>> {
    let path = dir.join("priors.csv");
    let (mut r, h) = open(&path)?;
    expect_header(&path, &h, &["path", "distribution", "low", "high"])?;
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| refused(&path, e))?;
        let line = i as u64 + 2;
        let log = match &rec[1] {
            "uniform" => false,
            "log_uniform" => true,
            d => {
                return Err(refused(
                    &path,
                    format!("line {line}: distribution `{d}`: expected uniform or log_uniform"),
                ));
            }
        };
        let low: f64 = num(&path, line, "low", &rec[2])?;
        let high: f64 = num(&path, line, "high", &rec[3])?;
        if low.partial_cmp(&high) != Some(std::cmp::Ordering::Less) || (log && low <= 0.0) {
            return Err(refused(
                &path,
                format!("line {line}: [{low}, {high}] is not a valid range"),
            ));
        }
        out.push(PriorRow {
            path: rec[0].to_string(),
            log,
            low,
            high,
        });
    }
    if out.is_empty() {
        return Err(refused(&path, "no priors"));
    }
    Ok(out)
}

fn read_facts(dir: &Path) -> Result<Vec<Fact>> {
    let path = dir.join("observed.csv");
    let (mut r, h) = open(&path)?;
    expect_header(
        &path,
        &h,
        &[
            "name", "kind", "value", "never", "scale", "censored", "source",
        ],
    )?;
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| refused(&path, e))?;
        let line = i as u64 + 2;
        let fact = Fact::from_row(
            &rec[0], &rec[1], &rec[2], &rec[3], &rec[4], &rec[5], &rec[6],
        )
        .map_err(|m| refused(&path, format!("line {line}: {m}")))?;
        out.push(fact);
    }
    if out.is_empty() {
        return Err(refused(&path, "no observed facts"));
    }
    Ok(out)
}

type Particles = (Vec<Vec<f64>>, Vec<f64>, Vec<f64>);

fn read_posterior(dir: &Path, priors: &[PriorRow]) -> Result<Particles> {
    let path = dir.join("posterior.csv");
    let (mut r, h) = open(&path)?;
    let mut want: Vec<&str> = priors.iter().map(|p| p.path.as_str()).collect();
    want.extend(["weight", "distance"]);
    expect_header(&path, &h, &want)?;
    let k = priors.len();
    let (mut values, mut weights, mut distances) = (Vec::new(), Vec::new(), Vec::new());
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| refused(&path, e))?;
        let line = i as u64 + 2;
        let mut v = Vec::with_capacity(k);
        for (j, p) in priors.iter().enumerate() {
            v.push(num::<f64>(&path, line, &p.path, &rec[j])?);
        }
        let w: f64 = num(&path, line, "weight", &rec[k])?;
        if !(w.is_finite() && w >= 0.0) {
            return Err(refused(
                &path,
                format!("line {line}: weight {w} is not >= 0"),
            ));
        }
        values.push(v);
        weights.push(w);
        distances.push(num(&path, line, "distance", &rec[k + 1])?);
    }
    let total: f64 = weights.iter().sum();
    if values.is_empty() || total <= 0.0 {
        return Err(refused(&path, "no particles with weight"));
    }
    for w in &mut weights {
        *w /= total;
    }
    Ok((values, weights, distances))
}

fn read_generations(dir: &Path) -> Result<Vec<GenerationRow>> {
    let path = dir.join("generations.csv");
    let (mut r, h) = open(&path)?;
    let want = [
        "generation",
        "tolerance",
        "proposals",
        "accepted",
        "acceptance",
        "ess",
        "trials",
    ];
    let col = |n: &str| h.iter().position(|c| c == n);
    let cols: Vec<usize> = want
        .iter()
        .map(|n| {
            col(n).ok_or_else(|| {
                refused(
                    &path,
                    format!("no `{n}` column (expected {})", want.join(", ")),
                )
            })
        })
        .collect::<Result<_>>()?;
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| refused(&path, e))?;
        let line = i as u64 + 2;
        let tol = &rec[cols[1]];
        out.push(GenerationRow {
            generation: num(&path, line, "generation", &rec[cols[0]])?,
            tolerance: if tol.eq_ignore_ascii_case("inf") || tol.is_empty() {
                f64::INFINITY
            } else {
                num(&path, line, "tolerance", tol)?
            },
            proposals: num(&path, line, "proposals", &rec[cols[2]])?,
            accepted: num(&path, line, "accepted", &rec[cols[3]])?,
            acceptance: num(&path, line, "acceptance", &rec[cols[4]])?,
            ess: num(&path, line, "ess", &rec[cols[5]])?,
            trials: num(&path, line, "trials", &rec[cols[6]])?,
        });
    }
    Ok(out)
}

/// Stream `predictive/trials.csv` into the facts' counts; returns the start date.
fn read_predictive(dir: &Path, facts: &[Fact]) -> Result<(Vec<FactStats>, u64, u64, NaiveDate)> {
    let path = dir.join(PREDICTIVE_DIR).join("trials.csv");
    let (mut r, h) = open(&path)?;
    let col = |n: &str| h.iter().position(|c| c == n);
    let (Some(end_day), Some(end_date)) = (col("end_day"), col("end_date")) else {
        return Err(refused(&path, "no end_day and end_date columns"));
    };
    let cols: Vec<usize> = facts
        .iter()
        .map(|f| {
            col(&f.name).ok_or_else(|| {
                refused(
                    &path,
                    format!(
                        "no column `{}`: the predictive run must observe every fact of observed.csv",
                        f.name
                    ),
                )
            })
        })
        .collect::<Result<_>>()?;
    let mut stats: Vec<FactStats> = facts.iter().map(|_| FactStats::default()).collect();
    let mut start = None;
    let (mut n, mut joint) = (0u64, 0u64);
    let mut rec = csv::StringRecord::new();
    let mut line = 1u64;
    while r.read_record(&mut rec).map_err(|e| refused(&path, e))? {
        line += 1;
        n += 1;
        if start.is_none() {
            let d: i64 = num(&path, line, "end_day", &rec[end_day])?;
            let date = NaiveDate::parse_from_str(&rec[end_date], "%Y-%m-%d").map_err(|_| {
                refused(
                    &path,
                    format!("line {line}: bad end_date `{}`", &rec[end_date]),
                )
            })?;
            start = chrono::Duration::try_days(d).and_then(|dd| date.checked_sub_signed(dd));
        }
        let mut all = true;
        for ((f, s), &c) in facts.iter().zip(&mut stats).zip(&cols) {
            let within = s
                .add(f, &rec[c])
                .map_err(|m| refused(&path, format!("line {line}, column {}: {m}", f.name)))?;
            all &= within;
        }
        joint += u64::from(all);
    }
    let start = start.ok_or_else(|| refused(&path, "no trials, nothing to report"))?;
    Ok((stats, n, joint, start))
}

/// Read and verify the calibration folder `dir`.
///
/// # Errors
/// [`Error::Refused`] when a file differs from its manifest, the manifest does not list a file
/// the report reads, or a file does not have the layout negsim writes; [`Error::Usage`] when
/// `dir` or `dir/predictive` is not a finished folder; [`Error::Io`].
pub fn read_calibration(dir: &Path) -> Result<CalibrationData> {
    verify_all(dir)?;
    let mp = dir.join("manifest.json");
    let text = std::fs::read_to_string(&mp).map_err(|e| Error::io(&mp, e))?;
    let manifest: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| refused(&mp, format!("not a manifest ({e})")))?;
    let priors = read_priors(dir)?;
    let facts = read_facts(dir)?;
    let (values, weights, distances) = read_posterior(dir, &priors)?;
    let generations = read_generations(dir)?;
    let (stats, n, joint, start) = read_predictive(dir, &facts)?;
    Ok(CalibrationData {
        dir: dir.to_path_buf(),
        manifest,
        priors,
        values,
        weights,
        distances,
        generations,
        fit: Fit::new(facts, stats, n, joint),
        start,
    })
}
