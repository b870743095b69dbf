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
use crate::scenario::{Document, Override, ParamPath};

/// A calibration's scenario and record, as a [`Simulator`].
#[derive(Debug, Clone)]
pub struct ScenarioSimulator {
    doc: Document,
    paths: Vec<ParamPath>,
    targets: Vec<Target>,
    master: TrialRng,
}

impl ScenarioSimulator {
    /// The simulator of a calibration.
    ///
    /// # Errors
    /// None today; kept fallible for the compiled-point builder.
    pub fn new(c: &Calibration) -> Result<Self> {
        Ok(ScenarioSimulator {
            doc: c.doc.clone(),
            paths: c.setup.priors.iter().map(|p| p.path.clone()).collect(),
            targets: c.targets.clone(),
            master: rng::master(c.setup.seed),
        })
    }

    /// The scenario at `values` (in prior order, already rounded where whole).
    ///
    /// # Errors
    /// The scenario's error for a value its rules reject.
    pub fn point(&self, values: &[f64]) -> Result<Scenario> {
        let overrides: Vec<Override> = self
            .paths
            .iter()
            .zip(values)
            .map(|(p, v)| Override {
                path: p.clone(),
                value: *v,
            })
            .collect();
        self.doc.compile_with(&overrides)
    }

    /// Run trial `trial` at `values` and return its result with the scenario it ran.
    ///
    /// # Errors
    /// As [`ScenarioSimulator::point`].
    pub fn trial(&self, values: &[f64], trial: u64) -> Result<(Scenario, TrialResult)> {
        let s = self.point(values)?;
        let mut r = TrialResult::new(&s);
        Trial::new(&s).run(&self.master, trial, &mut r);
        Ok((s, r))
    }
}

impl Simulator for ScenarioSimulator {
    fn distance(&self, values: &[f64], trial: u64) -> Result<f64> {
        let (s, r) = self.trial(values, trial)?;
        Ok(distance(&self.targets, &s, &r))
    }
}
