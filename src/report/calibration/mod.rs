//! The report of a calibration folder (`negsim report DIR` on the output of `negsim
//! calibrate`, docs/MODEL.md 6.8, 6.10): charts of the posterior against the priors and of the
//! posterior predictive run against the record, a fit table, and a self-contained page.
//!
//! | file | what it shows | from |
//! |---|---|---|
//! | `posterior-<path>.svg` | one prior's marginal posterior (weighted histogram) over its prior, median and 90% interval marked | `posterior.csv`, `priors.csv` |
//! | `pairs.svg` | pairwise scatter plots of the (up to) four most narrowed parameters, dots sized and shaded by weight | `posterior.csv` |
//! | `predictive-<name>.svg` | one fact's posterior predictive distribution, the observed value marked ("never" as the share of trials in which it did not happen) | `predictive/trials.csv`, `observed.csv` |
//! | `generations.svg` | tolerance and acceptance by generation | `generations.csv` |
//! | `fit.csv` | the fit table (see [`fit`]): per fact, its percentile, predictive median and 90% interval, share within one scale; the joint match rate | `predictive/trials.csv` |
//!
//! `report.html` inlines the charts and the fit table; `ReportSummary::fit_markdown` is the
//! same table for a README (`negsim report` prints it). The folder is verified first (its files against its manifest, and
//! `predictive/` against its own), as a run's is.

pub mod fit;
mod generations;
mod html;
mod pairs;
mod posterior;
mod predictive;
pub mod read;

pub use read::{CalibrationData, is_calibration, read_calibration};

use super::draw::Chart;
use crate::error::{Error, Result};
use std::path::Path;

/// The fit table's file name in the report folder.
pub const FIT_CSV: &str = "fit.csv";

/// `<prefix>-<slug>.svg` for each slug, made unique with `-2`, `-3`... on a collision.
pub(crate) fn unique_names(prefix: &str, slugs: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in slugs {
        let base = format!("{prefix}-{s}");
        let mut name = format!("{base}.svg");
        let mut k = 2;
        while out.contains(&name) {
            name = format!("{base}-{k}.svg");
            k += 1;
        }
        out.push(name);
    }
    out
}

/// Every chart of a calibration, in page order: the generations, the posteriors, the pairs,
/// then the predictive distributions.
///
/// # Errors
/// [`Error::Refused`] if a chart cannot be drawn.
pub fn charts(cal: &CalibrationData) -> Result<Vec<Chart>> {
    let mut out = Vec::new();
    out.extend(generations::chart(cal)?);
    for (k, file) in posterior::file_names(&cal.priors).into_iter().enumerate() {
        out.push(posterior::chart(cal, k, file)?);
    }
    out.extend(pairs::chart(cal)?);
    for (k, file) in predictive::file_names(&cal.fit.facts)
        .into_iter()
        .enumerate()
    {
        out.push(predictive::chart(cal, k, file)?);
    }
    Ok(out)
}

/// Read the calibration in `dir` and write its report into `dir/report/`.
///
/// # Errors
/// As [`read_calibration`]; [`Error::Io`] when writing fails.
pub(crate) fn write(dir: &Path) -> Result<super::ReportSummary> {
    let cal = read_calibration(dir)?;
    let charts = charts(&cal)?;
    let out = dir.join(super::REPORT_DIR);
    std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
    super::clear_old(&out)?;
    super::write_marker(
        &out,
        charts
            .iter()
            .map(|c| c.file.as_str())
            .chain([FIT_CSV, super::REPORT_HTML]),
    )?;
    let mut files = Vec::with_capacity(charts.len() + 2);
    for c in &charts {
        files.push(super::write_file(&out, &c.file, &c.svg)?);
    }
    files.push(super::write_file(&out, FIT_CSV, &cal.fit.csv())?);
    let page = super::write_file(&out, super::REPORT_HTML, &html::page(&cal, &charts))?;
    files.push(page.clone());
    Ok(super::ReportSummary {
        dir: out,
        files,
        html: page,
        charts: charts.len(),
        fit_markdown: Some(cal.fit.markdown(cal.start)),
    })
}
