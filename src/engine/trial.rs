//! The skip-ahead trial: jumps from event to event instead of visiting every day.
//!
//! Events wait in one priority queue keyed by (day, step, party, action), which is exactly
//! the order of a day (see the [module docs](super)): phase starts, completions, lapses,
//! shocks, then reviews in party order and, within a review, action order.
//!
//! # Consent by thinning
//!
//! At a review, party `i` consents to a due action `a` with chance
//! `p = c_i * tau^rho_i`, and `p <= c_i` because trust is at most 1. So each review can be
//! taken as two coins: a first with the constant chance `c_i`, and, when it comes up, a
//! second with chance `p / c_i = tau^rho_i`, evaluated with the trust of that very moment.
//! Together they are one coin with chance `p`, at every review, as DESIGN.md 2.3 says. The
//! first coin does not depend on trust, so the reviews at which it comes up ("candidate"
//! reviews) are drawn ahead as geometric gaps (DESIGN.md 2.10), and only those reviews enter
//! the queue; trust may change any number of times in between at no cost. Every review that
//! is not a consent is a delay, counted from the review calendar when the consent (or the end)
//! comes.
//!
//! All state lives in [`Trial`] and is reused from trial to trial: no allocation per trial
//! once the buffers have grown.

use super::schedule::{Calendar, NEVER};
use super::shocks::{Arrival, draw_arrivals};
use super::trust::{Trust, chance_to_act};
use super::{Event, Observer, Outcome, TrialResult};
use crate::model::{PhaseStart, Scenario};
use crate::rng::{self, TrialRng};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const NONE: u32 = u32::MAX;

// Steps of a day, in order; the queue key is (day << 32) | (step << 29) | payload.
const STEP_PHASE: u64 = 0;
const STEP_DONE: u64 = 1;
const STEP_LAPSE: u64 = 2;
const STEP_SHOCK: u64 = 3;
const STEP_REVIEW: u64 = 4;
const PAYLOAD_BITS: u64 = 29;
const ACTION_BITS: u64 = 23;

#[inline]
fn key(day: u64, step: u64, payload: u64) -> u64 {
    (day << 32) | (step << PAYLOAD_BITS) | payload
}

#[inline]
fn review_payload(party: usize, action: usize) -> u64 {
    ((party as u64) << ACTION_BITS) | action as u64
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Waiting,
    Due,
    Started,
    Done,
}

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

/// The first coin of a party: chance `c` at every review, drawn ahead as geometric gaps.
#[derive(Debug, Clone)]
struct FirstCoin {
    c: f64,
    /// `(1 - c)^(k + 1)` for small `k`: the gap is the first `k` with this `<= S`.
    powers: Vec<f64>,
    ln_q: f64,
}

impl FirstCoin {
    fn new(c: f64) -> Self {
        let q = 1.0 - c;
        let mut powers = Vec::with_capacity(32);
        let mut x = q;
        for _ in 0..32 {
            powers.push(x);
            x *= q;
        }
        FirstCoin {
            c,
            powers,
            ln_q: (-c).ln_1p(),
        }
    }

    /// Reviews without the first coin before the one with it: geometric on {0, 1, ...},
    /// `P(gap >= m) = (1 - c)^m`. `None` when `c = 0`.
    #[inline]
    fn gap(&self, rng: &mut TrialRng) -> Option<u64> {
        if self.c >= 1.0 {
            return Some(0);
        }
        if self.c <= 0.0 {
            return None;
        }
        let surv = 1.0 - rng::uniform(rng);
        if let Some(k) = self.powers.iter().position(|&x| x <= surv) {
            return Some(k as u64);
        }
        let x = surv.ln() / self.ln_q;
        Some(if x >= 1.0e18 {
            u64::MAX / 4
        } else {
            (x.ceil() - 1.0).max(0.0) as u64
        })
    }
}

/// `x^k` for a small whole `k` by multiplication (the same value `powi` gives for k <= 2).
#[inline]
fn int_pow(x: f64, k: f64) -> f64 {
    match k as i32 {
        0 => 1.0,
        1 => x,
        2 => x * x,
        3 => x * x * x,
        n => x.powi(n),
    }
}

