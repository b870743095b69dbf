//! Field paths (`party.DPRK.compliance`) and what-if overlays, on the scenario's TOML table.
//!
//! A path names one numeric field of a scenario: `scenario.<field>`, `defaults.<field>`,
//! `defaults.trust.<party>`, `party.<id>.<field>`, `party.<id>.trust.<party>`,
//! `phase.<id>.lag_days`, `action.<id>.quantity`, `action.<id>.duration.<form>.<param>`,
//! `action.<id>.requires_at_least.n`, `shock.<id>.<field>`, and those of model 0.3 (see
//! `model03`): `action.<id>.compliance[.<party>]`, `action.<id>.reciprocity[.<party>]`,
//! `action.<id>.deadline`, `action.<id>.deadline.days`, `action.<id>.relapse_every_days`,
//! `scenario.relapse_every_days`, `party.<id>.suspend_trust`, `defaults.suspend_trust`,
//! `shock.<id>.chance`, `shock.<id>.window.first|last`. Tables in arrays are matched by
//! `id`. Setting a path changes the TOML, which is then validated like any file, so a swept
//! value out of range is the same clear error a file would give.

mod model03;

use crate::error::{Error, Result};
use std::fmt;
use toml::{Table, Value};

/// The numeric party fields (also valid under `defaults.`), and whether each is whole days.
pub const PARTY_FIELDS: &[(&str, bool)] = &[
    ("compliance", false),
    ("reciprocity", false),
    ("initial_trust", false),
    ("trust_gain", false),
    ("trust_loss", false),
    ("walkout_trust", false),
    ("review_every_days", true),
    ("suspend_trust", false),
];
/// Numeric `[scenario]` fields.
pub const SCENARIO_FIELDS: &[(&str, bool)] = &[
    ("review_every_days", true),
    ("horizon_days", true),
    ("relapse_every_days", true),
];
/// Numeric shock fields.
pub const SHOCK_FIELDS: &[(&str, bool)] = &[
    ("rate_per_year", false),
    ("trust_drop", false),
    ("pause_days", true),
];
/// Duration forms and their parameters (by name; the array position is the index).
pub const DURATION_PARAMS: &[(&str, &[&str])] = &[
    ("fixed", &[]),
    ("uniform", &["a", "b"]),
    ("triangular", &["min", "mode", "max"]),
    ("lognormal", &["median", "sigma"]),
    ("exponential", &["mean"]),
];

/// A parsed field path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamPath(String);

impl ParamPath {
    /// Parse a path (only its shape; whether it names a field is checked against a scenario).
    ///
    /// # Errors
    /// [`Error::Usage`] for an empty path or an empty segment.
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        if s.is_empty() || s.split('.').any(str::is_empty) {
            return Err(Error::Usage(format!(
                "`{s}` is not a field path; write e.g. party.DPRK.compliance or defaults.trust_loss"
            )));
        }
        Ok(ParamPath(s.to_string()))
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn segments(&self) -> Vec<&str> {
        self.0.split('.').collect()
    }
}

impl fmt::Display for ParamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One field set to one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The field.
    pub path: ParamPath,
    /// Its value.
    pub value: f64,
}

impl Override {
    /// Parse `PATH=VALUE` (as `--set` takes it).
    ///
    /// # Errors
    /// [`Error::Usage`] when there is no `=` or the value is not a number.
    pub fn parse(s: &str) -> Result<Self> {
        let (p, v) = s.split_once('=').ok_or_else(|| {
            Error::Usage(format!(
                "`{s}` is not PATH=VALUE, e.g. party.DPRK.compliance=0.4"
            ))
        })?;
        let value: f64 = v
            .trim()
            .parse()
            .map_err(|_| Error::Usage(format!("in `{s}`: `{}` is not a number", v.trim())))?;
        Ok(Override {
            path: ParamPath::parse(p)?,
            value,
        })
    }
}

fn usage(path: &ParamPath, why: String, near: Vec<String>) -> Error {
    let mut msg = format!("--vary/--set path `{path}`: {why}");
    if !near.is_empty() {
        let shown: Vec<String> = near.into_iter().take(12).collect();
        msg.push_str(&format!("; valid paths here include: {}", shown.join(", ")));
    }
    Error::Usage(msg)
}

