//! `manifest.json`: what a run was, written last (docs/MODEL.md section 4).
//!
//! It records the negsim version, the command line, the scenario file's name and SHA-256
//! (and those of any overlays), the seed, the trials, the sweep, the shard, the output files
//! with their row counts and SHA-256, and start and end times. A folder without it is an unfinished run.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// negsim's version.
    pub negsim_version: String,
    /// The command line, one argument per entry.
    pub command_line: Vec<String>,
    /// Identity of the run: SHA-256 of everything that decides its output bytes (version,
    /// scenario and overlay hashes, seed, trials, sweep, precision). Shards of one run share it.
    pub run_id: String,
    /// The scenario.
    pub scenario: ScenarioInfo,
    /// Master seed.
    pub seed: u64,
    /// Trials per point (the most, for a precision-driven run).
    pub trials: u64,
    /// The sweep (a single point with no parameters for a plain run).
    pub sweep: SweepInfo,
    /// Precision targets, when the run was precision-driven.
    pub precision: Option<Vec<PrecisionInfo>>,
    /// Which shard this is, for a sharded run.
    pub shard: Option<ShardInfo>,
    /// The `--observe` columns added to `trials.csv`, by canonical name (docs/MODEL.md 5.2);
    /// absent for a run without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observe: Vec<String>,
    /// Shards merged into this run (for `negsim merge`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    /// Output files and their data rows.
    pub outputs: Vec<OutputInfo>,
    /// Threads used (does not change any output byte).
    pub threads: usize,
    /// When the run started (UTC, RFC 3339).
    pub started_at: String,
    /// When it finished.
    pub finished_at: String,
}

/// Scenario identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// `[scenario] name`.
    pub name: String,
    /// `[scenario] title`.
    pub title: String,
    /// `[scenario] source`.
    pub source: String,
    /// The file as given (or the bundled default's name).
    pub file: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Overlays applied, in order.
    #[serde(default)]
    pub overlays: Vec<FileInfo>,
}

/// A file and its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileInfo {
    /// Path as given.
    pub file: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// The sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepInfo {
    /// `grid`, `lhs` or `file:POINTS.csv`.
    pub design: String,
    /// Varied parameters.
    pub parameters: Vec<ParameterInfo>,
    /// Number of points.
    pub points: u64,
    /// Seed of the sampling design (lhs), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design_seed: Option<u64>,
    /// The study file, when the run came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study: Option<FileInfo>,
    /// The design file of `--design file:POINTS.csv` (docs/MODEL.md 5.3), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design_file: Option<FileInfo>,
}

/// One varied parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterInfo {
    /// Path.
    pub path: String,
    /// As given on the command line or in the study.
    pub spec: String,
}

/// One precision target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecisionInfo {
    /// Metric.
    pub metric: String,
    /// Largest accepted half-width of the 95% interval.
    pub half_width: f64,
    /// Batch size.
    pub batch: u64,
}

/// A shard of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// Which (from 0).
    pub index: u64,
    /// Of how many.
    pub count: u64,
    /// First (point, trial) pair, as a flat index `point * trials + trial`.
    pub first_pair: u64,
    /// One past the last pair.
    pub end_pair: u64,
}

/// An output file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputInfo {
    /// File name in the run folder.
    pub file: String,
    /// Data rows (header excluded).
    pub rows: u64,
    /// SHA-256 of the file's bytes, hex, computed as it was written (absent for the manifest
    /// itself, and in manifests of negsim 0.2).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sha256: String,
}

/// SHA-256 of bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The current time, RFC 3339 UTC, to the second.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
