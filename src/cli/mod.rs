//! Command-line definitions (clap) and dispatch: one file per command.
//!
//! `main` returns an exit code: 0 on success, 2 for bad input (a scenario error, a bad
//! option), 1 for anything else (I/O, a refused overwrite). Errors print as `error: ...`.

mod merge;
mod run;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// negsim: Monte Carlo simulation of multilateral negotiations under "action for action".
///
/// With no command, runs the bundled default scenario (second-phase-2007) into
/// output/second-phase-2007/.
#[derive(Debug, Parser)]
#[command(name = "negsim", version, about, long_about = None, propagate_version = true)]
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
}

/// Parse the command line, run the command, and map errors to exit codes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => run::run(run::RunArgs::default()),
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Merge(args)) => merge::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
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