/// Valid paths ranked by how much of `wanted` they share (common prefix, then common
/// characters), so a typo's fix comes first.
fn nearest(paths: &[String], wanted: &str) -> Vec<String> {
    let score = |p: &str| {
        let prefix = p
            .chars()
            .zip(wanted.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let common = p.chars().filter(|c| wanted.contains(*c)).count();
        (prefix, common)
    };
    let mut ranked: Vec<(usize, usize, usize, &String)> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (a, b) = score(p);
            (a, b, i, p)
        })
        .collect();
    ranked.sort_by(|x, y| y.0.cmp(&x.0).then(y.1.cmp(&x.1)).then(x.2.cmp(&y.2)));
    ranked.into_iter().map(|x| x.3.clone()).collect()
}

fn ids_of(table: &Table, kind: &str) -> Vec<String> {
    match table.get(kind) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| t.get("id").and_then(Value::as_str).map(str::to_string))
            .collect(),
        _ => vec![],
    }
}

fn find_by_id<'a>(table: &'a mut Table, kind: &str, id: &str) -> Option<&'a mut Table> {
    match table.get_mut(kind) {
        Some(Value::Array(a)) => a
            .iter_mut()
            .filter_map(Value::as_table_mut)
            .find(|t| t.get("id").and_then(Value::as_str) == Some(id)),
        _ => None,
    }
}

