//! Observables (docs/MODEL.md 5.2): one name for every per-trial quantity, the vocabulary that
//! `negsim run --observe`, calibration targets and the Python package share.
//!
//! | name | kind | value |
//! |---|---|---|
//! | `outcome` | word | `completed`, `collapsed` or `stalled` |
//! | `end_day` | number | the day the trial ended |
//! | `collapsed_by` | word | the party that walked out; missing unless collapsed |
//! | `actions_done` | number | actions done |
//! | `action.<id>.due_day` / `started_day` / `done_day` | number | the day; missing when it did not happen |
//! | `action.<id>.delays` / `lapses` / `suspended_days` | number | counts, as in `actions.csv` |
//! | `action.<id>.late` | flag | `true`/`false`, as in `actions.csv` |
//! | `phase.<id>.done_day` | number | the day; missing when not done |
//! | `quantity.<unit>` | number | delivered by the end (0 when nothing was) |
//! | `quantity.<unit>@<YYYY-MM-DD>` | number | delivered by actions done on or before that date |
//! | `party.<id>.quantity.<unit>` | number | delivered by actions the party is an actor of |
//! | `party.<id>.delays` | number | its delays over all its actions |
//! | `party.<id>.walkout_day` | number | the day it walked out; missing when it did not |
//!
//! A quantity is always a number: 0 when nothing was delivered, never missing. A day is
//! missing when its event did not happen. Only one party walks out in a trial (the trial ends
//! then, docs/MODEL.md 2.6), so `walkout_day` is the trial's end day for the party in
//! `collapsed_by` and missing for every other. A joint action's quantity counts in full for
//! each of its actors.
//!
//! Everything is computed from an [`engine::TrialResult`](crate::engine::TrialResult) and its
//! [`Scenario`]. Observables of single actions, and the two sums over actions
//! (`quantity.<unit>@<date>`, `party.<id>.quantity.<unit>`), need the per-action records: on a
//! result without them (a row read back from `trials.csv`) they are [`Value::Missing`].
//!
//! ```
//! use negsim::{engine::{Trial, TrialResult}, output::observe::{Observable, Value}, rng, scenario};
//!
//! let s = scenario::from_str(scenario::DEFAULT_SCENARIO, "second-phase-2007.toml").unwrap();
//! let o = Observable::parse("action.us-delisting.done_day", &s).unwrap();
//! assert_eq!(o.name(&s), "action.us-delisting.done_day");
//! let mut r = TrialResult::new(&s);
//! Trial::new(&s).run(&rng::master(1), 0, &mut r);
//! match o.eval(&s, &r) {
//!     Value::Number(day) => assert!(day <= f64::from(s.horizon)),
//!     Value::Missing => {} // not delisted in this trial
//!     v => panic!("a day is a number, not {v:?}"),
//! }
//! assert!(Observable::parse("action.no-such-action.done_day", &s).is_err());
//! ```

mod parse;
#[cfg(test)]
mod tests;

pub use parse::names;

use super::push_f64;
use crate::engine::{Outcome, TrialResult};
use crate::model::Scenario;

/// A field of one action (`action.<id>.<field>`), as in `actions.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionField {
    /// The day it became due.
    DueDay,
    /// The day its last actor consented.
    StartedDay,
    /// The day it was done.
    DoneDay,
    /// Delays summed over its actors.
    Delays,
    /// Lapses of its deadline, relapses included.
    Lapses,
    /// Days it spent suspended.
    SuspendedDays,
    /// Done after its deadline, or not done with the deadline passed.
    Late,
}

impl ActionField {
    /// Every field, in the order of `actions.csv`'s columns.
    pub const ALL: [ActionField; 7] = [
        ActionField::DueDay,
        ActionField::StartedDay,
        ActionField::DoneDay,
        ActionField::Delays,
        ActionField::Lapses,
        ActionField::SuspendedDays,
        ActionField::Late,
    ];

    /// The field's name (the `actions.csv` column).
    pub fn as_str(self) -> &'static str {
        match self {
            ActionField::DueDay => "due_day",
            ActionField::StartedDay => "started_day",
            ActionField::DoneDay => "done_day",
            ActionField::Delays => "delays",
            ActionField::Lapses => "lapses",
            ActionField::SuspendedDays => "suspended_days",
            ActionField::Late => "late",
        }
    }
}

