//! Review calendars: on which days a party reviews, given its interval and its pauses.
//!
//! Party `i` reviews on every day `t` with `t mod r_i = 0` (docs/MODEL.md 2.2), except the days a
//! shock pauses it (2.8). Shock arrivals are drawn at the start of a trial, so a trial's
//! pauses are known in advance and "the k-th review from day d" is plain arithmetic; this is
//! what lets the engine skip from one consent to the next instead of visiting every review.
//!
//! The engine counts in **review numbers**: the held reviews of a party are numbered 0, 1,
//! 2, ... in time, pauses skipped. An offer remembers the number of its first review and of
//! its next candidate review, so "`k` reviews later" is an addition and "how many reviews it
//! was delayed" a subtraction; only turning a number into a day ([`Calendar::day_of`]) and a
//! day into a number ([`Calendar::index_from`]) look at the pauses.

/// A day that never comes.
pub const NEVER: u64 = u64::MAX;

/// One party's review calendar for one trial.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Days between reviews.
    pub every: u64,
    /// Paused days as sorted, disjoint, inclusive intervals.
    pub pauses: Vec<(u64, u64)>,
    /// The pauses as runs of skipped multiples of `every`: `(first, last, skipped through
    /// last)`, multiples counted from 0 (day 0) and the third field cumulative.
    skipped: Vec<(u64, u64, u64)>,
    /// `ceil(2^64 / every)`: divides any day below `2^32` by one multiplication, exactly
    /// (Lemire, Kaser and Kurz 2019, "Faster remainder by direct computation"); 0 when
    /// `every` is 1.
    magic: u64,
}

impl Calendar {
    /// A calendar reviewing every `every` days, with no pause.
    pub fn new(every: u32) -> Self {
        let every = u64::from(every.max(1));
        Calendar {
            every,
            pauses: Vec::new(),
            skipped: Vec::new(),
            magic: if every == 1 { 0 } else { u64::MAX / every + 1 },
        }
    }

    /// `day / every`, without a hardware division for days below `2^32` (every day of a
    /// trial is; the slow path only serves [`NEVER`]-like sentinels).
    #[inline]
    fn div(&self, day: u64) -> u64 {
        if self.magic == 0 {
            day
        } else if day <= u64::from(u32::MAX) {
            ((u128::from(self.magic) * u128::from(day)) >> 64) as u64
        } else {
            day / self.every
        }
    }

    /// Reset for a new trial.
    pub fn clear_pauses(&mut self) {
        self.pauses.clear();
        self.skipped.clear();
    }

    /// Add a paused interval `[first, last]`; call [`Calendar::normalise`] after adding all.
    pub fn add_pause(&mut self, first: u64, last: u64) {
        self.pauses.push((first, last));
    }

    /// Sort and merge overlapping or touching pauses ("pauses extend to the latest end").
    #[inline]
    pub fn normalise(&mut self) {
        // Most trials pause no one: nothing to merge or count.
        if self.pauses.is_empty() {
            self.skipped.clear();
            return;
        }
        self.normalise_pauses();
    }

    /// [`Calendar::normalise`] with some pause.
    #[inline(never)]
    fn normalise_pauses(&mut self) {
        if self.pauses.len() > 1 {
            // Merge in place: no allocation per trial.
            self.pauses.sort_unstable();
            let mut kept = 0;
            for k in 1..self.pauses.len() {
                let (s, e) = self.pauses[k];
                let last = &mut self.pauses[kept];
                if s <= last.1.saturating_add(1) {
                    last.1 = last.1.max(e);
                } else {
                    kept += 1;
                    self.pauses[kept] = (s, e);
                }
            }
            self.pauses.truncate(kept + 1);
        }
        self.skipped.clear();
        let mut through = 0;
        for &(s, e) in &self.pauses {
            // Multiples of `every` inside [s, e].
            let first = if s == 0 { 0 } else { self.div(s - 1) + 1 };
            let last = self.div(e);
            if first <= last {
                through += last - first + 1;
                self.skipped.push((first, last, through));
            }
        }
    }

    /// The number of the first review on or after `day`: how many reviews come before it.
    #[inline]
    pub fn index_from(&self, day: u64) -> u64 {
        // Multiples of `every` before `day`, less the skipped ones among them.
        let m = if day == 0 { 0 } else { self.div(day - 1) + 1 };
        let mut skipped = 0;
        for &(first, last, through) in &self.skipped {
            if first >= m {
                break;
            }
            if last < m {
                skipped = through;
            } else {
                skipped = through - (last - first + 1) + (m - first);
                break;
            }
        }
        m - skipped
    }

