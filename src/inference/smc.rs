//! The ABC-SMC loop (docs/MODEL.md 6.4): a population of particles moved through decreasing
//! tolerances, each generation sampled from the last by an adaptive Gaussian kernel and
//! reweighted by importance sampling (Toni et al. 2009; Beaumont et al. 2009), the tolerances
//! chosen from the population itself (Del Moral, Doucet and Jasra 2012).
//!
//! Determinism: proposal `i` of generation `g` draws from [`rng::calibration_rng`] at
//! `(g + 1, i)` and simulates trial [`rng::calibration_trial`]`(g + 1, i)`. Proposals are
//! simulated in parallel in blocks of [`BLOCK`], then taken in index order; a generation
//! ends at exactly its `N`-th acceptance, so the thread count never shows in the result.

use super::kernel::{Kernel, weighted_covariance};
use super::prior::{Prior, Region};
use super::{GenerationStats, Mutation, Particle, Simulator, Stop, StopReason};
use crate::error::{Error, Result};
use crate::rng::{self, TrialRng};
use rayon::prelude::*;
use std::time::Instant;

/// Proposals simulated in parallel before they are taken in order.
pub const BLOCK: u64 = 256;

/// The weighted quantile of the accepted distances that sets the next tolerance.
pub const TOLERANCE_QUANTILE: f64 = 0.5;

/// The most generations (the calibration stream has stages for 2047).
pub const MAX_GENERATIONS: u64 = rng::STAGE_HISTORY - 1;

/// Perturbations outside the prior's support tried for one proposal before giving up.
pub const MAX_REDRAWS: u64 = 1_000_000;

/// What the loop needs besides the simulator.
#[derive(Debug, Clone)]
pub struct Settings<'a> {
    /// The calibration seed.
    pub seed: u64,
    /// Particles per generation.
    pub particles: usize,
    /// When to stop.
    pub stop: Stop,
    /// The priors (for the values a proposal is simulated at).
    pub priors: &'a [Prior],
    /// The prior's support in `z` (the history-matching region, when there was one).
    pub region: Region,
    /// A deliberate fault, for the tests only.
    pub mutation: Mutation,
    /// Trials already spent (history matching), counted against `stop.max_trials`.
    pub trials_before: u64,
    /// Print a line per generation on stderr.
    pub progress: bool,
}

/// The result of the loop.
#[derive(Debug, Clone)]
pub struct Smc {
    /// The last complete population.
    pub particles: Vec<Particle>,
    /// One record per complete generation.
    pub generations: Vec<GenerationStats>,
    /// Why it stopped.
    pub stop_reason: StopReason,
    /// Trials simulated in all, history matching included.
    pub trials: u64,
}

/// A simulated proposal: its `z`, its values, its outside-prior redraws, its distance.
type Simulated = (Vec<f64>, Vec<f64>, u64, f64);

/// How a generation ended.
enum Outcome {
    Complete(Vec<Particle>, u64, u64),
    Abandoned(StopReason),
}

