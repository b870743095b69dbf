//! The plan: a scenario compiled once into flat tables for the hot loop of [`super::Trial`].
//!
//! A trial touches the same few facts again and again: who acts on an action, whose trust a
//! completion raises, which trust entries make up a party's `tau` for an action, which
//! actions wait for another. [`crate::model::Scenario`] keeps them as nested lists, which is
//! right for reading; here they are contiguous arrays indexed by small integers
//! ("compressed rows": the items of row `r` are `items[start..end]` for its span), computed once per
//! scenario so that a trial never searches, allocates or follows a pointer chain.
//!
//! A **slot** is an (action, actor) pair: one offer of the action to one of its actors. Slots
//! are numbered in review order (by party, then action), so a slot's number is also the
//! payload of its review events, and everything a candidate review reads about its slot sits
//! in one small [`Slot`] record.

mod check;
mod patch;

pub use patch::{PlanChanges, PlanPatch};

use super::consent::{FirstCoin, SecondCoin};
use super::table::Table;
use super::trust::{SUM_GROUP, zero_entry};
use crate::model::{PhaseStart, Scenario};

/// Rows of `u32` items.
#[derive(Debug, Clone, Default)]
pub struct Rows<T> {
    /// Per row, `(start, end)` in `items`: one load and one bounds check per row read (a
    /// table of starts alone costs two of each, a row being read about 200 times a trial).
    spans: Table<(u32, u32)>,
    items: Table<T>,
}

impl<T: Copy> Rows<T> {
    pub(crate) fn build(rows: impl IntoIterator<Item = impl IntoIterator<Item = T>>) -> Self {
        let mut spans = Vec::new();
        let mut items = Vec::new();
        for row in rows {
            let start = items.len() as u32;
            items.extend(row);
            spans.push((start, items.len() as u32));
        }
        Rows {
            spans: spans.into(),
            items: items.into(),
        }
    }

    /// Rows in all.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Every item, in row order.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items of row `r`.
    #[inline]
    pub(crate) fn row(&self, r: usize) -> &[T] {
        let (start, end) = self.spans[r];
        debug_assert!(start <= end && end as usize <= self.items.len());
        // SAFETY: `build` made every span a range of `items` (engine::table: the row index
        // is the caller's, from the plan).
        unsafe { self.items.get_unchecked(start as usize..end as usize) }
    }

    /// Where row `r`'s items are: for a loop whose body changes the trial, which therefore
    /// cannot hold the row's slice (it reads each with [`Rows::item`]).
    #[inline]
    pub(crate) fn span(&self, r: usize) -> std::ops::Range<usize> {
        let (start, end) = self.spans[r];
        start as usize..end as usize
    }

    /// Item `k` of all rows (a position in a [`Rows::span`]).
    #[inline]
    pub(crate) fn item(&self, k: usize) -> T {
        self.items[k]
    }
}

/// A step of the day, the second field of an event key (see [`super::queue`]).
pub mod step {
    /// A phase starts.
    pub const PHASE: u64 = 0;
    /// An action is done.
    pub const DONE: u64 = 1;
    /// A deadline lapses.
    pub const LAPSE: u64 = 2;
    /// A shock arrives.
    pub const SHOCK: u64 = 3;
    /// A review.
    pub const REVIEW: u64 = 4;
}

/// Bits of an event key below the step.
pub const PAYLOAD_BITS: u64 = 29;

/// The key of an event: `(day, step, payload)` as one ordered integer.
#[inline]
pub fn key(day: u64, step: u64, payload: u64) -> u64 {
    (day << 32) | (step << PAYLOAD_BITS) | payload
}

/// What a candidate review needs to know about its offer, in one record.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    /// The actor.
    pub party: u32,
    /// The action.
    pub action: u32,
    /// The actor's position among the action's actors.
    pub k: u32,
    /// Where its counterpart trust entries start in the plan's `counterparts`, and how many.
    pub cp_at: u32,
    /// The number of counterparts.
    pub cp_len: u32,
    /// The most `tau` can ever be in a trial (see [`Plan::trust_ceiling`]).
    pub tau_max: f64,
    /// `1 / (counterparts * tau_max)`: turns the sum of the counterpart trust entries into
    /// `tau / tau_max` with one multiplication (0 when there are no counterparts).
    pub ratio_scale: f64,
}

