//! The formulas of the literal trial that model 0.3 changed, written out on their own:
//! the chance to act with per-action willingness (docs/MODEL.md 2.11), the mean trust a
//! suspension is judged by (2.13) and the walkout check that leaves observers out (2.14).
//!
//! They are deliberately kept apart from the skip-ahead engine (which has its own, faster
//! forms), so that the equivalence tests compare two independent readings of the text.

use super::super::trust::Trust;
use crate::model::{Action, Scenario};

/// `tau_i(a)`: the mean of `T[i][j]` over `i`'s counterparts for `a` (docs/MODEL.md 2.4, with
/// 2.14's reading of "all the other parties" already compiled into `counterparts`); 1 when
/// there are none. `k` is `i`'s position among the actors of `a`.
pub(super) fn tau(trust: &Trust, i: usize, a: &Action, k: usize) -> f64 {
    let js = &a.counterparts[k];
    if js.is_empty() {
        return 1.0;
    }
    let mut sum = 0.0;
    for &j in js {
        sum += trust.get(i, j);
    }
    sum / js.len() as f64
}

/// docs/MODEL.md 2.11: `p_i(a) = clamp(c_i(a) * tau ^ rho_i(a), 0, 1)`, with `tau ^ 0 = 1`, also
/// for `tau = 0`.
pub(super) fn chance(trust: &Trust, i: usize, a: &Action, k: usize) -> f64 {
    let c = a.compliance[k];
    let rho = a.reciprocity[k];
    let x = if rho == 0.0 {
        1.0
    } else {
        tau(trust, i, a, k).powf(rho)
    };
    (c * x).clamp(0.0, 1.0)
}

/// docs/MODEL.md 2.13: whether an action under way is suspended with the trust of this moment:
/// for at least one of its actors `i`, `tau_i(a) < s_i`.
pub(super) fn suspended(s: &Scenario, trust: &Trust, a: &Action) -> bool {
    a.actors
        .iter()
        .enumerate()
        .any(|(k, &i)| tau(trust, i, a, k) < s.parties[i].suspend_trust)
}

/// docs/MODEL.md 2.6 with 2.14: in party order, the first party that is not an observer, has
/// some non-observer other party, and whose mean trust in the non-observer others is below
/// its `walkout_trust`.
pub(super) fn first_walkout(s: &Scenario, trust: &Trust) -> Option<usize> {
    for (i, p) in s.parties.iter().enumerate() {
        if p.observer || p.walkout_trust <= 0.0 {
            continue;
        }
        let mut sum = 0.0;
        let mut n = 0usize;
        for (j, q) in s.parties.iter().enumerate() {
            if j != i && !q.observer {
                sum += trust.get(i, j);
                n += 1;
            }
        }
        if n > 0 && sum / (n as f64) < p.walkout_trust {
            return Some(i);
        }
    }
    None
}
