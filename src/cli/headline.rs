//! The figures `negsim run` prints when it finishes, read back from `summary.csv`: for one
//! point its outcome shares with 95% intervals and the median day of completion; for a sweep
//! a small table, one row per point (the first [`MAX_ROWS`]), pointing to `summary.csv` for
//! the rest.

use negsim::error::{Error, Result};
use std::path::Path;

/// The most points the sweep table prints.
pub const MAX_ROWS: u64 = 20;

const OUTCOMES: [&str; 3] = ["p_completed", "p_collapsed", "p_stalled"];

/// `41.2% [40.2, 42.1]`.
fn share(mean: &str, lo: &str, hi: &str) -> String {
    let f = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    format!(
        "{:.1}% [{:.1}, {:.1}]",
        100.0 * f(mean),
        100.0 * f(lo),
        100.0 * f(hi)
    )
}

/// Print the headline of the run in `dir`, which has `points` points.
///
/// # Errors
/// [`Error::Refused`] when `summary.csv` cannot be read.
pub fn print(dir: &Path, points: u64) -> Result<()> {
    let p = dir.join("summary.csv");
    let mut r =
        csv::Reader::from_path(&p).map_err(|e| Error::Refused(format!("{}: {e}", p.display())))?;
    let headers = r
        .headers()
        .map_err(|e| Error::Refused(e.to_string()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(pc), Some(mc), Some(mean), Some(lo), Some(hi), Some(med)) = (
        col("point"),
        col("metric"),
        col("mean"),
        col("ci95_low"),
        col("ci95_high"),
        col("p50"),
    ) else {
        return Ok(());
    };
    if points <= 1 {
        for rec in r.records().flatten() {
            if &rec[pc] != "0" {
                break;
            }
            let m = &rec[mc];
            if OUTCOMES.contains(&m) {
                let f = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
                negsim::note!(
                    "  {:<12} {:>6.1}%  [{:.1}%, {:.1}%]",
                    m,
                    100.0 * f(&rec[mean]),
                    100.0 * f(&rec[lo]),
                    100.0 * f(&rec[hi])
                );
            } else if m == "completed_day" && !rec[med].is_empty() {
                negsim::note!(
                    "  median day of completion (completed trials): {}",
                    &rec[med]
                );
            }
        }
        return Ok(());
    }
    // One row per point: its parameters, then the three outcome shares.
    negsim::note!("  outcome shares by point, with 95% intervals:");
    let params: Vec<&str> = headers.iter().skip(pc + 1).take(mc - pc - 1).collect();
    let mut rows: Vec<Vec<String>> = vec![
        std::iter::once("point".to_string())
            .chain(params.iter().map(|s| s.to_string()))
            .chain(OUTCOMES.iter().map(|s| s.to_string()))
            .collect(),
    ];
    let mut current: Option<Vec<String>> = None;
    for rec in r.records().flatten() {
        let point = &rec[pc];
        if current.as_ref().is_none_or(|c| c[0] != point) {
            if let Some(c) = current.take() {
                rows.push(c);
            }
            if rows.len() as u64 > MAX_ROWS {
                break;
            }
            let mut row = vec![point.to_string()];
            row.extend((pc + 1..mc).map(|i| rec[i].to_string()));
            row.extend(OUTCOMES.iter().map(|_| String::new()));
            current = Some(row);
        }
        if let Some(k) = OUTCOMES.iter().position(|o| *o == &rec[mc])
            && let Some(c) = current.as_mut()
        {
            let at = 1 + params.len() + k;
            c[at] = share(&rec[mean], &rec[lo], &rec[hi]);
        }
    }
    if let Some(c) = current.take()
        && (rows.len() as u64) <= MAX_ROWS
    {
        rows.push(c);
    }
    let cols = rows[0].len();
    let width: Vec<usize> = (0..cols)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let mut line = String::from(" ");
        for (c, cell) in r.iter().enumerate() {
            line.push(' ');
            line.push_str(cell);
            line.extend(std::iter::repeat_n(
                ' ',
                width[c] - cell.chars().count() + 1,
            ));
        }
        negsim::note!("{}", line.trim_end());
    }
    let shown = rows.len() as u64 - 1;
    if points > shown {
        negsim::note!(
            "  ... {} more point{}, see {}",
            points - shown,
            if points - shown == 1 { "" } else { "s" },
            p.display()
        );
    }
    Ok(())
}
