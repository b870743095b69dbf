//! Validation: turn a [`FileRaw`] into a compiled [`Scenario`], or one clear error.
//!
//! Checks, in the order a reader meets them: the `[scenario]` table, parties and their
//! parameters (`parties`), phases (`phases`), actions and their links (`actions`),
//! shocks (`shocks`); then the structure as a whole (`structure`): requirement cycles,
//! phase cycles, and actions that no trial could ever make due (found by a best-case pass:
//! every consent at the first possible review, every duration at its least).

mod actions;
pub use actions::MAX_UNIT_TOTAL;
mod parties;
mod phases;
mod shocks;
mod structure;
mod timing;

pub use structure::{BestCase, best_case};

use super::raw::*;
use crate::error::{Error, Location, Result};
use crate::model::*;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// The longest horizon accepted, in days (about 2,700 years): keeps per-day counters small.
pub const MAX_HORIZON_DAYS: i64 = 1_000_000;

/// Where the text being compiled came from, for error messages.
pub(crate) struct Ctx<'a> {
    /// File label for messages.
    pub label: &'a str,
    /// The text, to turn byte offsets into lines and columns; `None` when the text was
    /// synthesised (overlays and overrides applied), so offsets would mislead.
    pub text: Option<&'a str>,
}

impl Ctx<'_> {
    fn location(&self, span: Option<Range<usize>>) -> Location {
        let line_col = match (self.text, span) {
            (Some(text), Some(span)) => Some(line_col(text, span.start)),
            _ => None,
        };
        Location {
            file: self.label.to_string(),
            line_col,
        }
    }

    /// Where the value of `field = ...` is written in the table whose span is `table`: found
    /// on the lines of that table (up to the next table header), else `table` itself. Fields
    /// read as plain numbers carry no position of their own; this points an error at them.
    pub(crate) fn field_in(&self, table: Range<usize>, field: &str) -> Range<usize> {
        let Some(text) = self.text else {
            return table;
        };
        let start = text.floor_char_boundary(table.start.min(text.len()));
        let mut offset = start;
        for (n, line) in text[start..].split_inclusive('\n').enumerate() {
            let key_at = line.len() - line.trim_start().len();
            let t = &line[key_at..];
            if n > 0 && t.starts_with('[') {
                break;
            }
            if let Some(rest) = t.strip_prefix(field)
                && let Some(value) = rest.trim_start().strip_prefix('=')
            {
                let value_at = offset + line.len() - value.trim_start().len();
                return value_at..value_at;
            }
            offset += line.len();
        }
        table
    }

    pub(crate) fn err(&self, span: Option<Range<usize>>, message: impl Into<String>) -> Error {
        Error::Scenario {
            location: self.location(span),
            message: message.into(),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Parse TOML text into the raw structs, with the parser's position on error.
pub(crate) fn parse(ctx: &Ctx, text: &str) -> Result<FileRaw> {
    toml::from_str::<FileRaw>(text).map_err(|e| ctx.err(e.span(), toml_message(text, &e)))
}

/// The message of a TOML error, said for a reader of the file: a wrong type names the key
/// whose value it is (the parser names only the type), and Rust's integer and float types
/// are said as "a whole number" and "a number".
pub fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let mut msg = e.message().trim().to_string();
    // The parser's "cannot recurse further" says what, not why.
    if msg.contains("recurse") {
        return "arrays or inline tables are nested too deeply here (the parser's limit); no field of a negsim file needs more than three levels".into();
    }
    for (rust, said) in [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number >= 0"),
        ("expected u32", "expected a whole number >= 0"),
        ("expected i32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected an array [...]"),
    ] {
        msg = msg.replace(rust, said);
    }
    // serde names the Rust type a table is read into (`expected struct ScenarioRaw`).
    if let Some(at) = msg.find("expected struct ") {
        msg.truncate(at);
        msg.push_str("expected a table");
    }
    // A whole number too large for any field reads "invalid type: integer `N` as i128".
    if msg.starts_with("invalid type: integer") && msg.contains(" as i128") {
        msg = msg
            .replacen("invalid type: integer", "integer", 1)
            .replacen(" as i128,", " is too large,", 1);
    }
    let key = e.span().and_then(|s| key_before(text, s.start));
    // A duration is a table of one key naming its form; the parser's words for a table of
    // none, of several, or a bare value ("wanted exactly 1 element") say neither.
    if key.as_deref() == Some("duration")
        && (msg.starts_with("wanted exactly 1 element") || msg == "wanted string or table")
    {
        let what = if msg.contains("more than 1") {
            "more than one form"
        } else if msg.contains("found 0") {
            "no form"
        } else {
            "not a table"
        };
        return format!("`duration`: {what}; {DURATION_FORMS}");
    }
    if (msg.starts_with("invalid type") || msg.contains(" is too large,"))
        && let Some(key) = key
        && !msg.contains(&format!("`{key}`"))
    {
        msg = format!("`{key}`: {msg}");
    }
    msg
}

/// The forms a duration takes, for messages.
const DURATION_FORMS: &str = "give a table of exactly one form, in days: { fixed = 45 }, { uniform = [10, 30] }, { triangular = [10, 20, 45] } (min, mode, max), { lognormal = { median = 20, sigma = 0.5 } } or { exponential = { mean = 20 } }";

/// The key of the `key = value` whose value starts at byte `offset` (or that holds it, in an
/// inline table or array on the same line): the last key before it on its line.
fn key_before(text: &str, offset: usize) -> Option<String> {
    let offset = text.floor_char_boundary(offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let eq = before.rfind('=')?;
    let lhs = before[..eq].trim_end();
    let key = if let Some(quoted) = lhs.strip_suffix('"') {
        let open = quoted.rfind('"')?;
        &quoted[open + 1..]
    } else {
        // After the last character that cannot be in a bare key (it may be wider than a byte).
        let start = lhs
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        &lhs[start..]
    };
    (!key.is_empty()).then(|| key.to_string())
}

/// The longest id accepted, in characters: ids label columns and tables, so they stay short;
/// 256 leaves room for any descriptive id (negsim 0.2.0 had no limit, and a 0.2 scenario with
/// ids of 65 to 256 characters runs as it did).
pub const MAX_ID_CHARS: usize = 256;

/// The most shock arrivals a shock may expect per trial (rate x window days / 365.25): a
/// trial keeps its arrivals, so a mistyped rate (`1e9`) would otherwise exhaust memory.
pub const MAX_SHOCK_ARRIVALS: f64 = 10_000.0;

/// True when `id` is a valid id: letters, digits, `_` and `-`, not starting with `-`, at most
/// [`MAX_ID_CHARS`] long.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub(super) fn parse_date(ctx: &Ctx, v: &Spanned<DateValue>, what: &str) -> Result<NaiveDate> {
    let s = v.get_ref().0.trim();
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        ctx.err(
            Some(v.span()),
            format!(
                "{what} = \"{s}\" is not a date; write it as \"YYYY-MM-DD\", e.g. \"2007-10-03\""
            ),
        )
    })?;
    // Outputs write dates as YYYY-MM-DD: four digits of year, no sign.
    if !(0..=9999).contains(&chrono::Datelike::year(&d)) {
        return Err(ctx.err(
            Some(v.span()),
            format!("{what} = \"{s}\" is outside the years 0000 to 9999 that dates are written in"),
        ));
    }
    Ok(d)
}

