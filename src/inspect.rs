//! `negsim check`: a compiled scenario described as a reader wants it, and the warnings for
//! what is legal but suspicious.
//!
//! Validation ([`crate::scenario`]) rejects what no trial could run. What passes can still be
//! a mistake that costs a researcher a day of runs: an action no trial can ever start, a
//! deadline that lapses in every trial, a shock that never fires, two spellings of one unit
//! totalled apart, a party that walks out before anything happens. [`warnings`] finds these;
//! [`report`] prints the scenario (parties, phases in start order, actions and their links,
//! quantities, shocks) followed by them.
//!
//! ```
//! use negsim::{inspect, scenario};
//!
//! let s = scenario::from_str(scenario::DEFAULT_SCENARIO, "second-phase-2007.toml").unwrap();
//! assert!(inspect::warnings(&s).is_empty());
//! let text = inspect::report(&s, "second-phase-2007.toml");
//! assert!(text.contains("provide-declaration"));
//! ```

use crate::model::{PhaseStart, Scenario};
use crate::scenario::{BestCase, best_case};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// What a [`Warning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WarningKind {
    /// An actor of the action has compliance 0, so the action can never start.
    NeverStarts,
    /// The action's deadline is earlier than it could ever become due (or be done): it lapses
    /// in every trial.
    DeadlineTooEarly,
    /// A shock has rate 0 or a window outside the simulated days.
    ShockNeverFires,
    /// A shock lowers no trust and pauses no one.
    ShockWithoutEffect,
    /// Two units differ only by case or spacing, so they are totalled apart.
    UnitLookalike,
    /// A party's initial mean trust is below its walkout threshold: it walks out on day 0.
    WalkoutAtStart,
}

impl WarningKind {
    /// A short machine name (`never-starts`, `deadline-too-early`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::NeverStarts => "never-starts",
            WarningKind::DeadlineTooEarly => "deadline-too-early",
            WarningKind::ShockNeverFires => "shock-never-fires",
            WarningKind::ShockWithoutEffect => "shock-without-effect",
            WarningKind::UnitLookalike => "unit-lookalike",
            WarningKind::WalkoutAtStart => "walkout-at-start",
        }
    }
}

/// Something legal but suspicious in a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What kind of problem.
    pub kind: WarningKind,
    /// The id it is about (action, shock, party or unit).
    pub subject: String,
    /// A sentence saying what and why.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.kind.as_str())
    }
}

/// Every warning for `s`, grouped by kind in the order of [`WarningKind`], and within a kind
/// in declaration order.
pub fn warnings(s: &Scenario) -> Vec<Warning> {
    let best = best_case(s);
    let mut out = Vec::new();
    never_starts(s, &mut out);
    deadlines(s, &best, &mut out);
    shocks(s, &mut out);
    units(s, &mut out);
    walkouts(s, &mut out);
    out
}

