//! Phases: ids, start rules (a day or `after` other phases with a lag), phase cycles.

use super::structure::find_cycle;
use super::*;

/// Compile every `[[phase]]` (ids first, so `after` may name a phase declared later).
pub(super) fn compile_phases(
    ctx: &Ctx,
    raw: &FileRaw,
    start: NaiveDate,
) -> Result<(Ids, Vec<Phase>)> {
    // ---- phases (ids first, so `after` may name a phase declared later)
    let mut phase_ids = Ids::new("phase");
    for p in &raw.phase {
        let id = required(
            ctx,
            &p.get_ref().id,
            p.span(),
            "[[phase]] id",
            "e.g. id = \"disablement\"",
        )?;
        phase_ids.add(ctx, id)?;
    }
    let mut phases = Vec::with_capacity(raw.phase.len());
    for (k, p) in raw.phase.iter().enumerate() {
        let r = p.get_ref();
        let id = phase_ids.names[k].clone();
        let who = format!("phase `{id}`");
        let start_rule = match (&r.start, &r.after) {
            (Some(d), Some(_)) => {
                return Err(ctx.err(
                    Some(d.span()),
                    format!("{who} gives both start and after; give one (or neither: it starts on day 0)"),
                ));
            }
            (Some(d), None) => {
                if let Some(l) = &r.lag_days {
                    return Err(ctx.err(
                        Some(l.span()),
                        format!("{who}: lag_days goes with after = [...], not with start"),
                    ));
                }
                let date = parse_date(ctx, d, &format!("{who}: start"))?;
                let day = days_between(start, date);
                if day < 0 {
                    return Err(ctx.err(
                        Some(d.span()),
                        format!("{who}: start {date} is before the scenario start {start}"),
                    ));
                }
                PhaseStart::Day(day.min(MAX_HORIZON_DAYS + 1) as u32)
            }
            (None, Some(after)) => {
                let mut ps = Vec::new();
                for a in after {
                    let q = phase_ids.get(ctx, a, &format!("{who}: after"))?;
                    if q == k {
                        return Err(ctx.err(
                            Some(a.span()),
                            format!("{who} is after itself: a phase cycle"),
                        ));
                    }
                    if !ps.contains(&q) {
                        ps.push(q);
                    }
                }
                if ps.is_empty() {
                    return Err(ctx.err(
                        Some(p.span()),
                        format!("{who}: after = [] names no phase; omit it to start on day 0"),
                    ));
                }
                let lag = match &r.lag_days {
                    Some(l) => int_in(ctx, l, &format!("{who}: lag_days"), 0, MAX_HORIZON_DAYS)?,
                    None => 0,
                };
                PhaseStart::After { phases: ps, lag }
            }
            (None, None) => {
                if let Some(l) = &r.lag_days {
                    return Err(ctx.err(
                        Some(l.span()),
                        format!("{who}: lag_days goes with after = [...]"),
                    ));
                }
                PhaseStart::Day(0)
            }
        };
        phases.push(Phase {
            name: r.name.clone().unwrap_or_else(|| id.clone()),
            id,
            start: start_rule,
            actions: Vec::new(),
            followers: Vec::new(),
        });
    }
    // Phase cycles.
    {
        let edges: Vec<Vec<usize>> = phases
            .iter()
            .map(|p| match &p.start {
                PhaseStart::After { phases, .. } => phases.clone(),
                _ => vec![],
            })
            .collect();
        if let Some(cycle) = find_cycle(&edges) {
            let names: Vec<&str> = cycle.iter().map(|&i| phases[i].id.as_str()).collect();
            let span = raw.phase[cycle[0]].span();
            return Err(ctx.err(
                Some(span),
                format!(
                    "phase cycle: {} (each starts after the next)",
                    names.join(" -> ")
                ),
            ));
        }
    }
    for k in 0..phases.len() {
        if let PhaseStart::After { phases: ps, .. } = phases[k].start.clone() {
            for q in ps {
                phases[q].followers.push(k);
            }
        }
    }

    Ok((phase_ids, phases))
}