/// Run ABC-SMC.
///
/// # Errors
/// The simulator's error for a proposal that it cannot simulate (a value the scenario
/// rejects), named with its values; [`Error::Usage`] when the kernel keeps leaving the prior.
pub fn run<S: Simulator + ?Sized>(sim: &S, st: &Settings) -> Result<Smc> {
    let n = st.particles;
    let d = st.priors.len();
    let widths = st.region.widths();
    let started = Instant::now();
    let mut trials = st.trials_before;
    let mut generations: Vec<GenerationStats> = Vec::new();
    // Generation 0: the prior (or the region history matching kept), every proposal accepted.
    let region = st.region.clone();
    let first = generation(sim, st, 0, f64::INFINITY, &mut trials, |r| {
        let u: Vec<f64> = (0..d).map(|_| rng::uniform(r)).collect();
        Ok((region.at(&u), 0))
    })?;
    let mut pop = match first {
        Outcome::Complete(mut p, proposals, outside) => {
            let w = 1.0 / n as f64;
            p.iter_mut().for_each(|q| q.weight = w);
            generations.push(stats(0, f64::INFINITY, &p, proposals, outside, trials));
            p
        }
        Outcome::Abandoned(reason) => {
            return Err(Error::Usage(format!(
                "the calibration stopped ({}) before its first generation of {n} particles was complete; raise stop.max_trials",
                reason.as_str()
            )));
        }
    };
    report(st, generations.last(), started);
    let mut eps = next_tolerance(&pop, f64::INFINITY, st.stop.tolerance);
    let stop_reason = loop {
        let g = generations.len() as u64;
        if g > MAX_GENERATIONS {
            break StopReason::MaxGenerations;
        }
        let z: Vec<Vec<f64>> = pop.iter().map(|p| p.z.clone()).collect();
        let w: Vec<f64> = pop.iter().map(|p| p.weight).collect();
        let (_, cov) = weighted_covariance(&z, &w, d);
        let kernel = Kernel::new(&cov, 2.0, &widths);
        let proposal_kernel = match st.mutation {
            Mutation::NarrowKernel => kernel.scaled(1e-4),
            _ => kernel.clone(),
        };
        let cumulative: Vec<f64> = w
            .iter()
            .scan(0.0, |acc, x| {
                *acc += x;
                Some(*acc)
            })
            .collect();
        let total = cumulative.last().copied().unwrap_or(1.0);
        let region = &st.region;
        let outcome = generation(sim, st, g, eps, &mut trials, |r| {
            let mut outside = 0;
            loop {
                let u = rng::uniform(r) * total;
                let j = cumulative.partition_point(|c| *c <= u).min(n - 1);
                let cand = proposal_kernel.perturb(&z[j], r);
                if region.contains(&cand) {
                    return Ok((cand, outside));
                }
                outside += 1;
                if outside >= MAX_REDRAWS {
                    return Err(Error::Usage(format!(
                        "generation {g}: {MAX_REDRAWS} perturbations in a row fell outside the prior's support; the posterior is against an edge of the prior: widen the prior"
                    )));
                }
            }
        })?;
        match outcome {
            Outcome::Complete(mut next, proposals, outside) => {
                weigh(&mut next, &z, &w, &kernel, st.mutation)?;
                generations.push(stats(g, eps, &next, proposals, outside, trials));
                report(st, generations.last(), started);
                pop = next;
                if eps <= st.stop.tolerance {
                    break StopReason::Tolerance;
                }
                eps = next_tolerance(&pop, eps, st.stop.tolerance);
            }
            Outcome::Abandoned(reason) => break reason,
        }
    };
    Ok(Smc {
        particles: pop,
        generations,
        stop_reason,
        trials,
    })
}

/// Run one generation at tolerance `eps`: proposals from `propose` (a point in `z` and how
/// many draws it redrew outside the prior), simulated in blocks, accepted in index order.
fn generation<S: Simulator + ?Sized>(
    sim: &S,
    st: &Settings,
    g: u64,
    eps: f64,
    trials: &mut u64,
    propose: impl Fn(&mut TrialRng) -> Result<(Vec<f64>, u64)> + Sync,
) -> Result<Outcome> {
    let n = st.particles;
    let stage = g + 1;
    // Generation 0 accepts every proposal; later ones give up once the acceptance rate can no
    // longer reach the minimum.
    let most = if g == 0 {
        u64::MAX
    } else {
        (n as f64 / st.stop.min_acceptance)
            .ceil()
            .min(u64::MAX as f64) as u64
    };
    let mut accepted: Vec<Particle> = Vec::with_capacity(n);
    let (mut proposals, mut outside) = (0u64, 0u64);
    let mut next = 0u64;
    loop {
        if crate::runs::run::cancelled() {
            return Err(Error::Refused("the calibration was interrupted".into()));
        }
        let block: Vec<Result<Simulated>> = (next..next + BLOCK)
            .into_par_iter()
            .map(|i| {
                let mut r = rng::calibration_rng(st.seed, stage, i);
                let (z, out) = propose(&mut r)?;
                let x: Vec<f64> = st.priors.iter().zip(&z).map(|(p, z)| p.value(*z)).collect();
                let dist = sim.distance(&x, rng::calibration_trial(stage, i))?;
                Ok((z, x, out, dist))
            })
            .collect();
        for item in block {
            if *trials >= st.stop.max_trials {
                return Ok(Outcome::Abandoned(StopReason::MaxTrials));
            }
            let (z, x, out, dist) = item?;
            proposals += 1;
            *trials += 1;
            outside += out;
            if dist <= eps {
                accepted.push(Particle {
                    z,
                    values: x,
                    distance: dist,
                    weight: 0.0,
                });
                if accepted.len() == n {
                    return Ok(Outcome::Complete(accepted, proposals, outside));
                }
            }
            if proposals >= most {
                return Ok(Outcome::Abandoned(StopReason::MinAcceptance));
            }
        }
        next += BLOCK;
    }
}

