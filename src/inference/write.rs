//! The calibration folder (docs/MODEL.md 6.8): `posterior.csv`, `generations.csv`,
//! `history.csv` (with history matching), the `predictive/` run and `manifest.json`, written
//! with the run folder's safety ([`RunDir`]: a lock, no overwrite without `--force`, temporary
//! names renamed when complete, SHA-256 in the manifest so that `negsim verify` checks them).
//!
//! The formats are fixed (a report reads them):
//!
//! - `posterior.csv`: one row per final particle, in acceptance order: one column per prior
//!   path (the value the scenario ran with), then `weight` (normalised, summing to 1) and
//!   `distance`.
//! - `generations.csv`: `generation,tolerance,proposals,accepted,acceptance,ess,trials,
//!   outside_prior`; generation 0's tolerance is `inf`; `trials` is cumulative (history
//!   matching included).
//! - `history.csv`: `wave,tolerance,points,kept,threshold`, then `<path>.lo,<path>.hi` per prior:
//!   the region kept after each wave.

use super::{Calibration, Posterior};
use crate::error::{Error, Result};
use crate::output::manifest::{OutputInfo, now};
use crate::output::rundir::PREDICTIVE;
use crate::output::{RunDir, csv_field, push_f64, push_u64};
use serde::Serialize;
use std::io::Write;

/// `manifest.json` of a calibration folder.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationManifest {
    /// negsim's version.
    pub negsim_version: String,
    /// Always `calibration`.
    pub kind: String,
    /// The command line.
    pub command_line: Vec<String>,
    /// The calibration file and its SHA-256.
    pub calibration: FileHash,
    /// The scenario file and its SHA-256.
    pub scenario: FileHash,
    /// Overlays, in order.
    pub overlays: Vec<FileHash>,
    /// The seed.
    pub seed: u64,
    /// Particles per generation.
    pub particles: usize,
    /// The stop settings.
    pub stop: StopInfo,
    /// Why it stopped: `tolerance`, `min_acceptance`, `max_trials` or `max_generations`.
    pub stop_reason: String,
    /// Complete generations.
    pub generations: usize,
    /// The final tolerance.
    pub final_tolerance: f64,
    /// Trials simulated (the predictive run excluded).
    pub trials: u64,
    /// The predictive run's folder and its number of trials.
    pub predictive: PredictiveInfo,
    /// Files of this folder, with rows and SHA-256.
    pub outputs: Vec<OutputInfo>,
    /// Threads (changes no byte of any output).
    pub threads: usize,
    /// Start, UTC.
    pub started_at: String,
    /// End, UTC.
    pub finished_at: String,
}

