//! Summary statistics with constant memory: exact counts per value, Wilson intervals.
//!
//! Every metric of `summary.csv` is accumulated as a count per distinct value
//! ([`Histogram`]). Days are whole numbers below the horizon, delays and counts are whole
//! numbers, and a quantity takes one of few sums, so the state is bounded by the range of the
//! values, never by the number of trials. From the counts come exact quantiles, and a mean and
//! standard deviation summed in ascending order of value, so a summary does not depend on the
//! order in which trials arrived: threads, batches and shards give the same bytes.
//!
//! Quantiles are the linear interpolation between order statistics that numpy and pandas use
//! by default (Hyndman and Fan type 7), so a user can check any figure with
//! `df[col].quantile(0.95)`.

use std::collections::BTreeMap;

/// The normal quantile for a two-sided 95% interval (`scipy.stats.norm.ppf(0.975)`; not 1.96
/// rounded: summaries have used this value since negsim 0.2.0).
pub const Z95: f64 = 1.959_963_984_540_054;

/// Whole numbers below this are counted in a dense array (days, delays, counts).
const DENSE: usize = 1 << 16;

/// Distinct values kept in a sorted list before the histogram spills into its dense array and
/// ordered map. A point of a few trials has few distinct values, and its summary then costs in
/// proportion to them, not to the range of days (a horizon of thousands of days).
const SMALL: usize = 64;

/// Counts after which a histogram still in its sorted list moves to the dense array when its
/// values lie in `0..EARLY_DENSE`: a metric with few distinct small values (actions done, a
/// party's delays) is then counted by index instead of by a search, from the 257th trial of
/// a batch on. The figures do not change ([`Histogram::iter`] is the same in either form), and
/// the dense array stays within `EARLY_DENSE` counts (32 KiB); larger values (a quantity in
/// tonnes) keep the sorted list.
const SPILL_AFTER: u64 = 256;
const EARLY_DENSE: f64 = 4096.0;

/// Counts per distinct value. Values are compared by their exact bits (after mapping -0 to 0).
/// Up to 64 distinct values are kept in a sorted list; past that, small whole numbers go
/// to a dense array, anything else to an ordered map. Either way [`Histogram::iter`] gives the
/// same (value, count) pairs in the same ascending order, so every figure computed from it
/// (mean, sd, quantiles) has the same bits whichever form holds the counts.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    /// Sorted by value (`total_cmp`), distinct; the only counts until `spilled`.
    small: Vec<(f64, u64)>,
    /// Where in `small` the last value counted is: runs of one metric repeat values (a
    /// trial's actions done, a quantity delivered), so it is looked at before searching.
    hint: usize,
    spilled: bool,
    dense: Vec<u64>,
    counts: BTreeMap<OrdF64, u64>,
    n: u64,
}

impl PartialEq for Histogram {
    fn eq(&self, other: &Self) -> bool {
        self.n == other.n && self.iter().eq(other.iter())
    }
}

