//! Reading a finished run back: `manifest.json`, `points.csv`, `summary.csv`, and
//! `trials.csv` streamed into per-day counts (and `actions.csv`, streamed by
//! [`super::suspension`]).
//!
//! Memory does not grow with the number of trials: `trials.csv` is read one record at a time
//! and only counts are kept, one per simulated day (for the outcome and phase curves) and one
//! per distinct delivered quantity, for the point the detailed charts show and a few points a
//! sweep overlays. `summary.csv` holds one row per (point, metric), so it grows with the sweep,
//! never with the trials.
//!
//! `manifest.json` has no start date; it comes from `trials.csv`, whose `end_date` is the start
//! date plus `end_day` days in every row. Nor has it the horizon: the time axes run to the
//! latest `end_day`, which is the horizon as soon as one trial stalled.

use crate::engine::Outcome;
use crate::error::{Error, Result};
use crate::output::{Columns, trials};
use crate::stats::Histogram;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a report shows of `manifest.json`. Read leniently (every field has a default, unknown
/// fields are ignored), so a report can be drawn from a run written by an older or newer negsim.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ManifestView {
    /// negsim's version.
    pub negsim_version: String,
    /// The command line, one argument per entry.
    pub command_line: Vec<String>,
    /// The run's identity, when the manifest records one.
    pub run_id: Option<String>,
    /// The scenario.
    pub scenario: ScenarioView,
    /// Master seed.
    pub seed: u64,
    /// Trials per point.
    pub trials: u64,
    /// The sweep.
    pub sweep: SweepView,
    /// The shard, for a sharded run.
    pub shard: Option<ShardView>,
    /// Shards merged into this run.
    pub merged_from: Vec<String>,
    /// Output files and their data rows.
    pub outputs: Vec<OutputView>,
    /// Threads used.
    pub threads: u64,
    /// When the run started.
    pub started_at: String,
    /// When it finished.
    pub finished_at: String,
}

/// The scenario part of the manifest.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ScenarioView {
    /// `[scenario] name`.
    pub name: String,
    /// `[scenario] title`.
    pub title: String,
    /// `[scenario] source`.
    pub source: String,
    /// The file as given.
    pub file: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Overlays applied, in order.
    pub overlays: Vec<FileView>,
}

/// A file and its hash.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct FileView {
    /// Path as given.
    pub file: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// The sweep part of the manifest.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct SweepView {
    /// `grid` or `lhs`.
    pub design: String,
    /// Varied parameters.
    pub parameters: Vec<ParameterView>,
    /// Number of points.
    pub points: u64,
}

/// One varied parameter.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ParameterView {
    /// Path.
    pub path: String,
    /// Values as given.
    pub spec: String,
}

/// A shard.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ShardView {
    /// Which (from 0).
    pub index: u64,
    /// Of how many.
    pub count: u64,
    /// First (point, trial) pair, as a flat index.
    pub first_pair: u64,
    /// One past the last pair.
    pub end_pair: u64,
}

/// An output file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct OutputView {
    /// File name.
    pub file: String,
    /// Data rows.
    pub rows: u64,
    /// SHA-256 of the file (absent in manifests of negsim 0.2).
    pub sha256: String,
}

/// One metric of one point, as `summary.csv` gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metric {
    /// Trials the metric is over.
    pub n: u64,
    /// Mean (the share, for a proportion).
    pub mean: Option<f64>,
    /// 95% interval (Wilson for a proportion).
    pub ci: Option<(f64, f64)>,
    /// p05, p25, p50, p75, p95.
    pub quantiles: [Option<f64>; 5],
}

/// A point of the run, from `points.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct PointInfo {
    /// Point index.
    pub point: u64,
    /// Parameter values as written, one per varied parameter.
    pub values: Vec<String>,
    /// Trials the point ran.
    pub trials: u64,
}

/// Trials of one point counted by the day they ended, per outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayCounts {
    /// Trials counted.
    pub n: u64,
    /// Completed trials per `end_day`.
    pub completed: Vec<u64>,
    /// Collapsed trials per `end_day`.
    pub collapsed: Vec<u64>,
    /// The latest `end_day` seen: the horizon when a trial stalled.
    pub last_day: u32,
}

