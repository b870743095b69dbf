//! The distance between one trial and the record (docs/MODEL.md 6.3).
//!
//! Each observation contributes a term: for a number (a day, a count, a quantity)
//! `|x - obs| / scale`; for a word or a flag `0` when equal, else `1 / scale` (`scale`
//! defaults to 1). A day observable that did not happen in a trial (an action never done)
//! enters at the **censored value** `H + 1`, one day past the horizon, and `value = "never"`
//! observes exactly that value, so "never" against "never" is 0 and "never" against day `x`
//! is `(H + 1 - x) / scale`. A missing value of any other kind (no `collapsed_by` in a trial
//! that did not collapse) counts as a mismatch, `1 / scale`, unless "never" was observed.
//!
//! The terms are combined by their **maximum** (the Chebyshev distance): a trial is within
//! tolerance `eps` when *every* observation is within `eps` of its scale, so a tolerance reads
//! in the units the researcher chose for each fact, one fact cannot buy slack for another, and
//! history matching's "implausible if any output is implausible" (Vernon et al. 2010) is the
//! same rule. At tolerance 0 every observation must match exactly, as with a sum or a Euclidean
//! norm, so the exact-posterior checks do not depend on this choice.

use super::observable::{Kind, Observable, Value};
use crate::engine::TrialResult;
use crate::model::Scenario;

/// What was observed.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    /// A day number (from a date or a day) or a number.
    Number(f64),
    /// The event did not happen (`value = "never"`).
    Never,
    /// A word.
    Word(String),
    /// A flag.
    Flag(bool),
}

/// One historical fact to match.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The observable's name as written.
    pub name: String,
    /// The observable.
    pub observable: Observable,
    /// What was observed.
    pub observed: Observed,
    /// How far off counts as one unit of distance.
    pub scale: f64,
    /// The source of the fact, as written.
    pub source: String,
    /// The censored value of a day that did not happen: the horizon + 1.
    pub censored: f64,
}

impl Target {
    /// The term of this observation for one trial's value.
    pub fn term(&self, v: &Value) -> f64 {
        let mismatch = |same: bool| if same { 0.0 } else { 1.0 / self.scale };
        let day_kind = self.observable.kind() == Kind::Day;
        match (&self.observed, v) {
            (Observed::Number(o), Value::Number(x)) => (x - o).abs() / self.scale,
            (Observed::Number(o), Value::Missing) if day_kind => {
                (self.censored - o).abs() / self.scale
            }
            (Observed::Never, Value::Number(x)) if day_kind => {
                (self.censored - x).abs() / self.scale
            }
            (Observed::Never, Value::Missing) => 0.0,
            (Observed::Word(o), Value::Word(x)) => mismatch(o == x),
            (Observed::Flag(o), Value::Flag(x)) => mismatch(o == x),
            _ => mismatch(false),
        }
    }
}

/// The distance of one trial: the largest term over the targets (0 with no targets).
pub fn distance(targets: &[Target], s: &Scenario, r: &TrialResult) -> f64 {
    targets
        .iter()
        .map(|t| t.term(&t.observable.eval(s, r)))
        .fold(0.0, f64::max)
}

