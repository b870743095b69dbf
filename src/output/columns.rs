//! The column layout shared by every file of a run: sweep parameters, phases, units, parties,
//! and the observables added to `trials.csv` by `--observe` (docs/MODEL.md 5.2).

use super::observe::Observable;
use crate::error::{Error, Result};
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
    /// Observables added by `--observe`, by canonical name, after the columns above in
    /// `trials.csv` (empty: the file of a run without `--observe`).
    pub observe: Vec<String>,
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
            observe: Vec::new(),
        }
    }

    /// This layout with the observables `names` (as `--observe` gives them) added: each
    /// parsed, kept under its canonical name, in the order given, leaving out those
    /// `trials.csv` already has and any named twice.
    ///
    /// # Errors
    /// [`Error::Usage`] from [`Observable::parse`] for an unknown name, prefixed `--observe`.
    pub fn observing(mut self, s: &Scenario, names: &[String]) -> Result<Self> {
        for n in names {
            let o = Observable::parse(n.trim(), s)
                .map_err(|e| Error::Usage(format!("--observe {n}: {e}")))?;
            let name = o.name(s);
            if !o.in_trials_csv() && !self.observe.contains(&name) {
                self.observe.push(name);
            }
        }
        Ok(self)
    }

    /// The observables of [`Columns::observe`], parsed against `s` (a point of the run), in
    /// column order.
    ///
    /// # Errors
    /// As [`Observable::parse`].
    pub fn observables(&self, s: &Scenario) -> Result<Vec<Observable>> {
        self.observe
            .iter()
            .map(|n| Observable::parse(n, s))
            .collect()
    }

    /// Fill phases, units, parties and observables from the `trials.csv` header columns that
    /// follow `actions_done`: `phase.<id>.done_day`..., `quantity.<unit>`...,
    /// `party.<id>.delays`..., then the `--observe` columns (`action.`, `quantity.` or `party.`
    /// names; the others are always among the fixed columns).
    ///
    /// # Errors
    /// The column that fits nowhere, as a message for the caller to place.
    pub fn read_header_tail<'h>(
        &mut self,
        cols: impl IntoIterator<Item = &'h str>,
    ) -> std::result::Result<(), String> {
        let mut stage = 0;
        for col in cols {
            let phase = col
                .strip_prefix("phase.")
                .and_then(|x| x.strip_suffix(".done_day"));
            let unit = col.strip_prefix("quantity.");
            let party = col
                .strip_prefix("party.")
                .and_then(|x| x.strip_suffix(".delays"));
            match (stage, phase, unit, party) {
                (0, Some(p), _, _) => self.phases.push(p.to_string()),
                (0..=1, None, Some(u), _) => {
                    stage = 1;
                    self.units.push(u.to_string());
                }
                (0..=2, None, _, Some(p)) => {
                    stage = 2;
                    self.parties.push(p.to_string());
                }
                _ if stage >= 2
                    && ["action.", "quantity.", "party."]
                        .iter()
                        .any(|p| col.starts_with(p)) =>
                {
                    stage = 3;
                    self.observe.push(col.to_string());
                }
                _ => return Err(format!("unexpected column `{col}`")),
            }
        }
        Ok(())
    }
}
