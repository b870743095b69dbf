//! Consent by thinning: the two coins that together are a party's coin at a review.
//!
//! At a review, party `i` consents to a due action `a` with chance `p = c_i * tau^rho_i`
//! (docs/MODEL.md 2.4), where `tau` is its mean trust in its counterparts for `a`. Trust can only
//! rise by completions, a bounded number of them, so `tau` never exceeds a ceiling `tau_max`
//! known before the trial starts ([`super::plan::Plan::trust_ceiling`]), and
//! `p <= b = c_i * tau_max^rho_i`. So the coin can be tossed as two: a [`FirstCoin`] with the
//! constant chance `b`, and, when it comes up, a [`SecondCoin`] with chance
//! `p / b = (tau / tau_max)^rho_i`, evaluated with the trust of that very moment. Their
//! product is one coin with chance `p`, at every review. The first coin does not depend on
//! trust, so the reviews at which it comes up are drawn ahead as geometric gaps (docs/MODEL.md
//! 2.10), and trust may change any number of times in between at no cost. The closer the
//! ceiling, the fewer second coins fail: with `tau_max` instead of 1, about half as many
//! reviews are visited in the reference scenario.

use crate::rng::{self, TrialRng};

/// The first coin of an offer: a constant chance `c` at every review, drawn ahead as
/// geometric gaps.
#[derive(Clone)]
pub struct FirstCoin {
    c: f64,
    /// Whether the gap is drawn (`0 < c < 1`), or sure without a draw: one compare of a
    /// byte at each gap instead of two of `c`.
    sure: Sure,
    /// `(1 - c)^(k + 1)` for small `k`: the gap is the first `k` with this `<= S`.
    powers: [f64; 32],
    ln_q: f64,
    /// The gap of every draw whose top [`BUCKET_BITS`] random bits are `b`, when all such
    /// draws give the same gap below 8 ([`MIXED`] otherwise): most draws are answered by one
    /// load instead of eight comparisons.
    buckets: [u8; BUCKETS],
}

/// The coin's chance and powers. The bucket table is left out: it is a cache of what the
/// powers give (tested below), and a point's plan, built without it, is otherwise the very
/// plan a full compile gives (`runs::points` tests compare them by this text).
impl std::fmt::Debug for FirstCoin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirstCoin")
            .field("c", &self.c)
            .field("powers", &self.powers)
            .field("ln_q", &self.ln_q)
            .finish_non_exhaustive()
    }
}

/// Whether a first coin's gap needs a draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sure {
    /// `0 < c < 1` (or `c` not a number): the gap is drawn.
    No,
    /// `c >= 1`: every review comes up, gap 0, nothing drawn.
    Always,
    /// `c <= 0`: no review ever comes up, nothing drawn.
    Never,
}

/// The random bits of a first-coin draw that pick its bucket.
const BUCKET_BITS: u32 = 7;
/// Buckets of a [`FirstCoin`].
const BUCKETS: usize = 1 << BUCKET_BITS;
/// A bucket whose draws give different gaps (or a gap of 8 or more).
const MIXED: u8 = u8::MAX;
/// Draws in one bucket.
const BUCKET_WIDTH: u64 = 1 << (53 - BUCKET_BITS);

/// `S = 1 - U` of the draw whose 53 bits are `m`: exact (`1 - m / 2^53` has 53 bits).
#[inline(always)]
fn survival(m: u64) -> f64 {
    1.0 - rng::uniform_of_bits(m)
}

impl FirstCoin {
    /// A coin with chance `c`.
    pub fn new(c: f64) -> Self {
        let mut coin = Self::untabled(c);
        coin.buckets = Self::buckets(&coin.powers);
        coin
    }

    /// [`FirstCoin::new`] without the bucket table (every bucket mixed): the same gaps from
    /// the same draws, by the comparisons alone. For a plan that serves few trials (a sweep
    /// point's or a calibration proposal's changed offers), where building the table would
    /// cost more than it saves.
    pub fn untabled(c: f64) -> Self {
        let q = 1.0 - c;
        let mut powers = [0.0; 32];
        let mut x = q;
        for p in &mut powers {
            *p = x;
            x *= q;
        }
        FirstCoin {
            c,
            sure: if c >= 1.0 {
                Sure::Always
            } else if c <= 0.0 {
                Sure::Never
            } else {
                Sure::No
            },
            powers,
            ln_q: (-c).ln_1p(),
            buckets: [MIXED; BUCKETS],
        }
    }

