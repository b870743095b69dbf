//! The skip-ahead trial: jumps from event to event instead of visiting every day.
//!
//! Events wait in an [`EventQueue`] keyed by (day, step, party, action), which is exactly
//! the order of a day (see the [module docs](super)): phase starts, completions, lapses,
//! shocks, then reviews in party order and, within a review, action order.
//!
//! Only the reviews at which a party's first coin comes up enter the queue (consent by
//! thinning, see [`super::consent`]); at each, the second coin uses the trust of that moment.
//! Every review that is not a consent is a delay, counted from the review calendar when the
//! consent (or the end) comes.
//!
//! All state lives in [`Trial`] and is reused from trial to trial: no allocation per trial
//! once the buffers have grown. What never changes between trials is compiled once into a
//! [`Plan`] of flat tables.

use super::plan::{PAYLOAD_BITS, Plan, key, step};
use super::queue::EventQueue;
use super::schedule::{Calendar, NEVER};
use super::shocks::{Arrival, draw_arrivals};
use super::table::Table;
use super::trust::Trust;
use super::walkout::Walkout;
use super::{Event, Observer, Outcome, TrialResult};
use crate::duration::Draw;
use crate::model::Scenario;
use crate::rng::{self, TrialRng};
use std::sync::Arc;

mod actions;
mod deadlines;
mod finish;
mod reviews;
mod suspension;
mod triggers;

const NONE: u32 = u32::MAX;

/// Where in the day a change happens: before the reviews, or during party `k`'s review of
/// action `b`. Decides whether a party still reviews a newly due action today.
#[derive(Debug, Clone, Copy)]
enum Cursor {
    BeforeReviews,
    Review { party: usize, action: usize },
}

impl Cursor {
    /// The first day on which `party` can be offered `action` after it became due today.
    #[inline]
    fn first_day(self, day: u64, party: usize, action: usize) -> u64 {
        match self {
            Cursor::BeforeReviews => day,
            Cursor::Review {
                party: k,
                action: b,
            } => {
                if party > k || (party == k && action > b) {
                    day
                } else {
                    day + 1
                }
            }
        }
    }
}

/// What a trial knows about one action.
#[derive(Debug, Clone, Copy)]
struct ActionState {
    due_day: u32,
    start_day: u32,
    done_day: u32,
    /// Actors that have not yet consented, as a mask (the action starts when it is 0).
    waiting: u64,
    /// Conditions still missing before it is due (see [`Plan::unmet_initial`]).
    unmet: u32,
    /// Done actions among its `requires_at_least` list.
    at_least_done: u32,
    /// Lapses so far, relapses included.
    lapses: u32,
}

/// What a trial knows about one action for the model 0.3 rules only. Kept apart from
/// [`ActionState`] so that a 0.2 scenario neither copies nor touches it: nothing writes it
/// then, so it is never reset.
#[derive(Debug, Clone, Copy)]
struct Extra03 {
    /// Its deadline in force (NONE while it has none; docs/MODEL.md 2.12).
    deadline: u32,
    /// The day it is to be done, once started and while not suspended, when some party
    /// suspends (a queued completion for any other day is stale).
    done_at: u64,
    /// Days of its duration still to run, while suspended (docs/MODEL.md 2.13).
    remaining: u32,
    /// Whether it is suspended now, and since which day.
    suspended: bool,
    since: u32,
    /// Days spent suspended in closed suspensions.
    suspended_days: u32,
}

/// The 0.3 rules in use, copied from the plan into the trial so the hot loop reads them
/// without following the plan's pointer.
#[derive(Debug, Clone, Copy)]
struct Flags {
    relative: bool,
    suspend: bool,
    triggers: bool,
    trigger_pauses: bool,
    /// Any of them.
    any: bool,
    /// None of the 0.3 rules at all, observers included: the trial runs the event loop
    /// compiled without the 0.3 branches (the const parameter `V3` = false of `simulate`
    /// and what it calls), which is the 0.2 code path.
    plain: bool,
}

/// What a trial knows about one phase.
#[derive(Debug, Clone, Copy)]
struct PhaseState {
    started: bool,
    remaining: u32,
    done_day: u32,
}

