//! The distance between one trial and the record (docs/MODEL.md 6.3).
//!
//! Each observation contributes a term: for a number (a day, a count, a quantity)
//! `|x - obs| / scale`; for a word or a flag `0` when equal, else `1`, whatever its `scale`
//! (docs/MODEL.md 6.3: a word is equal or not; `scale` only weighs differences). A day observable that did not happen in a trial (an action never done)
//! enters at the **censored value** `H + 1`, one day past the horizon, and `value = "never"`
//! observes exactly that value, so "never" against "never" is 0 and "never" against day `x`
//! is `(H + 1 - x) / scale`. A missing value of any other kind (no `collapsed_by` in a trial
//! that did not collapse) counts as a mismatch, `1`, unless "never" was observed.
//!
//! The terms are combined by their **maximum** (the Chebyshev distance): a trial is within
//! tolerance `eps` when *every* observation is within `eps` of its scale, so a tolerance reads
//! in the units the researcher chose for each fact, one fact cannot buy slack for another, and
//! history matching's "implausible if any output is implausible" (Vernon et al. 2010) is the
//! same rule. At tolerance 0 every observation must match exactly, as with a sum or a Euclidean
//! norm, so the exact-posterior checks do not depend on this choice.

use crate::engine::TrialResult;
use crate::error::Result;
use crate::model::Scenario;
use crate::output::observe::{Observable, Value};

/// One historical fact to match.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The observable's name as written.
    pub name: String,
    /// The observable.
    pub observable: Observable,
    /// What was observed: [`Value::Missing`] for `"never"`.
    pub observed: Value,
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
        let side = |v: &Value| match *v {
            Value::Number(x) => Side::Number(x),
            Value::Missing => Side::Missing,
            Value::Word(w) => Side::Word(Token::Word(w)),
            Value::Flag(b) => Side::Word(Token::Flag(b)),
        };
        term(
            side(&self.observed),
            side(v),
            self.observable.is_day(),
            self.censored,
            self.scale,
        )
    }
}

/// A word or a flag of a trial's value, as [`term`] compares them (never equal to each other).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Word(usize),
    Flag(bool),
}

/// One side of a term: what was observed, or a trial's value. `W` is how a word is held
/// (an index here, the text in a report's CSV cells, `report::calibration`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Side<W> {
    /// A day, a count or a quantity.
    Number(f64),
    /// It did not happen (observed: `"never"`).
    Missing,
    /// A word or a flag.
    Word(W),
}

/// The term of one observation for one trial (docs/MODEL.md 6.3), the rule in one place: a
/// number's distance in units of `scale`; a day that did not happen at `censored` (`H + 1`)
/// when `day`; "never" against "never" 0; a word or flag 0 when equal, else 1; any other
/// pair (a missing value that is not a day, a word against a number) a mismatch, 1.
pub fn term<W: PartialEq>(
    observed: Side<W>,
    value: Side<W>,
    day: bool,
    censored: f64,
    scale: f64,
) -> f64 {
    let mismatch = |same: bool| if same { 0.0 } else { 1.0 };
    match (observed, value) {
        (Side::Number(o), Side::Number(x)) => (x - o).abs() / scale,
        (Side::Number(o), Side::Missing) if day => (censored - o).abs() / scale,
        (Side::Missing, Side::Number(x)) if day => (censored - x).abs() / scale,
        (Side::Missing, Side::Missing) => 0.0,
        (Side::Word(o), Side::Word(x)) => mismatch(o == x),
        _ => mismatch(false),
    }
}