/// The static tables of one scenario.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The last simulated day.
    pub horizon: u64,
    /// Per slot: its first coin, with chance `c_i * tau_max^rho_i` (see [`super::consent`]).
    pub(crate) first_coin: Table<FirstCoin>,
    /// Per slot: its second coin, with `rho_i(a)` (docs/MODEL.md 2.11; the party's `rho_i` unless
    /// the action sets one, so a 0.2 scenario draws exactly as before).
    pub(crate) second_coin: Table<SecondCoin>,
    /// The starting trust matrix, row-major.
    pub initial_trust: Vec<f64>,
    /// Per action: its slots, in actor order.
    pub(crate) action_slots: Rows<u32>,
    /// Per action: the trust entries (`i * n + j`) a completion raises, with `g_i`.
    pub(crate) gains: Rows<(u32, f64)>,
    /// Per action: the trust entries a lapse lowers, with `l_i`.
    pub(crate) losses: Rows<(u32, f64)>,
    /// Per action: the actions for which its start is a requirement.
    pub(crate) waits_started: Rows<u32>,
    /// Per action: the actions for which its completion is a requirement.
    pub(crate) waits_done: Rows<u32>,
    /// Per action: the actions whose `requires_at_least` lists it.
    pub(crate) waits_at_least: Rows<u32>,
    /// Per action: conditions missing at the start (its phase, each requirement, and the
    /// `requires_at_least` count as one).
    pub(crate) unmet_initial: Vec<u32>,
    /// Per action: `n` of its `requires_at_least` (0 when it has none).
    pub(crate) at_least_n: Table<u32>,
    /// The slots, in review order.
    pub(crate) slots: Table<Slot>,
    /// The trust entries (`i * n + j`) whose mean is a slot's `tau`, in counterpart order,
    /// each slot's run padded with [`zero_entry`] to whole groups of [`SUM_GROUP`].
    pub(crate) counterparts: Vec<u32>,
    /// Keys of the events every trial has: lapses of deadlines before the horizon and
    /// phases with a start date, sorted.
    pub(crate) fixed: Vec<u64>,
    /// The tables and flags of the model 0.3 rules (all off for a 0.2 scenario).
    pub(crate) rules: super::rules03::Rules03,
    /// The sizes of the scenario the plan was built for: a trial checks that its scenario
    /// has them ([`Plan::check_fits`]), so that every index the plan stores fits its tables.
    pub(crate) shape: Shape,
}

/// The sizes of a scenario that the plan's indices range over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    parties: usize,
    actions: usize,
    phases: usize,
    shocks: usize,
    /// (action, actor) pairs.
    slots: usize,
    horizon: u32,
}

impl Shape {
    /// The sizes of `s`.
    pub(crate) fn of(s: &Scenario) -> Self {
        Shape {
            parties: s.parties.len(),
            actions: s.actions.len(),
            phases: s.phases.len(),
            shocks: s.shocks.len(),
            slots: s.actions.iter().map(|a| a.actors.len()).sum(),
            horizon: s.horizon,
        }
    }
}

impl Plan {
    /// Compile `s`.
    pub fn new(s: &Scenario) -> Self {
        Self::with_rises(s).0
    }

