//! Reports: pictures of a finished run (`negsim report DIR`, `negsim run --report`).
//!
//! [`write_report`] reads a run folder (its `manifest.json`, `points.csv`, `summary.csv` and
//! `trials.csv`) and writes into `DIR/report/` one SVG file per chart and a self-contained
//! `report.html` that inlines them: it needs no network and no JavaScript.
//!
//! The charts, each titled, with labelled axes (calendar dates on time axes) and a legend where
//! there are several series:
//!
//! | file | what it shows | from |
//! |---|---|---|
//! | `outcomes.svg` | shares completed, collapsed, stalled, with Wilson 95% intervals, per point | `summary.csv` |
//! | `process.svg` | trials completed, collapsed and still running by date (stacked) | `trials.csv` |
//! | `phases.svg` | cumulative share of trials with each phase done, by date | `trials.csv` |
//! | `quantity-<unit>.svg` | the distribution of each delivered quantity at the end | `trials.csv` |
//! | `delays.svg` | delays per trial by party: p05..p95 box, median, mean | `summary.csv` |
//! | `walkouts.svg` | the share of trials each party walked out of | `summary.csv` |
//! | `sweep-outcomes.svg`, `sweep-end-date.svg` | one varied parameter: shares and end date against it, with 95% bands | `summary.csv` |
//! | `heatmap-p_completed.svg`, `heatmap-p_collapsed.svg` | two varied parameters on a grid: one cell per point, colour scale | `summary.csv` |
//! | `sweep-marginals.svg` | three or more: one panel per parameter, pooled over the others | `summary.csv` |
//! | `suspended.svg` | model 0.3: suspended days per trial by party, with 95% intervals (only when an action was suspended) | `actions.csv` |
//! | `sweep-completion-by-date.svg` | a sweep: completion curves of up to five points spread over it | `trials.csv` |
//!
//! With a suspension, the page also has a table of lapses by action (see [`suspension`]).
//!
//! A calibration folder (the output of `negsim calibrate`, recognised by its `posterior.csv`)
//! gets a report of its own, see [`calibration`]:
//!
//! | file | what it shows | from |
//! |---|---|---|
//! | `generations.svg` | tolerance and acceptance by generation | `generations.csv` |
//! | `posterior-<path>.svg` | each prior's marginal posterior over the prior, median and 90% interval | `posterior.csv`, `priors.csv` |
//! | `pairs.svg` | pairwise scatter plots of the (up to) four most narrowed parameters | `posterior.csv` |
//! | `predictive-<name>.svg` | each fact's posterior predictive distribution, the observed value marked | `predictive/trials.csv`, `observed.csv` |
//! | `fit.csv` | the fit table: percentiles, predictive medians and 90% intervals, shares within one scale, the joint match rate | `predictive/trials.csv` |
//!
//! In a sweep, the time, quantity and party charts show the first point, and say so in their
//! titles. `trials.csv` is streamed: memory holds counts per day and per distinct quantity,
//! never per trial (see [`read`]).
//!
//! The charts are drawn with `plotters` on its SVG backend; its text is `<text>` elements in a
//! generic sans-serif font, so no font files or system libraries are needed.

pub mod calibration;
pub mod read;

mod draw;
mod html;
mod outcomes;
mod parties;
mod quantities;
pub mod suspension;
mod sweep;
mod timeline;

pub use draw::Chart;
pub use read::{RunData, read_run};

use crate::error::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// The folder, inside a run folder, that a report is written to.
pub const REPORT_DIR: &str = "report";

/// The page's file name.
pub const REPORT_HTML: &str = "report.html";

/// What [`write_report`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSummary {
    /// The report folder (`<run>/report`).
    pub dir: PathBuf,
    /// Every file written, the charts (SVG) in page order, then `report.html`.
    pub files: Vec<PathBuf>,
    /// The page.
    pub html: PathBuf,
    /// How many charts.
    pub charts: usize,
    /// For a calibration folder, its fit table as Markdown (see [`calibration::fit`]).
    pub fit_markdown: Option<String>,
}