/// The second coin: `u < tau^rho`, with integer-power bounds deciding most draws without a
/// general power (exact: the bounds hold for every `tau` in [0, 1]).
#[inline]
fn second_coin(u: f64, tau: f64, rho: f64) -> bool {
    if rho == 0.0 {
        return true;
    }
    if rho == 1.0 {
        return u < tau;
    }
    let (lo, hi) = (rho.ceil(), rho.floor());
    // tau^ceil(rho) <= tau^rho <= tau^floor(rho)
    if u < int_pow(tau, lo) {
        return true;
    }
    if hi >= 1.0 && u >= int_pow(tau, hi) {
        return false;
    }
    if rho > 0.5 && rho < 1.0 && u >= tau.sqrt() {
        return false;
    }
    u < tau.powf(rho)
}

/// The state of one trial, reusable across trials of the same scenario.
#[derive(Debug, Clone)]
pub struct Trial<'s> {
    s: &'s Scenario,
    horizon: u64,
    slot_base: Vec<usize>,
    /// `slot_of[a * parties + i]`: the slot of actor `i` of action `a`.
    slot_of: Vec<u32>,
    first_coin: Vec<FirstCoin>,
    trust: Trust,
    calendars: Vec<Calendar>,
    // per action
    status: Vec<Status>,
    due_day: Vec<u32>,
    start_day: Vec<u32>,
    done_day: Vec<u32>,
    consented: Vec<u64>,
    /// Conditions still missing before an action is due: its phase's start, each hard
    /// requirement, and the `requires_at_least` count as one.
    unmet: Vec<u32>,
    /// Done actions among each action's `requires_at_least` list.
    at_least_done: Vec<u32>,
    /// Static: for each action, who waits for it to start / be done / count towards `n`.
    waits_started: Vec<Vec<usize>>,
    waits_done: Vec<Vec<usize>>,
    waits_at_least: Vec<Vec<usize>>,
    unmet_initial: Vec<u32>,
    // per phase
    phase_started: Vec<bool>,
    phase_remaining: Vec<u32>,
    phase_done_day: Vec<u32>,
    // per (action, actor) slot
    offer_active: Vec<bool>,
    offer_first: Vec<u64>,
    /// The next candidate review of the offer.
    offer_next: Vec<u64>,
    offer_p: Vec<f64>,
    slot_delays: Vec<u32>,
    // queue and shocks
    queue: BinaryHeap<Reverse<u64>>,
    arrivals: Vec<Arrival>,
    actions_done: u32,
    quantity: Vec<f64>,
    ended: Option<(Outcome, u32, Option<usize>)>,
}

impl<'s> Trial<'s> {
    /// Buffers for trials of `s`.
    pub fn new(s: &'s Scenario) -> Self {
        let mut slot_base = Vec::with_capacity(s.actions.len());
        let mut total = 0;
        for a in &s.actions {
            slot_base.push(total);
            total += a.actors.len();
        }
        let na = s.actions.len();
        let np = s.phases.len();
        let n = s.parties.len();
        let mut waits_started = vec![Vec::new(); na];
        let mut waits_done = vec![Vec::new(); na];
        let mut waits_at_least = vec![Vec::new(); na];
        let mut unmet_initial = vec![0u32; na];
        for (a, act) in s.actions.iter().enumerate() {
            unmet_initial[a] = 1 + (act.requires_done.len() + act.requires_started.len()) as u32;
            for &j in &act.requires_started {
                waits_started[j].push(a);
            }
            for &j in &act.requires_done {
                waits_done[j].push(a);
            }
            if let Some(al) = &act.at_least
                && al.n > 0
            {
                unmet_initial[a] += 1;
                for &j in &al.of {
                    waits_at_least[j].push(a);
                }
            }
        }
        let mut slot_of = vec![0u32; na * n];
        for (a, act) in s.actions.iter().enumerate() {
            for (k, &i) in act.actors.iter().enumerate() {
                slot_of[a * n + i] = (slot_base[a] + k) as u32;
            }
        }
        Trial {
            s,
            horizon: u64::from(s.horizon),
            slot_base,
            slot_of,
            first_coin: s
                .parties
                .iter()
                .map(|p| FirstCoin::new(p.compliance))
                .collect(),
            trust: Trust::new(n),
            calendars: s
                .parties
                .iter()
                .map(|p| Calendar::new(p.review_every))
                .collect(),
            status: vec![Status::Waiting; na],
            due_day: vec![NONE; na],
            start_day: vec![NONE; na],
            done_day: vec![NONE; na],
            consented: vec![0; na],
            unmet: vec![0; na],
            at_least_done: vec![0; na],
            waits_started,
            waits_done,
            waits_at_least,
            unmet_initial,
            phase_started: vec![false; np],
            phase_remaining: vec![0; np],
            phase_done_day: vec![NONE; np],
            offer_active: vec![false; total],
            offer_first: vec![0; total],
            offer_next: vec![NEVER; total],
            offer_p: vec![0.0; total],
            slot_delays: vec![0; total],
            queue: BinaryHeap::new(),
            arrivals: Vec::new(),
            actions_done: 0,
            quantity: vec![0.0; s.units.len()],
            ended: None,
        }
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
        self.simulate(&mut rng, obs);
        self.finish(out, obs);
    }

