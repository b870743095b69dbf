//! Validation: turn a [`FileRaw`] into a compiled [`Scenario`], or one clear error.
//!
//! Checks, in the order a reader meets them: the `[scenario]` table, parties and their
//! parameters, phases, actions and their links, shocks; then the structure as a whole:
//! requirement cycles, phase cycles, and actions that no trial could ever make due (found by
//! a best-case pass: every consent at the first possible review, every duration at its least).

use super::raw::*;
use crate::duration::Duration;
use crate::error::{Error, Location, Result};
use crate::model::*;
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap};
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
    toml::from_str::<FileRaw>(text).map_err(|e| {
        let msg = e.message().trim().to_string();
        ctx.err(e.span(), msg)
    })
}

/// The longest id accepted, in characters: ids label columns and tables, so they stay short.
pub const MAX_ID_CHARS: usize = 64;

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

fn parse_date(ctx: &Ctx, v: &Spanned<DateValue>, what: &str) -> Result<NaiveDate> {
    let s = v.get_ref().0.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        ctx.err(
            Some(v.span()),
            format!(
                "{what} = \"{s}\" is not a date; write it as \"YYYY-MM-DD\", e.g. \"2007-10-03\""
            ),
        )
    })
}

fn days_between(start: NaiveDate, d: NaiveDate) -> i64 {
    (d - start).num_days()
}

fn check_unit(ctx: &Ctx, span: Range<usize>, what: &str, x: f64) -> Result<f64> {
    if x.is_finite() && (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(ctx.err(Some(span), format!("{what} = {x} is outside [0, 1]")))
    }
}

fn list(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let v: Vec<String> = names.into_iter().map(|s| s.as_ref().to_string()).collect();
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

struct Ids {
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

fn plural(kind: &str) -> String {
    match kind {
        "party" => "parties".into(),
        other => format!("{other}s"),
    }
}

fn required<'a, T>(
    ctx: &Ctx,
    v: &'a Option<T>,
    span: Range<usize>,
    what: &str,
    hint: &str,
) -> Result<&'a T> {
    v.as_ref()
        .ok_or_else(|| ctx.err(Some(span), format!("{what} is missing; {hint}")))
}

