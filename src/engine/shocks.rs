//! Shock arrivals: drawn once at the start of a trial (docs/MODEL.md 2.8).
//!
//! For each shock, in declaration order: starting from the window's first day, continuous
//! times with exponential gaps of mean `365.25 / rate_per_year` days; an arrival at time `x`
//! occurs on day `floor(x)` and is kept while that day is within the window (its last day
//! included, at most the horizon). The draws come from the trial's shock stream
//! ([`crate::rng::shock_rng`]), so they do not shift the draws of reviews and durations.

use crate::model::Scenario;
use crate::rng::TrialRng;
use rand_distr::{Distribution, Exp1};

/// Days in a year for `rate_per_year`.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// One arrival: the day and the shock's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Arrival {
    /// Day it occurs on.
    pub day: u32,
    /// Index of the shock.
    pub shock: u32,
}

/// Draw every arrival of a trial into `out`, sorted by (day, shock): the order in which they
/// apply (several arrivals on one day apply once each, in declaration order).
pub fn draw_arrivals(s: &Scenario, rng: &mut TrialRng, out: &mut Vec<Arrival>) {
    out.clear();
    for (k, sh) in s.shocks.iter().enumerate() {
        if sh.rate_per_year <= 0.0 || sh.window_first > sh.window_last {
            continue;
        }
        let mean_gap = DAYS_PER_YEAR / sh.rate_per_year;
        let mut x = f64::from(sh.window_first);
        loop {
            let e: f64 = Exp1.sample(rng);
            x += mean_gap * e;
            // floor(x) by truncation, exact for x >= 0 (x starts at a day and grows): a cast
            // instead of a libm call. Past 2^64 it saturates, which is past the window too.
            let day = x as u64;
            if day > u64::from(sh.window_last) {
                break;
            }
            out.push(Arrival {
                day: day as u32,
                shock: k as u32,
            });
        }
    }
    // Stable by day keeps declaration order within a day; each shock's own arrivals are
    // already in time order.
    out.sort_by_key(|a| a.day);
}