fn ids(s: &Scenario, actions: impl IntoIterator<Item = usize>) -> String {
    actions
        .into_iter()
        .map(|k| format!("`{}`", s.actions[k].id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Actions (and, through them, phases) that can never start once the actions in `roots`
/// never start: a fixpoint over requirements, `requires_at_least` and phase `after`.
fn blocked_by(s: &Scenario, roots: &[usize]) -> Vec<bool> {
    let mut blocked = vec![false; s.actions.len()];
    for &r in roots {
        blocked[r] = true;
    }
    loop {
        let mut changed = false;
        let phase_blocked: Vec<bool> = s
            .phases
            .iter()
            .map(|p| p.actions.iter().any(|&k| blocked[k]))
            .collect();
        for (k, a) in s.actions.iter().enumerate() {
            if blocked[k] {
                continue;
            }
            let phase_never_starts = match &s.phases[a.phase].start {
                PhaseStart::After { phases, .. } => phases.iter().any(|&q| phase_blocked[q]),
                PhaseStart::Day(_) => false,
            };
            let at_least_fails = a
                .at_least
                .as_ref()
                .is_some_and(|al| al.of.iter().filter(|&&j| !blocked[j]).count() < al.n);
            if phase_never_starts
                || at_least_fails
                || a.requires_done.iter().any(|&j| blocked[j])
                || a.requires_started.iter().any(|&j| blocked[j])
            {
                blocked[k] = true;
                changed = true;
            }
        }
        if !changed {
            return blocked;
        }
    }
}

fn never_starts(s: &Scenario, out: &mut Vec<Warning>) {
    for (k, a) in s.actions.iter().enumerate() {
        let zero: Vec<&str> = a
            .actors
            .iter()
            .filter(|&&i| s.parties[i].compliance == 0.0)
            .map(|&i| s.parties[i].id.as_str())
            .collect();
        if zero.is_empty() {
            continue;
        }
        let who = if zero.len() == 1 {
            format!("actor `{}` has", zero[0])
        } else {
            format!("actors `{}` have", zero.join("`, `"))
        };
        let mut message = format!(
            "action `{}` can never start: its {who} compliance 0, so it never consents",
            a.id
        );
        let blocked = blocked_by(s, &[k]);
        let follow: Vec<usize> = (0..s.actions.len())
            .filter(|&j| j != k && blocked[j])
            .collect();
        if !follow.is_empty() {
            let _ = write!(
                message,
                "; so neither can {} (they wait for it)",
                ids(s, follow)
            );
        }
        out.push(Warning {
            kind: WarningKind::NeverStarts,
            subject: a.id.clone(),
            message,
        });
    }
}

fn day_date(s: &Scenario, d: u64) -> String {
    if d <= u64::from(u32::MAX) {
        format!("day {d} ({})", s.date(d as u32))
    } else {
        "never".into()
    }
}

fn deadlines(s: &Scenario, best: &BestCase, out: &mut Vec<Warning>) {
    for (k, a) in s.actions.iter().enumerate() {
        let Some(deadline) = a.deadline else {
            continue;
        };
        let dl = u64::from(deadline);
        let head = format!(
            "action `{}`: its deadline {} (day {deadline})",
            a.id,
            s.date(deadline)
        );
        let tail = "so it lapses in every trial";
        let phase = &s.phases[a.phase];
        let message = match (best.phase_start[a.phase], best.due[k], best.done[k]) {
            (Some(p), _, _) if p > dl => format!(
                "{head} is before its phase `{}` could start (at the earliest {}), {tail}",
                phase.id,
                day_date(s, p)
            ),
            (_, Some(d), _) if d > dl => format!(
                "{head} is before it could become due (at the earliest {}), {tail}",
                day_date(s, d)
            ),
            (_, _, Some(d)) if d > dl => format!(
                "{head} is before it could be done (at the earliest {}: due {}, duration at least {} days), {tail}",
                day_date(s, d),
                best.due[k].map_or_else(|| "never".into(), |x| day_date(s, x)),
                a.duration.min_days()
            ),
            _ => continue,
        };
        out.push(Warning {
            kind: WarningKind::DeadlineTooEarly,
            subject: a.id.clone(),
            message,
        });
    }
}

fn shocks(s: &Scenario, out: &mut Vec<Warning>) {
    for sh in &s.shocks {
        if sh.rate_per_year == 0.0 {
            out.push(Warning {
                kind: WarningKind::ShockNeverFires,
                subject: sh.id.clone(),
                message: format!(
                    "shock `{}` has rate_per_year = 0, so it never occurs",
                    sh.id
                ),
            });
        } else if sh.window_first > sh.window_last {
            out.push(Warning {
                kind: WarningKind::ShockNeverFires,
                subject: sh.id.clone(),
                message: format!(
                    "shock `{}` never occurs: its window lies outside the simulated days, {} to {}",
                    sh.id,
                    s.start,
                    s.date(s.horizon)
                ),
            });
        }
    }
    for sh in &s.shocks {
        let lowers =
            sh.trust_drop > 0.0 && sh.from.iter().any(|i| sh.toward.iter().any(|j| i != j));
        if !lowers && sh.pause.is_empty() {
            out.push(Warning {
                kind: WarningKind::ShockWithoutEffect,
                subject: sh.id.clone(),
                message: format!(
                    "shock `{}` changes nothing: it lowers no party's trust in another (trust_drop, from, toward) and pauses no one",
                    sh.id
                ),
            });
        }
    }
}

/// A unit with case and runs of spaces folded: `"t  hfo"` and `"t HFO"` give `"t hfo"`.
pub fn unit_key(unit: &str) -> String {
    unit.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn units(s: &Scenario, out: &mut Vec<Warning>) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (u, name) in s.units.iter().enumerate() {
        groups.entry(unit_key(name)).or_default().push(u);
    }
    let mut lookalikes: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    lookalikes.sort();
    for g in lookalikes {
        let parts: Vec<String> = g
            .iter()
            .map(|&u| {
                let users = s
                    .actions
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.quantity.is_some_and(|(x, _)| x == u))
                    .map(|(k, _)| k);
                format!("\"{}\" ({})", s.units[u], ids(s, users))
            })
            .collect();
        out.push(Warning {
            kind: WarningKind::UnitLookalike,
            subject: s.units[g[0]].clone(),
            message: format!(
                "units {} differ only by case or spacing, so they are totalled apart; write them alike if they are one unit",
                parts.join(" and ")
            ),
        });
    }
}

/// Mean starting trust of party `i` in all the others, summed in party order (as the engine
/// sums it); 1 with a single party.
pub fn initial_mean_trust(s: &Scenario, i: usize) -> f64 {
    let n = s.parties.len();
    if n < 2 {
        return 1.0;
    }
    let sum: f64 = s.parties[i]
        .initial_trust
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != i)
        .map(|(_, x)| x)
        .sum();
    sum / (n - 1) as f64
}

fn walkouts(s: &Scenario, out: &mut Vec<Warning>) {
    if s.parties.len() < 2 {
        return;
    }
    for (i, p) in s.parties.iter().enumerate() {
        let mean = initial_mean_trust(s, i);
        if p.walkout_trust > 0.0 && mean < p.walkout_trust {
            out.push(Warning {
                kind: WarningKind::WalkoutAtStart,
                subject: p.id.clone(),
                message: format!(
                    "party `{}`: its initial mean trust {} is below its walkout_trust {}, so it walks out on day 0 and every trial collapses",
                    p.id,
                    round3(mean),
                    p.walkout_trust
                ),
            });
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A quantity with thousands separators when it is a whole number: `900,000`.
pub fn fmt_quantity(x: f64) -> String {
    if x.fract() != 0.0 || x.abs() >= 1e15 {
        return format!("{x}");
    }
    let digits = format!("{}", x.abs() as u64);
    let mut out = String::new();
    for (n, c) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        out.insert(0, '-');
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn table(rows: &[Vec<String>], indent: &str) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut width = vec![0; cols];
    for r in rows {
        for (c, cell) in r.iter().enumerate() {
            width[c] = width[c].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = indent.to_string();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                // Padded by hand: `{:<w$}` panics for widths of 65,536 and more.
                line.push_str(cell);
                let pad = width[c].saturating_sub(cell.chars().count()) + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The phases of `s` in the order they can start at the earliest (phases that can never
/// start last), ties in declaration order.
pub fn phases_in_start_order(s: &Scenario, best: &BestCase) -> Vec<usize> {
    let mut order: Vec<usize> = (0..s.phases.len()).collect();
    order.sort_by_key(|&p| (best.phase_start[p].unwrap_or(u64::MAX), p));
    order
}

/// How a phase starts, in words: `on 2007-10-03 (day 0)`, `14 days after `a` and `b` are done`.
pub fn describe_phase_start(s: &Scenario, p: usize) -> String {
    match &s.phases[p].start {
        PhaseStart::Day(d) => format!("on {} (day {d})", s.date(*d)),
        PhaseStart::After { phases, lag } => {
            let names: Vec<String> = phases
                .iter()
                .map(|&q| format!("`{}`", s.phases[q].id))
                .collect();
            let what = if names.len() == 1 {
                format!("{} is done", names[0])
            } else {
                format!("{} are done", names.join(" and "))
            };
            if *lag == 0 {
                format!("as soon as {what}")
            } else {
                format!("{} after {what}", plural(*lag as usize, "day", "days"))
            }
        }
    }
}

/// The scenario described for a reader: header, parties and their parameters, the initial
/// trust matrix, phases in start order with their actions (actors, deadline, duration,
/// requirements, quantity, earliest due and done days), quantities totalled by unit, shocks,
/// and the [`warnings`]. `file` names where the scenario came from.
pub fn report(s: &Scenario, file: &str) -> String {
    let best = best_case(s);
    let mut o = String::new();
    let _ = writeln!(o, "{}", s.title);
    let mut head = vec![
        vec!["name".to_string(), s.name.clone()],
        vec!["file".to_string(), file.to_string()],
    ];
    if !s.source.is_empty() {
        head.push(vec!["source".into(), s.source.clone()]);
    }
    head.push(vec!["start".into(), format!("{} (day 0)", s.start)]);
    head.push(vec![
        "horizon".into(),
        format!("{} (day {})", s.date(s.horizon), s.horizon),
    ]);
    o.push_str(&table(&head, "  "));

    // Parties.
    let _ = writeln!(o, "\nParties ({})", s.parties.len());
    let mut rows = vec![
        [
            "id",
            "compliance",
            "reciprocity",
            "trust",
            "gain",
            "loss",
            "walkout",
            "review",
            "name",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>(),
    ];
    for (i, p) in s.parties.iter().enumerate() {
        rows.push(vec![
            p.id.clone(),
            p.compliance.to_string(),
            p.reciprocity.to_string(),
            format!("{:.3}", initial_mean_trust(s, i)),
            p.trust_gain.to_string(),
            p.trust_loss.to_string(),
            p.walkout_trust.to_string(),
            plural(p.review_every as usize, "day", "days"),
            p.name.clone(),
        ]);
    }
    o.push_str(&table(&rows, "  "));
    o.push_str("  (trust: mean initial trust in the others; walkout: walks out below this mean trust; review: days between reviews)\n");
    if s.parties.len() > 1 {
        let _ = writeln!(o, "\nInitial trust (row's trust in column)");
        let mut rows = vec![
            std::iter::once(String::new())
                .chain(s.parties.iter().map(|p| p.id.clone()))
                .collect::<Vec<_>>(),
        ];
        for (i, p) in s.parties.iter().enumerate() {
            let mut r = vec![p.id.clone()];
            for (j, x) in p.initial_trust.iter().enumerate() {
                r.push(if i == j { "-".into() } else { x.to_string() });
            }
            rows.push(r);
        }
        o.push_str(&table(&rows, "  "));
    }

    // Phases and actions.
    let _ = writeln!(
        o,
        "\nPhases ({}) and actions ({}), in order of earliest start",
        s.phases.len(),
        s.actions.len()
    );
    for p in phases_in_start_order(s, &best) {
        let ph = &s.phases[p];
        let _ = writeln!(o, "\n  phase {}: {}", ph.id, ph.name);
        let _ = writeln!(
            o,
            "    starts {}; earliest start {}",
            describe_phase_start(s, p),
            best.phase_start[p].map_or_else(|| "never".into(), |d| day_date(s, d))
        );
        for &k in &ph.actions {
            let a = &s.actions[k];
            let _ = writeln!(o, "    action {}: {}", a.id, a.name);
            let mut rows: Vec<Vec<String>> = Vec::new();
            let actors: Vec<&str> = a.actors.iter().map(|&i| s.parties[i].id.as_str()).collect();
            let joint = if actors.len() > 1 { " (joint)" } else { "" };
            rows.push(vec![
                "actors".into(),
                format!("{}{joint}", actors.join(", ")),
            ]);
            rows.push(vec![
                "deadline".into(),
                a.deadline
                    .map_or_else(|| "none".into(), |d| format!("{} (day {d})", s.date(d))),
            ]);
            rows.push(vec![
                "duration".into(),
                format!(
                    "{} (mean {} days)",
                    a.duration.describe(),
                    (a.duration.mean_real() * 10.0).round() / 10.0
                ),
            ]);
            let mut reqs: Vec<String> = Vec::new();
            if !a.requires_done.is_empty() {
                reqs.push(format!(
                    "done: {}",
                    a.requires_done
                        .iter()
                        .map(|&j| s.actions[j].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !a.requires_started.is_empty() {
                reqs.push(format!(
                    "@started: {}",
                    a.requires_started
                        .iter()
                        .map(|&j| s.actions[j].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if let Some(al) = &a.at_least {
                reqs.push(format!(
                    "at least {} of {} done: {}",
                    al.n,
                    al.of.len(),
                    al.of
                        .iter()
                        .map(|&j| s.actions[j].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if reqs.is_empty() {
                reqs.push("nothing (due when its phase starts)".into());
            }
            for (n, r) in reqs.into_iter().enumerate() {
                let label = if n == 0 { "requires" } else { "" };
                rows.push(vec![label.into(), r]);
            }
            if let Some((u, q)) = a.quantity {
                rows.push(vec![
                    "quantity".into(),
                    format!("{} {}", fmt_quantity(q), s.units[u]),
                ]);
            }
            rows.push(vec![
                "earliest".into(),
                match (best.due[k], best.done[k]) {
                    (Some(due), Some(done)) => {
                        format!("due {}, done {}", day_date(s, due), day_date(s, done))
                    }
                    _ => "never due".into(),
                },
            ]);
            o.push_str(&table(&rows, "      "));
        }
    }

    // Quantities.
    let _ = writeln!(
        o,
        "\nQuantities ({})",
        plural(s.units.len(), "unit", "units")
    );
    if s.units.is_empty() {
        o.push_str("  none\n");
    }
    let mut rows = Vec::new();
    for (u, unit) in s.units.iter().enumerate() {
        let (total, n) = s
            .actions
            .iter()
            .filter_map(|a| a.quantity.filter(|&(x, _)| x == u))
            .fold((0.0, 0usize), |(t, n), (_, q)| (t + q, n + 1));
        rows.push(vec![
            unit.clone(),
            fmt_quantity(total),
            format!("over {}", plural(n, "action", "actions")),
        ]);
    }
    o.push_str(&table(&rows, "  "));

    // Shocks.
    let _ = writeln!(o, "\nShocks ({})", s.shocks.len());
    if s.shocks.is_empty() {
        o.push_str("  none\n");
    }
    let party_list = |v: &[usize]| {
        v.iter()
            .map(|&i| s.parties[i].id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for sh in &s.shocks {
        let _ = writeln!(o, "  shock {}: {}", sh.id, sh.name);
        let mut rows = Vec::new();
        let (window, expected) = if sh.window_first > sh.window_last {
            ("empty (outside the simulated days)".to_string(), 0.0)
        } else {
            let days = f64::from(sh.window_last - sh.window_first + 1);
            (
                format!(
                    "{} to {} (days {} to {})",
                    s.date(sh.window_first),
                    s.date(sh.window_last),
                    sh.window_first,
                    sh.window_last
                ),
                sh.rate_per_year * days / 365.25,
            )
        };
        rows.push(vec![
            "rate".into(),
            format!(
                "{} per year (expected arrivals in the window: {})",
                sh.rate_per_year,
                (expected * 100.0).round() / 100.0
            ),
        ]);
        rows.push(vec!["window".into(), window]);
        if sh.trust_drop > 0.0 {
            rows.push(vec![
                "trust".into(),
                format!(
                    "trust of {} in {} drops by {}%",
                    party_list(&sh.from),
                    party_list(&sh.toward),
                    (sh.trust_drop * 1000.0).round() / 10.0
                ),
            ]);
        }
        if !sh.pause.is_empty() {
            rows.push(vec![
                "pause".into(),
                format!(
                    "{} skip their reviews for {}",
                    party_list(&sh.pause),
                    plural(sh.pause_days as usize, "day", "days")
                ),
            ]);
        }
        o.push_str(&table(&rows, "    "));
    }

    // Warnings.
    let ws = warnings(s);
    if ws.is_empty() {
        o.push_str("\nWarnings: none\n");
    } else {
        let _ = writeln!(o, "\nWarnings ({})", ws.len());
        for w in &ws {
            let _ = writeln!(o, "  warning: {w}");
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;

    fn compile(body: &str) -> Scenario {
        let text = format!(
            r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 200
[[party]]
id = "A"
[[party]]
id = "B"
{body}"#
        );
        scenario::from_str(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn kinds(s: &Scenario) -> Vec<WarningKind> {
        warnings(s).into_iter().map(|w| w.kind).collect()
    }

    #[test]
    fn default_scenario_has_no_warning() {
        let s = scenario::from_str(scenario::DEFAULT_SCENARIO, "d.toml").unwrap();
        assert_eq!(warnings(&s), vec![]);
    }

    #[test]
    fn compliance_zero_blocks_the_action_and_what_waits_for_it() {
        let s = compile(
            r#"
[[party]]
id = "C"
compliance = 0
[[phase]]
id = "p"
[[phase]]
id = "q"
after = ["p"]
[[action]]
id = "x"
party = ["A", "C"]
phase = "p"
[[action]]
id = "y"
party = "A"
phase = "p"
requires = ["x@started"]
[[action]]
id = "z"
party = "B"
phase = "q"
[[action]]
id = "free"
party = "B"
phase = "p"
"#,
        );
        let w = warnings(&s);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].kind, WarningKind::NeverStarts);
        assert_eq!(w[0].subject, "x");
        assert!(w[0].message.contains("`C`"), "{}", w[0].message);
        assert!(w[0].message.contains("`y`, `z`"), "{}", w[0].message);
        assert!(!w[0].message.contains("`free`"), "{}", w[0].message);
    }

    #[test]
    fn deadlines_before_phase_due_or_done_are_flagged() {
        let s = compile(
            r#"
[[phase]]
id = "p"
[[phase]]
id = "late"
start = "2007-11-01"
[[action]]
id = "slow"
party = "A"
phase = "p"
deadline = "2007-10-10"
duration = { fixed = 30 }
[[action]]
id = "after-slow"
party = "B"
phase = "p"
requires = ["slow"]
deadline = "2007-10-20"
[[action]]
id = "in-late"
party = "B"
phase = "late"
deadline = "2007-10-25"
[[action]]
id = "fine"
party = "B"
phase = "p"
deadline = "2007-10-03"
"#,
        );
        let w = warnings(&s);
        let subjects: Vec<&str> = w.iter().map(|w| w.subject.as_str()).collect();
        assert_eq!(subjects, ["slow", "after-slow", "in-late"], "{w:?}");
        assert!(w[0].message.contains("could be done"));
        assert!(w[1].message.contains("could become due"));
        assert!(w[2].message.contains("phase `late` could start"));
        assert!(w.iter().all(|w| w.kind == WarningKind::DeadlineTooEarly));
    }

    #[test]
    fn shocks_units_and_walkouts() {
        let s = compile(
            r#"
[[party]]
id = "W"
initial_trust = 0.3
walkout_trust = 0.35
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
quantity = 5
unit = "t HFO"
[[action]]
id = "y"
party = "B"
phase = "p"
quantity = 7
unit = "t  hfo"
[[shock]]
id = "zero"
rate_per_year = 0
from = ["A"]
toward = ["B"]
trust_drop = 0.1
[[shock]]
id = "outside"
rate_per_year = 2
from = ["A"]
toward = ["B"]
trust_drop = 0.1
window = ["2009-01-01", "2009-02-01"]
[[shock]]
id = "nothing"
rate_per_year = 2
"#,
        );
        assert_eq!(
            kinds(&s),
            [
                WarningKind::ShockNeverFires,
                WarningKind::ShockNeverFires,
                WarningKind::ShockWithoutEffect,
                WarningKind::UnitLookalike,
                WarningKind::WalkoutAtStart,
            ]
        );
        let w = warnings(&s);
        assert!(
            w[3].message
                .contains("\"t HFO\" (`x`) and \"t  hfo\" (`y`)")
        );
        assert_eq!(w[4].subject, "W");
    }

    #[test]
    fn quantities_get_thousands_separators() {
        assert_eq!(fmt_quantity(900000.0), "900,000");
        assert_eq!(fmt_quantity(90000.0), "90,000");
        assert_eq!(fmt_quantity(100.0), "100");
        assert_eq!(fmt_quantity(2.5), "2.5");
        assert_eq!(fmt_quantity(1000.0), "1,000");
    }
}
