//! The fit table: how the posterior predictive run (`predictive/trials.csv`, one trial per
//! posterior draw) reproduces each observed fact of `observed.csv`, and all of them at once.
//!
//! Per fact, over the `n` predictive trials:
//!
//! - **percentile**: the share of trials whose value is below the observed one, plus half the
//!   share equal to it (a mid-rank, so a fact in the middle of its distribution reads 50%); a
//!   day that did not happen counts at its censored value, after every day. For a fact observed
//!   as `"never"`, the share of trials in which it did not happen. Words and flags have none.
//! - **median and 90% interval**: the 5th, 50th and 95th percentiles of the value, each the
//!   smallest value whose cumulative share reaches the level (no interpolation, so a day is a
//!   day); a day that did not happen sits at its censored value and reads `never`. A word fact
//!   gives its most frequent value instead.
//! - **within one scale**: the share of trials whose term of the distance (docs/MODEL.md 6.3)
//!   is at most 1 (for a word or a flag: whose value matches), with a Wilson 95% interval.
//!
//! The **joint match rate** is the share of trials within one scale of every fact at once.

use crate::inference::distance::{Side, term};
use crate::output::push_f64;
use crate::report::draw::pct;
use crate::stats::{Histogram, wilson};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The kind of an observed value, as `observed.csv` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    /// A day number (missing when the event did not happen).
    Day,
    /// A count or a quantity.
    Number,
    /// A word.
    Word,
    /// `true` or `false`.
    Flag,
}

/// What was observed.
#[derive(Debug, Clone, PartialEq)]
pub enum Obs {
    /// A day or a number.
    Number(f64),
    /// It did not happen.
    Never,
    /// A word or a flag, as written.
    Word(String),
}

/// One row of `observed.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The observable.
    pub name: String,
    /// Its kind.
    pub kind: FactKind,
    /// What was observed.
    pub observed: Obs,
    /// How far off is one unit of distance.
    pub scale: f64,
    /// The value a missing day enters the distance at.
    pub censored: Option<f64>,
    /// Where the fact comes from.
    pub source: String,
}

/// A trial's value of a fact.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell<'a> {
    Missing,
    Number(f64),
    Word(&'a str),
}

impl Fact {
    /// Read a row of `observed.csv`.
    ///
    /// # Errors
    /// A message naming the field at fault and what would be valid.
    pub fn from_row(
        name: &str,
        kind: &str,
        value: &str,
        never: &str,
        scale: &str,
        censored: &str,
        source: &str,
    ) -> Result<Fact, String> {
        let kind = match kind {
            "day" => FactKind::Day,
            "number" => FactKind::Number,
            "word" => FactKind::Word,
            "flag" => FactKind::Flag,
            k => return Err(format!("kind `{k}`: expected day, number, word or flag")),
        };
        let never = match never {
            "true" => true,
            "false" => false,
            v => return Err(format!("never `{v}`: expected true or false")),
        };
        let observed = if never {
            Obs::Never
        } else {
            match kind {
                FactKind::Day | FactKind::Number => Obs::Number(
                    value
                        .parse()
                        .map_err(|_| format!("value `{value}` of `{name}` is not a number"))?,
                ),
                FactKind::Word | FactKind::Flag => Obs::Word(value.to_string()),
            }
        };
        let scale: f64 = scale
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s > 0.0)
            .ok_or_else(|| format!("scale `{scale}` of `{name}`: expected a number > 0"))?;
        let censored = if censored.is_empty() {
            None
        } else {
            Some(
                censored
                    .parse()
                    .map_err(|_| format!("censored `{censored}` of `{name}` is not a number"))?,
            )
        };
        if kind == FactKind::Day && censored.is_none() {
            return Err(format!("`{name}` is a day: its censored value is missing"));
        }
        Ok(Fact {
            name: name.to_string(),
            kind,
            observed,
            scale,
            censored,
            source: source.to_string(),
        })
    }

    fn numeric(&self) -> bool {
        matches!(self.kind, FactKind::Day | FactKind::Number)
    }

    fn cell<'a>(&self, s: &'a str) -> Result<Cell<'a>, String> {
        if s.is_empty() {
            Ok(Cell::Missing)
        } else if self.numeric() {
            s.parse()
                .map(Cell::Number)
                .map_err(|_| format!("`{s}` is not a number"))
        } else {
            Ok(Cell::Word(s))
        }
    }

    /// The term of the distance for a trial's value (docs/MODEL.md 6.3): the rule of
    /// [`crate::inference::distance::term`], on the CSV cells.
    fn term(&self, v: Cell<'_>) -> f64 {
        let observed = match &self.observed {
            Obs::Number(o) => Side::Number(*o),
            Obs::Never => Side::Missing,
            Obs::Word(o) => Side::Word(o.as_str()),
        };
        let value = match v {
            Cell::Number(x) => Side::Number(x),
            Cell::Missing => Side::Missing,
            Cell::Word(x) => Side::Word(x),
        };
        let cens = self.censored.unwrap_or(f64::INFINITY);
        term(
            observed,
            value,
            self.kind == FactKind::Day,
            cens,
            self.scale,
        )
    }

    /// The observed value for a reader: a date for a day, `never`, the word.
    pub fn observed_text(&self, start: NaiveDate) -> String {
        match &self.observed {
            Obs::Never => "never".into(),
            Obs::Word(w) => w.clone(),
            Obs::Number(x) => self.value_text(*x, start),
        }
    }

    /// A value of this fact for a reader: a day as its date (`never` at the censored value),
    /// a number as it is.
    pub fn value_text(&self, x: f64, start: NaiveDate) -> String {
        match self.kind {
            FactKind::Day if self.censored.is_some_and(|c| x >= c) => "never".into(),
            FactKind::Day => chrono::Duration::try_days(x.round() as i64)
                .and_then(|dd| start.checked_add_signed(dd))
                .map_or_else(|| crate::report::draw::num(x), |d| d.to_string()),
            _ => crate::report::draw::num(x),
        }
    }

    /// A value as `fit.csv` writes it: a number, `never` at a day's censored value.
    fn value_cell(&self, x: f64) -> String {
        if self.kind == FactKind::Day && self.censored.is_some_and(|c| x >= c) {
            return "never".into();
        }
        let mut b = Vec::new();
        push_f64(&mut b, x);
        String::from_utf8(b).unwrap_or_default()
    }
}

