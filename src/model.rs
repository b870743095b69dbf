//! The compiled scenario: what the engine runs, with integer indices instead of names.
//!
//! A [`Scenario`] is produced only by [`crate::scenario::compile`], so everything in it has
//! been validated: ids resolve, values are in range, there is no requirement or phase cycle,
//! and every action can become due. Parties, phases, actions and shocks keep the order of
//! declaration, which is the order of every same-day step (docs/MODEL.md 2.1).

use crate::duration::Duration;
use chrono::NaiveDate;

/// The most parties a scenario may have (consent is tracked in a 64-bit mask).
pub const MAX_PARTIES: usize = 64;

/// A validated, compiled scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Machine name (default output folder).
    pub name: String,
    /// Human title.
    pub title: String,
    /// Source document.
    pub source: String,
    /// Calendar date of day 0.
    pub start: NaiveDate,
    /// The last simulated day, `H`.
    pub horizon: u32,
    /// Parties in declaration order.
    pub parties: Vec<Party>,
    /// Phases in declaration order.
    pub phases: Vec<Phase>,
    /// Actions in declaration order.
    pub actions: Vec<Action>,
    /// Shocks in declaration order.
    pub shocks: Vec<Shock>,
    /// Distinct units of `quantity`, in order of first appearance.
    pub units: Vec<String>,
    /// For each party, the actions it is an actor of, in declaration order.
    pub actions_of: Vec<Vec<usize>>,
}

impl Scenario {
    /// Whether the scenario uses any field of model 0.3 (docs/MODEL.md 2.11-2.15). One that does
    /// not is a model 0.2 scenario and gives the bytes of negsim 0.2.0 (2.16).
    pub fn uses_model_03(&self) -> bool {
        self.parties
            .iter()
            .any(|p| p.suspend_trust > 0.0 || p.observer)
            || self.shocks.iter().any(|s| s.trigger.is_some())
            || self.actions.iter().any(|a| {
                a.relative_deadline.is_some()
                    || a.relapse_every > 0
                    || a.actors.iter().enumerate().any(|(k, &i)| {
                        a.compliance[k] != self.parties[i].compliance
                            || a.reciprocity[k] != self.parties[i].reciprocity
                    })
            })
    }
}

/// A party and its behaviour (docs/MODEL.md 2.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// Id.
    pub id: String,
    /// Full name (the id when none is given).
    pub name: String,
    /// `c_i`: chance to act on a due action at a review, at full trust.
    pub compliance: f64,
    /// `rho_i`: how strongly trust scales that chance.
    pub reciprocity: f64,
    /// `g_i`: share of missing trust gained when a counterpart delivers.
    pub trust_gain: f64,
    /// `l_i`: share of trust lost when a counterpart's deadline lapses.
    pub trust_loss: f64,
    /// `w_i`: walks out when its mean trust falls below this.
    pub walkout_trust: f64,
    /// `r_i`: reviews on every day `t` with `t mod r_i = 0`.
    pub review_every: u32,
    /// Starting trust in each party (the own entry is unused and 0).
    pub initial_trust: Vec<f64>,
    /// `s_i` (model 0.3, docs/MODEL.md 2.13): an action under way is suspended while, for one of
    /// its actors, `tau < s_i`. 0 means never.
    pub suspend_trust: f64,
    /// An observer (model 0.3, docs/MODEL.md 2.14): left out of the others' walkout means and of
    /// the default counterparts, and never walks out.
    pub observer: bool,
}

/// When a phase starts (docs/MODEL.md 2.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseStart {
    /// At the beginning of this day (day 0 when the file gives neither `start` nor `after`).
    Day(u32),
    /// `lag` days after the last of these phases is done.
    After {
        /// The phases waited for.
        phases: Vec<usize>,
        /// Days of lag.
        lag: u32,
    },
}

/// A phase: a group of actions that starts together.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// When it starts.
    pub start: PhaseStart,
    /// Its actions, in declaration order (at least one).
    pub actions: Vec<usize>,
    /// Phases whose `after` names this one.
    pub followers: Vec<usize>,
}

/// `requires_at_least`: at least `n` of `of` done.
#[derive(Debug, Clone, PartialEq)]
pub struct AtLeast {
    /// How many.
    pub n: usize,
    /// Of which actions (distinct).
    pub of: Vec<usize>,
}

