//! `negsim trace`: one trial's events, dated, as a timeline a reader can follow or a CSV a
//! researcher can plot.
//!
//! [`replay`] runs trial `k` of a run with seed `S` through the very code path the Monte
//! Carlo run uses ([`Trial::run_observed`] with a [`Recorder`]), so the trace is always the
//! trial that `negsim run --seed S` wrote as row `k` of `trials.csv`. [`rows`] turns the
//! recorded events into [`Row`]s: calendar dates, delays grouped into one row per
//! (party, action), the mean-trust change of every party after a lapse or a shock, and a
//! closing row with the outcome. [`to_text`] and [`to_csv`] render the same rows.
//!
//! ```
//! use negsim::{scenario, trace};
//!
//! let s = scenario::from_str(scenario::DEFAULT_SCENARIO, "second-phase-2007.toml").unwrap();
//! let t = trace::replay(&s, 1, 0);
//! let rows = trace::rows(&s, &t.events);
//! let last = rows.last().unwrap();
//! assert_eq!(last.event, trace::Kind::End);
//! assert_eq!(last.outcome, Some(t.result.outcome));
//! assert_eq!(last.day, t.result.end_day);
//! ```

use crate::engine::{Event, Outcome, Recorder, Trial, TrialResult};
use crate::model::Scenario;
use crate::output::csv_field;
use crate::rng;
use chrono::NaiveDate;
use std::fmt::Write as _;

mod model03;

/// A trial replayed with every event recorded.
#[derive(Debug, Clone)]
pub struct Replay {
    /// What the trial reports (the same as its row of `trials.csv`).
    pub result: TrialResult,
    /// `(day, event, trust matrix after it)`, in the order they happened.
    pub events: Vec<(u32, Event, Vec<f64>)>,
}

/// Replay trial `trial` of a run with master seed `seed`: the same stream, the same code
/// path, so the same trial as `negsim run --seed seed` produced.
pub fn replay(s: &Scenario, seed: u64, trial: u64) -> Replay {
    let mut result = TrialResult::new(s);
    let mut recorder = Recorder::default();
    Trial::new(s).run_observed(&rng::master(seed), trial, &mut result, &mut recorder);
    Replay {
        result,
        events: recorder.events,
    }
}

/// What a [`Row`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A phase started.
    PhaseStarted,
    /// A phase's last action was done.
    PhaseDone,
    /// An action became due.
    Due,
    /// A party delayed an action at `count` reviews, from `first_day` to `last_day`.
    Delays,
    /// A party consented to an action (`value`: its chance to act).
    Consented,
    /// An action started (`value`: its duration in days; `last_day`: the day it will be done).
    Started,
    /// An action was done.
    Done,
    /// A deadline lapsed with its action not done.
    Lapsed,
    /// A shock arrived (`first_day`..`last_day`: the pause it causes, if any).
    Shock,
    /// A relative deadline was set (`last_day`: the deadline; docs/MODEL.md 2.12).
    DeadlineSet,
    /// A lapsed deadline lapsed again (`count`: lapses so far; docs/MODEL.md 2.12).
    Relapsed,
    /// An action under way was suspended (`party`: the actor whose trust caused it, `value`:
    /// its `tau`; docs/MODEL.md 2.13).
    Suspended,
    /// A suspended action resumed (`last_day`: the day it will be done).
    Resumed,
    /// A triggered shock's chance came up (`first_day`: the day it occurs; docs/MODEL.md 2.15).
    Triggered,
    /// A party's mean trust changed at the event before (`value`: the new mean trust).
    Trust,
    /// A party walked out (`value`: its mean trust).
    Walkout,
    /// The trial ended (`outcome`).
    End,
}

impl Kind {
    /// The word in the `event` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PhaseStarted => "phase_started",
            Kind::PhaseDone => "phase_done",
            Kind::Due => "due",
            Kind::Delays => "delays",
            Kind::Consented => "consented",
            Kind::Started => "started",
            Kind::Done => "done",
            Kind::Lapsed => "lapsed",
            Kind::Shock => "shock",
            Kind::DeadlineSet => "deadline_set",
            Kind::Relapsed => "relapsed",
            Kind::Suspended => "suspended",
            Kind::Resumed => "resumed",
            Kind::Triggered => "triggered",
            Kind::Trust => "trust",
            Kind::Walkout => "walkout",
            Kind::End => "end",
        }
    }
}

