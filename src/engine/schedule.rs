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
}

impl Calendar {
    /// A calendar reviewing every `every` days, with no pause.
    pub fn new(every: u32) -> Self {
        Calendar {
            every: u64::from(every.max(1)),
            pauses: Vec::new(),
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

    fn ceil(&self, day: u64) -> u64 {
        day.div_ceil(self.every).saturating_mul(self.every)
    }

    /// Whether the party reviews on `day`.
    pub fn reviews_on(&self, day: u64) -> bool {
        day.is_multiple_of(self.every) && !self.pauses.iter().any(|&(s, e)| s <= day && day <= e)
    }

    /// The day of the `k`-th review (0-based) on or after `from`; [`NEVER`] on overflow.
    pub fn nth_review(&self, from: u64, k: u64) -> u64 {
        let mut t = self.ceil(from);
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
    pub fn count_reviews(&self, from: u64, to: u64) -> u64 {
        if from > to {
            return 0;
        }
        let mults = |a: u64, b: u64| -> u64 {
            // multiples of `every` in [a, b]
            if a > b {
                return 0;
            }
            let first = a.div_ceil(self.every);
            let last = b / self.every;
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

    #[test]
    fn huge_k_saturates() {
        let c = Calendar::new(7);
        assert_eq!(c.nth_review(0, u64::MAX / 2), NEVER);
    }
}
