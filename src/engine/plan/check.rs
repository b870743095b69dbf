//! The checks behind the engine's unchecked tables (`engine::table`): every index a plan
//! stores, and every index a trial reads from its scenario, is below the length of the table
//! it indexes.
//!
//! A plan is built from a validated scenario, so these never fail on anything negsim builds;
//! they are real checks all the same, in every build: [`Plan::check_indices`] once per plan,
//! and [`Plan::check_fits`] once per trial buffer (a few hundred instructions), since a
//! [`Scenario`] is a public type that a library user can build or change by hand, and a plan
//! can be handed to a trial of another scenario. So the trial's unchecked reads rest on
//! something checked, not only on the code that built the plan being right.

use super::{Plan, Rows, Shape, key, step};
use crate::model::{PhaseStart, Scenario};

/// # Panics
/// When `x` is not below `len`: a plan or scenario that negsim never builds.
fn within(what: &str, x: usize, len: usize) {
    assert!(x < len, "{what} {x} is not below {len}");
}

/// The references between the parts of `s` that a trial follows without a check: each
/// action's phase and actors, each phase's actions, followers and the phases it waits for,
/// each shock's paused parties.
///
/// # Panics
/// When one is out of range.
fn check_scenario(s: &Scenario) {
    let (n, na, np) = (s.parties.len(), s.actions.len(), s.phases.len());
    for a in &s.actions {
        within("scenario: an action's phase", a.phase, np);
        a.actors
            .iter()
            .for_each(|&i| within("scenario: an actor", i, n));
    }
    for ph in &s.phases {
        ph.actions
            .iter()
            .for_each(|&a| within("scenario: a phase's action", a, na));
        ph.followers
            .iter()
            .for_each(|&f| within("scenario: a following phase", f, np));
        if let PhaseStart::After { phases, .. } = &ph.start {
            phases
                .iter()
                .for_each(|&q| within("scenario: a phase waited for", q, np));
        }
    }
    for sh in &s.shocks {
        sh.pause
            .iter()
            .for_each(|&i| within("scenario: a paused party", i, n));
    }
}

impl Plan {
    /// Check every stored index against the table it indexes: slots, actions, parties,
    /// shocks, trust entries (`i * n + j`, and the always-zero entry `n * n`) and row spans.
    ///
    /// # Panics
    /// When an index is out of range: a bug in building the plan, never bad input.
    pub(super) fn check_indices(&self, s: &Scenario) {
        check_scenario(s);
        let (n, na, ns) = (s.parties.len(), s.actions.len(), self.slots.len());
        assert_eq!(self.shape, Shape::of(s), "plan: shape");
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
        // The fixed events carry a phase or an action in their payload.
        for &k in &self.fixed {
            let (day, p) = (k >> 32, (k & ((1 << super::PAYLOAD_BITS) - 1)) as usize);
            let len = if k == key(day, step::PHASE, p as u64) {
                s.phases.len()
            } else {
                na
            };
            within("a fixed event's payload", p as u32, len);
        }
    }

    /// Check that this plan is one of `s`: built for a scenario of the same sizes (so every
    /// index it stores fits the tables a trial of `s` sizes), and that the references
    /// between the parts of `s` that a trial follows are in range. [`super::super::Trial`]
    /// calls it for every plan it is given.
    ///
    /// # Panics
    /// When the plan was built for a scenario of other sizes, or `s` refers out of range:
    /// a misuse of the library, never bad input (a scenario file is validated when read).
    pub fn check_fits(&self, s: &Scenario) {
        assert_eq!(
            self.shape,
            Shape::of(s),
            "a plan is used with a scenario of other sizes than its own"
        );
        check_scenario(s);
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Trial;
    use crate::engine::plan::Plan;
    use crate::scenario;
    use std::sync::Arc;

    fn default() -> crate::Scenario {
        scenario::from_str(scenario::DEFAULT_SCENARIO, "d.toml").expect("scenario")
    }

    /// Every plan of the bundled scenarios passes its own checks.
    #[test]
    fn bundled_plans_pass() {
        let s = default();
        let plan = Arc::new(Plan::new(&s));
        plan.check_fits(&s);
        let _ = Trial::with_plan(&s, plan);
    }

    /// A plan handed to a trial of a scenario of other sizes is refused, not read past the
    /// ends of the trial's tables.
    #[test]
    #[should_panic(expected = "a plan is used with a scenario of other sizes")]
    fn a_plan_of_another_scenario_is_refused() {
        let s = default();
        let mut other = s.clone();
        other.actions.pop();
        let _ = Trial::with_plan(&other, Arc::new(Plan::new(&s)));
    }

    /// A scenario changed by hand to refer to a phase it does not have is refused when a
    /// trial is made for it with a plan of the same sizes (the engine reads phases without a
    /// check; compiling a plan from it fails on a checked read first).
    #[test]
    #[should_panic(expected = "scenario: an action's phase 99 is not below 5")]
    fn a_hand_made_scenario_out_of_range_is_refused() {
        let s = default();
        let plan = Arc::new(Plan::new(&s));
        let mut changed = s.clone();
        changed.actions[0].phase = 99;
        let _ = Trial::with_plan(&changed, plan);
    }

    /// So is a shock pausing a party that does not exist.
    #[test]
    #[should_panic(expected = "scenario: a paused party 6 is not below 6")]
    fn a_paused_party_out_of_range_is_refused() {
        let mut s = default();
        s.shocks[0].pause = vec![6];
        let _ = Trial::new(&s);
    }
}
