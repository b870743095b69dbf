//! Trust: the matrix `T[i][j]`, its updates, the chance to act, and walking out.
//!
//! These are docs/MODEL.md 2.4 to 2.6 written once, shared by the skip-ahead engine and the
//! literal one, so both apply exactly the same arithmetic in exactly the same order.

use super::table::Table;
use crate::model::{Action, Scenario};

/// Entries summed per turn of `Trust::sum_of_padded`.
pub const SUM_GROUP: usize = 4;

/// The position, past the matrix of `n` parties, that always holds 0: lists of entries to
/// sum are padded with it to whole groups of [`SUM_GROUP`].
pub fn zero_entry(n: usize) -> u32 {
    (n * n) as u32
}

/// The trust matrix of one trial, row-major: `t[i * n + j]` is how far `i` trusts `j`,
/// followed by one entry that stays 0 ([`zero_entry`]).
#[derive(Debug, Clone, Default)]
pub struct Trust {
    n: usize,
    /// The entries, indexed without a bound check (every index comes from the plan,
    /// [`super::table`]).
    t: Table<f64>,
}

impl Trust {
    /// An empty matrix; call [`Trust::reset`] before use.
    pub fn new(n: usize) -> Self {
        Trust {
            n,
            t: vec![0.0; n * n + 1].into(),
        }
    }

    /// Set every entry to the scenario's starting trust.
    pub fn reset(&mut self, s: &Scenario) {
        self.n = s.parties.len();
        self.t = s
            .parties
            .iter()
            .flat_map(|p| p.initial_trust.iter().copied())
            .chain([0.0])
            .collect();
    }

    /// Set the matrix to `t` (row-major, as [`Trust::as_slice`] gives it).
    #[inline]
    pub fn reset_to(&mut self, t: &[f64]) {
        self.t[..self.n * self.n].copy_from_slice(t);
    }

    /// A completion, from a precomputed list of `(i * n + j, g_i)`: the same arithmetic as
    /// [`Trust::on_done`], each entry changed once, so the same numbers.
    #[inline]
    pub(crate) fn gain(&mut self, pairs: &[(u32, f64)]) {
        for &(e, g) in pairs {
            let x = &mut self.t[e as usize];
            *x += g * (1.0 - *x);
        }
    }

    /// A lapse, from a precomputed list of `(i * n + j, l_i)`: as [`Trust::on_lapse`].
    #[inline]
    pub(crate) fn lose(&mut self, pairs: &[(u32, f64)]) {
        for &(e, l) in pairs {
            let x = &mut self.t[e as usize];
            *x -= l * *x;
        }
    }

    /// The sum of the entries `entries` (`i * n + j`), in this order, of a list padded with
    /// [`zero_entry`] to whole groups of [`SUM_GROUP`]: `+ 0.0` for each pad, which
    /// changes no sum of entries in [0, 1]. The loop runs a whole number of groups (one for up
    /// to four counterparts), so its exit does not depend on the offer.
    #[inline]
    pub(crate) fn sum_of_padded(&self, entries: &[u32]) -> f64 {
        let mut sum = 0.0;
        for g in entries.chunks_exact(SUM_GROUP) {
            for &e in g {
                sum += self.t[e as usize];
            }
        }
        sum
    }

