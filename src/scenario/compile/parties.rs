//! Parties and `[defaults]`: ids, behaviour parameters in range, starting trust.

use super::*;

/// Compile `[defaults]` and every `[[party]]`, in declaration order.
pub(super) fn compile_parties(
    ctx: &Ctx,
    raw: &FileRaw,
    scenario_review: Option<u32>,
) -> Result<(Ids, Vec<Party>)> {
    // ---- parties
    if raw.party.is_empty() {
        return Err(ctx.err(
            None,
            "no [[party]] is declared; a scenario needs at least one",
        ));
    }
    if raw.party.len() > MAX_PARTIES {
        return Err(ctx.err(
            Some(raw.party[MAX_PARTIES].span()),
            format!(
                "{} parties are declared; at most {MAX_PARTIES} are supported",
                raw.party.len()
            ),
        ));
    }
    let mut party_ids = Ids::new("party");
    for p in &raw.party {
        let id = required(
            ctx,
            &p.get_ref().id,
            p.span(),
            "[[party]] id",
            "e.g. id = \"DPRK\"",
        )?;
        party_ids.add(ctx, id)?;
    }
    let n = raw.party.len();
    let defaults = raw
        .defaults
        .as_ref()
        .map(|d| (d.span(), d.get_ref().clone()));
    let dflt = defaults
        .as_ref()
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    let dspan = defaults.as_ref().map(|(s, _)| s.clone());
    // [defaults] values in range (named as such, so the user knows where to look).
    {
        let span = dspan.clone().unwrap_or(0..0);
        if let Some(o) = &dflt.observer {
            return Err(ctx.err(
                Some(o.span()),
                "[defaults] observer is not valid here: observer is set per party; write observer = true in the [[party]] of each verifier",
            ));
        }
        for (what, v) in [
            ("compliance", dflt.compliance),
            ("initial_trust", dflt.initial_trust),
            ("trust_gain", dflt.trust_gain),
            ("trust_loss", dflt.trust_loss),
            ("walkout_trust", dflt.walkout_trust),
            ("suspend_trust", dflt.suspend_trust),
        ] {
            if let Some(x) = v {
                check_unit(
                    ctx,
                    || ctx.field_in(span.clone(), what),
                    || format!("[defaults] {what}"),
                    x,
                )?;
            }
        }
        if let Some(x) = dflt.reciprocity
            && !(x.is_finite() && x >= 0.0)
        {
            return Err(ctx.err(
                Some(ctx.field_in(span.clone(), "reciprocity")),
                format!("[defaults] reciprocity = {x} must be a number >= 0"),
            ));
        }
        if let Some(r) = dflt.review_every_days
            && !(1..=MAX_HORIZON_DAYS).contains(&r)
        {
            return Err(ctx.err(
                Some(ctx.field_in(span.clone(), "review_every_days")),
                format!("[defaults] review_every_days = {r} is outside [1, {MAX_HORIZON_DAYS}]"),
            ));
        }
        for (k, v) in dflt.trust.iter().flatten() {
            party_ids.get(ctx, k, "[defaults] trust")?;
            check_unit(
                ctx,
                || k.span(),
                || format!("[defaults] trust.{}", k.get_ref()),
                *v,
            )?;
        }
    }
    let mut parties = Vec::with_capacity(n);
    for (i, p) in raw.party.iter().enumerate() {
        let span = p.span();
        let r = p.get_ref();
        let id = party_ids.names[i].clone();
        let who = format!("party `{id}`");
        let unit = |v: Option<f64>, d: Option<f64>, field: &str, def: f64| -> Result<f64> {
            match v {
                Some(x) => check_unit(
                    ctx,
                    || ctx.field_in(span.clone(), field),
                    || format!("{who}: {field}"),
                    x,
                ),
                None => Ok(d.unwrap_or(def)),
            }
        };
        let compliance = unit(r.compliance, dflt.compliance, "compliance", 0.5)?;
        let trust0 = unit(r.initial_trust, dflt.initial_trust, "initial_trust", 0.5)?;
        let trust_gain = unit(r.trust_gain, dflt.trust_gain, "trust_gain", 0.1)?;
        let trust_loss = unit(r.trust_loss, dflt.trust_loss, "trust_loss", 0.2)?;
        let walkout_trust = unit(r.walkout_trust, dflt.walkout_trust, "walkout_trust", 0.0)?;
        let suspend_trust = unit(r.suspend_trust, dflt.suspend_trust, "suspend_trust", 0.0)?;
        let reciprocity = r.reciprocity.or(dflt.reciprocity).unwrap_or(1.0);
        if !(reciprocity.is_finite() && reciprocity >= 0.0) {
            let at = match r.reciprocity {
                Some(_) => ctx.field_in(span.clone(), "reciprocity"),
                None => span.clone(),
            };
            return Err(ctx.err(
                Some(at),
                format!("{who}: reciprocity = {reciprocity} must be a number >= 0"),
            ));
        }
        let review = r
            .review_every_days
            .or(dflt.review_every_days)
            .or(scenario_review.map(i64::from))
            .unwrap_or(7);
        if !(1..=MAX_HORIZON_DAYS).contains(&review) {
            let at = match r.review_every_days {
                Some(_) => ctx.field_in(span.clone(), "review_every_days"),
                None => span.clone(),
            };
            return Err(ctx.err(
                Some(at),
                format!("{who}: review_every_days = {review} is outside [1, {MAX_HORIZON_DAYS}]"),
            ));
        }
        let mut initial_trust = vec![trust0; n];
        initial_trust[i] = 0.0;
        for (k, v) in dflt.trust.iter().flatten() {
            let j = party_ids.index[k.get_ref()];
            if j != i {
                initial_trust[j] = *v;
            }
        }
        for (k, v) in r.trust.iter().flatten() {
            let j = party_ids.get(ctx, k, &format!("{who}: trust"))?;
            if j == i {
                return Err(ctx.err(
                    Some(k.span()),
                    format!("{who}: trust names the party itself; trust is in the other parties"),
                ));
            }
            initial_trust[j] = check_unit(
                ctx,
                || k.span(),
                || format!("{who}: trust.{}", k.get_ref()),
                *v,
            )?;
        }
        parties.push(Party {
            name: r.name.clone().unwrap_or_else(|| id.clone()),
            id,
            compliance,
            reciprocity,
            trust_gain,
            trust_loss,
            walkout_trust,
            review_every: review as u32,
            initial_trust,
            suspend_trust,
            observer: r.observer.unwrap_or(false),
        });
    }

    Ok((party_ids, parties))
}
