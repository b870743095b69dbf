//! Review calendars: on which days a party reviews, given its interval and its pauses.
//!
//! Party `i` reviews on every day `t` with `t mod r_i = 0` (DESIGN.md 2.2), except the days a
//! shock pauses it (2.8). Shock arrivals are drawn at the start of a trial, so a trial's
//! pauses are known in advance and "the k-th review from day d" is plain arithmetic; this is
//! what lets the engine skip from one consent to the next instead of visiting every review.

/// A day that never comes.
pub const NEVER: u64 = u64::MAX;

/// One party's review calendar for one trial.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Days between reviews.
    pub every: u64,
    /// Paused days as sorted, disjoint, inclusive intervals.
    pub pauses: Vec<(u64, u64)>,
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
    }

    /// Add a paused interval `[first, last]`; call [`Calendar::normalise`] after adding all.
    pub fn add_pause(&mut self, first: u64, last: u64) {
        self.pauses.push((first, last));
    }

    /// Sort and merge overlapping or touching pauses ("pauses extend to the latest end").
    pub fn normalise(&mut self) {
        if self.pauses.len() < 2 {
            return;
        }
        self.pauses.sort_unstable();
        let mut out: Vec<(u64, u64)> = Vec::with_capacity(self.pauses.len());
        for &(s, e) in &self.pauses {
            match out.last_mut() {
                Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        self.pauses = out;
    }

    /// The first review day on or after `day`, pauses aside.
    #[inline]
    fn ceil(&self, day: u64) -> u64 {
        let q = self.div(day);
        let at = q * self.every;
        if at == day {
            at
        } else {
            (q + 1).saturating_mul(self.every)
        }
    }

    /// Whether the party reviews on `day`.
    pub fn reviews_on(&self, day: u64) -> bool {
        day.is_multiple_of(self.every) && !self.pauses.iter().any(|&(s, e)| s <= day && day <= e)
    }

    /// The day of the `k`-th review (0-based) on or after `from`; [`NEVER`] on overflow.
    #[inline]
    pub fn nth_review(&self, from: u64, k: u64) -> u64 {
        let mut t = self.ceil(from);
        if self.pauses.is_empty() && k < 1 << 32 && t < 1 << 32 {
            return t + k * self.every;
        }
        let mut k = k;
        for &(s, e) in &self.pauses {
            if e < t {
                continue;
            }
            if s > t {
                // Reviews t, t+r, ... that fall before the pause.
                let before = (s - 1 - t) / self.every + 1;
                if k < before {
                    return t + k * self.every;
                }
                k -= before;
            }
            t = self.ceil(e.saturating_add(1)).max(t);
            if t == u64::MAX {
                return NEVER;
            }
        }
        k.checked_mul(self.every)
            .and_then(|x| x.checked_add(t))
            .unwrap_or(NEVER)
    }

    /// How many reviews fall in `[from, to]` (0 when `from > to`).
    #[inline]
    pub fn count_reviews(&self, from: u64, to: u64) -> u64 {
        if from > to {
            return 0;
        }
        let mults = |a: u64, b: u64| -> u64 {
            // multiples of `every` in [a, b]
            if a > b {
                return 0;
            }
            let first = if a == 0 { 0 } else { self.div(a - 1) + 1 };
            let last = self.div(b);
            last.saturating_sub(first) + u64::from(last >= first)
        };
        let mut n = mults(from, to);
        for &(s, e) in &self.pauses {
            let (a, b) = (s.max(from), e.min(to));
            n -= mults(a, b);
        }
        n
    }

    /// The last review strictly before `day`, if any on or after `from`.
    pub fn last_review_before(&self, from: u64, day: u64) -> Option<u64> {
        let n = self.count_reviews(from, day.checked_sub(1)?);
        (n > 0).then(|| self.nth_review(from, n - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute_days(c: &Calendar, from: u64, upto: u64) -> Vec<u64> {
        (from..=upto).filter(|&d| c.reviews_on(d)).collect()
    }

    #[test]
    fn nth_review_and_count_agree_with_brute_force() {
        for every in [1u32, 3, 7] {
            for pauses in [
                vec![],
                vec![(5, 9)],
                vec![(0, 0), (14, 30), (31, 31), (40, 45)],
            ] {
                let mut c = Calendar::new(every);
                for &(s, e) in &pauses {
                    c.add_pause(s, e);
                }
                c.normalise();
                for from in 0..50 {
                    let days = brute_days(&c, from, 400);
                    for (k, &d) in days.iter().enumerate().take(20) {
                        assert_eq!(
                            c.nth_review(from, k as u64),
                            d,
                            "every {every} pauses {pauses:?} from {from} k {k}"
                        );
                    }
                    for to in from..80 {
                        let want = days.iter().filter(|&&d| d <= to).count() as u64;
                        assert_eq!(c.count_reviews(from, to), want);
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
        assert_eq!(c.nth_review(0, u64::MAX / 2), NEVER);
    }
}