    fn reset(&mut self, rng: &TrialRng) {
        let s = self.s;
        self.trust.reset(s);
        self.status.fill(Status::Waiting);
        self.due_day.fill(NONE);
        self.start_day.fill(NONE);
        self.done_day.fill(NONE);
        self.consented.fill(0);
        self.unmet.copy_from_slice(&self.unmet_initial);
        self.at_least_done.fill(0);
        self.phase_started.fill(false);
        for (p, ph) in s.phases.iter().enumerate() {
            self.phase_remaining[p] = ph.actions.len() as u32;
        }
        self.phase_done_day.fill(NONE);
        self.offer_active.fill(false);
        self.slot_delays.fill(0);
        self.queue.clear();
        self.actions_done = 0;
        self.quantity.fill(0.0);
        self.ended = None;
        for c in &mut self.calendars {
            c.clear_pauses();
        }
        // Shocks are drawn first, from their own stream, so pauses are known in advance.
        if !s.shocks.is_empty() {
            let mut srng = rng::shock_rng(rng);
            draw_arrivals(s, &mut srng, &mut self.arrivals);
            for (idx, a) in self.arrivals.iter().enumerate() {
                let sh = &s.shocks[a.shock as usize];
                if sh.pause_days > 0 {
                    let first = u64::from(a.day);
                    let last = first + u64::from(sh.pause_days) - 1;
                    for &i in &sh.pause {
                        self.calendars[i].add_pause(first, last);
                    }
                }
                self.queue
                    .push(Reverse(key(u64::from(a.day), STEP_SHOCK, idx as u64)));
            }
            for c in &mut self.calendars {
                c.normalise();
            }
        } else {
            self.arrivals.clear();
        }
        for (p, ph) in s.phases.iter().enumerate() {
            if let PhaseStart::Day(d) = ph.start
                && u64::from(d) <= self.horizon
            {
                self.queue
                    .push(Reverse(key(u64::from(d), STEP_PHASE, p as u64)));
            }
        }
        for (k, a) in s.actions.iter().enumerate() {
            if let Some(d) = a.deadline
                && u64::from(d) < self.horizon
            {
                self.queue
                    .push(Reverse(key(u64::from(d) + 1, STEP_LAPSE, k as u64)));
            }
        }
    }

    fn simulate<O: Observer>(&mut self, rng: &mut TrialRng, obs: &mut O) {
        let s = self.s;
        // Day 0's walkout check: nothing can change trust on day 0 before it.
        if let Some(i) = self.trust.first_walkout(s) {
            self.walkout(i, 0, obs);
            return;
        }
        let mut lapsed_today = false;
        let mut last_day = 0u64;
        while let Some(&Reverse(k)) = self.queue.peek() {
            let day = k >> 32;
            if day > self.horizon {
                break;
            }
            let step = (k >> PAYLOAD_BITS) & 0b111;
            // The walkout check after all of a day's lapses, before its shocks and reviews.
            if lapsed_today && (day != last_day || step > STEP_LAPSE) {
                lapsed_today = false;
                if let Some(i) = self.trust.first_walkout(s) {
                    self.walkout(i, last_day as u32, obs);
                    return;
                }
            }
            self.queue.pop();
            last_day = day;
            let payload = (k & ((1 << PAYLOAD_BITS) - 1)) as usize;
            match step {
                STEP_PHASE => self.start_phase(payload, day, Cursor::BeforeReviews, rng, obs),
                STEP_DONE => self.complete(payload, day, Cursor::BeforeReviews, rng, obs),
                STEP_LAPSE => {
                    if self.lapse(payload, day, obs) {
                        lapsed_today = true;
                    }
                }
                STEP_SHOCK => {
                    if self.shock(payload, day, obs)
                        && let Some(i) = self.trust.first_walkout(s)
                    {
                        self.walkout(i, day as u32, obs);
                        return;
                    }
                }
                _ => {
                    let party = payload >> ACTION_BITS;
                    let a = payload & ((1 << ACTION_BITS) - 1);
                    let slot = self.slot(a, party);
                    if self.offer_active[slot] && self.offer_next[slot] == day {
                        self.candidate_review(party, a, slot, day, rng, obs);
                    }
                }
            }
            if self.ended.is_some() {
                return;
            }
        }
        if lapsed_today && let Some(i) = self.trust.first_walkout(s) {
            self.walkout(i, last_day as u32, obs);
        }
    }

