//! Field paths of the model 0.3 fields (docs/MODEL.md 2.11-2.15): per-action willingness
//! (`action.<id>.compliance[.<party>]`, `.reciprocity[.<party>]`), deadlines
//! (`action.<id>.deadline`, `.deadline.days`), relapse intervals, triggered-shock chances
//! and shock windows as day numbers (`shock.<id>.window.first|last`).

use super::*;

/// Whether `action.<id>.<rest>` names a 0.3 field.
pub(super) fn is_action_path(rest: &[&str]) -> bool {
    matches!(
        rest,
        ["relapse_every_days"]
            | ["compliance" | "reciprocity"]
            | ["compliance" | "reciprocity", _]
            | ["deadline"]
            | ["deadline", "days"]
    )
}

/// `action.<id>.<rest>` for a 0.3 field, or `None` when `rest` names none.
pub(super) fn resolve_action<'a>(
    t: &'a mut Table,
    id: &str,
    rest: &[&str],
    path: &ParamPath,
    near: &[String],
) -> Option<Result<Target<'a>>> {
    let err = |why: String| Some(Err(usage(path, why, near.to_vec())));
    match rest {
        ["relapse_every_days"] => Some(Ok(Target::Field(t, "relapse_every_days".into(), true))),
        [field @ ("compliance" | "reciprocity")] => {
            Some(Ok(Target::Field(t, field.to_string(), false)))
        }
        [field @ ("compliance" | "reciprocity"), party] => {
            let actors = actors_of(t);
            if !actors.iter().any(|a| a == party) {
                return err(format!(
                    "`{party}` is not an actor of action `{id}`; its actors: {}",
                    actors.join(", ")
                ));
            }
            // One number for every actor becomes a table of every actor, so that setting one
            // actor's value leaves the others at the number (docs/MODEL.md 2.11).
            if let Some(x) = t.get(*field).and_then(as_f64) {
                let all: Table = actors
                    .iter()
                    .map(|a| (a.clone(), Value::Float(x)))
                    .collect();
                t.insert(field.to_string(), Value::Table(all));
            }
            let tt = t
                .entry(field.to_string())
                .or_insert_with(|| Value::Table(Table::new()))
                .as_table_mut()?;
            Some(Ok(Target::Field(tt, party.to_string(), false)))
        }
        ["deadline"] => {
            if t.get("deadline").is_some_and(Value::is_table) {
                return err(format!(
                    "action `{id}` has a relative deadline ({{ after = ..., days = n }}); use action.{id}.deadline.days"
                ));
            }
            Some(Ok(Target::Field(t, "deadline".into(), true)))
        }
        ["deadline", "days"] => match t.get_mut("deadline").and_then(Value::as_table_mut) {
            Some(d) => Some(Ok(Target::Field(d, "days".into(), true))),
            None => err(format!(
                "action `{id}` has no relative deadline; deadline.days goes with deadline = {{ after = ..., days = n }} (use action.{id}.deadline for a day number)"
            )),
        },
        _ => None,
    }
}

/// The actor ids of an action table (`party = "A"` or a list).
fn actors_of(t: &Table) -> Vec<String> {
    match t.get("party") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec![],
    }
}

/// `shock.<id>.chance` and `shock.<id>.window.first|last`, or `None`.
pub(super) fn resolve_shock<'a>(
    table: &'a mut Table,
    id: &str,
    rest: &[&str],
    path: &ParamPath,
    near: &[String],
) -> Option<Result<Target<'a>>> {
    let err = |why: String| Some(Err(usage(path, why, near.to_vec())));
    let index = match rest {
        ["chance"] => None,
        ["window", "first"] => Some(0),
        ["window", "last"] => Some(1),
        _ => return None,
    };
    // The default last day of a window is the horizon (as the file gives it).
    let horizon = table
        .get("scenario")
        .and_then(|s| s.get("horizon_days").or_else(|| s.get("horizon")).cloned());
    let t = find_by_id(table, "shock", id)?;
    let Some(i) = index else {
        if !t.contains_key("on") {
            return err(format!(
                "shock `{id}` has no on = {{ ... }}: chance is the field of a triggered shock"
            ));
        }
        return Some(Ok(Target::Field(t, "chance".into(), false)));
    };
    if !t.contains_key("window") {
        let last = horizon.unwrap_or(Value::Integer(i64::from(u32::MAX)));
        t.insert("window".into(), Value::Array(vec![Value::Integer(0), last]));
    }
    match t.get_mut("window") {
        Some(Value::Array(a)) if a.len() == 2 => Some(Ok(Target::Index(a, i))),
        _ => err(format!("shock `{id}`: window is not [first, last]")),
    }
}

/// The 0.3 paths an action table offers.
pub(super) fn action_paths(t: &Table, id: &str, out: &mut Vec<String>) {
    for field in ["compliance", "reciprocity"] {
        out.push(format!("action.{id}.{field}"));
        out.extend(
            actors_of(t)
                .iter()
                .map(|p| format!("action.{id}.{field}.{p}")),
        );
    }
    if t.get("deadline").is_some_and(Value::is_table) {
        out.push(format!("action.{id}.deadline.days"));
    } else {
        out.push(format!("action.{id}.deadline"));
    }
    out.push(format!("action.{id}.relapse_every_days"));
}

/// The 0.3 paths a shock table offers.
pub(super) fn shock_paths(t: &Table, id: &str, out: &mut Vec<String>) {
    if t.contains_key("on") {
        out.push(format!("shock.{id}.chance"));
    }
    out.push(format!("shock.{id}.window.first"));
    out.push(format!("shock.{id}.window.last"));
}