fn bump(v: &mut Vec<u64>, day: u32) {
    let i = day as usize;
    if v.len() <= i {
        v.resize(i + 1, 0);
    }
    v[i] += 1;
}

/// Cumulative shares: element `d` is the share of `n` counted on days `0..=d`, for days
/// `0..=last`.
pub fn cumulative_share(per_day: &[u64], n: u64, last: u32) -> Vec<f64> {
    let mut out = Vec::with_capacity(last as usize + 1);
    let mut seen = 0u64;
    for d in 0..=last as usize {
        seen += per_day.get(d).copied().unwrap_or(0);
        out.push(if n == 0 { 0.0 } else { seen as f64 / n as f64 });
    }
    out
}

impl DayCounts {
    /// Count one trial.
    pub fn add(&mut self, outcome: Outcome, end_day: u32) {
        self.n += 1;
        self.last_day = self.last_day.max(end_day);
        match outcome {
            Outcome::Completed => bump(&mut self.completed, end_day),
            Outcome::Collapsed => bump(&mut self.collapsed, end_day),
            Outcome::Stalled => {}
        }
    }
}

/// Everything the detailed charts need about one point.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// Which point.
    pub point: u64,
    /// Outcomes by day.
    pub outcomes: DayCounts,
    /// Per phase, trials whose phase was done on each day.
    pub phase_done: Vec<Vec<u64>>,
    /// Per unit, the delivered quantity at the end of each trial (counts per distinct value).
    pub quantity: Vec<Histogram>,
}

/// A finished run, read back for a report.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The run folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: ManifestView,
    /// Varied parameters, by path.
    pub params: Vec<String>,
    /// The points, in order.
    pub points: Vec<PointInfo>,
    /// `summary.csv`: point -> metric -> figures.
    pub summary: BTreeMap<u64, BTreeMap<String, Metric>>,
    /// Phase ids.
    pub phases: Vec<String>,
    /// Units.
    pub units: Vec<String>,
    /// Party ids.
    pub parties: Vec<String>,
    /// The scenario's start date (day 0).
    pub start: NaiveDate,
    /// The latest `end_day` over all points: the horizon when a trial stalled (a stalled
    /// trial ends at the horizon), else the day the last trial ended.
    pub horizon: u32,
    /// The point the detailed charts show: the first point in `trials.csv`.
    pub detail: Detail,
    /// Points a sweep's overlay charts show, with their outcomes by day.
    pub overlays: Vec<(u64, DayCounts)>,
    /// Rows read from `trials.csv`.
    pub trials_read: u64,
    /// Suspension and lapses from `actions.csv` (model 0.3), when the run has them and some
    /// action was suspended.
    pub suspension: Option<super::suspension::Suspension>,
}

impl RunData {
    /// A metric of a point.
    pub fn metric(&self, point: u64, name: &str) -> Option<&Metric> {
        self.summary.get(&point)?.get(name)
    }

    /// The point's row in `points.csv`.
    pub fn point(&self, point: u64) -> Option<&PointInfo> {
        self.points.iter().find(|p| p.point == point)
    }

    /// The date of a (possibly fractional) day, rounded to the nearest day.
    pub fn date(&self, day: f64) -> NaiveDate {
        let d = day.round() as i64;
        chrono::Duration::try_days(d)
            .and_then(|dd| self.start.checked_add_signed(dd))
            .unwrap_or(self.start)
    }

    /// `DPRK.compliance = 0.2, US.compliance = 1` for a point (empty for a plain run): each
    /// path without its first part when it has three or more (`party.`, `shock.`).
    pub fn short_point_label(&self, point: u64) -> String {
        match self.point(point) {
            Some(p) => self
                .params
                .iter()
                .zip(&p.values)
                .map(|(k, v)| {
                    let short = match k.split_once('.') {
                        Some((_, rest)) if rest.contains('.') => rest,
                        _ => k.as_str(),
                    };
                    format!("{short} = {v}")
                })
                .collect::<Vec<_>>()
                .join(", "),
            None => String::new(),
        }
    }

