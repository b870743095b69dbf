//! A plan derived from another: a sweep point's [`Plan`] from its base scenario's, by
//! recomputing only the tables the point's changed fields feed.
//!
//! A sweep point is its base scenario with a few `f64` fields set (`crate::runs::points`): the
//! actions, actors, counterparts, requirements, phases and dates, and so every index table of
//! the plan, are the base's. A [`PlanPatch`] keeps the base plan and, for a point, copies it
//! and recomputes with the plan's own functions (the same operations in the same order, so
//! the same bits) only what the changed fields feed ([`PlanChanges`]):
//!
//! | field of the point | recomputed |
//! |---|---|
//! | `actions[a].compliance[k]`, `.reciprocity[k]` | the first and second coins |
//! | `parties[i].initial_trust[j]`, `.trust_gain` | the ceilings (`tau_max`, `ratio_scale`), first coins, gains, starting trust |
//! | `parties[i].trust_loss` | the losses |
//! | `parties[i].suspend_trust` | the model 0.3 tables ([`super::super::rules03::Rules03`]) |
//!
//! A first coin is rebuilt only when its inputs (`c`, `rho`, `tau_max`) differ from the
//! base's in some bit: it is a function of them alone. The plan reads no other field a point
//! can set (a party's own compliance and reciprocity reach the plan only through the actions'
//! per-actor copies; walkout thresholds, quantities and shocks' rates, drops and chances are
//! read by the trial from the scenario), so a point that changes none of the above shares the
//! base plan itself.

use super::{Plan, Rows};
use crate::engine::rules03::Rules03;
use crate::model::Scenario;
use std::sync::Arc;

/// Which inputs of the plan a point changed (see the module docs for what each feeds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanChanges {
    /// Some action's per-actor compliance or reciprocity.
    pub coins: bool,
    /// Some party's initial trust or trust gain.
    pub trust: bool,
    /// Some party's trust loss.
    pub losses: bool,
    /// Some party's `suspend_trust`.
    pub suspend: bool,
}

impl PlanChanges {
    /// Nothing the plan reads.
    pub const NONE: PlanChanges = PlanChanges {
        coins: false,
        trust: false,
        losses: false,
        suspend: false,
    };

    /// Both sets of changes.
    #[must_use]
    pub fn union(self, o: PlanChanges) -> PlanChanges {
        PlanChanges {
            coins: self.coins || o.coins,
            trust: self.trust || o.trust,
            losses: self.losses || o.losses,
            suspend: self.suspend || o.suspend,
        }
    }

    /// Whether nothing the plan reads changed.
    pub fn is_none(self) -> bool {
        self == PlanChanges::NONE
    }
}

/// A base scenario's plan, from which the plans of scenarios that differ from it only in
/// the fields of a [`PlanChanges`] are derived (see the module docs).
#[derive(Debug, Clone)]
pub struct PlanPatch {
    base: Arc<Plan>,
    /// Per counterpart entry (parallel to [`Plan::counterparts`]): the actions that can raise
    /// it while its offer waits.
    rises: Vec<i32>,
    /// `raises` of [`Plan::trust_ceiling`], per trust entry.
    raises: Vec<i32>,
    /// Per slot: the `(c, rho)` its first and second coins were built from.
    willingness: Vec<(f64, f64)>,
}

impl PlanPatch {
    /// The plan of `base`, kept for deriving others.
    pub fn new(base: &Scenario) -> Self {
        let (plan, rises) = Plan::with_rises(base);
        PlanPatch {
            willingness: plan
                .slots
                .iter()
                .map(|slot| Plan::willingness(base, slot))
                .collect(),
            raises: Plan::raises(base),
            rises,
            base: Arc::new(plan),
        }
    }

    /// The base scenario's plan.
    pub fn base(&self) -> &Arc<Plan> {
        &self.base
    }

    /// The plan of `s`, exactly [`Plan::new`]`(s)`, when `s` differs from the base scenario
    /// only in fields that `changed` covers (any other difference needs [`Plan::new`]).
    pub fn plan(&self, s: &Scenario, changed: PlanChanges) -> Arc<Plan> {
        if changed.is_none() {
            return Arc::clone(&self.base);
        }
        let base = &*self.base;
        let mut plan = base.clone();
        let n = s.parties.len();
        if changed.trust {
            let ceiling = Plan::ceiling_of(s, &self.raises);
            let mut cps = Vec::new();
            for slot in &mut plan.slots {
                let (at, len) = (slot.cp_at as usize, slot.cp_len as usize);
                let i = slot.party as usize;
                cps.clear();
                cps.extend(
                    base.counterparts[at..at + len]
                        .iter()
                        .map(|&e| e as usize - i * n),
                );
                slot.tau_max = Plan::offer_tau_max(s, &ceiling, i, &cps, &self.rises[at..at + len]);
                slot.ratio_scale = Plan::ratio_scale(len, slot.tau_max);
            }
            reweigh(&mut plan.gains, n, |i| s.parties[i].trust_gain);
            plan.initial_trust.clear();
            plan.initial_trust.extend(
                s.parties
                    .iter()
                    .flat_map(|p| p.initial_trust.iter().copied()),
            );
        }
        if changed.coins || changed.trust {
            for (k, slot) in plan.slots.iter().enumerate() {
                let now = Plan::willingness(s, slot);
                let (was, before) = (self.willingness[k], &base.slots[k]);
                if now.0.to_bits() != was.0.to_bits()
                    || now.1.to_bits() != was.1.to_bits()
                    || slot.tau_max.to_bits() != before.tau_max.to_bits()
                {
                    // A point serves few trials: no bucket table (the same gaps).
                    plan.first_coin[k] = Plan::slot_first_coin(s, slot, false);
                }
                if now.1.to_bits() != was.1.to_bits() {
                    plan.second_coin[k] = Plan::slot_second_coin(s, slot);
                }
            }
        }
        if changed.losses {
            reweigh(&mut plan.losses, n, |i| s.parties[i].trust_loss);
        }
        if changed.suspend {
            plan.rules = Rules03::new(s, plan.slots.iter().map(|x| x.party));
            // The only tables of indices a patch rebuilds (the others are the base's, checked
            // when it was built): checked again, as `Plan::new` does.
            plan.check_indices(s);
        }
        Arc::new(plan)
    }
}

/// Set the weight of each `(i * n + j, weight)` item to `weight(i)`, as [`Plan::new`] builds
/// the gains and losses.
fn reweigh(rows: &mut Rows<(u32, f64)>, n: usize, weight: impl Fn(usize) -> f64) {
    for (e, w) in &mut rows.items {
        *w = weight(*e as usize / n);
    }
}