    /// The day of review number `index`; [`NEVER`] when it lies beyond any day.
    #[inline]
    pub fn day_of(&self, index: u64) -> u64 {
        let mut skipped = 0;
        for &(first, _, through) in &self.skipped {
            if index.saturating_add(skipped) < first {
                break;
            }
            skipped = through;
        }
        index
            .checked_add(skipped)
            .and_then(|m| m.checked_mul(self.every))
            .unwrap_or(NEVER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the party reviews on `day`: the rule read aloud (docs/MODEL.md 2.2 and 2.8).
    fn reviews_on(c: &Calendar, day: u64) -> bool {
        day.is_multiple_of(c.every) && !c.pauses.iter().any(|&(s, e)| s <= day && day <= e)
    }

    /// The day of the `k`-th review on or after `from`, through review numbers.
    fn nth_review(c: &Calendar, from: u64, k: u64) -> u64 {
        c.day_of(c.index_from(from).saturating_add(k))
    }

    /// How many reviews fall in `[from, to]`, through review numbers.
    fn count_reviews(c: &Calendar, from: u64, to: u64) -> u64 {
        if from > to {
            return 0;
        }
        c.index_from(to + 1) - c.index_from(from)
    }

    fn brute_days(c: &Calendar, from: u64, upto: u64) -> Vec<u64> {
        (from..=upto).filter(|&d| reviews_on(c, d)).collect()
    }

    #[test]
    fn nth_review_and_count_agree_with_brute_force() {
        for every in [1u32, 3, 7] {
            for pauses in [
                vec![],
                vec![(5, 9)],
                vec![(0, 0), (14, 30), (31, 31), (40, 45)],
                vec![(1, 2), (8, 8), (22, 22)],
            ] {
                let mut c = Calendar::new(every);
                for &(s, e) in &pauses {
                    c.add_pause(s, e);
                }
                c.normalise();
                let all = brute_days(&c, 0, 400);
                for (k, &d) in all.iter().enumerate() {
                    assert_eq!(
                        c.day_of(k as u64),
                        d,
                        "every {every} pauses {pauses:?} #{k}"
                    );
                }
                for from in 0..50 {
                    let days = brute_days(&c, from, 400);
                    let before = all.iter().filter(|&&d| d < from).count() as u64;
                    assert_eq!(c.index_from(from), before, "every {every} from {from}");
                    for (k, &d) in days.iter().enumerate().take(20) {
                        assert_eq!(
                            nth_review(&c, from, k as u64),
                            d,
                            "every {every} pauses {pauses:?} from {from} k {k}"
                        );
                    }
                    for to in from..80 {
                        let want = days.iter().filter(|&&d| d <= to).count() as u64;
                        assert_eq!(count_reviews(&c, from, to), want);
                    }
                }
            }
        }
    }

    #[test]
    fn pauses_merge_to_the_latest_end() {
        let mut c = Calendar::new(1);
        c.add_pause(10, 20);
        c.add_pause(15, 30);
        c.add_pause(31, 31);
        c.add_pause(50, 50);
        c.normalise();
        assert_eq!(c.pauses, vec![(10, 31), (50, 50)]);
    }

    /// The multiply-shift division is exact for every day below 2^32.
    #[test]
    fn fast_division_is_exact() {
        let mut r = crate::rng::trial_rng(8, 8);
        for every in [1u32, 2, 3, 5, 7, 10, 14, 30, 365, 1000, 65_537, u32::MAX] {
            let c = Calendar::new(every);
            let e = u64::from(every);
            let edges = [
                0u64,
                1,
                e - 1,
                e,
                e + 1,
                u64::from(u32::MAX) - 1,
                u64::from(u32::MAX),
            ];
            for d in edges {
                assert_eq!(c.div(d), d / e, "{d} / {e}");
            }
            for _ in 0..100_000 {
                use rand::Rng;
                let d = r.next_u64() >> 32;
                assert_eq!(c.div(d), d / e, "{d} / {e}");
            }
        }
    }

    #[test]
    fn huge_k_saturates() {
        let c = Calendar::new(7);
        assert_eq!(nth_review(&c, 0, u64::MAX / 2), NEVER);
    }
}