    /// [`FirstCoin::buckets`]. Within a bucket the draw `m` grows and `S` falls, and power
    /// `k` counts towards the gap from the first draw `m_k` at which `S` is below it on. So a
    /// bucket counts power `k` for all its draws if it starts at or after `m_k`, for none if it
    /// ends before, and is mixed if it holds `m_k` past its start. Eight exact first draws, then
    /// one pass over the buckets: about 1,300 instructions, which a plan of one long run spends
    /// once per offer, and a sweep point's or proposal's plan not at all ([`FirstCoin::untabled`]).
    fn buckets(powers: &[f64; 32]) -> [u8; BUCKETS] {
        let mut out = [MIXED; BUCKETS];
        // Per power, the first bucket counting it throughout (increasing, as the powers fall),
        // and the bucket holding its first draw past the bucket's start, if any.
        let mut counting = [BUCKETS; 8];
        let mut mixed = [BUCKETS; 8];
        for (k, p) in powers[..8].iter().enumerate() {
            let m = first_below(*p);
            let b = (m / BUCKET_WIDTH) as usize;
            if m.is_multiple_of(BUCKET_WIDTH) {
                counting[k] = b;
            } else {
                counting[k] = b + 1;
                mixed[k] = b;
            }
        }
        // Bucket b's gap is how many powers count from b or before: k on counting[k - 1] up
        // to counting[k] (from 0 for k = 0); from counting[7] on it is 8 or more (mixed).
        let mut from = 0;
        for (k, &to) in counting.iter().enumerate() {
            let to = to.min(BUCKETS);
            if from < to {
                out[from..to].fill(k as u8);
                from = to;
            }
        }
        for b in mixed {
            if let Some(gap) = out.get_mut(b) {
                *gap = MIXED;
            }
        }
        out
    }

    /// Reviews without the first coin before the one with it: geometric on {0, 1, ...},
    /// `P(gap >= m) = (1 - c)^m`. `None` when `c = 0`. Draws one uniform when `0 < c < 1`.
    /// Always inlined: it runs at every candidate review; the rare gaps past the first eight
    /// powers are a function of their own.
    #[inline(always)]
    pub fn gap(&self, rng: &mut TrialRng) -> Option<u64> {
        if self.sure != Sure::No {
            return (self.sure == Sure::Always).then_some(0);
        }
        let m = rng::uniform_bits(rng);
        let gap = self.buckets[(m / BUCKET_WIDTH) as usize % BUCKETS];
        if gap != MIXED {
            return Some(u64::from(gap));
        }
        let surv = survival(m);
        // The powers decrease, so the gap is how many of them exceed `surv`: counted
        // without a branch over the first eight (a gap of 8 or more is rare for any but
        // small `c`), then over the rest of the table.
        let k = above(&self.powers[..8], surv);
        if k < 8 {
            return Some(k as u64);
        }
        Some(self.long_gap(surv))
    }

    /// [`FirstCoin::gap`] when it is at least 8.
    #[inline(never)]
    fn long_gap(&self, surv: f64) -> u64 {
        let k = 8 + above(&self.powers[8..], surv);
        if k < self.powers.len() {
            return k as u64;
        }
        // Past the table: the first k with (1 - c)^(k + 1) <= surv is ceil(x) - 1.
        let x = surv.ln() / self.ln_q;
        if x >= 1.0e18 {
            return u64::MAX / 4;
        }
        let t = x as u64; // x >= 0, so this is floor(x)
        if t as f64 == x {
            t.saturating_sub(1)
        } else {
            t
        }
    }
}

/// The first draw `m` (of `0..2^53`) at which `S = 1 - m / 2^53` is below `p`; `2^53` if
/// none is. Found from the estimate `(1 - p) 2^53` by stepping over the few draws its
/// rounding can be off by: exact, since `S` falls strictly with `m`.
fn first_below(p: f64) -> u64 {
    const END: u64 = 1 << 53;
    if p.is_nan() || p <= 0.0 {
        return END;
    }
    let mut m = (((1.0 - p) * END as f64) as u64).min(END - 1);
    while m > 0 && survival(m - 1) < p {
        m -= 1;
    }
    while m < END && survival(m) >= p {
        m += 1;
    }
    m
}

/// How many of `xs` exceed `surv`, without a branch.
#[inline(always)]
fn above(xs: &[f64], surv: f64) -> usize {
    xs.iter().map(|&x| usize::from(x > surv)).sum::<usize>()
}

/// The second coin of a party: `u < tau^rho`. Cheaper powers bound `tau^rho` from both
/// sides, which decides almost every draw without a general power; the answer is always that
/// of `u < tau.powf(rho)` (each bound carries a margin far wider than its rounding error).
#[derive(Debug, Clone, Copy)]
pub struct SecondCoin {
    rho: f64,
    /// `floor(rho)`, when small enough to multiply out.
    whole: i32,
    /// Whether `rho` is whole.
    is_whole: bool,
    /// `rho - floor(rho)` lies in `[lo / 16, hi / 16]`, sixteenths reached by square roots.
    sixteenth_lo: u8,
    sixteenth_hi: u8,
}

