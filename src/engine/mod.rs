//! The engine: one trial of a scenario, exactly as docs/MODEL.md section 2 says.
//!
//! # The order of a day
//!
//! Everything on one day happens in this order, and within each step in declaration order
//! (parties, then actions): (0) phases whose start day it is start; (1) completions of actions
//! whose done day it is; (2) lapses of deadlines that were yesterday, then the walkout check;
//! (3) shocks, each followed by a walkout check when it lowered trust; (4) the reviews of the
//! parties whose review falls today. Within one party's review the actions are taken in
//! declaration order, and whether an action is due is judged when the review reaches it: an
//! action that becomes due during a review (a zero-duration action was done, an `@started`
//! requirement began) is offered in that same review if it comes later in the file, and in
//! every later party's review of that day. Trust that changes during the reviews counts for
//! the reviews that come after.
//!
//! # Skipping ahead
//!
//! [`Trial`] does not visit every review (docs/MODEL.md 2.10 allows it to skip ahead). A party's
//! chance to act is `p = c * tau^rho <= b = c * tau_max^rho`, where `tau_max` is the most its
//! trust in the counterparts can ever reach in a trial (trust only rises by completions, and
//! there are finitely many). So each review is taken as two coins: a first with the constant
//! chance `b`, and, when it comes up, a second with chance `(tau / tau_max)^rho`, evaluated
//! with the trust of that very moment. Their product is the literal coin with chance `p`, at
//! every review. The first coin does not depend on trust, so the reviews at which it comes up
//! are drawn ahead as geometric gaps; only those enter the event queue, and trust can change
//! any number of times in between without redrawing anything (this is "thinning", see
//! [`consent`]). The walkout check visits only the rows of the trust matrix lowered since
//! the last check, each against a rigorous lower bound of its mean ([`walkout`]): exact,
//! since a row only raised cannot have fallen below its threshold.
//! [`literal::LiteralTrial`] is the rules read aloud, a coin per review, used by
//! the tests to show that both give the same distribution of every outcome.
//!
//! # Model 0.3 (docs/MODEL.md 2.11-2.15), and why each shortcut stays exact
//!
//! - **Willingness per action (2.11).** Every slot (action, actor) has its own first coin,
//!   `c_i(a) * tau_max^rho_i(a)`, and second coin, `(tau / tau_max)^rho_i(a)`
//!   (the plan's `first_coin` and `second_coin`); their product is still the
//!   literal coin. With the party's own values (a 0.2 scenario) the arithmetic is the same,
//!   so the draws are the same.
//! - **Deadlines and relapses (2.12)**, in [`trial`]'s `deadlines` module: nothing is drawn,
//!   every possible lapse is one queued event checked when popped ("not done before today").
//! - **Suspension (2.13)**, in `trial`'s `suspension` module: a suspension only moves a
//!   completion already drawn; the stale completion is skipped at pop (lazy deletion).
//!   Trust can only rise at completions, so a suspension never raises the trust ceilings
//!   that thinning relies on.
//! - **Observers (2.14)** are a walkout matter only ([`trust::Trust::first_walkout`]); the
//!   default counterparts without observers are compiled by the scenario format.
//! - **Triggered shocks (2.15)**, in `trial`'s `triggers` module: one trigger coin per event
//!   from a stream of its own; a triggered pause redraws the first-coin gap of each pending
//!   offer of a paused party from the day it starts (memoryless, docs/MODEL.md 2.10), the stale
//!   candidate being skipped at pop. Triggered shocks only lower trust, so the ceilings hold.
//!
//! Readings chosen where docs/MODEL.md leaves a choice (the literal engine must read the same):
//!
//! 1. A judgement of suspensions is a pass over the actions under way in declaration order
//!    with the trust of that moment. When a resumption completes an action at once (nothing
//!    remained), that completion runs its own full pass at once, after its trust gain and
//!    its dependants, and the outer pass then goes on with the next action.
//! 2. At a start, the action is judged after its start's effects (relative deadlines set by
//!    its start, trigger coins for `started`, `@started` dependants made due), and only then
//!    is its completion scheduled or, for zero duration, done.
//! 3. In a completion, the order is: trust gain, relative deadlines set, trigger coins for
//!    `done`, phase bookkeeping and dependants made due, then the suspension pass.
//! 4. In a lapse: trust loss, the relapse queued, trigger coins for `lapse`, then the
//!    suspension pass; the day's walkout check comes after all lapses as in 0.2. After a
//!    shock: trust drop (and a triggered pause), the walkout check, then the suspension pass.
//! 5. Suspended days count from the day of suspension to the day of resumption; one still
//!    open at the end counts to the trial's end day. `remaining` at a suspension on day `t1`
//!    is `done_day - t1`, 0 when its completion was due today and had not yet come.
//! 6. Trigger coins are drawn for every shock answering the event, in shock declaration
//!    order, even when the day it would occur is outside its window (the window only decides
//!    whether it occurs), so the number of coins never depends on the window or the chance.
//!
//! # Observing
//!
//! The engine reports, it does not print: every event goes to an [`Observer`]. A Monte Carlo
//! run uses [`NoObserver`] (compiled away); `negsim trace` records everything, from the same
//! code path, so a trace is always the very trial the run produced.

