//! Shocks: rates, who loses trust in whom, pauses, windows.

use super::*;

/// Compile every `[[shock]]`, in declaration order.
pub(super) fn compile_shocks(
    ctx: &Ctx,
    raw: &FileRaw,
    start: NaiveDate,
    horizon: u32,
    party_ids: &Ids,
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
        let rate = *required(
            ctx,
            &r.rate_per_year,
            span.clone(),
            &format!("{who}: rate_per_year"),
            "mean arrivals per 365.25 days, e.g. rate_per_year = 0.5",
        )?;
        if !(rate.is_finite() && rate >= 0.0) {
            return Err(ctx.err(
                Some(span.clone()),
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
            Some(x) => check_unit(ctx, span.clone(), &format!("{who}: trust_drop"), x)?,
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
                            "{who}: window must be [first date, last date], not {} dates",
                            v.len()
                        ),
                    ));
                }
                let mut ds = [start; 2];
                for (slot, dv) in ds.iter_mut().zip(v) {
                    *slot = parse_date(
                        ctx,
                        &Spanned::new(w.span(), dv.clone()),
                        &format!("{who}: window"),
                    )?;
                }
                if ds[1] < ds[0] {
                    return Err(ctx.err(
                        Some(w.span()),
                        format!(
                            "{who}: window ends ({}) before it begins ({})",
                            ds[1], ds[0]
                        ),
                    ));
                }
                let first = days_between(start, ds[0]).max(0);
                let last = days_between(start, ds[1]).min(i64::from(horizon));
                if last < 0 || first > last {
                    // The window lies outside the simulated days: an empty window.
                    (1, 0)
                } else {
                    (first as u32, last as u32)
                }
            }
        };
        shocks.push(Shock {
            name: r.name.clone().unwrap_or_else(|| id.clone()),
            id,
            rate_per_year: rate,
            trigger: None,
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
