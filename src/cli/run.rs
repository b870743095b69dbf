//! `negsim run`: validate, build the points, run every trial, write the files, then the
//! manifest.

use clap::Args;
use negsim::error::{Error, Result};
use negsim::output::manifest::{
    FileInfo, Manifest, OutputInfo, ParameterInfo, PrecisionInfo, ScenarioInfo, ShardInfo,
    SweepInfo, now, sha256_hex,
};
use negsim::output::{Columns, RunDir};
use negsim::runs::run::{MAX_THREADS, Plan, Precision, execute};
use negsim::runs::sweep::{Design, Sweep, Vary, space};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `negsim run`.
#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Scenario file (TOML). Default: the bundled scenarios/second-phase-2007.toml.
    pub scenario: Option<PathBuf>,
    /// A study file holding the scenario, seed, trials and varied parameters; options given
    /// here override it.
    #[arg(long, value_name = "STUDY.toml")]
    pub study: Option<PathBuf>,
    /// Trials per point [default: 10000; with --precision, the most per point: 1000000].
    #[arg(long)]
    pub trials: Option<u64>,
    /// Master seed: trial k draws from stream k of this seed [default: 1].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder [default: output/<scenario name>/, +<overlay>... for each --with,
    /// +vary-<path>-... (or +lhs-...) for a sweep, output/<study name>/ for a study;
    /// .../shard-K-of-N/ under it for a shard].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Vary a field: PATH=LIST (0.2,0.4), PATH=START:STOP:COUNT, or PATH=LO..HI with
    /// --design lhs. Repeat for a grid; the first varies slowest.
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    /// Apply a what-if overlay (tables matched by id); repeat to apply several in order.
    #[arg(long = "with", value_name = "CHANGES.toml")]
    pub with: Vec<PathBuf>,
    /// How points are chosen: grid (every combination), lhs (a Latin hypercube), or
    /// file:POINTS.csv (a header of sweep paths, one row per point; not with --vary).
    #[arg(long, value_name = "grid|lhs|file:POINTS.csv")]
    pub design: Option<String>,
    /// Number of points of an lhs design.
    #[arg(long)]
    pub points: Option<u64>,
    /// Run each point in rounds until the 95% interval of METRIC is no wider than
    /// +-HALFWIDTH (or --trials is reached), e.g. p_completed=0.005 or end_day=2.
    #[arg(long = "precision", value_name = "METRIC=HALFWIDTH")]
    pub precision: Vec<String>,
    /// Trials per round of a precision-driven run [default: 1000].
    #[arg(long)]
    pub precision_batch: Option<u64>,
    /// Write actions.csv (one row per trial and action).
    #[arg(long)]
    pub actions: bool,
    /// Add a trials.csv column for this observable (repeat for several), e.g.
    /// action.us-delisting.done_day, quantity.t HFO@2008-06-30, party.DPRK.walkout_day.
    #[arg(long = "observe", value_name = "NAME")]
    pub observe: Vec<String>,
    /// Run only shard K of N (K from 0): a contiguous block of the (point, trial) pairs.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Worker threads [default: every core; at most 1024]. Does not change any output byte.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Replace a finished (or unfinished) run in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Also write the report (charts and report.html) into OUT/report/.
    #[arg(long)]
    pub report: bool,
}

fn parse_precision(s: &str) -> Result<Precision> {
    let (m, h) = s.split_once('=').ok_or_else(|| {
        Error::Usage(format!(
            "--precision `{s}`: write METRIC=HALFWIDTH, e.g. p_completed=0.005"
        ))
    })?;
    let half_width: f64 = h
        .trim()
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x > 0.0)
        .ok_or_else(|| {
            Error::Usage(format!(
                "--precision `{s}`: the half-width must be a number > 0"
            ))
        })?;
    Ok(Precision {
        metric: m.trim().to_string(),
        half_width,
    })
}