/// One per-trial quantity, by index into its [`Scenario`] (docs/MODEL.md 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Observable {
    /// `outcome`.
    Outcome,
    /// `end_day`.
    EndDay,
    /// `collapsed_by`.
    CollapsedBy,
    /// `actions_done`.
    ActionsDone,
    /// `action.<id>.<field>`.
    Action {
        /// Action index.
        action: usize,
        /// Which field.
        field: ActionField,
    },
    /// `phase.<id>.done_day`.
    PhaseDoneDay {
        /// Phase index.
        phase: usize,
    },
    /// `quantity.<unit>`: delivered by the end.
    Quantity {
        /// Index into [`Scenario::units`].
        unit: usize,
    },
    /// `quantity.<unit>@<date>`: delivered by actions done on or before day `day`.
    QuantityBy {
        /// Index into [`Scenario::units`].
        unit: usize,
        /// The date's day number (0 is the scenario's start).
        day: u32,
    },
    /// `party.<id>.quantity.<unit>`: delivered by actions of which the party is an actor.
    PartyQuantity {
        /// Party index.
        party: usize,
        /// Index into [`Scenario::units`].
        unit: usize,
    },
    /// `party.<id>.delays`.
    PartyDelays {
        /// Party index.
        party: usize,
    },
    /// `party.<id>.walkout_day`.
    PartyWalkoutDay {
        /// Party index.
        party: usize,
    },
}

/// What kind of value an observable takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Days, quantities, counts.
    Number,
    /// `outcome`, `collapsed_by`: one of [`Observable::words`].
    Word,
    /// `late`: `true` or `false`.
    Flag,
}

/// The value an observable took in one trial.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// The event did not happen (an action never done, no walkout).
    Missing,
    /// A day, a quantity or a count.
    Number(f64),
    /// An index into [`Observable::words`].
    Word(usize),
    /// `true` or `false`.
    Flag(bool),
}

/// The words of `outcome`, in the order of [`Value::Word`] indices.
pub const OUTCOME_WORDS: [&str; 3] = ["completed", "collapsed", "stalled"];

fn outcome_index(o: Outcome) -> usize {
    match o {
        Outcome::Completed => 0,
        Outcome::Collapsed => 1,
        Outcome::Stalled => 2,
    }
}

fn day(d: Option<u32>) -> Value {
    match d {
        Some(d) => Value::Number(f64::from(d)),
        None => Value::Missing,
    }
}

impl Observable {
    /// Whether `trials.csv` always has it as a column (`outcome`, `end_day`, `collapsed_by`,
    /// `actions_done`, `phase.<id>.done_day`, `quantity.<unit>`, `party.<id>.delays`), so
    /// `--observe` adds no column for it.
    pub fn in_trials_csv(&self) -> bool {
        matches!(
            self,
            Observable::Outcome
                | Observable::EndDay
                | Observable::CollapsedBy
                | Observable::ActionsDone
                | Observable::PhaseDoneDay { .. }
                | Observable::Quantity { .. }
                | Observable::PartyDelays { .. }
        )
    }

    /// What kind of value it takes.
    pub fn kind(&self) -> Kind {
        match self {
            Observable::Outcome | Observable::CollapsedBy => Kind::Word,
            Observable::Action {
                field: ActionField::Late,
                ..
            } => Kind::Flag,
            _ => Kind::Number,
        }
    }

    /// Whether its value is a day number (written as a date where one is read).
    pub fn is_day(&self) -> bool {
        matches!(
            self,
            Observable::EndDay
                | Observable::PhaseDoneDay { .. }
                | Observable::PartyWalkoutDay { .. }
                | Observable::Action {
                    field: ActionField::DueDay | ActionField::StartedDay | ActionField::DoneDay,
                    ..
                }
        )
    }

    /// Whether it can be [`Value::Missing`] in a full trial result: days of events that may
    /// not happen, and `collapsed_by`. Quantities, counts, `outcome`, `end_day` and `late`
    /// always have a value.
    pub fn may_be_missing(&self) -> bool {
        matches!(
            self,
            Observable::CollapsedBy
                | Observable::PhaseDoneDay { .. }
                | Observable::PartyWalkoutDay { .. }
                | Observable::Action {
                    field: ActionField::DueDay | ActionField::StartedDay | ActionField::DoneDay,
                    ..
                }
        )
    }

