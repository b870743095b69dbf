//! `trials.csv`: one row per trial (docs/MODEL.md section 5).
//!
//! Columns: `point`, one per varied parameter, `trial`, `outcome`, `end_day`, `end_date`,
//! `collapsed_by`, `actions_done`, `phase.<id>.done_day` per phase (empty when not done),
//! `quantity.<unit>` per unit, `party.<id>.delays` per party, then one column per `--observe`
//! observable not among those (docs/MODEL.md 5.2), in the order given.

use super::observe::Observable;
use super::{Columns, csv_field, push_f64, push_u64};
use crate::engine::{Outcome, TrialResult};
use crate::error::{Error, Result};
use crate::model::Scenario;

/// The header line (with newline).
pub fn header(c: &Columns) -> String {
    let mut cols: Vec<String> = vec!["point".into()];
    cols.extend(c.params.iter().cloned());
    cols.extend(
        [
            "trial",
            "outcome",
            "end_day",
            "end_date",
            "collapsed_by",
            "actions_done",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    cols.extend(c.phases.iter().map(|p| format!("phase.{p}.done_day")));
    cols.extend(c.units.iter().map(|u| format!("quantity.{u}")));
    cols.extend(c.parties.iter().map(|p| format!("party.{p}.delays")));
    cols.extend(c.observe.iter().cloned());
    let mut line = cols
        .iter()
        .map(|s| csv_field(s))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Calendar dates of days `0..=H`, formatted once per point (`YYYY-MM-DD`).
#[derive(Debug, Clone)]
pub struct DateTable {
    dates: Vec<[u8; 10]>,
}

impl DateTable {
    /// Dates of every simulated day of `s`.
    pub fn new(s: &Scenario) -> Self {
        let mut dates = Vec::with_capacity(s.horizon as usize + 1);
        let mut d = s.start;
        for _ in 0..=s.horizon {
            let text = d.format("%Y-%m-%d").to_string();
            let mut b = [b'0'; 10];
            let bytes = text.as_bytes();
            let n = bytes.len().min(10);
            b[..n].copy_from_slice(&bytes[..n]);
            dates.push(b);
            d = d.succ_opt().unwrap_or(d);
        }
        DateTable { dates }
    }

    /// The date of `day`.
    #[inline]
    pub fn get(&self, day: u32) -> &[u8] {
        &self.dates[day as usize]
    }
}

/// Append one row. `prefix` is `point,param,...,` already formatted; `observe` are the
/// `--observe` columns ([`Columns::observables`]), empty for a run without them.
pub fn push_row(
    buf: &mut Vec<u8>,
    prefix: &[u8],
    trial: u64,
    r: &TrialResult,
    s: &Scenario,
    dates: &DateTable,
    observe: &[Observable],
) {
    buf.extend_from_slice(prefix);
    push_u64(buf, trial);
    buf.push(b',');
    buf.extend_from_slice(r.outcome.as_str().as_bytes());
    buf.push(b',');
    push_u64(buf, u64::from(r.end_day));
    buf.push(b',');
    buf.extend_from_slice(dates.get(r.end_day));
    buf.push(b',');
    if let Some(i) = r.collapsed_by {
        buf.extend_from_slice(s.parties[i].id.as_bytes());
    }
    buf.push(b',');
    push_u64(buf, u64::from(r.actions_done));
    for d in &r.phase_done {
        buf.push(b',');
        if let Some(d) = d {
            push_u64(buf, u64::from(*d));
        }
    }
    for q in &r.quantity {
        buf.push(b',');
        push_f64(buf, *q);
    }
    for d in &r.party_delays {
        buf.push(b',');
        push_u64(buf, *d);
    }
    for o in observe {
        buf.push(b',');
        o.push_cell(s, o.eval(s, r), buf);
    }
    buf.push(b'\n');
}

/// A row of `trials.csv` read back: the point, the trial, and its result (per-action
/// records empty; `--observe` columns are not read). Used by `merge` and `report`, which
/// recompute summaries from rows.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    /// Point index.
    pub point: u64,
    /// Parameter values as written.
    pub params: Vec<String>,
    /// Trial index.
    pub trial: u64,
    /// The trial's figures.
    pub result: TrialResult,
}

/// Parse a `trials.csv` record against a layout.
///
/// # Errors
/// [`Error::Refused`] naming the line when a field does not parse.
pub fn parse_row(rec: &csv::StringRecord, c: &Columns, line: u64) -> Result<ParsedRow> {
    let bad = |what: &str| Error::Refused(format!("trials.csv line {line}: bad {what}"));
    let np = c.params.len();
    let want = 1 + np + 6 + c.phases.len() + c.units.len() + c.parties.len() + c.observe.len();
    if rec.len() != want {
        return Err(bad(&format!("row: {} fields, expected {want}", rec.len())));
    }
    let num =
        |i: usize, what: &str| -> Result<u64> { rec[i].parse::<u64>().map_err(|_| bad(what)) };
    let point = num(0, "point")?;
    let params = (0..np).map(|k| rec[1 + k].to_string()).collect();
    let b = 1 + np;
    let trial = num(b, "trial")?;
    let outcome = Outcome::parse(&rec[b + 1]).ok_or_else(|| bad("outcome"))?;
    let end_day = num(b + 2, "end_day")? as u32;
    let collapsed_by = if rec[b + 4].is_empty() {
        None
    } else {
        Some(
            c.parties
                .iter()
                .position(|p| p == &rec[b + 4])
                .ok_or_else(|| bad("collapsed_by"))?,
        )
    };
    let actions_done = num(b + 5, "actions_done")? as u32;
    let mut i = b + 6;
    let mut phase_done = Vec::with_capacity(c.phases.len());
    for _ in &c.phases {
        phase_done.push(if rec[i].is_empty() {
            None
        } else {
            Some(num(i, "phase done_day")? as u32)
        });
        i += 1;
    }
    let mut quantity = Vec::with_capacity(c.units.len());
    for _ in &c.units {
        quantity.push(rec[i].parse::<f64>().map_err(|_| bad("quantity"))?);
        i += 1;
    }
    let mut party_delays = Vec::with_capacity(c.parties.len());
    for _ in &c.parties {
        party_delays.push(num(i, "delays")?);
        i += 1;
    }
    Ok(ParsedRow {
        point,
        params,
        trial,
        result: TrialResult {
            outcome,
            end_day,
            collapsed_by,
            actions_done,
            phase_done,
            quantity,
            party_delays,
            actions: Vec::new(),
        },
    })
}