/// An action offered to one of its actors.
#[derive(Debug, Clone, Copy)]
struct Offer {
    active: bool,
    /// The number (see [`Calendar`]) of the first review at which it was made.
    first: u64,
    /// The number of its next candidate review.
    next: u64,
    /// Reviews at which it was delayed.
    delays: u32,
}

/// The state of one trial, reusable across trials of the same scenario.
#[derive(Debug, Clone)]
pub struct Trial<'s> {
    s: &'s Scenario,
    plan: Arc<Plan>,
    trust: Trust,
    /// The walkout check, bounded by the rows lowered since the last one.
    walk: Walkout,
    calendars: Table<Calendar>,
    /// Per action, and what every trial starts from. (The trial's tables are indexed without
    /// a bound check, [`super::table`].)
    acts: Table<ActionState>,
    acts_initial: Vec<ActionState>,
    /// Per action, for the 0.3 rules (see [`Extra03`]).
    ext: Table<Extra03>,
    ext_initial: Vec<Extra03>,
    flags: Flags,
    /// Per phase.
    phases: Table<PhaseState>,
    phases_initial: Vec<PhaseState>,
    /// Per slot (an action offered to one of its actors).
    offers: Table<Offer>,
    offers_initial: Vec<Offer>,
    /// Per action, its duration compiled for drawing.
    durations: Table<Draw>,
    // queue and shocks
    queue: EventQueue,
    arrivals: Vec<Arrival>,
    actions_done: u32,
    quantity: Vec<f64>,
    ended: Option<(Outcome, u32, Option<usize>)>,
    /// The trial's trigger coins, one substream per shock (docs/MODEL.md 2.15); sized only when
    /// the scenario has a triggered shock.
    trig: rng::TriggerCoins,
    /// Whether [`TrialResult::actions`] is filled (see [`Trial::keep_action_records`]).
    records: bool,
}

impl<'s> Trial<'s> {
    /// Buffers for trials of `s`.
    pub fn new(s: &'s Scenario) -> Self {
        Self::with_plan(s, Arc::new(Plan::new(s)))
    }

    /// Buffers for trials of `s`, sharing a plan already compiled from `s` (workers of one
    /// point compile it once; for large scenarios that is most of the start-up cost).
    ///
    /// # Panics
    /// When `plan` was compiled from a scenario of other sizes than `s`, or `s` refers to a
    /// party, phase or action it does not have ([`Plan::check_fits`]): the trial's tables are
    /// read without bound checks, so a plan and scenario that do not fit are refused here.
    pub fn with_plan(s: &'s Scenario, plan: Arc<Plan>) -> Self {
        plan.check_fits(s);
        let na = s.actions.len();
        let np = s.phases.len();
        let total = plan.slot_count();
        let acts_initial: Vec<ActionState> = plan
            .unmet_initial
            .iter()
            .zip(&s.actions)
            .map(|(&unmet, act)| ActionState {
                due_day: NONE,
                start_day: NONE,
                done_day: NONE,
                waiting: act.actor_mask,
                unmet,
                at_least_done: 0,
                lapses: 0,
            })
            .collect();
        let phases_initial: Vec<PhaseState> = s
            .phases
            .iter()
            .map(|ph| PhaseState {
                started: false,
                remaining: ph.actions.len() as u32,
                done_day: NONE,
            })
            .collect();
        let offers_initial = vec![
            Offer {
                active: false,
                first: 0,
                next: NEVER,
                delays: 0,
            };
            total
        ];
        let ext_initial: Vec<Extra03> = s
            .actions
            .iter()
            .map(|act| Extra03 {
                deadline: act.deadline.unwrap_or(NONE),
                done_at: NEVER,
                remaining: 0,
                suspended: false,
                since: 0,
                suspended_days: 0,
            })
            .collect();
        let r = &plan.rules;
        let flags = Flags {
            relative: r.relative,
            suspend: r.suspend,
            triggers: r.triggers,
            trigger_pauses: r.trigger_pauses,
            any: r.relative || r.suspend || r.triggers,
            plain: !(r.relative
                || r.suspend
                || r.triggers
                || r.trigger_pauses
                || s.parties.iter().any(|p| p.observer)),
        };
        Trial {
            s,
            ext: ext_initial.clone().into(),
            ext_initial,
            flags,
            trust: Trust::new(s.parties.len()),
            walk: Walkout::new(s, &plan),
            calendars: s
                .parties
                .iter()
                .map(|p| Calendar::new(p.review_every))
                .collect(),
            acts: acts_initial.clone().into(),
            acts_initial,
            phases: phases_initial.clone().into(),
            phases_initial,
            offers: offers_initial.clone().into(),
            offers_initial,
            durations: s.actions.iter().map(|a| Draw::of(&a.duration)).collect(),
            queue: EventQueue::new(total + na + np),
            arrivals: Vec::new(),
            actions_done: 0,
            quantity: vec![0.0; s.units.len()],
            ended: None,
            trig: rng::TriggerCoins::new(if r.triggers { s.shocks.len() } else { 0 }),
            records: true,
            plan,
        }
    }

