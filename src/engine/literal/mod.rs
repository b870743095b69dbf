//! The literal trial: the model (docs/MODEL.md 2.1-2.15) read aloud, one day at a time, a
//! coin at every review.
//!
//! Slow and obvious on purpose. It exists so the tests can show that the skip-ahead
//! [`super::Trial`] gives the same distribution of every outcome: the two share only the trust
//! updates ([`super::trust`]), the shock arrivals ([`super::shocks`]) and the duration draws,
//! which are literal already. It draws from the same per-trial stream, but in another order,
//! so the two agree in distribution, not trial by trial.
//!
//! # Model 0.3, as read here
//!
//! - **2.11** The chance at a review is `clamp(c_i(a) * tau ^ rho_i(a), 0, 1)` with the
//!   action's per-actor numbers (`rules::chance`).
//! - **2.12** Each action carries the deadline in force: the scenario's day, or, for a
//!   relative deadline, `t + days` set at the moment its `after` action is done (or starts).
//!   On day `L` the lapses step counts a lapse when `L = D + 1` and the action was not done on
//!   or before `D`, and a relapse when `L = D + 1 + m k` (`m >= 1`, `k` the relapse interval)
//!   and it was not done on or before `L - 1`. A deadline `D >= H` never lapses (its lapse
//!   day is past the horizon).
//! - **2.13** An action under way keeps a count of its remaining days; at each day boundary
//!   the count of every action under way and not suspended falls by one, and an action whose
//!   count is 0 is done in the next completions step. Suspension is judged for the action
//!   when it starts, and for every action under way, in declaration order, after every
//!   completion, lapse and shock. An action that resumes with nothing remaining is done at
//!   that moment (and that completion is judged in turn).
//! - **2.14** Observers are left out of the walkout means and never walk out
//!   (`rules::first_walkout`); the default counterparts are compiled.
//! - **2.15** At each triggering event one uniform is drawn per shock that answers it, from
//!   that shock's own substream ([`rng::TriggerCoins`]); on success the shock is booked for
//!   the day's shock step when the event happened before the shocks (completions, lapses),
//!   and for the next day when it happened during the reviews; a booking outside the shock's window or past the horizon is
//!   dropped. A day's shocks (arrivals and bookings) apply in declaration order, each
//!   followed by the judgement of suspensions and, when it lowered trust, the walkout check.

mod rules;

use super::shocks::{Arrival, draw_arrivals};
use super::trust::Trust;
use super::{ActionRecord, Outcome, TrialResult};
use crate::model::{PhaseStart, Scenario, TriggerEvent};
use crate::rng::{self, TrialRng};

/// Runs trials by the literal rules.
#[derive(Debug, Clone)]
pub struct LiteralTrial<'s> {
    s: &'s Scenario,
}

/// Where in the day an event happens: decides the day of the shocks it triggers (2.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Phase starts, completions, lapses, shocks: a triggered shock occurs today.
    BeforeReviews,
    /// The reviews: a triggered shock occurs tomorrow.
    Reviews,
}

struct State {
    trust: Trust,
    phase_start: Vec<Option<u64>>,
    phase_done: Vec<Option<u64>>,
    due: Vec<Option<u64>>,
    started: Vec<Option<u64>>,
    done_at: Vec<Option<u64>>,
    /// Days still to run, for an action under way.
    remaining: Vec<u64>,
    /// The day its open suspension began.
    suspended_since: Vec<Option<u64>>,
    suspended_days: Vec<u64>,
    /// The deadline in force.
    deadline: Vec<Option<u64>>,
    lapses: Vec<u32>,
    consented: Vec<u64>,
    delays: Vec<Vec<u32>>,
    paused_until: Vec<Option<u64>>,
    done_count: usize,
    quantity: Vec<f64>,
    /// The triggered-shock coins, one substream per shock (only when the scenario has
    /// triggered shocks).
    trigger_coins: Option<rng::TriggerCoins>,
    /// Triggered shocks booked: (day, shock).
    booked: Vec<(u64, usize)>,
    step: Step,
}

impl State {
    fn under_way(&self, a: usize) -> bool {
        self.started[a].is_some() && self.done_at[a].is_none()
    }
}

