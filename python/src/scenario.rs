//! `negsim.load(...)` and `Scenario`: a scenario file (or the bundled default) with its
//! what-if overlays and field settings, validated, and what `negsim check`/`graph` say of it.

use crate::error::IntoPy;
use negsim::output::manifest::{FileInfo, sha256_hex};
use negsim::scenario::{Document, Override, ParamPath};
use pyo3::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A validated scenario: the document, its overlays and settings, and the compiled model.
#[pyclass(module = "negsim._native", frozen)]
pub struct Scenario {
    /// The file with its overlays applied.
    pub doc: Document,
    /// The overlays, as the manifest records them.
    pub overlays: Vec<FileInfo>,
    /// Field settings (`set={...}`), applied to every point before any sweep value.
    pub set: Vec<Override>,
    /// The scenario compiled with `set`.
    pub compiled: negsim::Scenario,
    /// Where it came from, for messages: the file, `+ overlay`, `with path=value`.
    pub label: String,
}

impl Scenario {
    /// The settings followed by a point's sweep values (a later value of a path wins).
    pub fn overrides(&self, paths: &[ParamPath], values: &[f64]) -> Vec<Override> {
        let mut out = self.set.clone();
        out.extend(paths.iter().zip(values).map(|(p, &v)| Override {
            path: p.clone(),
            value: v,
        }));
        out
    }

    /// SHA-256 of the base file's text (as the manifest records it).
    pub fn sha256(&self) -> String {
        sha256_hex(self.doc.base_text().as_bytes())
    }
}

/// Load a scenario file (None: the bundled `second-phase-2007`), apply each overlay of
/// `with_` in order, then each `set` value, and validate it.
#[pyfunction]
#[pyo3(signature = (path=None, with_=Vec::new(), set=BTreeMap::new()))]
pub fn load(
    path: Option<PathBuf>,
    with_: Vec<PathBuf>,
    set: BTreeMap<String, f64>,
) -> PyResult<Scenario> {
    let mut doc = match &path {
        Some(p) => Document::open(p),
        None => Document::from_text(
            negsim::scenario::DEFAULT_SCENARIO_FILE,
            negsim::scenario::DEFAULT_SCENARIO,
        ),
    }
    .py()?;
    let mut overlays = Vec::new();
    for w in &with_ {
        let text = negsim::scenario::read_input(w, "overlay").py()?;
        doc.apply_overlay(&w.display().to_string(), &text).py()?;
        overlays.push(FileInfo {
            file: w.display().to_string(),
            sha256: sha256_hex(text.as_bytes()),
        });
    }
    let set = set
        .into_iter()
        .map(|(p, value)| {
            let path = ParamPath::parse(&p)?;
            doc.check_path(&path)?;
            Ok(Override { path, value })
        })
        .collect::<negsim::Result<Vec<_>>>()
        .py()?;
    let compiled = doc.compile_with(&set).py()?;
    let mut label = doc.label().to_string();
    for o in doc.overlays() {
        label.push_str(&format!(" + {o}"));
    }
    for o in &set {
        label.push_str(&format!(" with {}={}", o.path, o.value));
    }
    Ok(Scenario {
        doc,
        overlays,
        set,
        compiled,
        label,
    })
}

#[pymethods]
impl Scenario {
    /// `[scenario] name`.
    #[getter]
    fn name(&self) -> String {
        self.compiled.name.clone()
    }

    /// `[scenario] title`.
    #[getter]
    fn title(&self) -> String {
        self.compiled.title.clone()
    }

    /// Where the scenario came from: the file, `+ overlay`..., `with path=value`...
    #[getter]
    fn label(&self) -> String {
        self.label.clone()
    }

    /// The first simulated day, `YYYY-MM-DD`.
    #[getter]
    fn start(&self) -> String {
        self.compiled.start.to_string()
    }

    /// Days simulated.
    #[getter]
    fn horizon_days(&self) -> u32 {
        self.compiled.horizon
    }

    /// Party ids, in file order.
    #[getter]
    fn parties(&self) -> Vec<String> {
        self.compiled.parties.iter().map(|p| p.id.clone()).collect()
    }

    /// Action ids, in file order.
    #[getter]
    fn actions(&self) -> Vec<String> {
        self.compiled.actions.iter().map(|a| a.id.clone()).collect()
    }

    /// Phase ids, in file order.
    #[getter]
    fn phases(&self) -> Vec<String> {
        self.compiled.phases.iter().map(|p| p.id.clone()).collect()
    }

    /// Units of the actions' quantities.
    #[getter]
    fn units(&self) -> Vec<String> {
        self.compiled.units.clone()
    }

    /// Every sweep path of the scenario (what `vary`, a design's columns and `set` name).
    fn paths(&self) -> Vec<String> {
        self.doc.paths()
    }

    /// Whether a sweep path takes whole days (so a design's values are rounded).
    fn is_whole(&self, path: &str) -> PyResult<bool> {
        let p = ParamPath::parse(path).py()?;
        self.doc.check_path(&p).py()?;
        Ok(self.doc.is_whole(&p))
    }

    /// The value a sweep path has in this scenario (None when the file leaves it to a default).
    fn value(&self, path: &str) -> PyResult<Option<f64>> {
        let p = ParamPath::parse(path).py()?;
        if let Some(o) = self.set.iter().rev().find(|o| o.path == p) {
            return Ok(Some(o.value));
        }
        self.doc.value_at(&p).py()
    }

    /// What `negsim check` warns of: `(kind, subject, message)` for each warning.
    fn check(&self) -> Vec<(String, String, String)> {
        negsim::inspect::warnings(&self.compiled)
            .into_iter()
            .map(|w| (w.kind.as_str().to_string(), w.subject, w.message))
            .collect()
    }

    /// The report `negsim check` prints.
    fn describe(&self) -> String {
        negsim::inspect::report(&self.compiled, &self.label)
    }

    /// The action-for-action links as Graphviz DOT (`negsim graph`).
    fn graph(&self) -> String {
        negsim::graph::dot(&self.compiled)
    }

    fn __repr__(&self) -> String {
        format!(
            "<negsim.Scenario {} ({}): {} parties, {} phases, {} actions>",
            self.compiled.name,
            self.label,
            self.compiled.parties.len(),
            self.compiled.phases.len(),
            self.compiled.actions.len()
        )
    }
}