    /// Whether each trial fills [`TrialResult::actions`], the per-action records (yes by
    /// default). A run that writes neither `actions.csv` nor an observable of an action turns
    /// them off: the trials are the same, only the records are left as they were (a trial
    /// then costs about 2,300 instructions less on the default scenario, BENCHMARKS.md).
    pub fn keep_action_records(&mut self, yes: bool) {
        self.records = yes;
    }

    /// The scenario this trial runs.
    pub fn scenario(&self) -> &'s Scenario {
        self.s
    }

    /// Run trial `trial` of a run whose master stream is `master` (see [`crate::rng`]) and
    /// write what happened into `out`.
    pub fn run(&mut self, master: &TrialRng, trial: u64, out: &mut TrialResult) {
        self.run_observed(master, trial, out, &mut super::NoObserver);
    }

    /// As [`Trial::run`], reporting every event to `obs`.
    pub fn run_observed<O: Observer>(
        &mut self,
        master: &TrialRng,
        trial: u64,
        out: &mut TrialResult,
        obs: &mut O,
    ) {
        let mut rng = rng::for_trial(master, trial);
        self.reset(&rng);
        // Decided once per trial: a scenario without any 0.3 rule runs a loop compiled without
        // the 0.3 branches (the 0.2 code path, see [`Flags::plain`]).
        if self.flags.plain {
            self.simulate::<O, false>(&mut rng, obs);
            self.finish::<O, false>(out, obs);
        } else {
            self.run_03(&mut rng, out, obs);
        }
    }

    /// The trial of a scenario with some 0.3 rule: the loop with every 0.3 branch, kept out
    /// of line so that it does not weigh on the inlining of the 0.2 loop.
    #[inline(never)]
    fn run_03<O: Observer>(&mut self, rng: &mut TrialRng, out: &mut TrialResult, obs: &mut O) {
        self.simulate::<O, true>(rng, obs);
        self.finish::<O, true>(out, obs);
    }

    fn reset(&mut self, rng: &TrialRng) {
        let s = self.s;
        self.trust.reset_to(&self.plan.initial_trust);
        self.walk.reset();
        self.acts.copy_from_slice(&self.acts_initial);
        self.phases.copy_from_slice(&self.phases_initial);
        self.offers.copy_from_slice(&self.offers_initial);
        self.actions_done = 0;
        self.quantity.fill(0.0);
        self.ended = None;
        if self.flags.any {
            self.ext.copy_from_slice(&self.ext_initial);
        }
        if self.flags.triggers {
            self.trig.reset(rng);
        }
        if s.shocks.is_empty() {
            self.queue.reset_sorted(&self.plan.fixed);
            return;
        }
        // Shocks are drawn first, from their own stream, so pauses are known in advance.
        for c in &mut self.calendars {
            c.clear_pauses();
        }
        let mut srng = rng::shock_rng(rng);
        draw_arrivals(s, &mut srng, &mut self.arrivals);
        for a in &self.arrivals {
            let sh = &s.shocks[a.shock as usize];
            if sh.pause_days > 0 {
                let first = u64::from(a.day);
                let last = first + u64::from(sh.pause_days) - 1;
                for &i in &sh.pause {
                    self.calendars[i].add_pause(first, last);
                }
            }
        }
        for c in &mut self.calendars {
            c.normalise();
        }
        let shocks = self.arrivals.iter().map(|a| {
            key(
                u64::from(a.day),
                step::SHOCK,
                shock_payload(a.shock as usize, false),
            )
        });
        self.queue
            .reset(self.plan.fixed.iter().copied().chain(shocks));
    }

    fn simulate<O: Observer, const V3: bool>(&mut self, rng: &mut TrialRng, obs: &mut O) {
        let s = self.s;
        let horizon = self.plan.horizon;
        // Day 0's walkout check: nothing can change trust on day 0 before it.
        if let Some(i) = self.walk.check(&self.trust, s) {
            self.walkout(i, 0, obs);
            return;
        }
        let mut lapsed_today = false;
        let mut last_day = 0u64;
        while let Some(k) = self.queue.take() {
            let day = k >> 32;
            // Nothing is queued past the horizon: every push checks the day first (a
            // candidate review, a completion, a phase's lag, a lapse or relapse, a triggered
            // shock), and the fixed events and shock windows end at the horizon.
            debug_assert!(day <= horizon, "an event queued past the horizon");
            let step = (k >> PAYLOAD_BITS) & 0b111;
            // The walkout check after all of a day's lapses, before its shocks and reviews.
            if lapsed_today && (day != last_day || step > step::LAPSE) {
                lapsed_today = false;
                if let Some(i) = self.walk.check(&self.trust, s) {
                    self.walkout(i, last_day as u32, obs);
                    return;
                }
            }
            last_day = day;
            let payload = (k & ((1 << PAYLOAD_BITS) - 1)) as usize;
            // Reviews are most events (47 of 83 per trial on the reference scenario): tested
            // first, before the dispatch on the other steps.
            if step == step::REVIEW {
                // A triggered pause redraws candidates: the old one is then stale.
                if !(V3 && self.flags.trigger_pauses) || self.candidate_is_current(payload, day) {
                    debug_assert!(self.offers[payload].active);
                    self.candidate_review::<O, V3>(payload, day, rng, obs);
                }
            } else {
                self.other_event::<O, V3>(step, payload, day, &mut lapsed_today, rng, obs);
            }
            if self.ended.is_some() {
                return;
            }
        }
        if lapsed_today && let Some(i) = self.walk.check(&self.trust, s) {
            self.walkout(i, last_day as u32, obs);
        }
    }

    /// An event other than a review: a completion, a phase start, a lapse or a shock.
    #[inline(always)]
    fn other_event<O: Observer, const V3: bool>(
        &mut self,
        step: u64,
        payload: usize,
        day: u64,
        lapsed_today: &mut bool,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        let s = self.s;
        match step {
            step::DONE => {
                // A suspension moves the completion: the queued one is then stale.
                if !(V3 && self.flags.suspend) || self.completion_is_current(payload, day) {
                    self.complete::<O, V3>(payload, day, Cursor::BeforeReviews, rng, obs);
                }
            }
            step::PHASE => self.start_phase::<O, V3>(payload, day, Cursor::BeforeReviews, rng, obs),
            step::LAPSE => {
                if self.lapse::<O, V3>(payload, day, rng, obs) {
                    *lapsed_today = true;
                }
            }
            _ => {
                if self.shock(payload, day, rng, obs)
                    && let Some(i) = self.walk.check(&self.trust, s)
                {
                    self.walkout(i, day as u32, obs);
                    return;
                }
                if V3 && self.flags.suspend {
                    self.judge_all(day, Cursor::BeforeReviews, rng, obs);
                }
            }
        }
    }

    fn walkout<O: Observer>(&mut self, i: usize, day: u32, obs: &mut O) {
        if O::ENABLED {
            obs.on(
                day,
                &Event::Walkout {
                    party: i,
                    mean_trust: self.trust.walkout_mean(self.s, i).unwrap_or(1.0),
                },
                self.trust.as_slice(),
            );
        }
        self.ended = Some((Outcome::Collapsed, day, Some(i)));
    }
}

/// The payload of a shock event: ordered by shock index (declaration order, docs/MODEL.md 2.15),
/// with the lowest bit telling a triggered occurrence from a Poisson arrival (a shock is one
/// or the other, so the bit never reorders two shocks). Several occurrences of one shock on
/// one day are equal keys and each is popped once.
#[inline]
fn shock_payload(shock: usize, triggered: bool) -> u64 {
    ((shock as u64) << 1) | u64::from(triggered)
}
