//! The numeric fields of a compiled [`Scenario`] that a sweep path can set without changing
//! anything else: each is a [`Slot`], read and written in place.

use crate::engine::plan::PlanChanges;
use crate::model::Scenario;

/// One `f64` field of a compiled scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// `parties[i].compliance`.
    Compliance(usize),
    /// `parties[i].reciprocity`.
    Reciprocity(usize),
    /// `parties[i].trust_gain`.
    TrustGain(usize),
    /// `parties[i].trust_loss`.
    TrustLoss(usize),
    /// `parties[i].walkout_trust`.
    Walkout(usize),
    /// `parties[i].suspend_trust`.
    Suspend(usize),
    /// `parties[i].initial_trust[j]`.
    Trust(usize, usize),
    /// `actions[a].compliance[k]`.
    ActionCompliance(usize, usize),
    /// `actions[a].reciprocity[k]`.
    ActionReciprocity(usize, usize),
    /// `actions[a].quantity`'s amount.
    Quantity(usize),
    /// `shocks[s].rate_per_year`.
    Rate(usize),
    /// `shocks[s].trust_drop`.
    Drop(usize),
    /// `shocks[s].trigger`'s chance.
    Chance(usize),
}

/// Every slot of `s`, in a fixed order.
pub(super) fn all(s: &Scenario) -> Vec<Slot> {
    let mut out = Vec::new();
    for (i, p) in s.parties.iter().enumerate() {
        out.extend([
            Slot::Compliance(i),
            Slot::Reciprocity(i),
            Slot::TrustGain(i),
            Slot::TrustLoss(i),
            Slot::Walkout(i),
            Slot::Suspend(i),
        ]);
        out.extend((0..p.initial_trust.len()).map(|j| Slot::Trust(i, j)));
    }
    for (a, act) in s.actions.iter().enumerate() {
        out.extend((0..act.compliance.len()).map(|k| Slot::ActionCompliance(a, k)));
        out.extend((0..act.reciprocity.len()).map(|k| Slot::ActionReciprocity(a, k)));
        if act.quantity.is_some() {
            out.push(Slot::Quantity(a));
        }
    }
    for (k, sh) in s.shocks.iter().enumerate() {
        out.extend([Slot::Rate(k), Slot::Drop(k)]);
        if sh.trigger.is_some() {
            out.push(Slot::Chance(k));
        }
    }
    out
}

/// The field a slot names (`None` when `s` has no such field: a slot of another scenario).
pub(super) fn get_mut(s: &mut Scenario, slot: Slot) -> Option<&mut f64> {
    use Slot::*;
    Some(match slot {
        Compliance(i) => &mut s.parties.get_mut(i)?.compliance,
        Reciprocity(i) => &mut s.parties.get_mut(i)?.reciprocity,
        TrustGain(i) => &mut s.parties.get_mut(i)?.trust_gain,
        TrustLoss(i) => &mut s.parties.get_mut(i)?.trust_loss,
        Walkout(i) => &mut s.parties.get_mut(i)?.walkout_trust,
        Suspend(i) => &mut s.parties.get_mut(i)?.suspend_trust,
        Trust(i, j) => s.parties.get_mut(i)?.initial_trust.get_mut(j)?,
        ActionCompliance(a, k) => s.actions.get_mut(a)?.compliance.get_mut(k)?,
        ActionReciprocity(a, k) => s.actions.get_mut(a)?.reciprocity.get_mut(k)?,
        Quantity(a) => &mut s.actions.get_mut(a)?.quantity.as_mut()?.1,
        Rate(k) => &mut s.shocks.get_mut(k)?.rate_per_year,
        Drop(k) => &mut s.shocks.get_mut(k)?.trust_drop,
        Chance(k) => &mut s.shocks.get_mut(k)?.trigger.as_mut()?.chance,
    })
}

/// The value of a slot.
pub(super) fn get(s: &Scenario, slot: Slot) -> Option<f64> {
    use Slot::*;
    Some(match slot {
        Compliance(i) => s.parties.get(i)?.compliance,
        Reciprocity(i) => s.parties.get(i)?.reciprocity,
        TrustGain(i) => s.parties.get(i)?.trust_gain,
        TrustLoss(i) => s.parties.get(i)?.trust_loss,
        Walkout(i) => s.parties.get(i)?.walkout_trust,
        Suspend(i) => s.parties.get(i)?.suspend_trust,
        Trust(i, j) => *s.parties.get(i)?.initial_trust.get(j)?,
        ActionCompliance(a, k) => *s.actions.get(a)?.compliance.get(k)?,
        ActionReciprocity(a, k) => *s.actions.get(a)?.reciprocity.get(k)?,
        Quantity(a) => s.actions.get(a)?.quantity?.1,
        Rate(k) => s.shocks.get(k)?.rate_per_year,
        Drop(k) => s.shocks.get(k)?.trust_drop,
        Chance(k) => s.shocks.get(k)?.trigger?.chance,
    })
}

/// The inputs of the engine's plan a slot is (see `crate::engine::plan::PlanPatch`): the
/// plan reads a party's compliance and reciprocity only through the actions' per-actor
/// values, and no walkout threshold, quantity or shock field.
pub(super) fn plan_changes(slot: Slot) -> PlanChanges {
    use Slot::*;
    let mut c = PlanChanges::NONE;
    match slot {
        ActionCompliance(..) | ActionReciprocity(..) => c.coins = true,
        TrustGain(_) | Trust(..) => c.trust = true,
        TrustLoss(_) => c.losses = true,
        Suspend(_) => c.suspend = true,
        Compliance(_) | Reciprocity(_) | Walkout(_) | Quantity(_) | Rate(_) | Drop(_)
        | Chance(_) => {}
    }
    c
}
