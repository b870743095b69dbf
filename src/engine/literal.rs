//! The literal trial: DESIGN.md section 2 read aloud, one day at a time, a coin at every review.
//!
//! Slow and obvious on purpose. It exists so the tests can show that the skip-ahead
//! [`super::Trial`] gives the same distribution of every outcome: the two share only the trust
//! arithmetic ([`super::trust`]), the shock draws ([`super::shocks`]) and the duration draws,
//! which are literal already. It draws from the same per-trial stream, but in another order,
//! so the two agree in distribution, not trial by trial.

use super::shocks::{Arrival, draw_arrivals};
use super::trust::{Trust, chance_to_act};
use super::{ActionRecord, Outcome, TrialResult};
use crate::model::{PhaseStart, Scenario};
use crate::rng::{self, TrialRng};

/// Runs trials by the literal rules.
#[derive(Debug, Clone)]
pub struct LiteralTrial<'s> {
    s: &'s Scenario,
}

struct State {
    trust: Trust,
    phase_start: Vec<Option<u64>>,
    phase_done: Vec<Option<u64>>,
    due: Vec<Option<u64>>,
    started: Vec<Option<u64>>,
    done_at: Vec<Option<u64>>,
    scheduled_done: Vec<Option<u64>>,
    consented: Vec<u64>,
    delays: Vec<Vec<u32>>,
    paused_until: Vec<Option<u64>>,
    done_count: usize,
    quantity: Vec<f64>,
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
            scheduled_done: vec![None; na],
            consented: vec![0; na],
            delays: s.actions.iter().map(|a| vec![0; a.actors.len()]).collect(),
            paused_until: vec![None; s.parties.len()],
            done_count: 0,
            quantity: vec![0.0; s.units.len()],
        };
        st.trust.reset(s);
        let h = u64::from(s.horizon);
        let mut end: Option<(Outcome, u64, Option<usize>)> = None;
        'days: for t in 0..=h {
            // Phases that start today (a date, or a lag that ends today).
            for p in 0..s.phases.len() {
                if st.phase_start[p].is_none() && self.phase_starts_on(&st, p) == Some(t) {
                    self.start_phase(&mut st, p, t);
                }
            }
            // 1. Completions.
            for a in 0..na {
                if st.scheduled_done[a] == Some(t) && st.done_at[a].is_none() {
                    self.complete(&mut st, a, t);
                    if st.done_count == na {
                        end = Some((Outcome::Completed, t, None));
                        break 'days;
                    }
                }
            }
            // 2. Lapses, then the walkout check.
            for (a, act) in s.actions.iter().enumerate() {
                if let Some(d) = act.deadline
                    && u64::from(d) + 1 == t
                    && st.done_at[a].is_none_or(|x| x > u64::from(d))
                {
                    st.trust.on_lapse(s, act);
                }
            }
            if let Some(i) = st.trust.first_walkout(s) {
                end = Some((Outcome::Collapsed, t, Some(i)));
                break 'days;
            }
            // 3. Shocks.
            for arr in arrivals.iter().filter(|x| u64::from(x.day) == t) {
                let sh = &s.shocks[arr.shock as usize];
                let lowered = st.trust.on_shock(&sh.from, &sh.toward, sh.trust_drop);
                if sh.pause_days > 0 {
                    let until = t + u64::from(sh.pause_days) - 1;
                    for &i in &sh.pause {
                        st.paused_until[i] =
                            Some(st.paused_until[i].map_or(until, |u| u.max(until)));
                    }
                }
                if lowered && let Some(i) = st.trust.first_walkout(s) {
                    end = Some((Outcome::Collapsed, t, Some(i)));
                    break 'days;
                }
            }
            // 4. Reviews.
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
                    let p = chance_to_act(s, &st.trust, i, act, k);
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
        }
        let (outcome, end_day, by) = end.unwrap_or((Outcome::Stalled, h, None));
        let mut out = TrialResult::new(s);
        out.outcome = outcome;
        out.end_day = end_day as u32;
        out.collapsed_by = by;
        out.actions_done = st.done_count as u32;
        out.quantity = st.quantity;
        for p in 0..s.phases.len() {
            out.phase_done[p] = st.phase_done[p].map(|d| d as u32);
        }
        for (a, act) in s.actions.iter().enumerate() {
            let mut total = 0;
            for (k, &i) in act.actors.iter().enumerate() {
                total += st.delays[a][k];
                out.party_delays[i] += u64::from(st.delays[a][k]);
            }
            out.actions[a] = ActionRecord {
                due_day: st.due[a].map(|d| d as u32),
                started_day: st.started[a].map(|d| d as u32),
                done_day: st.done_at[a].map(|d| d as u32),
                delays: total,
                deadline: act.deadline,
                lapses: 0,
                suspended_days: 0,
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

    fn start_action(&self, st: &mut State, a: usize, t: u64, rng: &mut TrialRng) {
        st.started[a] = Some(t);
        let d = self.s.actions[a].duration.sample(rng);
        self.refresh_due(st, t);
        if d == 0 {
            self.complete(st, a, t);
        } else {
            st.scheduled_done[a] = Some(t + u64::from(d));
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
        self.refresh_due(st, t);
    }
}
