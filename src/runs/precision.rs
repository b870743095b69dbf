//! Precision targets (`--precision METRIC=HALF_WIDTH`): a run gives each point batches of
//! trials until the 95% interval of each target metric in its `summary.csv` rows is no wider
//! than twice the half-width, deciding only at rounds of `--precision-batch` trials, so that
//! the count of trials, and so the bytes, do not depend on the thread count.

use crate::error::{Error, Result};
use crate::output::Columns;
use crate::output::summary::PointSummary;

/// A precision target: run until the 95% interval of `metric` is no wider than
/// `2 * half_width` at every point.
#[derive(Debug, Clone, PartialEq)]
pub struct Precision {
    /// A metric of `summary.csv` (`p_completed`, `end_day`, `phase.<id>.done_day`, ...).
    pub metric: String,
    /// The largest accepted half-width.
    pub half_width: f64,
}

/// Refuse a precision target on a metric `summary.csv` does not have (checked before the run
/// folder is touched).
///
/// # Errors
/// [`Error::Usage`] naming the metric and the valid ones.
pub fn check_precision(c: &Columns, precision: &[Precision]) -> Result<()> {
    for p in precision {
        let known = PointSummary::new(c)
            .rows(c)
            .into_iter()
            .any(|r| r.metric == p.metric);
        if !known {
            let names: Vec<String> = PointSummary::new(c)
                .rows(c)
                .into_iter()
                .map(|r| r.metric)
                .collect();
            return Err(Error::Usage(format!(
                "--precision: no metric `{}`; metrics are {}",
                p.metric,
                names.join(", ")
            )));
        }
    }
    Ok(())
}

/// Whether every precision target holds for this point's summary so far.
pub fn precise_enough(summ: &PointSummary, c: &Columns, targets: &[Precision]) -> bool {
    let rows = summ.rows(c);
    targets.iter().all(|t| {
        rows.iter()
            .find(|r| r.metric == t.metric)
            .and_then(|r| r.ci95)
            .is_some_and(|(lo, hi)| (hi - lo) / 2.0 <= t.half_width)
    })
}
