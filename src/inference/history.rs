//! History matching before ABC-SMC (docs/MODEL.md 6.7), in the spirit of Vernon, Goldstein and
//! Bower (2010): waves of a space-filling design discard the part of the prior's box where
//! matching the record is implausible, cheaply, before the sampler spends its proposals there.
//!
//! Wave `w` draws a Latin hypercube of `points` points over the current box (in the sampler's
//! coordinate `z`) from [`rng::calibration_rng`]`(seed, 2048 + w, 0)`, and runs `trials` trials
//! at each (point `p`, trial `t`: trial stream
//! [`rng::calibration_trial`]`(2048 + w, p * trials + t)`). The wave's tolerance is the larger of the target tolerance and the 5% quantile of all
//! its trials' distances; a point's score is the share of its trials within that tolerance,
//! an estimate of the chance that one trial there matches the record. A point is kept when the
//! upper end of its Wilson 95% interval reaches 1% of the best point's score; the next box is
//! the bounding box of the kept points widened by one stratum (`width / points`) on each side
//! and cut to the current box. ABC-SMC then samples the prior truncated to the last box.
//!
//! This approximates: the posterior is exact only when the region dropped has no chance of
//! matching; a point with a small but real chance can be dropped.

use super::prior::Region;
use super::{HistoryMatching, Setup, Simulator, WaveStats};
use crate::error::{Error, Result};
use crate::rng;
use rand::seq::SliceRandom;
use rayon::prelude::*;

/// The quantile of a wave's distances that sets its tolerance (above the target).
pub const WAVE_QUANTILE: f64 = 0.05;

/// A point is kept when its upper 95% bound reaches this share of the best point's score.
pub const KEEP_SHARE: f64 = 0.01;

/// What the waves leave.
#[derive(Debug, Clone)]
pub struct Waves {
    /// The box ABC-SMC samples.
    pub region: Region,
    /// One record per wave.
    pub waves: Vec<WaveStats>,
    /// Trials simulated.
    pub trials: u64,
}

/// The upper end of the Wilson 95% interval of `k` successes in `n`.
pub fn wilson_upper(k: u64, n: u64) -> f64 {
    let (k, n) = (k as f64, n as f64);
    let z: f64 = 1.959_963_984_540_054;
    let p = k / n;
    let denom = 1.0 + z * z / n;
    let centre = p + z * z / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre + half) / denom).min(1.0)
}

/// Run the waves.
///
/// # Errors
/// The simulator's errors; [`Error::Usage`] for a wave of 0 points or trials, or more than
/// `2^40` trials in a wave.
pub fn run<S: Simulator + ?Sized>(
    sim: &S,
    setup: &Setup,
    hm: &HistoryMatching,
    progress: bool,
) -> Result<Waves> {
    if hm.points == 0 || hm.trials == 0 || hm.points.saturating_mul(hm.trials) >= 1 << 40 {
        return Err(Error::Usage(
            "history_matching: points and trials must be at least 1, and points x trials below 2^40".into(),
        ));
    }
    let d = setup.priors.len();
    let mut region = Region::of(&setup.priors);
    let mut waves = Vec::new();
    let mut trials = 0u64;
    // A cancel flag (the Python package's Ctrl-C), read by every worker of a wave.
    let cancel = crate::runs::run::cancel_flag();
    let interrupted = || {
        cancel
            .as_ref()
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
    };
    for w in 0..hm.waves {
        let stage = rng::STAGE_HISTORY + w;
        let n = hm.points as usize;
        let mut r = rng::calibration_rng(setup.seed, stage, 0);
        let mut columns: Vec<Vec<f64>> = Vec::with_capacity(d);
        for (lo, hi) in &region.bounds {
            let mut strata: Vec<usize> = (0..n).collect();
            strata.shuffle(&mut r);
            columns.push(
                strata
                    .into_iter()
                    .map(|s| lo + (hi - lo) * (s as f64 + rng::uniform(&mut r)) / n as f64)
                    .collect(),
            );
        }
        let points: Vec<Vec<f64>> = (0..n)
            .map(|i| columns.iter().map(|c| c[i]).collect())
            .collect();
        let distances: Vec<Vec<f64>> = points
            .par_iter()
            .enumerate()
            .map(|(i, z)| {
                let x: Vec<f64> = setup
                    .priors
                    .iter()
                    .zip(z)
                    .map(|(p, z)| p.value(*z))
                    .collect();
                if interrupted() {
                    return Err(Error::Refused("the calibration was interrupted".into()));
                }
                (0..hm.trials)
                    .map(|t| {
                        sim.distance(&x, rng::calibration_trial(stage, i as u64 * hm.trials + t))
                    })
                    .collect::<Result<Vec<f64>>>()
            })
            .collect::<Result<_>>()?;
        trials += hm.points * hm.trials;
        let mut all: Vec<f64> = distances.iter().flatten().copied().collect();
        all.sort_by(f64::total_cmp);
        let at = ((WAVE_QUANTILE * all.len() as f64).ceil() as usize).clamp(1, all.len()) - 1;
        let eps = all[at].max(setup.stop.tolerance);
        let hits: Vec<u64> = distances
            .iter()
            .map(|ds| ds.iter().filter(|x| **x <= eps).count() as u64)
            .collect();
        let best = hits.iter().copied().max().unwrap_or(0) as f64 / hm.trials as f64;
        let threshold = KEEP_SHARE * best;
        let kept: Vec<&Vec<f64>> = points
            .iter()
            .zip(&hits)
            .filter(|(_, k)| wilson_upper(**k, hm.trials) >= threshold)
            .map(|(p, _)| p)
            .collect();
        let bounds = region
            .bounds
            .iter()
            .enumerate()
            .map(|(k, (lo, hi))| {
                let step = (hi - lo) / n as f64;
                let a = kept.iter().map(|p| p[k]).fold(f64::INFINITY, f64::min);
                let b = kept.iter().map(|p| p[k]).fold(f64::NEG_INFINITY, f64::max);
                ((a - step).max(*lo), (b + step).min(*hi))
            })
            .collect();
        region = Region { bounds };
        let stats = WaveStats {
            wave: w,
            tolerance: eps,
            points: hm.points,
            kept: kept.len() as u64,
            threshold,
            region: setup
                .priors
                .iter()
                .zip(&region.bounds)
                .map(|(p, (a, b))| (p.from_z(*a), p.from_z(*b)))
                .collect(),
        };
        if progress {
            crate::note!(
                "negsim calibrate: history matching wave {w}: tolerance {}, kept {} of {} points, trials {trials}",
                super::distance::short(eps),
                stats.kept,
                stats.points
            );
        }
        waves.push(stats);
    }
    Ok(Waves {
        region,
        waves,
        trials,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_upper_bounds() {
        assert!((wilson_upper(0, 100) - 0.0370).abs() < 1e-3);
        assert!(wilson_upper(50, 100) > 0.5);
        assert_eq!(wilson_upper(100, 100), 1.0);
    }
}