/// Importance weights `prior(z) / sum_j w_j K(z | z_j)`; the prior is uniform on the support
/// (in `z`), so only the denominator varies. Computed in logs (log-sum-exp) and normalised.
///
/// # Errors
/// [`Error::Refused`] when the calibration is cancelled meanwhile (each particle's sum is
/// over the whole previous population, so a large one takes a while).
fn weigh(
    next: &mut [Particle],
    z: &[Vec<f64>],
    w: &[f64],
    kernel: &Kernel,
    mutation: Mutation,
) -> Result<()> {
    let n = next.len();
    if mutation == Mutation::NoKernelCorrection {
        next.iter_mut().for_each(|p| p.weight = 1.0 / n as f64);
        return Ok(());
    }
    let cancel = crate::runs::run::cancel_flag();
    let interrupted = || {
        cancel
            .as_ref()
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
    };
    let log_w: Vec<f64> = w.iter().map(|x| x.ln()).collect();
    let log_q: Vec<f64> = next
        .par_iter()
        .map(|p| {
            if interrupted() {
                return f64::NAN;
            }
            let terms: Vec<f64> = z
                .iter()
                .zip(&log_w)
                .map(|(c, lw)| lw + kernel.log_density(&p.z, c))
                .collect();
            let m = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            m + terms.iter().map(|t| (t - m).exp()).sum::<f64>().ln()
        })
        .collect();
    let top = log_q.iter().map(|q| -q).fold(f64::NEG_INFINITY, f64::max);
    let raw: Vec<f64> = log_q.iter().map(|q| (-q - top).exp()).collect();
    let sum: f64 = raw.iter().sum();
    if interrupted() {
        return Err(Error::Refused("the calibration was interrupted".into()));
    }
    for (p, r) in next.iter_mut().zip(raw) {
        p.weight = r / sum;
    }
    Ok(())
}

/// The next tolerance: the weighted [`TOLERANCE_QUANTILE`] of the population's distances,
/// floored at the target; when that does not fall below the current tolerance (many equal
/// distances), the largest distance below it; when there is none, the target.
pub fn next_tolerance(pop: &[Particle], current: f64, target: f64) -> f64 {
    let mut dw: Vec<(f64, f64)> = pop.iter().map(|p| (p.distance, p.weight)).collect();
    dw.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = dw.iter().map(|x| x.1).sum();
    let mut acc = 0.0;
    let mut q = dw.last().map_or(target, |x| x.0);
    for (dist, w) in &dw {
        acc += w;
        if acc >= TOLERANCE_QUANTILE * total {
            q = *dist;
            break;
        }
    }
    let mut eps = q.max(target);
    if eps >= current {
        eps = dw
            .iter()
            .rev()
            .map(|x| x.0)
            .find(|dist| *dist < current)
            .unwrap_or(target)
            .max(target);
    }
    eps
}

fn stats(
    g: u64,
    eps: f64,
    pop: &[Particle],
    proposals: u64,
    outside: u64,
    trials: u64,
) -> GenerationStats {
    let ess = 1.0 / pop.iter().map(|p| p.weight * p.weight).sum::<f64>();
    GenerationStats {
        generation: g,
        tolerance: eps,
        proposals,
        accepted: pop.len() as u64,
        acceptance: pop.len() as f64 / proposals.max(1) as f64,
        ess,
        trials,
        outside_prior: outside,
    }
}