/// Relative margin of a computed bound: a few roundings are below 1e-15.
const MARGIN: f64 = 1.0e-13;

impl SecondCoin {
    /// The coin of a party with reciprocity `rho`.
    pub fn new(rho: f64) -> Self {
        let whole = if rho.is_finite() && rho < 64.0 {
            rho.floor() as i32
        } else {
            -1
        };
        let frac = rho - rho.floor();
        SecondCoin {
            rho,
            whole,
            is_whole: frac == 0.0,
            sixteenth_lo: (frac * 16.0).floor() as u8,
            sixteenth_hi: (frac * 16.0).ceil() as u8,
        }
    }

    /// Whether trust never matters (`rho = 0`: `tau^0 = 1`, also for `tau = 0`).
    #[inline]
    pub fn always(&self) -> bool {
        self.rho == 0.0
    }

    /// `u < tau^rho` for `tau` in [0, 1].
    #[inline]
    pub fn accepts(&self, u: f64, tau: f64) -> bool {
        let rho = self.rho;
        if rho == 0.0 {
            return true;
        }
        if rho == 1.0 {
            return u < tau;
        }
        if self.whole < 0 {
            return u < tau.powf(rho);
        }
        let below = int_pow(tau, self.whole); // tau^floor(rho) >= tau^rho
        if u >= below * (1.0 + MARGIN) {
            return false;
        }
        if self.is_whole {
            return u < below * (1.0 - MARGIN) || u < tau.powf(rho);
        }
        // tau^(floor(rho) + 1) <= tau^rho <= tau^floor(rho)
        if u < below * tau * (1.0 - MARGIN) {
            return true;
        }
        self.between(u, tau, below)
    }

    /// [`SecondCoin::accepts`] when `tau^(floor(rho) + 1) <= u <= tau^floor(rho)` (about
    /// one review in ten): out of line, so as not to weigh on the common path.
    #[inline(never)]
    fn between(&self, u: f64, tau: f64, below: f64) -> bool {
        let rho = self.rho;
        // Tighter: the fraction of rho between two sixteenths, tau^(k/16) as a product of
        // tau^(1/2), tau^(1/4), tau^(1/8) and tau^(1/16), one per bit of k (square roots are
        // single instructions; a few roundings stay far inside the margin).
        let roots = {
            let r2 = tau.sqrt();
            let r4 = r2.sqrt();
            let r8 = r4.sqrt();
            [r2, r4, r8, r8.sqrt()]
        };
        let sixteenth = |k: u8| {
            if k >= 16 {
                return tau;
            }
            let mut x = 1.0;
            for (bit, r) in roots.iter().enumerate() {
                if k & (8 >> bit) != 0 {
                    x *= r;
                }
            }
            x
        };
        if u >= below * sixteenth(self.sixteenth_lo) * (1.0 + MARGIN) {
            return false;
        }
        if u < below * sixteenth(self.sixteenth_hi) * (1.0 - MARGIN) {
            return true;
        }
        u < tau.powf(rho)
    }
}

