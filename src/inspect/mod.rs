//! `negsim check`: a compiled scenario described as a reader wants it, and the warnings for
//! what is legal but suspicious.
//!
//! Validation ([`crate::scenario`]) rejects what no trial could run. What passes can still be
//! a mistake that costs a researcher a day of runs: an action no trial can ever start, a
//! deadline that lapses in every trial, a shock that never fires, two spellings of one unit
//! totalled apart, a party that walks out before anything happens. [`warnings()`] finds these;
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

mod warnings;

pub use warnings::{Warning, WarningKind, initial_mean_trust, unit_key, warnings};

use crate::model::{PhaseStart, Scenario, TriggerEvent};
use crate::scenario::{BestCase, best_case};
use std::fmt::Write as _;
use warnings::{day_date, never_starting};

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

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
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
/// and the [`warnings()`]. `file` names where the scenario came from.
pub fn report(s: &Scenario, file: &str) -> String {
    let best = best_case(s);
    // The best case is structural; willingness 0 (2.11) stops an action and what waits for it.
    let never = never_starting(s);
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
    let suspending: Vec<String> = s
        .parties
        .iter()
        .filter(|p| p.suspend_trust > 0.0)
        .map(|p| format!("{} {}", p.id, p.suspend_trust))
        .collect();
    if !suspending.is_empty() {
        let _ = writeln!(
            o,
            "  suspend_trust (actions under way are suspended while trust in their counterparts is below): {}",
            suspending.join(", ")
        );
    }
    let observers: Vec<&str> = s
        .parties
        .iter()
        .filter(|p| p.observer)
        .map(|p| p.id.as_str())
        .collect();
    if !observers.is_empty() {
        let _ = writeln!(
            o,
            "  observers (left out of walkout means and default counterparts, never walk out): {}",
            observers.join(", ")
        );
    }
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
                match (a.deadline, a.relative_deadline) {
                    (_, Some(r)) => format!(
                        "{} after {} is {}",
                        plural(r.days as usize, "day", "days"),
                        s.actions[r.after].id,
                        if r.started { "started" } else { "done" }
                    ),
                    (Some(d), None) => format!("{} (day {d})", s.date(d)),
                    (None, None) => "none".into(),
                },
            ]);
            if a.relapse_every > 0 {
                rows.push(vec![
                    "relapse".into(),
                    format!(
                        "a lapsed deadline lapses again every {}",
                        plural(a.relapse_every as usize, "day", "days")
                    ),
                ]);
            }
            let party_c: Vec<f64> = s.parties.iter().map(|p| p.compliance).collect();
            let party_r: Vec<f64> = s.parties.iter().map(|p| p.reciprocity).collect();
            for (label, own, by_party) in [
                ("compliance", &a.compliance, &party_c),
                ("reciprocity", &a.reciprocity, &party_r),
            ] {
                let party = |i: usize| by_party[i];
                let differs: Vec<String> = a
                    .actors
                    .iter()
                    .zip(own)
                    .filter(|&(&i, &x)| x != party(i))
                    .map(|(&i, x)| format!("{} {x} (party {})", s.parties[i].id, party(i)))
                    .collect();
                if !differs.is_empty() {
                    rows.push(vec![label.into(), differs.join(", ")]);
                }
            }
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
                    _ if never[k] && !a.compliance.contains(&0.0) => {
                        "never due (it waits for an action that can never start)".into()
                    }
                    (Some(due), _) if never[k] => format!(
                        "due {}, never started (an actor has compliance 0)",
                        day_date(s, due)
                    ),
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
        match sh.trigger {
            Some(t) => rows.push(vec![
                "trigger".into(),
                format!(
                    "on {} of {}, chance {}",
                    match t.event {
                        TriggerEvent::Lapse => "each lapse",
                        TriggerEvent::Done => "completion",
                        TriggerEvent::Started => "start",
                    },
                    s.actions[t.action].id,
                    t.chance
                ),
            ]),
            None => rows.push(vec![
                "rate".into(),
                format!(
                    "{} per year (expected arrivals in the window: {})",
                    sh.rate_per_year,
                    (expected * 100.0).round() / 100.0
                ),
            ]),
        }
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
mod tests;