    /// `party.DPRK.compliance = 0.2, party.US.compliance = 1` for a point (empty for a plain run).
    pub fn point_label(&self, point: u64) -> String {
        match self.point(point) {
            Some(p) => self
                .params
                .iter()
                .zip(&p.values)
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", "),
            None => String::new(),
        }
    }
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    Error::Refused(format!("{}: {e}", path.display()))
}

fn open_csv(path: &Path) -> Result<csv::Reader<std::fs::File>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(csv::ReaderBuilder::new().has_headers(true).from_reader(f))
}

fn headers(path: &Path, r: &mut csv::Reader<std::fs::File>) -> Result<Vec<String>> {
    Ok(r.headers()
        .map_err(|e| csv_err(path, e))?
        .iter()
        .map(str::to_string)
        .collect())
}

fn opt_f64(s: &str, path: &Path, line: u64) -> Result<Option<f64>> {
    if s.is_empty() {
        return Ok(None);
    }
    let x = s.parse::<f64>().map_err(|_| {
        Error::Refused(format!(
            "{} line {line}: `{s}` is not a number",
            path.display()
        ))
    })?;
    // No figure negsim writes is larger: days are at most 1,000,000, quantities add up to
    // at most 1e15 per unit. Beyond it, charts' axes would have no sensible ticks.
    if !(x.is_finite() && x.abs() <= MAX_FIGURE) {
        return Err(Error::Refused(format!(
            "{} line {line}: `{s}` is not a figure negsim writes (finite, at most {MAX_FIGURE:e} in size)",
            path.display()
        )));
    }
    Ok(Some(x))
}

/// The largest figure (in size) a run's files hold: a unit's total quantity.
const MAX_FIGURE: f64 = crate::scenario::compile::MAX_UNIT_TOTAL;

fn read_manifest(dir: &Path) -> Result<ManifestView> {
    let path = dir.join("manifest.json");
    // Not a finished run: bad input, exit 2, as `negsim verify` says of it.
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder: give the output folder of a finished `negsim run`",
            dir.display()
        )));
    }
    if !path.exists() {
        return Err(Error::Usage(format!(
            "{} has no manifest.json, so it does not hold a finished run (a run writes its \
             manifest last); finish the run, or give the output folder of a finished `negsim run`",
            dir.display()
        )));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: not a negsim manifest ({e})", path.display())))
}

fn read_points(dir: &Path) -> Result<(Vec<String>, Vec<PointInfo>)> {
    let path = dir.join("points.csv");
    let mut r = open_csv(&path)?;
    let h = headers(&path, &mut r)?;
    if h.len() < 2 || h[0] != "point" || h[h.len() - 1] != "trials" {
        return Err(Error::Refused(format!(
            "{}: expected the columns point, <parameters>..., trials",
            path.display()
        )));
    }
    let params = h[1..h.len() - 1].to_vec();
    let mut points = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| csv_err(&path, e))?;
        let line = i as u64 + 2;
        let bad =
            |what: &str| Error::Refused(format!("{} line {line}: bad {what}", path.display()));
        if rec.len() != h.len() {
            return Err(bad("row length"));
        }
        points.push(PointInfo {
            point: rec[0].parse().map_err(|_| bad("point"))?,
            values: (1..h.len() - 1).map(|k| rec[k].to_string()).collect(),
            trials: rec[h.len() - 1].parse().map_err(|_| bad("trials"))?,
        });
    }
    if points.is_empty() {
        return Err(Error::Refused(format!("{}: no points", path.display())));
    }
    Ok((params, points))
}

type Summary = BTreeMap<u64, BTreeMap<String, Metric>>;