impl<'s> LiteralTrial<'s> {
    /// For trials of `s`.
    pub fn new(s: &'s Scenario) -> Self {
        LiteralTrial { s }
    }

    /// Run trial `trial` from the master stream `master`.
    pub fn run(&self, master: &TrialRng, trial: u64) -> TrialResult {
        let s = self.s;
        let mut rng = rng::for_trial(master, trial);
        let mut arrivals: Vec<Arrival> = Vec::new();
        if !s.shocks.is_empty() {
            draw_arrivals(s, &mut rng::shock_rng(&rng), &mut arrivals);
        }
        let na = s.actions.len();
        let mut st = State {
            trust: Trust::new(s.parties.len()),
            phase_start: vec![None; s.phases.len()],
            phase_done: vec![None; s.phases.len()],
            due: vec![None; na],
            started: vec![None; na],
            done_at: vec![None; na],
            remaining: vec![0; na],
            suspended_since: vec![None; na],
            suspended_days: vec![0; na],
            deadline: s
                .actions
                .iter()
                .map(|a| a.deadline.map(u64::from))
                .collect(),
            lapses: vec![0; na],
            consented: vec![0; na],
            delays: s.actions.iter().map(|a| vec![0; a.actors.len()]).collect(),
            paused_until: vec![None; s.parties.len()],
            done_count: 0,
            quantity: vec![0.0; s.units.len()],
            trigger_coins: s
                .shocks
                .iter()
                .any(|x| x.trigger.is_some())
                .then(|| rng::TriggerCoins::for_trial(&rng, s.shocks.len())),
            booked: Vec::new(),
            step: Step::BeforeReviews,
        };
        st.trust.reset(s);
        let h = u64::from(s.horizon);
        let mut end: Option<(Outcome, u64, Option<usize>)> = None;
        'days: for t in 0..=h {
            st.step = Step::BeforeReviews;
            // Phases that start today (a date, or a lag that ends today).
            for p in 0..s.phases.len() {
                if st.phase_start[p].is_none() && self.phase_starts_on(&st, p) == Some(t) {
                    self.start_phase(&mut st, p, t);
                }
            }
            // 1. Completions: actions under way, not suspended, with no time left.
            for a in 0..na {
                if st.under_way(a) && st.suspended_since[a].is_none() && st.remaining[a] == 0 {
                    self.complete(&mut st, a, t);
                }
                if st.done_count == na {
                    end = Some((Outcome::Completed, t, None));
                    break 'days;
                }
            }
            // 2. Lapses and relapses, then the walkout check.
            for (a, act) in s.actions.iter().enumerate() {
                let Some(d) = st.deadline[a] else { continue };
                let first = t == d + 1;
                let again = act.relapse_every > 0
                    && t > d + 1
                    && (t - d - 1).is_multiple_of(u64::from(act.relapse_every));
                // Not done on or before L - 1 (that is D, for the first lapse): an action
                // done this morning still lapses.
                if (first || again) && st.done_at[a].is_none_or(|x| x >= t) {
                    st.trust.on_lapse(s, act);
                    st.lapses[a] += 1;
                    self.judge_all(&mut st, t);
                    self.trigger(&mut st, TriggerEvent::Lapse, a, t);
                }
            }
            if st.done_count == na {
                end = Some((Outcome::Completed, t, None));
                break 'days;
            }
            if let Some(i) = rules::first_walkout(s, &st.trust) {
                end = Some((Outcome::Collapsed, t, Some(i)));
                break 'days;
            }
            // 3. Shocks: arrivals and triggered shocks booked for today, in declaration order.
            let mut today: Vec<usize> = arrivals
                .iter()
                .filter(|x| u64::from(x.day) == t)
                .map(|x| x.shock as usize)
                .chain(st.booked.iter().filter(|b| b.0 == t).map(|b| b.1))
                .collect();
            today.sort();
            for k in today {
                let sh = &s.shocks[k];
                let lowered = st.trust.on_shock(&sh.from, &sh.toward, sh.trust_drop);
                if sh.pause_days > 0 {
                    let until = t + u64::from(sh.pause_days) - 1;
                    for &i in &sh.pause {
                        st.paused_until[i] =
                            Some(st.paused_until[i].map_or(until, |u| u.max(until)));
                    }
                }
                self.judge_all(&mut st, t);
                if lowered && let Some(i) = rules::first_walkout(s, &st.trust) {
                    end = Some((Outcome::Collapsed, t, Some(i)));
                    break 'days;
                }
            }
            if st.done_count == na {
                end = Some((Outcome::Completed, t, None));
                break 'days;
            }
            // 4. Reviews.
            st.step = Step::Reviews;
            for (i, party) in s.parties.iter().enumerate() {
                if !t.is_multiple_of(u64::from(party.review_every))
                    || st.paused_until[i].is_some_and(|u| t <= u)
                {
                    continue;
                }
                for a in 0..na {
                    let act = &s.actions[a];
                    if act.actor_mask & (1u64 << i) == 0
                        || st.due[a].is_none()
                        || st.started[a].is_some()
                        || st.consented[a] & (1u64 << i) != 0
                    {
                        continue;
                    }
                    let k = act.actors.iter().position(|&x| x == i).unwrap_or(0);
                    let p = rules::chance(&st.trust, i, act, k);
                    if rng::uniform(&mut rng) < p {
                        st.consented[a] |= 1u64 << i;
                        if st.consented[a] == act.actor_mask {
                            self.start_action(&mut st, a, t, &mut rng);
                            if st.done_count == na {
                                end = Some((Outcome::Completed, t, None));
                                break 'days;
                            }
                        }
                    } else {
                        st.delays[a][k] += 1;
                    }
                }
            }
            // The day boundary: time runs for every action under way and not suspended.
            for a in 0..na {
                if st.under_way(a) && st.suspended_since[a].is_none() && st.remaining[a] > 0 {
                    st.remaining[a] -= 1;
                }
            }
        }
        let (outcome, end_day, by) = end.unwrap_or((Outcome::Stalled, h, None));
        self.result(&st, outcome, end_day, by)
    }

    fn result(&self, st: &State, outcome: Outcome, end_day: u64, by: Option<usize>) -> TrialResult {
        let s = self.s;
        let mut out = TrialResult::new(s);
        out.outcome = outcome;
        out.end_day = end_day as u32;
        out.collapsed_by = by;
        out.actions_done = st.done_count as u32;
        out.quantity = st.quantity.clone();
        for p in 0..s.phases.len() {
            out.phase_done[p] = st.phase_done[p].map(|d| d as u32);
        }
        for (a, act) in s.actions.iter().enumerate() {
            let mut total = 0;
            for (k, &i) in act.actors.iter().enumerate() {
                total += st.delays[a][k];
                out.party_delays[i] += u64::from(st.delays[a][k]);
            }
            // A suspension still open at the end counts up to the end day.
            let open = st.suspended_since[a].map_or(0, |t1| end_day - t1);
            out.actions[a] = ActionRecord {
                due_day: st.due[a].map(|d| d as u32),
                started_day: st.started[a].map(|d| d as u32),
                done_day: st.done_at[a].map(|d| d as u32),
                delays: total,
                deadline: st.deadline[a].map(|d| d as u32),
                lapses: st.lapses[a],
                suspended_days: (st.suspended_days[a] + open) as u32,
            };
        }
        out
    }

    fn phase_starts_on(&self, st: &State, p: usize) -> Option<u64> {
        match &self.s.phases[p].start {
            PhaseStart::Day(d) => Some(u64::from(*d)),
            PhaseStart::After { phases, lag } => {
                let mut last = 0;
                for &q in phases {
                    last = last.max(st.phase_done[q]?);
                }
                Some(last + u64::from(*lag))
            }
        }
    }

    fn start_phase(&self, st: &mut State, p: usize, t: u64) {
        st.phase_start[p] = Some(t);
        self.refresh_due(st, t);
    }

    /// Mark every action whose phase has started and whose requirements hold as due.
    fn refresh_due(&self, st: &mut State, t: u64) {
        for (a, act) in self.s.actions.iter().enumerate() {
            if st.due[a].is_some() || st.phase_start[act.phase].is_none() {
                continue;
            }
            let ok = act.requires_done.iter().all(|&j| st.done_at[j].is_some())
                && act
                    .requires_started
                    .iter()
                    .all(|&j| st.started[j].is_some())
                && act.at_least.as_ref().is_none_or(|al| {
                    al.of.iter().filter(|&&j| st.done_at[j].is_some()).count() >= al.n
                });
            if ok {
                st.due[a] = Some(t);
            }
        }
    }

    /// Relative deadlines counted from action `a`'s start (`started`) or completion.
    fn set_relative_deadlines(&self, st: &mut State, a: usize, started: bool, t: u64) {
        for (b, act) in self.s.actions.iter().enumerate() {
            if let Some(rel) = act.relative_deadline
                && rel.after == a
                && rel.started == started
            {
                st.deadline[b] = Some(t + u64::from(rel.days));
            }
        }
    }

    /// docs/MODEL.md 2.15: one coin per shock answering this event; book the shock on success.
    fn trigger(&self, st: &mut State, event: TriggerEvent, a: usize, t: u64) {
        let h = u64::from(self.s.horizon);
        for (k, sh) in self.s.shocks.iter().enumerate() {
            let Some(tr) = sh.trigger else { continue };
            if tr.event != event || tr.action != a {
                continue;
            }
            let Some(coins) = st.trigger_coins.as_mut() else {
                continue;
            };
            let u = coins.coin(k);
            if u < tr.chance {
                let day = if st.step == Step::Reviews { t + 1 } else { t };
                if day >= u64::from(sh.window_first) && day <= u64::from(sh.window_last) && day <= h
                {
                    st.booked.push((day, k));
                }
            }
        }
    }

    /// docs/MODEL.md 2.13: judge action `a` (under way) with the trust of this moment.
    fn judge(&self, st: &mut State, a: usize, t: u64) {
        if !st.under_way(a) {
            return;
        }
        let now = rules::suspended(self.s, &st.trust, &self.s.actions[a]);
        match (now, st.suspended_since[a]) {
            (true, None) => st.suspended_since[a] = Some(t),
            (false, Some(t1)) => {
                st.suspended_days[a] += t - t1;
                st.suspended_since[a] = None;
                if st.remaining[a] == 0 {
                    self.complete(st, a, t);
                }
            }
            _ => {}
        }
    }

    /// Judge every action under way, in declaration order (after a trust change).
    fn judge_all(&self, st: &mut State, t: u64) {
        for a in 0..self.s.actions.len() {
            self.judge(st, a, t);
        }
    }

    fn start_action(&self, st: &mut State, a: usize, t: u64, rng: &mut TrialRng) {
        st.started[a] = Some(t);
        let d = self.s.actions[a].duration.sample(rng);
        st.remaining[a] = u64::from(d);
        self.set_relative_deadlines(st, a, true, t);
        self.refresh_due(st, t);
        self.trigger(st, TriggerEvent::Started, a, t);
        // Judged as it starts; a zero-duration action that is not suspended is done at once.
        let now = rules::suspended(self.s, &st.trust, &self.s.actions[a]);
        if now {
            st.suspended_since[a] = Some(t);
        } else if d == 0 {
            self.complete(st, a, t);
        }
    }

    fn complete(&self, st: &mut State, a: usize, t: u64) {
        let s = self.s;
        let act = &s.actions[a];
        st.done_at[a] = Some(t);
        st.done_count += 1;
        if let Some((u, q)) = act.quantity {
            st.quantity[u] += q;
        }
        st.trust.on_done(s, act);
        let p = act.phase;
        if s.phases[p].actions.iter().all(|&x| st.done_at[x].is_some()) {
            st.phase_done[p] = Some(t);
            // Lag-0 followers start at once.
            for &f in &s.phases[p].followers {
                if st.phase_start[f].is_none() && self.phase_starts_on(st, f) == Some(t) {
                    st.phase_start[f] = Some(t);
                }
            }
        }
        self.set_relative_deadlines(st, a, false, t);
        self.refresh_due(st, t);
        self.trigger(st, TriggerEvent::Done, a, t);
        self.judge_all(st, t);
    }
}

#[cfg(test)]
mod tests;