/// One line of a trace (one CSV row).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The day.
    pub day: u32,
    /// Its calendar date.
    pub date: NaiveDate,
    /// What happened.
    pub event: Kind,
    /// The party concerned (id), if any.
    pub party: Option<String>,
    /// The action concerned (id), if any.
    pub action: Option<String>,
    /// The phase concerned (id), if any.
    pub phase: Option<String>,
    /// The shock concerned (id), if any.
    pub shock: Option<String>,
    /// A count: reviews delayed, consents so far of a joint action, actions done at the end.
    pub count: Option<u64>,
    /// A number: chance to act, duration in days, mean trust.
    pub value: Option<f64>,
    /// First day of a span: delays, an action under way, a pause.
    pub first_day: Option<u32>,
    /// Last day of that span.
    pub last_day: Option<u32>,
    /// The outcome, on the closing row.
    pub outcome: Option<Outcome>,
    /// The row as a sentence.
    pub detail: String,
}

impl Row {
    fn new(s: &Scenario, day: u32, event: Kind, detail: String) -> Self {
        Row {
            day,
            date: s.date(day),
            event,
            party: None,
            action: None,
            phase: None,
            shock: None,
            count: None,
            value: None,
            first_day: None,
            last_day: None,
            outcome: None,
            detail,
        }
    }
}

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
    let actors = |a: usize| {
        s.actions[a]
            .actors
            .iter()
            .map(|&i| s.parties[i].id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The `party` column of an action's rows: its actors, joined by `+` when joint.
    let actor_ids = |a: usize| {
        s.actions[a]
            .actors
            .iter()
            .map(|&i| s.parties[i].id.as_str())
            .collect::<Vec<_>>()
            .join("+")
    };
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
                let detail = if duration == 0 {
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
                r.last_day = Some(end);
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

/// The rows as a timeline: `date  day N  sentence`, one line per row; [`Kind::Trust`] rows
/// are left out of the text (their changes are summed up on the lapse or shock line) but
/// kept in the CSV.
pub fn to_text(rows: &[Row]) -> String {
    let width = rows
        .iter()
        .map(|r| r.day.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for r in rows.iter().filter(|r| r.event != Kind::Trust) {
        let _ = writeln!(out, "{}  day {:>width$}  {}", r.date, r.day, r.detail);
    }
    out
}

/// The CSV columns of [`to_csv`], in order.
pub const CSV_COLUMNS: &[&str] = &[
    "day",
    "date",
    "event",
    "party",
    "action",
    "phase",
    "shock",
    "count",
    "value",
    "first_day",
    "last_day",
    "outcome",
    "detail",
];

/// The rows as CSV with a header ([`CSV_COLUMNS`]); empty fields where a row has no value.
pub fn to_csv(rows: &[Row]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push('\n');
    let opt = |x: &Option<String>| x.as_deref().map(csv_field).unwrap_or_default();
    let num = |x: Option<u64>| x.map(|v| v.to_string()).unwrap_or_default();
    for r in rows {
        let fields = [
            r.day.to_string(),
            r.date.to_string(),
            r.event.as_str().to_string(),
            opt(&r.party),
            opt(&r.action),
            opt(&r.phase),
            opt(&r.shock),
            num(r.count),
            r.value.map(|v| v.to_string()).unwrap_or_default(),
            num(r.first_day.map(u64::from)),
            num(r.last_day.map(u64::from)),
            r.outcome
                .map(|o| o.as_str().to_string())
                .unwrap_or_default(),
            csv_field(&r.detail),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;

    #[test]
    fn rows_follow_the_trial_and_end_with_its_outcome() {
        let s = scenario::from_str(scenario::DEFAULT_SCENARIO, "d.toml").unwrap();
        for trial in 0..30 {
            let t = replay(&s, 1, trial);
            let rows = rows(&s, &t.events);
            let last = rows.last().unwrap();
            assert_eq!(last.event, Kind::End);
            assert_eq!(last.outcome, Some(t.result.outcome));
            assert_eq!(last.day, t.result.end_day);
            assert_eq!(last.count, Some(u64::from(t.result.actions_done)));
            // Days never go back.
            assert!(rows.windows(2).all(|w| w[0].day <= w[1].day));
            // Delay rows add up to the trial's delays per party.
            for (i, p) in s.parties.iter().enumerate() {
                let sum: u64 = rows
                    .iter()
                    .filter(|r| r.event == Kind::Delays && r.party.as_deref() == Some(&p.id))
                    .map(|r| r.count.unwrap())
                    .sum();
                assert_eq!(
                    sum, t.result.party_delays[i],
                    "trial {trial} party {}",
                    p.id
                );
            }
            let done = rows.iter().filter(|r| r.event == Kind::Done).count();
            assert_eq!(done as u32, t.result.actions_done);
        }
    }

    #[test]
    fn csv_has_one_line_per_row_and_quotes_commas() {
        let s = scenario::from_str(scenario::DEFAULT_SCENARIO, "d.toml").unwrap();
        let t = replay(&s, 1, 0);
        let rows = rows(&s, &t.events);
        let csv = to_csv(&rows);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let n = reader.records().map(|r| r.unwrap().len()).inspect(|&len| {
            assert_eq!(len, CSV_COLUMNS.len());
        });
        assert_eq!(n.count(), rows.len());
    }
}
