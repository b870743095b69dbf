//! `points.csv`: each point of a sweep with its parameters (one row for a plain run).
//!
//! Columns: `point`, one per varied parameter, `trials` (how many trials the point ran).

use super::{Columns, csv_field, push_u64};

/// The header line (with newline).
pub fn header(c: &Columns) -> String {
    let mut cols: Vec<String> = vec!["point".into()];
    cols.extend(c.params.iter().cloned());
    cols.push("trials".into());
    let mut line = cols
        .iter()
        .map(|s| csv_field(s))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Append one point's row. `prefix` is `point,param,...,`.
pub fn push_row(buf: &mut Vec<u8>, prefix: &[u8], trials: u64) {
    buf.extend_from_slice(prefix);
    push_u64(buf, trials);
    buf.push(b'\n');
}