fn int_in(ctx: &Ctx, v: &Spanned<i64>, what: &str, lo: i64, hi: i64) -> Result<u32> {
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
        for (what, v) in [
            ("compliance", dflt.compliance),
            ("initial_trust", dflt.initial_trust),
            ("trust_gain", dflt.trust_gain),
            ("trust_loss", dflt.trust_loss),
            ("walkout_trust", dflt.walkout_trust),
        ] {
            if let Some(x) = v {
                check_unit(ctx, span.clone(), &format!("[defaults] {what}"), x)?;
            }
        }
        if let Some(x) = dflt.reciprocity
            && !(x.is_finite() && x >= 0.0)
        {
            return Err(ctx.err(
                Some(span.clone()),
                format!("[defaults] reciprocity = {x} must be a number >= 0"),
            ));
        }
        if let Some(r) = dflt.review_every_days
            && !(1..=MAX_HORIZON_DAYS).contains(&r)
        {
            return Err(ctx.err(
                Some(span.clone()),
                format!("[defaults] review_every_days = {r} is outside [1, {MAX_HORIZON_DAYS}]"),
            ));
        }
        for (k, v) in dflt.trust.iter().flatten() {
            party_ids.get(ctx, k, "[defaults] trust")?;
            check_unit(
                ctx,
                k.span(),
                &format!("[defaults] trust.{}", k.get_ref()),
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
                Some(x) => check_unit(ctx, span.clone(), &format!("{who}: {field}"), x),
                None => Ok(d.unwrap_or(def)),
            }
        };
        let compliance = unit(r.compliance, dflt.compliance, "compliance", 0.5)?;
        let trust0 = unit(r.initial_trust, dflt.initial_trust, "initial_trust", 0.5)?;
        let trust_gain = unit(r.trust_gain, dflt.trust_gain, "trust_gain", 0.1)?;
        let trust_loss = unit(r.trust_loss, dflt.trust_loss, "trust_loss", 0.2)?;
        let walkout_trust = unit(r.walkout_trust, dflt.walkout_trust, "walkout_trust", 0.0)?;
        let reciprocity = r.reciprocity.or(dflt.reciprocity).unwrap_or(1.0);
        if !(reciprocity.is_finite() && reciprocity >= 0.0) {
            return Err(ctx.err(
                Some(span.clone()),
                format!("{who}: reciprocity = {reciprocity} must be a number >= 0"),
            ));
        }
        let review = r
            .review_every_days
            .or(dflt.review_every_days)
            .or(scenario_review.map(i64::from))
            .unwrap_or(7);
        if !(1..=MAX_HORIZON_DAYS).contains(&review) {
            return Err(ctx.err(
                Some(span.clone()),
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
            initial_trust[j] =
                check_unit(ctx, k.span(), &format!("{who}: trust.{}", k.get_ref()), *v)?;
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
            suspend_trust: 0.0,
            observer: false,
        });
    }

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
        let ph = required(
            ctx,
            &r.phase,
            span.clone(),
            &format!("{who}: phase"),
            &format!("declared phases: {}", list(&phase_ids.names)),
        )?;
        let phase = phase_ids.get(ctx, ph, &who)?;
        // Deadline.
        let deadline = match &r.deadline {
            Some(d) => {
                let date = parse_date(ctx, d, &format!("{who}: deadline"))?;
                let day = days_between(start, date);
                if day < 0 {
                    return Err(ctx.err(
                        Some(d.span()),
                        format!("{who}: deadline {date} is before the scenario start {start}"),
                    ));
                }
                Some(day.min(i64::from(u32::MAX - 2)) as u32)
            }
            None => None,
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
                let ui = match units.iter().position(|x| x == unit) {
                    Some(ui) => ui,
                    None => {
                        units.push(unit.to_string());
                        units.len() - 1
                    }
                };
                Some((ui, x))
            }
        };
        phases[phase].actions.push(k);
        let compliance = actors.iter().map(|&i| parties[i].compliance).collect();
        let reciprocity = actors.iter().map(|&i| parties[i].reciprocity).collect();
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
            relative_deadline: None,
            relapse_every: 0,
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
                    (0..n).filter(|&j| j != i).collect()
                } else {
                    c
                }
            })
            .collect();
        actions[k].counterparts = counterparts;
    }

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
        let days = if window_first > window_last {
            0.0
        } else {
            f64::from(window_last - window_first) + 1.0
        };
        let expected = rate * days / 365.25;
        if expected > MAX_SHOCK_ARRIVALS {
            return Err(ctx.err(
                Some(span.clone()),
                format!("{who}: rate_per_year = {rate} means {expected:.3e} expected arrivals per trial over its window; at most {MAX_SHOCK_ARRIVALS} are accepted (a rate up to {:.4e} for this window)", MAX_SHOCK_ARRIVALS * 365.25 / days.max(1.0)),
            ));
        }
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
                        explain_never_due(&scenario, &best, k)
                    ),
                ));
            }
            Some(d) if d > u64::from(scenario.horizon) => {
                return Err(ctx.err(
                    Some(raw.action[k].span()),
                    format!(
                        "action `{}` cannot become due before the horizon: the earliest it could is day {d} ({}), the horizon is day {} ({}); move the horizon or its phase",
                        a.id,
                        fmt_day(&scenario, d),
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

fn fmt_day(s: &Scenario, d: u64) -> String {
    if d <= u64::from(u32::MAX) {
        s.date(d as u32).to_string()
    } else {
        "never".into()
    }
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

/// A cycle in a directed graph given as adjacency lists, as a list of nodes (first repeated
/// implicitly), or `None`. Deterministic: searches from the lowest node.
fn find_cycle(edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    // 0 = unvisited, 1 = on stack, 2 = done
    let mut state = vec![0u8; edges.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..edges.len() {
        if state[root] != 0 {
            continue;
        }
        stack.push((root, 0));
        state[root] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if *i < edges[v].len() {
                let w = edges[v][*i];
                *i += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        let pos = stack.iter().position(|&(x, _)| x == w).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[pos..].iter().map(|&(x, _)| x).collect();
                        cycle.push(w);
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    None
}

/// The earliest day each event could happen in any trial: every consent at the actor's first
/// review, every duration at its least, no pause. `None` = never.
#[derive(Debug, Clone)]
pub struct BestCase {
    /// Earliest day each phase starts.
    pub phase_start: Vec<Option<u64>>,
    /// Earliest day each phase is done.
    pub phase_done: Vec<Option<u64>>,
    /// Earliest day each action becomes due.
    pub due: Vec<Option<u64>>,
    /// Earliest day each action starts.
    pub start: Vec<Option<u64>>,
    /// Earliest day each action is done.
    pub done: Vec<Option<u64>>,
}

/// Compute the [`BestCase`] of a scenario (a fixpoint from "never", so a dependency loop
/// that no trial can break stays "never").
pub fn best_case(s: &Scenario) -> BestCase {
    let na = s.actions.len();
    let np = s.phases.len();
    let mut b = BestCase {
        phase_start: vec![None; np],
        phase_done: vec![None; np],
        due: vec![None; na],
        start: vec![None; na],
        done: vec![None; na],
    };
    let maxo = |xs: &mut dyn Iterator<Item = Option<u64>>| -> Option<u64> {
        let mut m = 0u64;
        for x in xs {
            m = m.max(x?);
        }
        Some(m)
    };
    for _round in 0..(na + np + 2) {
        let mut changed = false;
        for p in 0..np {
            let v = match &s.phases[p].start {
                PhaseStart::Day(d) => Some(u64::from(*d)),
                PhaseStart::After { phases, lag } => {
                    maxo(&mut phases.iter().map(|&q| b.phase_done[q])).map(|d| d + u64::from(*lag))
                }
            };
            if v != b.phase_start[p] {
                b.phase_start[p] = v;
                changed = true;
            }
        }
        for k in 0..na {
            let a = &s.actions[k];
            let mut due = b.phase_start[a.phase];
            due = due.and_then(|d| {
                maxo(&mut a.requires_done.iter().map(|&j| b.done[j])).map(|x| x.max(d))
            });
            due = due.and_then(|d| {
                maxo(&mut a.requires_started.iter().map(|&j| b.start[j])).map(|x| x.max(d))
            });
            if let (Some(d), Some(al)) = (due, &a.at_least) {
                let mut ds: Vec<u64> = al.of.iter().filter_map(|&j| b.done[j]).collect();
                ds.sort_unstable();
                due = if al.n == 0 {
                    Some(d)
                } else if ds.len() >= al.n {
                    Some(d.max(ds[al.n - 1]))
                } else {
                    None
                };
            }
            let start = due.map(|d| {
                a.actors
                    .iter()
                    .map(|&i| {
                        let r = u64::from(s.parties[i].review_every);
                        d.div_ceil(r) * r
                    })
                    .max()
                    .unwrap_or(d)
            });
            let done = start.map(|t| t + u64::from(a.duration.min_days()));
            if (due, start, done) != (b.due[k], b.start[k], b.done[k]) {
                b.due[k] = due;
                b.start[k] = start;
                b.done[k] = done;
                changed = true;
            }
        }
        for p in 0..np {
            let v = maxo(&mut s.phases[p].actions.iter().map(|&k| b.done[k]));
            if v != b.phase_done[p] {
                b.phase_done[p] = v;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    b
}

fn explain_never_due(s: &Scenario, b: &BestCase, k: usize) -> String {
    let a = &s.actions[k];
    let ph = &s.phases[a.phase];
    if b.phase_start[a.phase].is_none() {
        let waits: Vec<String> = match &ph.start {
            PhaseStart::After { phases, .. } => phases
                .iter()
                .filter(|&&q| b.phase_done[q].is_none())
                .map(|&q| format!("`{}`", s.phases[q].id))
                .collect(),
            PhaseStart::Day(_) => vec![],
        };
        return format!(
            "its phase `{}` never starts (it waits for phase {} to be done, which waits, directly or not, for this action)",
            ph.id,
            waits.join(", ")
        );
    }
    let mut blockers: Vec<String> = Vec::new();
    for &j in &a.requires_done {
        if b.done[j].is_none() {
            blockers.push(format!("`{}` is never done", s.actions[j].id));
        }
    }
    for &j in &a.requires_started {
        if b.start[j].is_none() {
            blockers.push(format!("`{}` never starts", s.actions[j].id));
        }
    }
    if let Some(al) = &a.at_least {
        let possible = al.of.iter().filter(|&&j| b.done[j].is_some()).count();
        if possible < al.n {
            blockers.push(format!(
                "requires_at_least needs {} done but only {possible} of its list can ever be done",
                al.n
            ));
        }
    }
    format!(
        "{} (a dependency loop through phases or requires_at_least)",
        blockers.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "ab\ncde\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 5), (2, 3));
        assert_eq!(line_col(t, 100), (3, 2));
    }

    #[test]
    fn cycles_are_found_and_reported_in_order() {
        assert_eq!(
            find_cycle(&[vec![1], vec![2], vec![0]]),
            Some(vec![0, 1, 2, 0])
        );
        assert_eq!(find_cycle(&[vec![1], vec![], vec![0]]), None);
        assert_eq!(find_cycle(&[vec![0]]), Some(vec![0, 0]));
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