    /// Compile `s`, and give with the plan the number of actions `m` that can raise each
    /// counterpart trust entry while its offer waits (parallel to [`Plan::counterparts`]):
    /// what [`PlanPatch`] keeps to recompute the ceilings.
    fn with_rises(s: &Scenario) -> (Self, Vec<i32>) {
        let n = s.parties.len();
        let na = s.actions.len();
        let horizon = u64::from(s.horizon);
        // (party, action, k) in review order.
        let mut order: Vec<(usize, usize, usize)> = Vec::new();
        for (a, act) in s.actions.iter().enumerate() {
            for (k, &i) in act.actors.iter().enumerate() {
                order.push((i, a, k));
            }
        }
        order.sort_unstable();
        let raises = Self::raises(s);
        let ceiling = Self::ceiling_of(s, &raises);
        // Per action, per actor, per counterpart: how many of the actions blocked until it
        // starts would raise that trust entry (computed one action at a time, so that the
        // transitive sets are never all held at once: linear memory in a chain of actions).
        let mut idle: Vec<Vec<Vec<i32>>> = Vec::with_capacity(na);
        Self::for_each_blocked(s, |a, blocked| {
            let act = &s.actions[a];
            idle.push(
                act.actors
                    .iter()
                    .zip(&act.counterparts)
                    .map(|(&i, cps)| {
                        cps.iter()
                            .map(|&j| {
                                blocked
                                    .iter()
                                    .filter(|&&b| {
                                        let m = s.actions[b as usize].actor_mask;
                                        m & (1u64 << i) == 0 && m & (1u64 << j) != 0
                                    })
                                    .count() as i32
                            })
                            .collect()
                    })
                    .collect(),
            );
        });
        let mut slots = Vec::with_capacity(order.len());
        let mut counterparts = Vec::new();
        let mut rises: Vec<i32> = Vec::new();
        let mut action_slots = vec![Vec::new(); na];
        for &(i, a, k) in &order {
            let cps = &s.actions[a].counterparts[k];
            action_slots[a].push((slots.len() as u32, k));
            // While this offer waits, the actions that need `a` started cannot be done, so
            // they cannot raise T[i][j]: a lower ceiling.
            let ms_at = rises.len();
            rises.extend(
                cps.iter()
                    .zip(&idle[a][k])
                    .map(|(&j, &idle)| raises[i * n + j] - idle),
            );
            let tau_max = Self::offer_tau_max(s, &ceiling, i, cps, &rises[ms_at..]);
            slots.push(Slot {
                party: i as u32,
                action: a as u32,
                k: k as u32,
                cp_at: counterparts.len() as u32,
                cp_len: cps.len() as u32,
                tau_max,
                ratio_scale: Self::ratio_scale(cps.len(), tau_max),
            });
            counterparts.extend(cps.iter().map(|&j| (i * n + j) as u32));
            // Padded to whole groups for the review's sum (`rises` stays parallel).
            while !counterparts.len().is_multiple_of(SUM_GROUP) {
                counterparts.push(zero_entry(n));
                rises.push(0);
            }
        }
        for row in &mut action_slots {
            row.sort_unstable_by_key(|&(_, k)| k);
        }
        let action_slots = Rows::build(
            action_slots
                .into_iter()
                .map(|row| row.into_iter().map(|(slot, _)| slot)),
        );
        let pairs = |weight: &dyn Fn(usize) -> f64| {
            Rows::build(s.actions.iter().map(|act| {
                let mut v = Vec::new();
                for i in (0..n).filter(|&i| act.actor_mask & (1u64 << i) == 0) {
                    for &j in &act.actors {
                        v.push(((i * n + j) as u32, weight(i)));
                    }
                }
                v
            }))
        };
        let gains = pairs(&|i| s.parties[i].trust_gain);
        let losses = pairs(&|i| s.parties[i].trust_loss);
        let mut waits_started = vec![Vec::new(); na];
        let mut waits_done = vec![Vec::new(); na];
        let mut waits_at_least = vec![Vec::new(); na];
        let mut unmet_initial = vec![0u32; na];
        let mut at_least_n = vec![0u32; na];
        for (a, act) in s.actions.iter().enumerate() {
            unmet_initial[a] = 1 + (act.requires_done.len() + act.requires_started.len()) as u32;
            for &j in &act.requires_started {
                waits_started[j].push(a as u32);
            }
            for &j in &act.requires_done {
                waits_done[j].push(a as u32);
            }
            if let Some(al) = &act.at_least
                && al.n > 0
            {
                unmet_initial[a] += 1;
                at_least_n[a] = al.n as u32;
                for &j in &al.of {
                    waits_at_least[j].push(a as u32);
                }
            }
        }
        let mut fixed = Vec::new();
        for (p, ph) in s.phases.iter().enumerate() {
            if let PhaseStart::Day(d) = ph.start
                && u64::from(d) <= horizon
            {
                fixed.push(key(u64::from(d), step::PHASE, p as u64));
            }
        }
        for (k, a) in s.actions.iter().enumerate() {
            if let Some(d) = a.deadline
                && u64::from(d) < horizon
            {
                fixed.push(key(u64::from(d) + 1, step::LAPSE, k as u64));
            }
        }
        fixed.sort_unstable();
        let plan = Plan {
            horizon,
            first_coin: slots
                .iter()
                .map(|slot| Self::slot_first_coin(s, slot, true))
                .collect(),
            second_coin: slots
                .iter()
                .map(|slot| Self::slot_second_coin(s, slot))
                .collect(),
            initial_trust: s
                .parties
                .iter()
                .flat_map(|p| p.initial_trust.iter().copied())
                .collect(),
            action_slots,
            gains,
            losses,
            waits_started: Rows::build(waits_started),
            waits_done: Rows::build(waits_done),
            waits_at_least: Rows::build(waits_at_least),
            unmet_initial,
            at_least_n: at_least_n.into(),
            rules: super::rules03::Rules03::new(s, slots.iter().map(|x| x.party)),
            slots: slots.into(),
            counterparts,
            fixed,
            shape: Shape::of(s),
        };
        plan.check_indices(s);
        (plan, rises)
    }

