//! Actions: actors, phase, deadline, duration, requirements, quantity, counterparts.

use super::structure::find_cycle;
use super::timing::{Deadline, compile_deadline, per_actor, relapse_days};
use super::*;
use crate::duration::Duration;
use std::collections::BTreeSet;

/// The most the quantities of one unit may add up to over all actions: far below `f64::MAX`,
/// so that a trial's sums, their means and their spreads stay finite.
pub const MAX_UNIT_TOTAL: f64 = 1e15;

/// Compile every `[[action]]`, adding each to its phase; returns the actions and the units.
#[allow(clippy::too_many_arguments)]
pub(super) fn compile_actions(
    ctx: &Ctx,
    raw: &FileRaw,
    start: NaiveDate,
    party_ids: &Ids,
    phase_ids: &Ids,
    parties: &[Party],
    phases: &mut [Phase],
    scenario_relapse: u32,
) -> Result<(Ids, Vec<Action>, Vec<String>)> {
    let n = parties.len();
    // ---- actions
    if raw.action.is_empty() {
        return Err(ctx.err(
            None,
            "no [[action]] is declared; a scenario needs at least one",
        ));
    }
    let mut action_ids = Ids::new("action");
    for a in &raw.action {
        let id = required(
            ctx,
            &a.get_ref().id,
            a.span(),
            "[[action]] id",
            "e.g. id = \"declaration\"",
        )?;
        action_ids.add(ctx, id)?;
    }
    let mut units: Vec<String> = Vec::new();
    // Per unit, the sum of its quantities over every action so far (bounded: MAX_UNIT_TOTAL).
    let mut unit_totals: Vec<f64> = Vec::new();
    let mut actions = Vec::with_capacity(raw.action.len());
    for (k, a) in raw.action.iter().enumerate() {
        let span = a.span();
        let r = a.get_ref();
        let id = action_ids.names[k].clone();
        let who = format!("action `{id}`");
        // Actors.
        let party = required(
            ctx,
            &r.party,
            span.clone(),
            &format!("{who}: party"),
            "e.g. party = \"DPRK\" or a list for a joint action",
        )?;
        if party.get_ref().0.is_empty() {
            return Err(ctx.err(
                Some(party.span()),
                format!("{who}: party = [] names no actor"),
            ));
        }
        let mut actors = Vec::new();
        for pid in &party.get_ref().0 {
            let sp = Spanned::new(party.span(), pid.clone());
            let i = party_ids.get(ctx, &sp, &format!("{who}: party"))?;
            if actors.contains(&i) {
                return Err(ctx.err(
                    Some(party.span()),
                    format!("{who}: party `{pid}` is listed twice"),
                ));
            }
            actors.push(i);
        }
        actors.sort_unstable();
        let actor_mask = actors.iter().fold(0u64, |m, &i| m | (1u64 << i));
        // Phase.
        // The hint lists every phase: made only when it is needed (linear, not quadratic,
        // in the size of a file that gives every action its phase).
        let ph = match r.phase.as_ref() {
            Some(ph) => ph,
            None => required(
                ctx,
                &r.phase,
                span.clone(),
                &format!("{who}: phase"),
                &format!("declared phases: {}", list(&phase_ids.names)),
            )?,
        };
        let phase = phase_ids.get(ctx, ph, &who)?;
        // Deadline.
        let (deadline, relative_deadline) = match &r.deadline {
            Some(d) => match compile_deadline(ctx, d, start, &action_ids, k, &who)? {
                Deadline::Day(day) => (Some(day), None),
                Deadline::Relative(rel) => (None, Some(rel)),
            },
            None => (None, None),
        };
        let relapse_every = match &r.relapse_every_days {
            Some(v) => relapse_days(ctx, v, &format!("{who}: relapse_every_days"))?,
            None => scenario_relapse,
        };
        // Duration.
        let duration = match &r.duration {
            None => Duration::Fixed(0.0),
            Some(d) => compile_duration(ctx, d, &who)?,
        };
        // Requirements.
        let mut requires_done = Vec::new();
        let mut requires_started = Vec::new();
        for req in r.requires.iter().flatten() {
            let text = req.get_ref();
            let (target, started) = match text.strip_suffix("@started") {
                Some(t) => (t, true),
                None => (text.as_str(), false),
            };
            if target.contains('@') {
                return Err(ctx.err(
                    Some(req.span()),
                    format!("{who}: requirement \"{text}\" is not valid; write \"<action id>\" (done) or \"<action id>@started\""),
                ));
            }
            let j = action_ids.get(
                ctx,
                &Spanned::new(req.span(), target.to_string()),
                &format!("{who}: requires"),
            )?;
            if j == k {
                return Err(ctx.err(
                    Some(req.span()),
                    format!("{who} requires itself: a requirement cycle"),
                ));
            }
            let list = if started {
                &mut requires_started
            } else {
                &mut requires_done
            };
            if list.contains(&j) {
                return Err(ctx.err(
                    Some(req.span()),
                    format!("{who}: requirement \"{text}\" is listed twice"),
                ));
            }
            list.push(j);
        }
        let at_least = match &r.requires_at_least {
            None => None,
            Some(al) => {
                let v = al.get_ref();
                let mut of = Vec::new();
                for x in &v.of {
                    let j = action_ids.get(ctx, x, &format!("{who}: requires_at_least.of"))?;
                    if j == k {
                        return Err(ctx.err(Some(x.span()), format!("{who}: requires_at_least lists the action itself: a requirement cycle")));
                    }
                    if of.contains(&j) {
                        return Err(ctx.err(
                            Some(x.span()),
                            format!("{who}: requires_at_least lists `{}` twice", x.get_ref()),
                        ));
                    }
                    of.push(j);
                }
                if v.n < 0 || v.n as usize > of.len() {
                    return Err(ctx.err(
                        Some(al.span()),
                        format!("{who}: requires_at_least asks for n = {} of {} listed actions; n must be between 0 and {}", v.n, of.len(), of.len()),
                    ));
                }
                Some(AtLeast {
                    n: v.n as usize,
                    of,
                })
            }
        };
        // Quantity.
        let quantity = match (&r.quantity, &r.unit) {
            (None, None) => None,
            (Some(q), None) => {
                return Err(ctx.err(
                    Some(q.span()),
                    format!("{who}: quantity needs a unit, e.g. unit = \"t HFO\""),
                ));
            }
            (None, Some(u)) => {
                return Err(ctx.err(Some(u.span()), format!("{who}: unit without a quantity")));
            }
            (Some(q), Some(u)) => {
                let x = *q.get_ref();
                if !(x.is_finite() && x >= 0.0) {
                    return Err(ctx.err(
                        Some(q.span()),
                        format!("{who}: quantity = {x} must be a finite number >= 0"),
                    ));
                }
                let unit = u.get_ref().trim();
                if unit.is_empty() {
                    return Err(ctx.err(Some(u.span()), format!("{who}: unit is empty")));
                }
                if let Some(c) = unit.chars().find(|&c| c.is_control() || c == '@') {
                    return Err(ctx.err(
                        Some(u.span()),
                        format!(
                            "{who}: unit = {unit:?} contains {c:?}; a unit names output columns and observables (quantity.<unit>@<date>), so it may not contain '@' or control characters such as a line break"
                        ),
                    ));
                }
                let ui = match units.iter().position(|x| x == unit) {
                    Some(ui) => ui,
                    None => {
                        units.push(unit.to_string());
                        unit_totals.push(0.0);
                        units.len() - 1
                    }
                };
                unit_totals[ui] += x;
                if unit_totals[ui] > MAX_UNIT_TOTAL {
                    return Err(ctx.err(
                        Some(q.span()),
                        format!(
                            "{who}: the quantities in unit {unit:?} add up to more than {MAX_UNIT_TOTAL:e} with this one; a trial sums them, so each unit's total over all actions must be at most {MAX_UNIT_TOTAL:e} (use a larger unit, e.g. kt instead of t)"
                        ),
                    ));
                }
                Some((ui, x))
            }
        };
        phases[phase].actions.push(k);
        let compliance = per_actor(
            ctx,
            r.compliance.as_ref(),
            "compliance",
            true,
            &actors,
            party_ids,
            |i| parties[i].compliance,
            &who,
        )?;
        let reciprocity = per_actor(
            ctx,
            r.reciprocity.as_ref(),
            "reciprocity",
            false,
            &actors,
            party_ids,
            |i| parties[i].reciprocity,
            &who,
        )?;
        actions.push(Action {
            name: r.name.clone().unwrap_or_else(|| id.clone()),
            id,
            actors,
            actor_mask,
            phase,
            deadline,
            duration,
            requires_done,
            requires_started,
            at_least,
            quantity,
            counterparts: Vec::new(),
            relative_deadline,
            relapse_every,
            compliance,
            reciprocity,
        });
    }
    for (k, p) in phases.iter().enumerate() {
        if p.actions.is_empty() {
            return Err(ctx.err(
                Some(raw.phase[k].span()),
                format!(
                    "phase `{}` holds no action; every phase needs at least one (or remove it)",
                    p.id
                ),
            ));
        }
    }
    // Requirement cycles over the hard links (done and @started).
    {
        let edges: Vec<Vec<usize>> = actions
            .iter()
            .map(|a| {
                a.requires_done
                    .iter()
                    .chain(&a.requires_started)
                    .copied()
                    .collect()
            })
            .collect();
        if let Some(cycle) = find_cycle(&edges) {
            let names: Vec<&str> = cycle.iter().map(|&i| actions[i].id.as_str()).collect();
            return Err(ctx.err(
                Some(raw.action[cycle[0]].span()),
                format!(
                    "requirement cycle: {} (each requires the next)",
                    names.join(" -> ")
                ),
            ));
        }
    }
    // Counterparts.
    for k in 0..actions.len() {
        let named: BTreeSet<usize> = {
            let a = &actions[k];
            a.requires_done
                .iter()
                .chain(&a.requires_started)
                .chain(a.at_least.iter().flat_map(|al| al.of.iter()))
                .flat_map(|&j| actions[j].actors.iter().copied())
                .collect()
        };
        let counterparts = actions[k]
            .actors
            .iter()
            .map(|&i| {
                let c: Vec<usize> = named.iter().copied().filter(|&j| j != i).collect();
                if c.is_empty() {
                    // All the other non-observer parties (docs/MODEL.md 2.14).
                    (0..n).filter(|&j| j != i && !parties[j].observer).collect()
                } else {
                    c
                }
            })
            .collect();
        actions[k].counterparts = counterparts;
    }

    Ok((action_ids, actions, units))
}

