//! The simulator a calibration runs: the scenario at a particle's values, one trial on a given
//! stream, and that trial's distance to the record (docs/MODEL.md 6.3).
//!
//! [`ScenarioSimulator::point`] is the one place a particle's values become a scenario.

use super::distance::{Target, distance};
use super::{Calibration, Simulator};
use crate::engine::{Trial, TrialResult};
use crate::error::Result;
use crate::model::Scenario;
use crate::rng::{self, TrialRng};
use crate::runs::points::PointBuilder;
use crate::scenario::ParamPath;
use std::sync::Arc;

/// A calibration's scenario and record, as a [`Simulator`].
#[derive(Debug, Clone)]
pub struct ScenarioSimulator {
    builder: PointBuilder,
    targets: Vec<Target>,
    master: TrialRng,
    /// Whether a target reads the per-action records (else the engine skips them).
    records: bool,
}

impl ScenarioSimulator {
    /// The simulator of a calibration.
    ///
    /// # Errors
    /// As [`PointBuilder::new`] (a path that names no field).
    pub fn new(c: &Calibration) -> Result<Self> {
        let paths: Vec<ParamPath> = c.setup.priors.iter().map(|p| p.path.clone()).collect();
        Ok(ScenarioSimulator {
            builder: PointBuilder::new(&c.doc, &paths)?,
            targets: c.targets.clone(),
            master: rng::master(c.setup.seed),
            records: c
                .targets
                .iter()
                .any(|t| t.observable.reads_action_records()),
        })
    }

    /// The scenario at `values` (in prior order, already rounded where whole).
    ///
    /// # Errors
    /// The scenario's error for a value its rules reject.
    /// A cheap point ([`PointBuilder::at`]): the compiled base patched where that is exact.
    pub fn point(&self, values: &[f64]) -> Result<Scenario> {
        Ok(self.builder.at(values)?.scenario)
    }

    /// Run trial `trial` at `values` and return its result with the scenario it ran (its
    /// per-action records only when a target reads them).
    ///
    /// # Errors
    /// As [`ScenarioSimulator::point`].
    pub fn trial(&self, values: &[f64], trial: u64) -> Result<(Scenario, TrialResult)> {
        let point = self.builder.at(values)?;
        let plan = self.builder.engine_plan(&point);
        let s = point.scenario;
        let mut r = TrialResult::new(&s);
        let mut t = Trial::with_plan(&s, Arc::clone(&plan));
        t.keep_action_records(self.records);
        t.run(&self.master, trial, &mut r);
        Ok((s, r))
    }
}

impl Simulator for ScenarioSimulator {
    fn distance(&self, values: &[f64], trial: u64) -> Result<f64> {
        let (s, r) = self.trial(values, trial)?;
        let d = distance(&self.targets, &s, &r);
        // The next proposal reuses the scenario rather than copying the base again.
        self.builder.recycle(s);
        Ok(d)
    }
}