pub mod consent;
pub mod literal;
pub mod plan;
pub mod queue;
pub mod rules03;
pub mod schedule;
pub mod shocks;
pub(crate) mod table;
pub mod trial;
pub mod trust;
pub mod walkout;

pub use trial::Trial;

use crate::model::Scenario;

/// How a trial ended (docs/MODEL.md 2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Every action done.
    Completed,
    /// A party walked out.
    Collapsed,
    /// The horizon came with some action not done.
    Stalled,
}

impl Outcome {
    /// The word used in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Collapsed => "collapsed",
            Outcome::Stalled => "stalled",
        }
    }

    /// Parse the CSV word.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "completed" => Some(Outcome::Completed),
            "collapsed" => Some(Outcome::Collapsed),
            "stalled" => Some(Outcome::Stalled),
            _ => None,
        }
    }
}

/// What happened to one action in one trial (a row of `actions.csv`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionRecord {
    /// The day it became due.
    pub due_day: Option<u32>,
    /// The day its last actor consented.
    pub started_day: Option<u32>,
    /// The day it was done.
    pub done_day: Option<u32>,
    /// Reviews at which an actor was offered it and delayed, summed over its actors.
    pub delays: u32,
    /// Its deadline in this trial: the scenario's date or day number, or a relative deadline
    /// once it was set (docs/MODEL.md 2.12); `None` when it has none (yet).
    pub deadline: Option<u32>,
    /// Lapses of its deadline, relapses included (docs/MODEL.md 2.12).
    pub lapses: u32,
    /// Days it spent suspended (docs/MODEL.md 2.13); a suspension still open at the end counts up
    /// to the trial's end day.
    pub suspended_days: u32,
}

/// Everything a trial reports (a row of `trials.csv`, plus the per-action records).
#[derive(Debug, Clone, PartialEq)]
pub struct TrialResult {
    /// How it ended.
    pub outcome: Outcome,
    /// The day it ended.
    pub end_day: u32,
    /// The party that walked out, when collapsed.
    pub collapsed_by: Option<usize>,
    /// Actions done.
    pub actions_done: u32,
    /// Day each phase was done.
    pub phase_done: Vec<Option<u32>>,
    /// Delivered quantity per unit (over done actions).
    pub quantity: Vec<f64>,
    /// Delays per party, over all its actions.
    pub party_delays: Vec<u64>,
    /// Per action.
    pub actions: Vec<ActionRecord>,
}

impl TrialResult {
    /// An empty result shaped for `s`.
    pub fn new(s: &Scenario) -> Self {
        TrialResult {
            outcome: Outcome::Stalled,
            end_day: 0,
            collapsed_by: None,
            actions_done: 0,
            phase_done: vec![None; s.phases.len()],
            quantity: vec![0.0; s.units.len()],
            party_delays: vec![0; s.parties.len()],
            actions: vec![ActionRecord::default(); s.actions.len()],
        }
    }

    /// Whether action `a` was late: done after its deadline, or not done with its deadline
    /// before the trial's end.
    pub fn late(&self, _s: &Scenario, a: usize) -> bool {
        match self.actions[a].deadline {
            None => false,
            Some(d) => match self.actions[a].done_day {
                Some(done) => done > d,
                None => d < self.end_day,
            },
        }
    }
}