    #[inline]
    fn slot(&self, a: usize, party: usize) -> usize {
        self.slot_of[a * self.s.parties.len() + party] as usize
    }

    fn walkout<O: Observer>(&mut self, i: usize, day: u32, obs: &mut O) {
        if O::ENABLED {
            obs.on(
                day,
                &Event::Walkout {
                    party: i,
                    mean_trust: self.trust.mean_trust(i),
                },
                self.trust.as_slice(),
            );
        }
        self.ended = Some((Outcome::Collapsed, day, Some(i)));
    }

    fn start_phase<O: Observer>(
        &mut self,
        p: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        if self.phase_started[p] {
            return;
        }
        self.phase_started[p] = true;
        if O::ENABLED {
            obs.on(
                day as u32,
                &Event::PhaseStarted { phase: p },
                self.trust.as_slice(),
            );
        }
        let s = self.s;
        for &a in &s.phases[p].actions {
            self.satisfy(a, day, cursor, rng, obs);
        }
    }

    /// One more condition of action `a` holds; when none is missing, it is due.
    #[inline]
    fn satisfy<O: Observer>(
        &mut self,
        a: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        self.unmet[a] -= 1;
        if self.unmet[a] == 0 {
            self.make_due(a, day, cursor, rng, obs);
        }
    }

    fn make_due<O: Observer>(
        &mut self,
        a: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        self.status[a] = Status::Due;
        self.due_day[a] = day as u32;
        if O::ENABLED {
            obs.on(
                day as u32,
                &Event::ActionDue { action: a },
                self.trust.as_slice(),
            );
        }
        let s = self.s;
        for (k, &i) in s.actions[a].actors.iter().enumerate() {
            let slot = self.slot_base[a] + k;
            let from = cursor.first_day(day, i, a);
            self.offer_active[slot] = true;
            self.offer_first[slot] = from;
            self.next_candidate(i, a, slot, from, rng);
        }
    }

    /// Draw the next review, on or after `from`, at which party `i`'s first coin for `a`
    /// comes up, and queue it.
    #[inline]
    fn next_candidate(&mut self, i: usize, a: usize, slot: usize, from: u64, rng: &mut TrialRng) {
        let day = match self.first_coin[i].gap(rng) {
            Some(gap) => self.calendars[i].nth_review(from, gap),
            None => NEVER,
        };
        self.offer_next[slot] = day;
        if day <= self.horizon {
            self.queue
                .push(Reverse(key(day, STEP_REVIEW, review_payload(i, a))));
        }
    }

    /// A review at which party `i`'s first coin for `a` came up: the second coin, with the
    /// trust of this moment, decides between consent and one more delay.
    fn candidate_review<O: Observer>(
        &mut self,
        i: usize,
        a: usize,
        slot: usize,
        day: u64,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        let s = self.s;
        let act = &s.actions[a];
        let k = slot - self.slot_base[a];
        let party = &s.parties[i];
        let u = rng::uniform(rng);
        let yes = if party.reciprocity == 0.0 {
            true
        } else {
            let tau = self.trust.mean_over(i, &act.counterparts[k]);
            second_coin(u, tau, party.reciprocity)
        };
        if yes {
            if O::ENABLED {
                self.offer_p[slot] = chance_to_act(s, &self.trust, i, act, k);
            }
            self.consent(i, a, slot, day, rng, obs);
        } else {
            self.next_candidate(i, a, slot, day + 1, rng);
        }
    }

    fn consent<O: Observer>(
        &mut self,
        i: usize,
        a: usize,
        slot: usize,
        day: u64,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        let cal = &self.calendars[i];
        let first = self.offer_first[slot];
        let delays = if day > first {
            cal.count_reviews(first, day - 1)
        } else {
            0
        };
        self.slot_delays[slot] = delays as u32;
        self.offer_active[slot] = false;
        self.consented[a] |= 1u64 << i;
        if O::ENABLED {
            if delays > 0 {
                let last = cal.last_review_before(first, day).unwrap_or(first);
                obs.on(
                    day as u32,
                    &Event::Delays {
                        party: i,
                        action: a,
                        count: delays as u32,
                        first: cal.nth_review(first, 0) as u32,
                        last: last as u32,
                    },
                    self.trust.as_slice(),
                );
            }
            obs.on(
                day as u32,
                &Event::Consented {
                    party: i,
                    action: a,
                    chance: self.offer_p[slot],
                },
                self.trust.as_slice(),
            );
        }
        if self.consented[a] == self.s.actions[a].actor_mask {
            self.start_action(
                a,
                day,
                Cursor::Review {
                    party: i,
                    action: a,
                },
                rng,
                obs,
            );
        }
    }