/// Read an observed value as the observable's kind wants it: a day observable takes a date
/// `YYYY-MM-DD` (counted from the scenario's start), a whole day number, or `"never"`; a number
/// observable a number; a word observable one of `words`; a flag `true`/`false`.
///
/// # Errors
/// A message saying what would be valid.
pub fn parse_observed(
    v: &toml::Value,
    kind: Kind,
    words: &[String],
    s: &Scenario,
) -> Result<Observed, String> {
    use toml::Value as T;
    let horizon = f64::from(s.horizon);
    match (kind, v) {
        (Kind::Day, T::String(t)) if t == "never" => Ok(Observed::Never),
        (Kind::Day, T::String(t)) => {
            let date = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
                format!("`{t}` is not a date YYYY-MM-DD, a day number or \"never\"")
            })?;
            let day = (date - s.start).num_days() as f64;
            check_day(day, horizon, &format!("{t} (day {day})"))
        }
        (Kind::Day, T::Integer(i)) => check_day(*i as f64, horizon, &format!("day {i}")),
        (Kind::Day, T::Float(x)) if x.fract() == 0.0 => check_day(*x, horizon, &format!("day {x}")),
        (Kind::Day, _) => Err(
            "this observable is a day: give a date YYYY-MM-DD, a whole day number, or \"never\""
                .into(),
        ),
        (Kind::Number, T::Integer(i)) => Ok(Observed::Number(*i as f64)),
        (Kind::Number, T::Float(x)) if x.is_finite() => Ok(Observed::Number(*x)),
        (Kind::Number, _) => Err("this observable is a number: give a finite number".into()),
        (Kind::Word, T::String(t)) if t == "never" => Ok(Observed::Never),
        (Kind::Word, T::String(t)) if words.contains(t) => Ok(Observed::Word(t.clone())),
        (Kind::Word, _) => Err(format!(
            "this observable is a word: give one of {} (or \"never\")",
            words.join(", ")
        )),
        (Kind::Flag, T::Boolean(b)) => Ok(Observed::Flag(*b)),
        (Kind::Flag, T::String(t)) if t == "true" || t == "false" => {
            Ok(Observed::Flag(t == "true"))
        }
        (Kind::Flag, _) => Err("this observable is a flag: give true or false".into()),
    }
}

fn check_day(day: f64, horizon: f64, what: &str) -> Result<Observed, String> {
    if day < 0.0 {
        Err(format!("{what} is before the scenario's start (day 0)"))
    } else if day > horizon {
        Err(format!(
            "{what} is after the horizon (day {horizon}): no trial can reach it; extend the horizon or observe \"never\""
        ))
    } else {
        Ok(Observed::Number(day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;

    const TINY: &str = r#"
[scenario]
name = "tiny"
start = "2007-10-03"
horizon_days = 100
[[party]]
id = "A"
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
"#;

    fn target(s: &Scenario, name: &str, observed: Observed, scale: f64) -> Target {
        Target {
            name: name.into(),
            observable: Observable::parse(s, name).unwrap(),
            observed,
            scale,
            source: String::new(),
            censored: f64::from(s.horizon) + 1.0,
        }
    }

    #[test]
    fn terms_scale_censor_and_match_words() {
        let s = scenario::from_str(TINY, "tiny.toml").unwrap();
        let t = target(&s, "action.x.done_day", Observed::Number(10.0), 5.0);
        assert_eq!(t.term(&Value::Number(20.0)), 2.0);
        assert_eq!(t.term(&Value::Missing), (101.0 - 10.0) / 5.0);
        let n = target(&s, "action.x.done_day", Observed::Never, 1.0);
        assert_eq!(n.term(&Value::Missing), 0.0);
        assert_eq!(n.term(&Value::Number(100.0)), 1.0);
        let w = target(&s, "outcome", Observed::Word("completed".into()), 0.5);
        assert_eq!(w.term(&Value::Word("completed".into())), 0.0);
        assert_eq!(w.term(&Value::Word("stalled".into())), 2.0);
        let c = target(&s, "collapsed_by", Observed::Never, 1.0);
        assert_eq!(c.term(&Value::Missing), 0.0);
        assert_eq!(c.term(&Value::Word("A".into())), 1.0);
    }

    #[test]
    fn observed_values_are_read_by_kind() {
        let s = scenario::from_str(TINY, "tiny.toml").unwrap();
        let day = |v: toml::Value| parse_observed(&v, Kind::Day, &[], &s);
        assert_eq!(day("2007-10-13".into()), Ok(Observed::Number(10.0)));
        assert_eq!(day(toml::Value::Integer(7)), Ok(Observed::Number(7.0)));
        assert_eq!(day("never".into()), Ok(Observed::Never));
        assert!(day("2007-10-02".into()).unwrap_err().contains("before"));
        assert!(day("2009-01-01".into()).unwrap_err().contains("horizon"));
        assert!(day(toml::Value::Float(2.5)).is_err());
        let words = vec!["completed".to_string()];
        assert!(parse_observed(&"stalled".into(), Kind::Word, &words, &s).is_err());
        assert!(parse_observed(&"x".into(), Kind::Number, &[], &s).is_err());
    }
}
