//! The walkout check of the skip-ahead trial, bounded by what changed (docs/MODEL.md 2.6, 2.14).
//!
//! The rule: after a day's lapses and after a shock that lowered trust, the first party in
//! declaration order whose mean trust in the others is below its `walkout_trust` walks out.
//! Read aloud, that is a pass over the whole trust matrix at every check, which costs the
//! square of the number of parties. [`Walkout`] gives the same answer from far less:
//!
//! - **Only a lowered row can walk out.** At the previous check no party was below its
//!   threshold (else the trial ended). Since then a row that was never lowered has only seen
//!   gains, `x + g (1 - x) >= x`, and a rounded sum and quotient are monotone in their
//!   terms, so its computed mean did not fall: it still passes. A check visits the rows
//!   lowered since the last one (a mask), in declaration order, so the first it finds below
//!   is the first of all.
//! - **A lower bound of each lowered row's mean.** Each row keeps a number `low` that is at
//!   most the exact (real) mean of its entries. Gains leave it alone (the mean rises). A loss
//!   `x -= d` lowers it by `d / count` plus a pad above the roundings of `x - d`, of the
//!   quotient and of the subtraction from `low` (each at most half an ulp of 1). When `low >= walkout_trust + SLACK` the row
//!   passes without reading it: the mean the rule computes (a rounded sum of at most 63
//!   entries in `[0, 1]`, then a rounded quotient) is within `3e-13` of the exact one. Only
//!   otherwise is the row's mean computed, with exactly the rule's arithmetic (the same
//!   function as before, [`Trust::mean_trust`] or [`Trust::walkout_mean`] with observers),
//!   which decides, and `low` restarts from it, `SLACK` below.
//!
//! So a check costs one compare per lowered row, and a row's entries are read only when its
//! mean has come near its threshold. The answer is the rule's, bit for bit.
//!
//! Up to [`SCAN_UP_TO`] parties the whole matrix is a few dozen numbers, and the full scan
//! ([`Trust::first_walkout_with`], the rule read aloud) costs less than keeping the bounds at
//! each loss: measured on the reference scenario (6 parties), the bounds cost 400 instructions
//! per trial more. So small scenarios scan, and larger ones use the bounds.

use super::plan::{Plan, Rows};
use super::trust::Trust;
use crate::model::Scenario;

/// The margin between a bound and the threshold it must clear, and between a computed mean
/// and the bound restarted from it: far above the `3e-13` rounding of the rule's mean.
const SLACK: f64 = 1.0e-12;

/// An absolute pad on each loss's share of the mean, above the five roundings between the
/// exact fall of the mean and the computed new bound (`x - d`, `1 / count`, `d / count`, the
/// pad's addition, the subtraction from `low`: each at most half an ulp of 1, 1.1e-16).
const PAD: f64 = 1.0e-15;

/// The most parties for which a check scans the whole matrix.
pub const SCAN_UP_TO: usize = 8;

/// Per trial: the rows lowered since the last check and a lower bound of each row's mean.
#[derive(Debug, Clone)]
pub struct Walkout {
    /// Parties that can walk out (a positive `walkout_trust`, not an observer, someone to
    /// distrust), as a mask.
    walkers: u64,
    /// Rows lowered since the last check (walkers only).
    dirty: u64,
    /// Per party: a lower bound of its mean trust in the others that count.
    low: Vec<f64>,
    low_initial: Vec<f64>,
    /// Per party: `1 / count` of the parties its mean is over (0 for non-walkers).
    inv: Vec<f64>,
    /// Per party: `walkout_trust + SLACK`.
    pass: Vec<f64>,
    /// Whether some party is an observer (then the mean leaves them out).
    observers: bool,
    /// Few parties: every check scans the whole matrix, no bound is kept.
    scan: bool,
    /// Per action, its lapse's losses [`Plan::losses`] split by row: `(entry, l)` in the rows
    /// of parties that never walk out, `(entry, row, l)` in the walkers' rows. Each entry is
    /// changed once per lapse, so the order of the two lists changes no number.
    plain_losses: Rows<(u32, f64)>,
    tracked_losses: Rows<(u32, u32, f64)>,
}