fn compile_duration(ctx: &Ctx, d: &Spanned<DurationRaw>, who: &str) -> Result<Duration> {
    let span = d.span();
    let bad = |msg: String| Err(ctx.err(Some(span.clone()), format!("{who}: duration {msg}")));
    let all_finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
    match d.get_ref() {
        DurationRaw::Fixed(x) => {
            if !(x.is_finite() && *x >= 0.0) {
                return bad(format!("fixed = {x} must be a number of days >= 0"));
            }
            Ok(Duration::Fixed(*x))
        }
        DurationRaw::Uniform(v) => {
            if v.len() != 2 || !all_finite(v) {
                return bad("uniform must be [a, b], two numbers of days".into());
            }
            let (a, b) = (v[0], v[1]);
            if a < 0.0 || a > b {
                return bad(format!("uniform = [{a}, {b}] needs 0 <= a <= b"));
            }
            Ok(Duration::Uniform(a, b))
        }
        DurationRaw::Triangular(v) => {
            if v.len() != 3 || !all_finite(v) {
                return bad("triangular must be [min, mode, max], three numbers of days".into());
            }
            let (a, m, b) = (v[0], v[1], v[2]);
            if a < 0.0 || a > m || m > b {
                return bad(format!(
                    "triangular = [{a}, {m}, {b}] needs 0 <= min <= mode <= max"
                ));
            }
            Ok(Duration::Triangular(a, m, b))
        }
        DurationRaw::Lognormal { median, sigma } => {
            if !(median.is_finite() && *median > 0.0) {
                return bad(format!("lognormal median = {median} must be > 0"));
            }
            if !(sigma.is_finite() && *sigma >= 0.0) {
                return bad(format!("lognormal sigma = {sigma} must be >= 0"));
            }
            Ok(Duration::LogNormal {
                median: *median,
                sigma: *sigma,
            })
        }
        DurationRaw::Exponential { mean } => {
            if !(mean.is_finite() && *mean > 0.0) {
                return bad(format!("exponential mean = {mean} must be > 0"));
            }
            Ok(Duration::Exponential { mean: *mean })
        }
    }
}