/// What the predictive trials gave for one fact: counts only.
#[derive(Debug, Clone, Default)]
pub struct FactStats {
    /// Trials.
    pub n: u64,
    /// Trials in which it did not happen (an empty cell).
    pub missing: u64,
    /// The values of the trials in which it happened (days and numbers).
    pub values: Histogram,
    /// The words (or flags) of the trials in which it happened.
    pub words: BTreeMap<String, u64>,
    /// Trials below the observed value (a missing day at its censored value).
    pub below: u64,
    /// Trials equal to the observed value ("never": missing).
    pub ties: u64,
    /// Trials within one scale.
    pub within: u64,
}

impl FactStats {
    /// Count one trial's cell; returns whether it is within one scale.
    ///
    /// # Errors
    /// When a number fact's cell is not a number.
    pub fn add(&mut self, f: &Fact, cell: &str) -> Result<bool, String> {
        let c = f.cell(cell)?;
        self.n += 1;
        match c {
            Cell::Missing => self.missing += 1,
            Cell::Number(x) => self.values.add(x),
            Cell::Word(w) => *self.words.entry(w.to_string()).or_default() += 1,
        }
        match (&f.observed, c) {
            (Obs::Never, Cell::Missing) => self.ties += 1,
            (Obs::Number(o), _) => {
                let v = match c {
                    Cell::Number(x) => Some(x),
                    Cell::Missing => f.censored.filter(|_| f.kind == FactKind::Day),
                    Cell::Word(_) => None,
                };
                if let Some(v) = v {
                    self.below += u64::from(v < *o);
                    self.ties += u64::from(v == *o);
                }
            }
            (Obs::Word(o), Cell::Word(w)) => self.ties += u64::from(o == w),
            _ => {}
        }
        // A word or a flag is within one scale only when it matches (its mismatch term is 1
        // whatever its scale, docs/MODEL.md 6.3).
        let within = match f.kind {
            FactKind::Word | FactKind::Flag => f.term(c) == 0.0,
            _ => f.term(c) <= 1.0,
        };
        self.within += u64::from(within);
        Ok(within)
    }

    /// The smallest value whose cumulative share reaches `q`, a missing day at its censored
    /// value (missing numbers are left out).
    pub fn quantile(&self, f: &Fact, q: f64) -> Option<f64> {
        let mut v: Vec<(f64, u64)> = self.values.iter().collect();
        if let (FactKind::Day, Some(c)) = (f.kind, f.censored)
            && self.missing > 0
        {
            v.push((c, self.missing));
        }
        let total: u64 = v.iter().map(|x| x.1).sum();
        if total == 0 {
            return None;
        }
        let need = q * total as f64;
        let mut acc = 0u64;
        for (x, k) in &v {
            acc += k;
            if acc as f64 >= need - 1e-9 {
                return Some(*x);
            }
        }
        v.last().map(|x| x.0)
    }
}

