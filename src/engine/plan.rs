//! The plan: a scenario compiled once into flat tables for the hot loop of [`super::Trial`].
//!
//! A trial touches the same few facts again and again: who acts on an action, whose trust a
//! completion raises, which trust entries make up a party's `tau` for an action, which
//! actions wait for another. [`crate::model::Scenario`] keeps them as nested lists, which is
//! right for reading; here they are contiguous arrays indexed by small integers
//! ("compressed rows": the items of row `r` are `items[at[r]..at[r + 1]]`), computed once per
//! scenario so that a trial never searches, allocates or follows a pointer chain.
//!
//! An action's **slots** are its (action, actor) pairs, numbered action by action in
//! declaration order; each slot is one offer of the action to one of its actors.

use super::consent::{FirstCoin, SecondCoin};
use crate::model::{PhaseStart, Scenario};

/// Rows of `u32` items.
#[derive(Debug, Clone, Default)]
pub struct Rows<T> {
    at: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Rows<T> {
    fn build(rows: impl IntoIterator<Item = impl IntoIterator<Item = T>>) -> Self {
        let mut at = vec![0];
        let mut items = Vec::new();
        for row in rows {
            items.extend(row);
            at.push(items.len() as u32);
        }
        Rows { at, items }
    }

    /// The items of row `r`.
    #[inline]
    pub fn row(&self, r: usize) -> &[T] {
        &self.items[self.at[r] as usize..self.at[r + 1] as usize]
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

/// The static tables of one scenario.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Parties.
    pub n: usize,
    /// The last simulated day.
    pub horizon: u64,
    /// Per party: its first and second coins.
    pub first_coin: Vec<FirstCoin>,
    /// Per party.
    pub second_coin: Vec<SecondCoin>,
    /// The starting trust matrix, row-major.
    pub initial_trust: Vec<f64>,
    /// Per action: its first slot (one more entry at the end: the number of slots).
    pub slot_base: Vec<u32>,
    /// Per action: the trust entries (`i * n + j`) a completion raises, with `g_i`.
    pub gains: Rows<(u32, f64)>,
    /// Per action: the trust entries a lapse lowers, with `l_i`.
    pub losses: Rows<(u32, f64)>,
    /// Per action: the actions for which its start is a requirement.
    pub waits_started: Rows<u32>,
    /// Per action: the actions for which its completion is a requirement.
    pub waits_done: Rows<u32>,
    /// Per action: the actions whose `requires_at_least` lists it.
    pub waits_at_least: Rows<u32>,
    /// Per action: conditions missing at the start (its phase, each requirement, and the
    /// `requires_at_least` count as one).
    pub unmet_initial: Vec<u32>,
    /// Per action: `n` of its `requires_at_least` (0 when it has none).
    pub at_least_n: Vec<u32>,
    /// Per slot: the actor.
    pub slot_party: Vec<u32>,
    /// Per slot: the action.
    pub slot_action: Vec<u32>,
    /// Per slot: its rank in review order (party, then action): the payload of its review key.
    pub slot_rank: Vec<u32>,
    /// Per rank: the slot.
    pub rank_slot: Vec<u32>,
    /// Per slot: the trust entries (`i * n + j`) whose mean is `tau`, in counterpart order.
    pub counterparts: Rows<u32>,
    /// Per slot: the number of counterparts as a float (0: `tau` is 1).
    pub counterpart_count: Vec<f64>,
    /// Keys of the events every trial has: lapses of deadlines before the horizon and
    /// phases with a start date, sorted.
    pub fixed: Vec<u64>,
}

impl Plan {
    /// Compile `s`.
    pub fn new(s: &Scenario) -> Self {
        let n = s.parties.len();
        let na = s.actions.len();
        let horizon = u64::from(s.horizon);
        let mut slot_base = Vec::with_capacity(na + 1);
        let mut slot_party = Vec::new();
        let mut slot_action = Vec::new();
        let mut cps: Vec<Vec<u32>> = Vec::new();
        for (a, act) in s.actions.iter().enumerate() {
            slot_base.push(slot_party.len() as u32);
            for (k, &i) in act.actors.iter().enumerate() {
                slot_party.push(i as u32);
                slot_action.push(a as u32);
                cps.push(
                    act.counterparts[k]
                        .iter()
                        .map(|&j| (i * n + j) as u32)
                        .collect(),
                );
            }
        }
        slot_base.push(slot_party.len() as u32);
        let mut order: Vec<u32> = (0..slot_party.len() as u32).collect();
        order.sort_by_key(|&x| (slot_party[x as usize], slot_action[x as usize]));
        let mut slot_rank = vec![0; order.len()];
        for (rank, &slot) in order.iter().enumerate() {
            slot_rank[slot as usize] = rank as u32;
        }
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
        Plan {
            n,
            horizon,
            first_coin: s
                .parties
                .iter()
                .map(|p| FirstCoin::new(p.compliance))
                .collect(),
            second_coin: s
                .parties
                .iter()
                .map(|p| SecondCoin::new(p.reciprocity))
                .collect(),
            initial_trust: s
                .parties
                .iter()
                .flat_map(|p| p.initial_trust.iter().copied())
                .collect(),
            slot_base,
            gains,
            losses,
            waits_started: Rows::build(waits_started),
            waits_done: Rows::build(waits_done),
            waits_at_least: Rows::build(waits_at_least),
            unmet_initial,
            at_least_n,
            counterpart_count: cps.iter().map(|c| c.len() as f64).collect(),
            counterparts: Rows::build(cps),
            slot_party,
            slot_action,
            slot_rank,
            rank_slot: order,
            fixed,
        }
    }

    /// Slots in all.
    pub fn slots(&self) -> usize {
        self.slot_party.len()
    }
}