/// An f64 with a total order (values here are finite).
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrdF64(f64);
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Histogram {
    /// Count one value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.add_n(x, 1);
    }

    /// Count a value `k` times. Inlined, with a whole number of the spilled form counted on
    /// the spot (most counts of a long run: days and delays); the sorted list is searched out
    /// of line.
    #[inline(always)]
    pub fn add_n(&mut self, x: f64, k: u64) {
        if k == 0 {
            return;
        }
        let x = if x == 0.0 { 0.0 } else { x };
        self.n += k;
        if self.spilled {
            // (A NaN is not in the dense range: `add_big` puts it in the ordered map.)
            if x >= 0.0 && x < DENSE as f64 && (x as usize) as f64 == x {
                let i = x as usize;
                if let Some(c) = self.dense.get_mut(i) {
                    *c += k;
                    return;
                }
            }
            self.add_big(x, k);
            return;
        }
        self.add_small(x, k);
    }

    /// [`Histogram::add_n`] while the counts are in the sorted list (`n` already counted).
    #[inline(never)]
    fn add_small(&mut self, x: f64, k: u64) {
        // A NaN goes straight to the spilled form, where it has always sorted.
        if x.is_nan() {
            self.spill();
            self.add_big(x, k);
            return;
        }
        if let Some(e) = self.small.get_mut(self.hint)
            && e.0.total_cmp(&x).is_eq()
        {
            e.1 += k;
            return;
        }
        if self.n > SPILL_AFTER
            && (0.0..EARLY_DENSE).contains(&x)
            && let (Some(lo), Some(hi)) = (self.small.first(), self.small.last())
            && lo.0 >= 0.0
            && hi.0 < EARLY_DENSE
        {
            self.spill();
            self.add_big(x, k);
            return;
        }
        match self.small.binary_search_by(|(v, _)| v.total_cmp(&x)) {
            Ok(i) => {
                self.small[i].1 += k;
                self.hint = i;
            }
            Err(i) if self.small.len() < SMALL => {
                self.small.insert(i, (x, k));
                self.hint = i;
            }
            Err(_) => {
                self.spill();
                self.add_big(x, k);
            }
        }
    }

    /// Move the sorted list into the dense array and ordered map.
    fn spill(&mut self) {
        self.spilled = true;
        for (v, c) in std::mem::take(&mut self.small) {
            self.add_big(v, c);
        }
    }

    /// Count in the spilled form (`x` already has -0 mapped to 0; `n` not touched).
    #[inline]
    fn add_big(&mut self, x: f64, k: u64) {
        // A whole number in the dense range (checked without a libm call to `fract`).
        if x >= 0.0 && x < DENSE as f64 && (x as usize) as f64 == x {
            let i = x as usize;
            if i >= self.dense.len() {
                self.dense.resize(i + 1, 0);
            }
            self.dense[i] += k;
        } else {
            *self.counts.entry(OrdF64(x)).or_insert(0) += k;
        }
    }

    /// Add another histogram's counts.
    pub fn merge(&mut self, other: &Histogram) {
        if !other.spilled {
            for &(v, c) in &other.small {
                self.add_n(v, c);
            }
            return;
        }
        if !self.spilled {
            self.spill();
        }
        if other.dense.len() > self.dense.len() {
            self.dense.resize(other.dense.len(), 0);
        }
        for (a, b) in self.dense.iter_mut().zip(&other.dense) {
            *a += b;
        }
        for (v, c) in &other.counts {
            *self.counts.entry(*v).or_insert(0) += c;
        }
        self.n += other.n;
    }

    /// Number of values counted.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// (value, count) in ascending order, values with a count only.
    pub fn iter(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        let dense = self
            .dense
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (i as f64, *c));
        let sparse = self.counts.iter().map(|(v, c)| (v.0, *c));
        // Sparse values are negative, fractional or large: merge the two ascending runs.
        let mut dense = dense.peekable();
        let mut sparse = sparse.peekable();
        let big = std::iter::from_fn(move || match (dense.peek(), sparse.peek()) {
            (Some(d), Some(s)) => {
                if d.0 < s.0 {
                    dense.next()
                } else {
                    sparse.next()
                }
            }
            (Some(_), None) => dense.next(),
            (None, _) => sparse.next(),
        });
        // Exactly one of the two forms holds the counts (the other is empty).
        self.small.iter().copied().chain(big)
    }

    /// Mean, summed in ascending order of value.
    pub fn mean(&self) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let mut s = 0.0;
        for (v, c) in self.iter() {
            s += v * c as f64;
        }
        Some(s / self.n as f64)
    }

    /// Sample standard deviation (n - 1 in the denominator); `None` below two values.
    pub fn sd(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let m = self.mean()?;
        let mut ss = 0.0;
        for (v, c) in self.iter() {
            ss += (v - m) * (v - m) * c as f64;
        }
        Some((ss / (self.n - 1) as f64).sqrt())
    }

    /// The `k`-th smallest value, 0-based.
    fn order_stat(&self, k: u64) -> f64 {
        let mut seen = 0;
        for (v, c) in self.iter() {
            seen += c;
            if k < seen {
                return v;
            }
        }
        self.iter().last().map_or(f64::NAN, |v| v.0)
    }

    /// Quantile `q` in [0, 1], type 7 (numpy's default linear interpolation).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let h = (self.n - 1) as f64 * q;
        let lo = h.floor();
        let x0 = self.order_stat(lo as u64);
        let frac = h - lo;
        if frac == 0.0 {
            return Some(x0);
        }
        let x1 = self.order_stat(lo as u64 + 1);
        Some(x0 + frac * (x1 - x0))
    }
}

/// The Wilson score 95% interval for `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let n_f = n as f64;
    let p = k as f64 / n_f;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = Z95 * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// The 95% interval of a mean, normal approximation: `mean +- z sd / sqrt(n)`, `z` = [`Z95`].
