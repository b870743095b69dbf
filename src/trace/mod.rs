//! `negsim trace`: one trial's events, dated, as a timeline a reader can follow or a CSV a
//! researcher can plot.
//!
//! [`replay`] runs trial `k` of a run with seed `S` through the very code path the Monte
//! Carlo run uses ([`Trial::run_observed`] with a [`Recorder`]), so the trace is always the
//! trial that `negsim run --seed S` wrote as row `k` of `trials.csv`. [`rows()`] turns the
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
mod rows;

pub use rows::rows;

/// The ids of action `a`'s actors, in actor order, joined by `sep`.
fn actor_ids(s: &Scenario, a: usize, sep: &str) -> String {
    s.actions[a]
        .actors
        .iter()
        .map(|&i| s.parties[i].id.as_str())
        .collect::<Vec<_>>()
        .join(sep)
}

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

    /// An action suspended as it starts (docs/MODEL.md 2.13) is not said to be done at once,
    /// nor given a done day, on its start row; one that is not keeps both.
    #[test]
    fn a_start_row_says_when_the_action_is_suspended_at_once() {
        let text = r#"
[scenario]
name = "s"
start = "2007-10-03"
horizon_days = 30
review_every_days = 1
[defaults]
compliance = 1
reciprocity = 0
initial_trust = 0.5
trust_loss = 0.5
trust_gain = 0.5
[[party]]
id = "A"
suspend_trust = 0.45
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "b0"
party = "B"
phase = "p"
deadline = "2007-10-03"
duration = { fixed = 5 }
[[action]]
id = "a0"
party = "A"
phase = "p"
requires = ["b0@started"]
duration = { fixed = 3 }
[[action]]
id = "a1"
party = "A"
phase = "p"
requires = ["b0@started"]
duration = { fixed = 0 }
"#;
        let s = scenario::from_str(text, "s.toml").unwrap();
        let t = replay(&s, 1, 0);
        let rows = rows(&s, &t.events);
        let start = |id: &str| {
            rows.iter()
                .find(|r| r.event == Kind::Started && r.action.as_deref() == Some(id))
                .unwrap()
        };
        // b0 starts on day 0 and is not suspended; its lapse on day 1 drops A's trust in B
        // to 0.25, below 0.45, so a0 and a1 are suspended as they start that day.
        assert_eq!(
            start("b0").detail,
            "b0 starts, takes 5 days (done 2007-10-08)"
        );
        assert_eq!(start("b0").last_day, Some(5));
        assert_eq!(
            start("a0").detail,
            "a0 starts, takes 3 days, and is suspended at once (done 3 days after it resumes)"
        );
        assert_eq!(start("a0").last_day, None);
        assert_eq!(
            start("a1").detail,
            "a1 starts and is suspended at once (done when it resumes)"
        );
        assert!(rows.iter().any(|r| r.event == Kind::Suspended));
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