    /// `tau_max` of an offer of party `i` with counterparts `cps`, where `m[k]` actions can
    /// raise `T[i][cps[k]]` while it waits: the mean of each entry's ceiling (docs/MODEL.md
    /// 2.5), with a margin for the rounding of the trust updates far above it (1 without
    /// counterparts).
    fn offer_tau_max(s: &Scenario, ceiling: &[f64], i: usize, cps: &[usize], m: &[i32]) -> f64 {
        if cps.is_empty() {
            return 1.0;
        }
        let n = s.parties.len();
        let p = &s.parties[i];
        let sum: f64 = cps
            .iter()
            .zip(m)
            .map(|(&j, &m)| {
                let t0 = p.initial_trust[j];
                let top = 1.0 - (1.0 - t0) * (1.0 - p.trust_gain).powi(m);
                (top + 1.0e-12).clamp(t0, 1.0).min(ceiling[i * n + j])
            })
            .sum();
        (sum / cps.len() as f64 * (1.0 + 1.0e-12)).min(1.0)
    }

    /// [`Slot::ratio_scale`] of an offer with `cps` counterparts.
    fn ratio_scale(cps: usize, tau_max: f64) -> f64 {
        if cps == 0 {
            0.0
        } else {
            1.0 / (cps as f64 * tau_max)
        }
    }

    /// The first coin of a slot: docs/MODEL.md 2.11, the slot's own `c_i(a)` and `rho_i(a)`;
    /// with its bucket table when `table` (a plan of its own, not a point's patch).
    fn slot_first_coin(s: &Scenario, slot: &Slot, table: bool) -> FirstCoin {
        let (c, rho) = Self::willingness(s, slot);
        let bound = if rho == 0.0 {
            c
        } else {
            c * slot.tau_max.powf(rho)
        };
        let c = bound.clamp(0.0, 1.0);
        if table {
            FirstCoin::new(c)
        } else {
            FirstCoin::untabled(c)
        }
    }

    /// The second coin of a slot, with its `rho_i(a)`.
    fn slot_second_coin(s: &Scenario, slot: &Slot) -> SecondCoin {
        SecondCoin::new(Self::willingness(s, slot).1)
    }

    /// `(c_i(a), rho_i(a))` of a slot.
    fn willingness(s: &Scenario, slot: &Slot) -> (f64, f64) {
        let act = &s.actions[slot.action as usize];
        (
            act.compliance[slot.k as usize],
            act.reciprocity[slot.k as usize],
        )
    }

