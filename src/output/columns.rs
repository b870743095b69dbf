//! The column layout shared by every file of a run: sweep parameters, phases, units, parties.

use crate::model::Scenario;

/// Names that fix the columns of a run's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// Varied parameters, by path, in `--vary` order.
    pub params: Vec<String>,
    /// Phase ids.
    pub phases: Vec<String>,
    /// Units.
    pub units: Vec<String>,
    /// Party ids.
    pub parties: Vec<String>,
    /// Action ids.
    pub actions: Vec<String>,
}

impl Columns {
    /// The layout of a scenario swept over `params`.
    pub fn new(s: &Scenario, params: &[String]) -> Self {
        Columns {
            params: params.to_vec(),
            phases: s.phases.iter().map(|p| p.id.clone()).collect(),
            units: s.units.clone(),
            parties: s.parties.iter().map(|p| p.id.clone()).collect(),
            actions: s.actions.iter().map(|a| a.id.clone()).collect(),
        }
    }
}