/// Run the command.
pub fn run(args: RunArgs) -> Result<()> {
    let started_at = now();
    let clock = Instant::now();
    if let Some(n) = args.threads
        && !(1..=MAX_THREADS).contains(&n)
    {
        return Err(Error::Usage(format!(
            "--threads {n}: give 1 to {MAX_THREADS} (more threads than that only add overhead)"
        )));
    }
    let study = match &args.study {
        Some(p) => Some(negsim::runs::study::load(p)?),
        None => None,
    };
    let st = study.as_ref().map(|s| s.study.clone()).unwrap_or_default();

    // Command-line options override the study's.
    let scenario_path = args.scenario.clone().or(st.scenario.clone());
    let with = if args.with.is_empty() {
        st.with.clone()
    } else {
        args.with.clone()
    };
    let vary_specs = if args.vary.is_empty() {
        st.vary.clone()
    } else {
        args.vary.clone()
    };
    let precision_specs: Vec<String> = if args.precision.is_empty() {
        st.precision
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    } else {
        args.precision.clone()
    };
    // An error about a value the study gave is placed in the study file.
    let in_study = |given_here: bool, key: &str, e: Error| match &study {
        Some(s) if !given_here => s.locate(key, e),
        _ => e,
    };
    let precision = precision_specs
        .iter()
        .map(|s| {
            parse_precision(s).map_err(|e| {
                let metric = s.split_once('=').map_or(s.as_str(), |(m, _)| m);
                in_study(
                    !args.precision.is_empty(),
                    &format!("precision.{metric}"),
                    e,
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let seed = args.seed.or(st.seed).unwrap_or(1);
    let default_trials = if precision.is_empty() {
        10_000
    } else {
        1_000_000
    };
    let trials = args.trials.or(st.trials).unwrap_or(default_trials);
    if trials == 0 {
        return Err(in_study(
            args.trials.is_some(),
            "trials",
            Error::Usage("--trials must be at least 1".into()),
        ));
    }
    let precision_batch = args.precision_batch.or(st.precision_batch).unwrap_or(1000);
    if precision_batch == 0 {
        return Err(in_study(
            args.precision_batch.is_some(),
            "precision_batch",
            Error::Usage("--precision-batch must be at least 1".into()),
        ));
    }
    let with_actions = args.actions || st.actions.unwrap_or(false);
    let design_name = args
        .design
        .clone()
        .or(st.design.clone())
        .unwrap_or_else(|| "grid".into());
    let design_file = design_name.strip_prefix("file:").map(PathBuf::from);
    if design_file.is_some() {
        if !vary_specs.is_empty() {
            let e = Error::Usage(format!(
                "--design {design_name} cannot go with --vary: the file's header names the varied paths; add a column for each path to vary (a fixed value can be set with --with)"
            ));
            return Err(if args.design.is_none() {
                in_study(false, "design", e)
            } else {
                in_study(!args.vary.is_empty(), "vary", e)
            });
        }
        if args.points.is_some() || st.points.is_some() {
            return Err(Error::Usage(format!(
                "--design {design_name}: the points are the file's rows; leave out --points"
            )));
        }
    }
    let design = match design_name.as_str() {
        _ if design_file.is_some() => Design::Grid,
        "grid" => {
            if args.points.is_some() {
                return Err(Error::Usage("--points goes with --design lhs".into()));
            }
            Design::Grid
        }
        "lhs" => Design::Lhs {
            points: args.points.or(st.points).ok_or_else(|| {
                in_study(
                    args.design.is_some(),
                    "design",
                    Error::Usage("--design lhs needs --points N".into()),
                )
            })?,
        },
        other => {
            return Err(in_study(
                args.design.is_some(),
                "design",
                Error::Usage(format!(
                    "--design `{other}`: use grid, lhs or file:POINTS.csv"
                )),
            ));
        }
    };
    let shard = match &args.shard {
        Some(s) => Some(negsim::runs::shard::parse(s)?),
        None => None,
    };
    if shard.is_some() && !precision.is_empty() {
        return Err(Error::Usage(
            "--shard cannot go with --precision: a precision-driven run decides its trial counts as it goes, so it cannot be cut in advance; run it on one machine, or shard a fixed --trials".into(),
        ));
    }

    // The scenario, its overlays, and every point, validated before any trial runs.
    // A file the study names that cannot be read is placed at its name in the study.
    let study_file = |given_here: bool, key: &str, e: Error| match &study {
        Some(s) if !given_here => s.locate_file(key, e),
        _ => e,
    };
    let mut doc = super::open_document(scenario_path.as_ref())
        .map_err(|e| study_file(args.scenario.is_some(), "scenario", e))?;
    let mut overlays = Vec::new();
    for (i, w) in with.iter().enumerate() {
        let text = negsim::scenario::read_input(w, "overlay")
            .map_err(|e| study_file(!args.with.is_empty(), &format!("with.{i}"), e))?;
        doc.apply_overlay(&w.display().to_string(), &text)?;
        overlays.push(FileInfo {
            file: w.display().to_string(),
            sha256: sha256_hex(text.as_bytes()),
        });
    }
    let design_file = match &design_file {
        Some(f) => {
            let mut d = negsim::runs::design_file::read(f)?;
            d.check(&doc)?;
            Some(d)
        }
        None => None,
    };
    let varies = match &design_file {
        Some(d) => d.varies(),
        None => vary_specs
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Vary::parse(v).map_err(|e| in_study(!args.vary.is_empty(), &format!("vary.{i}"), e))
            })
            .collect::<Result<Vec<_>>>()?,
    };
    let mut whole = Vec::new();
    for (i, v) in varies.iter().enumerate() {
        doc.check_path(&v.path).map_err(|e| {
            let from_study = design_file.is_none() && args.vary.is_empty();
            in_study(!from_study, &format!("vary.{i}"), e)
        })?;
        whole.push(doc.is_whole(&v.path));
    }
    // A sweep error names the path at fault: placed at the study's `vary` entry of that path
    // (or `points`), when the study gave them.
    let vary_from_study = design_file.is_none() && args.vary.is_empty();
    let sweep_error = |e: Error| {
        let text = e.to_string();
        if text.contains("--points") {
            return in_study(args.points.is_some(), "points", e);
        }
        // A point's error names every value of the point: placed at the list. Any other, at
        // the entry whose path the message names first.
        if text.contains("sweep point ") {
            return in_study(!vary_from_study, "vary", e);
        }
        let key = varies
            .iter()
            .enumerate()
            .filter_map(|(i, v)| text.find(&v.path.to_string()).map(|at| (at, i)))
            .min()
            .map_or("vary".to_string(), |(_, i)| format!("vary.{i}"));
        in_study(!vary_from_study, &key, e)
    };
    let sweep_points = Sweep::new(
        &doc,
        &varies,
        match &design_file {
            Some(d) => d.space(),
            None => space(&varies, design, seed, &whole).map_err(sweep_error)?,
        },
    )
    .map_err(sweep_error)?;
    let n_points = sweep_points.space.len();
    if n_points.checked_mul(trials).is_none() {
        return Err(Error::Usage(format!(
            "{n_points} points x {trials} trials is more trials than negsim can count (2^64); give fewer --trials or points"
        )));
    }
    // Every point compiled once now (a bad value fails before anything is written); only
    // point 0 and a few probes are kept, the run compiles each point again when it gets there.
    let probes = match &design_file {
        Some(d) => d.validate(&sweep_points)?,
        None => sweep_points.validate().map_err(sweep_error)?,
    };
    for w in negsim::runs::sweep::ineffective(&varies, &probes) {
        negsim::note!("warning: {w}");
    }
    let params: Vec<String> = varies.iter().map(|v| v.path.to_string()).collect();
    let base = &probes[0].scenario;
    let observe_specs = if args.observe.is_empty() {
        st.observe.clone()
    } else {
        args.observe.clone()
    };
    let columns = Columns::new(base, &params)
        .observing(base, &observe_specs)
        .map_err(|e| {
            let text = e.to_string();
            // The entry the message names first (the list of valid names comes after).
            let key = observe_specs
                .iter()
                .enumerate()
                .filter_map(|(i, o)| text.find(o.as_str()).map(|at| (at, i)))
                .min()
                .map_or("observe".to_string(), |(_, i)| format!("observe.{i}"));
            in_study(!args.observe.is_empty(), &key, e)
        })?;

    let scenario_sha = sha256_hex(doc.base_text().as_bytes());
    let sweep = SweepInfo {
        design: design_name.clone(),
        parameters: varies
            .iter()
            .map(|v| ParameterInfo {
                path: v.path.to_string(),
                spec: v.spec.clone(),
            })
            .collect(),
        points: n_points,
        design_seed: matches!(design, Design::Lhs { .. }).then_some(seed),
        study: study.as_ref().map(|s| FileInfo {
            file: s.path.display().to_string(),
            sha256: s.sha256.clone(),
        }),
        design_file: design_file.as_ref().map(|d| FileInfo {
            file: d.file.clone(),
            sha256: d.sha256.clone(),
        }),
    };
    let precision_info: Option<Vec<PrecisionInfo>> = (!precision.is_empty()).then(|| {
        precision
            .iter()
            .map(|p| PrecisionInfo {
                metric: p.metric.clone(),
                half_width: p.half_width,
                batch: precision_batch,
            })
            .collect()
    });
    let run_id = {
        let mut key = serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "scenario": scenario_sha,
            "overlays": overlays.iter().map(|o| o.sha256.clone()).collect::<Vec<_>>(),
            "seed": seed,
            "trials": trials,
            "design": design_name,
            "parameters": sweep.parameters.iter().map(|p| [p.path.clone(), p.spec.clone()]).collect::<Vec<_>>(),
            "points": n_points,
            "actions": with_actions,
            "precision": precision_specs,
        });
        // Keys added in 0.3 only when used, so a run without them keeps its run_id. A design
        // file is known by its bytes, not by the path it was given as (shards may spell it
        // differently).
        if let Some(d) = &design_file {
            key["design"] = "file".into();
            key["parameters"] = serde_json::json!(params);
            key["design_file"] = d.sha256.clone().into();
        }
        if !columns.observe.is_empty() {
            key["observe"] = serde_json::json!(columns.observe);
        }
        sha256_hex(key.to_string().as_bytes())
    };

    let total_pairs = n_points * trials;
    let shard_info = shard.map(|(k, n)| {
        let (a, b) = negsim::runs::shard::pairs(k, n, total_pairs);
        ShardInfo {
            index: k,
            count: n,
            first_pair: a,
            end_pair: b,
        }
    });
    let out = args.out.clone().or(st.out.clone()).unwrap_or_else(|| {
        let name = match &study {
            Some(s) => super::folder::study_name(&s.path),
            None => match &design_file {
                Some(d) => super::folder::design_file_name(&base.name, &with, Path::new(&d.file)),
                None => super::folder::default_name(&base.name, &with, &params, design),
            },
        };
        let d = PathBuf::from("output").join(name);
        match shard {
            Some((k, n)) => d.join(format!("shard-{k}-of-{n}")),
            None => d,
        }
    });
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = args.threads {
            b = b.num_threads(n);
        }
        b.build()
            .map_err(|e| Error::Usage(format!("cannot start threads: {e}")))?
    };
    negsim::runs::run::check_precision(&columns, &precision)
        .map_err(|e| in_study(!args.precision.is_empty(), "precision", e))?;
    // Everything is valid: only now is the folder looked at, and locked.
    let dir = RunDir::open(&out)?;
    // A job array may be resubmitted: a shard already finished is left alone, once its files
    // are verified against its manifest.
    if let Some(si) = &shard_info
        && !args.force
        && dir.contents()?.finished
        && let Ok(m) = negsim::runs::shard::read_manifest(&out)
        && m.run_id == run_id
        && m.shard
            .as_ref()
            .is_some_and(|s| s.index == si.index && s.count == si.count)
    {
        let who = format!("shard {}/{} ({})", si.index, si.count, out.display());
        negsim::output::verify(&out)?.into_result(
            &who,
            "this shard is finished but its files differ from its manifest; run it again with --force",
        )?;
        negsim::note!(
            "negsim: shard {}/{} of this run is already finished in {} (verified); nothing to do",
            si.index,
            si.count,
            out.display()
        );
        return Ok(());
    }
    dir.clear(args.force)?;
    let plan = Plan {
        points: &sweep_points,
        columns: &columns,
        seed,
        trials,
        actions: with_actions,
        precision: &precision,
        precision_batch,
        pairs: shard_info.as_ref().map(|s| (s.first_pair, s.end_pair)),
        progress: true,
    };
    let stats = pool.install(|| execute(&plan, &dir))?;
    let manifest = Manifest {
        negsim_version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: std::env::args().collect(),
        run_id,
        scenario: ScenarioInfo {
            name: base.name.clone(),
            title: base.title.clone(),
            source: base.source.clone(),
            file: doc.label().to_string(),
            sha256: scenario_sha,
            overlays,
        },
        seed,
        trials,
        sweep,
        precision: precision_info,
        shard: shard_info,
        observe: columns.observe.clone(),
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
        threads: pool.current_num_threads(),
        started_at,
        finished_at: now(),
    };
    negsim::runs::shard::write_manifest(&dir, &manifest)?;
    let secs = clock.elapsed().as_secs_f64();
    negsim::note!(
        "negsim: {} trials of {} ({} point{}) in {:.2} s ({:.0} trials/s) -> {}",
        stats.total_trials,
        base.name,
        n_points,
        if n_points == 1 { "" } else { "s" },
        secs,
        stats.total_trials as f64 / secs.max(1e-9),
        dir.path().display()
    );
    if shard.is_none() {
        super::headline::print(dir.path(), n_points)?;
    }
    if args.report {
        super::report_hook(dir.path())?;
    }
    Ok(())
}
