//! Model 0.3 action fields: the forms of `deadline` (a date, a day number, or relative to
//! another action), `relapse_every_days`, and per-action `compliance` / `reciprocity`
//! (docs/MODEL.md 2.11 and 2.12).

use super::*;

/// The day a date or a day number names, relative to `start`, or an error naming `what`.
/// `Ok(day)` may be negative (a date before the start); day numbers must be >= 0.
pub(super) fn day_of(
    ctx: &Ctx,
    span: Range<usize>,
    v: &DayOrDate,
    start: NaiveDate,
    what: &str,
) -> Result<(i64, String)> {
    match v {
        DayOrDate::Date(d) => {
            let date = parse_date(ctx, &Spanned::new(span, d.clone()), what)?;
            Ok((days_between(start, date), date.to_string()))
        }
        DayOrDate::Day(n) if *n >= 0 => Ok((*n, format!("day {n}"))),
        DayOrDate::Day(n) => Err(ctx.err(
            Some(span),
            format!(
                "{what} = {n} is not valid: a day number counts days after the start and must be >= 0 (or write a date \"YYYY-MM-DD\")"
            ),
        )),
        DayOrDate::Fraction(x) => Err(ctx.err(
            Some(span),
            format!(
                "{what} = {x} is not a whole number of days; write a whole day number >= 0 or a date \"YYYY-MM-DD\""
            ),
        )),
    }
}

/// A compiled `deadline`: a fixed day, or relative to another action.
pub(super) enum Deadline {
    /// A day (from a date or a day number).
    Day(u32),
    /// Counted from another action.
    Relative(RelativeDeadline),
}

/// Compile an action's `deadline` (`k` is the action, `who` names it).
pub(super) fn compile_deadline(
    ctx: &Ctx,
    d: &Spanned<DeadlineRaw>,
    start: NaiveDate,
    action_ids: &Ids,
    k: usize,
    who: &str,
) -> Result<Deadline> {
    let span = d.span();
    let what = format!("{who}: deadline");
    match d.get_ref() {
        DeadlineRaw::Fixed(v) => {
            let (day, shown) = day_of(ctx, span.clone(), v, start, &what)?;
            if day < 0 {
                return Err(ctx.err(
                    Some(span),
                    format!("{who}: deadline {shown} is before the scenario start {start}"),
                ));
            }
            Ok(Deadline::Day(day.min(i64::from(u32::MAX - 2)) as u32))
        }
        DeadlineRaw::After {
            after,
            days,
            unknown,
        } => {
            let form = "write deadline = { after = \"<action id>\", days = n } (or \"<action id>@started\")";
            if let Some(u) = unknown {
                return Err(ctx.err(
                    Some(span),
                    format!("{what} has an unknown key `{u}`: a relative deadline takes only `after` and `days`; {form}"),
                ));
            }
            let Some(after) = after else {
                return Err(ctx.err(
                    Some(span),
                    format!("{what} is a table without `after`; {form}"),
                ));
            };
            let (target, started) = match after.strip_suffix("@started") {
                Some(t) => (t, true),
                None => (after.as_str(), false),
            };
            if target.contains('@') {
                return Err(ctx.err(
                    Some(span),
                    format!("{what}: after = \"{after}\" is not valid; write \"<action id>\" (done) or \"<action id>@started\""),
                ));
            }
            let j = action_ids.get(
                ctx,
                &Spanned::new(span.clone(), target.to_string()),
                &format!("{what} after"),
            )?;
            if j == k && !started {
                return Err(ctx.err(
                    Some(span),
                    format!("{what} is after the action itself being done, which can never come first; to count from its start write after = \"{target}@started\""),
                ));
            }
            let days = match days {
                None => {
                    return Err(ctx.err(
                        Some(span),
                        format!("{what}: days is missing; give days = n, a whole number of days >= 0 after `{target}` is {}", if started { "started" } else { "done" }),
                    ));
                }
                Some(toml::Value::Integer(n)) if (0..=MAX_HORIZON_DAYS).contains(n) => *n as u32,
                Some(v) => {
                    return Err(ctx.err(
                        Some(span),
                        format!("{what}: days = {v} must be a whole number of days in [0, {MAX_HORIZON_DAYS}]"),
                    ));
                }
            };
            Ok(Deadline::Relative(RelativeDeadline {
                after: j,
                started,
                days,
            }))
        }
    }
}

/// `relapse_every_days` (in `[scenario]` or an action): a whole number >= 0.
pub(super) fn relapse_days(ctx: &Ctx, v: &Spanned<i64>, what: &str) -> Result<u32> {
    int_in(ctx, v, what, 0, MAX_HORIZON_DAYS)
}

/// Per-actor values of `compliance` (`unit` = true: in [0, 1]) or `reciprocity` (>= 0) for
/// an action with these `actors`, `own` giving each actor's party value.
#[allow(clippy::too_many_arguments)]
pub(super) fn per_actor(
    ctx: &Ctx,
    v: Option<&Spanned<PerActor>>,
    field: &str,
    unit: bool,
    actors: &[usize],
    party_ids: &Ids,
    own: impl Fn(usize) -> f64,
    who: &str,
) -> Result<Vec<f64>> {
    let mut out: Vec<f64> = actors.iter().map(|&i| own(i)).collect();
    let Some(v) = v else {
        return Ok(out);
    };
    let span = v.span();
    let check = |name: &str, x: f64| -> Result<f64> {
        let ok = x.is_finite() && x >= 0.0 && (!unit || x <= 1.0);
        if ok {
            Ok(x)
        } else {
            let range = if unit { "in [0, 1]" } else { "a number >= 0" };
            Err(ctx.err(
                Some(span.clone()),
                format!("{who}: {name} = {x} is not valid; it must be {range}"),
            ))
        }
    };
    match v.get_ref() {
        PerActor::All(x) => {
            let x = check(field, *x)?;
            out.iter_mut().for_each(|o| *o = x);
        }
        PerActor::By(entries) => {
            let actor_names = || list(actors.iter().map(|&i| party_ids.names[i].as_str()));
            let mut seen = Vec::new();
            for (pid, x) in entries {
                let slot = party_ids
                    .index
                    .get(pid)
                    .and_then(|i| actors.iter().position(|a| a == i));
                let Some(slot) = slot else {
                    return Err(ctx.err(
                        Some(span.clone()),
                        format!(
                            "{who}: {field} names `{pid}`, which is not an actor of this action; its actors: {}",
                            actor_names()
                        ),
                    ));
                };
                if seen.contains(&slot) {
                    return Err(ctx.err(
                        Some(span.clone()),
                        format!("{who}: {field} names `{pid}` twice"),
                    ));
                }
                seen.push(slot);
                out[slot] = check(&format!("{field}.{pid}"), *x)?;
            }
        }
    }
    Ok(out)
}
