//! The posterior predictive run (docs/MODEL.md 6.8): `predictive_trials` points drawn from the
//! final population by weight, one trial each, written by the ordinary runner
//! ([`crate::runs::run::execute`]) as a normal run folder `predictive/` whose sweep columns are
//! the prior paths.
//!
//! Draw `i` picks a particle with the uniform of [`rng::calibration_rng`]`(seed, 4095, i)`
//! against the cumulative weights, and its one trial draws from its own stream
//! [`rng::calibration_trial`]`(4095, i)`, not trial 0 of every point: common random numbers
//! would make the draws of a predictive distribution dependent. (So re-running `points.csv`
//! with `negsim run --design file:` gives other trials: the points, not the streams, carry
//! over.)

use super::{Calibration, Posterior};
use crate::error::{Error, Result};
use crate::output::manifest::{
    FileInfo, Manifest, OutputInfo, ParameterInfo, ScenarioInfo, SweepInfo, now, sha256_hex,
};
use crate::output::{Columns, RunDir};
use crate::rng;
use crate::runs::points::PointBuilder;
use crate::runs::run::{Plan, Point, Points, RunStats, execute};
use crate::scenario::ParamPath;

/// The posterior draws of a predictive run, as the runner's points.
pub struct Draws {
    builder: PointBuilder,
    /// Per draw, the index of the particle drawn.
    pub picks: Vec<usize>,
    values: Vec<Vec<f64>>,
}

impl Draws {
    /// Draw `n` particles of `post` by weight.
    ///
    /// # Errors
    /// As [`PointBuilder::new`].
    pub fn new(c: &Calibration, post: &Posterior, n: u64) -> Result<Self> {
        let paths: Vec<ParamPath> = c.setup.priors.iter().map(|p| p.path.clone()).collect();
        let cumulative: Vec<f64> = post
            .particles
            .iter()
            .scan(0.0, |a, p| {
                *a += p.weight;
                Some(*a)
            })
            .collect();
        let total = cumulative.last().copied().unwrap_or(0.0);
        let last = post.particles.len().saturating_sub(1);
        let picks: Vec<usize> = (0..n)
            .map(|i| {
                let u = rng::uniform(&mut rng::calibration_rng(
                    c.setup.seed,
                    rng::STAGE_PREDICTIVE,
                    i,
                )) * total;
                cumulative.partition_point(|x| *x <= u).min(last)
            })
            .collect();
        let values = picks
            .iter()
            .map(|&j| post.particles[j].values.clone())
            .collect();
        Ok(Draws {
            builder: PointBuilder::new(&c.doc, &paths)?,
            picks,
            values,
        })
    }
}

impl Points for Draws {
    fn count(&self) -> u64 {
        self.values.len() as u64
    }
    fn point(&self, index: u64) -> Result<Point> {
        let v = usize::try_from(index)
            .ok()
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| Error::Usage(format!("no predictive draw {index}")))?;
        self.builder.point(index, v)
    }
    fn trial_stream(&self, index: u64, _trial: u64) -> u64 {
        rng::calibration_trial(rng::STAGE_PREDICTIVE, index)
    }
    fn engine_plan(&self, point: &Point) -> std::sync::Arc<crate::engine::plan::Plan> {
        self.builder.engine_plan(point)
    }
    fn recycle(&self, point: Point) {
        self.builder.recycle(point.scenario);
    }
}

/// Run the predictive draws into `dir` (a prepared run folder) and write its manifest.
///
/// # Errors
/// [`Error::Io`]; the error of a draw that does not compile.
pub fn run(c: &Calibration, post: &Posterior, dir: &RunDir, threads: usize) -> Result<RunStats> {
    let started_at = now();
    let draws = Draws::new(c, post, c.predictive_trials)?;
    // Every observed observable is a trials.csv column (those trials.csv already has are not
    // repeated), so the predictive distribution of each fact needs no actions.csv.
    let names: Vec<String> = c
        .targets
        .iter()
        .map(|t| t.observable.name(&c.scenario))
        .collect();
    let columns = Columns::new(&c.scenario, &post.paths).observing(&c.scenario, &names)?;
    let stats = execute(
        &Plan {
            points: &draws,
            columns: &columns,
            seed: c.setup.seed,
            trials: 1,
            actions: false,
            precision: &[],
            precision_batch: 1,
            pairs: None,
            progress: false,
        },
        dir,
    )?;
    let s = &c.scenario;
    let overlays: Vec<FileInfo> = c
        .overlays
        .iter()
        .map(|(p, h)| FileInfo {
            file: p.display().to_string(),
            sha256: h.clone(),
        })
        .collect();
    let run_id = sha256_hex(
        format!(
            "negsim {} calibration {} predictive {} seed {}",
            env!("CARGO_PKG_VERSION"),
            c.sha256,
            c.predictive_trials,
            c.setup.seed
        )
        .as_bytes(),
    );
    let manifest = Manifest {
        negsim_version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: std::env::args().collect(),
        run_id,
        scenario: ScenarioInfo {
            name: s.name.clone(),
            title: s.title.clone(),
            source: s.source.clone(),
            file: c.scenario_file.display().to_string(),
            sha256: c.scenario_sha256.clone(),
            overlays,
        },
        seed: c.setup.seed,
        trials: 1,
        sweep: SweepInfo {
            design: "posterior".into(),
            parameters: post
                .paths
                .iter()
                .map(|p| ParameterInfo {
                    path: p.clone(),
                    spec: "posterior".into(),
                })
                .collect(),
            points: c.predictive_trials,
            design_seed: Some(c.setup.seed),
            design_file: None,
            study: None,
        },
        observe: columns.observe.clone(),
        precision: None,
        shard: None,
        merged_from: vec![],
        outputs: stats
            .rows
            .iter()
            .map(|(f, r)| dir.output(f, *r))
            .chain(std::iter::once(OutputInfo {
                file: "manifest.json".into(),
                rows: 1,
                sha256: String::new(),
            }))
            .collect(),
        threads,
        started_at,
        finished_at: now(),
    };
    crate::runs::shard::write_manifest(dir, &manifest)?;
    Ok(stats)
}