    fn start_action<O: Observer>(
        &mut self,
        a: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        let s = self.s;
        self.status[a] = Status::Started;
        self.start_day[a] = day as u32;
        let d = s.actions[a].duration.sample(rng);
        if O::ENABLED {
            obs.on(
                day as u32,
                &Event::ActionStarted {
                    action: a,
                    duration: d,
                },
                self.trust.as_slice(),
            );
        }
        for idx in 0..self.waits_started[a].len() {
            let dep = self.waits_started[a][idx];
            self.satisfy(dep, day, cursor, rng, obs);
        }
        if d == 0 {
            self.complete(a, day, cursor, rng, obs);
        } else {
            let done = day + u64::from(d);
            if done <= self.horizon {
                self.queue.push(Reverse(key(done, STEP_DONE, a as u64)));
            }
        }
    }

    fn complete<O: Observer>(
        &mut self,
        a: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        let s = self.s;
        let act = &s.actions[a];
        self.status[a] = Status::Done;
        self.done_day[a] = day as u32;
        self.actions_done += 1;
        if let Some((u, q)) = act.quantity {
            self.quantity[u] += q;
        }
        self.trust.on_done(s, act);
        if O::ENABLED {
            obs.on(
                day as u32,
                &Event::ActionDone { action: a },
                self.trust.as_slice(),
            );
        }
        let p = act.phase;
        self.phase_remaining[p] -= 1;
        if self.phase_remaining[p] == 0 {
            self.phase_done_day[p] = day as u32;
            if O::ENABLED {
                obs.on(
                    day as u32,
                    &Event::PhaseDone { phase: p },
                    self.trust.as_slice(),
                );
            }
        }
        if self.actions_done as usize == s.actions.len() {
            self.ended = Some((Outcome::Completed, day as u32, None));
            return;
        }
        if self.phase_remaining[p] == 0 {
            for &f in &s.phases[p].followers {
                if let PhaseStart::After { phases, lag } = &s.phases[f].start
                    && phases.iter().all(|&q| self.phase_done_day[q] != NONE)
                {
                    let start = day + u64::from(*lag);
                    if *lag == 0 {
                        self.start_phase(f, day, cursor, rng, obs);
                    } else if start <= self.horizon {
                        self.queue.push(Reverse(key(start, STEP_PHASE, f as u64)));
                    }
                }
            }
        }
        for idx in 0..self.waits_done[a].len() {
            let dep = self.waits_done[a][idx];
            self.satisfy(dep, day, cursor, rng, obs);
        }
        for idx in 0..self.waits_at_least[a].len() {
            let dep = self.waits_at_least[a][idx];
            self.at_least_done[dep] += 1;
            if s.actions[dep]
                .at_least
                .as_ref()
                .is_some_and(|al| self.at_least_done[dep] as usize == al.n)
            {
                self.satisfy(dep, day, cursor, rng, obs);
            }
        }
    }

    /// Returns whether the deadline lapsed (the action was not done on or before it).
    fn lapse<O: Observer>(&mut self, a: usize, day: u64, obs: &mut O) -> bool {
        let s = self.s;
        let act = &s.actions[a];
        let deadline = act.deadline.map_or(0, u64::from);
        if self.status[a] == Status::Done && u64::from(self.done_day[a]) <= deadline {
            return false;
        }
        self.trust.on_lapse(s, act);
        if O::ENABLED {
            obs.on(
                day as u32,
                &Event::DeadlineLapsed { action: a },
                self.trust.as_slice(),
            );
        }
        true
    }

    /// Returns whether the shock lowered trust (so a walkout check follows).
    fn shock<O: Observer>(&mut self, idx: usize, day: u64, obs: &mut O) -> bool {
        let s = self.s;
        let sh = &s.shocks[self.arrivals[idx].shock as usize];
        let lowered = self.trust.on_shock(&sh.from, &sh.toward, sh.trust_drop);
        if O::ENABLED {
            let paused_until = (sh.pause_days > 0 && !sh.pause.is_empty())
                .then(|| (day + u64::from(sh.pause_days) - 1) as u32);
            obs.on(
                day as u32,
                &Event::Shock {
                    shock: self.arrivals[idx].shock as usize,
                    paused_until,
                },
                self.trust.as_slice(),
            );
        }
        lowered
    }

