//! How long an action takes once started (docs/MODEL.md 2.7).
//!
//! A draw is a real number of days, rounded to the nearest whole day (halves away from zero,
//! which is what [`f64::round`] does) and never below 0.

use crate::rng::TrialRng;
use rand::RngExt;
use rand_distr::{Distribution, Exp1, StandardNormal};

/// A duration distribution in days. Built only by validation, so parameters are in range.
#[derive(Debug, Clone, PartialEq)]
pub enum Duration {
    /// Always `d` days.
    Fixed(f64),
    /// Continuous uniform on `[a, b]`.
    Uniform(f64, f64),
    /// Continuous triangular with `min`, `mode`, `max`.
    Triangular(f64, f64, f64),
    /// `exp(ln(median) + sigma * Z)`, `Z` standard normal.
    LogNormal {
        /// Median.
        median: f64,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// Exponential with this mean.
    Exponential {
        /// Mean.
        mean: f64,
    },
}

/// Round a real number of days as docs/MODEL.md 2.7 says: nearest day, halves away from zero,
/// never below 0. Values beyond any horizon saturate.
pub fn round_days(x: f64) -> u32 {
    // NaN and anything that rounds to 0 or below give 0.
    if x.is_nan() || x < 0.5 {
        return 0;
    }
    if x >= f64::from(u32::MAX) {
        return u32::MAX;
    }
    // Without a libm call: x - trunc(x) is exact for x < 2^32.
    // (An addition, not a branch: which way a draw rounds is a coin flip for the predictor.)
    let t = x as u32;
    t + u32::from(x - f64::from(t) >= 0.5)
}

impl Duration {
    /// Draw a whole number of days. A fixed duration draws nothing from the stream.
    pub fn sample(&self, rng: &mut TrialRng) -> u32 {
        round_days(self.sample_real(rng))
    }

    /// Draw the real number of days before rounding. Inlined: the fixed, uniform and
    /// triangular draws are a few instructions, fewer than the frame of a function that also
    /// holds the normal and exponential samplers (those are drawn out of line).
    #[inline]
    pub fn sample_real(&self, rng: &mut TrialRng) -> f64 {
        match *self {
            Duration::Fixed(d) => d,
            Duration::Uniform(a, b) => a + (b - a) * rng.random::<f64>(),
            Duration::Triangular(min, mode, max) => {
                // Inverse of the CDF, one uniform draw.
                let u: f64 = rng.random();
                let range = max - min;
                if range <= 0.0 {
                    return min;
                }
                let cut = (mode - min) / range;
                if u < cut {
                    min + (u * range * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * range * (max - mode)).sqrt()
                }
            }
            Duration::LogNormal { .. } | Duration::Exponential { .. } => self.sample_tail(rng),
        }
    }

    /// [`Duration::sample_real`] of a lognormal or exponential duration.
    #[inline(never)]
    fn sample_tail(&self, rng: &mut TrialRng) -> f64 {
        match *self {
            Duration::LogNormal { median, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                median * (sigma * z).exp()
            }
            Duration::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            _ => self.sample_real(rng),
        }
    }

    /// The least whole number of days a draw can give (used to find the earliest day an
    /// action could be done, in validation).
    pub fn min_days(&self) -> u32 {
        match *self {
            Duration::Fixed(d) => round_days(d),
            Duration::Uniform(a, _) => round_days(a),
            Duration::Triangular(min, _, _) => round_days(min),
            Duration::LogNormal { sigma, median } => {
                if sigma == 0.0 {
                    round_days(median)
                } else {
                    0
                }
            }
            Duration::Exponential { .. } => 0,
        }
    }

    /// The mean of the real-valued draw (before rounding), for `check` and tests.
    pub fn mean_real(&self) -> f64 {
        match *self {
            Duration::Fixed(d) => d,
            Duration::Uniform(a, b) => (a + b) / 2.0,
            Duration::Triangular(a, m, b) => (a + m + b) / 3.0,
            Duration::LogNormal { median, sigma } => median * (sigma * sigma / 2.0).exp(),
            Duration::Exponential { mean } => mean,
        }
    }