    /// `T[i][j]`.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.as_slice()[i * self.n + j]
    }

    /// The whole matrix, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.t[..self.n * self.n]
    }

    /// The whole matrix, row-major, to change (the skip-ahead trial's bounded walkout check
    /// applies losses itself, [`super::walkout::Walkout`]).
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.t[..self.n * self.n]
    }

    /// The number of parties.
    #[inline]
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there is no party.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Action `a` done: every non-actor `i` gains `g_i * (1 - T[i][j])` in each actor `j`.
    pub fn on_done(&mut self, s: &Scenario, a: &Action) {
        for (i, p) in s.parties.iter().enumerate() {
            if a.actor_mask & (1u64 << i) != 0 {
                continue;
            }
            let g = p.trust_gain;
            let row = &mut self.t[i * self.n..(i + 1) * self.n];
            for &j in &a.actors {
                row[j] += g * (1.0 - row[j]);
            }
        }
    }

    /// Action `a`'s deadline lapsed: every non-actor `i` loses `l_i * T[i][j]` in each actor.
    pub fn on_lapse(&mut self, s: &Scenario, a: &Action) {
        for (i, p) in s.parties.iter().enumerate() {
            if a.actor_mask & (1u64 << i) != 0 {
                continue;
            }
            let l = p.trust_loss;
            let row = &mut self.t[i * self.n..(i + 1) * self.n];
            for &j in &a.actors {
                row[j] -= l * row[j];
            }
        }
    }

    /// A shock: `T[i][j] -= drop * T[i][j]` for `i` in `from`, `j` in `toward`, `i != j`.
    /// Returns whether any pair was touched with a positive drop.
    pub fn on_shock(&mut self, from: &[usize], toward: &[usize], drop: f64) -> bool {
        let mut any = false;
        for &i in from {
            let mut touched = false;
            for &j in toward {
                if i != j {
                    let e = i * self.n + j;
                    let x = &mut self.as_mut_slice()[e];
                    *x -= drop * *x;
                    touched = true;
                }
            }
            if touched && drop != 0.0 {
                any = true;
            }
        }
        any
    }

    /// Mean of `T[i][j]` over the parties `js` (in the order given); 1 when `js` is empty
    /// (a scenario with a single party has no one to distrust).
    #[inline]
    pub fn mean_over(&self, i: usize, js: &[usize]) -> f64 {
        if js.is_empty() {
            return 1.0;
        }
        let row = &self.t[i * self.n..(i + 1) * self.n];
        let mut sum = 0.0;
        for &j in js {
            sum += row[j];
        }
        sum / js.len() as f64
    }

    /// Mean trust of `i` in all the other parties, summed in party order.
    #[inline]
    pub fn mean_trust(&self, i: usize) -> f64 {
        if self.n < 2 {
            return 1.0;
        }
        let row = &self.t[i * self.n..(i + 1) * self.n];
        let mut sum = 0.0;
        for (j, x) in row.iter().enumerate() {
            if j != i {
                sum += x;
            }
        }
        sum / (self.n - 1) as f64
    }

    /// docs/MODEL.md 2.6 and 2.14: the mean trust of `i` in the other parties that count for its
    /// walkout check, the observers left out; `None` when no such party is left (then `i`
    /// never walks out). Without observers this is [`Trust::mean_trust`], the same sum in
    /// the same order, so the same bits as model 0.2.
    pub fn walkout_mean(&self, s: &Scenario, i: usize) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        if !s.parties.iter().any(|p| p.observer) {
            return Some(self.mean_trust(i));
        }
        let row = &self.t[i * self.n..(i + 1) * self.n];
        let mut sum = 0.0;
        let mut count = 0usize;
        for (j, x) in row.iter().enumerate() {
            if j != i && !s.parties[j].observer {
                sum += x;
                count += 1;
            }
        }
        (count > 0).then(|| sum / count as f64)
    }

    /// docs/MODEL.md 2.6 and 2.14: the first party, in declaration order, whose mean trust in the
    /// others is below its `walkout_trust`. Observers never walk out and are left out of the
    /// others' means. Without observers: the 0.2 code, the same sums in the same order.
    #[inline(never)]
    pub fn first_walkout(&self, s: &Scenario) -> Option<usize> {
        self.first_walkout_with(s, true)
    }

    /// As [`Trust::first_walkout`]; with `observers` false the caller knows that no party
    /// is an observer, and the scan for one is left out (the skip-ahead trial's event loop
    /// for a scenario without any 0.3 rule: the 0.2 code).
    #[inline(always)]
    pub fn first_walkout_with(&self, s: &Scenario, observers: bool) -> Option<usize> {
        if self.n < 2 {
            return None;
        }
        if observers && s.parties.iter().any(|p| p.observer) {
            return s
                .parties
                .iter()
                .enumerate()
                .find(|(i, p)| {
                    p.walkout_trust > 0.0
                        && !p.observer
                        && self
                            .walkout_mean(s, *i)
                            .is_some_and(|m| m < p.walkout_trust)
                })
                .map(|(i, _)| i);
        }
        s.parties
            .iter()
            .enumerate()
            .find(|(i, p)| p.walkout_trust > 0.0 && self.mean_trust(*i) < p.walkout_trust)
            .map(|(i, _)| i)
    }
}

/// docs/MODEL.md 2.4 and 2.11: `p_i(a) = clamp(c_i(a) * tau ^ rho_i(a), 0, 1)`, `tau` the mean
/// trust of `i` in its counterparts for `a`; `tau ^ 0 = 1` also for `tau = 0`. `k` is `i`'s
/// position among the actors of `a`, and `c_i(a)`, `rho_i(a)` are `a.compliance[k]`,
/// `a.reciprocity[k]` (the party's own values unless the action sets them).
#[inline]
pub fn chance_to_act(_s: &Scenario, trust: &Trust, i: usize, a: &Action, k: usize) -> f64 {
    let (c, rho) = (a.compliance[k], a.reciprocity[k]);
    if rho == 0.0 {
        return c.clamp(0.0, 1.0);
    }
    let tau = trust.mean_over(i, &a.counterparts[k]);
    // Common exponents without a general power (each correctly rounded).
    let x = match rho {
        1.0 => tau,
        2.0 => tau * tau,
        0.5 => tau.sqrt(),
        r => tau.powf(r),
    };
    (c * x).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A padded sum is the plain sum in list order, bit for bit, whatever the padding.
    #[test]
    fn padded_sums_are_the_plain_sums() {
        let mut r = crate::rng::trial_rng(9, 9);
        for n in [1usize, 2, 6, 13] {
            let mut trust = Trust::new(n);
            for x in trust.t[..n * n].iter_mut() {
                *x = crate::rng::uniform(&mut r);
            }
            for len in 0..12 {
                let mut entries: Vec<u32> = (0..len)
                    .map(|_| (crate::rng::uniform_bits(&mut r) % (n * n) as u64) as u32)
                    .collect();
                let plain = entries.iter().fold(0.0, |s, &e| s + trust.t[e as usize]);
                while !entries.len().is_multiple_of(SUM_GROUP) {
                    entries.push(zero_entry(n));
                }
                assert_eq!(trust.sum_of_padded(&entries).to_bits(), plain.to_bits());
            }
        }
    }
}