pub fn mean_interval(mean: f64, sd: f64, n: u64) -> (f64, f64) {
    let half = Z95 * sd / (n as f64).sqrt();
    (mean - half, mean + half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy_type_7() {
        let mut h = Histogram::default();
        for x in [1.0, 2.0, 3.0, 4.0, 10.0] {
            h.add(x);
        }
        // numpy.quantile([1,2,3,4,10], [0.05, 0.25, 0.5, 0.75, 0.95])
        let want = [1.2, 2.0, 3.0, 4.0, 8.8];
        for (q, w) in [0.05, 0.25, 0.5, 0.75, 0.95].into_iter().zip(want) {
            assert!((h.quantile(q).unwrap() - w).abs() < 1e-12, "{q}");
        }
        assert_eq!(h.mean(), Some(4.0));
        // sample sd of [1,2,3,4,10]
        assert!((h.sd().unwrap() - 3.535_533_905_932_737_6).abs() < 1e-12);
    }

    #[test]
    fn order_does_not_matter() {
        let xs = [0.1, 7.0, 0.3, 7.0, 1e6, 0.2];
        let mut a = Histogram::default();
        let mut b = Histogram::default();
        for x in xs {
            a.add(x);
        }
        for x in xs.iter().rev() {
            b.add(*x);
        }
        assert_eq!(a.mean().unwrap().to_bits(), b.mean().unwrap().to_bits());
        let mut c = Histogram::default();
        c.merge(&a);
        assert_eq!(c, a);
    }

    #[test]
    fn dense_and_sparse_values_interleave_in_order() {
        let mut h = Histogram::default();
        for x in [3.0, -1.0, 2.5, 70_000.0, 0.0, 3.0, 1e9] {
            h.add(x);
        }
        let v: Vec<(f64, u64)> = h.iter().collect();
        assert_eq!(
            v,
            vec![
                (-1.0, 1),
                (0.0, 1),
                (2.5, 1),
                (3.0, 2),
                (70_000.0, 1),
                (1e9, 1)
            ]
        );
        assert_eq!(h.quantile(1.0), Some(1e9));
        assert_eq!(h.quantile(0.0), Some(-1.0));
    }

    #[test]
    fn wilson_known_values() {
        // k = 0, n = 10: (0, 0.2775)
        let (lo, hi) = wilson(0, 10).unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - 0.277_532_799_862_414_2).abs() < 1e-9, "{hi}");
        // k = 5, n = 10: symmetric around 0.5
        let (lo, hi) = wilson(5, 10).unwrap();
        assert!((lo + hi - 1.0).abs() < 1e-12);
        assert!((lo - 0.236_593_090_512_564_6).abs() < 1e-9, "{lo}");
    }

    /// The histogram of negsim 0.3.0 (dense array and ordered map only), to check the sorted
    /// list against: same pairs, same order, same bits of every figure.
    #[derive(Default)]
    struct Old {
        dense: Vec<u64>,
        counts: BTreeMap<OrdF64, u64>,
        n: u64,
    }

    impl Old {
        fn add_n(&mut self, x: f64, k: u64) {
            if k == 0 {
                return;
            }
            let x = if x == 0.0 { 0.0 } else { x };
            if x >= 0.0 && x < DENSE as f64 && (x as usize) as f64 == x {
                let i = x as usize;
                if i >= self.dense.len() {
                    self.dense.resize(i + 1, 0);
                }
                self.dense[i] += k;
            } else {
                *self.counts.entry(OrdF64(x)).or_insert(0) += k;
            }
            self.n += k;
        }
        fn merge(&mut self, other: &Old) {
            if other.dense.len() > self.dense.len() {
                self.dense.resize(other.dense.len(), 0);
            }
            for (a, b) in self.dense.iter_mut().zip(&other.dense) {
                *a += b;
            }
            for (v, c) in &other.counts {
                *self.counts.entry(*v).or_insert(0) += c;
            }
            self.n += other.n;
        }
        fn iter(&self) -> Vec<(f64, u64)> {
            let dense = self
                .dense
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, c)| (i as f64, *c));
            let sparse = self.counts.iter().map(|(v, c)| (v.0, *c));
            let mut dense = dense.peekable();
            let mut sparse = sparse.peekable();
            std::iter::from_fn(move || match (dense.peek(), sparse.peek()) {
                (Some(d), Some(s)) => {
                    if d.0 < s.0 {
                        dense.next()
                    } else {
                        sparse.next()
                    }
                }
                (Some(_), None) => dense.next(),
                (None, _) => sparse.next(),
            })
            .collect()
        }
        fn mean(&self) -> Option<f64> {
            if self.n == 0 {
                return None;
            }
            let mut s = 0.0;
            for (v, c) in self.iter() {
                s += v * c as f64;
            }
            Some(s / self.n as f64)
        }
        fn sd(&self) -> Option<f64> {
            if self.n < 2 {
                return None;
            }
            let m = self.mean()?;
            let mut ss = 0.0;
            for (v, c) in self.iter() {
                ss += (v - m) * (v - m) * c as f64;
            }
            Some((ss / (self.n - 1) as f64).sqrt())
        }
        fn order_stat(&self, k: u64) -> f64 {
            let mut seen = 0;
            for (v, c) in self.iter() {
                seen += c;
                if k < seen {
                    return v;
                }
            }
            self.iter().last().map_or(f64::NAN, |v| v.0)
        }
        fn quantile(&self, q: f64) -> Option<f64> {
            if self.n == 0 {
                return None;
            }
            let h = (self.n - 1) as f64 * q;
            let lo = h.floor();
            let x0 = self.order_stat(lo as u64);
            let frac = h - lo;
            if frac == 0.0 {
                return Some(x0);
            }
            let x1 = self.order_stat(lo as u64 + 1);
            Some(x0 + frac * (x1 - x0))
        }
    }

    fn bits(x: Option<f64>) -> Option<u64> {
        x.map(f64::to_bits)
    }

    fn same(new: &Histogram, old: &Old) {
        let pairs: Vec<(u64, u64)> = new.iter().map(|(v, c)| (v.to_bits(), c)).collect();
        let want: Vec<(u64, u64)> = old
            .iter()
            .into_iter()
            .map(|(v, c)| (v.to_bits(), c))
            .collect();
        assert_eq!(pairs, want);
        assert_eq!(new.n(), old.n);
        assert_eq!(bits(new.mean()), bits(old.mean()));
        assert_eq!(bits(new.sd()), bits(old.sd()));
        for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0, 0.333] {
            assert_eq!(bits(new.quantile(q)), bits(old.quantile(q)), "q = {q}");
        }
    }

    /// Values of the kinds summaries see: days, counts, -0, fractions, negatives, large ones.
    fn value() -> impl proptest::strategy::Strategy<Value = f64> {
        use proptest::prelude::*;
        prop_oneof![
            4 => (0u32..3000).prop_map(f64::from),
            1 => (0u32..8).prop_map(|k| f64::from(k) * 0.25),
            1 => Just(-0.0),
            1 => (-1000i32..1000).prop_map(|k| f64::from(k) * 0.1),
            1 => (60_000u32..80_000).prop_map(f64::from),
        ]
    }

    proptest::proptest! {
        #[test]
        fn sorted_list_gives_the_figures_of_the_old_histogram(
            a in proptest::collection::vec((value(), 0u64..4), 0..150),
            b in proptest::collection::vec((value(), 0u64..4), 0..150),
        ) {
            let (mut na, mut oa) = (Histogram::default(), Old::default());
            for &(x, k) in &a {
                na.add_n(x, k);
                oa.add_n(x, k);
            }
            same(&na, &oa);
            let (mut nb, mut ob) = (Histogram::default(), Old::default());
            for &(x, k) in &b {
                nb.add_n(x, k);
                ob.add_n(x, k);
            }
            merged_both_ways(&na, &oa, &nb, &ob);
        }

        /// A long run of few small values (actions done, delays): past `SPILL_AFTER` counts
        /// the list moves to the dense array, with the same figures, merged either way.
        #[test]
        fn few_values_spilled_by_count_give_the_same_figures(
            a in proptest::collection::vec((0u32..20, 1u64..6), 0..400),
            b in proptest::collection::vec((0u32..20, 1u64..6), 0..400),
            odd in proptest::option::of(-2.5f64..5000.0),
        ) {
            let (mut na, mut oa) = (Histogram::default(), Old::default());
            for &(x, k) in &a {
                na.add_n(f64::from(x), k);
                oa.add_n(f64::from(x), k);
            }
            if let Some(x) = odd {
                na.add_n(x, 1);
                oa.add_n(x, 1);
            }
            same(&na, &oa);
            let (mut nb, mut ob) = (Histogram::default(), Old::default());
            for &(x, k) in &b {
                nb.add_n(f64::from(x), k);
                ob.add_n(f64::from(x), k);
            }
            merged_both_ways(&na, &oa, &nb, &ob);
        }
    }

    /// `a + b` both ways (small into spilled, spilled into small, small into small) against
    /// the old histograms' merge.
    fn merged_both_ways(na: &Histogram, oa: &Old, nb: &Histogram, ob: &Old) {
        let (mut n1, mut o1) = (na.clone(), Old::default());
        o1.merge(oa);
        n1.merge(nb);
        o1.merge(ob);
        same(&n1, &o1);
        let mut n2 = nb.clone();
        n2.merge(na);
        same(&n2, &o1);
        assert_eq!(n1, n2);
    }

    /// The count rule does spill: a long run of three values ends in the dense array.
    #[test]
    fn a_long_run_of_few_values_spills() {
        let mut h = Histogram::default();
        for k in 0..1000 {
            h.add(f64::from(k % 3));
        }
        assert!(h.spilled);
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            [(0.0, 334), (1.0, 333), (2.0, 333)]
        );
        let mut tonnes = Histogram::default();
        for k in 0..1000 {
            tonnes.add(f64::from(k % 3) * 50_000.0);
        }
        assert!(!tonnes.spilled, "large values keep the sorted list");
    }
}