    fn finish<O: Observer>(&mut self, out: &mut TrialResult, obs: &mut O) {
        let s = self.s;
        let (outcome, end_day, by) = self.ended.unwrap_or((Outcome::Stalled, s.horizon, None));
        // The last day on which reviews happened: none on a walkout day.
        let last_review_day: Option<u64> = match outcome {
            Outcome::Collapsed => u64::from(end_day).checked_sub(1),
            _ => Some(u64::from(end_day)),
        };
        out.outcome = outcome;
        out.end_day = end_day;
        out.collapsed_by = by;
        out.actions_done = self.actions_done;
        out.quantity.clone_from(&self.quantity);
        out.party_delays.fill(0);
        for (p, d) in self.phase_done_day.iter().enumerate() {
            out.phase_done[p] = (*d != NONE).then_some(*d);
        }
        for (a, act) in s.actions.iter().enumerate() {
            let mut delays = 0u32;
            for (k, &i) in act.actors.iter().enumerate() {
                let slot = self.slot_base[a] + k;
                if self.offer_active[slot] {
                    // Still waiting for this actor at the end: every review so far delayed it.
                    let first = self.offer_first[slot];
                    let n = match last_review_day {
                        Some(last) => self.calendars[i].count_reviews(first, last),
                        None => 0,
                    };
                    self.slot_delays[slot] = n as u32;
                    if O::ENABLED && n > 0 {
                        let cal = &self.calendars[i];
                        obs.on(
                            end_day,
                            &Event::Delays {
                                party: i,
                                action: a,
                                count: n as u32,
                                first: cal.nth_review(first, 0) as u32,
                                last: cal.nth_review(first, n - 1) as u32,
                            },
                            self.trust.as_slice(),
                        );
                    }
                }
                let d = self.slot_delays[slot];
                delays += d;
                out.party_delays[i] += u64::from(d);
            }
            let opt = |x: u32| (x != NONE).then_some(x);
            out.actions[a] = super::ActionRecord {
                due_day: opt(self.due_day[a]),
                started_day: opt(self.start_day[a]),
                done_day: opt(self.done_day[a]),
                delays,
            };
        }
        if O::ENABLED {
            obs.on(end_day, &Event::End { outcome }, self.trust.as_slice());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The squeeze never changes the answer of `u < tau^rho`.
    #[test]
    fn second_coin_matches_the_power() {
        let mut r = crate::rng::trial_rng(5, 5);
        for rho in [0.0, 0.3, 0.5, 0.8, 1.0, 1.4, 2.0, 2.7, 5.0] {
            for _ in 0..20_000 {
                let u = crate::rng::uniform(&mut r);
                let tau = crate::rng::uniform(&mut r);
                let want = rho == 0.0 || u < tau.powf(rho);
                assert_eq!(second_coin(u, tau, rho), want, "u {u} tau {tau} rho {rho}");
            }
            assert!(second_coin(0.999, 1.0, rho));
            assert_eq!(second_coin(0.0, 0.0, rho), rho == 0.0);
        }
    }

    /// The first coin's gap is geometric: P(gap >= m) = (1 - c)^m.
    #[test]
    fn first_coin_gaps_are_geometric() {
        let mut r = crate::rng::trial_rng(6, 6);
        for c in [0.02, 0.3, 0.9] {
            let coin = FirstCoin::new(c);
            let n = 200_000;
            let mut ge = [0u64; 4];
            for _ in 0..n {
                let g = coin.gap(&mut r).unwrap();
                for (m, slot) in ge.iter_mut().enumerate() {
                    if g >= m as u64 * 3 {
                        *slot += 1;
                    }
                }
            }
            for (m, &count) in ge.iter().enumerate() {
                let want = (1.0 - c).powi(m as i32 * 3);
                let got = count as f64 / n as f64;
                let se = (want * (1.0 - want) / n as f64).sqrt().max(1e-9);
                assert!(
                    (got - want).abs() < 4.0 * se + 1e-12,
                    "c {c} m {m}: {got} vs {want}"
                );
            }
        }
        assert_eq!(FirstCoin::new(0.0).gap(&mut r), None);
        assert_eq!(FirstCoin::new(1.0).gap(&mut r), Some(0));
    }
}
