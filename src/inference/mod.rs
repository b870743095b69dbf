//! Calibration: the posterior of chosen parameters given one observed history, by
//! likelihood-free inference (docs/MODEL.md 6, `negsim calibrate`).
//!
//! The parts a reader names, one file each (after pyabc's layout):
//!
//! | module | what it is |
//! |---|---|
//! | [`file`](mod@file) | the calibration file: `[calibration]`, `[[observe]]`, `[[prior]]`, validated into a [`Calibration`] |
//! | [`prior`] | uniform and log-uniform priors, the sampler's coordinate, regions |
//! | [`distance`] | a trial against the record: scaled terms, censoring, their maximum |
//! | [`kernel`] | the adaptive Gaussian perturbation kernel |
//! | [`smc`] | the ABC-SMC loop: generations, tolerances, weights, stopping |
//! | [`history`] | the optional history-matching waves that shrink the prior's box first |
//! | [`simulate`] | the simulator: a scenario at a particle's values, one trial, its distance |
//! | [`write`](mod@write) | the calibration folder: `posterior.csv`, `generations.csv`, `manifest.json` |
//! | [`predictive`] | the posterior predictive run, a normal run folder `predictive/` |
//! | [`record`] | the record files: `observed.csv` (the facts) and `priors.csv` (the priors) |
//!
//! [`calibrate`] is the whole computation in memory (what the Python package wraps);
//! [`write::write`] puts a [`Posterior`] into a folder. [`run_abc`] runs the same algorithm
//! over any [`Simulator`], which is how the tests check it on toy models.

pub mod distance;
pub mod file;
pub mod history;
pub mod kernel;
pub mod predictive;
pub mod prior;
pub mod record;
pub mod simulate;
pub mod smc;
pub mod write;

pub use file::Calibration;
pub use prior::{Prior, PriorKind, Region};

use crate::error::{Error, Result};

/// Something that simulates one trial at given parameter values and measures its distance to
/// the record. `values` are in prior order, as the scenario is given them (whole days rounded);
/// `trial` is the trial stream to draw from.
pub trait Simulator: Sync {
    /// The distance of trial `trial` at `values`.
    ///
    /// # Errors
    /// When the values cannot be simulated (a scenario rule rejects them).
    fn distance(&self, values: &[f64], trial: u64) -> Result<f64>;
}

impl<F: Fn(&[f64], u64) -> Result<f64> + Sync> Simulator for F {
    fn distance(&self, values: &[f64], trial: u64) -> Result<f64> {
        self(values, trial)
    }
}

/// `stop = { tolerance, min_acceptance, max_trials }` (docs/MODEL.md 6.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    /// Stop after the generation run at this tolerance (default 0).
    pub tolerance: f64,
    /// Give up a generation once its acceptance rate can no longer reach this (default 1e-3).
    pub min_acceptance: f64,
    /// Simulate at most this many trials in all (default 50,000,000).
    pub max_trials: u64,
}

impl Default for Stop {
    fn default() -> Self {
        Stop {
            tolerance: 0.0,
            min_acceptance: 1e-3,
            max_trials: 50_000_000,
        }
    }
}

/// `history_matching = { points, trials, waves }` (docs/MODEL.md 6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryMatching {
    /// Points of each wave's Latin hypercube.
    pub points: u64,
    /// Trials per point.
    pub trials: u64,
    /// Waves.
    pub waves: u64,
}

/// Why a calibration stopped (the manifest's `stop_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// A generation was completed at the target tolerance.
    Tolerance,
    /// A generation's acceptance fell below `min_acceptance`: it was abandoned.
    MinAcceptance,
    /// The trial budget ran out in a generation: it was abandoned.
    MaxTrials,
    /// The most generations the calibration stream has room for.
    MaxGenerations,
}

impl StopReason {
    /// The word written in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Tolerance => "tolerance",
            StopReason::MinAcceptance => "min_acceptance",
            StopReason::MaxTrials => "max_trials",
            StopReason::MaxGenerations => "max_generations",
        }
    }
}

/// A deliberate fault, for the tests that show the validation can fail (never in a file).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mutation {
    /// The algorithm as documented.
    #[default]
    None,
    /// Weights left equal: no `1 / sum_j w_j K(theta | theta_j)` correction.
    NoKernelCorrection,
    /// Perturbations with 1e-4 of the kernel's covariance (a hundredth of its spread), weighed
    /// as if with the full one.
    NarrowKernel,
}

/// One particle.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    /// The sampler's coordinate (see [`prior`]).
    pub z: Vec<f64>,
    /// The values the scenario ran with, in prior order.
    pub values: Vec<f64>,
    /// Its trial's distance to the record.
    pub distance: f64,
    /// Its normalised importance weight.
    pub weight: f64,
}

/// One generation, as `generations.csv` has it.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationStats {
    /// From 0.
    pub generation: u64,
    /// Its tolerance (infinite for generation 0).
    pub tolerance: f64,
    /// Proposals simulated.
    pub proposals: u64,
    /// Particles accepted.
    pub accepted: u64,
    /// `accepted / proposals`.
    pub acceptance: f64,
    /// Effective sample size `1 / sum w^2`.
    pub ess: f64,
    /// Trials simulated so far, in all.
    pub trials: u64,
    /// Perturbations that fell outside the prior's support and were redrawn.
    pub outside_prior: u64,
}

