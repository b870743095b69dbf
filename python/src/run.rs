//! `negsim.run(...)`: a Monte Carlo run through the library's runner, into a private
//! temporary run folder, and `RunFolder`, what it wrote: its files read back as columns,
//! its manifest, and `.save(dir)` writing them into a run folder as the CLI does (the same
//! bytes, under the same folder rules: locked, nothing foreign replaced, a run already
//! there kept unless `force`).

use crate::error::{INTERRUPTED, IntoPy, to_py};
use crate::points::ScenarioPoints;
use crate::scenario::Scenario;
use negsim::error::Error;
use negsim::output::manifest::{Manifest, OutputInfo, ParameterInfo, ScenarioInfo, SweepInfo, now};
use negsim::output::{Columns, RunDir};
use negsim::runs::run::{MAX_THREADS, Plan, Points, RunStats, cancellable, execute};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A finished run, in a temporary folder removed when this is dropped.
#[pyclass(module = "negsim._native", frozen)]
pub struct RunFolder {
    tmp: tempfile::TempDir,
    params: Vec<String>,
    manifest: Manifest,
}

impl RunFolder {
    fn dir(&self) -> PathBuf {
        self.tmp.path().join("run")
    }
}

/// A thread pool of `threads` workers (None: every core).
///
/// # Errors
/// `ValueError` for 0 or more than [`MAX_THREADS`].
pub fn pool(threads: Option<usize>) -> PyResult<rayon::ThreadPool> {
    if let Some(n) = threads
        && !(1..=MAX_THREADS).contains(&n)
    {
        return Err(Error::Usage(format!(
            "threads={n}: give 1 to {MAX_THREADS} (more threads than that only add overhead)"
        )))
        .py();
    }
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n);
    }
    b.build()
        .map_err(|e| Error::Usage(format!("cannot start threads: {e}")))
        .py()
}

/// The points of a run: a grid from `vary`, the rows of a design, or the scenario alone.
///
/// # Errors
/// `ValueError` when both are given, or either is not valid.
pub fn points<'s>(
    scenario: &'s Scenario,
    vary: &[String],
    design_paths: &[String],
    design_columns: Vec<Vec<f64>>,
) -> PyResult<ScenarioPoints<'s>> {
    match (vary.is_empty(), design_paths.is_empty()) {
        (true, true) => ScenarioPoints::single(scenario),
        (false, true) => ScenarioPoints::grid(scenario, vary),
        (true, false) => ScenarioPoints::table(scenario, design_paths, design_columns),
        (false, false) => Err(Error::Usage(
            "give vary or design, not both (a design lists every point itself)".into(),
        ))
        .py(),
    }
}