impl Walkout {
    /// The check for trials of `s`, compiled into `plan`.
    pub fn new(s: &Scenario, plan: &Plan) -> Self {
        Self::build(s, plan, s.parties.len() <= SCAN_UP_TO)
    }

    /// As [`Walkout::new`], scanning or keeping bounds as `scan` says.
    fn build(s: &Scenario, plan: &Plan, scan: bool) -> Self {
        let initial = &plan.initial_trust;
        let n = s.parties.len();
        let observers = s.parties.iter().any(|p| p.observer);
        let mut start = Trust::new(n);
        start.reset_to(initial);
        let mut walkers = 0u64;
        let mut low_initial = vec![0.0; n];
        let mut inv = vec![0.0; n];
        let mut pass = vec![f64::INFINITY; n];
        for (i, p) in s.parties.iter().enumerate() {
            let count = (0..n)
                .filter(|&j| j != i && !(observers && s.parties[j].observer))
                .count();
            if scan || n < 2 || p.walkout_trust <= 0.0 || (observers && p.observer) || count == 0 {
                continue;
            }
            walkers |= 1u64 << i;
            inv[i] = 1.0 / count as f64;
            pass[i] = p.walkout_trust + SLACK;
            low_initial[i] = Self::exact(&start, s, observers, i) - SLACK;
        }
        let row_of = |e: u32| e as usize / n.max(1);
        // Without walkers to track (the full scan, or nobody can walk out) a lapse applies
        // the plan's losses as they are: no split tables to build (a point's or a calibration
        // proposal's trial buffers are built once per point).
        let na = if walkers == 0 { 0 } else { s.actions.len() };
        let plain_losses = Rows::build((0..na).map(|a| {
            plan.losses
                .row(a)
                .iter()
                .copied()
                .filter(|&(e, _)| walkers & (1u64 << row_of(e)) == 0)
                .collect::<Vec<_>>()
        }));
        let tracked_losses = Rows::build((0..na).map(|a| {
            plan.losses
                .row(a)
                .iter()
                .filter(|&&(e, _)| walkers & (1u64 << row_of(e)) != 0)
                .map(|&(e, l)| (e, row_of(e) as u32, l))
                .collect::<Vec<_>>()
        }));
        Walkout {
            plain_losses,
            tracked_losses,
            walkers,
            dirty: walkers,
            low: low_initial.clone(),
            low_initial,
            inv,
            pass,
            observers,
            scan,
        }
    }

    /// The start of a trial: every walker is checked once (day 0), from the starting bounds.
    #[inline]
    pub fn reset(&mut self) {
        self.dirty = self.walkers;
        if self.walkers != 0 {
            self.low.copy_from_slice(&self.low_initial);
        }
    }

    /// Row `i` lost `d` in one entry (`x -= d`).
    #[inline]
    pub fn lowered(&mut self, i: usize, d: f64) {
        self.low[i] -= d * self.inv[i] + PAD;
        self.dirty |= 1u64 << i;
    }

    /// The rule's mean of row `i`, with the rule's arithmetic.
    #[inline]
    fn exact(trust: &Trust, s: &Scenario, observers: bool, i: usize) -> f64 {
        if observers {
            trust.walkout_mean(s, i).unwrap_or(f64::INFINITY)
        } else {
            trust.mean_trust(i)
        }
    }

    /// The first party, in declaration order, whose mean trust is below its threshold: the
    /// answer of [`Trust::first_walkout`] for the matrix `trust`.
    #[inline(always)]
    pub fn check(&mut self, trust: &Trust, s: &Scenario) -> Option<usize> {
        if self.scan {
            return if self.observers {
                trust.first_walkout(s)
            } else {
                trust.first_walkout_with(s, false)
            };
        }
        let mut rows = self.dirty & self.walkers;
        while rows != 0 {
            let i = rows.trailing_zeros() as usize;
            rows &= rows - 1;
            if self.low[i] >= self.pass[i] {
                continue;
            }
            let m = Self::exact(trust, s, self.observers, i);
            if m < s.parties[i].walkout_trust {
                return Some(i);
            }
            self.low[i] = m - SLACK;
        }
        self.dirty = 0;
        None
    }