/// One history-matching wave, as `history.csv` has it.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveStats {
    /// From 0.
    pub wave: u64,
    /// The wave's tolerance.
    pub tolerance: f64,
    /// Points scored.
    pub points: u64,
    /// Points kept.
    pub kept: u64,
    /// The threshold the upper 95% bound of a point's match chance had to reach.
    pub threshold: f64,
    /// The region kept after the wave, in natural units, per prior.
    pub region: Vec<(f64, f64)>,
}

/// What the algorithm needs besides the scenario: seed, sizes, stopping, priors.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// Seed of every draw and trial.
    pub seed: u64,
    /// Particles per generation.
    pub particles: usize,
    /// When to stop.
    pub stop: Stop,
    /// The optional pre-stage.
    pub history_matching: Option<HistoryMatching>,
    /// The priors.
    pub priors: Vec<Prior>,
    /// A deliberate fault (tests only).
    #[doc(hidden)]
    pub mutation: Mutation,
}

/// The result of a calibration, in memory.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// The prior paths, in order (the columns of `posterior.csv`).
    pub paths: Vec<String>,
    /// The final population.
    pub particles: Vec<Particle>,
    /// Every complete generation.
    pub generations: Vec<GenerationStats>,
    /// Every history-matching wave.
    pub waves: Vec<WaveStats>,
    /// Why it stopped.
    pub stop_reason: StopReason,
    /// Trials simulated in all.
    pub trials: u64,
}

impl Posterior {
    /// The weighted mean of parameter `k`.
    pub fn mean(&self, k: usize) -> f64 {
        self.particles.iter().map(|p| p.weight * p.values[k]).sum()
    }

    /// The weighted `q`-quantile of parameter `k` (the smallest value whose cumulative weight
    /// reaches `q`).
    pub fn quantile(&self, k: usize, q: f64) -> f64 {
        let mut v: Vec<(f64, f64)> = self
            .particles
            .iter()
            .map(|p| (p.values[k], p.weight))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut acc = 0.0;
        for (x, w) in &v {
            acc += w;
            if acc >= q {
                return *x;
            }
        }
        v.last().map_or(f64::NAN, |x| x.0)
    }
}

/// Run the calibration over any simulator: history matching (when set up), then ABC-SMC.
///
/// # Errors
/// The simulator's errors; [`Error::Usage`] when the budget cannot cover the first
/// generation.
pub fn run_abc<S: Simulator + ?Sized>(sim: &S, setup: &Setup, progress: bool) -> Result<Posterior> {
    let mut region = Region::of(&setup.priors);
    let mut waves = Vec::new();
    let mut trials = 0;
    if let Some(hm) = setup.history_matching {
        let out = history::run(sim, setup, &hm, progress)?;
        region = out.region;
        waves = out.waves;
        trials = out.trials;
    }
    let smc = smc::run(
        sim,
        &smc::Settings {
            seed: setup.seed,
            particles: setup.particles,
            stop: setup.stop,
            priors: &setup.priors,
            region,
            mutation: setup.mutation,
            trials_before: trials,
            progress,
        },
    )?;
    Ok(Posterior {
        paths: setup.priors.iter().map(|p| p.path.to_string()).collect(),
        particles: smc.particles,
        generations: smc.generations,
        waves,
        stop_reason: smc.stop_reason,
        trials: smc.trials,
    })
}

/// Calibrate a scenario to the record a calibration file gives, in memory, on `threads`
/// worker threads (every core when `None`); `progress` prints a line per generation on
/// stderr. The same file and seed give the same posterior whatever the threads.
///
/// # Errors
/// [`Error::Usage`] for a thread count of 0 or above 1024, or a budget too small; the error of
/// a proposal the scenario rejects.
pub fn calibrate(
    config: &Calibration,
    threads: Option<usize>,
    progress: bool,
) -> Result<Posterior> {
    let sim = simulate::ScenarioSimulator::new(config)?;
    // A cancel flag set on this thread (the Python package's Ctrl-C) follows the work onto
    // the pool's thread, where the generations check it between blocks of proposals.
    let flag = crate::runs::run::cancel_flag();
    with_threads(threads, || match &flag {
        Some(f) => crate::runs::run::cancellable(f, || run_abc(&sim, &config.setup, progress)),
        None => run_abc(&sim, &config.setup, progress),
    })
}

/// Run `f` on a pool of `threads` workers (the global pool when `None`).
///
/// # Errors
/// [`Error::Usage`] for 0 threads or more than [`crate::runs::run::MAX_THREADS`].
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    match threads {
        None => f(),
        Some(t) if t == 0 || t > crate::runs::run::MAX_THREADS => Err(Error::Usage(format!(
            "--threads {t}: give 1 to {}",
            crate::runs::run::MAX_THREADS
        ))),
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .map_err(|e| Error::Usage(format!("--threads {t}: {e}")))?
            .install(f),
    }
}