fn read_summary(dir: &Path) -> Result<Summary> {
    let path = dir.join("summary.csv");
    let mut r = open_csv(&path)?;
    let h = headers(&path, &mut r)?;
    let m = h
        .iter()
        .position(|c| c == "metric")
        .ok_or_else(|| Error::Refused(format!("{}: no `metric` column", path.display())))?;
    if h.len() != m + 11 {
        return Err(Error::Refused(format!(
            "{}: expected metric, n, mean, sd, ci95_low, ci95_high, p05, p25, p50, p75, p95",
            path.display()
        )));
    }
    let mut out: Summary = BTreeMap::new();
    let mut rec = csv::StringRecord::new();
    let mut line = 1u64;
    while r.read_record(&mut rec).map_err(|e| csv_err(&path, e))? {
        line += 1;
        let bad =
            |what: &str| Error::Refused(format!("{} line {line}: bad {what}", path.display()));
        if rec.len() != h.len() {
            return Err(bad("row length"));
        }
        let point: u64 = rec[0].parse().map_err(|_| bad("point"))?;
        let f = |k: usize| opt_f64(&rec[m + k], &path, line);
        let ci = match (f(4)?, f(5)?) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        let metric = Metric {
            n: rec[m + 1].parse().map_err(|_| bad("n"))?,
            mean: f(2)?,
            ci,
            quantiles: [f(6)?, f(7)?, f(8)?, f(9)?, f(10)?],
        };
        // Every figure a run summarises (a day, a count, a quantity, a share) is >= 0, so
        // are its mean and quantiles (only an interval's lower end may fall below 0).
        if metric.mean.is_some_and(|x| x < 0.0)
            || metric.quantiles.iter().flatten().any(|&x| x < 0.0)
        {
            return Err(bad(
                "mean or quantile: below 0, which no figure negsim summarises is",
            ));
        }
        // Its interval is `mean +- 1.96 sd / sqrt(n)`, and figures >= 0 have sd <= mean *
        // sqrt(n), so the lower end is at least -0.96 mean (-2 mean, with room to spare).
        if let Some((lo, _)) = metric.ci
            && lo < -2.0 * metric.mean.unwrap_or(0.0) - 1e-6
        {
            return Err(bad(
                "ci95_low: further below 0 than the interval of figures >= 0 can reach",
            ));
        }
        out.entry(point)
            .or_default()
            .insert(rec[m].to_string(), metric);
    }
    Ok(out)
}

/// The layout of `trials.csv` from its header.
fn trial_columns(path: &Path, h: &[String]) -> Result<Columns> {
    let bad = |what: &str| Error::Refused(format!("{}: {what}", path.display()));
    let t = h
        .iter()
        .position(|c| c == "trial")
        .ok_or_else(|| bad("no `trial` column"))?;
    if h.first().map(String::as_str) != Some("point") {
        return Err(bad("the first column is not `point`"));
    }
    let fixed = [
        "trial",
        "outcome",
        "end_day",
        "end_date",
        "collapsed_by",
        "actions_done",
    ];
    if h.len() < t + fixed.len() || h[t..t + fixed.len()] != fixed {
        return Err(bad(
            "expected trial, outcome, end_day, end_date, collapsed_by, actions_done",
        ));
    }
    let mut c = Columns {
        params: h[1..t].to_vec(),
        phases: Vec::new(),
        units: Vec::new(),
        parties: Vec::new(),
        actions: Vec::new(),
        observe: Vec::new(),
    };
    c.read_header_tail(h[t + fixed.len()..].iter().map(String::as_str))
        .map_err(|m| bad(&m))?;
    Ok(c)
}

/// Up to `k` points spread evenly over the run, first and last included.
pub fn spread(points: &[PointInfo], k: usize) -> Vec<u64> {
    let n = points.len();
    if n <= k {
        return points.iter().map(|p| p.point).collect();
    }
    let mut out: Vec<u64> = (0..k)
        .map(|i| points[(i * (n - 1) + (k - 1) / 2) / (k - 1)].point)
        .collect();
    out.dedup();
    out
}

