//! The record files of a calibration folder (docs/MODEL.md 6.10): `observed.csv`, the facts the
//! calibration matched, and `priors.csv`, the distributions it started from, so that the
//! folder says what it was fitted to without the calibration file, and `negsim report` can
//! draw priors and observed values from the folder alone.
//!
//! `observed.csv`: `name, kind, value, never, scale, censored, source`, one row per
//! `[[observe]]` fact in file order. `kind` is `day`, `number`, `word` or `flag`; `value` is
//! written as `trials.csv` writes the same observable (days as day numbers, whole numbers
//! without a decimal point, words and `true`/`false` as they are), empty for `"never"`;
//! `never` is `true` for a fact observed not to have happened; `censored` is the value a
//! missing day enters the distance at (the horizon + 1; empty for other kinds).
//!
//! `priors.csv`: `path, distribution, low, high`, one row per `[[prior]]` in file order;
//! `distribution` is `uniform` or `log_uniform`.
//!
//! Both are written through [`RunDir::create`] and [`RunDir::finish`], so they are hashed
//! into the manifest like every other file.

use super::distance::Target;
use super::file::Calibration;
use super::prior::{Prior, PriorKind};
use crate::error::{Error, Result};
use crate::model::Scenario;
use crate::output::observe::{Kind, Value};
use crate::output::{RunDir, csv_field, push_f64};
use std::io::Write;

/// The record files, in the order [`write_record`] writes them.
pub const RECORD_FILES: &[&str] = &["observed.csv", "priors.csv"];

/// The header of `observed.csv`.
pub const OBSERVED_HEADER: &str = "name,kind,value,never,scale,censored,source";

/// The header of `priors.csv`.
pub const PRIORS_HEADER: &str = "path,distribution,low,high";

/// The word `observed.csv` gives an observable's kind: `day` for a day number (which may be
/// censored), else `number`, `word` or `flag`.
pub fn kind_word(t: &Target) -> &'static str {
    match t.observable.kind() {
        Kind::Number if t.observable.is_day() => "day",
        Kind::Number => "number",
        Kind::Word => "word",
        Kind::Flag => "flag",
    }
}

/// The word `priors.csv` gives a distribution.
pub fn distribution_word(k: PriorKind) -> &'static str {
    match k {
        PriorKind::Uniform => "uniform",
        PriorKind::LogUniform => "log_uniform",
    }
}

/// One `observed.csv` row (with its newline) of a target of scenario `s`.
pub fn observed_row(s: &Scenario, t: &Target) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(csv_field(&t.name).as_bytes());
    out.push(b',');
    out.extend_from_slice(kind_word(t).as_bytes());
    out.push(b',');
    let mut cell = Vec::new();
    t.observable.push_cell(s, t.observed, &mut cell);
    out.extend_from_slice(csv_field(&String::from_utf8_lossy(&cell)).as_bytes());
    out.push(b',');
    let never = t.observed == Value::Missing;
    out.extend_from_slice(if never { b"true" } else { b"false" });
    out.push(b',');
    push_f64(&mut out, t.scale);
    out.push(b',');
    if t.observable.is_day() {
        push_f64(&mut out, t.censored);
    }
    out.push(b',');
    out.extend_from_slice(csv_field(&t.source).as_bytes());
    out.push(b'\n');
    out
}

/// One `priors.csv` row (with its newline).
pub fn prior_row(p: &Prior) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(csv_field(&p.path.to_string()).as_bytes());
    out.push(b',');
    out.extend_from_slice(distribution_word(p.kind).as_bytes());
    out.push(b',');
    push_f64(&mut out, p.lo);
    out.push(b',');
    push_f64(&mut out, p.hi);
    out.push(b'\n');
    out
}

fn write_file(dir: &RunDir, name: &str, header: &str, rows: &[Vec<u8>]) -> Result<u64> {
    let path = dir.temp_path(name);
    let mut w = dir.create(name)?;
    w.write_all(header.as_bytes())
        .and_then(|()| w.write_all(b"\n"))
        .map_err(|e| Error::io(&path, e))?;
    for r in rows {
        w.write_all(r).map_err(|e| Error::io(&path, e))?;
    }
    drop(w);
    dir.finish(name)?;
    Ok(rows.len() as u64)
}

/// Write `observed.csv` and `priors.csv` of calibration `cal` into `dir`, and return each
/// file's name and data rows, for the manifest (`dir.output(name, rows)`).
///
/// # Errors
/// [`Error::Io`] when a file cannot be written.
pub fn write_record(dir: &RunDir, cal: &Calibration) -> Result<Vec<(String, u64)>> {
    let observed: Vec<Vec<u8>> = cal
        .targets
        .iter()
        .map(|t| observed_row(&cal.scenario, t))
        .collect();
    let priors: Vec<Vec<u8>> = cal.setup.priors.iter().map(prior_row).collect();
    let n_obs = write_file(dir, RECORD_FILES[0], OBSERVED_HEADER, &observed)?;
    let n_pri = write_file(dir, RECORD_FILES[1], PRIORS_HEADER, &priors)?;
    Ok(vec![
        (RECORD_FILES[0].to_string(), n_obs),
        (RECORD_FILES[1].to_string(), n_pri),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SCENARIO: &str = r#"
[scenario]
name = "tiny"
start = "2007-10-03"
horizon_days = 100
[[party]]
id = "A"
compliance = 0.5
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
"#;

    const CAL: &str = r#"
[calibration]
scenario = "tiny.toml"
seed = 3
particles = 10
[[observe]]
name = "action.x.done_day"
value = "2007-10-13"
scale = 5
source = "A did x, 13 October 2007"
[[observe]]
name = "party.A.walkout_day"
value = "never"
source = "no walkout, \"ever\""
[[observe]]
name = "outcome"
value = "completed"
scale = 0.5
[[prior]]
path = "party.A.compliance"
uniform = [0.1, 0.9]
[[prior]]
path = "party.B.compliance"
log_uniform = [0.05, 1]
"#;

    #[test]
    fn record_files_say_what_was_observed_and_assumed() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("tiny.toml"), SCENARIO).unwrap();
        let cal = Calibration::from_text(&t.path().join("cal.toml"), CAL).unwrap();
        let out = t.path().join("out");
        let dir = RunDir::prepare(&out, false).unwrap();
        let files = write_record(&dir, &cal).unwrap();
        assert_eq!(
            files,
            vec![
                ("observed.csv".to_string(), 3),
                ("priors.csv".to_string(), 2)
            ]
        );
        let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
        assert_eq!(
            read("observed.csv"),
            "name,kind,value,never,scale,censored,source\n\
             action.x.done_day,day,10,false,5,101,\"A did x, 13 October 2007\"\n\
             party.A.walkout_day,day,,true,1,101,\"no walkout, \"\"ever\"\"\"\n\
             outcome,word,completed,false,0.5,,\n"
        );
        assert_eq!(
            read("priors.csv"),
            "path,distribution,low,high\n\
             party.A.compliance,uniform,0.1,0.9\n\
             party.B.compliance,log_uniform,0.05,1\n"
        );
        // Hashed as written, for the manifest.
        let sha = crate::output::manifest::sha256_hex(read("priors.csv").as_bytes());
        assert_eq!(dir.output("priors.csv", 2).sha256, sha);
        assert!(!Path::new(&dir.temp_path("observed.csv")).exists());
    }
}