/// An action: a commitment of one party or a joint one of several (docs/MODEL.md 2.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Actors, in party order, distinct.
    pub actors: Vec<usize>,
    /// Actors as a bit mask.
    pub actor_mask: u64,
    /// The phase it belongs to.
    pub phase: usize,
    /// Deadline day (it lapses the day after, if not done by then), when given as a date or
    /// a day number. `None` also when the deadline is relative (see `relative_deadline`).
    pub deadline: Option<u32>,
    /// A deadline counted from another action (model 0.3, docs/MODEL.md 2.12): `days` after the
    /// day `after` is done (or started, with `started`). Set per trial when that happens.
    pub relative_deadline: Option<RelativeDeadline>,
    /// A lapsed deadline lapses again every this many days (model 0.3, docs/MODEL.md 2.12): the
    /// action's own value, else `[scenario] relapse_every_days`; 0 means never.
    pub relapse_every: u32,
    /// `c_i(a)` for each actor, in the order of `actors` (model 0.3, docs/MODEL.md 2.11): the
    /// action's value where given, else the party's compliance.
    pub compliance: Vec<f64>,
    /// `rho_i(a)` for each actor, in the order of `actors`: likewise.
    pub reciprocity: Vec<f64>,
    /// How long it takes once started.
    pub duration: Duration,
    /// Actions that must be done.
    pub requires_done: Vec<usize>,
    /// Actions that must have started.
    pub requires_started: Vec<usize>,
    /// At least `n` of these done.
    pub at_least: Option<AtLeast>,
    /// Delivered quantity: (index into [`Scenario::units`], amount).
    pub quantity: Option<(usize, f64)>,
    /// For each actor (same order as `actors`), the parties whose trust sets its chance to
    /// act: the actors of the actions named in the requirements, other than itself; all other
    /// parties when that is empty (docs/MODEL.md 2.4). In party order.
    pub counterparts: Vec<Vec<usize>>,
}

/// A deadline counted from another action's completion or start (docs/MODEL.md 2.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelativeDeadline {
    /// The action counted from (may be the action itself, with `started`).
    pub after: usize,
    /// Counted from its start (`"<id>@started"`) rather than its completion.
    pub started: bool,
    /// Days after that day.
    pub days: u32,
}

/// The event of the trial a triggered shock answers (docs/MODEL.md 2.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerEvent {
    /// Every lapse (and relapse) of the action's deadline.
    Lapse,
    /// The action is done.
    Done,
    /// The action starts.
    Started,
}

/// What sets off a triggered shock (model 0.3, docs/MODEL.md 2.15).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trigger {
    /// Which event.
    pub event: TriggerEvent,
    /// Of which action.
    pub action: usize,
    /// The chance that the shock follows each such event, in [0, 1].
    pub chance: f64,
}

/// An outside event arriving as a Poisson process (docs/MODEL.md 2.8), or answering an event of
/// the trial (model 0.3, docs/MODEL.md 2.15).
#[derive(Debug, Clone, PartialEq)]
pub struct Shock {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Mean arrivals per 365.25 days (0 for a triggered shock).
    pub rate_per_year: f64,
    /// For a triggered shock, what triggers it; `None` for a Poisson shock.
    pub trigger: Option<Trigger>,
    /// Whose trust falls.
    pub from: Vec<usize>,
    /// In whom.
    pub toward: Vec<usize>,
    /// `T[i][j] -= trust_drop * T[i][j]`.
    pub trust_drop: f64,
    /// Parties that skip reviews.
    pub pause: Vec<usize>,
    /// On the shock's day and this many minus one after it.
    pub pause_days: u32,
    /// First day an arrival may occur on (0 when the window starts before the scenario).
    pub window_first: u32,
    /// Last day an arrival may occur on (at most the horizon).
    pub window_last: u32,
}

impl Scenario {
    /// The calendar date of `day`.
    pub fn date(&self, day: u32) -> NaiveDate {
        self.start
            .checked_add_days(chrono::Days::new(u64::from(day)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Index of the party with this id.
    pub fn party_index(&self, id: &str) -> Option<usize> {
        self.parties.iter().position(|p| p.id == id)
    }

    /// Index of the action with this id.
    pub fn action_index(&self, id: &str) -> Option<usize> {
        self.actions.iter().position(|a| a.id == id)
    }

    /// Index of the phase with this id.
    pub fn phase_index(&self, id: &str) -> Option<usize> {
        self.phases.iter().position(|p| p.id == id)
    }

    /// Total number of (action, actor) pairs: the consent slots of a trial.
    pub fn slot_count(&self) -> usize {
        self.actions.iter().map(|a| a.actors.len()).sum()
    }
}
