//! The observables a calibration compares with the record (docs/MODEL.md 5.2), evaluated on
//! one trial's result.
//!
//! A stand-in for the crate-wide observable vocabulary until it is shared: the same names and
//! the same values (days and quantities as numbers, missing when the event did not happen;
//! `outcome` and `collapsed_by` as words; `late` as a flag).

use crate::engine::TrialResult;
use crate::error::{Error, Result};
use crate::model::Scenario;

/// What kind of value an observable takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A day number (missing when the event did not happen).
    Day,
    /// A count or a quantity.
    Number,
    /// A word (`outcome`, `collapsed_by`).
    Word,
    /// `true` or `false`.
    Flag,
}

/// One observable's value in one trial.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// The event did not happen.
    Missing,
    /// A day or a quantity.
    Number(f64),
    /// A word.
    Word(String),
    /// A flag.
    Flag(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActionField {
    Due,
    Started,
    Done,
    Delays,
    Lapses,
    Suspended,
    Late,
}

/// A parsed observable, bound to a scenario's indices.
#[derive(Debug, Clone, PartialEq)]
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
    Action(usize, ActionFieldName),
    /// `phase.<id>.done_day`.
    PhaseDone(usize),
    /// `quantity.<unit>`.
    Quantity(usize),
    /// `party.<id>.delays`.
    PartyDelays(usize),
    /// `party.<id>.walkout_day`.
    WalkoutDay(usize),
}

/// The field of an `action.<id>.<field>` observable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionFieldName(ActionField);

const ACTION_FIELDS: &[(&str, ActionField)] = &[
    ("due_day", ActionField::Due),
    ("started_day", ActionField::Started),
    ("done_day", ActionField::Done),
    ("delays", ActionField::Delays),
    ("lapses", ActionField::Lapses),
    ("suspended_days", ActionField::Suspended),
    ("late", ActionField::Late),
];

/// Every observable name of a scenario (for error messages).
pub fn names(s: &Scenario) -> Vec<String> {
    let mut v: Vec<String> = ["outcome", "end_day", "collapsed_by", "actions_done"]
        .iter()
        .map(|x| x.to_string())
        .collect();
    for a in &s.actions {
        for (f, _) in ACTION_FIELDS {
            v.push(format!("action.{}.{f}", a.id));
        }
    }
    for p in &s.phases {
        v.push(format!("phase.{}.done_day", p.id));
    }
    for u in &s.units {
        v.push(format!("quantity.{u}"));
    }
    for p in &s.parties {
        v.push(format!("party.{}.delays", p.id));
        v.push(format!("party.{}.walkout_day", p.id));
    }
    v
}

impl Observable {
    /// Parse a name against a scenario.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the observable and listing valid names.
    pub fn parse(s: &Scenario, name: &str) -> Result<Self> {
        let bad = || {
            let all = names(s);
            let shown: Vec<&str> = all.iter().take(40).map(String::as_str).collect();
            Error::Usage(format!(
                "`{name}` is not an observable of this scenario; valid names: {}{}",
                shown.join(", "),
                if all.len() > 40 { ", ..." } else { "" }
            ))
        };
        let find = |list: Vec<&str>, id: &str| list.iter().position(|x| *x == id);
        Ok(match name {
            "outcome" => Observable::Outcome,
            "end_day" => Observable::EndDay,
            "collapsed_by" => Observable::CollapsedBy,
            "actions_done" => Observable::ActionsDone,
            _ => {
                let (head, rest) = name.split_once('.').ok_or_else(bad)?;
                match head {
                    "action" => {
                        let (id, field) = rest.rsplit_once('.').ok_or_else(bad)?;
                        let a = find(s.actions.iter().map(|a| a.id.as_str()).collect(), id)
                            .ok_or_else(bad)?;
                        let f = ACTION_FIELDS
                            .iter()
                            .find(|(n, _)| *n == field)
                            .ok_or_else(bad)?
                            .1;
                        Observable::Action(a, ActionFieldName(f))
                    }
                    "phase" => {
                        let id = rest.strip_suffix(".done_day").ok_or_else(bad)?;
                        Observable::PhaseDone(
                            find(s.phases.iter().map(|p| p.id.as_str()).collect(), id)
                                .ok_or_else(bad)?,
                        )
                    }
                    "quantity" => Observable::Quantity(
                        find(s.units.iter().map(String::as_str).collect(), rest).ok_or_else(bad)?,
                    ),
                    "party" => {
                        let (id, field) = rest.rsplit_once('.').ok_or_else(bad)?;
                        let p = find(s.parties.iter().map(|p| p.id.as_str()).collect(), id)
                            .ok_or_else(bad)?;
                        match field {
                            "delays" => Observable::PartyDelays(p),
                            "walkout_day" => Observable::WalkoutDay(p),
                            _ => return Err(bad()),
                        }
                    }
                    _ => return Err(bad()),
                }
            }
        })
    }

    /// The kind of value it takes.
    pub fn kind(&self) -> Kind {
        match self {
            Observable::Outcome | Observable::CollapsedBy => Kind::Word,
            Observable::EndDay | Observable::PhaseDone(_) | Observable::WalkoutDay(_) => Kind::Day,
            Observable::ActionsDone | Observable::Quantity(_) | Observable::PartyDelays(_) => {
                Kind::Number
            }
            Observable::Action(_, ActionFieldName(f)) => match f {
                ActionField::Due | ActionField::Started | ActionField::Done => Kind::Day,
                ActionField::Late => Kind::Flag,
                _ => Kind::Number,
            },
        }
    }

    /// The words a word observable can take (empty for other kinds).
    pub fn words(&self, s: &Scenario) -> Vec<String> {
        match self {
            Observable::Outcome => ["completed", "collapsed", "stalled"]
                .iter()
                .map(|x| x.to_string())
                .collect(),
            Observable::CollapsedBy => s.parties.iter().map(|p| p.id.clone()).collect(),
            _ => vec![],
        }
    }

    /// Its value in a trial.
    pub fn eval(&self, s: &Scenario, r: &TrialResult) -> Value {
        let day = |d: Option<u32>| d.map_or(Value::Missing, |d| Value::Number(f64::from(d)));
        match self {
            Observable::Outcome => Value::Word(r.outcome.as_str().to_string()),
            Observable::EndDay => Value::Number(f64::from(r.end_day)),
            Observable::CollapsedBy => r
                .collapsed_by
                .map_or(Value::Missing, |p| Value::Word(s.parties[p].id.clone())),
            Observable::ActionsDone => Value::Number(f64::from(r.actions_done)),
            Observable::Action(a, ActionFieldName(f)) => {
                let rec = &r.actions[*a];
                match f {
                    ActionField::Due => day(rec.due_day),
                    ActionField::Started => day(rec.started_day),
                    ActionField::Done => day(rec.done_day),
                    ActionField::Delays => Value::Number(f64::from(rec.delays)),
                    ActionField::Lapses => Value::Number(f64::from(rec.lapses)),
                    ActionField::Suspended => Value::Number(f64::from(rec.suspended_days)),
                    ActionField::Late => Value::Flag(r.late(s, *a)),
                }
            }
            Observable::PhaseDone(p) => day(r.phase_done[*p]),
            Observable::Quantity(u) => Value::Number(r.quantity[*u]),
            Observable::PartyDelays(p) => Value::Number(r.party_delays[*p] as f64),
            Observable::WalkoutDay(p) => {
                if r.collapsed_by == Some(*p) {
                    Value::Number(f64::from(r.end_day))
                } else {
                    Value::Missing
                }
            }
        }
    }
}