    /// The most each trust entry `T[i][j]` can ever be in a trial, row-major.
    ///
    /// Trust only rises when an action done has `j` among its actors and not `i`
    /// (docs/MODEL.md 2.5), by `g_i` of what is missing, and each action is done at most once; lapses
    /// and shocks only lower it. So with `m` such actions in the scenario,
    /// `T[i][j] <= 1 - (1 - T0[i][j]) * (1 - g_i)^m` throughout every trial (plus `1e-12` for
    /// rounding). Thinning with this ceiling instead of 1 spends far fewer reviews on second
    /// coins that fail.
    pub fn trust_ceiling(s: &Scenario) -> Vec<f64> {
        Self::ceiling_of(s, &Self::raises(s))
    }

    /// [`Plan::trust_ceiling`] with `raises` already counted.
    fn ceiling_of(s: &Scenario, raises: &[i32]) -> Vec<f64> {
        let n = s.parties.len();
        let mut out = vec![1.0; n * n];
        for (i, p) in s.parties.iter().enumerate() {
            for j in 0..n {
                let t0 = p.initial_trust[j];
                let m = raises[i * n + j];
                let top = 1.0 - (1.0 - t0) * (1.0 - p.trust_gain).powi(m);
                // The updates round at each step: a margin far above their error.
                out[i * n + j] = (top + 1.0e-12).clamp(t0, 1.0);
            }
        }
        out
    }

    /// For each `T[i][j]`, how many actions raise it when done (`j` an actor, `i` not).
    fn raises(s: &Scenario) -> Vec<i32> {
        let n = s.parties.len();
        let mut raises = vec![0i32; n * n];
        for act in &s.actions {
            for i in (0..n).filter(|&i| act.actor_mask & (1u64 << i) == 0) {
                for &j in &act.actors {
                    raises[i * n + j] += 1;
                }
            }
        }
        raises
    }

    /// For each action `a`, the actions that cannot be done before `a` has started: those
    /// that require it (done or started), those in a phase that waits for its phase, and so
    /// on transitively. (`requires_at_least` is left out: it can be met without `a`.)
    pub fn blocked_until_started(s: &Scenario) -> Vec<Vec<u32>> {
        let mut all = Vec::with_capacity(s.actions.len());
        Self::for_each_blocked(s, |_, blocked| all.push(blocked.to_vec()));
        all
    }

    /// [`Plan::blocked_until_started`] one action at a time, in order: `f(a, blocked)` with
    /// `blocked` sorted, in a buffer reused from action to action.
    fn for_each_blocked(s: &Scenario, mut f: impl FnMut(usize, &[u32])) {
        let na = s.actions.len();
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); na];
        for (b, act) in s.actions.iter().enumerate() {
            for &a in act.requires_done.iter().chain(&act.requires_started) {
                next[a].push(b);
            }
            if let PhaseStart::After { phases, .. } = &s.phases[act.phase].start {
                for &q in phases {
                    for &a in &s.phases[q].actions {
                        next[a].push(b);
                    }
                }
            }
        }
        // `seen[b] == a` marks `b` as reached from `a`: no clearing between actions.
        let mut seen = vec![usize::MAX; na];
        let mut stack = Vec::new();
        let mut out = Vec::new();
        for a in 0..na {
            stack.clear();
            stack.extend_from_slice(&next[a]);
            out.clear();
            while let Some(b) = stack.pop() {
                if b != a && seen[b] != a {
                    seen[b] = a;
                    out.push(b as u32);
                    stack.extend_from_slice(&next[b]);
                }
            }
            out.sort_unstable();
            f(a, &out);
        }
    }

    /// Slots in all.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// The counterpart trust entries of a slot.
    #[inline]
    pub fn counterparts_of(&self, slot: &Slot) -> &[u32] {
        &self.counterparts[slot.cp_at as usize..(slot.cp_at + slot.cp_len) as usize]
    }

    /// [`Plan::counterparts_of`] padded with [`zero_entry`] to whole groups of
    /// [`SUM_GROUP`], for `Trust::sum_of_padded`.
    #[inline]
    pub fn counterparts_padded_of(&self, slot: &Slot) -> &[u32] {
        let len = (slot.cp_len as usize).div_ceil(SUM_GROUP) * SUM_GROUP;
        &self.counterparts[slot.cp_at as usize..slot.cp_at as usize + len]
    }
}

#[cfg(test)]
mod tests;