/// `x^k` for a small whole `k` by multiplication (the same value `powi` gives for k <= 2).
#[inline]
fn int_pow(x: f64, k: i32) -> f64 {
    match k {
        0 => 1.0,
        1 => x,
        2 => x * x,
        3 => x * x * x,
        n => x.powi(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bounds never change the answer of `u < tau^rho`.
    #[test]
    fn second_coin_matches_the_power() {
        let mut r = crate::rng::trial_rng(5, 5);
        for rho in [
            0.0, 0.25, 0.3, 0.5, 0.8, 1.0, 1.4, 1.75, 2.0, 2.7, 5.0, 40.5, 70.3,
        ] {
            let coin = SecondCoin::new(rho);
            for k in 0..60_000 {
                let tau = crate::rng::uniform(&mut r);
                // A third of the draws right at the power, where a bound could mislead.
                let u = if k % 3 == 0 {
                    let x = tau.powf(rho);
                    [x, x.next_down(), x.next_up()][k % 9 / 3].clamp(0.0, 1.0)
                } else {
                    crate::rng::uniform(&mut r)
                };
                let want = rho == 0.0 || u < tau.powf(rho);
                assert_eq!(coin.accepts(u, tau), want, "u {u} tau {tau} rho {rho}");
            }
            assert!(coin.accepts(0.999, 1.0));
            assert_eq!(coin.accepts(0.0, 0.0), rho == 0.0);
        }
    }

    /// The first coin's gap is geometric: P(gap >= m) = (1 - c)^m, in and past the table.
    #[test]
    fn first_coin_gaps_are_geometric() {
        let mut r = crate::rng::trial_rng(6, 6);
        for (c, step) in [(0.02, 3), (0.02, 40), (0.3, 3), (0.9, 3)] {
            let coin = FirstCoin::new(c);
            let n = 200_000;
            let mut ge = [0u64; 4];
            for _ in 0..n {
                let g = coin.gap(&mut r).unwrap();
                for (m, slot) in ge.iter_mut().enumerate() {
                    if g >= m as u64 * step {
                        *slot += 1;
                    }
                }
            }
            for (m, &count) in ge.iter().enumerate() {
                let want = (1.0 - c).powi(m as i32 * step as i32);
                let got = count as f64 / n as f64;
                let se = (want * (1.0 - want) / n as f64).sqrt().max(1e-9);
                assert!(
                    (got - want).abs() < 4.0 * se + 1e-12,
                    "c {c} m {m}: {got} vs {want}"
                );
            }
        }
        assert_eq!(FirstCoin::new(0.0).gap(&mut r), None);
        assert_eq!(FirstCoin::new(1.0).gap(&mut r), Some(0));
    }

    /// A bucket's gap is that of every draw in it: its two ends, draws next to each power
    /// and random draws, for chances from tiny to near 1.
    #[test]
    fn bucket_gaps_are_the_counted_gaps() {
        let mut r = crate::rng::trial_rng(7, 7);
        let mut decided = 0usize;
        for c in [1e-6, 0.003, 0.02, 0.1, 0.25, 0.3, 0.5, 0.77, 0.9, 0.999_999] {
            let coin = FirstCoin::new(c);
            let counted = |m: u64| above(&coin.powers[..8], survival(m));
            for (b, &gap) in coin.buckets.iter().enumerate() {
                let first = b as u64 * BUCKET_WIDTH;
                let mut ms = vec![first, first + 1, first + BUCKET_WIDTH - 1];
                ms.extend((0..50).map(|_| first + crate::rng::uniform_bits(&mut r) % BUCKET_WIDTH));
                if gap == MIXED {
                    continue;
                }
                decided += 1;
                for m in ms {
                    assert_eq!(usize::from(gap), counted(m), "c {c} bucket {b} m {m}");
                }
            }
            // Right at each power: the draws whose S is the power and its neighbours.
            for &p in &coin.powers[..8] {
                for s in [p.next_down(), p, p.next_up()] {
                    let m = ((1.0 - s) * (1u64 << 53) as f64) as u64;
                    for m in [m.saturating_sub(1), m, m + 1]
                        .into_iter()
                        .filter(|&m| m < 1 << 53)
                    {
                        let b = coin.buckets[(m / BUCKET_WIDTH) as usize % BUCKETS];
                        if b != MIXED {
                            assert_eq!(usize::from(b), counted(m), "c {c} at power {p}");
                        }
                    }
                }
            }
        }
        assert!(decided > 700, "{decided}");
        // At c = 1/2 only the buckets holding one of the eight powers, and the last (gaps of
        // 8 or more), are mixed.
        let half = FirstCoin::new(0.5);
        assert!(half.buckets.iter().filter(|&&g| g == MIXED).count() <= 9);
    }

    /// A coin without its table draws the same gaps from the same stream.
    #[test]
    fn untabled_coins_give_the_same_gaps() {
        for c in [0.001, 0.05, 0.3, 0.5, 0.9] {
            let (tabled, plain) = (FirstCoin::new(c), FirstCoin::untabled(c));
            assert!(plain.buckets.iter().all(|&b| b == MIXED));
            let (mut r1, mut r2) = (crate::rng::trial_rng(8, 8), crate::rng::trial_rng(8, 8));
            for _ in 0..20_000 {
                assert_eq!(tabled.gap(&mut r1), plain.gap(&mut r2), "c {c}");
            }
        }
    }

    /// Past the table the gap is `ceil(ln S / ln q) - 1`, also when that ratio is whole.
    #[test]
    fn gap_past_the_table_rounds_like_ceil() {
        let coin = FirstCoin::new(0.5);
        for x in [32.0f64, 32.5, 40.0, 41.2, 1000.0] {
            let t = x as u64;
            let got = if t as f64 == x { t - 1 } else { t };
            assert_eq!(got, (x.ceil() - 1.0) as u64, "{x}");
        }
        assert!(coin.powers[31] > 0.0);
    }
}