/// Every chart of a run, in page order.
///
/// # Errors
/// [`Error::Refused`] if a chart cannot be drawn.
pub fn charts(run: &RunData) -> Result<Vec<Chart>> {
    let mut out = vec![outcomes::chart(run)?];
    out.extend(sweep::charts(run)?);
    if run.overlays.len() > 1 {
        out.push(timeline::overlay_chart(run)?);
    }
    out.push(timeline::process_chart(run)?);
    if !run.phases.is_empty() {
        out.push(timeline::phases_chart(run)?);
    }
    for (k, file) in quantities::file_names(&run.units).into_iter().enumerate() {
        out.push(quantities::chart(run, k, file)?);
    }
    if !run.parties.is_empty() {
        out.push(parties::delays_chart(run)?);
        out.push(parties::walkouts_chart(run)?);
    }
    if let Some(s) = &run.suspension {
        out.extend(suspension::chart(run, s)?);
    }
    Ok(out)
}

/// Write `name` into `dir` under a temporary name, then rename it.
fn write_file(dir: &Path, name: &str, text: &str) -> Result<PathBuf> {
    let tmp = dir.join(format!(".{name}.partial"));
    let to = dir.join(name);
    fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, &to).map_err(|e| Error::io(&to, e))?;
    Ok(to)
}

/// Remove the charts and page of an earlier report, so none of its charts outlives it.
fn clear_old(dir: &Path) -> Result<()> {
    // Refused before anything is removed: a file the user put in `report/` stays.
    if let Some(f) = crate::output::rundir::foreign_in_report(dir)? {
        return Err(Error::Refused(format!(
            "{} holds `{f}`, which negsim report did not write: the report replaces only a folder of its own; move that file (or the folder) away",
            dir.display()
        )));
    }
    let entries = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut marker = None;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if entry.file_name() == crate::output::rundir::REPORT_MARKER {
            // Removed last: until then the folder still reads as a report.
            marker = Some(entry.path());
            continue;
        }
        let p = entry.path();
        fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
    }
    if let Some(p) = marker {
        fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

/// Write `report/`'s marker before anything else of a report: the names of the files about
/// to be written, so that the folder reads as negsim's at every moment (a report killed
/// halfway leaves only files its marker lists, and is replaced by the next) and nothing else
/// in it is ever taken for its own.
fn write_marker<'a>(dir: &Path, names: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let mut text = String::new();
    for n in names {
        text += n;
        text.push('\n');
    }
    write_file(dir, crate::output::rundir::REPORT_MARKER, &text).map(|_| ())
}

/// Read the finished run in `run_dir` and write its report into `run_dir/report/`: one SVG
/// file per chart and `report.html`, which inlines them all. An earlier report there is
/// replaced. A calibration folder (one holding `posterior.csv`) gets the calibration report
/// of [`calibration`], with `fit.csv`, and its fit table in [`ReportSummary::fit_markdown`].
///
/// ```no_run
/// let summary = negsim::report::write_report(std::path::Path::new("output/second-phase-2007"))?;
/// println!("{} charts; open {}", summary.charts, summary.html.display());
/// # Ok::<(), negsim::Error>(())
/// ```
///
/// # Errors
/// [`Error::Refused`] when `run_dir` holds no finished run (no `manifest.json`) or its files
/// do not have the layout negsim writes; [`Error::Io`] when reading or writing fails.
pub fn write_report(run_dir: &Path) -> Result<ReportSummary> {
    if calibration::is_calibration(run_dir) {
        return calibration::write(run_dir);
    }
    let run = read_run(run_dir)?;
    let charts = charts(&run)?;
    let dir = run_dir.join(REPORT_DIR);
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    clear_old(&dir)?;
    write_marker(
        &dir,
        charts.iter().map(|c| c.file.as_str()).chain([REPORT_HTML]),
    )?;
    let mut files = Vec::with_capacity(charts.len() + 1);
    for c in &charts {
        files.push(write_file(&dir, &c.file, &c.svg)?);
    }
    let html = write_file(&dir, REPORT_HTML, &html::page(&run, &charts))?;
    files.push(html.clone());
    Ok(ReportSummary {
        dir,
        files,
        html,
        charts: charts.len(),
        fit_markdown: None,
    })
}