pub(super) fn days_between(start: NaiveDate, d: NaiveDate) -> i64 {
    (d - start).num_days()
}

/// `x` when it is a probability, else an error at `span` naming `what` (both made only then:
/// a sweep compiles every point).
pub(super) fn check_unit(
    ctx: &Ctx,
    span: impl FnOnce() -> Range<usize>,
    what: impl FnOnce() -> String,
    x: f64,
) -> Result<f64> {
    if x.is_finite() && (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(ctx.err(Some(span()), format!("{} = {x} is outside [0, 1]", what())))
    }
}

pub(super) fn list(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let v: Vec<String> = names.into_iter().map(|s| s.as_ref().to_string()).collect();
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

pub(super) struct Ids {
    kind: &'static str,
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Ids {
    fn new(kind: &'static str) -> Self {
        Ids {
            kind,
            index: HashMap::new(),
            names: Vec::new(),
        }
    }

    fn add(&mut self, ctx: &Ctx, id: &Spanned<String>) -> Result<usize> {
        let s = id.get_ref();
        if !valid_id(s) {
            return Err(ctx.err(
                Some(id.span()),
                format!(
                    "{} id \"{}\" is not valid: use letters, digits, '_' and '-' (not first), at most {MAX_ID_CHARS} characters",
                    self.kind,
                    if s.chars().count() > MAX_ID_CHARS {
                        let head: String = s.chars().take(MAX_ID_CHARS).collect();
                        format!("{head}... ({} characters)", s.chars().count())
                    } else {
                        s.clone()
                    }
                ),
            ));
        }
        if self.index.contains_key(s) {
            return Err(ctx.err(
                Some(id.span()),
                format!("{} `{s}` is declared twice; ids must be unique", self.kind),
            ));
        }
        let i = self.names.len();
        self.index.insert(s.clone(), i);
        self.names.push(s.clone());
        Ok(i)
    }

    fn get(&self, ctx: &Ctx, id: &Spanned<String>, whose: &str) -> Result<usize> {
        self.index.get(id.get_ref()).copied().ok_or_else(|| {
            ctx.err(
                Some(id.span()),
                format!(
                    "{whose} names {} `{}`, which is not declared; declared {}: {}",
                    self.kind,
                    id.get_ref(),
                    plural(self.kind),
                    list(&self.names)
                ),
            )
        })
    }
}

pub(super) fn plural(kind: &str) -> String {
    match kind {
        "party" => "parties".into(),
        other => format!("{other}s"),
    }
}

pub(super) fn required<'a, T>(
    ctx: &Ctx,
    v: &'a Option<T>,
    span: Range<usize>,
    what: &str,
    hint: &str,
) -> Result<&'a T> {
    v.as_ref()
        .ok_or_else(|| ctx.err(Some(span), format!("{what} is missing; {hint}")))
}