/// Something that happened in a trial, for an [`Observer`].
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A phase started.
    PhaseStarted {
        /// Phase index.
        phase: usize,
    },
    /// A phase's last action was done.
    PhaseDone {
        /// Phase index.
        phase: usize,
    },
    /// An action became due.
    ActionDue {
        /// Action index.
        action: usize,
    },
    /// A party delayed an action at `count` reviews, from `first` to `last` (reported once,
    /// when it consents or when the trial ends).
    Delays {
        /// Party index.
        party: usize,
        /// Action index.
        action: usize,
        /// Number of reviews delayed.
        count: u32,
        /// First such review.
        first: u32,
        /// Last such review.
        last: u32,
    },
    /// A party consented to an action.
    Consented {
        /// Party index.
        party: usize,
        /// Action index.
        action: usize,
        /// Its chance to act at that review.
        chance: f64,
    },
    /// An action started (its last actor consented).
    ActionStarted {
        /// Action index.
        action: usize,
        /// Days it will take.
        duration: u32,
    },
    /// An action was done.
    ActionDone {
        /// Action index.
        action: usize,
    },
    /// A deadline lapsed with its action not done (trust has been lowered).
    DeadlineLapsed {
        /// Action index.
        action: usize,
    },
    /// A relative deadline was set (docs/MODEL.md 2.12): its action `action` now has deadline
    /// `deadline`.
    DeadlineSet {
        /// Action index.
        action: usize,
        /// The deadline day.
        deadline: u32,
    },
    /// A lapsed deadline lapsed again (docs/MODEL.md 2.12; trust has been lowered).
    Relapsed {
        /// Action index.
        action: usize,
        /// Lapses of this action so far, this one included (2 at the first relapse).
        lapses: u32,
    },
    /// An action under way was suspended (docs/MODEL.md 2.13): actor `party`'s `tau` fell below
    /// its `suspend_trust`.
    Suspended {
        /// Action index.
        action: usize,
        /// The first actor, in actor order, with `tau < s`.
        party: usize,
        /// Its `tau` for the action at that moment.
        tau: f64,
        /// Its `suspend_trust`.
        threshold: f64,
        /// Days of its duration still to run.
        remaining: u32,
    },
    /// A suspended action resumed: every actor's `tau` is back at or above its
    /// `suspend_trust`.
    Resumed {
        /// Action index.
        action: usize,
        /// The lowest `tau - s` over its actors with `suspend_trust > 0` (at least 0).
        margin: f64,
        /// The day it will be done (today when nothing remained).
        done_day: u32,
    },
    /// A triggered shock's chance came up (docs/MODEL.md 2.15): it will occur on `on_day`.
    ShockTriggered {
        /// Shock index.
        shock: usize,
        /// The action whose event triggered it.
        action: usize,
        /// Which event.
        event: crate::model::TriggerEvent,
        /// The day it occurs on (today, or tomorrow when triggered during the reviews).
        on_day: u32,
    },
    /// A shock arrived (trust has been lowered; `paused_until` is the last paused day).
    Shock {
        /// Shock index.
        shock: usize,
        /// Last day of the pause it causes, if any.
        paused_until: Option<u32>,
    },
    /// A party walked out.
    Walkout {
        /// Party index.
        party: usize,
        /// Its mean trust in the others.
        mean_trust: f64,
    },
    /// The trial ended.
    End {
        /// How.
        outcome: Outcome,
    },
}

/// Receives a trial's events. `trust` is the matrix right after the event.
pub trait Observer {
    /// Whether this observer wants events at all (lets the engine skip building them).
    const ENABLED: bool;
    /// One event on `day`.
    fn on(&mut self, day: u32, event: &Event, trust: &[f64]);
}

/// The observer of a Monte Carlo run: wants nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {
    const ENABLED: bool = false;
    #[inline]
    fn on(&mut self, _: u32, _: &Event, _: &[f64]) {}
}

/// An observer that keeps every event with its day and the trust matrix after it.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    /// `(day, event, trust after)`, in the order they happened.
    pub events: Vec<(u32, Event, Vec<f64>)>,
}

impl Observer for Recorder {
    const ENABLED: bool = true;
    fn on(&mut self, day: u32, event: &Event, trust: &[f64]) {
        self.events.push((day, event.clone(), trust.to_vec()));
    }
}