/// Run `trials` trials of every point of `scenario` (seed `seed`: trial k draws stream k at
/// every point) into a temporary folder; the engine runs on every core (or `threads`)
/// without the GIL, and Ctrl-C stops it.
#[pyfunction]
#[pyo3(signature = (scenario, trials, seed, vary, design_paths, design_columns, observe, threads, progress, actions))]
#[allow(clippy::too_many_arguments)]
pub fn run(
    py: Python<'_>,
    scenario: &Scenario,
    trials: u64,
    seed: u64,
    vary: Vec<String>,
    design_paths: Vec<String>,
    design_columns: Vec<Vec<f64>>,
    observe: Vec<String>,
    threads: Option<usize>,
    progress: bool,
    actions: bool,
) -> PyResult<RunFolder> {
    let started_at = now();
    if trials == 0 {
        return Err(Error::Usage("trials must be at least 1".into())).py();
    }
    let pts = points(scenario, &vary, &design_paths, design_columns)?;
    let n_points = pts.count();
    if n_points.checked_mul(trials).is_none() {
        return Err(Error::Usage(format!(
            "{n_points} points x {trials} trials is more trials than negsim can count (2^64)"
        )))
        .py();
    }
    let params = pts.params();
    let first = pts.point(0).py()?;
    let columns = Columns::new(&first.scenario, &params)
        .observing(&first.scenario, &observe)
        .py()?;
    let pool = pool(threads)?;
    let tmp = tempfile::Builder::new()
        .prefix("negsim-run-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))
        .py()?;
    let out = tmp.path().join("run");
    let dir = RunDir::prepare(&out, false).py()?;
    let plan = Plan {
        points: &pts,
        columns: &columns,
        seed,
        trials,
        actions,
        precision: &[],
        precision_batch: 1000,
        pairs: None,
        progress,
    };
    let stats: RunStats = crate::interrupt::run(py, |flag| {
        pool.install(|| cancellable(flag, || execute(&plan, &dir)))
    })?
    .map_err(|e| match e {
        Error::Refused(m) if m == INTERRUPTED => pyo3::exceptions::PyKeyboardInterrupt::new_err(m),
        e => to_py(e),
    })?;
    let manifest = manifest(
        scenario,
        &pts,
        &columns.observe,
        seed,
        trials,
        actions,
        &stats,
        &dir,
        pool.current_num_threads(),
        started_at,
    );
    negsim::runs::shard::write_manifest(&dir, &manifest).py()?;
    drop(dir);
    Ok(RunFolder {
        tmp,
        params,
        manifest,
    })
}

/// The manifest of a Python run: as the CLI writes it, the command line saying how it ran.
#[allow(clippy::too_many_arguments)]
fn manifest(
    scenario: &Scenario,
    pts: &ScenarioPoints,
    observe: &[String],
    seed: u64,
    trials: u64,
    actions: bool,
    stats: &RunStats,
    dir: &RunDir,
    threads: usize,
    started_at: String,
) -> Manifest {
    let base = &scenario.compiled;
    let params = pts.params();
    let sha = scenario.sha256();
    let n_points = pts.count();
    let design_key: Vec<Vec<f64>> = (0..n_points).map(|i| pts.space.values(i)).collect();
    let set: Vec<String> = scenario
        .set
        .iter()
        .map(|o| format!("{}={}", o.path, o.value))
        .collect();
    let run_id = {
        let key = serde_json::json!({
            "version": negsim_version(),
            "scenario": sha,
            "overlays": scenario.overlays.iter().map(|o| o.sha256.clone()).collect::<Vec<_>>(),
            "set": set,
            "seed": seed,
            "trials": trials,
            "design": pts.design,
            "parameters": params,
            "points": design_key,
            "actions": actions,
            "observe": observe,
        });
        negsim::output::manifest::sha256_hex(key.to_string().as_bytes())
    };
    let mut command_line = vec![
        "python".to_string(),
        "negsim.run".into(),
        scenario.doc.label().to_string(),
        format!("trials={trials}"),
        format!("seed={seed}"),
    ];
    command_line.extend(scenario.overlays.iter().map(|o| format!("with={}", o.file)));
    command_line.extend(set.iter().map(|s| format!("set={s}")));
    command_line.extend(
        pts.specs
            .iter()
            .zip(&params)
            .map(|(s, p)| format!("vary={p}={s}")),
    );
    if pts.design == "table" {
        command_line.push(format!(
            "design=<table of {n_points} points: {}>",
            params.join(", ")
        ));
    }
    command_line.extend(observe.iter().map(|o| format!("observe={o}")));
    if actions {
        command_line.push("actions=True".into());
    }
    Manifest {
        negsim_version: negsim_version(),
        command_line,
        run_id,
        scenario: ScenarioInfo {
            name: base.name.clone(),
            title: base.title.clone(),
            source: base.source.clone(),
            file: scenario.doc.label().to_string(),
            sha256: sha,
            overlays: scenario.overlays.clone(),
        },
        seed,
        trials,
        sweep: SweepInfo {
            design: pts.design.to_string(),
            parameters: params
                .iter()
                .enumerate()
                .map(|(i, p)| ParameterInfo {
                    path: p.clone(),
                    spec: pts.specs.get(i).cloned().unwrap_or_default(),
                })
                .collect(),
            points: n_points,
            design_seed: None,
            design_file: None,
            study: None,
        },
        observe: observe.to_vec(),
        precision: None,
        shard: None,
        merged_from: vec![],
        outputs: outputs(stats, dir),
        threads,
        started_at,
        finished_at: now(),
    }
}

fn outputs(stats: &RunStats, dir: &RunDir) -> Vec<OutputInfo> {
    stats
        .rows
        .iter()
        .map(|(f, r)| dir.output(f, *r))
        .chain(std::iter::once(OutputInfo {
            file: "manifest.json".into(),
            rows: 1,
            sha256: String::new(),
        }))
        .collect()
}

/// The version of the negsim library the package was built with.
pub fn negsim_version() -> String {
    negsim::VERSION.to_string()
}

#[pymethods]
impl RunFolder {
    /// The run's files, in manifest order (`trials.csv`, `summary.csv`, `points.csv`,
    /// `actions.csv` when written).
    fn files(&self) -> Vec<String> {
        self.manifest
            .outputs
            .iter()
            .filter(|o| o.file != "manifest.json")
            .map(|o| o.file.clone())
            .collect()
    }

    /// A file's columns: `[(name, dtype, data, mask, categories)]` (see `negsim._frame`).
    fn table<'py>(&self, py: Python<'py>, file: &str) -> PyResult<Bound<'py, PyList>> {
        let bytes = self.read(file)?;
        crate::table::to_py(py, file, &bytes, &self.params)
    }

    /// A file's bytes, exactly as written.
    fn read(&self, file: &str) -> PyResult<Vec<u8>> {
        if !self.files().iter().any(|f| f == file) {
            return Err(Error::Usage(format!(
                "this run has no {file}; it has {}",
                self.files().join(", ")
            )))
            .py();
        }
        let p = self.dir().join(file);
        std::fs::read(&p).map_err(|e| Error::io(&p, e)).py()
    }

    /// `manifest.json` as written (JSON text).
    fn manifest_json(&self) -> PyResult<String> {
        let p = self.dir().join("manifest.json");
        std::fs::read_to_string(&p)
            .map_err(|e| Error::io(&p, e))
            .py()
    }

    /// The sweep paths (the parameter columns).
    fn params(&self) -> Vec<String> {
        self.params.clone()
    }

    /// Write the run folder `dir` as `negsim run --out DIR` does: every data file byte for
    /// byte, then a manifest. Refuses `/`, the home folder, a repository, a folder holding
    /// anything negsim did not write, and a run already there unless `force`.
    #[pyo3(signature = (dir, force=false))]
    fn save(&self, py: Python<'_>, dir: PathBuf, force: bool) -> PyResult<PathBuf> {
        py.detach(|| self.save_to(&dir, force)).py()?;
        Ok(dir)
    }
}

impl RunFolder {
    fn save_to(&self, dir: &Path, force: bool) -> negsim::Result<()> {
        let out = RunDir::prepare(dir, force)?;
        let mut stats = RunStats::default();
        for o in &self.manifest.outputs {
            if o.file == "manifest.json" {
                continue;
            }
            let from = self.dir().join(&o.file);
            let mut src = std::fs::File::open(&from).map_err(|e| Error::io(&from, e))?;
            let mut f = out.create(&o.file)?;
            std::io::copy(&mut src, &mut f).map_err(|e| Error::io(out.temp_path(&o.file), e))?;
            f.flush()
                .map_err(|e| Error::io(out.temp_path(&o.file), e))?;
            drop(f);
            out.finish(&o.file)?;
            stats.rows.push((o.file.clone(), o.rows));
        }
        let mut m = self.manifest.clone();
        m.outputs = outputs(&stats, &out);
        negsim::runs::shard::write_manifest(&out, &m)
    }
}
