//! Shocks: rates or triggers (docs/MODEL.md 2.15), who loses trust in whom, pauses,
//! windows (dates or day numbers).

use super::timing::day_of;
use super::*;

/// Compile every `[[shock]]`, in declaration order.
pub(super) fn compile_shocks(
    ctx: &Ctx,
    raw: &FileRaw,
    start: NaiveDate,
    horizon: u32,
    party_ids: &Ids,
    action_ids: &Ids,
) -> Result<Vec<Shock>> {
    // ---- shocks
    let mut shock_ids = Ids::new("shock");
    let mut shocks = Vec::with_capacity(raw.shock.len());
    for sh in &raw.shock {
        let span = sh.span();
        let r = sh.get_ref();
        let idv = required(
            ctx,
            &r.id,
            span.clone(),
            "[[shock]] id",
            "e.g. id = \"banking-dispute\"",
        )?;
        shock_ids.add(ctx, idv)?;
        let id = idv.get_ref().clone();
        let who = format!("shock `{id}`");
        let trigger = compile_trigger(ctx, r, action_ids, &who)?;
        let rate = match (&r.rate_per_year, &trigger) {
            (Some(_), Some(_)) => {
                return Err(ctx.err(
                    r.on.as_ref().map(|o| o.span()).or(Some(span.clone())),
                    format!("{who} gives both rate_per_year and on; give one: rate_per_year for arrivals at random, on = {{ lapse | done | started = \"<action id>\" }} for a shock that answers an event"),
                ));
            }
            (None, Some(_)) => 0.0,
            _ => *required(
                ctx,
                &r.rate_per_year,
                span.clone(),
                &format!("{who}: rate_per_year"),
                "mean arrivals per 365.25 days, e.g. rate_per_year = 0.5 (or, for a shock that answers an event, on = { lapse = \"<action id>\" })",
            )?,
        };
        if !(rate.is_finite() && rate >= 0.0) {
            return Err(ctx.err(
                Some(ctx.field_in(span.clone(), "rate_per_year")),
                format!("{who}: rate_per_year = {rate} must be a finite number >= 0"),
            ));
        }
        let parties_of = |v: &Option<Vec<Spanned<String>>>, field: &str| -> Result<Vec<usize>> {
            let mut out = Vec::new();
            for x in v.iter().flatten() {
                let i = party_ids.get(ctx, x, &format!("{who}: {field}"))?;
                if out.contains(&i) {
                    return Err(ctx.err(
                        Some(x.span()),
                        format!("{who}: {field} lists `{}` twice", x.get_ref()),
                    ));
                }
                out.push(i);
            }
            out.sort_unstable();
            Ok(out)
        };
        let from = parties_of(&r.from, "from")?;
        let toward = parties_of(&r.toward, "toward")?;
        let pause = parties_of(&r.pause, "pause")?;
        let trust_drop = match r.trust_drop {
            Some(x) => check_unit(
                ctx,
                || ctx.field_in(span.clone(), "trust_drop"),
                || format!("{who}: trust_drop"),
                x,
            )?,
            None => 0.0,
        };
        if trust_drop > 0.0 && (from.is_empty() || toward.is_empty()) {
            return Err(ctx.err(
                Some(span.clone()),
                format!("{who}: trust_drop needs from = [...] (whose trust falls) and toward = [...] (in whom)"),
            ));
        }
        let pause_days = match (&r.pause_days, pause.is_empty()) {
            (Some(d), false) => int_in(ctx, d, &format!("{who}: pause_days"), 1, MAX_HORIZON_DAYS)?,
            (None, false) => {
                return Err(ctx.err(
                    Some(span.clone()),
                    format!("{who}: pause needs pause_days >= 1"),
                ));
            }
            (Some(d), true) => {
                return Err(ctx.err(
                    Some(d.span()),
                    format!("{who}: pause_days without pause = [party ids]"),
                ));
            }
            (None, true) => 0,
        };
        let (window_first, window_last) = match &r.window {
            None => (0u32, horizon),
            Some(w) => {
                let v = w.get_ref();
                if v.len() != 2 {
                    return Err(ctx.err(
                        Some(w.span()),
                        format!(
                            "{who}: window must be [first, last] (dates or day numbers), not {} values",
                            v.len()
                        ),
                    ));
                }
                let what = format!("{who}: window");
                let (d0, s0) = day_of(ctx, w.span(), &v[0], start, &what)?;
                let (d1, s1) = day_of(ctx, w.span(), &v[1], start, &what)?;
                if d1 < d0 {
                    return Err(ctx.err(
                        Some(w.span()),
                        format!("{who}: window ends ({s1}) before it begins ({s0})"),
                    ));
                }
                let first = d0.max(0);
                let last = d1.min(i64::from(horizon));
                if last < 0 || first > last {
                    // The window lies outside the simulated days: an empty window.
                    (1, 0)
                } else {
                    (first as u32, last as u32)
                }
            }
        };
        let days = if window_first > window_last {
            0.0
        } else {
            f64::from(window_last - window_first) + 1.0
        };
        let expected = rate * days / 365.25;
        if expected > MAX_SHOCK_ARRIVALS {
            return Err(ctx.err(
                Some(ctx.field_in(span.clone(), "rate_per_year")),
                format!("{who}: rate_per_year = {rate} means {expected:.3e} expected arrivals per trial over its window; at most {MAX_SHOCK_ARRIVALS} are accepted (a rate up to {:.4e} for this window)", MAX_SHOCK_ARRIVALS * 365.25 / days.max(1.0)),
            ));
        }
        shocks.push(Shock {
            name: r.name.clone().unwrap_or_else(|| id.clone()),
            id,
            rate_per_year: rate,
            trigger,
            from,
            toward,
            trust_drop,
            pause,
            pause_days,
            window_first,
            window_last,
        });
    }
    Ok(shocks)
}

/// A shock's `on` and `chance` (docs/MODEL.md 2.15), or `None` for a Poisson shock.
fn compile_trigger(
    ctx: &Ctx,
    r: &ShockRaw,
    action_ids: &Ids,
    who: &str,
) -> Result<Option<Trigger>> {
    let Some(on) = &r.on else {
        if let Some(c) = &r.chance {
            return Err(ctx.err(
                Some(c.span()),
                format!("{who}: chance goes with on = {{ lapse | done | started = \"<action id>\" }}; a shock with rate_per_year arrives at random"),
            ));
        }
        return Ok(None);
    };
    let t = on.get_ref();
    let given: Vec<(TriggerEvent, &String)> = [
        (TriggerEvent::Lapse, &t.lapse),
        (TriggerEvent::Done, &t.done),
        (TriggerEvent::Started, &t.started),
    ]
    .into_iter()
    .filter_map(|(e, v)| v.as_ref().map(|v| (e, v)))
    .collect();
    let [(event, target)] = given.as_slice() else {
        return Err(ctx.err(
            Some(on.span()),
            format!(
                "{who}: on must have exactly one key, lapse, done or started (e.g. on = {{ lapse = \"<action id>\" }}), not {}",
                given.len()
            ),
        ));
    };
    let action = action_ids.get(
        ctx,
        &Spanned::new(on.span(), (*target).clone()),
        &format!("{who}: on"),
    )?;
    let chance = match &r.chance {
        Some(c) => check_unit(ctx, || c.span(), || format!("{who}: chance"), *c.get_ref())?,
        None => 1.0,
    };
    Ok(Some(Trigger {
        event: *event,
        action,
        chance,
    }))
}