/// One row of the fit table.
#[derive(Debug, Clone, PartialEq)]
pub struct FitRow {
    /// Percentile of the observed value (none for words and flags).
    pub percentile: Option<f64>,
    /// Share of trials equal to the observed value ("never": not happened).
    pub share_observed: f64,
    /// p05, p50, p95 (numbers and days).
    pub quantiles: Option<[f64; 3]>,
    /// The most frequent word and its share (words and flags).
    pub mode: Option<(String, f64)>,
    /// Share within one scale.
    pub within: f64,
    /// Its Wilson 95% interval.
    pub within_ci: Option<(f64, f64)>,
}

/// The facts, their counts, and the joint match.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The facts, in `observed.csv` order.
    pub facts: Vec<Fact>,
    /// Their counts.
    pub stats: Vec<FactStats>,
    /// Predictive trials.
    pub n: u64,
    /// Trials within one scale of every fact.
    pub joint: u64,
}

fn share(k: u64, n: u64) -> f64 {
    if n == 0 { 0.0 } else { k as f64 / n as f64 }
}

impl Fit {
    /// Gather the counts.
    pub fn new(facts: Vec<Fact>, stats: Vec<FactStats>, n: u64, joint: u64) -> Self {
        Fit {
            facts,
            stats,
            n,
            joint,
        }
    }

    /// The joint match rate and its Wilson 95% interval.
    pub fn joint_rate(&self) -> (f64, Option<(f64, f64)>) {
        (share(self.joint, self.n), wilson(self.joint, self.n))
    }

    /// The row of fact `k`.
    pub fn row(&self, k: usize) -> FitRow {
        let (f, s) = (&self.facts[k], &self.stats[k]);
        let percentile = match (&f.observed, f.kind) {
            (Obs::Never, _) => Some(share(s.ties, s.n)),
            (_, FactKind::Word | FactKind::Flag) => None,
            _ => Some((s.below as f64 + 0.5 * s.ties as f64) / s.n.max(1) as f64),
        };
        let quantiles = if f.numeric() {
            match (s.quantile(f, 0.05), s.quantile(f, 0.5), s.quantile(f, 0.95)) {
                (Some(a), Some(b), Some(c)) => Some([a, b, c]),
                _ => None,
            }
        } else {
            None
        };
        let mode = s
            .words
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(w, k)| (w.clone(), share(*k, s.n)));
        FitRow {
            percentile,
            share_observed: share(s.ties, s.n),
            quantiles,
            mode: if f.numeric() { None } else { mode },
            within: share(s.within, s.n),
            within_ci: wilson(s.within, s.n),
        }
    }

    /// The table as Markdown (for the README), dates for days.
    pub fn markdown(&self, start: NaiveDate) -> String {
        let mut out = String::from(
            "| observed fact | observed | percentile | predictive median | 90% interval | within one scale |\n|---|---|---:|---|---|---:|\n",
        );
        for (k, f) in self.facts.iter().enumerate() {
            let r = self.row(k);
            let (median, interval) = match (r.quantiles, &r.mode) {
                (Some([a, b, c]), _) => (
                    f.value_text(b, start),
                    format!("{} to {}", f.value_text(a, start), f.value_text(c, start)),
                ),
                (None, Some((w, s))) => (format!("{w} ({})", pct(*s, 0)), String::new()),
                _ => (String::new(), String::new()),
            };
            let _ = writeln!(
                out,
                "| `{}` (scale {}) | {} | {} | {median} | {interval} | {} |",
                f.name,
                crate::report::draw::num(f.scale),
                f.observed_text(start),
                r.percentile.map_or("".into(), |p| pct(p, 1)),
                pct(r.within, 1)
            );
        }
        let (rate, ci) = self.joint_rate();
        let _ = writeln!(
            out,
            "| **every fact at once** (joint match rate) | | | | | **{}**{} |",
            pct_small(rate),
            ci.map_or(String::new(), |(a, b)| format!(
                " (95% {} to {})",
                pct_small(a),
                pct_small(b)
            ))
        );
        let _ = writeln!(
            out,
            "\nOver {} posterior predictive trials. Percentile: share of trials below the observed value plus half the ties (for \"never\": the share in which it did not happen).",
            crate::report::draw::thousands(self.n as f64)
        );
        out
    }

    /// The table as `fit.csv`: one row per fact, then the joint row.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "name,kind,observed,n,percentile,share_observed,p05,median,p95,within_scale,within_low,within_high\n",
        );
        let f64s = |x: f64| {
            let mut b = Vec::new();
            push_f64(&mut b, x);
            String::from_utf8(b).unwrap_or_default()
        };
        let ci = |c: Option<(f64, f64)>| {
            c.map_or(",".into(), |(a, b)| format!("{},{}", f64s(a), f64s(b)))
        };
        for (k, f) in self.facts.iter().enumerate() {
            let r = self.row(k);
            let observed = match &f.observed {
                Obs::Never => "never".to_string(),
                Obs::Word(w) => crate::output::csv_field(w),
                Obs::Number(x) => f64s(*x),
            };
            let q = match (r.quantiles, &r.mode) {
                (Some([a, b, c]), _) => {
                    format!(
                        "{},{},{}",
                        f.value_cell(a),
                        f.value_cell(b),
                        f.value_cell(c)
                    )
                }
                (None, Some((w, _))) => format!(",{},", crate::output::csv_field(w)),
                _ => ",,".into(),
            };
            let kind = match f.kind {
                FactKind::Day => "day",
                FactKind::Number => "number",
                FactKind::Word => "word",
                FactKind::Flag => "flag",
            };
            let _ = writeln!(
                out,
                "{},{kind},{observed},{},{},{},{q},{},{}",
                crate::output::csv_field(&f.name),
                self.stats[k].n,
                r.percentile.map_or(String::new(), f64s),
                f64s(r.share_observed),
                f64s(r.within),
                ci(r.within_ci)
            );
        }
        let (rate, c) = self.joint_rate();
        let _ = writeln!(
            out,
            "(every fact),joint,,{},,,,,,{},{}",
            self.n,
            f64s(rate),
            ci(c)
        );
        out
    }
}