    /// A short human form: `fixed 30`, `triangular 20/45/90`, ...
    pub fn describe(&self) -> String {
        match *self {
            Duration::Fixed(d) => format!("fixed {d}"),
            Duration::Uniform(a, b) => format!("uniform {a}..{b}"),
            Duration::Triangular(a, m, b) => format!("triangular {a}/{m}/{b}"),
            Duration::LogNormal { median, sigma } => {
                format!("lognormal median {median} sigma {sigma}")
            }
            Duration::Exponential { mean } => format!("exponential mean {mean}"),
        }
    }
}

/// A duration compiled for drawing: the same draws as [`Duration::sample`] from the same
/// stream, with what depends only on the parameters worked out once (a triangular's range,
/// the share of it below the mode, a division, and the two sides' widths). An engine keeps
/// one per action, so a start costs one uniform, a compare, a multiplication chain and a
/// square root.
#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    /// Always this many whole days (nothing drawn).
    Fixed(u32),
    /// `a + (b - a) * u`: `a` and `b - a`.
    Uniform(f64, f64),
    /// A triangular with a positive range: `min`, `max`, `max - min`, `(mode - min) / range`,
    /// `mode - min`, `max - mode`.
    Triangular {
        /// `min`.
        min: f64,
        /// `max`.
        max: f64,
        /// `max - min`.
        range: f64,
        /// `(mode - min) / range`: draws below it fall left of the mode.
        cut: f64,
        /// `mode - min`.
        left: f64,
        /// `max - mode`.
        right: f64,
    },
    /// Anything else (a degenerate triangular, the lognormal, the exponential): drawn by
    /// [`Duration::sample`].
    Other(Duration),
}

impl Draw {
    /// The draw of `d`.
    pub fn of(d: &Duration) -> Self {
        match *d {
            Duration::Fixed(x) => Draw::Fixed(round_days(x)),
            Duration::Uniform(a, b) => Draw::Uniform(a, b - a),
            Duration::Triangular(min, mode, max) if max - min > 0.0 => Draw::Triangular {
                min,
                max,
                range: max - min,
                cut: (mode - min) / (max - min),
                left: mode - min,
                right: max - mode,
            },
            _ => Draw::Other(d.clone()),
        }
    }

