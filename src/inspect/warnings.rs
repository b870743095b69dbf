//! The warnings of `negsim check`: what is legal but suspicious.

use super::round3;
use crate::model::{PhaseStart, Scenario, TriggerEvent};
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
    /// A party's `suspend_trust` is above its starting trust in the counterparts of one of
    /// its actions: that action is suspended as soon as it starts, in every trial.
    SuspendAtStart,
    /// A relative deadline counts from an action that can never be done (or start): it is
    /// never set.
    DeadlineNeverSet,
    /// A triggered shock has chance 0, or its event can never happen.
    TriggerNeverFires,
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
            WarningKind::SuspendAtStart => "suspend-at-start",
            WarningKind::DeadlineNeverSet => "deadline-never-set",
            WarningKind::TriggerNeverFires => "trigger-never-fires",
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
    suspensions(s, &mut out);
    relative_deadlines(s, &best, &mut out);
    triggers(s, &best, &mut out);
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

/// Per action, whether no trial can start it: an actor of it has compliance 0, or it waits
/// (through requirements or phases) for an action that has.
pub(super) fn never_starting(s: &Scenario) -> Vec<bool> {
    let roots: Vec<usize> = (0..s.actions.len())
        .filter(|&k| s.actions[k].compliance.contains(&0.0))
        .collect();
    blocked_by(s, &roots)
}

fn never_starts(s: &Scenario, out: &mut Vec<Warning>) {
    for (k, a) in s.actions.iter().enumerate() {
        let zero: Vec<&str> = a
            .actors
            .iter()
            .zip(&a.compliance)
            .filter(|&(_, &c)| c == 0.0)
            .map(|(&i, _)| s.parties[i].id.as_str())
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

pub(super) fn day_date(s: &Scenario, d: u64) -> String {
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
        if sh.trigger.is_none() && sh.rate_per_year == 0.0 {
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

/// Party `i`'s starting trust in the counterparts of its `slot`-th place in action `k`, as
/// `tau` of docs/MODEL.md 2.4 (1 when there are none, 2.14).
pub fn initial_tau(s: &Scenario, k: usize, slot: usize) -> f64 {
    let a = &s.actions[k];
    let i = a.actors[slot];
    let c = &a.counterparts[slot];
    if c.is_empty() {
        return 1.0;
    }
    c.iter()
        .map(|&j| s.parties[i].initial_trust[j])
        .sum::<f64>()
        / c.len() as f64
}

fn suspensions(s: &Scenario, out: &mut Vec<Warning>) {
    for (k, a) in s.actions.iter().enumerate() {
        for (slot, &i) in a.actors.iter().enumerate() {
            let p = &s.parties[i];
            let tau = initial_tau(s, k, slot);
            if p.suspend_trust > 0.0 && tau < p.suspend_trust {
                out.push(Warning {
                    kind: WarningKind::SuspendAtStart,
                    subject: a.id.clone(),
                    message: format!(
                        "action `{}`: party `{}` has suspend_trust {}, above its starting trust {} in the action's counterparts, so the action is suspended as soon as it starts, in every trial (until trust rises)",
                        a.id,
                        p.id,
                        p.suspend_trust,
                        round3(tau)
                    ),
                });
            }
        }
    }
}

/// For each action, whether it can never start in any trial: the best case never makes it
/// due, or an actor's compliance for it is 0 (or it waits, directly or not, for such one).
fn never_start(s: &Scenario, best: &BestCase) -> Vec<bool> {
    let roots: Vec<usize> = (0..s.actions.len())
        .filter(|&k| best.start[k].is_none() || s.actions[k].compliance.contains(&0.0))
        .collect();
    blocked_by(s, &roots)
}

fn relative_deadlines(s: &Scenario, best: &BestCase, out: &mut Vec<Warning>) {
    let never_starts = never_start(s, best);
    for a in &s.actions {
        let Some(r) = a.relative_deadline else {
            continue;
        };
        let never = never_starts[r.after];
        let what = if r.started {
            "never starts"
        } else {
            "can never be done"
        };
        if never {
            out.push(Warning {
                kind: WarningKind::DeadlineNeverSet,
                subject: a.id.clone(),
                message: format!(
                    "action `{}`: its deadline counts from `{}`, which {what}, so it never gets a deadline",
                    a.id, s.actions[r.after].id
                ),
            });
        }
    }
}

fn triggers(s: &Scenario, best: &BestCase, out: &mut Vec<Warning>) {
    let never_starts = never_start(s, best);
    for sh in &s.shocks {
        let Some(t) = sh.trigger else {
            continue;
        };
        let a = &s.actions[t.action];
        let why = if t.chance == 0.0 {
            Some("its chance is 0".to_string())
        } else {
            match t.event {
                TriggerEvent::Started if never_starts[t.action] => {
                    Some(format!("action `{}` never starts", a.id))
                }
                TriggerEvent::Done if never_starts[t.action] => {
                    Some(format!("action `{}` can never be done", a.id))
                }
                TriggerEvent::Lapse => match (a.deadline, a.relative_deadline) {
                    (None, None) => Some(format!("action `{}` has no deadline to lapse", a.id)),
                    (Some(d), _) if d >= s.horizon => Some(format!(
                        "the deadline of action `{}` is on or after the horizon, so it never lapses",
                        a.id
                    )),
                    (None, Some(r)) if never_starts[r.after] => {
                        Some(format!("action `{}` never gets its deadline", a.id))
                    }
                    _ => None,
                },
                _ => None,
            }
        };
        if let Some(why) = why {
            out.push(Warning {
                kind: WarningKind::TriggerNeverFires,
                subject: sh.id.clone(),
                message: format!("shock `{}` never occurs: {why}", sh.id),
            });
        }
    }
}
