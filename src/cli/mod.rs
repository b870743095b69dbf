//! Command-line definitions (clap) and dispatch: one file per command.
//!
//! `main` returns an exit code: 0 on success, 2 for bad input (a scenario error, a bad
//! option), 1 for anything else (I/O, a refused overwrite). Errors print as `error: ...`.

mod calibrate;
mod check;
mod folder;
mod graph;
mod headline;
mod merge;
mod report;
mod run;
mod trace;
mod verify;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// negsim: Monte Carlo simulation of multilateral negotiations under "action for action".
///
/// With no command, runs the bundled default scenario (second-phase-2007) into
/// output/second-phase-2007/.
#[derive(Debug, Parser)]
#[command(name = "negsim", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run many seeded trials of a scenario (or a sweep of it) and write CSV files.
    ///
    /// Example: negsim run scenarios/second-phase-2007.toml --trials 100000 --seed 7
    ///          --vary party.DPRK.compliance=0.2:0.8:4 --actions
    Run(run::RunArgs),
    /// Validate a scenario and print its parties, phases, actions, links and warnings.
    ///
    /// Prints the scenario as a reader wants it: parties and their parameters, phases in order
    /// of earliest start, each action with its actors, deadline, duration, requirements and
    /// quantity, quantities by unit, shocks. Then warnings for what is legal but suspicious (an
    /// action that can never start, a deadline that lapses in every trial, a shock that never
    /// fires, units that differ only by case or spacing, a party that walks out on day 0):
    /// exit 0 with warnings, 2 on errors.
    ///
    /// Example: negsim check scenarios/second-phase-2007.toml --set party.DPRK.compliance=0
    Check(check::CheckArgs),
    /// Replay one trial of `negsim run` and print its events as a dated timeline (or CSV).
    ///
    /// Same scenario, --with, --set and --seed as the run give the very trial written as row
    /// N of its trials.csv: phase starts, actions becoming due, delays (grouped per party and
    /// action), consents with the chance to act, starts with durations, completions, lapsed
    /// deadlines with the trust lost, shocks, pauses, a walkout, and the outcome.
    ///
    /// Example: negsim trace scenarios/second-phase-2007.toml --trial 42 --seed 7
    ///
    /// Example: negsim trace --trial 0 --format csv > trial-0.csv
    Trace(trace::TraceArgs),
    /// Write the action-for-action links of a scenario as Graphviz DOT.
    ///
    /// One cluster per phase, actions coloured by party (a joint action has a double border and
    /// a cell per actor in its colour), solid edges for "done" requirements, dashed for
    /// "@started", a diamond "≥ n of m" for each requires_at_least.
    ///
    /// Example: negsim graph scenarios/second-phase-2007.toml | dot -Tsvg > graph.svg
    Graph(graph::GraphArgs),
    /// Join the shards of one run (`run --shard K/N`) into one run folder.
    ///
    /// The merged trials.csv, summary.csv, points.csv and actions.csv are byte-identical to
    /// an unsharded run of the same study. Refuses shards of different runs, a shard given
    /// twice, or a missing shard (named); --check lists what is missing without writing.
    ///
    /// Example: negsim merge runs/shard-* --out runs/merged
    ///
    /// Example: negsim merge --check runs/shard-*
    Merge(merge::MergeArgs),
    /// Draw a finished run: SVG charts and one self-contained HTML page in DIR/report/.
    ///
    /// Outcome shares with 95% intervals, the process and each phase over time by date,
    /// delivered quantities, delays and walk-outs by party, and for a sweep the metrics against
    /// the varied parameters (lines with bands, a heatmap, or one panel per parameter).
    /// Refuses a folder without manifest.json (an unfinished run).
    ///
    /// Example: negsim report output/second-phase-2007
    Report(report::ReportArgs),
    /// Fit chosen parameters to an observed history (ABC-SMC) and write the posterior.
    ///
    /// Reads a calibration file ([calibration] with the scenario, seed, particles and stop
    /// settings; [[observe]] facts; [[prior]] distributions over sweep paths), prints a line per
    /// generation (tolerance, proposals, acceptance, ESS, trials, seconds), and writes
    /// posterior.csv, generations.csv, a predictive/ run and manifest.json. The same file and
    /// seed give the same bytes whatever --threads.
    ///
    /// Example: negsim calibrate scenarios/calibration/history-2007-2009.toml --threads 2
    Calibrate(calibrate::CalibrateArgs),
    /// Check a finished run's files against the rows and SHA-256 its manifest records.
    ///
    /// Exit 0 and "DIR: N files verified" when every file is what the run wrote; exit 1
    /// naming each file that differs (rows, or SHA-256); exit 2 for a folder that is not a
    /// finished run (no manifest.json).
    ///
    /// Example: negsim verify output/second-phase-2007
    Verify(verify::VerifyArgs),
}

/// Parse the command line, run the command, and map errors to exit codes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => run::run(run::RunArgs::default()),
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Report(args)) => report::run(args),
        Some(Command::Check(args)) => check::run(args),
        Some(Command::Trace(args)) => trace::run(args),
        Some(Command::Graph(args)) => graph::run(args),
        Some(Command::Merge(args)) => merge::run(args),
        Some(Command::Verify(args)) => verify::run(args),
        Some(Command::Calibrate(args)) => calibrate::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            negsim::note!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                negsim::note!("  caused by: {s}");
                source = s.source();
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// `negsim run --report`: draw the finished run.
pub(crate) fn report_hook(dir: &std::path::Path) -> negsim::Result<()> {
    let summary = negsim::report::write_report(dir)?;
    negsim::note!(
        "negsim: report -> {}",
        dir.join("report").join("report.html").display()
    );
    let _ = summary;
    Ok(())
}

/// The scenario to load: a path, or the bundled default.
pub(crate) fn open_document(path: Option<&PathBuf>) -> negsim::Result<negsim::scenario::Document> {
    match path {
        Some(p) => negsim::scenario::Document::open(p),
        None => negsim::scenario::Document::from_text(
            negsim::scenario::DEFAULT_SCENARIO_FILE,
            negsim::scenario::DEFAULT_SCENARIO,
        ),
    }
}