    /// The words a [`Kind::Word`] observable takes, in index order: `completed`, `collapsed`,
    /// `stalled` for `outcome`, the party ids for `collapsed_by`; empty for the others.
    pub fn words(&self, s: &Scenario) -> Vec<String> {
        match self {
            Observable::Outcome => OUTCOME_WORDS.iter().map(|w| w.to_string()).collect(),
            Observable::CollapsedBy => s.parties.iter().map(|p| p.id.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether its value reads the per-action records of a trial ([`TrialResult::actions`]):
    /// a run observing none of these lets the engine skip them
    /// ([`crate::engine::Trial::keep_action_records`]).
    pub fn reads_action_records(&self) -> bool {
        matches!(
            self,
            Observable::Action { .. }
                | Observable::QuantityBy { .. }
                | Observable::PartyQuantity { .. }
        )
    }

    /// Its value in trial `r` of scenario `s`. Allocates nothing (it runs once per trial).
    pub fn eval(&self, s: &Scenario, r: &TrialResult) -> Value {
        let full = r.actions.len() == s.actions.len();
        match *self {
            Observable::Outcome => Value::Word(outcome_index(r.outcome)),
            Observable::EndDay => Value::Number(f64::from(r.end_day)),
            Observable::CollapsedBy => match r.collapsed_by {
                Some(p) => Value::Word(p),
                None => Value::Missing,
            },
            Observable::ActionsDone => Value::Number(f64::from(r.actions_done)),
            Observable::Action { action, field } => {
                let Some(rec) = r.actions.get(action) else {
                    return Value::Missing;
                };
                match field {
                    ActionField::DueDay => day(rec.due_day),
                    ActionField::StartedDay => day(rec.started_day),
                    ActionField::DoneDay => day(rec.done_day),
                    ActionField::Delays => Value::Number(f64::from(rec.delays)),
                    ActionField::Lapses => Value::Number(f64::from(rec.lapses)),
                    ActionField::SuspendedDays => Value::Number(f64::from(rec.suspended_days)),
                    ActionField::Late => Value::Flag(r.late(s, action)),
                }
            }
            Observable::PhaseDoneDay { phase } => day(r.phase_done.get(phase).copied().flatten()),
            Observable::Quantity { unit } => match r.quantity.get(unit) {
                Some(&q) => Value::Number(q),
                None => Value::Missing,
            },
            Observable::QuantityBy { unit, day } if full => {
                Value::Number(delivered(s, r, 0..s.actions.len(), unit, day))
            }
            Observable::PartyQuantity { party, unit } if full => match s.actions_of.get(party) {
                Some(of) => Value::Number(delivered(s, r, of.iter().copied(), unit, u32::MAX)),
                None => Value::Missing,
            },
            Observable::QuantityBy { .. } | Observable::PartyQuantity { .. } => Value::Missing,
            Observable::PartyDelays { party } => match r.party_delays.get(party) {
                Some(&d) => Value::Number(d as f64),
                None => Value::Missing,
            },
            Observable::PartyWalkoutDay { party } => match r.collapsed_by {
                Some(p) if p == party && r.outcome == Outcome::Collapsed => {
                    Value::Number(f64::from(r.end_day))
                }
                _ => Value::Missing,
            },
        }
    }

    /// Append its CSV cell for value `v`, exactly as `trials.csv` and `actions.csv` write the
    /// same quantity: empty when missing, whole numbers without a decimal point, words and
    /// `true`/`false` as they are. A word index out of range writes nothing.
    pub fn push_cell(&self, s: &Scenario, v: Value, out: &mut Vec<u8>) {
        match v {
            Value::Missing => {}
            Value::Number(x) => push_f64(out, x),
            Value::Flag(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
            Value::Word(i) => {
                let word = match self {
                    Observable::Outcome => OUTCOME_WORDS.get(i).copied(),
                    Observable::CollapsedBy => s.parties.get(i).map(|p| p.id.as_str()),
                    _ => None,
                };
                if let Some(w) = word {
                    out.extend_from_slice(w.as_bytes());
                }
            }
        }
    }
}

/// The quantity of `unit` delivered by the actions `of` done on or before `by`, summed in
/// declaration order.
fn delivered(
    s: &Scenario,
    r: &TrialResult,
    of: impl Iterator<Item = usize>,
    unit: usize,
    by: u32,
) -> f64 {
    let mut total = 0.0;
    for a in of {
        if let (Some((u, amount)), Some(done)) = (s.actions[a].quantity, r.actions[a].done_day)
            && u == unit
            && done <= by
        {
            total += amount;
        }
    }
    total
}
