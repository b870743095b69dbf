//! From a trial's recorded events to the rows of its trace: calendar dates, delays grouped
//! per (party, action), the mean-trust change of every party after a lapse or a shock, and
//! the closing row with the outcome.

use super::{Kind, Row, model03};
use crate::engine::{Event, Outcome};
use crate::model::Scenario;
use std::fmt::Write as _;

fn mean_trust(m: &[f64], n: usize, i: usize) -> f64 {
    if n < 2 {
        return 1.0;
    }
    let mut sum = 0.0;
    for (j, x) in m[i * n..(i + 1) * n].iter().enumerate() {
        if j != i {
            sum += x;
        }
    }
    sum / (n - 1) as f64
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `: name` when a name says more than the id.
fn titled(id: &str, name: &str) -> String {
    if name == id {
        String::new()
    } else {
        format!(": {name}")
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Turn a trial's recorded events into rows, in the order they happened. Delays come as the
/// engine reports them, one row per (party, action) when the party consents or the trial
/// ends; after a lapse or a shock follows one [`Kind::Trust`] row per party
/// whose mean trust in the others changed.
pub fn rows(s: &Scenario, events: &[(u32, Event, Vec<f64>)]) -> Vec<Row> {
    let n = s.parties.len();
    let party = |i: usize| s.parties[i].id.clone();
    let actors = |a: usize| super::actor_ids(s, a, ", ");
    // The `party` column of an action's rows: its actors, joined by `+` when joint.
    let actor_ids = |a: usize| super::actor_ids(s, a, "+");
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut trust: Vec<f64> = s
        .parties
        .iter()
        .flat_map(|p| p.initial_trust.iter().copied())
        .collect();
    let mut consents = vec![0u64; s.actions.len()];
    let mut started = vec![None; s.actions.len()];
    let mut due = vec![false; s.actions.len()];
    let mut done = 0u64;
    // Deadlines in force: the scenario's, and relative ones once set.
    let mut deadlines: Vec<Option<u32>> = s.actions.iter().map(|a| a.deadline).collect();
    for (idx, (day, ev, after)) in events.iter().enumerate() {
        let day = *day;
        let mut row = match *ev {
            Event::PhaseStarted { phase } => {
                let ph = &s.phases[phase];
                let mut r = Row::new(
                    s,
                    day,
                    Kind::PhaseStarted,
                    format!("phase {} starts{}", ph.id, titled(&ph.id, &ph.name)),
                );
                r.phase = Some(ph.id.clone());
                r
            }
            Event::PhaseDone { phase } => {
                let ph = &s.phases[phase];
                let mut r = Row::new(s, day, Kind::PhaseDone, format!("phase {} is done", ph.id));
                r.phase = Some(ph.id.clone());
                r
            }
            Event::ActionDue { action } => {
                due[action] = true;
                let a = &s.actions[action];
                let mut r = Row::new(
                    s,
                    day,
                    Kind::Due,
                    format!("{} is due ({})", a.id, actors(action)),
                );
                r.action = Some(a.id.clone());
                r.party = Some(actor_ids(action));
                r.phase = Some(s.phases[a.phase].id.clone());
                r
            }
            Event::Delays {
                party: i,
                action,
                count,
                first,
                last,
            } => {
                let pending = !matches!(
                    events.get(idx + 1),
                    Some((_, Event::Consented { party: p2, action: a2, .. }, _))
                        if *p2 == i && *a2 == action
                );
                let span = if first == last {
                    format!("{}", s.date(first))
                } else {
                    format!("{} to {}", s.date(first), s.date(last))
                };
                let mut detail = format!(
                    "{} delayed {} at {}, {span}",
                    s.parties[i].id,
                    s.actions[action].id,
                    plural(u64::from(count), "review", "reviews")
                );
                if pending {
                    detail.push_str(" (still not consented at the end)");
                }
                let mut r = Row::new(s, day, Kind::Delays, detail);
                r.party = Some(party(i));
                r.action = Some(s.actions[action].id.clone());
                r.count = Some(u64::from(count));
                r.first_day = Some(first);
                r.last_day = Some(last);
                r
            }
            Event::Consented {
                party: i,
                action,
                chance,
            } => {
                consents[action] += 1;
                let a = &s.actions[action];
                let mut detail = format!(
                    "{} consents to {} (chance to act {:.3})",
                    s.parties[i].id, a.id, chance
                );
                if a.actors.len() > 1 {
                    let _ = write!(
                        detail,
                        ", {} of {} actors",
                        consents[action],
                        a.actors.len()
                    );
                }
                let mut r = Row::new(s, day, Kind::Consented, detail);
                r.party = Some(party(i));
                r.action = Some(a.id.clone());
                r.count = Some(consents[action]);
                r.value = Some(chance);
                r
            }
            Event::ActionStarted { action, duration } => {
                started[action] = Some(day);
                let a = &s.actions[action];
                let end = day.saturating_add(duration);
                // Judged at its start (docs/MODEL.md 2.13): a suspension of this action later
                // on its start day, before it is done, is that judgement, and its done day is
                // then not known yet.
                let suspended_at_start = events[idx + 1..]
                    .iter()
                    .take_while(|(d, _, _)| *d == day)
                    .take_while(
                        |(_, e, _)| !matches!(e, Event::ActionDone { action: x } if *x == action),
                    )
                    .any(
                        |(_, e, _)| matches!(e, Event::Suspended { action: x, .. } if *x == action),
                    );
                let detail = if suspended_at_start {
                    let takes = plural(u64::from(duration), "day", "days");
                    if duration == 0 {
                        format!(
                            "{} starts and is suspended at once (done when it resumes)",
                            a.id
                        )
                    } else {
                        format!(
                            "{} starts, takes {takes}, and is suspended at once (done {takes} after it resumes)",
                            a.id
                        )
                    }
                } else if duration == 0 {
                    format!("{} starts and is done at once", a.id)
                } else {
                    format!(
                        "{} starts, takes {} (done {}{})",
                        a.id,
                        plural(u64::from(duration), "day", "days"),
                        s.date(end),
                        if end > s.horizon {
                            ", after the horizon"
                        } else {
                            ""
                        }
                    )
                };
                let mut r = Row::new(s, day, Kind::Started, detail);
                r.action = Some(a.id.clone());
                r.party = Some(actor_ids(action));
                r.phase = Some(s.phases[a.phase].id.clone());
                r.value = Some(f64::from(duration));
                r.first_day = Some(day);
                r.last_day = (!suspended_at_start).then_some(end);
                r
            }
            Event::ActionDone { action } => {
                done += 1;
                let a = &s.actions[action];
                let mut detail = format!("{} is done ({})", a.id, actors(action));
                if let Some(d) = deadlines[action] {
                    if day > d {
                        let _ = write!(
                            detail,
                            ", {} late",
                            plural(u64::from(day - d), "day", "days")
                        );
                    } else {
                        let _ = write!(detail, ", by its deadline {}", s.date(d));
                    }
                }
                if let Some((u, q)) = a.quantity {
                    let _ = write!(
                        detail,
                        ": {} {} delivered",
                        crate::inspect::fmt_quantity(q),
                        s.units[u]
                    );
                }
                let mut r = Row::new(s, day, Kind::Done, detail);
                r.action = Some(a.id.clone());
                r.party = Some(actor_ids(action));
                r.phase = Some(s.phases[a.phase].id.clone());
                r.count = Some(done);
                r
            }
            Event::DeadlineLapsed { action } => {
                let a = &s.actions[action];
                let state = match started[action] {
                    Some(d) => format!("under way since {}", s.date(d)),
                    None if due[action] => "due but not started".into(),
                    None => "not yet due".into(),
                };
                let deadline =
                    deadlines[action].map_or_else(String::new, |d| format!(" {}", s.date(d)));
                let mut r = Row::new(
                    s,
                    day,
                    Kind::Lapsed,
                    format!("deadline{deadline} of {} lapsed: {state}", a.id),
                );
                r.action = Some(a.id.clone());
                r.party = Some(actor_ids(action));
                r.phase = Some(s.phases[a.phase].id.clone());
                r
            }
            Event::Shock {
                shock,
                paused_until,
            } => {
                let sh = &s.shocks[shock];
                let mut detail = format!("shock {}{}", sh.id, titled(&sh.id, &sh.name));
                let list = |v: &[usize]| {
                    v.iter()
                        .map(|&i| s.parties[i].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                if sh.trust_drop > 0.0 {
                    let _ = write!(
                        detail,
                        "; trust of {} in {} drops by {}%",
                        list(&sh.from),
                        list(&sh.toward),
                        (sh.trust_drop * 1000.0).round() / 10.0
                    );
                }
                let mut r = Row::new(s, day, Kind::Shock, String::new());
                if let Some(until) = paused_until {
                    let _ = write!(
                        detail,
                        "; {} {} reviews until {}",
                        list(&sh.pause),
                        if sh.pause.len() == 1 { "skips" } else { "skip" },
                        s.date(until)
                    );
                    r.first_day = Some(day);
                    r.last_day = Some(until);
                }
                r.detail = detail;
                r.shock = Some(sh.id.clone());
                r
            }
            Event::Walkout {
                party: i,
                mean_trust,
            } => {
                let p = &s.parties[i];
                let mut r = Row::new(
                    s,
                    day,
                    Kind::Walkout,
                    format!(
                        "{} walks out: its mean trust {:.3} is below its walkout_trust {}",
                        p.id, mean_trust, p.walkout_trust
                    ),
                );
                r.party = Some(p.id.clone());
                r.value = Some(mean_trust);
                r
            }
            Event::DeadlineSet { .. }
            | Event::Relapsed { .. }
            | Event::Suspended { .. }
            | Event::Resumed { .. }
            | Event::ShockTriggered { .. } => {
                if let Event::DeadlineSet { action, deadline } = *ev {
                    deadlines[action] = Some(deadline);
                }
                let state = |a: usize| match started[a] {
                    Some(d) => format!("under way since {}", s.date(d)),
                    None if due[a] => "due but not started".into(),
                    None => "not yet due".into(),
                };
                model03::row(s, day, ev, &state)
            }
            Event::End { outcome } => {
                let total = s.actions.len() as u64;
                let how = match outcome {
                    Outcome::Completed => format!(
                        "completed on {} (day {day}): all {total} actions done",
                        s.date(day)
                    ),
                    Outcome::Collapsed => {
                        let who = out
                            .iter()
                            .rev()
                            .find(|r: &&Row| r.event == Kind::Walkout)
                            .and_then(|r| r.party.clone())
                            .unwrap_or_else(|| "a party".into());
                        format!(
                            "collapsed on {} (day {day}): {who} walked out, {done} of {total} actions done",
                            s.date(day)
                        )
                    }
                    Outcome::Stalled => format!(
                        "stalled at the horizon {} (day {day}): {done} of {total} actions done",
                        s.date(day)
                    ),
                };
                let mut r = Row::new(s, day, Kind::End, format!("outcome: {how}"));
                r.outcome = Some(outcome);
                r.count = Some(done);
                if outcome == Outcome::Collapsed {
                    r.party = out
                        .iter()
                        .rev()
                        .find(|r: &&Row| r.event == Kind::Walkout)
                        .and_then(|r| r.party.clone());
                }
                r
            }
        };
        // Trust is reported where it falls: after lapses and shocks.
        let report_trust = matches!(
            ev,
            Event::DeadlineLapsed { .. } | Event::Relapsed { .. } | Event::Shock { .. }
        );
        let mut changes = Vec::new();
        if report_trust && after.len() == n * n && trust.len() == n * n {
            for i in 0..n {
                let (b, a) = (mean_trust(&trust, n, i), mean_trust(after, n, i));
                if (a - b).abs() > 1e-12 {
                    changes.push((i, b, a));
                }
            }
        }
        if report_trust {
            let lost: Vec<String> = changes
                .iter()
                .map(|&(i, b, a)| format!("{} {:+.3}", s.parties[i].id, round3(a - b)))
                .collect();
            if !lost.is_empty() {
                let _ = write!(row.detail, "; mean trust change: {}", lost.join(", "));
            }
        }
        out.push(row);
        for (i, b, a) in changes {
            let mut r = Row::new(
                s,
                day,
                Kind::Trust,
                format!("{}'s mean trust {b:.3} -> {a:.3}", s.parties[i].id),
            );
            r.party = Some(party(i));
            r.value = Some(a);
            out.push(r);
        }
        if after.len() == n * n {
            trust.clone_from(after);
        }
    }
    out
}