/// A file and its hash.
#[derive(Debug, Clone, Serialize)]
pub struct FileHash {
    /// As named.
    pub file: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// The stop settings used.
#[derive(Debug, Clone, Serialize)]
pub struct StopInfo {
    /// Target tolerance.
    pub tolerance: f64,
    /// Minimum acceptance.
    pub min_acceptance: f64,
    /// Trial budget.
    pub max_trials: u64,
}

/// The predictive run.
#[derive(Debug, Clone, Serialize)]
pub struct PredictiveInfo {
    /// Its folder, relative to this one.
    pub folder: String,
    /// Its trials (one per posterior draw).
    pub trials: u64,
}

/// The bytes of `posterior.csv`.
pub fn posterior_csv(post: &Posterior) -> Vec<u8> {
    let mut b = Vec::new();
    for p in &post.paths {
        b.extend_from_slice(csv_field(p).as_bytes());
        b.push(b',');
    }
    b.extend_from_slice(b"weight,distance\n");
    for q in &post.particles {
        for v in &q.values {
            push_f64(&mut b, *v);
            b.push(b',');
        }
        push_f64(&mut b, q.weight);
        b.push(b',');
        push_f64(&mut b, q.distance);
        b.push(b'\n');
    }
    b
}

/// The bytes of `generations.csv`.
pub fn generations_csv(post: &Posterior) -> Vec<u8> {
    let mut b =
        b"generation,tolerance,proposals,accepted,acceptance,ess,trials,outside_prior\n".to_vec();
    for g in &post.generations {
        push_u64(&mut b, g.generation);
        b.push(b',');
        push_f64(&mut b, g.tolerance);
        for x in [g.proposals, g.accepted] {
            b.push(b',');
            push_u64(&mut b, x);
        }
        for x in [g.acceptance, g.ess] {
            b.push(b',');
            push_f64(&mut b, x);
        }
        for x in [g.trials, g.outside_prior] {
            b.push(b',');
            push_u64(&mut b, x);
        }
        b.push(b'\n');
    }
    b
}

/// The bytes of `history.csv`.
pub fn history_csv(post: &Posterior) -> Vec<u8> {
    let mut b = b"wave,tolerance,points,kept,threshold".to_vec();
    for p in &post.paths {
        b.extend_from_slice(format!(",{}.lo,{}.hi", csv_field(p), csv_field(p)).as_bytes());
    }
    b.push(b'\n');
    for w in &post.waves {
        push_u64(&mut b, w.wave);
        b.push(b',');
        push_f64(&mut b, w.tolerance);
        for x in [w.points, w.kept] {
            b.push(b',');
            push_u64(&mut b, x);
        }
        b.push(b',');
        push_f64(&mut b, w.threshold);
        for (lo, hi) in &w.region {
            b.push(b',');
            push_f64(&mut b, *lo);
            b.push(b',');
            push_f64(&mut b, *hi);
        }
        b.push(b'\n');
    }
    b
}

fn put(dir: &RunDir, name: &str, bytes: &[u8], rows: u64) -> Result<OutputInfo> {
    let mut f = dir.create(name)?;
    f.write_all(bytes)
        .and_then(|()| f.flush())
        .map_err(|e| Error::io(dir.temp_path(name), e))?;
    drop(f);
    dir.finish(name)?;
    Ok(dir.output(name, rows))
}

/// Write a finished calibration into `dir` (prepared with [`RunDir::prepare`]): its files,
/// the predictive run into `dir/predictive/`, then the manifest.
///
/// # Errors
/// [`Error::Io`]; the error of a predictive draw that does not compile.
pub fn write(
    c: &Calibration,
    post: &Posterior,
    dir: &RunDir,
    threads: usize,
    started_at: String,
) -> Result<()> {
    let mut outputs = vec![
        put(
            dir,
            "posterior.csv",
            &posterior_csv(post),
            post.particles.len() as u64,
        )?,
        put(
            dir,
            "generations.csv",
            &generations_csv(post),
            post.generations.len() as u64,
        )?,
    ];
    if c.setup.history_matching.is_some() {
        outputs.push(put(
            dir,
            "history.csv",
            &history_csv(post),
            post.waves.len() as u64,
        )?);
    }
    if c.predictive_trials > 0 {
        let pdir = RunDir::prepare(&dir.path().join(PREDICTIVE), true)?;
        super::predictive::run(c, post, &pdir, threads)?;
    }
    outputs.push(OutputInfo {
        file: "manifest.json".into(),
        rows: 1,
        sha256: String::new(),
    });
    let hash = |p: &std::path::Path, h: &str| FileHash {
        file: p.display().to_string(),
        sha256: h.to_string(),
    };
    let m = CalibrationManifest {
        negsim_version: env!("CARGO_PKG_VERSION").to_string(),
        kind: "calibration".into(),
        command_line: std::env::args().collect(),
        calibration: FileHash {
            file: c.file.clone(),
            sha256: c.sha256.clone(),
        },
        scenario: hash(&c.scenario_file, &c.scenario_sha256),
        overlays: c.overlays.iter().map(|(p, h)| hash(p, h)).collect(),
        seed: c.setup.seed,
        particles: c.setup.particles,
        stop: StopInfo {
            tolerance: c.setup.stop.tolerance,
            min_acceptance: c.setup.stop.min_acceptance,
            max_trials: c.setup.stop.max_trials,
        },
        stop_reason: post.stop_reason.as_str().into(),
        generations: post.generations.len(),
        final_tolerance: post
            .generations
            .last()
            .map_or(f64::INFINITY, |g| g.tolerance),
        trials: post.trials,
        predictive: PredictiveInfo {
            folder: PREDICTIVE.into(),
            trials: c.predictive_trials,
        },
        outputs,
        threads,
        started_at,
        finished_at: now(),
    };
    let text = serde_json::to_string_pretty(&m)
        .map_err(|e| Error::Usage(format!("cannot write the manifest: {e}")))?;
    dir.write_manifest_text(&(text + "\n"))
}

/// Prepare `dir` ([`RunDir::prepare`]: refused when it holds a finished or unfinished run,
/// unless `force`) and [`write`](fn@write) a calibration into it: the call for a caller without the
/// command line (the Python package).
///
/// # Errors
/// As [`RunDir::prepare`] and [`write`](fn@write).
pub fn write_folder(
    c: &Calibration,
    post: &Posterior,
    dir: &std::path::Path,
    force: bool,
) -> Result<()> {
    let started_at = now();
    let d = RunDir::prepare(dir, force)?;
    write(c, post, &d, rayon::current_num_threads(), started_at)
}
