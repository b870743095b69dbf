//! The points a Python run or evaluation visits: the scenario with its `set` values, then
//! each point's sweep values (a grid from `vary`, or the rows of a design table, whole-day
//! fields rounded to the nearest day, halves away from zero, docs/MODEL.md 5.3).

use crate::error::IntoPy;
use crate::scenario::Scenario;
use negsim::error::{Error, Result};
use negsim::runs::points::PointBuilder;
use negsim::runs::run::{Point, Points};
use negsim::runs::sweep::{Design, Space, Vary, space};
use negsim::scenario::ParamPath;
use pyo3::PyResult;

/// A scenario's points.
pub struct ScenarioPoints<'s> {
    /// The scenario.
    pub scenario: &'s Scenario,
    /// The sweep paths, in column order.
    pub paths: Vec<ParamPath>,
    /// Their values at every point.
    pub space: Space,
    /// How the points were chosen, for the manifest: `grid` or `table`.
    pub design: &'static str,
    /// `--vary` specs as given (a grid), for the manifest.
    pub specs: Vec<String>,
    /// Builds each point cheaply: the `set` paths, then the sweep paths.
    builder: PointBuilder,
}

/// The builder for the scenario's `set` paths followed by `paths`.
fn builder(scenario: &Scenario, paths: &[ParamPath]) -> PyResult<PointBuilder> {
    let mut all: Vec<ParamPath> = scenario.set.iter().map(|o| o.path.clone()).collect();
    all.extend_from_slice(paths);
    PointBuilder::new(&scenario.doc, &all).py()
}

impl<'s> ScenarioPoints<'s> {
    /// One point, the scenario itself.
    ///
    /// # Errors
    /// `ValueError` when a `set` path names nothing (checked at load, so never).
    pub fn single(scenario: &'s Scenario) -> PyResult<Self> {
        Ok(ScenarioPoints {
            builder: builder(scenario, &[])?,
            scenario,
            paths: Vec::new(),
            space: Space::Grid(Vec::new()),
            design: "grid",
            specs: Vec::new(),
        })
    }

    /// The grid of `vary` specs (`PATH=VALUES`, as `negsim run --vary` takes them).
    ///
    /// # Errors
    /// `ValueError` for a spec, a path or a value that is not valid.
    pub fn grid(scenario: &'s Scenario, vary: &[String]) -> PyResult<Self> {
        let varies = vary
            .iter()
            .map(|v| Vary::parse(v))
            .collect::<Result<Vec<_>>>()
            .py()?;
        let mut whole = Vec::new();
        for v in &varies {
            scenario.doc.check_path(&v.path).py()?;
            whole.push(scenario.doc.is_whole(&v.path));
        }
        let space = space(&varies, Design::Grid, 0, &whole).py()?;
        let paths: Vec<ParamPath> = varies.iter().map(|v| v.path.clone()).collect();
        Ok(ScenarioPoints {
            builder: builder(scenario, &paths)?,
            scenario,
            paths,
            space,
            design: "grid",
            specs: varies.iter().map(|v| v.spec.clone()).collect(),
        })
    }

    /// The rows of a design table: one column of values per path.
    ///
    /// # Errors
    /// `ValueError` for a path that names no field, a value that is not finite, columns of
    /// different lengths or no rows.
    pub fn table(
        scenario: &'s Scenario,
        paths: &[String],
        columns: Vec<Vec<f64>>,
    ) -> PyResult<Self> {
        let mut parsed = Vec::new();
        let mut cols = Vec::new();
        let rows = columns.first().map_or(0, Vec::len);
        for (p, mut col) in paths.iter().zip(columns) {
            let path = ParamPath::parse(p).py()?;
            scenario.doc.check_path(&path).py()?;
            if parsed.contains(&path) {
                return Err(Error::Usage(format!(
                    "design: the column {p} is given twice"
                )))
                .py();
            }
            if col.len() != rows {
                return Err(Error::Usage(format!(
                    "design: column {p} has {} values, the first column {rows}",
                    col.len()
                )))
                .py();
            }
            if let Some((i, x)) = col.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                return Err(Error::Usage(format!(
                    "design: row {i} of column {p} is {x}; give a finite number"
                )))
                .py();
            }
            if scenario.doc.is_whole(&path) {
                for x in &mut col {
                    *x = x.round();
                }
            }
            parsed.push(path);
            cols.push(col);
        }
        if rows == 0 {
            return Err(Error::Usage(
                "design: no points; give a table with at least one row".into(),
            ))
            .py();
        }
        Ok(ScenarioPoints {
            builder: builder(scenario, &parsed)?,
            scenario,
            paths: parsed,
            space: Space::Lhs(cols),
            design: "table",
            specs: Vec::new(),
        })
    }

    /// The sweep paths as column names.
    pub fn params(&self) -> Vec<String> {
        self.paths.iter().map(|p| p.to_string()).collect()
    }
}

impl Points for ScenarioPoints<'_> {
    fn count(&self) -> u64 {
        self.space.len()
    }

    fn point(&self, index: u64) -> Result<Point> {
        let values = self.space.values(index);
        let mut all: Vec<f64> = self.scenario.set.iter().map(|o| o.value).collect();
        all.extend_from_slice(&values);
        let mut p = self.builder.point(index, &all)?;
        p.values = values;
        Ok(p)
    }
}
