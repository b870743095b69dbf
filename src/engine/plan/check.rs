//! The one check behind the engine's unchecked tables ([`crate::engine::table`]): every index
//! a plan stores is below the length of the table it indexes.
//!
//! A plan is built from a validated scenario, so this never fails; it is a real check all
//! the same (in every build, once per plan, a few microseconds for the largest scenarios),
//! so that the trial's unchecked reads rest on something checked, not only on the code that
//! built the plan being right.

use super::{Plan, Rows};
use crate::model::Scenario;

impl Plan {
    /// Check every stored index against the table it indexes: slots, actions, parties,
    /// shocks, trust entries (`i * n + j`, and the always-zero entry `n * n`) and row spans.
    ///
    /// # Panics
    /// When an index is out of range: a bug in building the plan, never bad input.
    pub(super) fn check_indices(&self, s: &Scenario) {
        let (n, na, ns) = (s.parties.len(), s.actions.len(), self.slots.len());
        let entries = n * n + 1;
        let within = |what: &str, x: u32, len: usize| {
            assert!((x as usize) < len, "plan: {what} {x} is not below {len}");
        };
        let rows = |what: &str, r: &Rows<u32>, count: usize, len: usize| {
            assert_eq!(r.len(), count, "plan: {what} has {} rows", r.len());
            r.items().iter().for_each(|&x| within(what, x, len));
        };
        let pairs = |what: &str, r: &Rows<(u32, f64)>| {
            assert_eq!(r.len(), na, "plan: {what} has {} rows", r.len());
            r.items()
                .iter()
                .for_each(|&(e, _)| within(what, e, entries));
        };
        assert_eq!(self.first_coin.len(), ns, "plan: first coins");
        assert_eq!(self.second_coin.len(), ns, "plan: second coins");
        assert_eq!(self.at_least_n.len(), na, "plan: at_least_n");
        assert_eq!(self.unmet_initial.len(), na, "plan: unmet_initial");
        assert_eq!(self.initial_trust.len(), n * n, "plan: initial trust");
        for slot in self.slots.iter() {
            within("slot party", slot.party, n);
            within("slot action", slot.action, na);
            let padded = self.counterparts_padded_of(slot).len();
            assert!(
                slot.cp_at as usize + padded <= self.counterparts.len(),
                "plan: a slot's counterparts run past the list"
            );
        }
        self.counterparts
            .iter()
            .for_each(|&e| within("counterpart entry", e, entries));
        rows("action slots", &self.action_slots, na, ns);
        rows("waits_started", &self.waits_started, na, na);
        rows("waits_done", &self.waits_done, na, na);
        rows("waits_at_least", &self.waits_at_least, na, na);
        pairs("gains", &self.gains);
        pairs("losses", &self.losses);
        let r = &self.rules;
        rows("deadline_on_done", &r.deadline_on_done, na, na);
        rows("deadline_on_started", &r.deadline_on_started, na, na);
        for what in [&r.on_lapse, &r.on_done, &r.on_started] {
            rows("triggered shocks", what, na, s.shocks.len());
        }
        r.suspendable
            .iter()
            .for_each(|&a| within("suspendable action", a, na));
        assert_eq!(r.suspenders.len(), na, "plan: suspenders");
        for &(i, _) in r.suspenders.items() {
            within("suspender", i, n);
        }
        assert_eq!(r.party_slots.len(), n + 1, "plan: party slots");
        r.party_slots
            .iter()
            .for_each(|&k| within("party slot bound", k, ns + 1));
    }
}