/// Read a finished run from `dir`.
///
/// # Errors
/// [`Error::Refused`] when `dir` has no `manifest.json` (an unfinished run), a file differs from
/// its manifest (rows or SHA-256), or a file does not have the layout negsim writes; [`Error::Io`] when a file cannot be read.
pub fn read_run(dir: &Path) -> Result<RunData> {
    let manifest = read_manifest(dir)?;
    // Drawn only from files that are what the manifest says they are.
    crate::output::verify(dir)?.into_result(
        &dir.display().to_string(),
        "the run's files differ from its manifest, so no report is drawn; run it again (--force), or `negsim verify` it",
    )?;
    let (params, points) = read_points(dir)?;
    let summary = read_summary(dir)?;

    let path = dir.join("trials.csv");
    let mut r = open_csv(&path)?;
    let h = headers(&path, &mut r)?;
    let cols = trial_columns(&path, &h)?;
    if cols.params != params {
        return Err(Error::Refused(format!(
            "{}: its parameter columns ({}) differ from points.csv's ({})",
            path.display(),
            cols.params.join(", "),
            params.join(", ")
        )));
    }
    let overlay_points = if points.len() > 1 {
        spread(&points, 5)
    } else {
        Vec::new()
    };
    let mut detail = Detail {
        point: points[0].point,
        outcomes: DayCounts::default(),
        phase_done: vec![Vec::new(); cols.phases.len()],
        quantity: vec![Histogram::default(); cols.units.len()],
    };
    let mut overlays: Vec<(u64, DayCounts)> = overlay_points
        .iter()
        .map(|p| (*p, DayCounts::default()))
        .collect();
    let end_date_col = 1 + cols.params.len() + 3;
    let mut start: Option<NaiveDate> = None;
    let mut horizon = 0u32;
    let mut rec = csv::StringRecord::new();
    let mut line = 1u64;
    let mut rows = 0u64;
    while r.read_record(&mut rec).map_err(|e| csv_err(&path, e))? {
        line += 1;
        rows += 1;
        let row = trials::parse_row(&rec, &cols, line)?;
        let res = &row.result;
        // No run writes a day past the longest horizon; the charts count trials per day.
        if i64::from(res.end_day) > crate::scenario::MAX_HORIZON_DAYS {
            return Err(Error::Refused(format!(
                "{} line {line}: end_day {} is past the longest horizon a scenario may have ({} days), so not a day negsim wrote",
                path.display(),
                res.end_day,
                crate::scenario::MAX_HORIZON_DAYS
            )));
        }
        if start.is_none() {
            // The first row: its point is the lowest in the file (rows are in point order),
            // the one the detailed charts show, also for a shard that lacks point 0.
            detail.point = row.point;
            let date = NaiveDate::parse_from_str(&rec[end_date_col], "%Y-%m-%d").map_err(|_| {
                Error::Refused(format!(
                    "{} line {line}: bad end_date `{}`",
                    path.display(),
                    &rec[end_date_col]
                ))
            })?;
            start = chrono::Duration::try_days(i64::from(res.end_day))
                .and_then(|dd| date.checked_sub_signed(dd));
        }
        horizon = horizon.max(res.end_day);
        if row.point == detail.point {
            detail.outcomes.add(res.outcome, res.end_day);
            for (per_day, d) in detail.phase_done.iter_mut().zip(&res.phase_done) {
                if let Some(d) = d {
                    bump(per_day, *d);
                }
            }
            for (hist, q) in detail.quantity.iter_mut().zip(&res.quantity) {
                hist.add(*q);
            }
        }
        if let Some((_, c)) = overlays.iter_mut().find(|(p, _)| *p == row.point) {
            c.add(res.outcome, res.end_day);
        }
    }
    let start = start.ok_or_else(|| {
        Error::Refused(format!("{}: no trials, nothing to report", path.display()))
    })?;
    overlays.retain(|(_, c)| c.n > 0);
    let mut run = RunData {
        dir: dir.to_path_buf(),
        manifest,
        params,
        points,
        summary,
        phases: cols.phases,
        units: cols.units,
        parties: cols.parties,
        start,
        horizon,
        detail,
        overlays,
        trials_read: rows,
        suspension: None,
    };
    run.suspension = super::suspension::read(dir, &run)?;
    Ok(run)
}

#[cfg(test)]
mod tests;
