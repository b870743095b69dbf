//! `negsim run`: validate, build the points, run every trial, write the files, then the
//! manifest.

use clap::Args;
use negsim::error::{Error, Result};
use negsim::output::manifest::{
    FileInfo, Manifest, OutputInfo, ParameterInfo, PrecisionInfo, ScenarioInfo, SweepInfo, now,
    sha256_hex,
};
use negsim::output::{Columns, RunDir};
use negsim::run::{Plan, Precision, execute};
use negsim::sweep::{Design, Vary, build_points, combinations};
use std::path::PathBuf;
use std::time::Instant;

/// Options of `negsim run`.
#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Scenario file (TOML). Default: the bundled scenarios/second-phase-2007.toml.
    pub scenario: Option<PathBuf>,
    /// Trials per point [default: 10000].
    #[arg(long)]
    pub trials: Option<u64>,
    /// Master seed: trial k draws from stream k of this seed [default: 1].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder [default: output/<scenario name>/].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Vary a field: PATH=LIST (0.2,0.4), PATH=START:STOP:COUNT, or PATH=LO..HI with --design lhs.
    /// Repeat for a grid; the first varies slowest.
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    /// Apply a what-if overlay (tables matched by id); repeat to apply several in order.
    #[arg(long = "with", value_name = "CHANGES.toml")]
    pub with: Vec<PathBuf>,
    /// Write actions.csv (one row per trial and action).
    #[arg(long)]
    pub actions: bool,
    /// Worker threads [default: every core]. Does not change any output byte.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Replace a finished (or unfinished) run in the output folder.
    #[arg(long)]
    pub force: bool,
}

fn parse_shard(s: &str) -> Result<(u64, u64)> {
    let bad = || {
        Error::Usage(format!(
            "--shard `{s}`: write K/N with 0 <= K < N, e.g. 3/8"
        ))
    };
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Run the command.
pub fn run(args: RunArgs) -> Result<()> {
    let started_at = now();
    let clock = Instant::now();
    let trials = args.trials.unwrap_or(10_000);
    let seed = args.seed.unwrap_or(1);
    if trials == 0 {
        return Err(Error::Usage("--trials must be at least 1".into()));
    }
    let _ = parse_shard;
    let mut doc = super::open_document(args.scenario.as_ref())?;
    let mut overlays = Vec::new();
    for w in &args.with {
        doc.apply_overlay_file(w)?;
        let bytes = std::fs::read(w).map_err(|e| Error::io(w, e))?;
        overlays.push(FileInfo {
            file: w.display().to_string(),
            sha256: sha256_hex(&bytes),
        });
    }
    let varies = args
        .vary
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<Result<Vec<_>>>()?;
    let design = Design::Grid;
    let combos = combinations(&varies, design, seed, &[])?;
    let points = build_points(&doc, &varies, &combos)?;
    let params: Vec<String> = varies.iter().map(|v| v.path.to_string()).collect();
    let base = &points[0].scenario;
    let columns = Columns::new(base, &params);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&base.name));
    let dir = RunDir::prepare(&out, args.force)?;
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = args.threads {
            if n == 0 {
                return Err(Error::Usage("--threads must be at least 1".into()));
            }
            b = b.num_threads(n);
        }
        b.build()
            .map_err(|e| Error::Usage(format!("cannot start threads: {e}")))?
    };
    let precision: Vec<Precision> = Vec::new();
    let plan = Plan {
        points: &points,
        columns: &columns,
        seed,
        trials,
        actions: args.actions,
        precision: &precision,
        precision_batch: 1000,
        pairs: None,
        progress: true,
    };
    let stats = pool.install(|| execute(&plan, &dir))?;
    let manifest = Manifest {
        negsim_version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: std::env::args().collect(),
        scenario: ScenarioInfo {
            name: base.name.clone(),
            title: base.title.clone(),
            source: base.source.clone(),
            file: doc.label().to_string(),
            sha256: sha256_hex(doc.base_text().as_bytes()),
            overlays,
        },
        seed,
        trials,
        sweep: SweepInfo {
            design: "grid".into(),
            parameters: varies
                .iter()
                .map(|v| ParameterInfo {
                    path: v.path.to_string(),
                    spec: v.spec.clone(),
                })
                .collect(),
            points: points.len() as u64,
            design_seed: None,
            study: None,
        },
        precision: None::<Vec<PrecisionInfo>>,
        shard: None,
        merged_from: vec![],
        outputs: stats
            .rows
            .iter()
            .map(|(f, r)| OutputInfo {
                file: f.clone(),
                rows: *r,
            })
            .chain(std::iter::once(OutputInfo {
                file: "manifest.json".into(),
                rows: 1,
            }))
            .collect(),
        threads: pool.current_num_threads(),
        started_at,
        finished_at: now(),
    };
    write_manifest(&dir, &manifest)?;
    let secs = clock.elapsed().as_secs_f64();
    eprintln!(
        "negsim: {} trials of {} ({} point{}) in {:.2} s ({:.0} trials/s) -> {}",
        stats.total_trials,
        base.name,
        points.len(),
        if points.len() == 1 { "" } else { "s" },
        secs,
        stats.total_trials as f64 / secs.max(1e-9),
        dir.path().display()
    );
    Ok(())
}

/// Write `manifest.json` under a temporary name, then rename it: the run is finished.
pub fn write_manifest(dir: &RunDir, m: &Manifest) -> Result<()> {
    let text = serde_json::to_string_pretty(m).map_err(|e| Error::Usage(e.to_string()))? + "\n";
    let tmp = dir.temp_path("manifest.json");
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    dir.finish("manifest.json")
}
