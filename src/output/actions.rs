//! `actions.csv` (with `--actions`): one row per (trial, action).
//!
//! Columns: `point`, one per varied parameter, `trial`, `action`, `due_day`, `started_day`,
//! `done_day`, `delays` (summed over the action's actors), `late` (`true` when done after its
//! deadline, or not done and the deadline passed before the trial ended), then the model 0.3
//! columns `suspended_days` (days spent suspended, docs/MODEL.md 2.13) and `lapses` (lapses of its
//! deadline, relapses included, docs/MODEL.md 2.12), appended so the 0.2 columns keep their place.

use super::{Columns, csv_field, push_u64};
use crate::engine::TrialResult;
use crate::model::Scenario;

/// The header line (with newline).
pub fn header(c: &Columns) -> String {
    let mut cols: Vec<String> = vec!["point".into()];
    cols.extend(c.params.iter().cloned());
    cols.extend(
        [
            "trial",
            "action",
            "due_day",
            "started_day",
            "done_day",
            "delays",
            "late",
            "suspended_days",
            "lapses",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let mut line = cols
        .iter()
        .map(|s| csv_field(s))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Append the rows of one trial.
pub fn push_rows(buf: &mut Vec<u8>, prefix: &[u8], trial: u64, r: &TrialResult, s: &Scenario) {
    for (a, rec) in r.actions.iter().enumerate() {
        buf.extend_from_slice(prefix);
        push_u64(buf, trial);
        buf.push(b',');
        buf.extend_from_slice(s.actions[a].id.as_bytes());
        for d in [rec.due_day, rec.started_day, rec.done_day] {
            buf.push(b',');
            if let Some(d) = d {
                push_u64(buf, u64::from(d));
            }
        }
        buf.push(b',');
        push_u64(buf, u64::from(rec.delays));
        buf.push(b',');
        buf.extend_from_slice(if r.late(s, a) { b"true" } else { b"false" });
        buf.push(b',');
        push_u64(buf, u64::from(rec.suspended_days));
        buf.push(b',');
        push_u64(buf, u64::from(rec.lapses));
        buf.push(b'\n');
    }
}