/// A share that may be tiny: `1.2%`, `0.031%`, `0%`.
pub fn pct_small(x: f64) -> String {
    if x == 0.0 || x >= 0.01 {
        pct(x, 1)
    } else {
        format!("{}%", crate::report::draw::num(x * 100.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(kind: &str, value: &str, never: &str, scale: &str, cens: &str) -> Fact {
        Fact::from_row("x", kind, value, never, scale, cens, "").unwrap()
    }

    #[test]
    fn percentile_counts_half_the_ties_and_censors_missing_days() {
        let f = fact("day", "10", "false", "5", "101");
        let mut s = FactStats::default();
        for c in ["5", "10", "10", "12", ""] {
            s.add(&f, c).unwrap();
        }
        // below: 5; ties: 10, 10; above: 12 and the missing day (101).
        assert_eq!((s.below, s.ties, s.within), (1, 2, 4));
        let fit = Fit::new(vec![f.clone()], vec![s], 5, 0);
        let r = fit.row(0);
        assert_eq!(r.percentile, Some(0.4));
        assert_eq!(r.quantiles, Some([5.0, 10.0, 101.0]));
        assert_eq!(f.value_cell(101.0), "never");
        let never = fact("day", "", "true", "1", "101");
        let mut s = FactStats::default();
        assert!(s.add(&never, "").unwrap());
        assert!(!s.add(&never, "50").unwrap());
        assert!(s.add(&never, "100").unwrap());
        let fit = Fit::new(vec![never], vec![s], 3, 0);
        assert_eq!(fit.row(0).percentile, Some(1.0 / 3.0));
    }

    #[test]
    fn words_give_their_mode_and_match_only_when_equal() {
        let f = fact("word", "completed", "false", "1", "");
        let mut s = FactStats::default();
        for c in ["completed", "stalled", "stalled"] {
            s.add(&f, c).unwrap();
        }
        // A mismatch costs 1 whatever the scale, and a word is within only when it matches.
        assert_eq!(s.within, 1);
        let fit = Fit::new(vec![f], vec![s], 3, 1);
        let r = fit.row(0);
        assert_eq!(r.percentile, None);
        assert_eq!(r.mode, Some(("stalled".into(), 2.0 / 3.0)));
        assert!(
            Fact::from_row("x", "day", "1", "false", "1", "", "").is_err(),
            "a day needs its censored value"
        );
    }
}