    /// Action `a`'s deadline lapsed: `x -= l * x` for each entry of the plan's `losses` (the
    /// same arithmetic as `Trust::lose`), each loss in a walker's row lowering its bound.
    #[inline(always)]
    pub fn lose(&mut self, trust: &mut Trust, plan: &Plan, a: usize) {
        if self.walkers == 0 {
            trust.lose(plan.losses.row(a));
            return;
        }
        trust.lose(self.plain_losses.row(a));
        let t = trust.as_mut_slice();
        for k in self.tracked_losses.span(a) {
            let (e, i, l) = self.tracked_losses.item(k);
            let x = &mut t[e as usize];
            let d = l * *x;
            *x -= d;
            self.lowered(i as usize, d);
        }
    }

    /// A shock: as [`Trust::on_shock`], the same arithmetic in the same order, each loss
    /// lowering its row's bound. Returns whether any pair was touched with a positive drop.
    #[inline(always)]
    pub fn shock(
        &mut self,
        trust: &mut Trust,
        from: &[usize],
        toward: &[usize],
        drop: f64,
    ) -> bool {
        if self.scan {
            return trust.on_shock(from, toward, drop);
        }
        let n = trust.len();
        let t = trust.as_mut_slice();
        let mut any = false;
        for &i in from {
            let mut touched = false;
            let walker = self.walkers & (1u64 << i) != 0;
            for &j in toward {
                if i != j {
                    let x = &mut t[i * n + j];
                    let d = drop * *x;
                    *x -= d;
                    if walker {
                        self.lowered(i, d);
                    }
                    touched = true;
                }
            }
            if touched && drop != 0.0 {
                any = true;
            }
        }
        any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng;

    /// Random lapses, gains and shocks on random matrices: the bounded check always names
    /// the party the full scan names, also with thresholds right at a row's mean.
    #[test]
    fn bounded_check_is_the_full_scan() {
        let text = crate::scenario::DEFAULT_SCENARIO;
        let mut base = crate::scenario::from_str(text, "t.toml").unwrap();
        let n = base.parties.len();
        let mut r = rng::trial_rng(9, 9);
        for round in 0..400 {
            let s = &mut base;
            let mut initial = vec![0.0; n * n];
            for x in &mut initial {
                *x = rng::uniform(&mut r);
            }
            let mut t = Trust::new(n);
            t.reset_to(&initial);
            for (i, p) in s.parties.iter_mut().enumerate() {
                p.observer = round % 3 == 0 && i == 4;
                p.walkout_trust = if rng::uniform(&mut r) < 0.3 {
                    0.0
                } else if round % 2 == 0 {
                    t.mean_trust(i)
                } else {
                    rng::uniform(&mut r) * 0.6
                };
            }
            let mut plan = Plan::new(s);
            plan.initial_trust.clone_from(&initial);
            let mut w = Walkout::build(s, &plan, round % 5 == 4);
            w.reset();
            for _ in 0..30 {
                let want = t.first_walkout(s);
                let got = w.check(&t, s);
                assert_eq!(got, want, "round {round}");
                if got.is_some() {
                    break;
                }
                let i = (r.next_u64() % n as u64) as usize;
                let j = (r.next_u64() % n as u64) as usize;
                let e = (i * n + j) as u32;
                let f = rng::uniform(&mut r) * 0.3;
                match r.next_u64() % 4 {
                    0 => t.gain(&[(e, f)]),
                    3 => w.lose(
                        &mut t,
                        &plan,
                        (r.next_u64() % s.actions.len() as u64) as usize,
                    ),
                    1 => {
                        // As `Walkout::lose` does for a walker's row.
                        let x = &mut t.as_mut_slice()[e as usize];
                        let d = f * *x;
                        *x -= d;
                        if w.walkers & (1u64 << i) != 0 {
                            w.lowered(i, d);
                        }
                    }
                    _ => {
                        w.shock(&mut t, &[i], &[j, (j + 1) % n], f);
                    }
                }
            }
        }
    }

    use rand::Rng;
}