pub(super) fn int_in(ctx: &Ctx, v: &Spanned<i64>, what: &str, lo: i64, hi: i64) -> Result<u32> {
    let x = *v.get_ref();
    if x < lo || x > hi {
        Err(ctx.err(
            Some(v.span()),
            format!("{what} = {x} is outside [{lo}, {hi}]"),
        ))
    } else {
        Ok(x as u32)
    }
}

/// Compile raw structs into a validated scenario.
pub(crate) fn compile(ctx: &Ctx, raw: &FileRaw) -> Result<Scenario> {
    // ---- [scenario]
    let Some(sc) = raw.scenario.as_ref() else {
        return Err(ctx.err(
            None,
            "the [scenario] table is missing; it needs name, start and horizon (or horizon_days)",
        ));
    };
    let sspan = sc.span();
    let s = sc.get_ref();
    let name = required(
        ctx,
        &s.name,
        sspan.clone(),
        "[scenario] name",
        "e.g. name = \"second-phase-2007\"",
    )?;
    if name.get_ref().is_empty()
        || !name
            .get_ref()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        || name.get_ref().starts_with('.')
    {
        return Err(ctx.err(
            Some(name.span()),
            format!(
                "[scenario] name = \"{}\" is not valid: it names the output folder, so use letters, digits, '_', '-' and '.'",
                name.get_ref()
            ),
        ));
    }
    let start_v = required(
        ctx,
        &s.start,
        sspan.clone(),
        "[scenario] start",
        "e.g. start = \"2007-10-03\"",
    )?;
    let start = parse_date(ctx, start_v, "[scenario] start")?;
    let horizon: u32 = match (&s.horizon, &s.horizon_days) {
        (Some(_), Some(hd)) => {
            return Err(ctx.err(
                Some(hd.span()),
                "[scenario] gives both horizon and horizon_days; give one",
            ));
        }
        (None, None) => {
            return Err(ctx.err(
                Some(sspan.clone()),
                "[scenario] horizon is missing; give horizon = \"YYYY-MM-DD\" (the last simulated day) or horizon_days = N",
            ));
        }
        (Some(h), None) => {
            let d = parse_date(ctx, h, "[scenario] horizon")?;
            let n = days_between(start, d);
            if n < 0 {
                return Err(ctx.err(
                    Some(h.span()),
                    format!("[scenario] horizon {d} is before the start {start}"),
                ));
            }
            if n > MAX_HORIZON_DAYS {
                return Err(ctx.err(
                    Some(h.span()),
                    format!(
                        "[scenario] horizon is {n} days after the start; at most {MAX_HORIZON_DAYS}"
                    ),
                ));
            }
            n as u32
        }
        (None, Some(hd)) => {
            if *hd.get_ref() < 0 {
                return Err(ctx.err(
                    Some(hd.span()),
                    format!(
                        "[scenario] horizon_days = {} is before the start; it must be >= 0",
                        hd.get_ref()
                    ),
                ));
            }
            int_in(ctx, hd, "[scenario] horizon_days", 0, MAX_HORIZON_DAYS)?
        }
    };
    if start
        .checked_add_days(chrono::Days::new(u64::from(horizon) + 36_525))
        .is_none()
    {
        return Err(ctx.err(
            Some(start_v.span()),
            format!("[scenario] start {start} is too late: the calendar ends before its horizon"),
        ));
    }
    let last_day = start + chrono::Days::new(u64::from(horizon));
    if chrono::Datelike::year(&last_day) > 9999 {
        return Err(ctx.err(
            Some(start_v.span()),
            format!(
                "[scenario] the horizon's last day {last_day} is after 9999-12-31, the last date outputs can write; start earlier or shorten the horizon"
            ),
        ));
    }
    let scenario_review = match &s.review_every_days {
        Some(r) => Some(int_in(
            ctx,
            r,
            "[scenario] review_every_days",
            1,
            MAX_HORIZON_DAYS,
        )?),
        None => None,
    };

    let (party_ids, parties) = parties::compile_parties(ctx, raw, scenario_review)?;
    let n = parties.len();
    let (phase_ids, mut phases) = phases::compile_phases(ctx, raw, start)?;
    let scenario_relapse = match &s.relapse_every_days {
        Some(v) => timing::relapse_days(ctx, v, "[scenario] relapse_every_days")?,
        None => 0,
    };
    let (action_ids, actions, units) = actions::compile_actions(
        ctx,
        raw,
        start,
        &party_ids,
        &phase_ids,
        &parties,
        &mut phases,
        scenario_relapse,
    )?;
    let shocks = shocks::compile_shocks(ctx, raw, start, horizon, &party_ids, &action_ids)?;

    let mut actions_of = vec![Vec::new(); n];
    for (k, a) in actions.iter().enumerate() {
        for &i in &a.actors {
            actions_of[i].push(k);
        }
    }
    let scenario = Scenario {
        name: name.get_ref().clone(),
        title: s.title.clone().unwrap_or_else(|| name.get_ref().clone()),
        source: s.source.clone().unwrap_or_default(),
        start,
        horizon,
        parties,
        phases,
        actions,
        shocks,
        units,
        actions_of,
    };
    // Every action must be able to become due in some trial.
    let best = best_case(&scenario);
    for (k, a) in scenario.actions.iter().enumerate() {
        match best.due[k] {
            None => {
                return Err(ctx.err(
                    Some(raw.action[k].span()),
                    format!(
                        "action `{}` can never become due: {}",
                        a.id,
                        structure::explain_never_due(&scenario, &best, k)
                    ),
                ));
            }
            Some(d) if d > u64::from(scenario.horizon) => {
                return Err(ctx.err(
                    Some(raw.action[k].span()),
                    format!(
                        "action `{}` cannot become due before the horizon: the earliest it could is day {d} ({}), the horizon is day {} ({}); move the horizon or its phase",
                        a.id,
                        structure::fmt_day(&scenario, d),
                        scenario.horizon,
                        scenario.date(scenario.horizon)
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key before a value, after characters wider than a byte (found by the property
    /// test of arbitrary text: a byte index inside a character panicked).
    #[test]
    fn key_before_a_value_after_wide_characters() {
        assert_eq!(key_before("\u{1f114}x = 1", 8).as_deref(), Some("x"));
        assert_eq!(key_before("\u{1f8}\u{1f114} = 1", 10), None);
        assert_eq!(key_before("a.b_c = [1, 2]", 8).as_deref(), Some("a.b_c"));
    }

    #[test]
    fn line_col_counts_from_one() {
        let t = "ab\ncde\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 5), (2, 3));
        assert_eq!(line_col(t, 100), (3, 2));
    }

    /// A field's value is found on its table's lines (not a longer key sharing its start,
    /// not the next table's), else the table's own position stands.
    #[test]
    fn field_in_finds_the_value_in_its_own_table() {
        let text = "[[party]]\nid = \"A\"\ntrust_gain = 0.3\n  trust  = 2\n[[party]]\nid = \"B\"\ncompliance = 9\n";
        let ctx = Ctx {
            label: "t",
            text: Some(text),
        };
        let table = 0..text.find("[[party]]\nid = \"B\"").unwrap();
        let at = |f: &str| line_col(text, ctx.field_in(table.clone(), f).start);
        assert_eq!(at("trust"), (4, 12));
        assert_eq!(at("trust_gain"), (3, 14));
        assert_eq!(at("compliance"), (1, 1));
        let none = Ctx {
            label: "t",
            text: None,
        };
        assert_eq!(none.field_in(3..5, "trust"), 3..5);
    }

    /// A wrong type names its key (plain, quoted, inside an inline table), in a reader's
    /// words; a value with no key on its line keeps the parser's message.
    #[test]
    fn type_errors_name_their_key() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            a: Option<i64>,
            b: Option<f64>,
            t: Option<Inner>,
            v: Option<Vec<u32>>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            fixed: u32,
        }
        let msg = |text: &str| toml_message(text, &toml::from_str::<T>(text).unwrap_err());
        assert_eq!(
            msg("a = 1.5\n"),
            "`a`: invalid type: floating point `1.5`, expected a whole number"
        );
        assert_eq!(
            msg("\"b\" = \"x\"\n"),
            "`b`: invalid type: string \"x\", expected a number"
        );
        assert!(msg("t = { fixed = \"x\" }\n").starts_with("`fixed`: invalid type"));
        assert!(msg("v = [\n  1,\n  \"x\",\n]\n").starts_with("invalid type"));
    }

    #[test]
    fn ids() {
        assert!(valid_id("banking-dispute"));
        assert!(valid_id("US"));
        assert!(!valid_id("a.b"));
        assert!(!valid_id("-x"));
        assert!(!valid_id(""));
        assert!(!valid_id("x@started"));
    }
}

#[cfg(test)]
mod tests_03;
#[cfg(test)]
mod tests_limits;