fn report(st: &Settings, g: Option<&GenerationStats>, started: Instant) {
    if let (true, Some(g)) = (st.progress, g) {
        crate::note!(
            "negsim calibrate: generation {}: tolerance {}, proposals {}, acceptance {:.4}, ESS {:.1}, trials {}, {:.1} s",
            g.generation,
            super::distance::short(g.tolerance),
            g.proposals,
            g.acceptance,
            g.ess,
            g.trials,
            started.elapsed().as_secs_f64()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{HistoryMatching, Prior, PriorKind, Setup, run_abc, with_threads};
    use super::*;
    use crate::scenario::ParamPath;

    fn setup(hm: Option<HistoryMatching>) -> Setup {
        Setup {
            seed: 4,
            particles: 200,
            stop: Stop {
                tolerance: 0.0,
                min_acceptance: 1e-3,
                max_trials: 2_000_000,
            },
            history_matching: hm,
            priors: vec![Prior {
                path: ParamPath::parse("party.A.compliance").unwrap(),
                kind: PriorKind::Uniform,
                lo: 0.0,
                hi: 1.0,
                whole: false,
            }],
            mutation: Mutation::None,
        }
    }

    /// A toy simulator: a Bernoulli(p) count out of 10, observed 3: the exact posterior is
    /// Beta(4, 8), mean 1/3.
    fn binomial(values: &[f64], trial: u64) -> Result<f64> {
        let mut r = rng::trial_rng(99, trial);
        let k = (0..10).filter(|_| rng::uniform(&mut r) < values[0]).count();
        Ok((k as f64 - 3.0).abs())
    }

    #[test]
    fn toy_binomial_posterior_and_thread_independence() {
        let s = setup(None);
        let one = with_threads(Some(1), || run_abc(&binomial, &s, false)).unwrap();
        let two = with_threads(Some(2), || run_abc(&binomial, &s, false)).unwrap();
        assert_eq!(one.particles, two.particles);
        assert_eq!(one.generations, two.generations);
        assert_eq!(one.stop_reason, StopReason::Tolerance);
        let ess = 1.0
            / one
                .particles
                .iter()
                .map(|p| p.weight * p.weight)
                .sum::<f64>();
        let sd = (4.0f64 * 8.0 / (144.0 * 13.0)).sqrt();
        assert!(
            (one.mean(0) - 1.0 / 3.0).abs() < 4.0 * sd / ess.sqrt(),
            "{}",
            one.mean(0)
        );
    }

    #[test]
    fn history_matching_keeps_the_plausible_region() {
        let hm = HistoryMatching {
            points: 20,
            trials: 2000,
            waves: 2,
        };
        let post = run_abc(&binomial, &setup(Some(hm)), false).unwrap();
        assert_eq!(post.waves.len(), 2);
        let (lo, hi) = post.waves[1].region[0];
        assert!(
            lo < 0.15 && hi > 0.55 && (lo > 0.0 || hi < 1.0),
            "{lo} {hi}"
        );
        assert!(
            post.particles
                .iter()
                .all(|p| p.values[0] >= lo && p.values[0] <= hi)
        );
        assert_eq!(post.generations[0].trials, 20 * 2000 * 2 + 200);
    }

    #[test]
    fn budget_and_acceptance_stops_keep_the_last_complete_generation() {
        let mut s = setup(None);
        s.stop.max_trials = 500;
        let post = run_abc(&binomial, &s, false).unwrap();
        assert_eq!(post.stop_reason, StopReason::MaxTrials);
        assert!(post.trials <= 500);
        s.stop.max_trials = 100;
        assert!(run_abc(&binomial, &s, false).is_err());
        let mut s = setup(None);
        s.stop.min_acceptance = 0.9;
        let post = run_abc(&binomial, &s, false).unwrap();
        assert_eq!(post.stop_reason, StopReason::MinAcceptance);
    }

    #[test]
    fn next_tolerance_moves_down_or_to_the_target() {
        let pop = |d: &[f64]| -> Vec<Particle> {
            d.iter()
                .map(|x| Particle {
                    z: vec![0.0],
                    values: vec![0.0],
                    distance: *x,
                    weight: 1.0 / d.len() as f64,
                })
                .collect()
        };
        assert_eq!(next_tolerance(&pop(&[1.0, 2.0, 3.0, 4.0]), 5.0, 0.0), 2.0);
        assert_eq!(next_tolerance(&pop(&[2.0, 2.0, 2.0, 1.0]), 2.0, 0.0), 1.0);
        assert_eq!(next_tolerance(&pop(&[2.0, 2.0]), 2.0, 0.5), 0.5);
        assert_eq!(next_tolerance(&pop(&[0.1, 0.2]), 5.0, 0.5), 0.5);
    }
}