/// A tolerance or distance as a progress line prints it: six significant digits, trailing
/// zeros dropped (`1.96667`, `0.5`, `12`); the files keep every digit.
pub fn short(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return x.to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (5 - magnitude).clamp(0, 17) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The distance of one trial: the largest term over the targets (0 with no targets).
pub fn distance(targets: &[Target], s: &Scenario, r: &TrialResult) -> f64 {
    targets
        .iter()
        .map(|t| t.term(&t.observable.eval(s, r)))
        .fold(0.0, f64::max)
}

/// Read an observed value from the file as the observable's kind wants it
/// ([`Observable::parse_value`]: a date `YYYY-MM-DD` or a whole day number for a day, a
/// number, a word, `true`/`false`, or `"never"` for what may not happen), and refuse a day
/// after the horizon, which no trial can reach.
///
/// # Errors
/// [`crate::Error::Usage`] saying what would be valid.
pub fn parse_observed(o: &Observable, v: &toml::Value, s: &Scenario) -> Result<Value> {
    let text = match v {
        toml::Value::String(t) => t.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        // A date written as a TOML date (`value = 2008-06-26`, unquoted) is that date.
        toml::Value::Datetime(d) if d.date.is_some() && d.time.is_none() => d.to_string(),
        toml::Value::Datetime(d) => {
            return Err(crate::Error::Usage(format!(
                "{d} has a time of day; a date is a day: give it as \"YYYY-MM-DD\""
            )));
        }
        other => {
            return Err(crate::Error::Usage(format!(
                "a value is a string, a number, a date or true/false, not {}",
                other.type_str()
            )));
        }
    };
    let value = o.parse_value(s, &text)?;
    if let (true, Value::Number(d)) = (o.is_day(), value)
        && d > f64::from(s.horizon)
    {
        return Err(crate::Error::Usage(format!(
            "`{text}` is day {d}, after the horizon (day {}): no trial can reach it; extend the horizon or observe \"never\"",
            s.horizon
        )));
    }
    Ok(value)
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

    fn target(s: &Scenario, name: &str, observed: Value, scale: f64) -> Target {
        Target {
            name: name.into(),
            observable: Observable::parse(name, s).unwrap(),
            observed,
            scale,
            source: String::new(),
            censored: f64::from(s.horizon) + 1.0,
        }
    }

    #[test]
    fn short_keeps_six_significant_digits() {
        assert_eq!(short(1.9666666666666666), "1.96667");
        assert_eq!(short(0.5), "0.5");
        assert_eq!(short(12.0), "12");
        assert_eq!(short(123456789.0), "123456789");
        assert_eq!(short(0.000123456789), "0.000123457");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(f64::INFINITY), "inf");
    }

    #[test]
    fn terms_scale_censor_and_match_words() {
        let s = scenario::from_str(TINY, "tiny.toml").unwrap();
        let t = target(&s, "action.x.done_day", Value::Number(10.0), 5.0);
        assert_eq!(t.term(&Value::Number(20.0)), 2.0);
        assert_eq!(t.term(&Value::Missing), (101.0 - 10.0) / 5.0);
        let n = target(&s, "action.x.done_day", Value::Missing, 1.0);
        assert_eq!(n.term(&Value::Missing), 0.0);
        assert_eq!(n.term(&Value::Number(100.0)), 1.0);
        let w = target(&s, "outcome", Value::Word(0), 0.5);
        assert_eq!(w.term(&Value::Word(0)), 0.0);
        // A word is equal or not: its scale does not weigh the mismatch (docs/MODEL.md 6.3).
        assert_eq!(w.term(&Value::Word(2)), 1.0);
        let c = target(&s, "collapsed_by", Value::Missing, 1.0);
        assert_eq!(c.term(&Value::Missing), 0.0);
        assert_eq!(c.term(&Value::Word(1)), 1.0);
    }

    #[test]
    fn observed_values_are_read_by_kind() {
        let s = scenario::from_str(TINY, "tiny.toml").unwrap();
        let o = Observable::parse("action.x.done_day", &s).unwrap();
        let day = |v: toml::Value| parse_observed(&o, &v, &s);
        assert_eq!(day("2007-10-13".into()).unwrap(), Value::Number(10.0));
        assert_eq!(day(toml::Value::Integer(7)).unwrap(), Value::Number(7.0));
        assert_eq!(day("never".into()).unwrap(), Value::Missing);
        assert!(day("2007-10-02".into()).is_err());
        assert!(
            day("2009-01-01".into())
                .unwrap_err()
                .to_string()
                .contains("horizon")
        );
        assert!(day(toml::Value::Float(2.5)).is_err());
        // A TOML date (unquoted) is the date; one with a time of day is refused.
        let toml_date = |t: &str| toml::Value::Datetime(t.parse().unwrap());
        assert_eq!(day(toml_date("2007-10-13")).unwrap(), Value::Number(10.0));
        assert!(
            day(toml_date("2007-10-13T10:00:00"))
                .unwrap_err()
                .to_string()
                .contains("time of day")
        );
        let out = Observable::parse("outcome", &s).unwrap();
        assert!(parse_observed(&out, &"finished".into(), &s).is_err());
        let n = Observable::parse("action.x.delays", &s).unwrap();
        assert!(parse_observed(&n, &"never".into(), &s).is_err());
    }
}