fn num_value(path: &ParamPath, v: f64, whole: bool) -> Result<Value> {
    if !v.is_finite() {
        return Err(usage(path, format!("{v} is not a finite number"), vec![]));
    }
    if whole {
        if v.fract() != 0.0 || v.abs() > 9.0e15 {
            return Err(usage(
                path,
                format!("takes a whole number of days; {v} is not one"),
                vec![],
            ));
        }
        Ok(Value::Integer(v as i64))
    } else {
        Ok(Value::Float(v))
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Float(x) => Some(*x),
        Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

/// Resolve a path to (table to write in, key, whole-days flag); creates sub-tables as needed.
/// Returns the duration-parameter index when the path names one.
enum Target<'a> {
    Field(&'a mut Table, String, bool),
    Duration(&'a mut Table, String, Option<usize>),
    /// An element of an array (a shock window's first or last day), whole days.
    Index(&'a mut Vec<Value>, usize),
}

fn resolve<'a>(table: &'a mut Table, path: &ParamPath) -> Result<Target<'a>> {
    let seg = path.segments();
    let near = nearest(&all_paths(table), path.as_str());
    let field_of = |fields: &[(&str, bool)], name: &str| {
        fields.iter().find(|(f, _)| *f == name).map(|&(_, w)| w)
    };
    match seg[0] {
        "scenario" if seg.len() == 2 => {
            let whole = field_of(SCENARIO_FIELDS, seg[1])
                .ok_or_else(|| usage(path, format!("[scenario] has no numeric field `{}`", seg[1]), near.clone()))?;
            let t = table
                .entry("scenario")
                .or_insert_with(|| Value::Table(Table::new()))
                .as_table_mut()
                .ok_or_else(|| usage(path, "[scenario] is not a table".into(), vec![]))?;
            if seg[1] == "horizon_days" {
                t.remove("horizon");
            }
            Ok(Target::Field(t, seg[1].to_string(), whole))
        }
        "defaults" | "party" => {
            let (t, rest): (&mut Table, &[&str]) = if seg[0] == "defaults" {
                let t = table
                    .entry("defaults")
                    .or_insert_with(|| Value::Table(Table::new()))
                    .as_table_mut()
                    .ok_or_else(|| usage(path, "[defaults] is not a table".into(), vec![]))?;
                (t, &seg[1..])
            } else {
                if seg.len() < 3 {
                    return Err(usage(path, "write party.<id>.<field>".into(), near));
                }
                let ids = ids_of(table, "party");
                let t = find_by_id(table, "party", seg[1]).ok_or_else(|| {
                    usage(path, format!("no party `{}`; parties: {}", seg[1], ids.join(", ")), near.clone())
                })?;
                (t, &seg[2..])
            };
            match rest {
                [field] => {
                    let whole = field_of(PARTY_FIELDS, field).ok_or_else(|| {
                        usage(
                            path,
                            format!(
                                "`{field}` is not a numeric party field; they are {}",
                                PARTY_FIELDS.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
                            ),
                            near.clone(),
                        )
                    })?;
                    Ok(Target::Field(t, field.to_string(), whole))
                }
                ["trust", other] => {
                    let tt = t
                        .entry("trust")
                        .or_insert_with(|| Value::Table(Table::new()))
                        .as_table_mut()
                        .ok_or_else(|| usage(path, "trust is not a table".into(), vec![]))?;
                    Ok(Target::Field(tt, other.to_string(), false))
                }
                _ => Err(usage(path, "write party.<id>.<field> or party.<id>.trust.<party>".into(), near)),
            }
        }
        "phase" if seg.len() == 3 => {
            let ids = ids_of(table, "phase");
            let t = find_by_id(table, "phase", seg[1]).ok_or_else(|| {
                usage(path, format!("no phase `{}`; phases: {}", seg[1], ids.join(", ")), near.clone())
            })?;
            if seg[2] != "lag_days" {
                return Err(usage(path, "the numeric phase field is lag_days".into(), near));
            }
            if !t.contains_key("after") {
                return Err(usage(path, format!("phase `{}` has no after = [...], so no lag", seg[1]), near));
            }
            Ok(Target::Field(t, "lag_days".into(), true))
        }
        "shock" if seg.len() >= 3 => {
            let ids = ids_of(table, "shock");
            if !ids.iter().any(|i| i == seg[1]) {
                return Err(usage(path, format!("no shock `{}`; shocks: {}", seg[1], ids.join(", ")), near.clone()));
            }
            if matches!(seg[2..], ["chance"] | ["window", _]) {
                return model03::resolve_shock(table, seg[1], &seg[2..], path, &near)
                    .unwrap_or_else(|| Err(usage(path, "write shock.<id>.window.first or shock.<id>.window.last".into(), near)));
            }
            let t = find_by_id(table, "shock", seg[1]).ok_or_else(|| {
                usage(path, format!("no shock `{}`; shocks: {}", seg[1], ids.join(", ")), near.clone())
            })?;
            if seg.len() != 3 {
                return Err(usage(path, "numeric shock fields are rate_per_year, trust_drop, pause_days, chance, window.first, window.last".into(), near));
            }
            let whole = field_of(SHOCK_FIELDS, seg[2]).ok_or_else(|| {
                usage(path, "numeric shock fields are rate_per_year, trust_drop, pause_days, chance, window.first, window.last".into(), near.clone())
            })?;
            Ok(Target::Field(t, seg[2].to_string(), whole))
        }
        "action" if seg.len() >= 3 => {
            let ids = ids_of(table, "action");
            let t = find_by_id(table, "action", seg[1]).ok_or_else(|| {
                usage(path, format!("no action `{}`; actions: {}", seg[1], ids.join(", ")), near.clone())
            })?;
            if model03::is_action_path(&seg[2..]) {
                return model03::resolve_action(t, seg[1], &seg[2..], path, &near)
                    .unwrap_or_else(|| Err(usage(path, "not a field".into(), vec![])));
            }
            match &seg[2..] {
                ["quantity"] => Ok(Target::Field(t, "quantity".into(), false)),
                ["requires_at_least", "n"] => {
                    let al = t
                        .get_mut("requires_at_least")
                        .and_then(Value::as_table_mut)
                        .ok_or_else(|| usage(path, format!("action `{}` has no requires_at_least", seg[1]), near.clone()))?;
                    Ok(Target::Field(al, "n".into(), true))
                }
                ["duration", form, param @ ..] => {
                    let Some(&(_, names)) = DURATION_PARAMS.iter().find(|(f, _)| f == form) else {
                        return Err(usage(path, "duration forms are fixed, uniform, triangular, lognormal, exponential".into(), near));
                    };
                    let idx = match (names.is_empty(), param) {
                        (true, []) => None,
                        (false, [p]) => Some(
                            names
                                .iter()
                                .position(|n| n == p)
                                .or_else(|| p.parse::<usize>().ok().filter(|&i| i < names.len()))
                                .ok_or_else(|| {
                                    usage(path, format!("{form} parameters are {}", names.join(", ")), near.clone())
                                })?,
                        ),
                        _ => {
                            return Err(usage(path, format!("write action.<id>.duration.{form}{}", if names.is_empty() { String::new() } else { format!(".<{}>", names.join("|")) }), near));
                        }
                    };
                    let current_form = t
                        .get("duration")
                        .and_then(Value::as_table)
                        .and_then(|d| d.keys().next().cloned())
                        .unwrap_or_else(|| "fixed".into());
                    // A fixed duration may be set on an action that gives none (it defaults to 0).
                    let defaulted = names.is_empty() && !t.contains_key("duration");
                    if current_form != *form && !defaulted {
                        return Err(usage(
                            path,
                            format!("action `{}` has a {current_form} duration, not {form}", seg[1]),
                            near,
                        ));
                    }
                    Ok(Target::Duration(t, form.to_string(), idx))
                }
                _ => Err(usage(path, "numeric action fields are quantity, duration.<form>.<param>, requires_at_least.n, compliance[.<party>], reciprocity[.<party>], deadline, deadline.days, relapse_every_days".into(), near)),
            }
        }
        _ => Err(usage(
            path,
            "paths start with scenario., defaults., party.<id>., phase.<id>., action.<id>. or shock.<id>.".into(),
            all_paths(table).into_iter().take(12).collect(),
        )),
    }
}

/// Set the field a path names to `value`.
///
/// # Errors
/// [`Error::Usage`] naming the path and listing valid ones near it.
pub fn set(table: &mut Table, path: &ParamPath, value: f64) -> Result<()> {
    match resolve(table, path)? {
        Target::Field(t, key, whole) => {
            t.insert(key, num_value(path, value, whole)?);
        }
        Target::Index(a, i) => a[i] = num_value(path, value, true)?,
        Target::Duration(t, form, idx) => {
            let v = num_value(path, value, false)?;
            match idx {
                None => {
                    let mut d = Table::new();
                    d.insert(form, v);
                    t.insert("duration".into(), Value::Table(d));
                }
                Some(i) => {
                    let d = t
                        .get_mut("duration")
                        .and_then(Value::as_table_mut)
                        .and_then(|d| d.get_mut(&form))
                        .ok_or_else(|| {
                            usage(path, "the action has no such duration".into(), vec![])
                        })?;
                    match d {
                        Value::Array(a) if i < a.len() => a[i] = v,
                        Value::Table(tb) => {
                            let names = DURATION_PARAMS
                                .iter()
                                .find(|(f, _)| *f == form)
                                .map(|x| x.1)
                                .unwrap_or(&[]);
                            tb.insert(names[i].to_string(), v);
                        }
                        _ => {
                            return Err(usage(
                                path,
                                "the duration does not have that parameter".into(),
                                vec![],
                            ));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Whether the field a path names takes whole days.
pub fn is_whole(table: &Table, path: &ParamPath) -> bool {
    let mut t = table.clone();
    matches!(
        resolve(&mut t, path),
        Ok(Target::Field(_, _, true) | Target::Index(..))
    )
}

/// The value a path names in this table, `None` when the file leaves it to a default.
///
/// # Errors
/// [`Error::Usage`] for a path that names nothing.
pub fn get(table: &Table, path: &ParamPath) -> Result<Option<f64>> {
    let mut t = table.clone();
    Ok(match resolve(&mut t, path)? {
        Target::Field(t, key, _) => t.get(&key).and_then(as_f64),
        Target::Index(a, i) => a.get(i).and_then(as_f64),
        Target::Duration(t, form, idx) => {
            let d = t
                .get("duration")
                .and_then(Value::as_table)
                .and_then(|d| d.get(&form));
            match (d, idx) {
                (Some(v), None) => as_f64(v),
                (Some(Value::Array(a)), Some(i)) => a.get(i).and_then(as_f64),
                (Some(Value::Table(tb)), Some(i)) => {
                    let names = DURATION_PARAMS
                        .iter()
                        .find(|(f, _)| *f == form)
                        .map(|x| x.1)
                        .unwrap_or(&[]);
                    tb.get(names[i]).and_then(as_f64)
                }
                _ => None,
            }
        }
    })
}

/// Every numeric path of a scenario table, in file order.
pub fn all_paths(table: &Table) -> Vec<String> {
    let mut out: Vec<String> = SCENARIO_FIELDS
        .iter()
        .map(|(f, _)| format!("scenario.{f}"))
        .collect();
    out.extend(PARTY_FIELDS.iter().map(|(f, _)| format!("defaults.{f}")));
    let parties = ids_of(table, "party");
    for p in &parties {
        out.extend(PARTY_FIELDS.iter().map(|(f, _)| format!("party.{p}.{f}")));
        out.extend(
            parties
                .iter()
                .filter(|q| *q != p)
                .map(|q| format!("party.{p}.trust.{q}")),
        );
    }
    if let Some(Value::Array(a)) = table.get("phase") {
        for t in a {
            if let (Some(id), true) = (
                t.get("id").and_then(Value::as_str),
                t.get("after").is_some(),
            ) {
                out.push(format!("phase.{id}.lag_days"));
            }
        }
    }
    if let Some(Value::Array(a)) = table.get("action") {
        for t in a {
            let Some(id) = t.get("id").and_then(Value::as_str) else {
                continue;
            };
            if t.get("quantity").is_some() {
                out.push(format!("action.{id}.quantity"));
            }
            let form = t
                .get("duration")
                .and_then(Value::as_table)
                .and_then(|d| d.keys().next().cloned())
                .unwrap_or_else(|| "fixed".into());
            if let Some(&(_, names)) = DURATION_PARAMS.iter().find(|(f, _)| *f == form) {
                if names.is_empty() {
                    out.push(format!("action.{id}.duration.{form}"));
                }
                out.extend(
                    names
                        .iter()
                        .map(|n| format!("action.{id}.duration.{form}.{n}")),
                );
            }
            if t.get("requires_at_least").is_some() {
                out.push(format!("action.{id}.requires_at_least.n"));
            }
            if let Some(t) = t.as_table() {
                model03::action_paths(t, id, &mut out);
            }
        }
    }
    if let Some(Value::Array(a)) = table.get("shock") {
        for t in a.iter().filter_map(Value::as_table) {
            let Some(s) = t.get("id").and_then(Value::as_str) else {
                continue;
            };
            out.extend(SHOCK_FIELDS.iter().map(|(f, _)| format!("shock.{s}.{f}")));
            model03::shock_paths(t, s, &mut out);
        }
    }
    out
}

/// Merge an overlay into a scenario table: plain tables field by field (and `trust` tables
/// key by key); arrays of tables matched by `id`, unknown ids appended.
///
/// # Errors
/// A message when an overlay array entry has no id.
pub fn merge_overlay(base: &mut Table, overlay: &Table) -> std::result::Result<(), String> {
    for (key, value) in overlay {
        match (key.as_str(), value) {
            ("party" | "phase" | "action" | "shock", Value::Array(items)) => {
                for item in items {
                    let Some(t) = item.as_table() else {
                        return Err(format!("[[{key}]] entries must be tables"));
                    };
                    let Some(id) = t.get("id").and_then(Value::as_str) else {
                        return Err(format!(
                            "every [[{key}]] in an overlay needs an id, to match or add"
                        ));
                    };
                    match find_by_id(base, key, id) {
                        Some(existing) => merge_fields(existing, t),
                        None => {
                            let arr = base
                                .entry(key.clone())
                                .or_insert_with(|| Value::Array(vec![]));
                            if let Value::Array(a) = arr {
                                a.push(Value::Table(t.clone()));
                            }
                        }
                    }
                }
            }
            (_, Value::Table(t)) => {
                let entry = base
                    .entry(key.clone())
                    .or_insert_with(|| Value::Table(Table::new()));
                match entry.as_table_mut() {
                    Some(e) => merge_fields(e, t),
                    None => *entry = Value::Table(t.clone()),
                }
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
    Ok(())
}

fn merge_fields(into: &mut Table, from: &Table) {
    for (k, v) in from {
        match (k.as_str(), v, into.get_mut(k)) {
            ("trust", Value::Table(t), Some(Value::Table(existing))) => {
                for (kk, vv) in t {
                    existing.insert(kk.clone(), vv.clone());
                }
            }
            _ => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests;