    /// A whole number of days: exactly [`Duration::sample`] of the duration it was made of,
    /// from the same stream (the same arithmetic in the same order; only what depends on the
    /// parameters alone is kept).
    #[inline]
    pub fn sample(&self, rng: &mut TrialRng) -> u32 {
        match *self {
            Draw::Fixed(d) => d,
            Draw::Uniform(a, width) => round_days(a + width * rng.random::<f64>()),
            Draw::Triangular {
                min,
                max,
                range,
                cut,
                left,
                right,
            } => {
                let u: f64 = rng.random();
                round_days(if u < cut {
                    min + (u * range * left).sqrt()
                } else {
                    max - ((1.0 - u) * range * right).sqrt()
                })
            }
            Draw::Other(ref d) => d.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_halves_away_from_zero_and_never_below_zero() {
        assert_eq!(round_days(2.5), 3);
        assert_eq!(round_days(2.4999), 2);
        assert_eq!(round_days(0.5), 1);
        assert_eq!(round_days(0.49), 0);
        assert_eq!(round_days(-3.0), 0);
        assert_eq!(round_days(f64::NAN), 0);
        assert_eq!(round_days(1e300), u32::MAX);
    }

    /// The libm-free rounding gives what `f64::round` gives, near halves and everywhere.
    #[test]
    fn rounding_matches_f64_round() {
        let reference = |x: f64| {
            let r = x.round();
            if r.is_nan() || r <= 0.0 {
                0
            } else if r >= f64::from(u32::MAX) {
                u32::MAX
            } else {
                r as u32
            }
        };
        let mut r = crate::rng::trial_rng(4, 4);
        for k in 0..200_000u32 {
            let base = f64::from(k % 5000) + 0.5;
            let x = match k % 4 {
                0 => base,
                1 => base.next_down(),
                2 => base.next_up(),
                _ => crate::rng::uniform(&mut r) * 1.0e4 - 10.0,
            };
            assert_eq!(round_days(x), reference(x), "{x}");
        }
        for x in [
            0.49999999999999994,
            4294967294.5,
            4294967294.49,
            4294967295.0,
            5e9,
        ] {
            assert_eq!(round_days(x), reference(x), "{x}");
        }
    }

    #[test]
    fn sample_means_match_the_distributions() {
        let mut rng = crate::rng::trial_rng(7, 0);
        let cases = [
            Duration::Uniform(2.0, 10.0),
            Duration::Triangular(1.0, 4.0, 16.0),
            Duration::LogNormal {
                median: 20.0,
                sigma: 0.5,
            },
            Duration::Exponential { mean: 12.0 },
        ];
        for d in cases {
            let n = 200_000;
            let (mut s, mut s2) = (0.0, 0.0);
            for _ in 0..n {
                let x = d.sample_real(&mut rng);
                assert!(x >= 0.0, "{d:?} drew {x}");
                s += x;
                s2 += x * x;
            }
            let mean = s / n as f64;
            let sd = (s2 / n as f64 - mean * mean).sqrt();
            let se = sd / (n as f64).sqrt();
            assert!(
                (mean - d.mean_real()).abs() < 4.0 * se,
                "{d:?}: mean {mean} vs {} (se {se})",
                d.mean_real()
            );
        }
    }

    #[test]
    fn triangular_respects_its_bounds_and_mode_share() {
        let mut rng = crate::rng::trial_rng(3, 1);
        let d = Duration::Triangular(10.0, 12.0, 20.0);
        let n = 100_000;
        let mut below_mode = 0;
        for _ in 0..n {
            let x = d.sample_real(&mut rng);
            assert!((10.0..=20.0).contains(&x));
            if x < 12.0 {
                below_mode += 1;
            }
        }
        // P(X < mode) = (mode - min) / (max - min) = 0.2
        let p = below_mode as f64 / n as f64;
        let se = (0.2f64 * 0.8 / n as f64).sqrt();
        assert!((p - 0.2).abs() < 4.0 * se, "{p}");
    }

    /// A compiled draw gives the very draws of its duration, stream position included,
    /// for random parameters of every kind (and degenerate triangulars and halves).
    #[test]
    fn compiled_draws_are_the_durations_draws() {
        use rand::Rng;
        let mut p = crate::rng::trial_rng(11, 2);
        let mut u = || crate::rng::uniform(&mut p);
        for k in 0..4000 {
            let (a, b, c) = (u() * 50.0, u() * 50.0, u() * 50.0);
            let mut v = [a, b, c];
            v.sort_by(f64::total_cmp);
            let d = match k % 7 {
                0 => Duration::Fixed((a * 2.0).round() / 2.0),
                1 => Duration::Uniform(v[0], v[2]),
                2 => Duration::Triangular(v[0], v[1], v[2]),
                3 => Duration::Triangular(v[0], v[0], v[0]),
                4 => Duration::Triangular(v[0], v[0], v[2]),
                5 => Duration::LogNormal {
                    median: v[1] + 0.1,
                    sigma: u(),
                },
                _ => Duration::Exponential { mean: v[2] + 0.1 },
            };
            let draw = Draw::of(&d);
            let (mut r1, mut r2) = (crate::rng::trial_rng(12, k), crate::rng::trial_rng(12, k));
            for _ in 0..20 {
                assert_eq!(draw.sample(&mut r1), d.sample(&mut r2), "{d:?}");
            }
            assert_eq!(r1.next_u64(), r2.next_u64(), "{d:?}: stream position");
        }
    }
}
