//! `negsim calibrate`: read a calibration file, prepare the folder, run ABC-SMC, write the
//! posterior, the generations, the predictive run and the manifest (docs/MODEL.md 6).

use clap::Args;
use negsim::error::{Error, Result};
use negsim::inference::{Calibration, calibrate, with_threads, write};
use negsim::output::RunDir;
use negsim::output::manifest::now;
use std::path::PathBuf;
use std::time::Instant;

/// Options of `negsim calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The calibration file (TOML): [calibration], [[observe]], [[prior]].
    pub file: PathBuf,
    /// Output folder [default: output/<file stem>.calibration/].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads [default: every core; at most 1024]. Does not change any output byte.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Replace a finished (or unfinished) calibration in the output folder.
    #[arg(long)]
    pub force: bool,
}

/// Run the command.
pub fn run(args: CalibrateArgs) -> Result<()> {
    let clock = Instant::now();
    let started_at = now();
    let config = Calibration::load(&args.file)?;
    let out = match &args.out {
        Some(o) => o.clone(),
        None => {
            let stem = args
                .file
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .ok_or_else(|| {
                    Error::Usage(format!("{}: give a file name", args.file.display()))
                })?;
            PathBuf::from("output").join(format!("{stem}.calibration"))
        }
    };
    let dir = RunDir::prepare(&out, args.force)?;
    let threads = args.threads;
    let posterior = calibrate(&config, threads, true)?;
    let n_threads = threads.unwrap_or_else(rayon::current_num_threads);
    with_threads(threads, || {
        write::write(&config, &posterior, &dir, n_threads, started_at)
    })?;
    let secs = clock.elapsed().as_secs_f64();
    let last = posterior.generations.last();
    negsim::note!(
        "negsim: calibrated {} parameter{} in {} generations ({} trials, {:.1} s, {:.0} proposals/s), final tolerance {}, stopped by {} -> {}",
        posterior.paths.len(),
        if posterior.paths.len() == 1 { "" } else { "s" },
        posterior.generations.len(),
        posterior.trials,
        secs,
        posterior.trials as f64 / secs.max(1e-9),
        negsim::inference::distance::short(last.map_or(f64::INFINITY, |g| g.tolerance)),
        posterior.stop_reason.as_str(),
        dir.path().display()
    );
    for (k, p) in posterior.paths.iter().enumerate() {
        negsim::note!(
            "  {p}: median {:.4}, 90% interval [{:.4}, {:.4}]",
            posterior.quantile(k, 0.5),
            posterior.quantile(k, 0.05),
            posterior.quantile(k, 0.95)
        );
    }
    Ok(())
}
