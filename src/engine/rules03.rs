//! The plan's tables for the rules of model 0.3 (docs/MODEL.md 2.12, 2.13 and 2.15), and the flags
//! that switch their code off.
//!
//! A model 0.2 scenario has no relative deadline, no relapse, no party with `suspend_trust >
//! 0` and no triggered shock: every flag below is `false` and every list empty, so the
//! trial's hot loop pays one predictable branch per event for these rules and draws nothing
//! more (docs/MODEL.md 2.16).

use super::plan::Rows;
use crate::model::{Scenario, TriggerEvent};

/// What the 0.3 rules need, compiled once per scenario.
#[derive(Debug, Clone, Default)]
pub struct Rules03 {
    /// Some action has a relative deadline (docs/MODEL.md 2.12).
    pub relative: bool,
    /// Per action `b`: the actions whose deadline counts from `b` being done.
    pub deadline_on_done: Rows<u32>,
    /// Per action `b`: the actions whose deadline counts from `b` starting.
    pub deadline_on_started: Rows<u32>,
    /// Some party has `suspend_trust > 0` (docs/MODEL.md 2.13).
    pub suspend: bool,
    /// The actions with at least one actor whose `suspend_trust > 0`, in declaration order:
    /// the only ones a suspension judgement has to look at.
    pub suspendable: Vec<u32>,
    /// Per action: its actors with `suspend_trust > 0`, as `(party, position among actors)`.
    pub suspenders: Rows<(u32, u32)>,
    /// Some shock is triggered (docs/MODEL.md 2.15): the trial then keeps its trigger coins.
    pub triggers: bool,
    /// Some triggered shock pauses a party: stale candidate reviews must then be skipped.
    pub trigger_pauses: bool,
    /// Per action: the triggered shocks that answer its lapses (and relapses).
    pub on_lapse: Rows<u32>,
    /// Per action: the triggered shocks that answer its completion.
    pub on_done: Rows<u32>,
    /// Per action: the triggered shocks that answer its start.
    pub on_started: Rows<u32>,
    /// Per party `i`: its slots are `party_slots[i]..party_slots[i + 1]` (slots are numbered
    /// by party first).
    pub party_slots: Vec<u32>,
}

impl Rules03 {
    /// Compile the 0.3 tables of `s`; `slot_party` is the party of each slot, in slot order.
    pub fn new(s: &Scenario, slot_party: impl Iterator<Item = u32>) -> Self {
        let na = s.actions.len();
        let mut on_done = vec![Vec::new(); na];
        let mut on_started = vec![Vec::new(); na];
        for (a, act) in s.actions.iter().enumerate() {
            if let Some(rd) = act.relative_deadline {
                if rd.started {
                    on_started[rd.after].push(a as u32);
                } else {
                    on_done[rd.after].push(a as u32);
                }
            }
        }
        let mut suspendable = Vec::new();
        let suspenders = Rows::build(s.actions.iter().enumerate().map(|(a, act)| {
            let row: Vec<(u32, u32)> = act
                .actors
                .iter()
                .enumerate()
                .filter(|&(_, &i)| s.parties[i].suspend_trust > 0.0)
                .map(|(k, &i)| (i as u32, k as u32))
                .collect();
            if !row.is_empty() {
                suspendable.push(a as u32);
            }
            row
        }));
        let by_event = |ev: TriggerEvent| {
            let mut rows = vec![Vec::new(); na];
            for (k, sh) in s.shocks.iter().enumerate() {
                if let Some(t) = sh.trigger
                    && t.event == ev
                {
                    rows[t.action].push(k as u32);
                }
            }
            Rows::build(rows)
        };
        let mut party_slots = vec![0u32; s.parties.len() + 1];
        for p in slot_party {
            party_slots[p as usize + 1] += 1;
        }
        for i in 0..s.parties.len() {
            party_slots[i + 1] += party_slots[i];
        }
        Rules03 {
            relative: s.actions.iter().any(|a| a.relative_deadline.is_some()),
            deadline_on_done: Rows::build(on_done),
            deadline_on_started: Rows::build(on_started),
            suspend: !suspendable.is_empty(),
            suspendable,
            suspenders,
            triggers: s.shocks.iter().any(|sh| sh.trigger.is_some()),
            trigger_pauses: s
                .shocks
                .iter()
                .any(|sh| sh.trigger.is_some() && sh.pause_days > 0 && !sh.pause.is_empty()),
            on_lapse: by_event(TriggerEvent::Lapse),
            on_done: by_event(TriggerEvent::Done),
            on_started: by_event(TriggerEvent::Started),
            party_slots,
        }
    }

    /// The triggered shocks answering `event` of action `a`.
    #[inline]
    pub fn triggered_by(&self, event: TriggerEvent, a: usize) -> &[u32] {
        match event {
            TriggerEvent::Lapse => self.on_lapse.row(a),
            TriggerEvent::Done => self.on_done.row(a),
            TriggerEvent::Started => self.on_started.row(a),
        }
    }
}
